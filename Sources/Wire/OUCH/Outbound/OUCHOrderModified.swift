/// OUCH 4.2 Order Modified ('M', 28 bytes, exchange to client): A Modify Order took effect.
///
/// Like every outbound OUCH message it carries an 8-byte timestamp at offset 1.
public struct OUCHOrderModified: Hashable, Sendable {
    public static let messageType: UInt8 = 0x4D // M
    public static let length = 28

    /// Nanoseconds since midnight. Offset 1.
    public var timestampNs: UInt64
    /// The order token. Offset 9.
    public var token: OUCHToken
    /// Buy, sell, sell short or sell short exempt. Offset 23.
    public var side: OUCHSide
    /// Shares. Offset 24.
    public var shares: UInt32

    @inlinable
    public init(timestampNs: UInt64, token: OUCHToken, side: OUCHSide, shares: UInt32) {
        self.timestampNs = timestampNs
        self.token = token
        self.side = side
        self.shares = shares
    }

    /// Decodes one whole message, type byte first; `buffer.count` must be 28.
    @inlinable
    public init(decoding buffer: UnsafeRawBufferPointer) throws(WireDecodingError) {
        try checkOUCHLayout(buffer, type: Self.messageType, length: Self.length)
        timestampNs = buffer.readUInt64BE(at: 1)
        token = buffer.readOUCHToken(at: 9)
        side = try OUCHSide.decode(buffer, at: 23)
        shares = buffer.readUInt32BE(at: 24)
    }

    /// Writes the message at the start of `buffer` and returns its length (28).
    @inlinable @discardableResult
    public func encode(into buffer: UnsafeMutableRawBufferPointer) -> Int {
        precondition(buffer.count >= Self.length, "OUCH Order Modified needs 28 bytes")
        buffer.writeUInt8(Self.messageType, at: 0)
        buffer.writeUInt64BE(timestampNs, at: 1)
        buffer.writeOUCHToken(token, at: 9)
        buffer.writeUInt8(side.rawValue, at: 23)
        buffer.writeUInt32BE(shares, at: 24)
        return Self.length
    }
}
