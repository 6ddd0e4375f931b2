/// OUCH 4.2 Replaced ('U', 80 bytes, exchange to client): The exchange replaced an order.
///
/// Like every outbound OUCH message it carries an 8-byte timestamp at offset 1.
public struct OUCHReplaced: Hashable, Sendable {
    public static let messageType: UInt8 = 0x55 // U
    public static let length = 80

    /// Nanoseconds since midnight. Offset 1.
    public var timestampNs: UInt64
    /// Token of the new order. Offset 9.
    public var replacementToken: OUCHToken
    /// Buy, sell, sell short or sell short exempt. Offset 23.
    public var side: OUCHSide
    /// Shares. Offset 24.
    public var shares: UInt32
    /// Stock symbol. Offset 28.
    public var stock: Alpha8
    /// Price, 4 implied decimals (raw integer: 1234500 = 123.45). Offset 36.
    public var price: UInt32
    /// Time in force. Offset 40.
    public var timeInForce: OUCHTimeInForce
    /// Firm. Offset 44.
    public var firm: Alpha4
    /// Display (ASCII code, e.g. Y, N, A, Z). Offset 48.
    public var display: UInt8
    /// Order reference number the exchange assigned. Offset 49.
    public var orderReferenceNumber: UInt64
    /// Capacity (A agency, P principal, R riskless, O other). Offset 57.
    public var capacity: UInt8
    /// Intermarket sweep eligibility (Y, N). Offset 58.
    public var intermarketSweepEligibility: UInt8
    /// Minimum quantity. Offset 59.
    public var minimumQuantity: UInt32
    /// Cross type (N, O, C, H, S, R, ...). Offset 63.
    public var crossType: UInt8
    /// Order state (L live, D dead). Offset 64.
    public var orderState: UInt8
    /// Token of the replaced order. Offset 65.
    public var previousToken: OUCHToken
    /// BBO weight indicator (0, 1, 2, 3, S, N, space). Offset 79.
    public var bboWeightIndicator: UInt8

    @inlinable
    public init(
        timestampNs: UInt64,
        replacementToken: OUCHToken,
        side: OUCHSide,
        shares: UInt32,
        stock: Alpha8,
        price: UInt32,
        timeInForce: OUCHTimeInForce,
        firm: Alpha4,
        display: UInt8,
        orderReferenceNumber: UInt64,
        capacity: UInt8,
        intermarketSweepEligibility: UInt8,
        minimumQuantity: UInt32,
        crossType: UInt8,
        orderState: UInt8,
        previousToken: OUCHToken,
        bboWeightIndicator: UInt8
    ) {
        self.timestampNs = timestampNs
        self.replacementToken = replacementToken
        self.side = side
        self.shares = shares
        self.stock = stock
        self.price = price
        self.timeInForce = timeInForce
        self.firm = firm
        self.display = display
        self.orderReferenceNumber = orderReferenceNumber
        self.capacity = capacity
        self.intermarketSweepEligibility = intermarketSweepEligibility
        self.minimumQuantity = minimumQuantity
        self.crossType = crossType
        self.orderState = orderState
        self.previousToken = previousToken
        self.bboWeightIndicator = bboWeightIndicator
    }

    /// Decodes one whole message, type byte first; `buffer.count` must be 80.
    @inlinable
    public init(decoding buffer: UnsafeRawBufferPointer) throws(WireDecodingError) {
        try checkOUCHLayout(buffer, type: Self.messageType, length: Self.length)
        timestampNs = buffer.readUInt64BE(at: 1)
        replacementToken = buffer.readOUCHToken(at: 9)
        side = try OUCHSide.decode(buffer, at: 23)
        shares = buffer.readUInt32BE(at: 24)
        stock = buffer.readAlpha8(at: 28)
        price = buffer.readUInt32BE(at: 36)
        timeInForce = OUCHTimeInForce(rawValue: buffer.readUInt32BE(at: 40))
        firm = buffer.readAlpha4(at: 44)
        display = buffer.readUInt8(at: 48)
        orderReferenceNumber = buffer.readUInt64BE(at: 49)
        capacity = buffer.readUInt8(at: 57)
        intermarketSweepEligibility = buffer.readUInt8(at: 58)
        minimumQuantity = buffer.readUInt32BE(at: 59)
        crossType = buffer.readUInt8(at: 63)
        orderState = buffer.readUInt8(at: 64)
        previousToken = buffer.readOUCHToken(at: 65)
        bboWeightIndicator = buffer.readUInt8(at: 79)
    }

    /// Writes the message at the start of `buffer` and returns its length (80).
    @inlinable @discardableResult
    public func encode(into buffer: UnsafeMutableRawBufferPointer) -> Int {
        precondition(buffer.count >= Self.length, "OUCH Replaced needs 80 bytes")
        buffer.writeUInt8(Self.messageType, at: 0)
        buffer.writeUInt64BE(timestampNs, at: 1)
        buffer.writeOUCHToken(replacementToken, at: 9)
        buffer.writeUInt8(side.rawValue, at: 23)
        buffer.writeUInt32BE(shares, at: 24)
        buffer.writeAlpha8(stock, at: 28)
        buffer.writeUInt32BE(price, at: 36)
        buffer.writeUInt32BE(timeInForce.rawValue, at: 40)
        buffer.writeAlpha4(firm, at: 44)
        buffer.writeUInt8(display, at: 48)
        buffer.writeUInt64BE(orderReferenceNumber, at: 49)
        buffer.writeUInt8(capacity, at: 57)
        buffer.writeUInt8(intermarketSweepEligibility, at: 58)
        buffer.writeUInt32BE(minimumQuantity, at: 59)
        buffer.writeUInt8(crossType, at: 63)
        buffer.writeUInt8(orderState, at: 64)
        buffer.writeOUCHToken(previousToken, at: 65)
        buffer.writeUInt8(bboWeightIndicator, at: 79)
        return Self.length
    }
}
