/// OUCH 4.2 Enter Order ('O', 49 bytes, client to exchange): A new order.
public struct OUCHEnterOrder: Hashable, Sendable {
    public static let messageType: UInt8 = 0x4F // O
    public static let length = 49

    /// The order token. Offset 1.
    public var token: OUCHToken
    /// Buy, sell, sell short or sell short exempt. Offset 15.
    public var side: OUCHSide
    /// Shares. Offset 16.
    public var shares: UInt32
    /// Stock symbol. Offset 20.
    public var stock: Alpha8
    /// Price, 4 implied decimals (raw integer: 1234500 = 123.45). Offset 28.
    public var price: UInt32
    /// Time in force. Offset 32.
    public var timeInForce: OUCHTimeInForce
    /// Firm. Offset 36.
    public var firm: Alpha4
    /// Display (ASCII code, e.g. Y, N, A, Z). Offset 40.
    public var display: UInt8
    /// Capacity (A agency, P principal, R riskless, O other). Offset 41.
    public var capacity: UInt8
    /// Intermarket sweep eligibility (Y, N). Offset 42.
    public var intermarketSweepEligibility: UInt8
    /// Minimum quantity. Offset 43.
    public var minimumQuantity: UInt32
    /// Cross type (N, O, C, H, S, R, ...). Offset 47.
    public var crossType: UInt8
    /// Customer type (R retail, N not retail, space default). Offset 48.
    public var customerType: UInt8

    @inlinable
    public init(
        token: OUCHToken,
        side: OUCHSide,
        shares: UInt32,
        stock: Alpha8,
        price: UInt32,
        timeInForce: OUCHTimeInForce,
        firm: Alpha4,
        display: UInt8,
        capacity: UInt8,
        intermarketSweepEligibility: UInt8,
        minimumQuantity: UInt32,
        crossType: UInt8,
        customerType: UInt8
    ) {
        self.token = token
        self.side = side
        self.shares = shares
        self.stock = stock
        self.price = price
        self.timeInForce = timeInForce
        self.firm = firm
        self.display = display
        self.capacity = capacity
        self.intermarketSweepEligibility = intermarketSweepEligibility
        self.minimumQuantity = minimumQuantity
        self.crossType = crossType
        self.customerType = customerType
    }

    /// Decodes one whole message, type byte first; `buffer.count` must be 49.
    @inlinable
    public init(decoding buffer: UnsafeRawBufferPointer) throws(WireDecodingError) {
        try checkOUCHLayout(buffer, type: Self.messageType, length: Self.length)
        token = buffer.readOUCHToken(at: 1)
        side = try OUCHSide.decode(buffer, at: 15)
        shares = buffer.readUInt32BE(at: 16)
        stock = buffer.readAlpha8(at: 20)
        price = buffer.readUInt32BE(at: 28)
        timeInForce = OUCHTimeInForce(rawValue: buffer.readUInt32BE(at: 32))
        firm = buffer.readAlpha4(at: 36)
        display = buffer.readUInt8(at: 40)
        capacity = buffer.readUInt8(at: 41)
        intermarketSweepEligibility = buffer.readUInt8(at: 42)
        minimumQuantity = buffer.readUInt32BE(at: 43)
        crossType = buffer.readUInt8(at: 47)
        customerType = buffer.readUInt8(at: 48)
    }

    /// Writes the message at the start of `buffer` and returns its length (49).
    @inlinable @discardableResult
    public func encode(into buffer: UnsafeMutableRawBufferPointer) -> Int {
        precondition(buffer.count >= Self.length, "OUCH Enter Order needs 49 bytes")
        buffer.writeUInt8(Self.messageType, at: 0)
        buffer.writeOUCHToken(token, at: 1)
        buffer.writeUInt8(side.rawValue, at: 15)
        buffer.writeUInt32BE(shares, at: 16)
        buffer.writeAlpha8(stock, at: 20)
        buffer.writeUInt32BE(price, at: 28)
        buffer.writeUInt32BE(timeInForce.rawValue, at: 32)
        buffer.writeAlpha4(firm, at: 36)
        buffer.writeUInt8(display, at: 40)
        buffer.writeUInt8(capacity, at: 41)
        buffer.writeUInt8(intermarketSweepEligibility, at: 42)
        buffer.writeUInt32BE(minimumQuantity, at: 43)
        buffer.writeUInt8(crossType, at: 47)
        buffer.writeUInt8(customerType, at: 48)
        return Self.length
    }
}
