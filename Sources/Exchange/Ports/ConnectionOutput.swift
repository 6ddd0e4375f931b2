/// What a connection's state machine (a venue port or a participant's
/// client) asks its driver to do after one input. The driver, the simulator's
/// kernel or a NIO channel, writes `bytes`, (re)arms the one timer and closes
/// when told; it makes no decision of its own.
public struct ConnectionOutput: Sendable {
    /// Bytes to write to the connection, in order. Each protocol message is
    /// whole and framed (a SoupBinTCP packet, a FIX message).
    public var bytes: [UInt8] = []
    /// Byte offsets in `bytes` where each message starts, so a driver can
    /// deliver or capture messages one by one.
    public var messageStarts: [Int] = []
    /// Call `timerFired(nowNs:)` at this time, replacing any armed timer.
    public var timerAtNs: Int64? = nil
    /// Close the connection after writing `bytes`, for this reason.
    public var closeReason: String? = nil

    public init() {}

    /// The smallest buffer worth allocating: a few protocol messages.
    static let minimumByteCapacity = 256

    public var isEmpty: Bool { bytes.isEmpty && timerAtNs == nil && closeReason == nil }
    public var messageCount: Int { messageStarts.count }

    /// The byte range of message `index`.
    public func messageRange(_ index: Int) -> Range<Int> {
        messageStarts[index]..<(index + 1 < messageStarts.count ? messageStarts[index + 1] : bytes.count)
    }

    /// Appends one whole message; `write` fills `count` bytes and returns how many it wrote.
    public mutating func appendMessage(count: Int, _ write: (UnsafeMutableRawBufferPointer) -> Int) {
        let start = bytes.count
        // Encoded into scratch, then copied in once: no zero-filling first.
        // Capacity grows by doubling: reserving the exact size would
        // reallocate, and copy everything, for each message of a burst.
        if bytes.capacity < start + count {
            bytes.reserveCapacity(max(start + count, 2 * bytes.capacity, Self.minimumByteCapacity))
        }
        let written = withUnsafeTemporaryAllocation(byteCount: count, alignment: 8) { scratch in
            let written = write(scratch)
            bytes.append(contentsOf: UnsafeRawBufferPointer(rebasing: scratch[0..<min(written, count)]))
            return written
        }
        precondition(written == count, "a message wrote \(written) bytes, announced \(count)")
        messageStarts.append(start)
    }

    /// Appends one whole message given as bytes.
    public mutating func appendMessage(_ message: some Collection<UInt8>) {
        messageStarts.append(bytes.count)
        bytes.append(contentsOf: message)
    }

    /// Appends whole messages written elsewhere: `messages` holds them back
    /// to back, each starting at an offset in `starts`.
    public mutating func appendMessages(_ messages: [UInt8], starts: [Int]) {
        let firstByte = bytes.count
        bytes.append(contentsOf: messages)
        for start in starts { messageStarts.append(firstByte + start) }
    }

    /// Empties the output, keeping its capacity.
    public mutating func removeAll() {
        // Drivers often took the bytes already; skip the no-op removals.
        if !bytes.isEmpty { bytes.removeAll(keepingCapacity: true) }
        messageStarts.removeAllReusingCapacity()
        timerAtNs = nil
        closeReason = nil
    }
}
