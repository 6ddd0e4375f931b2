/// One SoupBinTCP packet, viewed in place: the bytes its Packet Length counts
/// (type byte, then payload), without the length prefix. Valid only while
/// the buffer it views is.
public struct SoupBinTCPPacketView {
    /// Type byte first; never empty.
    public let bytes: UnsafeRawBufferPointer

    /// `bytes` must hold at least the type byte.
    @inlinable
    public init(bytes: UnsafeRawBufferPointer) {
        precondition(!bytes.isEmpty, "a SoupBinTCP packet has at least its type byte")
        self.bytes = bytes
    }

    /// The raw type byte.
    @inlinable
    public var typeByte: UInt8 { bytes.readUInt8(at: 0) }

    /// The Packet Length this packet had on the wire.
    @inlinable
    public var packetLength: Int { bytes.count }

    /// Everything after the type byte.
    @inlinable
    public var payload: UnsafeRawBufferPointer { UnsafeRawBufferPointer(rebasing: bytes[1...]) }

    /// The packet's type, checked against the fixed length of the types that
    /// have one; throws for an unknown type or a wrong length.
    @inlinable
    public func validatedType() throws(WireDecodingError) -> SoupBinTCPPacketType {
        guard let type = SoupBinTCPPacketType(rawValue: typeByte) else { throw .unknownMessageType(typeByte) }
        if let fixed = type.fixedPacketLength, fixed != bytes.count {
            throw .wrongLength(messageType: typeByte, expected: fixed, actual: bytes.count)
        }
        return type
    }

    /// Decodes the single whole packet in `frame` (length prefix first), which
    /// must hold exactly that packet; for tests and one-shot tools. Streams go
    /// through `SoupBinTCPFrameDecoder`.
    @inlinable
    public init(decodingFrame frame: UnsafeRawBufferPointer) throws(WireDecodingError) {
        guard frame.count >= 3 else { throw .truncated(needed: 3, available: frame.count) }
        let length = Int(frame.readUInt16BE(at: 0))
        guard length >= 1 else { throw .invalidField(name: "Packet Length", offset: 0) }
        guard frame.count == 2 + length else {
            throw frame.count < 2 + length
                ? .truncated(needed: 2 + length, available: frame.count)
                : .wrongLength(messageType: frame.readUInt8(at: 2), expected: 2 + length, actual: frame.count)
        }
        self.init(bytes: UnsafeRawBufferPointer(rebasing: frame[2...]))
    }
}
