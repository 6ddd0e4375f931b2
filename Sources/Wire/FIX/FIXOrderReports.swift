// The venue's answers: ExecutionReport (8), OrderCancelReject (9) and
// BusinessMessageReject (j), FIX 4.2 and 4.4.

/// ExecutionReport (35=8).
///
/// FIX 4.2 writes ExecTransType (20)=0 and ExecType 1/2 for a partial or
/// full fill; FIX 4.4 has no ExecTransType and writes ExecType F. Tag 32 is
/// LastShares in 4.2 and LastQty in 4.4. An order status report is ExecType
/// I in 4.4; 4.2, which lacks I, writes ExecTransType 3 Status with the
/// OrdStatus byte as ExecType, and reads that back as `.orderStatus`.
public struct FIXExecutionReport: FIXApplicationMessageCoding, Equatable {
    public static let msgType = FIXMsgType.executionReport

    public var orderID: FIXString
    public var clOrdID: FIXString?
    public var origClOrdID: FIXString?
    public var execID: FIXString
    public var execType: FIXExecType
    public var orderStatus: FIXOrdStatus
    public var orderRejectReason: Int64?
    public var symbol: FIXString
    public var side: FIXSide
    public var orderQuantity: Int64?
    public var orderType: FIXOrdType?
    public var price: Int64?
    public var timeInForce: FIXTimeInForce?
    /// LastShares (4.2) / LastQty (4.4): the quantity of this fill.
    public var lastQuantity: Int64?
    /// LastPx: the price of this fill.
    public var lastPrice: Int64?
    public var leavesQuantity: Int64
    public var cumulativeQuantity: Int64
    public var averagePrice: Int64
    public var transactTimeNs: Int64?
    public var text: FIXString?

    public init(
        orderID: FIXString, clOrdID: FIXString? = nil, origClOrdID: FIXString? = nil, execID: FIXString,
        execType: FIXExecType, orderStatus: FIXOrdStatus, orderRejectReason: Int64? = nil, symbol: FIXString,
        side: FIXSide, orderQuantity: Int64? = nil, orderType: FIXOrdType? = nil, price: Int64? = nil,
        timeInForce: FIXTimeInForce? = nil, lastQuantity: Int64? = nil, lastPrice: Int64? = nil,
        leavesQuantity: Int64, cumulativeQuantity: Int64, averagePrice: Int64, transactTimeNs: Int64? = nil,
        text: FIXString? = nil
    ) {
        self.orderID = orderID
        self.clOrdID = clOrdID
        self.origClOrdID = origClOrdID
        self.execID = execID
        self.execType = execType
        self.orderStatus = orderStatus
        self.orderRejectReason = orderRejectReason
        self.symbol = symbol
        self.side = side
        self.orderQuantity = orderQuantity
        self.orderType = orderType
        self.price = price
        self.timeInForce = timeInForce
        self.lastQuantity = lastQuantity
        self.lastPrice = lastPrice
        self.leavesQuantity = leavesQuantity
        self.cumulativeQuantity = cumulativeQuantity
        self.averagePrice = averagePrice
        self.transactTimeNs = transactTimeNs
        self.text = text
    }

    @inlinable
    public func encodeBody(into writer: inout FIXMessageWriter, version: FIXVersion, priceDecimals: Int) {
        writer.append(tag: FIXTag.orderID, string: orderID)
        if let clOrdID { writer.append(tag: FIXTag.clOrdID, string: clOrdID) }
        if let origClOrdID { writer.append(tag: FIXTag.origClOrdID, string: origClOrdID) }
        writer.append(tag: FIXTag.execID, string: execID)
        let isFIX42Status = version == .fix42 && execType == .orderStatus
        if version == .fix42 { writer.append(tag: FIXTag.execTransType, character: isFIX42Status ? 0x33 : 0x30) }
        writer.append(tag: FIXTag.execType, character: isFIX42Status
            ? orderStatus.rawValue : execType.wireValue(version, leavesQuantity: leavesQuantity))
        writer.append(tag: FIXTag.ordStatus, character: orderStatus.rawValue)
        if let orderRejectReason { writer.append(tag: FIXTag.ordRejReason, integer: orderRejectReason) }
        writer.append(tag: FIXTag.symbol, string: symbol)
        writer.append(tag: FIXTag.side, character: side.rawValue)
        if let orderQuantity { writer.append(tag: FIXTag.orderQty, integer: orderQuantity) }
        if let orderType { writer.append(tag: FIXTag.ordType, character: orderType.rawValue) }
        if let price { writer.append(tag: FIXTag.price, decimal: price, impliedDecimals: priceDecimals) }
        if let timeInForce { writer.append(tag: FIXTag.timeInForce, character: timeInForce.rawValue) }
        if let lastQuantity { writer.append(tag: FIXTag.lastQty, integer: lastQuantity) }
        if let lastPrice { writer.append(tag: FIXTag.lastPx, decimal: lastPrice, impliedDecimals: priceDecimals) }
        writer.append(tag: FIXTag.leavesQty, integer: leavesQuantity)
        writer.append(tag: FIXTag.cumQty, integer: cumulativeQuantity)
        writer.append(tag: FIXTag.avgPx, decimal: averagePrice, impliedDecimals: priceDecimals)
        if let transactTimeNs { writer.append(tag: FIXTag.transactTime, utcTimestampNs: transactTimeNs) }
        if let text, !text.isEmpty { writer.append(tag: FIXTag.text, string: text) }
    }

    /// Reads the body in one pass over the fields, then checks the values
    /// in a fixed order.
    @inlinable
    public init(decoding view: FIXMessageView, version: FIXVersion, priceDecimals: Int) throws(FIXFieldError) {
        var orderIDAt = -1, clOrdIDAt = -1, origClOrdIDAt = -1, execIDAt = -1, execTransTypeAt = -1, execTypeAt = -1
        var ordStatusAt = -1, ordRejReasonAt = -1, symbolAt = -1, sideAt = -1, orderQtyAt = -1, ordTypeAt = -1
        var priceAt = -1, timeInForceAt = -1, lastQtyAt = -1, lastPxAt = -1, leavesQtyAt = -1, cumQtyAt = -1
        var avgPxAt = -1, transactTimeAt = -1, textAt = -1
        for index in 0..<view.fieldCount {
            switch view.fields[index].tag {
            case 37: if orderIDAt < 0 { orderIDAt = index }
            case 11: if clOrdIDAt < 0 { clOrdIDAt = index }
            case 41: if origClOrdIDAt < 0 { origClOrdIDAt = index }
            case 17: if execIDAt < 0 { execIDAt = index }
            case 20: if execTransTypeAt < 0 { execTransTypeAt = index }
            case 150: if execTypeAt < 0 { execTypeAt = index }
            case 39: if ordStatusAt < 0 { ordStatusAt = index }
            case 103: if ordRejReasonAt < 0 { ordRejReasonAt = index }
            case 55: if symbolAt < 0 { symbolAt = index }
            case 54: if sideAt < 0 { sideAt = index }
            case 38: if orderQtyAt < 0 { orderQtyAt = index }
            case 40: if ordTypeAt < 0 { ordTypeAt = index }
            case 44: if priceAt < 0 { priceAt = index }
            case 59: if timeInForceAt < 0 { timeInForceAt = index }
            case 32: if lastQtyAt < 0 { lastQtyAt = index }
            case 31: if lastPxAt < 0 { lastPxAt = index }
            case 151: if leavesQtyAt < 0 { leavesQtyAt = index }
            case 14: if cumQtyAt < 0 { cumQtyAt = index }
            case 6: if avgPxAt < 0 { avgPxAt = index }
            case 60: if transactTimeAt < 0 { transactTimeAt = index }
            case 58: if textAt < 0 { textAt = index }
            default: break
            }
        }
        orderID = try view.requiredString(at: orderIDAt, tag: FIXTag.orderID)
        clOrdID = try view.string(at: clOrdIDAt, tag: FIXTag.clOrdID)
        origClOrdID = try view.string(at: origClOrdIDAt, tag: FIXTag.origClOrdID)
        execID = try view.requiredString(at: execIDAt, tag: FIXTag.execID)
        var isStatus = false
        if version == .fix42 {
            let transType = try view.requiredCharacter(at: execTransTypeAt, tag: FIXTag.execTransType)
            guard transType >= 0x30 && transType <= 0x33 else { throw .valueOutOfRange(tag: FIXTag.execTransType) }
            isStatus = transType == 0x33
        }
        let execTypeByte = try view.requiredCharacter(at: execTypeAt, tag: FIXTag.execType)
        guard let execType = FIXExecType(wireValue: execTypeByte, version) else {
            throw .valueOutOfRange(tag: FIXTag.execType)
        }
        self.execType = isStatus ? .orderStatus : execType
        orderStatus = try view.requiredEnum(at: ordStatusAt, tag: FIXTag.ordStatus, as: FIXOrdStatus.self)
        orderRejectReason = try view.integer(at: ordRejReasonAt, tag: FIXTag.ordRejReason)
        symbol = try view.requiredString(at: symbolAt, tag: FIXTag.symbol)
        side = try view.requiredEnum(at: sideAt, tag: FIXTag.side, as: FIXSide.self)
        orderQuantity = try view.quantity(at: orderQtyAt, tag: FIXTag.orderQty)
        orderType = try view.optionalEnum(at: ordTypeAt, tag: FIXTag.ordType, as: FIXOrdType.self)
        price = try view.decimal(at: priceAt, tag: FIXTag.price, impliedDecimals: priceDecimals)
        timeInForce = try view.optionalEnum(at: timeInForceAt, tag: FIXTag.timeInForce, as: FIXTimeInForce.self)
        lastQuantity = try view.quantity(at: lastQtyAt, tag: FIXTag.lastQty)
        lastPrice = try view.decimal(at: lastPxAt, tag: FIXTag.lastPx, impliedDecimals: priceDecimals)
        leavesQuantity = try view.requiredQuantity(at: leavesQtyAt, tag: FIXTag.leavesQty)
        cumulativeQuantity = try view.requiredQuantity(at: cumQtyAt, tag: FIXTag.cumQty)
        averagePrice = try view.requiredDecimal(at: avgPxAt, tag: FIXTag.avgPx, impliedDecimals: priceDecimals)
        transactTimeNs = try view.utcTimestampNs(at: transactTimeAt, tag: FIXTag.transactTime)
        text = view.text(at: textAt)
        // A 4.2 status report's ExecType 1 or 2 reports no fill of its own.
        if self.execType == .trade {
            if lastQuantity == nil { throw .missing(tag: FIXTag.lastQty) }
            if lastPrice == nil { throw .missing(tag: FIXTag.lastPx) }
        }
    }
}

/// OrderCancelReject (35=9).
public struct FIXOrderCancelReject: FIXApplicationMessageCoding, Equatable {
    public static let msgType = FIXMsgType.orderCancelReject

    /// `NONE` when the order is unknown, as the spec asks.
    public var orderID: FIXString
    public var clOrdID: FIXString
    public var origClOrdID: FIXString
    public var orderStatus: FIXOrdStatus
    public var responseTo: FIXCxlRejResponseTo
    public var cancelRejectReason: Int64?
    public var transactTimeNs: Int64?
    public var text: FIXString?

    public init(
        orderID: FIXString, clOrdID: FIXString, origClOrdID: FIXString, orderStatus: FIXOrdStatus,
        responseTo: FIXCxlRejResponseTo, cancelRejectReason: Int64? = nil, transactTimeNs: Int64? = nil,
        text: FIXString? = nil
    ) {
        self.orderID = orderID
        self.clOrdID = clOrdID
        self.origClOrdID = origClOrdID
        self.orderStatus = orderStatus
        self.responseTo = responseTo
        self.cancelRejectReason = cancelRejectReason
        self.transactTimeNs = transactTimeNs
        self.text = text
    }

    @inlinable
    public func encodeBody(into writer: inout FIXMessageWriter, version: FIXVersion, priceDecimals: Int) {
        writer.append(tag: FIXTag.orderID, string: orderID)
        writer.append(tag: FIXTag.clOrdID, string: clOrdID)
        writer.append(tag: FIXTag.origClOrdID, string: origClOrdID)
        writer.append(tag: FIXTag.ordStatus, character: orderStatus.rawValue)
        if let transactTimeNs { writer.append(tag: FIXTag.transactTime, utcTimestampNs: transactTimeNs) }
        writer.append(tag: FIXTag.cxlRejResponseTo, character: responseTo.rawValue)
        if let cancelRejectReason { writer.append(tag: FIXTag.cxlRejReason, integer: cancelRejectReason) }
        if let text, !text.isEmpty { writer.append(tag: FIXTag.text, string: text) }
    }

    @inlinable
    public init(decoding view: FIXMessageView, version: FIXVersion, priceDecimals: Int) throws(FIXFieldError) {
        var orderIDAt = -1, clOrdIDAt = -1, origClOrdIDAt = -1, ordStatusAt = -1, transactTimeAt = -1
        var responseToAt = -1, cxlRejReasonAt = -1, textAt = -1
        for index in 0..<view.fieldCount {
            switch view.fields[index].tag {
            case 37: if orderIDAt < 0 { orderIDAt = index }
            case 11: if clOrdIDAt < 0 { clOrdIDAt = index }
            case 41: if origClOrdIDAt < 0 { origClOrdIDAt = index }
            case 39: if ordStatusAt < 0 { ordStatusAt = index }
            case 60: if transactTimeAt < 0 { transactTimeAt = index }
            case 434: if responseToAt < 0 { responseToAt = index }
            case 102: if cxlRejReasonAt < 0 { cxlRejReasonAt = index }
            case 58: if textAt < 0 { textAt = index }
            default: break
            }
        }
        orderID = try view.requiredString(at: orderIDAt, tag: FIXTag.orderID)
        clOrdID = try view.requiredString(at: clOrdIDAt, tag: FIXTag.clOrdID)
        origClOrdID = try view.requiredString(at: origClOrdIDAt, tag: FIXTag.origClOrdID)
        orderStatus = try view.requiredEnum(at: ordStatusAt, tag: FIXTag.ordStatus, as: FIXOrdStatus.self)
        transactTimeNs = try view.utcTimestampNs(at: transactTimeAt, tag: FIXTag.transactTime)
        responseTo = try view.requiredEnum(at: responseToAt, tag: FIXTag.cxlRejResponseTo, as: FIXCxlRejResponseTo.self)
        cancelRejectReason = try view.integer(at: cxlRejReasonAt, tag: FIXTag.cxlRejReason)
        text = view.text(at: textAt)
    }
}

/// BusinessMessageReject (35=j): an application-level refusal, e.g. of a
/// message type the application does not support (380=3).
public struct FIXBusinessMessageReject: FIXApplicationMessageCoding, Equatable {
    public static let msgType = FIXMsgType.businessMessageReject

    public var refSeqNum: Int64?
    public var refMsgType: FIXMsgType
    public var businessRejectRefID: FIXString?
    public var reason: FIXBusinessRejectReason
    public var text: FIXString?

    public init(
        refSeqNum: Int64? = nil, refMsgType: FIXMsgType, businessRejectRefID: FIXString? = nil,
        reason: FIXBusinessRejectReason, text: FIXString? = nil
    ) {
        self.refSeqNum = refSeqNum
        self.refMsgType = refMsgType
        self.businessRejectRefID = businessRejectRefID
        self.reason = reason
        self.text = text
    }

    @inlinable
    public func encodeBody(into writer: inout FIXMessageWriter, version: FIXVersion, priceDecimals: Int) {
        if let refSeqNum { writer.append(tag: FIXTag.refSeqNum, integer: refSeqNum) }
        writer.append(tag: FIXTag.refMsgType, msgType: refMsgType)
        if let businessRejectRefID { writer.append(tag: FIXTag.businessRejectRefID, string: businessRejectRefID) }
        writer.append(tag: FIXTag.businessRejectReason, integer: reason.rawValue)
        if let text, !text.isEmpty { writer.append(tag: FIXTag.text, string: text) }
    }

    @inlinable
    public init(decoding view: FIXMessageView, version: FIXVersion, priceDecimals: Int) throws(FIXFieldError) {
        refSeqNum = try view.integer(FIXTag.refSeqNum)
        guard let refMsgTypeText = view.value(of: FIXTag.refMsgType) else { throw .missing(tag: FIXTag.refMsgType) }
        guard let refMsgType = FIXMsgType(bytes: refMsgTypeText) else { throw .badFormat(tag: FIXTag.refMsgType) }
        self.refMsgType = refMsgType
        businessRejectRefID = try view.string(FIXTag.businessRejectRefID)
        let reasonCode = try view.requiredInteger(FIXTag.businessRejectReason)
        guard let reason = FIXBusinessRejectReason(rawValue: reasonCode) else {
            throw .valueOutOfRange(tag: FIXTag.businessRejectReason)
        }
        self.reason = reason
        text = view.text(FIXTag.text)
    }
}
