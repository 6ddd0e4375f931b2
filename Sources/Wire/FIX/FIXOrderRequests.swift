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
    /// ExecInst (18), space-separated instructions; `6` is post-only (see `FIXExecInst`).
    public var execInst: FIXString?

    public init(
        clOrdID: FIXString, account: FIXString? = nil, symbol: FIXString, side: FIXSide, transactTimeNs: Int64,
        orderQuantity: Int64, orderType: FIXOrdType, price: Int64? = nil, stopPrice: Int64? = nil,
        timeInForce: FIXTimeInForce? = nil, execInst: FIXString? = nil
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
        self.execInst = execInst
    }

    /// Whether ExecInst lists `6` Participate don't initiate.
    @inlinable
    public var isPostOnly: Bool {
        execInst.map { FIXExecInst.contains(FIXExecInst.participateDontInitiate, in: $0) } ?? false
    }

    @inlinable
    public func encodeBody(into writer: inout FIXMessageWriter, version: FIXVersion, priceDecimals: Int) {
        writer.append(tag: FIXTag.clOrdID, string: clOrdID)
        if let account { writer.append(tag: FIXTag.account, string: account) }
        // FIX 4.2 requires HandlInst; 4.4 made it optional, and venues ignore it.
        writer.append(tag: FIXTag.handlInst, character: FIXHandlInst.automatedPrivate.rawValue)
        if let execInst, !execInst.isEmpty { writer.append(tag: FIXTag.execInst, string: execInst) }
        writer.append(tag: FIXTag.symbol, string: symbol)
        writer.append(tag: FIXTag.side, character: side.rawValue)
        writer.append(tag: FIXTag.transactTime, utcTimestampNs: transactTimeNs)
        writer.append(tag: FIXTag.orderQty, integer: orderQuantity)
        writer.append(tag: FIXTag.ordType, character: orderType.rawValue)
        if let price { writer.append(tag: FIXTag.price, decimal: price, impliedDecimals: priceDecimals) }
        if let stopPrice { writer.append(tag: FIXTag.stopPx, decimal: stopPrice, impliedDecimals: priceDecimals) }
        if let timeInForce { writer.append(tag: FIXTag.timeInForce, character: timeInForce.rawValue) }
    }

    /// Reads the body in one pass over the fields, then checks the values
    /// in a fixed order, so that the first problem reported does not depend
    /// on the order of the fields.
    @inlinable
    public init(decoding view: FIXMessageView, version: FIXVersion, priceDecimals: Int) throws(FIXFieldError) {
        var clOrdIDAt = -1, accountAt = -1, handlInstAt = -1, symbolAt = -1, sideAt = -1, transactTimeAt = -1
        var orderQtyAt = -1, ordTypeAt = -1, priceAt = -1, stopPxAt = -1, timeInForceAt = -1, execInstAt = -1
        for index in 0..<view.fieldCount {
            switch view.fields[index].tag {
            case 11: if clOrdIDAt < 0 { clOrdIDAt = index }
            case 1: if accountAt < 0 { accountAt = index }
            case 21: if handlInstAt < 0 { handlInstAt = index }
            case 55: if symbolAt < 0 { symbolAt = index }
            case 54: if sideAt < 0 { sideAt = index }
            case 60: if transactTimeAt < 0 { transactTimeAt = index }
            case 38: if orderQtyAt < 0 { orderQtyAt = index }
            case 40: if ordTypeAt < 0 { ordTypeAt = index }
            case 44: if priceAt < 0 { priceAt = index }
            case 99: if stopPxAt < 0 { stopPxAt = index }
            case 59: if timeInForceAt < 0 { timeInForceAt = index }
            case 18: if execInstAt < 0 { execInstAt = index }
            default: break
            }
        }
        clOrdID = try view.requiredString(at: clOrdIDAt, tag: FIXTag.clOrdID)
        account = try view.string(at: accountAt, tag: FIXTag.account)
        if version == .fix42 {
            _ = try view.requiredEnum(at: handlInstAt, tag: FIXTag.handlInst, as: FIXHandlInst.self)
        } else {
            _ = try view.optionalEnum(at: handlInstAt, tag: FIXTag.handlInst, as: FIXHandlInst.self)
        }
        symbol = try view.requiredString(at: symbolAt, tag: FIXTag.symbol)
        side = try view.requiredEnum(at: sideAt, tag: FIXTag.side, as: FIXSide.self)
        transactTimeNs = try view.requiredUTCTimestampNs(at: transactTimeAt, tag: FIXTag.transactTime)
        orderQuantity = try view.requiredQuantity(at: orderQtyAt, tag: FIXTag.orderQty)
        orderType = try view.requiredEnum(at: ordTypeAt, tag: FIXTag.ordType, as: FIXOrdType.self)
        price = try view.decimal(at: priceAt, tag: FIXTag.price, impliedDecimals: priceDecimals)
        stopPrice = try view.decimal(at: stopPxAt, tag: FIXTag.stopPx, impliedDecimals: priceDecimals)
        timeInForce = try view.optionalEnum(at: timeInForceAt, tag: FIXTag.timeInForce, as: FIXTimeInForce.self)
        execInst = try view.string(at: execInstAt, tag: FIXTag.execInst)
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
        var origClOrdIDAt = -1, orderIDAt = -1, clOrdIDAt = -1, symbolAt = -1, sideAt = -1, transactTimeAt = -1
        var orderQtyAt = -1
        for index in 0..<view.fieldCount {
            switch view.fields[index].tag {
            case 41: if origClOrdIDAt < 0 { origClOrdIDAt = index }
            case 37: if orderIDAt < 0 { orderIDAt = index }
            case 11: if clOrdIDAt < 0 { clOrdIDAt = index }
            case 55: if symbolAt < 0 { symbolAt = index }
            case 54: if sideAt < 0 { sideAt = index }
            case 60: if transactTimeAt < 0 { transactTimeAt = index }
            case 38: if orderQtyAt < 0 { orderQtyAt = index }
            default: break
            }
        }
        origClOrdID = try view.requiredString(at: origClOrdIDAt, tag: FIXTag.origClOrdID)
        orderID = try view.string(at: orderIDAt, tag: FIXTag.orderID)
        clOrdID = try view.requiredString(at: clOrdIDAt, tag: FIXTag.clOrdID)
        symbol = try view.requiredString(at: symbolAt, tag: FIXTag.symbol)
        side = try view.requiredEnum(at: sideAt, tag: FIXTag.side, as: FIXSide.self)
        transactTimeNs = try view.requiredUTCTimestampNs(at: transactTimeAt, tag: FIXTag.transactTime)
        orderQuantity = try view.quantity(at: orderQtyAt, tag: FIXTag.orderQty)
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
    /// ExecInst (18), space-separated instructions; `6` is post-only (see `FIXExecInst`).
    public var execInst: FIXString?

    public init(
        origClOrdID: FIXString, clOrdID: FIXString, orderID: FIXString? = nil, account: FIXString? = nil,
        symbol: FIXString, side: FIXSide, transactTimeNs: Int64, orderQuantity: Int64, orderType: FIXOrdType,
        price: Int64? = nil, stopPrice: Int64? = nil, timeInForce: FIXTimeInForce? = nil, execInst: FIXString? = nil
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
        self.execInst = execInst
    }

    @inlinable
    public func encodeBody(into writer: inout FIXMessageWriter, version: FIXVersion, priceDecimals: Int) {
        if let orderID { writer.append(tag: FIXTag.orderID, string: orderID) }
        writer.append(tag: FIXTag.origClOrdID, string: origClOrdID)
        writer.append(tag: FIXTag.clOrdID, string: clOrdID)
        if let account { writer.append(tag: FIXTag.account, string: account) }
        writer.append(tag: FIXTag.handlInst, character: FIXHandlInst.automatedPrivate.rawValue)
        if let execInst, !execInst.isEmpty { writer.append(tag: FIXTag.execInst, string: execInst) }
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
        var orderIDAt = -1, origClOrdIDAt = -1, clOrdIDAt = -1, accountAt = -1, handlInstAt = -1, symbolAt = -1
        var sideAt = -1, transactTimeAt = -1, orderQtyAt = -1, ordTypeAt = -1, priceAt = -1, stopPxAt = -1
        var timeInForceAt = -1, execInstAt = -1
        for index in 0..<view.fieldCount {
            switch view.fields[index].tag {
            case 37: if orderIDAt < 0 { orderIDAt = index }
            case 41: if origClOrdIDAt < 0 { origClOrdIDAt = index }
            case 11: if clOrdIDAt < 0 { clOrdIDAt = index }
            case 1: if accountAt < 0 { accountAt = index }
            case 21: if handlInstAt < 0 { handlInstAt = index }
            case 55: if symbolAt < 0 { symbolAt = index }
            case 54: if sideAt < 0 { sideAt = index }
            case 60: if transactTimeAt < 0 { transactTimeAt = index }
            case 38: if orderQtyAt < 0 { orderQtyAt = index }
            case 40: if ordTypeAt < 0 { ordTypeAt = index }
            case 44: if priceAt < 0 { priceAt = index }
            case 99: if stopPxAt < 0 { stopPxAt = index }
            case 59: if timeInForceAt < 0 { timeInForceAt = index }
            case 18: if execInstAt < 0 { execInstAt = index }
            default: break
            }
        }
        orderID = try view.string(at: orderIDAt, tag: FIXTag.orderID)
        origClOrdID = try view.requiredString(at: origClOrdIDAt, tag: FIXTag.origClOrdID)
        clOrdID = try view.requiredString(at: clOrdIDAt, tag: FIXTag.clOrdID)
        account = try view.string(at: accountAt, tag: FIXTag.account)
        if version == .fix42 {
            _ = try view.requiredEnum(at: handlInstAt, tag: FIXTag.handlInst, as: FIXHandlInst.self)
        } else {
            _ = try view.optionalEnum(at: handlInstAt, tag: FIXTag.handlInst, as: FIXHandlInst.self)
        }
        symbol = try view.requiredString(at: symbolAt, tag: FIXTag.symbol)
        side = try view.requiredEnum(at: sideAt, tag: FIXTag.side, as: FIXSide.self)
        transactTimeNs = try view.requiredUTCTimestampNs(at: transactTimeAt, tag: FIXTag.transactTime)
        orderQuantity = try view.requiredQuantity(at: orderQtyAt, tag: FIXTag.orderQty)
        orderType = try view.requiredEnum(at: ordTypeAt, tag: FIXTag.ordType, as: FIXOrdType.self)
        price = try view.decimal(at: priceAt, tag: FIXTag.price, impliedDecimals: priceDecimals)
        stopPrice = try view.decimal(at: stopPxAt, tag: FIXTag.stopPx, impliedDecimals: priceDecimals)
        timeInForce = try view.optionalEnum(at: timeInForceAt, tag: FIXTag.timeInForce, as: FIXTimeInForce.self)
        execInst = try view.string(at: execInstAt, tag: FIXTag.execInst)
        if orderType.requiresPrice, price == nil { throw .missing(tag: FIXTag.price) }
        if orderType.requiresStopPrice, stopPrice == nil { throw .missing(tag: FIXTag.stopPx) }
        guard orderQuantity > 0 else { throw .valueOutOfRange(tag: FIXTag.orderQty) }
    }
}
