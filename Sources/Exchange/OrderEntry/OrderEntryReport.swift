import MatchingEngine

/// Whether an execution added liquidity (the resting side), removed it (the
/// aggressor), or happened in an uncrossing auction, where neither did.
public enum Liquidity: UInt8, Sendable {
    case added
    case removed
    case auction
}

/// What a venue tells the session that owns an order: the protocol-neutral
/// form every order-entry port encodes (OUCH Accepted/Executed/Canceled...,
/// FIX ExecutionReport/OrderCancelReject).
public enum OrderEntryReport: Hashable, Sendable {
    case accepted(OrderState)
    case rejected(NewOrderRequest, order: OrderID?, reason: OrderEntryRejectReason)
    case executed(OrderState, quantity: Quantity, price: Price, matchID: UInt64, liquidity: Liquidity)
    /// `decrement` left the order; `state.openQuantity` is what still rests.
    /// `requestID` is the FIX cancel request's own ClOrdID when it asked.
    case cancelled(OrderState, decrement: Quantity, reason: CancelReason, requestID: ClientOrderID?)
    /// `previousClientID` is the id the order had before the replace.
    case replaced(OrderState, previousClientID: ClientOrderID)
    /// A cancel or replace that could not be carried out.
    /// `state` is the order as it stands, when the session has it open.
    case cancelRejected(target: ClientOrderID, requestID: ClientOrderID?, isReplace: Bool,
                        state: OrderState?, reason: OrderEntryRejectReason)
    /// The order's status as it stands, open or finished: the answer to a
    /// new order sent again (`NewOrderRequest.possibleResend`) under a
    /// client id the venue already took, or to a replace sent again whose
    /// replacement id already names the order, whose first answers were lost.
    case status(OrderState)
}

/// An order as its owner knows it, after the event reported.
public struct OrderState: Hashable, Sendable {
    public var clientID: ClientOrderID
    public var order: OrderID
    public var symbol: SymbolIndex
    public var side: Side
    public var type: OrderType
    public var timeInForce: TimeInForce
    public var price: Price
    /// Total quantity the order was entered (or last replaced) for, including
    /// what has executed.
    public var orderQuantity: Quantity
    public var openQuantity: Quantity
    public var executedQuantity: Quantity
    /// Sum of price × quantity over executions, for the average price.
    public var executedNotional: Int64
    public var postOnly: Bool
    /// The entering request's `echo`, for the port.
    public var echo = OrderEntryEcho()

    public var isDone: Bool { openQuantity.rawValue == 0 }
}

/// Why a request was refused: the engine's reasons plus the gateway's own.
public enum OrderEntryRejectReason: Hashable, Sendable {
    case engine(RejectReason)
    /// The client reused an identifier it already used today.
    case duplicateClientID
    /// A cancel or replace named an order this session does not have open.
    case unknownClientID
    case unknownSymbol
    /// The session sent faster than the venue's per-session limit
    /// (`MessageRateLimit`); the request was not carried out.
    case throttled
}
