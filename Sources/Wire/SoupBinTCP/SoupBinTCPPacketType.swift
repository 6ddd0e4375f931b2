/// SoupBinTCP 3.00 packet types. A logical packet is a u16 Packet Length
/// (counting the type byte and the payload, not itself), the type byte, then
/// the payload.
public enum SoupBinTCPPacketType: UInt8, Sendable, CaseIterable {
    /// Free text, either direction.
    case debug = 0x2B // +
    /// Server to client: session and next sequence number.
    case loginAccepted = 0x41 // A
    /// Server to client: reject code.
    case loginRejected = 0x4A // J
    /// Server to client: one message with an implicit sequence number.
    case sequencedData = 0x53 // S
    /// Server to client, after about 1 s without other output.
    case serverHeartbeat = 0x48 // H
    /// Server to client: no more sequenced messages in this session.
    case endOfSession = 0x5A // Z
    /// Client to server: credentials, session and first wanted sequence number.
    case loginRequest = 0x4C // L
    /// Client to server: one message, not sequenced.
    case unsequencedData = 0x55 // U
    /// Client to server, after about 1 s without other output.
    case clientHeartbeat = 0x52 // R
    /// Client to server: ends the session.
    case logoutRequest = 0x4F // O

    /// The Packet Length value this type always has, or nil for types that
    /// carry a variable payload.
    @inlinable
    public var fixedPacketLength: Int? {
        switch self {
        case .debug, .sequencedData, .unsequencedData: nil
        case .loginAccepted: SoupBinTCPLoginAccepted.packetLength
        case .loginRejected: SoupBinTCPLoginRejected.packetLength
        case .loginRequest: SoupBinTCPLoginRequest.packetLength
        case .serverHeartbeat, .endOfSession, .clientHeartbeat, .logoutRequest: 1
        }
    }
}

/// SoupBinTCP 3.00 framing constants and encoders for the packets that carry
/// no fields of their own.
public enum SoupBinTCP {
    /// The largest Packet Length the u16 field can hold.
    public static let maximumPacketLength = 65_535
    /// Bytes before the payload: the u16 length and the type byte.
    public static let headerByteCount = 3
    /// The largest payload a data packet can carry.
    public static let maximumPayloadByteCount = maximumPacketLength - 1

    /// Writes a packet without payload (H, Z, R, O) and returns its size, 3.
    @inlinable @discardableResult
    public static func encodeEmptyPacket(
        _ type: SoupBinTCPPacketType, into buffer: UnsafeMutableRawBufferPointer
    ) -> Int {
        precondition(type.fixedPacketLength == 1, "\(type) carries a payload")
        precondition(buffer.count >= headerByteCount, "a SoupBinTCP packet needs 3 bytes")
        buffer.writeUInt16BE(1, at: 0)
        buffer.writeUInt8(type.rawValue, at: 2)
        return headerByteCount
    }

    /// Writes the 3-byte header of a data packet (S, U, +) whose payload of
    /// `payloadByteCount` bytes the caller writes at offset 3, so a message can
    /// be encoded straight into its frame. Returns 3.
    @inlinable @discardableResult
    public static func encodeDataHeader(
        _ type: SoupBinTCPPacketType, payloadByteCount: Int, into buffer: UnsafeMutableRawBufferPointer
    ) -> Int {
        precondition(type.fixedPacketLength == nil, "\(type) has a fixed layout")
        precondition(payloadByteCount >= 0 && payloadByteCount <= maximumPayloadByteCount, "payload too large")
        precondition(buffer.count >= headerByteCount, "a SoupBinTCP packet needs 3 bytes")
        buffer.writeUInt16BE(UInt16(payloadByteCount + 1), at: 0)
        buffer.writeUInt8(type.rawValue, at: 2)
        return headerByteCount
    }

    /// Writes a whole data packet (S, U, +) carrying `payload` and returns its size.
    @inlinable @discardableResult
    public static func encodeDataPacket(
        _ type: SoupBinTCPPacketType, payload: UnsafeRawBufferPointer, into buffer: UnsafeMutableRawBufferPointer
    ) -> Int {
        precondition(buffer.count >= headerByteCount + payload.count, "buffer too small for the packet")
        encodeDataHeader(type, payloadByteCount: payload.count, into: buffer)
        if let source = payload.baseAddress, !payload.isEmpty {
            buffer.baseAddress!.advanced(by: headerByteCount).copyMemory(from: source, byteCount: payload.count)
        }
        return headerByteCount + payload.count
    }
}
