/// OUCH 4.2 Executed with Reference Price ('G', 45 bytes, exchange to client): An order traded; carries the reference price.
///
/// Like every outbound OUCH message it carries an 8-byte timestamp at offset 1.
public struct OUCHExecutedWithReferencePrice: Hashable, Sendable {
    public static let messageType: UInt8 = 0x47 // G
    public static let length = 45

    /// Nanoseconds since midnight. Offset 1.
    public var timestampNs: UInt64
    /// The order token. Offset 9.
    public var token: OUCHToken
    /// Executed shares. Offset 23.
    public var executedShares: UInt32
    /// Execution price, 4 implied decimals. Offset 27.
    public var executionPrice: UInt32
    /// Liquidity flag. Offset 31.
    public var liquidityFlag: UInt8
    /// Match number. Offset 32.
    public var matchNumber: UInt64
    /// Reference price, 4 implied decimals. Offset 40.
    public var referencePrice: UInt32
    /// Reference price type. Offset 44.
    public var referencePriceType: UInt8

    @inlinable
    public init(
        timestampNs: UInt64,
        token: OUCHToken,
        executedShares: UInt32,
        executionPrice: UInt32,
        liquidityFlag: UInt8,
        matchNumber: UInt64,
        referencePrice: UInt32,
        referencePriceType: UInt8
    ) {
        self.timestampNs = timestampNs
        self.token = token
        self.executedShares = executedShares
        self.executionPrice = executionPrice
        self.liquidityFlag = liquidityFlag
        self.matchNumber = matchNumber
        self.referencePrice = referencePrice
        self.referencePriceType = referencePriceType
    }

    /// Decodes one whole message, type byte first; `buffer.count` must be 45.
    @inlinable
    public init(decoding buffer: UnsafeRawBufferPointer) throws(WireDecodingError) {
        try checkOUCHLayout(buffer, type: Self.messageType, length: Self.length)
        timestampNs = buffer.readUInt64BE(at: 1)
        token = buffer.readOUCHToken(at: 9)
        executedShares = buffer.readUInt32BE(at: 23)
        executionPrice = buffer.readUInt32BE(at: 27)
        liquidityFlag = buffer.readUInt8(at: 31)
        matchNumber = buffer.readUInt64BE(at: 32)
        referencePrice = buffer.readUInt32BE(at: 40)
        referencePriceType = buffer.readUInt8(at: 44)
    }

    /// Writes the message at the start of `buffer` and returns its length (45).
    @inlinable @discardableResult
    public func encode(into buffer: UnsafeMutableRawBufferPointer) -> Int {
        precondition(buffer.count >= Self.length, "OUCH Executed with Reference Price needs 45 bytes")
        buffer.writeUInt8(Self.messageType, at: 0)
        buffer.writeUInt64BE(timestampNs, at: 1)
        buffer.writeOUCHToken(token, at: 9)
        buffer.writeUInt32BE(executedShares, at: 23)
        buffer.writeUInt32BE(executionPrice, at: 27)
        buffer.writeUInt8(liquidityFlag, at: 31)
        buffer.writeUInt64BE(matchNumber, at: 32)
        buffer.writeUInt32BE(referencePrice, at: 40)
        buffer.writeUInt8(referencePriceType, at: 44)
        return Self.length
    }
}
