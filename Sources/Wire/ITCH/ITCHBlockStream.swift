// ITCH messages framed as message blocks (u16 length + message): the layout
// of a MoldUDP64 packet's payload and of Nasdaq BinaryFILE historical files.

extension ITCHEncodable {
    /// Writes the u16 length prefix and the message at the start of `buffer`;
    /// returns the bytes written (2 + `encodedLength`).
    /// - Precondition: `buffer` holds at least 2 + `encodedLength` bytes.
    @inlinable
    public func encodeBlock(into buffer: UnsafeMutableRawBufferPointer) -> Int {
        let length = encodedLength
        precondition(buffer.count >= messageBlockLengthPrefixBytes + length, "the ITCH block does not fit")
        buffer.writeUInt16BE(UInt16(length), at: 0)
        let written = encode(into: UnsafeMutableRawBufferPointer(rebasing: buffer[messageBlockLengthPrefixBytes...]))
        assert(written == length)
        return messageBlockLengthPrefixBytes + written
    }
}

/// Reads validated ITCH messages from a stream of message blocks.
public struct ITCHBlockStreamReader {
    @usableFromInline var blocks: MessageBlockIterator
    @usableFromInline let zeroLengthEndsStream: Bool
    @usableFromInline var ended = false

    /// - Parameters:
    ///   - bytes: the stream, starting at a length prefix.
    ///   - zeroLengthEndsStream: BinaryFILE ends with a zero-length block (as
    ///     Nassau's reader treats it); inside a MoldUDP64 packet a zero-length
    ///     message is legal, but it is never a valid ITCH message.
    @inlinable
    public init(_ bytes: UnsafeRawBufferPointer, zeroLengthEndsStream: Bool = true) {
        blocks = MessageBlockIterator(bytes)
        self.zeroLengthEndsStream = zeroLengthEndsStream
    }

    /// Where the next block starts.
    @inlinable public var offset: Int { blocks.offset }

    /// The next message, nil at the end of the stream; throws on a block that
    /// runs past the end or a message that does not validate. After a throw
    /// the reader stays ended.
    @inlinable
    public mutating func next() throws(WireDecodingError) -> ITCHMessageView? {
        guard !ended else { return nil }
        let blockOffset = blocks.offset
        guard let message = blocks.next() else {
            ended = true
            if blocks.isMalformed {
                let available = blocks.bytes.count - blockOffset
                let needed = available < messageBlockLengthPrefixBytes
                    ? messageBlockLengthPrefixBytes
                    : messageBlockLengthPrefixBytes + Int(blocks.bytes.readUInt16BE(at: blockOffset))
                throw .truncated(needed: needed, available: available)
            }
            return nil
        }
        if message.isEmpty && zeroLengthEndsStream {
            ended = true
            return nil
        }
        do {
            return try ITCHMessageView(validating: message)
        } catch {
            ended = true
            throw error
        }
    }
}
