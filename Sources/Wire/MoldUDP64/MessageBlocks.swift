// Message blocks: a u16 big-endian length (not counting itself) followed by
// that many bytes. MoldUDP64 packets carry messages this way, and so do
// Nasdaq's BinaryFILE historical files.

/// Bytes a block's length prefix takes.
public let messageBlockLengthPrefixBytes = 2

/// The largest message a block can carry.
public let messageBlockMaximumLength = Int(UInt16.max)

/// Walks the message blocks of a buffer without copying and without trapping:
/// a length that runs past the end stops the walk and sets `isMalformed`.
public struct MessageBlockIterator: IteratorProtocol {
    public let bytes: UnsafeRawBufferPointer
    /// Where the next block's length prefix starts.
    public var offset: Int { _offset }
    @usableFromInline var _offset: Int
    /// Blocks still allowed (a MoldUDP64 packet's Message Count).
    public var remainingBlocks: Int { _remainingBlocks }
    @usableFromInline var _remainingBlocks: Int
    /// True once a length prefix or block did not fit in the buffer.
    public var isMalformed: Bool { _isMalformed }
    @usableFromInline var _isMalformed: Bool = false

    /// - Parameters:
    ///   - bytes: the blocks, from the first length prefix on.
    ///   - blockLimit: the most blocks to yield; `Int.max` to run to the end of `bytes`.
    @inlinable
    public init(_ bytes: UnsafeRawBufferPointer, blockLimit: Int = .max) {
        precondition(blockLimit >= 0, "a block limit cannot be negative")
        self.bytes = bytes
        self._offset = 0
        self._remainingBlocks = blockLimit
    }

    /// The next block's message (without its prefix), or nil at the end, at the
    /// limit or at the first block that does not fit.
    /// - Complexity: O(1).
    @inlinable
    public mutating func next() -> UnsafeRawBufferPointer? {
        guard remainingBlocks > 0, !isMalformed, offset < bytes.count else { return nil }
        guard bytes.count &- offset >= messageBlockLengthPrefixBytes else {
            _isMalformed = true
            return nil
        }
        let length = Int(bytes.readUInt16BE(at: offset))
        // Both sums are bounded by bytes.count, checked above and below.
        let start = offset &+ messageBlockLengthPrefixBytes
        guard bytes.count &- start >= length else {
            _isMalformed = true
            return nil
        }
        _offset = start &+ length
        _remainingBlocks &-= 1
        // In bounds by the guards above; rebasing a slice would check again.
        return UnsafeRawBufferPointer(start: bytes.baseAddress.unsafelyUnwrapped + start, count: length)
    }
}

extension UnsafeMutableRawBufferPointer {
    /// Writes `message` as one block at `offset` and returns the bytes written
    /// (prefix included).
    /// - Precondition: the block fits and `message` is at most 65,535 bytes.
    @inlinable
    public func writeMessageBlock(_ message: UnsafeRawBufferPointer, at offset: Int) -> Int {
        precondition(message.count <= messageBlockMaximumLength, "a message block holds at most 65,535 bytes")
        let total = messageBlockLengthPrefixBytes + message.count
        precondition(offset >= 0 && count - offset >= total, "the message block does not fit")
        writeUInt16BE(UInt16(message.count), at: offset)
        if !message.isEmpty, let base = baseAddress {
            (base + offset + messageBlockLengthPrefixBytes).copyMemory(from: message.baseAddress!, byteCount: message.count)
        }
        return total
    }
}
