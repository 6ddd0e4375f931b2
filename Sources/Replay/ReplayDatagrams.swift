import Capture

/// The MoldUDP64 datagrams of a capture with their capture timestamps, held
/// back to back in one buffer so the send loop reads memory, not the file:
/// a replay at 1× must not stall on decompression.
///
/// Memory is the datagrams' bytes plus 16 bytes each; the capture itself is
/// read packet by packet and never held.
public struct ReplayDatagrams: Sendable {
    /// Every datagram's bytes, back to back.
    public private(set) var bytes: [UInt8] = []
    /// Where datagram i ends in `bytes`; it starts where i − 1 ends.
    public private(set) var ends: [Int] = []
    /// Datagram i's capture timestamp, nanoseconds since the UNIX epoch.
    public private(set) var timestampsNs: [Int64] = []

    public init() {}

    public var count: Int { ends.count }
    public var byteCount: Int { bytes.count }

    public mutating func append(_ datagram: UnsafeRawBufferPointer, timestampNs: Int64) {
        bytes.append(contentsOf: datagram)
        ends.append(bytes.count)
        timestampsNs.append(timestampNs)
    }

    /// The byte range of datagram `index`.
    @inline(__always)
    public func range(_ index: Int) -> Range<Int> {
        (index == 0 ? 0 : ends[index - 1])..<ends[index]
    }

    /// Datagram `index`'s bytes as an array (for tests and checks, not the send loop).
    public func datagram(_ index: Int) -> [UInt8] { Array(bytes[range(index)]) }

    /// What loading a capture found besides the datagrams kept.
    public struct LoadCounts: Hashable, Sendable {
        public var packets = 0
        public var tcpSegmentsSkipped = 0
        public var otherUDPSkipped = 0
        public var invalidMoldUDP64 = 0
        public var truncatedMoldUDP64 = 0
        public var untrackedFlows = 0

        public init() {}

        /// What `picker` skipped among a reader's `packets` packets.
        init(packets: Int, picker: MoldUDP64DatagramPicker) {
            self.packets = packets
            tcpSegmentsSkipped = picker.tcpCount
            otherUDPSkipped = picker.otherUDPCount
            invalidMoldUDP64 = picker.invalidCount
            truncatedMoldUDP64 = picker.truncatedCount
            untrackedFlows = picker.untrackedCount
        }
    }

    /// Reads the capture at `path` and keeps its MoldUDP64 datagrams, picked
    /// by `MoldUDP64DatagramPicker` (port map, else framing).
    /// - Throws: the reader's error for a missing, unreadable or corrupt file.
    public static func load(path: String, portMap: CapturePortMap) throws(CaptureReadError) -> (ReplayDatagrams, LoadCounts) {
        let reader = try CaptureReader(path: path)
        var picker = MoldUDP64DatagramPicker(linkType: reader.linkType, portMap: portMap)
        var datagrams = ReplayDatagrams()
        while let packet = try reader.next() {
            picker.packet(packet) { datagrams.append($0, timestampNs: packet.timestampNs) }
        }
        return (datagrams, LoadCounts(packets: reader.packetCount, picker: picker))
    }
}
