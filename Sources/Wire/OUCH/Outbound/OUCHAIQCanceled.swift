/// OUCH 4.2 AIQ Canceled ('D', 37 bytes, exchange to client): Shares were removed by anti-internalization (self-match prevention).
///
/// Like every outbound OUCH message it carries an 8-byte timestamp at offset 1.
public struct OUCHAIQCanceled: Hashable, Sendable {
    public static let messageType: UInt8 = 0x44 // D
    public static let length = 37

    /// Nanoseconds since midnight. Offset 1.
    public var timestampNs: UInt64
    /// The order token. Offset 9.
    public var token: OUCHToken
    /// Shares removed by this event. Offset 23.
    public var decrementShares: UInt32
    /// Reason (Q). Offset 27.
    public var reason: UInt8
    /// Shares that would have traded. Offset 28.
    public var quantityPreventedFromTrading: UInt32
    /// Price at which they would have traded, 4 implied decimals. Offset 32.
    public var executionPrice: UInt32
    /// Liquidity flag. Offset 36.
    public var liquidityFlag: UInt8

    @inlinable
    public init(
        timestampNs: UInt64,
        token: OUCHToken,
        decrementShares: UInt32,
        reason: UInt8,
        quantityPreventedFromTrading: UInt32,
        executionPrice: UInt32,
        liquidityFlag: UInt8
    ) {
        self.timestampNs = timestampNs
        self.token = token
        self.decrementShares = decrementShares
        self.reason = reason
        self.quantityPreventedFromTrading = quantityPreventedFromTrading
        self.executionPrice = executionPrice
        self.liquidityFlag = liquidityFlag
    }

    /// Decodes one whole message, type byte first; `buffer.count` must be 37.
    @inlinable
    public init(decoding buffer: UnsafeRawBufferPointer) throws(WireDecodingError) {
        try checkOUCHLayout(buffer, type: Self.messageType, length: Self.length)
        timestampNs = buffer.readUInt64BE(at: 1)
        token = buffer.readOUCHToken(at: 9)
        decrementShares = buffer.readUInt32BE(at: 23)
        reason = buffer.readUInt8(at: 27)
        quantityPreventedFromTrading = buffer.readUInt32BE(at: 28)
        executionPrice = buffer.readUInt32BE(at: 32)
        liquidityFlag = buffer.readUInt8(at: 36)
    }

    /// Writes the message at the start of `buffer` and returns its length (37).
    @inlinable @discardableResult
    public func encode(into buffer: UnsafeMutableRawBufferPointer) -> Int {
        precondition(buffer.count >= Self.length, "OUCH AIQ Canceled needs 37 bytes")
        buffer.writeUInt8(Self.messageType, at: 0)
        buffer.writeUInt64BE(timestampNs, at: 1)
        buffer.writeOUCHToken(token, at: 9)
        buffer.writeUInt32BE(decrementShares, at: 23)
        buffer.writeUInt8(reason, at: 27)
        buffer.writeUInt32BE(quantityPreventedFromTrading, at: 28)
        buffer.writeUInt32BE(executionPrice, at: 32)
        buffer.writeUInt8(liquidityFlag, at: 36)
        return Self.length
    }
}
