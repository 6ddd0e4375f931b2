/// OUCH 4.2 Replace Order ('U', 47 bytes, client to exchange): Replaces a live order with a new token, size and price.
public struct OUCHReplaceOrder: Hashable, Sendable {
    public static let messageType: UInt8 = 0x55 // U
    public static let length = 47

    /// Token of the order to replace. Offset 1.
    public var existingToken: OUCHToken
    /// Token of the new order. Offset 15.
    public var replacementToken: OUCHToken
    /// Shares. Offset 29.
    public var shares: UInt32
    /// Price, 4 implied decimals (raw integer: 1234500 = 123.45). Offset 33.
    public var price: UInt32
    /// Time in force. Offset 37.
    public var timeInForce: OUCHTimeInForce
    /// Display (ASCII code, e.g. Y, N, A, Z). Offset 41.
    public var display: UInt8
    /// Intermarket sweep eligibility (Y, N). Offset 42.
    public var intermarketSweepEligibility: UInt8
    /// Minimum quantity. Offset 43.
    public var minimumQuantity: UInt32

    @inlinable
    public init(
        existingToken: OUCHToken,
        replacementToken: OUCHToken,
        shares: UInt32,
        price: UInt32,
        timeInForce: OUCHTimeInForce,
        display: UInt8,
        intermarketSweepEligibility: UInt8,
        minimumQuantity: UInt32
    ) {
        self.existingToken = existingToken
        self.replacementToken = replacementToken
        self.shares = shares
        self.price = price
        self.timeInForce = timeInForce
        self.display = display
        self.intermarketSweepEligibility = intermarketSweepEligibility
        self.minimumQuantity = minimumQuantity
    }

    /// Decodes one whole message, type byte first; `buffer.count` must be 47.
    @inlinable
    public init(decoding buffer: UnsafeRawBufferPointer) throws(WireDecodingError) {
        try checkOUCHLayout(buffer, type: Self.messageType, length: Self.length)
        existingToken = buffer.readOUCHToken(at: 1)
        replacementToken = buffer.readOUCHToken(at: 15)
        shares = buffer.readUInt32BE(at: 29)
        price = buffer.readUInt32BE(at: 33)
        timeInForce = OUCHTimeInForce(rawValue: buffer.readUInt32BE(at: 37))
        display = buffer.readUInt8(at: 41)
        intermarketSweepEligibility = buffer.readUInt8(at: 42)
        minimumQuantity = buffer.readUInt32BE(at: 43)
    }

    /// Writes the message at the start of `buffer` and returns its length (47).
    @inlinable @discardableResult
    public func encode(into buffer: UnsafeMutableRawBufferPointer) -> Int {
        precondition(buffer.count >= Self.length, "OUCH Replace Order needs 47 bytes")
        buffer.writeUInt8(Self.messageType, at: 0)
        buffer.writeOUCHToken(existingToken, at: 1)
        buffer.writeOUCHToken(replacementToken, at: 15)
        buffer.writeUInt32BE(shares, at: 29)
        buffer.writeUInt32BE(price, at: 33)
        buffer.writeUInt32BE(timeInForce.rawValue, at: 37)
        buffer.writeUInt8(display, at: 41)
        buffer.writeUInt8(intermarketSweepEligibility, at: 42)
        buffer.writeUInt32BE(minimumQuantity, at: 43)
        return Self.length
    }
}
