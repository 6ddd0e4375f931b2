/// OUCH 4.2 Rejected ('J', 24 bytes, exchange to client): An Enter Order was rejected.
///
/// Like every outbound OUCH message it carries an 8-byte timestamp at offset 1.
public struct OUCHRejected: Hashable, Sendable {
    public static let messageType: UInt8 = 0x4A // J
    public static let length = 24

    /// Nanoseconds since midnight. Offset 1.
    public var timestampNs: UInt64
    /// The order token. Offset 9.
    public var token: OUCHToken
    /// Reason (T test mode, H halted, Z shares, S invalid stock, D display, C closed, L firm, M outside window, R not allowed, X price, N, O, a..n). Offset 23.
    public var reason: UInt8

    @inlinable
    public init(timestampNs: UInt64, token: OUCHToken, reason: UInt8) {
        self.timestampNs = timestampNs
        self.token = token
        self.reason = reason
    }

    /// Decodes one whole message, type byte first; `buffer.count` must be 24.
    @inlinable
    public init(decoding buffer: UnsafeRawBufferPointer) throws(WireDecodingError) {
        try checkOUCHLayout(buffer, type: Self.messageType, length: Self.length)
        timestampNs = buffer.readUInt64BE(at: 1)
        token = buffer.readOUCHToken(at: 9)
        reason = buffer.readUInt8(at: 23)
    }

    /// Writes the message at the start of `buffer` and returns its length (24).
    @inlinable @discardableResult
    public func encode(into buffer: UnsafeMutableRawBufferPointer) -> Int {
        precondition(buffer.count >= Self.length, "OUCH Rejected needs 24 bytes")
        buffer.writeUInt8(Self.messageType, at: 0)
        buffer.writeUInt64BE(timestampNs, at: 1)
        buffer.writeOUCHToken(token, at: 9)
        buffer.writeUInt8(reason, at: 23)
        return Self.length
    }
}
