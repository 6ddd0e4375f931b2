/// OUCH 4.2 Broken Trade ('B', 32 bytes, exchange to client): A trade was broken.
///
/// Like every outbound OUCH message it carries an 8-byte timestamp at offset 1.
public struct OUCHBrokenTrade: Hashable, Sendable {
    public static let messageType: UInt8 = 0x42 // B
    public static let length = 32

    /// Nanoseconds since midnight. Offset 1.
    public var timestampNs: UInt64
    /// The order token. Offset 9.
    public var token: OUCHToken
    /// Match number. Offset 23.
    public var matchNumber: UInt64
    /// Reason (E erroneous, C consent, S supervisory, X external). Offset 31.
    public var reason: UInt8

    @inlinable
    public init(timestampNs: UInt64, token: OUCHToken, matchNumber: UInt64, reason: UInt8) {
        self.timestampNs = timestampNs
        self.token = token
        self.matchNumber = matchNumber
        self.reason = reason
    }

    /// Decodes one whole message, type byte first; `buffer.count` must be 32.
    @inlinable
    public init(decoding buffer: UnsafeRawBufferPointer) throws(WireDecodingError) {
        try checkOUCHLayout(buffer, type: Self.messageType, length: Self.length)
        timestampNs = buffer.readUInt64BE(at: 1)
        token = buffer.readOUCHToken(at: 9)
        matchNumber = buffer.readUInt64BE(at: 23)
        reason = buffer.readUInt8(at: 31)
    }

    /// Writes the message at the start of `buffer` and returns its length (32).
    @inlinable @discardableResult
    public func encode(into buffer: UnsafeMutableRawBufferPointer) -> Int {
        precondition(buffer.count >= Self.length, "OUCH Broken Trade needs 32 bytes")
        buffer.writeUInt8(Self.messageType, at: 0)
        buffer.writeUInt64BE(timestampNs, at: 1)
        buffer.writeOUCHToken(token, at: 9)
        buffer.writeUInt64BE(matchNumber, at: 23)
        buffer.writeUInt8(reason, at: 31)
        return Self.length
    }
}
