/// OUCH 4.2 Price Correction ('K', 36 bytes, exchange to client): An execution price was corrected.
///
/// Like every outbound OUCH message it carries an 8-byte timestamp at offset 1.
public struct OUCHPriceCorrection: Hashable, Sendable {
    public static let messageType: UInt8 = 0x4B // K
    public static let length = 36

    /// Nanoseconds since midnight. Offset 1.
    public var timestampNs: UInt64
    /// The order token. Offset 9.
    public var token: OUCHToken
    /// Match number. Offset 23.
    public var matchNumber: UInt64
    /// New execution price, 4 implied decimals. Offset 31.
    public var newExecutionPrice: UInt32
    /// Reason. Offset 35.
    public var reason: UInt8

    @inlinable
    public init(
        timestampNs: UInt64,
        token: OUCHToken,
        matchNumber: UInt64,
        newExecutionPrice: UInt32,
        reason: UInt8
    ) {
        self.timestampNs = timestampNs
        self.token = token
        self.matchNumber = matchNumber
        self.newExecutionPrice = newExecutionPrice
        self.reason = reason
    }

    /// Decodes one whole message, type byte first; `buffer.count` must be 36.
    @inlinable
    public init(decoding buffer: UnsafeRawBufferPointer) throws(WireDecodingError) {
        try checkOUCHLayout(buffer, type: Self.messageType, length: Self.length)
        timestampNs = buffer.readUInt64BE(at: 1)
        token = buffer.readOUCHToken(at: 9)
        matchNumber = buffer.readUInt64BE(at: 23)
        newExecutionPrice = buffer.readUInt32BE(at: 31)
        reason = buffer.readUInt8(at: 35)
    }

    /// Writes the message at the start of `buffer` and returns its length (36).
    @inlinable @discardableResult
    public func encode(into buffer: UnsafeMutableRawBufferPointer) -> Int {
        precondition(buffer.count >= Self.length, "OUCH Price Correction needs 36 bytes")
        buffer.writeUInt8(Self.messageType, at: 0)
        buffer.writeUInt64BE(timestampNs, at: 1)
        buffer.writeOUCHToken(token, at: 9)
        buffer.writeUInt64BE(matchNumber, at: 23)
        buffer.writeUInt32BE(newExecutionPrice, at: 31)
        buffer.writeUInt8(reason, at: 35)
        return Self.length
    }
}
