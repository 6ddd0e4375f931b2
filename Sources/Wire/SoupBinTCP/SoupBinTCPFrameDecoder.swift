/// Why a SoupBinTCP byte stream cannot be framed. Either one ends the
/// connection: after it nothing in the stream can be trusted.
public enum SoupBinTCPFramingError: Error, Equatable, Sendable {
    /// A Packet Length of 0: every packet has at least its type byte.
    case zeroPacketLength
    /// A Packet Length above the decoder's maximum.
    case packetTooLong(length: Int, maximum: Int)
}

/// Splits a TCP byte stream, arriving in chunks of any size, into SoupBinTCP
/// packets.
///
/// Packets that lie whole inside a chunk are handed over as views into that
/// chunk (no copy); only a packet split across chunks is gathered in an
/// internal buffer, which never holds more than `2 + maximumPacketLength`
/// bytes.
public struct SoupBinTCPFrameDecoder {
    /// What the packet handler wants next.
    public enum Disposition: Sendable {
        /// Hand over the next packet.
        case continueDecoding
        /// Stop, and discard the rest of the chunk (the connection is closing).
        case stopDecoding
    }

    /// The largest Packet Length accepted; a session that carries only OUCH
    /// can set it far below the protocol's 65,535.
    public let maximumPacketLength: Int

    @usableFromInline var partial: [UInt8] = []
    @usableFromInline var failure: SoupBinTCPFramingError?

    public init(maximumPacketLength: Int = SoupBinTCP.maximumPacketLength) {
        precondition(maximumPacketLength >= 1 && maximumPacketLength <= SoupBinTCP.maximumPacketLength)
        self.maximumPacketLength = maximumPacketLength
    }

    /// Bytes of an incomplete packet held back for the next chunk.
    public var bufferedByteCount: Int { partial.count }

    /// Feeds one chunk of the stream and calls `handle` once per complete
    /// packet, in order. The view is valid only during the call.
    ///
    /// Throws on a Packet Length that is 0 or above the maximum, after handing
    /// over the packets before it; every later call throws the same error.
    /// - Complexity: O(chunk size).
    @inlinable
    public mutating func decode(
        _ chunk: UnsafeRawBufferPointer,
        _ handle: (SoupBinTCPPacketView) -> Disposition
    ) throws(SoupBinTCPFramingError) {
        if let failure { throw failure }
        var cursor = 0
        if !partial.isEmpty {
            // Complete the held-back packet: its header first, then its body.
            if partial.count < 2 {
                let take = min(2 - partial.count, chunk.count)
                partial.append(contentsOf: UnsafeRawBufferPointer(rebasing: chunk[0..<take]))
                cursor = take
                if partial.count < 2 { return }
            }
            let length = Int(partial[0]) << 8 | Int(partial[1])
            try validate(length)
            let missing = 2 + length - partial.count
            let take = min(missing, chunk.count - cursor)
            partial.append(contentsOf: UnsafeRawBufferPointer(rebasing: chunk[cursor..<(cursor + take)]))
            cursor += take
            if take < missing { return }
            let disposition = partial.withUnsafeBytes { whole in
                handle(SoupBinTCPPacketView(bytes: UnsafeRawBufferPointer(rebasing: whole[2...])))
            }
            partial.removeAll(keepingCapacity: true)
            if case .stopDecoding = disposition { return }
        }
        while chunk.count - cursor >= 2 {
            let length = Int(chunk.readUInt16BE(at: cursor))
            try validate(length)
            guard chunk.count - cursor >= 2 + length else { break }
            let packet = UnsafeRawBufferPointer(rebasing: chunk[(cursor + 2)..<(cursor + 2 + length)])
            cursor += 2 + length
            if case .stopDecoding = handle(SoupBinTCPPacketView(bytes: packet)) { return }
        }
        if cursor < chunk.count {
            partial.append(contentsOf: UnsafeRawBufferPointer(rebasing: chunk[cursor...]))
        }
        assert(partial.count < 2 + maximumPacketLength)
    }

    @inlinable
    mutating func validate(_ length: Int) throws(SoupBinTCPFramingError) {
        if length == 0 {
            failure = .zeroPacketLength
        } else if length > maximumPacketLength {
            failure = .packetTooLong(length: length, maximum: maximumPacketLength)
        } else {
            return
        }
        partial.removeAll()
        throw failure!
    }

    /// Traps if the held-back bytes could not be the start of one valid packet.
    public func checkInvariants() {
        precondition(partial.count < 2 + maximumPacketLength, "held back more than one packet")
        if partial.count >= 2 {
            let length = Int(partial[0]) << 8 | Int(partial[1])
            precondition(length >= 1 && length <= maximumPacketLength && partial.count < 2 + length)
        }
    }
}
