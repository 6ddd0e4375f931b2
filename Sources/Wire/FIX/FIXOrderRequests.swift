// The participant's order-entry requests: NewOrderSingle (D),
// OrderCancelRequest (F) and OrderCancelReplaceRequest (G), FIX 4.2 and 4.4.
// Prices are fixed-point integers with `priceDecimals` implied decimals.

/// An application message that the session layer carries: its MsgType and
/// the body fields after the standard header.
public protocol FIXApplicationMessageCoding: Sendable {
    static var msgType: FIXMsgType { get }
    /// Appends the body fields (after the standard header) to `writer`.
    func encodeBody(into writer: inout FIXMessageWriter, version: FIXVersion, priceDecimals: Int)
    /// Reads the body; throws the first missing or malformed field.
    init(decoding view: FIXMessageView, version: FIXVersion, priceDecimals: Int) throws(FIXFieldError)
}

/// NewOrderSingle (35=D).
public struct FIXNewOrderSingle: FIXApplicationMessageCoding, Equatable {
    public static let msgType = FIXMsgType.newOrderSingle

    public var clOrdID: FIXString
    public var account: FIXString?
    public var symbol: FIXString
    public var side: FIXSide
    public var transactTimeNs: Int64
    public var orderQuantity: Int64
    public var orderType: FIXOrdType
    /// Required for limit and stop-limit orders.
    public var price: Int64?
    /// Required for stop and stop-limit orders.
    public var stopPrice: Int64?
    public var timeInForce: FIXTimeInForce?

    public init(
        clOrdID: FIXString, account: FIXString? = nil, symbol: FIXString, side: FIXSide, transactTimeNs: Int64,
        orderQuantity: Int64, orderType: FIXOrdType, price: Int64? = nil, stopPrice: Int64? = nil,
        timeInForce: FIXTimeInForce? = nil
    ) {
        self.clOrdID = clOrdID
        self.account = account
        self.symbol = symbol
        self.side = side
        self.transactTimeNs = transactTimeNs
        self.orderQuantity = orderQuantity
        self.orderType = orderType
        self.price = price
        self.stopPrice = stopPrice
        self.timeInForce = timeInForce
    }

    @inlinable
    public func encodeBody(into writer: inout FIXMessageWriter, version: FIXVersion, priceDecimals: Int) {
        writer.append(tag: FIXTag.clOrdID, string: clOrdID)
        if let account { writer.append(tag: FIXTag.account, string: account) }
        // FIX 4.2 requires HandlInst; 4.4 made it optional, and venues ignore it.
        writer.append(tag: FIXTag.handlInst, character: FIXHandlInst.automatedPrivate.rawValue)
        writer.append(tag: FIXTag.symbol, string: symbol)
        writer.append(tag: FIXTag.side, character: side.rawValue)
        writer.append(tag: FIXTag.transactTime, utcTimestampNs: transactTimeNs)
        writer.append(tag: FIXTag.orderQty, integer: orderQuantity)
        writer.append(tag: FIXTag.ordType, character: orderType.rawValue)
        if let price { writer.append(tag: FIXTag.price, decimal: price, impliedDecimals: priceDecimals) }
        if let stopPrice { writer.append(tag: FIXTag.stopPx, decimal: stopPrice, impliedDecimals: priceDecimals) }
        if let timeInForce { writer.append(tag: FIXTag.timeInForce, character: timeInForce.rawValue) }
    }

    @inlinable
    public init(decoding view: FIXMessageView, version: FIXVersion, priceDecimals: Int) throws(FIXFieldError) {
        clOrdID = try view.requiredString(FIXTag.clOrdID)
        account = try view.string(FIXTag.account)
        if version == .fix42 {
            _ = try view.requiredEnum(FIXTag.handlInst, as: FIXHandlInst.self)
        } else {
            _ = try view.optionalEnum(FIXTag.handlInst, as: FIXHandlInst.self)
        }
        symbol = try view.requiredString(FIXTag.symbol)
        side = try view.requiredEnum(FIXTag.side, as: FIXSide.self)
        transactTimeNs = try view.requiredUTCTimestampNs(FIXTag.transactTime)
        orderQuantity = try view.requiredQuantity(FIXTag.orderQty)
        orderType = try view.requiredEnum(FIXTag.ordType, as: FIXOrdType.self)
        price = try view.decimal(FIXTag.price, impliedDecimals: priceDecimals)
        stopPrice = try view.decimal(FIXTag.stopPx, impliedDecimals: priceDecimals)
        timeInForce = try view.optionalEnum(FIXTag.timeInForce, as: FIXTimeInForce.self)
        if orderType.requiresPrice, price == nil { throw .missing(tag: FIXTag.price) }
        if orderType.requiresStopPrice, stopPrice == nil { throw .missing(tag: FIXTag.stopPx) }
        guard orderQuantity > 0 else { throw .valueOutOfRange(tag: FIXTag.orderQty) }
    }
}

/// OrderCancelRequest (35=F).
public struct FIXOrderCancelRequest: FIXApplicationMessageCoding, Equatable {
    public static let msgType = FIXMsgType.orderCancelRequest

    public var origClOrdID: FIXString
    public var clOrdID: FIXString
    public var orderID: FIXString?
    public var symbol: FIXString
    public var side: FIXSide
    public var transactTimeNs: Int64
    public var orderQuantity: Int64?

    public init(
        origClOrdID: FIXString, clOrdID: FIXString, orderID: FIXString? = nil, symbol: FIXString, side: FIXSide,
        transactTimeNs: Int64, orderQuantity: Int64? = nil
    ) {
        self.origClOrdID = origClOrdID
        self.clOrdID = clOrdID
        self.orderID = orderID
        self.symbol = symbol
        self.side = side
        self.transactTimeNs = transactTimeNs
        self.orderQuantity = orderQuantity
    }

    @inlinable
    public func encodeBody(into writer: inout FIXMessageWriter, version: FIXVersion, priceDecimals: Int) {
        writer.append(tag: FIXTag.origClOrdID, string: origClOrdID)
        if let orderID { writer.append(tag: FIXTag.orderID, string: orderID) }
        writer.append(tag: FIXTag.clOrdID, string: clOrdID)
        writer.append(tag: FIXTag.symbol, string: symbol)
        writer.append(tag: FIXTag.side, character: side.rawValue)
        writer.append(tag: FIXTag.transactTime, utcTimestampNs: transactTimeNs)
        if let orderQuantity { writer.append(tag: FIXTag.orderQty, integer: orderQuantity) }
    }

    @inlinable
    public init(decoding view: FIXMessageView, version: FIXVersion, priceDecimals: Int) throws(FIXFieldError) {
        origClOrdID = try view.requiredString(FIXTag.origClOrdID)
        orderID = try view.string(FIXTag.orderID)
        clOrdID = try view.requiredString(FIXTag.clOrdID)
        symbol = try view.requiredString(FIXTag.symbol)
        side = try view.requiredEnum(FIXTag.side, as: FIXSide.self)
        transactTimeNs = try view.requiredUTCTimestampNs(FIXTag.transactTime)
        orderQuantity = try view.quantity(FIXTag.orderQty)
    }
}

/// OrderCancelReplaceRequest (35=G).
public struct FIXOrderCancelReplaceRequest: FIXApplicationMessageCoding, Equatable {
    public static let msgType = FIXMsgType.orderCancelReplaceRequest

    public var origClOrdID: FIXString
    public var clOrdID: FIXString
    public var orderID: FIXString?
    public var account: FIXString?
    public var symbol: FIXString
    public var side: FIXSide
    public var transactTimeNs: Int64
    public var orderQuantity: Int64
    public var orderType: FIXOrdType
    public var price: Int64?
    public var stopPrice: Int64?
    public var timeInForce: FIXTimeInForce?

    public init(
        origClOrdID: FIXString, clOrdID: FIXString, orderID: FIXString? = nil, account: FIXString? = nil,
        symbol: FIXString, side: FIXSide, transactTimeNs: Int64, orderQuantity: Int64, orderType: FIXOrdType,
        price: Int64? = nil, stopPrice: Int64? = nil, timeInForce: FIXTimeInForce? = nil
    ) {
        self.origClOrdID = origClOrdID
        self.clOrdID = clOrdID
        self.orderID = orderID
        self.account = account
        self.symbol = symbol
        self.side = side
        self.transactTimeNs = transactTimeNs
        self.orderQuantity = orderQuantity
        self.orderType = orderType
        self.price = price
        self.stopPrice = stopPrice
        self.timeInForce = timeInForce
    }

    @inlinable
    public func encodeBody(into writer: inout FIXMessageWriter, version: FIXVersion, priceDecimals: Int) {
        if let orderID { writer.append(tag: FIXTag.orderID, string: orderID) }
        writer.append(tag: FIXTag.origClOrdID, string: origClOrdID)
        writer.append(tag: FIXTag.clOrdID, string: clOrdID)
        if let account { writer.append(tag: FIXTag.account, string: account) }
        writer.append(tag: FIXTag.handlInst, character: FIXHandlInst.automatedPrivate.rawValue)
        writer.append(tag: FIXTag.symbol, string: symbol)
        writer.append(tag: FIXTag.side, character: side.rawValue)
        writer.append(tag: FIXTag.transactTime, utcTimestampNs: transactTimeNs)
        writer.append(tag: FIXTag.orderQty, integer: orderQuantity)
        writer.append(tag: FIXTag.ordType, character: orderType.rawValue)
        if let price { writer.append(tag: FIXTag.price, decimal: price, impliedDecimals: priceDecimals) }
        if let stopPrice { writer.append(tag: FIXTag.stopPx, decimal: stopPrice, impliedDecimals: priceDecimals) }
        if let timeInForce { writer.append(tag: FIXTag.timeInForce, character: timeInForce.rawValue) }
    }

    @inlinable
    public init(decoding view: FIXMessageView, version: FIXVersion, priceDecimals: Int) throws(FIXFieldError) {
        orderID = try view.string(FIXTag.orderID)
        origClOrdID = try view.requiredString(FIXTag.origClOrdID)
        clOrdID = try view.requiredString(FIXTag.clOrdID)
        account = try view.string(FIXTag.account)
        if version == .fix42 {
            _ = try view.requiredEnum(FIXTag.handlInst, as: FIXHandlInst.self)
        } else {
            _ = try view.optionalEnum(FIXTag.handlInst, as: FIXHandlInst.self)
        }
        symbol = try view.requiredString(FIXTag.symbol)
        side = try view.requiredEnum(FIXTag.side, as: FIXSide.self)
        transactTimeNs = try view.requiredUTCTimestampNs(FIXTag.transactTime)
        orderQuantity = try view.requiredQuantity(FIXTag.orderQty)
        orderType = try view.requiredEnum(FIXTag.ordType, as: FIXOrdType.self)
        price = try view.decimal(FIXTag.price, impliedDecimals: priceDecimals)
        stopPrice = try view.decimal(FIXTag.stopPx, impliedDecimals: priceDecimals)
        timeInForce = try view.optionalEnum(FIXTag.timeInForce, as: FIXTimeInForce.self)
        if orderType.requiresPrice, price == nil { throw .missing(tag: FIXTag.price) }
        if orderType.requiresStopPrice, stopPrice == nil { throw .missing(tag: FIXTag.stopPx) }
        guard orderQuantity > 0 else { throw .valueOutOfRange(tag: FIXTag.orderQty) }
    }
}
