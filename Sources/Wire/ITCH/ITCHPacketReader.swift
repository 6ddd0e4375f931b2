// ITCH 5.0 messages read straight out of a MoldUDP64 downstream packet in
// one pass: each block's framing and its message's type and length are
// checked together as the block is reached, instead of a validation walk
// over the packet followed by a second walk that validates each message.

/// Reads the ITCH messages of one MoldUDP64 downstream packet in a single
/// pass, for a feed handler that decodes as it goes.
///
/// The header is checked up front; each block is checked when `next()`
/// reaches it, so a malformed packet is only known to be malformed at the
/// end: `next()` returns nil early and `isComplete` is false (`finish()`
/// says why). A consumer that must drop a malformed packet whole, as a
/// MoldUDP64 receiver does, validates it first with
/// `MoldUDP64PacketView(validating:)`.
///
/// ```swift
/// var reader = try ITCHPacketReader(packet: datagram)
/// while let message = reader.next() {
///     switch message.kind {
///     case .addOrder(let order): book.add(order.orderReferenceNumber, ...)
///     ...
///     }
/// }
/// try reader.finish()
/// ```
public struct ITCHPacketReader: IteratorProtocol {
    public let packet: UnsafeRawBufferPointer
    public let header: MoldUDP64Header
    // The packet's start and length, taken once: `packet.count` tests the
    // base address for nil on every use, and the header check has already
    // established that there is one.
    @usableFromInline let _start: UnsafeRawPointer
    @usableFromInline let _count: Int
    /// Where the next block's length prefix starts.
    public var offset: Int { _offset }
    @usableFromInline var _offset: Int
    /// Blocks the header announces that have not been read yet.
    public var remainingMessages: Int { _remainingMessages }
    @usableFromInline var _remainingMessages: Int

    /// Checks the header as `MoldUDP64PacketView(validating:)` does, without
    /// walking the blocks.
    @inlinable
    public init(packet: UnsafeRawBufferPointer) throws(WireDecodingError) {
        header = try MoldUDP64Header(validatingPacket: packet)
        self.packet = packet
        _start = packet.baseAddress.unsafelyUnwrapped
        _count = packet.count
        _offset = MoldUDP64Header.length
        if case .messages(let count) = header.kind { _remainingMessages = count } else { _remainingMessages = 0 }
    }

    /// The next message, or nil once the header's Message Count have been
    /// read or at the first block that is not one whole, known ITCH message
    /// of its type's exact length. Calling it again after nil returns nil.
    @inlinable
    public mutating func next() -> ITCHMessageView? {
        guard _remainingMessages > 0 else { return nil }
        let available = _count &- _offset
        // The length prefix and the type byte.
        guard available > messageBlockLengthPrefixBytes else { return nil }
        let blocks = UnsafeRawBufferPointer(start: _start, count: _count)
        let length = Int(blocks.readUInt16BE(at: _offset))
        let body = _offset &+ messageBlockLengthPrefixBytes
        let typeByte = blocks.readUInt8(at: body)
        let expected = ITCHMessageType.length(ofTypeByte: typeByte)
        // Unknown types map to 0, which the block's length must not be.
        guard length == expected, expected != 0, available &- messageBlockLengthPrefixBytes >= length else {
            return nil
        }
        _offset = body &+ length
        _remainingMessages &-= 1
        return ITCHMessageView(unchecked: UnsafeRawBufferPointer(start: _start + body, count: length), typeByte: typeByte)
    }

    /// True once every announced message has been read and the blocks
    /// filled the packet to its last byte.
    @inlinable
    public var isComplete: Bool { _remainingMessages == 0 && _offset == _count }

    /// Throws what is wrong with the packet unless `isComplete`: a block
    /// that does not fit, a message that does not validate (the same errors
    /// as `ITCHMessageView(validating:)`), or bytes after the last block.
    /// Before `next()` has returned nil, it throws for the unread messages.
    public func finish() throws(WireDecodingError) {
        if isComplete { return }
        guard _remainingMessages > 0 else {
            throw .invalidField(name: "bytes after the last message block", offset: _offset)
        }
        let available = packet.count - _offset
        if available >= messageBlockLengthPrefixBytes {
            let length = Int(packet.readUInt16BE(at: _offset))
            if available - messageBlockLengthPrefixBytes >= length {
                let body = _offset + messageBlockLengthPrefixBytes
                _ = try ITCHMessageView(validating: UnsafeRawBufferPointer(rebasing: packet[body..<(body + length)]))
                // The block holds a valid message: `next()` was not called
                // until it returned nil.
                throw .invalidField(name: "unread message block", offset: _offset)
            }
        }
        throw MoldUDP64Header.truncatedBlockError(in: packet, at: _offset)
    }
}
