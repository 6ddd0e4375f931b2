import Wire

/// Where the ITCH 5.0 messages of a capture go, in feed order: MoldUDP64
/// messages once each by sequence number (a second feed's copies and
/// retransmissions are dropped), and SoupBinTCP/ITCH sequenced data.
public protocol CaptureMessageSink {
    /// One ITCH message of feed number `feed` (`CaptureDissector.feedNames`
    /// names it: a MoldUDP64 session, or a SoupBinTCP connection), valid
    /// only during the call. Each feed has its own order references and
    /// stock locates.
    mutating func itchMessage(_ message: UnsafeRawBufferPointer, feed: Int, timestampNs: Int64)
    /// The messages of one MoldUDP64 packet not seen before, in sequence
    /// order. The default hands each to `itchMessage`; a sink on a hot path
    /// implements it in its own module, where the loop is specialised (the
    /// dissector, generic across the module boundary, calls the sink once
    /// per packet rather than once per message).
    mutating func itchMessages(_ messages: MessageBlockIterator, feed: Int, timestampNs: Int64)
    /// One order-entry message a client sent, valid only during the call:
    /// the payload of a SoupBinTCP Unsequenced Data packet (an OUCH 4.2
    /// inbound message), or a whole FIX message, session messages included.
    /// `session` numbers the TCP connection (`CaptureDissector.orderEntrySessionNames`
    /// names it). The default ignores it.
    mutating func orderEntryMessage(_ message: UnsafeRawBufferPointer, protocol: CapturedOrderEntryProtocol, session: Int,
                                    timestampNs: Int64)
}

/// The protocol of a captured order-entry message.
public enum CapturedOrderEntryProtocol: Sendable {
    /// OUCH 4.2 over SoupBinTCP.
    case ouch
    case fix
}

extension CaptureMessageSink {
    @inlinable
    public mutating func orderEntryMessage(_ message: UnsafeRawBufferPointer, protocol: CapturedOrderEntryProtocol, session: Int,
                                           timestampNs: Int64) {}

    @inlinable
    public mutating func itchMessages(_ messages: MessageBlockIterator, feed: Int, timestampNs: Int64) {
        var messages = messages
        while let message = messages.next() { itchMessage(message, feed: feed, timestampNs: timestampNs) }
    }
}

/// A sink that keeps nothing: for inspection alone.
public struct DiscardingMessageSink: CaptureMessageSink {
    public init() {}
    @inlinable public mutating func itchMessage(_ message: UnsafeRawBufferPointer, feed: Int, timestampNs: Int64) {}
}

/// Follows a capture packet by packet: decodes each, groups packets into
/// flows, reassembles TCP streams, picks each flow's protocol (port map,
/// else framing) and splits its bytes into messages with Wire's decoders,
/// counting what `CaptureInspection` reports and handing ITCH messages to
/// the sink.
///
/// A class so that the TCP reassemblers' sinks can reach it while they run.
public final class CaptureDissector<Sink: CaptureMessageSink> {
    /// Flows followed at most; packets of later flows are only counted.
    public static var maximumFlows: Int { 100_000 }
    /// Session events kept per flow.
    static var maximumSessionEvents: Int { 64 }
    /// Gaps listed per MoldUDP64 session (all are counted).
    static var maximumGapsListed: Int { 32 }

    public var sink: Sink
    public let portMap: CapturePortMap
    let linkType: Int32

    struct FlowKey: Hashable {
        var first: IPAddress
        var second: IPAddress
        var firstPort: UInt16
        var secondPort: UInt16
        var isTCP: Bool
    }

    struct Flow {
        var summary: FlowSummary
        var clientAddress: IPAddress
        var clientPort: UInt16
        var protocolFound: CapturedProtocol?
        var recognitionTried = false
        // Per direction (0: client to server, 1: server to client).
        var reassemblers = [TCPStreamReassembler(), TCPStreamReassembler()]
        var soupDecoders = [SoupBinTCPFrameDecoder(), SoupBinTCPFrameDecoder()]
        var fixFramers: [FIXFramer] = []
        var framingStopped = [false, false]
        var closedDirections = [false, false]
        /// The feed number of a SoupBinTCP connection carrying ITCH.
        var itchFeed: Int?
        /// The order-entry session number of a connection whose client sent order entry.
        var orderEntrySession: Int?
        /// TCP figures of connections that ended before a new one on the same ports.
        var earlierConnections = TCPFlowSummary()
    }

    struct MoldSession {
        var id: MoldUDP64SessionID
        var summary: MoldUDP64SessionSummary
        var started = false
        var feed: Int
    }

    struct RatePeak {
        var bucket: Int64 = .min
        var count = 0
        var peak = 0
        @inline(__always) mutating func add(_ timestampNs: Int64, width: Int64, count added: Int) {
            let current = timestampNs / width
            if current != bucket {
                bucket = current
                count = 0
            }
            count += added
            if count > peak { peak = count }
        }
    }

    var inspection = CaptureInspection()
    var flows: [Flow] = []
    var fragments = IPFragmentReassembler()
    var flowIndex: [FlowKey: Int] = [:]
    var lastKey: FlowKey?
    var lastFlow = -1
    var moldSessions: [MoldSession] = []
    /// The ITCH feeds found, in the order first seen: their numbers are the sink's `feed`.
    public private(set) var feedNames: [String] = []
    /// The order-entry connections found (client → server), in the order
    /// their client first sent a message: their numbers are the sink's `session`.
    public private(set) var orderEntrySessionNames: [String] = []
    var lastMoldSession = -1
    /// ITCH messages by type byte: a raw table, written once per message on
    /// the feed's hot path without array uniqueness or exclusivity checks.
    let itchCounts = UnsafeMutableBufferPointer<Int>.allocate(capacity: 256)
    var ouchInCounts = [Int](repeating: 0, count: 256)
    var ouchOutCounts = [Int](repeating: 0, count: 256)
    var soupCounts = [Int](repeating: 0, count: 256)
    var fixCounts: [(type: String, count: Int)] = []
    var messagesPerMillisecond = RatePeak()
    var messagesPerSecond = RatePeak()
    var packetsPerMillisecond = RatePeak()
    var packetsPerSecond = RatePeak()
    var currentTimestampNs: Int64 = 0

    public init(linkType: Int32, portMap: CapturePortMap, sink: Sink) {
        self.linkType = linkType
        self.portMap = portMap
        self.sink = sink
        itchCounts.initialize(repeating: 0)
    }

    deinit {
        itchCounts.deallocate()
    }

    /// Messages counted so far, every protocol.
    public var messageCount: Int { inspection.messageCount }

    /// One captured packet.
    public func packet(_ packet: CapturedPacket) {
        let timestamp = packet.timestampNs
        currentTimestampNs = timestamp
        inspection.packets += 1
        inspection.capturedBytes += Int64(packet.bytes.count)
        if inspection.firstTimestampNs == nil { inspection.firstTimestampNs = timestamp }
        inspection.lastTimestampNs = timestamp
        packetsPerMillisecond.add(timestamp, width: 1_000_000, count: 1)
        packetsPerSecond.add(timestamp, width: 1_000_000_000, count: 1)

        let decoded = PacketDecoder.decode(packet.bytes, linkType: linkType)
        if decoded.vlanID != nil { inspection.packetKinds.vlanTagged += 1 }
        if decoded.kind == .ipFragment {
            inspection.packetKinds.ipFragments += 1
            fragments.fragment(decoded, timestampNs: timestamp) { datagram in
                var whole = PacketDecoder.decodeTransport(decoded.fragment.ipProtocol, datagram, from: 0, to: datagram.count)
                whole.source = decoded.source
                whole.destination = decoded.destination
                whole.vlanID = decoded.vlanID
                inspection.packetKinds.reassembledDatagrams += 1
                transport(whole, timestampNs: timestamp)
            }
            return
        }
        transport(decoded, timestampNs: timestamp)
    }

    /// A whole IP packet's transport layer, from a packet or put together from fragments.
    func transport(_ decoded: DecodedPacket, timestampNs timestamp: Int64) {
        switch decoded.kind {
        case .udp: inspection.packetKinds.udp += 1
        case .tcp: inspection.packetKinds.tcp += 1
        case .otherIP: inspection.packetKinds.otherIP += 1; return
        case .notIP: inspection.packetKinds.notIP += 1; return
        case .ipFragment: return
        case .truncated: inspection.packetKinds.truncated += 1; return
        case .malformed: inspection.packetKinds.malformed += 1; return
        case .unknownLinkType: inspection.packetKinds.unknownLinkType += 1; return
        }
        if decoded.payloadIsTruncated { inspection.packetKinds.payloadTruncated += 1 }
        let isTCP = decoded.kind == .tcp
        guard let flow = flow(for: decoded, isTCP: isTCP) else {
            inspection.untrackedFlowPackets += 1
            return
        }
        flows[flow].summary.packets += 1
        flows[flow].summary.payloadBytes += Int64(decoded.payload.count)
        flows[flow].summary.lastTimestampNs = timestamp
        if isTCP {
            tcpSegment(decoded, flow: flow, timestampNs: timestamp)
        } else if !decoded.payload.isEmpty {
            datagram(decoded.payload, flow: flow, timestampNs: timestamp)
        }
    }

    /// Ends every TCP stream (holes still open are reported) and returns the inspection.
    public func finish() -> CaptureInspection {
        fragments.finish()
        inspection.packetKinds.incompleteDatagrams = fragments.droppedCount
        for flow in flows.indices where flows[flow].summary.transport == "tcp" {
            for direction in 0..<2 { finishStream(flow: flow, direction: direction, timestampNs: currentTimestampNs) }
        }
        var result = inspection
        result.flows = flows.map { flow in
            var summary = flow.summary
            if summary.transport == "tcp" {
                var tcp = flow.earlierConnections
                for reassembler in flow.reassemblers { tcp.add(reassembler) }
                summary.tcp = tcp
            }
            return summary
        }
        var counts: [MessageTypeCount] = []
        for (family, table) in [("ITCH", Array(itchCounts)), ("OUCH in", ouchInCounts), ("OUCH out", ouchOutCounts), ("SoupBinTCP", soupCounts)] {
            for type in 0..<256 where table[type] > 0 {
                counts.append(MessageTypeCount(family: family, type: Self.typeName(UInt8(type)), count: table[type]))
            }
        }
        for entry in fixCounts.sorted(by: { $0.type < $1.type }) {
            counts.append(MessageTypeCount(family: "FIX", type: entry.type, count: entry.count))
        }
        result.messages = counts
        result.moldUDP64Sessions = moldSessions.map(\.summary)
        result.peakMessagesPerMillisecond = messagesPerMillisecond.peak
        result.peakMessagesPerSecond = messagesPerSecond.peak
        result.peakPacketsPerMillisecond = packetsPerMillisecond.peak
        result.peakPacketsPerSecond = packetsPerSecond.peak
        return result
    }

    static func typeName(_ type: UInt8) -> String {
        type >= 0x21 && type < 0x7F ? String(UnicodeScalar(type)) : "0x" + String(type, radix: 16)
    }

    // MARK: Flows

    func flow(for packet: DecodedPacket, isTCP: Bool) -> Int? {
        var key = FlowKey(first: packet.source, second: packet.destination, firstPort: packet.sourcePort,
                          secondPort: packet.destinationPort, isTCP: isTCP)
        // A TCP connection is one flow both ways; a UDP flow is one sender to one destination.
        if isTCP && (key.second, key.secondPort) < (key.first, key.firstPort) {
            swap(&key.first, &key.second)
            swap(&key.firstPort, &key.secondPort)
        }
        if lastFlow >= 0, key == lastKey { return lastFlow }
        let index: Int
        if let known = flowIndex[key] {
            index = known
        } else {
            guard flows.count < Self.maximumFlows else { return nil }
            index = flows.count
            flows.append(newFlow(packet, isTCP: isTCP))
            flowIndex[key] = index
        }
        lastKey = key
        lastFlow = index
        return index
    }

    func newFlow(_ packet: DecodedPacket, isTCP: Bool) -> Flow {
        var sourceIsClient = true
        var protocolFound: CapturedProtocol? = nil
        if isTCP {
            let isSYN = packet.tcpFlags & 0x12 == 0x02
            if let mapped = portMap[packet.destinationPort], mapped.isTCP {
                protocolFound = mapped
            } else if let mapped = portMap[packet.sourcePort], mapped.isTCP {
                protocolFound = mapped
                sourceIsClient = isSYN
            } else if !isSYN && packet.tcpFlags & 0x12 == 0x12 {
                sourceIsClient = false  // a SYN-ACK comes from the server
            } else if !isSYN {
                sourceIsClient = packet.sourcePort > packet.destinationPort
            }
        } else if let mapped = portMap[packet.destinationPort] ?? portMap[packet.sourcePort], !mapped.isTCP {
            protocolFound = mapped
        }
        let client = sourceIsClient ? packet.source : packet.destination
        let clientPort = sourceIsClient ? packet.sourcePort : packet.destinationPort
        let server = sourceIsClient ? packet.destination : packet.source
        let serverPort = sourceIsClient ? packet.destinationPort : packet.sourcePort
        var summary = FlowSummary(
            transport: isTCP ? "tcp" : "udp", client: Self.endpoint(client, clientPort), server: Self.endpoint(server, serverPort))
        summary.firstTimestampNs = currentTimestampNs
        if let protocolFound {
            summary.protocolName = protocolFound.displayName
            summary.chosenBy = "port"
        }
        var flow = Flow(summary: summary, clientAddress: client, clientPort: clientPort, protocolFound: protocolFound)
        flow.recognitionTried = protocolFound != nil
        if protocolFound == .fix { flow.fixFramers = [FIXFramer(), FIXFramer()] }
        return flow
    }

    static func endpoint(_ address: IPAddress, _ port: UInt16) -> String {
        address.isIPv4 ? "\(address):\(port)" : "[\(address)]:\(port)"
    }

    func sessionEvent(_ flow: Int, _ text: String, timestampNs: Int64) {
        if flows[flow].summary.sessionEvents.count < Self.maximumSessionEvents {
            flows[flow].summary.sessionEvents.append(SessionEvent(timestampNs: timestampNs, event: text))
        } else {
            flows[flow].summary.sessionEventsNotKept += 1
        }
    }

    func countMessage(flow: Int, timestampNs: Int64, count: Int = 1) {
        inspection.messageCount += count
        flows[flow].summary.messages += count
        messagesPerMillisecond.add(timestampNs, width: 1_000_000, count: count)
        messagesPerSecond.add(timestampNs, width: 1_000_000_000, count: count)
    }

    // MARK: UDP: MoldUDP64

    func datagram(_ payload: UnsafeRawBufferPointer, flow: Int, timestampNs: Int64) {
        if !flows[flow].recognitionTried {
            flows[flow].recognitionTried = true
            if (try? MoldUDP64PacketView(validating: payload)) != nil {
                flows[flow].protocolFound = .moldUDP64
                flows[flow].summary.protocolName = CapturedProtocol.moldUDP64.displayName
                flows[flow].summary.chosenBy = "framing"
            }
        }
        guard flows[flow].protocolFound == .moldUDP64 else { return }
        let packet: MoldUDP64PacketView
        do {
            packet = try MoldUDP64PacketView(validating: payload)
        } catch {
            framingError(flow, "MoldUDP64 packet \(flows[flow].summary.packets): \(error)")
            return
        }
        let session = moldSession(packet.session)
        moldSessions[session].summary.packets += 1
        switch packet.kind {
        case .heartbeat:
            moldSessions[session].summary.heartbeats += 1
            checkSequence(session, packet.sequenceNumber, count: 0)
        case .endOfSession:
            moldSessions[session].summary.endOfSession = true
            checkSequence(session, packet.sequenceNumber, count: 0)
        case .messages(let count):
            // Messages before the next expected number were seen already (a second feed, a retransmission).
            let skip = checkSequence(session, packet.sequenceNumber, count: count)
            let feed = moldSessions[session].feed
            var toDeliver = packet.messages
            for _ in 0..<skip { _ = toDeliver.next() }
            var counting = toDeliver
            var delivered = 0
            while let message = counting.next() {
                delivered += 1
                if message.count > 0 { itchCounts[Int(message.readUInt8(at: 0))] += 1 }
            }
            if delivered > 0 {
                sink.itchMessages(toDeliver, feed: feed, timestampNs: timestampNs)
            }
            moldSessions[session].summary.messages += delivered
            if delivered > 0 { countMessage(flow: flow, timestampNs: timestampNs, count: delivered) }
        }
    }

    func moldSession(_ id: MoldUDP64SessionID) -> Int {
        if lastMoldSession >= 0, moldSessions[lastMoldSession].id == id { return lastMoldSession }
        if let found = moldSessions.firstIndex(where: { $0.id == id }) {
            lastMoldSession = found
            return found
        }
        feedNames.append("MoldUDP64 session \(id)")
        moldSessions.append(MoldSession(id: id, summary: MoldUDP64SessionSummary(session: id.description), feed: feedNames.count - 1))
        lastMoldSession = moldSessions.count - 1
        return lastMoldSession
    }

    /// Records a gap or duplicates for a packet whose first message is
    /// `sequence`; returns how many of its messages were seen before.
    @discardableResult
    func checkSequence(_ session: Int, _ sequence: UInt64, count: Int) -> Int {
        var summary = moldSessions[session].summary
        defer { moldSessions[session].summary = summary }
        if !moldSessions[session].started {
            moldSessions[session].started = true
            summary.firstSequence = sequence
            summary.nextSequence = sequence
        }
        let end = sequence + UInt64(count)
        if sequence > summary.nextSequence {
            summary.gapCount += 1
            summary.missingMessages += sequence - summary.nextSequence
            if summary.gaps.count < Self.maximumGapsListed {
                summary.gaps.append(SequenceGap(from: summary.nextSequence, to: sequence - 1))
            }
            summary.nextSequence = sequence
        }
        let seen = Int(min(UInt64(count), summary.nextSequence - sequence))
        summary.duplicateMessages += seen
        if end > summary.nextSequence { summary.nextSequence = end }
        return seen
    }

    func framingError(_ flow: Int, _ text: String) {
        if flows[flow].summary.framingErrors.count < Self.maximumSessionEvents {
            flows[flow].summary.framingErrors.append(text)
        }
    }

    // MARK: TCP

    struct StreamDelivery: TCPStreamSink {
        unowned(unsafe) let dissector: CaptureDissector
        let flow: Int
        let direction: Int
        mutating func streamBytes(_ bytes: UnsafeRawBufferPointer, timestampNs: Int64) {
            dissector.streamBytes(bytes, flow: flow, direction: direction, timestampNs: timestampNs)
        }
        mutating func streamHole(byteCount: Int, timestampNs: Int64) {
            dissector.streamHole(byteCount, flow: flow, direction: direction, timestampNs: timestampNs)
        }
    }

    func direction(of packet: DecodedPacket, in flow: Int) -> Int {
        packet.source == flows[flow].clientAddress && packet.sourcePort == flows[flow].clientPort ? 0 : 1
    }

    static func sideName(_ direction: Int) -> String { direction == 0 ? "client" : "server" }

    func tcpSegment(_ packet: DecodedPacket, flow: Int, timestampNs: Int64) {
        let direction = direction(of: packet, in: flow)
        let flags = packet.tcpFlags
        if flags & 0x12 == 0x02, direction == 0, let next = flows[flow].reassemblers[0].nextSequence,
           next != packet.tcpSequence &+ 1 {
            newConnection(flow: flow, timestampNs: timestampNs)
        }
        if flags & 0x02 != 0, flows[flow].reassemblers[direction].nextSequence == nil {
            sessionEvent(flow, flags & 0x10 == 0 ? "TCP SYN from the client" : "TCP SYN-ACK from the server", timestampNs: timestampNs)
        }
        var reassembler = TCPStreamReassembler()
        swap(&reassembler, &flows[flow].reassemblers[direction])
        var delivery = StreamDelivery(dissector: self, flow: flow, direction: direction)
        reassembler.segment(sequence: packet.tcpSequence, flags: flags, payload: packet.payload,
                            timestampNs: timestampNs, sink: &delivery)
        swap(&reassembler, &flows[flow].reassemblers[direction])
        if flags & 0x04 != 0 {
            sessionEvent(flow, "TCP RST from the \(Self.sideName(direction))", timestampNs: timestampNs)
        } else if flags & 0x01 != 0, !flows[flow].closedDirections[direction] {
            flows[flow].closedDirections[direction] = true
            sessionEvent(flow, "TCP FIN from the \(Self.sideName(direction))", timestampNs: timestampNs)
        }
    }

    /// A SYN with a new initial sequence number on ports already seen: the
    /// client connected again. The old connection's streams end (holes
    /// reported), and the new one starts with fresh reassembly and framing.
    func newConnection(flow: Int, timestampNs: Int64) {
        for direction in 0..<2 {
            finishStream(flow: flow, direction: direction, timestampNs: timestampNs)
            flows[flow].earlierConnections.add(flows[flow].reassemblers[direction])
            flows[flow].reassemblers[direction] = TCPStreamReassembler()
            flows[flow].soupDecoders[direction] = SoupBinTCPFrameDecoder()
            flows[flow].framingStopped[direction] = false
            flows[flow].closedDirections[direction] = false
        }
        if !flows[flow].fixFramers.isEmpty { flows[flow].fixFramers = [FIXFramer(), FIXFramer()] }
        flows[flow].earlierConnections.connections += 1
        sessionEvent(flow, "TCP: a new connection on the same ports", timestampNs: timestampNs)
    }

    func finishStream(flow: Int, direction: Int, timestampNs: Int64) {
        var reassembler = TCPStreamReassembler()
        swap(&reassembler, &flows[flow].reassemblers[direction])
        var delivery = StreamDelivery(dissector: self, flow: flow, direction: direction)
        reassembler.finish(timestampNs: timestampNs, sink: &delivery)
        swap(&reassembler, &flows[flow].reassemblers[direction])
    }

    func streamHole(_ byteCount: Int, flow: Int, direction: Int, timestampNs: Int64) {
        sessionEvent(flow, "hole: \(byteCount) bytes from the \(Self.sideName(direction)) missing from the capture",
                     timestampNs: timestampNs)
        switch flows[flow].protocolFound {
        case .fix:
            // FIX finds its next message by its BeginString: start afresh after the hole.
            flows[flow].fixFramers[direction] = FIXFramer()
        case .soupBinTCP, .soupBinTCPITCH:
            // SoupBinTCP has no marker to find the next packet by: what follows cannot be framed.
            if !flows[flow].framingStopped[direction] {
                flows[flow].framingStopped[direction] = true
                framingError(flow, "SoupBinTCP from the \(Self.sideName(direction)) not framed after a hole of \(byteCount) bytes")
            }
        default:
            break
        }
    }

    func streamBytes(_ bytes: UnsafeRawBufferPointer, flow: Int, direction: Int, timestampNs: Int64) {
        if !flows[flow].recognitionTried { recogniseStream(bytes, flow: flow) }
        guard !flows[flow].framingStopped[direction] else { return }
        switch flows[flow].protocolFound {
        case .fix: fixBytes(bytes, flow: flow, direction: direction, timestampNs: timestampNs)
        case .soupBinTCP, .soupBinTCPITCH: soupBytes(bytes, flow: flow, direction: direction, timestampNs: timestampNs)
        default: break
        }
    }

    /// FIX starts with its BeginString; SoupBinTCP with a length and a packet type that agree.
    func recogniseStream(_ bytes: UnsafeRawBufferPointer, flow: Int) {
        flows[flow].recognitionTried = true
        var found: CapturedProtocol? = nil
        if bytes.count >= 5, bytes.starts(with: Array("8=FIX".utf8)) {
            found = .fix
        } else if bytes.count >= 3, let type = SoupBinTCPPacketType(rawValue: bytes.readUInt8(at: 2)) {
            let length = Int(bytes.readUInt16BE(at: 0))
            if length >= 1, type.fixedPacketLength == nil || type.fixedPacketLength == length { found = .soupBinTCP }
        }
        guard let found else { return }
        flows[flow].protocolFound = found
        flows[flow].summary.protocolName = found.displayName
        flows[flow].summary.chosenBy = "framing"
        if found == .fix { flows[flow].fixFramers = [FIXFramer(), FIXFramer()] }
    }

    func soupBytes(_ bytes: UnsafeRawBufferPointer, flow: Int, direction: Int, timestampNs: Int64) {
        let itchFeed = flows[flow].protocolFound == .soupBinTCPITCH
        var decoder = SoupBinTCPFrameDecoder()
        swap(&decoder, &flows[flow].soupDecoders[direction])
        defer { swap(&decoder, &flows[flow].soupDecoders[direction]) }
        do {
            try decoder.decode(bytes) { packet in
                soupPacket(packet, flow: flow, direction: direction, itchFeed: itchFeed, timestampNs: timestampNs)
                return .continueDecoding
            }
        } catch {
            flows[flow].framingStopped[direction] = true
            framingError(flow, "SoupBinTCP from the \(Self.sideName(direction)): \(error)")
        }
    }

    func soupPacket(_ packet: SoupBinTCPPacketView, flow: Int, direction: Int, itchFeed: Bool, timestampNs: Int64) {
        let type = packet.typeByte
        soupCounts[Int(type)] += 1
        let payload = packet.payload
        switch SoupBinTCPPacketType(rawValue: type) {
        case .sequencedData where direction == 1:
            guard payload.count > 0 else { return }
            countMessage(flow: flow, timestampNs: timestampNs)
            let messageType = payload.readUInt8(at: 0)
            let fitsITCH = ITCHMessageType.length(ofTypeByte: messageType) == payload.count
            let fitsOUCH = OUCHOutboundMessage.length(ofType: messageType) == payload.count
            if fitsITCH && (itchFeed || !fitsOUCH) {
                itchCounts[Int(messageType)] += 1
                let feed = flows[flow].itchFeed ?? {
                    feedNames.append("SoupBinTCP \(flows[flow].summary.client) → \(flows[flow].summary.server)")
                    flows[flow].itchFeed = feedNames.count - 1
                    return feedNames.count - 1
                }()
                sink.itchMessage(payload, feed: feed, timestampNs: timestampNs)
            } else {
                ouchOutCounts[Int(messageType)] += 1
            }
        case .unsequencedData where direction == 0:
            guard payload.count > 0 else { return }
            countMessage(flow: flow, timestampNs: timestampNs)
            ouchInCounts[Int(payload.readUInt8(at: 0))] += 1
            sink.orderEntryMessage(payload, protocol: .ouch, session: orderEntrySession(of: flow), timestampNs: timestampNs)
        case .loginRequest:
            if let login = try? SoupBinTCPLoginRequest(decoding: packet.bytes) {
                let session = login.requestedSession.description.isEmpty ? "the current session" : "session '\(login.requestedSession)'"
                sessionEvent(flow, "SoupBinTCP Login Request: user \(login.username), \(session) from sequence \(login.requestedSequenceNumber)",
                             timestampNs: timestampNs)
            }
        case .loginAccepted:
            if let accepted = try? SoupBinTCPLoginAccepted(decoding: packet.bytes) {
                sessionEvent(flow, "SoupBinTCP Login Accepted: session '\(accepted.session)', next sequence \(accepted.nextSequenceNumber)",
                             timestampNs: timestampNs)
            }
        case .loginRejected:
            let code = payload.count > 0 ? Self.typeName(payload.readUInt8(at: 0)) : "?"
            sessionEvent(flow, "SoupBinTCP Login Rejected: code \(code)", timestampNs: timestampNs)
        case .endOfSession:
            sessionEvent(flow, "SoupBinTCP End of Session", timestampNs: timestampNs)
        case .logoutRequest:
            sessionEvent(flow, "SoupBinTCP Logout Request", timestampNs: timestampNs)
        default:
            break
        }
    }

    func fixBytes(_ bytes: UnsafeRawBufferPointer, flow: Int, direction: Int, timestampNs: Int64) {
        flows[flow].fixFramers[direction].append(bytes)
        // Bounded: each frame consumes bytes of the buffer.
        while let frame = flows[flow].fixFramers[direction].nextFrame() {
            switch frame {
            case .message(let range):
                let type = flows[flow].fixFramers[direction].withBytes(of: range) { Self.fixMsgType($0) }
                countMessage(flow: flow, timestampNs: timestampNs)
                if let index = fixCounts.firstIndex(where: { $0.type == type }) {
                    fixCounts[index].count += 1
                } else {
                    fixCounts.append((type, 1))
                }
                if type == "A" || type == "5" {
                    sessionEvent(flow, "FIX \(type == "A" ? "Logon" : "Logout") from the \(Self.sideName(direction))",
                                 timestampNs: timestampNs)
                }
                if direction == 0 {
                    let session = orderEntrySession(of: flow)
                    flows[flow].fixFramers[direction].withBytes(of: range) {
                        sink.orderEntryMessage($0, protocol: .fix, session: session, timestampNs: timestampNs)
                    }
                }
            case .garbled(let reason):
                framingError(flow, "FIX from the \(Self.sideName(direction)): garbled message (\(reason))")
            }
        }
    }

    /// The order-entry session number of `flow`, given at its first message.
    func orderEntrySession(of flow: Int) -> Int {
        if let session = flows[flow].orderEntrySession { return session }
        orderEntrySessionNames.append("\(flows[flow].summary.client) → \(flows[flow].summary.server)")
        flows[flow].orderEntrySession = orderEntrySessionNames.count - 1
        return orderEntrySessionNames.count - 1
    }

    /// MsgType (35), the third field of every message the framer returns.
    static func fixMsgType(_ message: UnsafeRawBufferPointer) -> String {
        var index = 0
        var fieldsSeen = 0
        while index < message.count, fieldsSeen < 2 {
            if message[index] == 0x01 { fieldsSeen += 1 }
            index += 1
        }
        guard index + 3 < message.count, message[index] == 0x33, message[index + 1] == 0x35, message[index + 2] == 0x3D else {
            return "?"
        }
        var end = index + 3
        while end < message.count, message[end] != 0x01 { end += 1 }
        return String(decoding: UnsafeRawBufferPointer(rebasing: message[(index + 3)..<end]), as: UTF8.self)
    }
}
