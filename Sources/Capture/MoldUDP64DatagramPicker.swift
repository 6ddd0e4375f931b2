import Wire

/// Picks a capture's MoldUDP64 datagrams, packet by packet, as they were
/// sent: the UDP payload of every packet whose flow carries MoldUDP64, by
/// the port map (either port) or else by its framing (the flow's first
/// non-empty datagram is a valid MoldUDP64 packet), exactly as
/// `CaptureDissector` recognises flows. Fragmented datagrams are put back
/// together first. TCP is never picked.
///
/// - Complexity: O(1) per packet for a flow seen before (one hash lookup),
///   plus MoldUDP64 validation, O(message count).
public struct MoldUDP64DatagramPicker {
    /// UDP flows followed at most; datagrams of later flows are skipped and counted.
    public static var maximumFlows: Int { 100_000 }

    struct FlowKey: Hashable {
        var source: IPAddress
        var destination: IPAddress
        var sourcePort: UInt16
        var destinationPort: UInt16
    }

    public let linkType: Int32
    public let portMap: CapturePortMap
    var flowIsMoldUDP64: [FlowKey: Bool] = [:]
    var fragments = IPFragmentReassembler()

    /// MoldUDP64 datagrams handed out.
    public private(set) var pickedCount = 0
    /// UDP datagrams of flows that carry something else.
    public private(set) var otherUDPCount = 0
    /// Datagrams of MoldUDP64 flows that are not valid MoldUDP64 packets (never handed out).
    public private(set) var invalidCount = 0
    /// MoldUDP64 datagrams the snap length cut (never handed out: they would not be what was sent).
    public private(set) var truncatedCount = 0
    /// TCP segments, skipped: their payloads are never replayed as datagrams.
    public private(set) var tcpCount = 0
    /// UDP datagrams of flows beyond `maximumFlows`.
    public private(set) var untrackedCount = 0

    public init(linkType: Int32, portMap: CapturePortMap) {
        self.linkType = linkType
        self.portMap = portMap
    }

    /// Decodes one captured packet and calls `datagram` with its UDP payload
    /// (valid only during the call) when it is a MoldUDP64 packet.
    public mutating func packet(_ packet: CapturedPacket, datagram: (UnsafeRawBufferPointer) -> Void) {
        let decoded = PacketDecoder.decode(packet.bytes, linkType: linkType)
        if decoded.kind == .ipFragment {
            var reassembled: [UInt8] = []
            fragments.fragment(decoded, timestampNs: packet.timestampNs) { reassembled = Array($0) }
            guard !reassembled.isEmpty else { return }
            reassembled.withUnsafeBytes { bytes in
                var whole = PacketDecoder.decodeTransport(decoded.fragment.ipProtocol, bytes, from: 0, to: bytes.count)
                whole.source = decoded.source
                whole.destination = decoded.destination
                udp(whole, datagram: datagram)
            }
            return
        }
        udp(decoded, datagram: datagram)
    }

    mutating func udp(_ decoded: DecodedPacket, datagram: (UnsafeRawBufferPointer) -> Void) {
        if decoded.kind == .tcp { tcpCount += 1 }
        guard decoded.kind == .udp, !decoded.payload.isEmpty else { return }
        let key = FlowKey(source: decoded.source, destination: decoded.destination,
                          sourcePort: decoded.sourcePort, destinationPort: decoded.destinationPort)
        let isMoldUDP64: Bool
        if let known = flowIsMoldUDP64[key] {
            isMoldUDP64 = known
        } else {
            guard flowIsMoldUDP64.count < Self.maximumFlows else {
                untrackedCount += 1
                return
            }
            if let mapped = portMap[decoded.destinationPort] ?? portMap[decoded.sourcePort], mapped != .moldUDP64 {
                isMoldUDP64 = false
            } else if portMap[decoded.destinationPort] == .moldUDP64 || portMap[decoded.sourcePort] == .moldUDP64 {
                isMoldUDP64 = true
            } else {
                isMoldUDP64 = !decoded.payloadIsTruncated && (try? MoldUDP64PacketView(validating: decoded.payload)) != nil
            }
            flowIsMoldUDP64[key] = isMoldUDP64
        }
        guard isMoldUDP64 else {
            otherUDPCount += 1
            return
        }
        if decoded.payloadIsTruncated {
            truncatedCount += 1
            return
        }
        guard (try? MoldUDP64PacketView(validating: decoded.payload)) != nil else {
            invalidCount += 1
            return
        }
        pickedCount += 1
        datagram(decoded.payload)
    }
}
