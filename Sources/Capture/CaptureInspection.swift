/// What a capture holds, as `exsim capture inspect` reports it: the
/// packets by kind, the flows, the messages by protocol and type, the peak
/// rates, MoldUDP64 sequence gaps and SoupBinTCP session boundaries.
/// Plain values, in the order things were first seen in the capture.
public struct CaptureInspection: Codable, Sendable {
    public var packets = 0
    public var capturedBytes: Int64 = 0
    public var firstTimestampNs: Int64?
    public var lastTimestampNs: Int64?
    public var packetKinds = PacketKindCounts()
    public var flows: [FlowSummary] = []
    /// Flows beyond `CaptureDissector.maximumFlows`, whose packets were counted but not followed.
    public var untrackedFlowPackets = 0
    public var messages: [MessageTypeCount] = []
    public var messageCount = 0
    public var peakMessagesPerMillisecond = 0
    public var peakMessagesPerSecond = 0
    public var peakPacketsPerMillisecond = 0
    public var peakPacketsPerSecond = 0
    public var moldUDP64Sessions: [MoldUDP64SessionSummary] = []
}

public struct PacketKindCounts: Codable, Sendable {
    public var udp = 0
    public var tcp = 0
    public var otherIP = 0
    public var notIP = 0
    /// IP fragments; each datagram they complete is counted once more as UDP, TCP or other IP.
    public var ipFragments = 0
    /// Datagrams put back together from fragments.
    public var reassembledDatagrams = 0
    /// Datagrams whose fragments never all arrived (or a snap length cut one): dropped.
    public var incompleteDatagrams = 0
    /// Cut by the capture's snap length (or malformed) before the transport header ended.
    public var truncated = 0
    public var malformed = 0
    public var unknownLinkType = 0
    /// UDP or TCP packets whose payload the snap length cut.
    public var payloadTruncated = 0
    public var vlanTagged = 0
}

public struct FlowSummary: Codable, Sendable {
    /// "udp" or "tcp".
    public var transport: String
    /// For TCP the side that opened the connection (or, joined late, the
    /// side not on the protocol's port); for UDP the sender.
    public var client: String
    public var server: String
    public var packets = 0
    public var payloadBytes: Int64 = 0
    public var firstTimestampNs: Int64 = 0
    public var lastTimestampNs: Int64 = 0
    /// The protocol found, by port map or framing; nil when none was recognised.
    public var protocolName: String?
    /// "port" when the port map chose the protocol, "framing" when it was recognised.
    public var chosenBy: String?
    public var messages = 0
    public var tcp: TCPFlowSummary?
    public var framingErrors: [String] = []
    /// SoupBinTCP and FIX session boundaries and TCP open/close, first ones kept.
    public var sessionEvents: [SessionEvent] = []
    public var sessionEventsNotKept = 0
}

public struct TCPFlowSummary: Codable, Sendable {
    public var segments = 0
    public var retransmittedSegments = 0
    public var overlappingBytes: Int64 = 0
    public var outOfOrderSegments = 0
    public var holes = 0
    public var missingBytes: Int64 = 0
    /// Connections seen on these ports (a client that connects again from the same port).
    public var connections = 1

    mutating func add(_ reassembler: TCPStreamReassembler) {
        segments += reassembler.segmentCount
        retransmittedSegments += reassembler.retransmittedSegmentCount
        overlappingBytes += reassembler.overlappingByteCount
        outOfOrderSegments += reassembler.outOfOrderSegmentCount
        holes += reassembler.holeCount
        missingBytes += reassembler.missingByteCount
    }
}

public struct SessionEvent: Codable, Sendable {
    public var timestampNs: Int64
    public var event: String
}

public struct MessageTypeCount: Codable, Sendable {
    /// "ITCH", "OUCH in" (client to venue), "OUCH out", "SoupBinTCP", "FIX".
    public var family: String
    /// The type byte as a character, or FIX's MsgType.
    public var type: String
    public var count: Int
}

public struct MoldUDP64SessionSummary: Codable, Sendable {
    public var session: String
    public var packets = 0
    public var messages = 0
    public var heartbeats = 0
    public var endOfSession = false
    public var firstSequence: UInt64 = 0
    /// The sequence number after the last message seen.
    public var nextSequence: UInt64 = 0
    /// Ranges of sequence numbers never seen, first ones kept.
    public var gaps: [SequenceGap] = []
    public var gapCount = 0
    public var missingMessages: UInt64 = 0
    /// Messages seen again (a second feed, a retransmission) and not delivered twice.
    public var duplicateMessages = 0
}

public struct SequenceGap: Codable, Sendable {
    public var from: UInt64
    public var to: UInt64
}
