/// Puts fragmented IPv4 and IPv6 datagrams back together, fragments in any
/// order. A datagram is complete when the last fragment (no More Fragments
/// flag) has given its length and every byte before it has arrived; bytes a
/// second fragment repeats keep the first copy. Datagrams still incomplete
/// when `maximumPendingDatagrams` are waiting, or when a fragment was cut by
/// the snap length, are dropped and counted, never half delivered.
public struct IPFragmentReassembler {
    struct Key: Hashable {
        var source: IPAddress
        var destination: IPAddress
        var identification: UInt32
        var ipProtocol: UInt8
        var isIPv6: Bool
    }

    struct Pending {
        var key: Key
        var bytes: [UInt8] = []
        /// Which bytes of `bytes` arrived, as sorted, disjoint ranges.
        var received: [Range<Int>] = []
        var totalLength: Int?
        var truncated = false
        var firstSeenNs: Int64
    }

    /// Datagrams waiting for fragments at most; the oldest is dropped beyond it.
    public let maximumPendingDatagrams: Int
    /// The largest datagram put back together (IPv4's limit; IPv6 jumbograms are not fragmented).
    public static let maximumDatagramBytes = 65_535
    var pending: [Pending] = []

    public private(set) var reassembledCount = 0
    /// Datagrams dropped incomplete: evicted, cut by the snap length, or too long.
    public private(set) var droppedCount = 0

    public init(maximumPendingDatagrams: Int = 1_024) {
        precondition(maximumPendingDatagrams > 0)
        self.maximumPendingDatagrams = maximumPendingDatagrams
    }

    /// Datagrams still waiting for fragments.
    public var pendingCount: Int { pending.count }

    /// Takes one fragment; when it completes its datagram, calls `complete`
    /// with the datagram's whole payload (the transport header first).
    public mutating func fragment(
        _ packet: DecodedPacket, timestampNs: Int64, complete: (UnsafeRawBufferPointer) -> Void
    ) {
        let position = packet.fragment
        let key = Key(source: packet.source, destination: packet.destination, identification: position.identification,
                      ipProtocol: position.ipProtocol, isIPv6: position.isIPv6)
        var index = pending.firstIndex { $0.key == key } ?? -1
        if index < 0 {
            if pending.count >= maximumPendingDatagrams {
                pending.removeFirst()
                droppedCount += 1
            }
            pending.append(Pending(key: key, firstSeenNs: timestampNs))
            index = pending.count - 1
        }
        let start = position.offsetBytes
        let end = start + packet.payload.count
        if packet.payloadIsTruncated || end > Self.maximumDatagramBytes {
            pending[index].truncated = true
        } else {
            if !position.moreFragments { pending[index].totalLength = end }
            if pending[index].bytes.count < end {
                pending[index].bytes.append(contentsOf: repeatElement(0, count: end - pending[index].bytes.count))
            }
            // Copy only the bytes no earlier fragment gave.
            var cursor = start
            for range in pending[index].received where range.upperBound > cursor && range.lowerBound < end {
                if range.lowerBound > cursor { copy(packet.payload, from: cursor, to: range.lowerBound, base: start, into: &pending[index].bytes) }
                cursor = max(cursor, range.upperBound)
            }
            if cursor < end { copy(packet.payload, from: cursor, to: end, base: start, into: &pending[index].bytes) }
            insert(start..<end, into: &pending[index].received)
        }
        if pending[index].truncated {
            pending.remove(at: index)
            droppedCount += 1
            return
        }
        guard let total = pending[index].totalLength, pending[index].received.first == 0..<total else { return }
        let done = pending.remove(at: index)
        reassembledCount += 1
        done.bytes.withUnsafeBytes { complete(UnsafeRawBufferPointer(rebasing: $0[0..<total])) }
    }

    /// Counts what is still waiting as dropped: the capture has ended.
    public mutating func finish() {
        droppedCount += pending.count
        pending.removeAll()
    }

    func copy(_ payload: UnsafeRawBufferPointer, from start: Int, to end: Int, base: Int, into bytes: inout [UInt8]) {
        bytes.withUnsafeMutableBytes { destination in
            UnsafeMutableRawBufferPointer(rebasing: destination[start..<end])
                .copyMemory(from: UnsafeRawBufferPointer(rebasing: payload[(start - base)..<(end - base)]))
        }
    }

    /// Adds `range` to sorted disjoint ranges, merging neighbours.
    func insert(_ range: Range<Int>, into ranges: inout [Range<Int>]) {
        guard !range.isEmpty else { return }
        var merged = range
        var result: [Range<Int>] = []
        for existing in ranges {
            if existing.upperBound < merged.lowerBound || existing.lowerBound > merged.upperBound {
                result.append(existing)
            } else {
                merged = min(existing.lowerBound, merged.lowerBound)..<max(existing.upperBound, merged.upperBound)
            }
        }
        result.append(merged)
        result.sort { $0.lowerBound < $1.lowerBound }
        ranges = result
    }
}
