/// OUCH 4.2 Canceled ('C', 28 bytes, exchange to client): Shares were removed from an order.
///
/// Like every outbound OUCH message it carries an 8-byte timestamp at offset 1.
public struct OUCHCanceled: Hashable, Sendable {
    public static let messageType: UInt8 = 0x43 // C
    public static let length = 28

    /// Nanoseconds since midnight. Offset 1.
    public var timestampNs: UInt64
    /// The order token. Offset 9.
    public var token: OUCHToken
    /// Shares removed by this event (not what is left). Offset 23.
    public var decrementShares: UInt32
    /// Reason (U user, I IOC, T timeout, S supervisory, D regulatory, Q self-match, Z system, ...). Offset 27.
    public var reason: UInt8

    @inlinable
    public init(timestampNs: UInt64, token: OUCHToken, decrementShares: UInt32, reason: UInt8) {
        self.timestampNs = timestampNs
        self.token = token
        self.decrementShares = decrementShares
        self.reason = reason
    }

    /// Decodes one whole message, type byte first; `buffer.count` must be 28.
    @inlinable
    public init(decoding buffer: UnsafeRawBufferPointer) throws(WireDecodingError) {
        try checkOUCHLayout(buffer, type: Self.messageType, length: Self.length)
        timestampNs = buffer.readUInt64BE(at: 1)
        token = buffer.readOUCHToken(at: 9)
        decrementShares = buffer.readUInt32BE(at: 23)
        reason = buffer.readUInt8(at: 27)
    }

    /// Writes the message at the start of `buffer` and returns its length (28).
    @inlinable @discardableResult
    public func encode(into buffer: UnsafeMutableRawBufferPointer) -> Int {
        precondition(buffer.count >= Self.length, "OUCH Canceled needs 28 bytes")
        buffer.writeUInt8(Self.messageType, at: 0)
        buffer.writeUInt64BE(timestampNs, at: 1)
        buffer.writeOUCHToken(token, at: 9)
        buffer.writeUInt32BE(decrementShares, at: 23)
        buffer.writeUInt8(reason, at: 27)
        return Self.length
    }
}
