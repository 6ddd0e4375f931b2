import MatchingEngine

/// What a client asks a venue to do, once its protocol's message has been
/// decoded: the protocol-neutral form every order-entry port produces.
public enum OrderEntryRequest: Hashable, Sendable {
    case new(NewOrderRequest)
    /// Cancel all (`newOpenQuantity` 0) or reduce an order to `newOpenQuantity`.
    /// `requestID` is FIX's ClOrdID of the cancel itself; OUCH has none.
    case cancel(target: ClientOrderID, requestID: ClientOrderID?, newOpenQuantity: Quantity)
    /// Replace price and quantity; the order is known by `replacementID`
    /// afterwards. OUCH gives the new open quantity; FIX gives the new total
    /// order quantity, executions included (`quantityIncludesExecuted`).
    /// `possibleResend`: sent again by a client that cannot know whether the
    /// venue carried out the first copy (FIX PossResend=Y); a replacement id
    /// that already names the order answers with its status.
    case replace(target: ClientOrderID, replacementID: ClientOrderID, price: Price, quantity: Quantity,
                 quantityIncludesExecuted: Bool, possibleResend: Bool = false)
}

public struct NewOrderRequest: Hashable, Sendable {
    public var clientID: ClientOrderID
    public var symbol: SymbolIndex
    public var side: Side
    public var type: OrderType
    public var timeInForce: TimeInForce
    public var price: Price
    public var quantity: Quantity
    public var postOnly: Bool
    /// Sent again by a client that cannot know whether the venue took the
    /// first copy (FIX PossResend=Y): a client id already used answers with
    /// the order's status instead of a duplicate's reject.
    public var possibleResend: Bool
    /// What the entering port wants echoed in later reports.
    public var echo: OrderEntryEcho

    public init(
        clientID: ClientOrderID, symbol: SymbolIndex, side: Side, type: OrderType = .limit,
        timeInForce: TimeInForce = .day, price: Price, quantity: Quantity, postOnly: Bool = false,
        possibleResend: Bool = false, echo: OrderEntryEcho = OrderEntryEcho()
    ) {
        self.clientID = clientID
        self.symbol = symbol
        self.side = side
        self.type = type
        self.timeInForce = timeInForce
        self.price = price
        self.quantity = quantity
        self.postOnly = postOnly
        self.possibleResend = possibleResend
        self.echo = echo
    }
}

/// Fields of an entering message that its port echoes back in later reports
/// and the desk does not interpret (OUCH's firm, display, capacity, ...).
/// They travel with the order, in its request and then its `OrderState`, so
/// that no port keeps a table of orders of its own. All zero: nothing to echo.
public struct OrderEntryEcho: Hashable, Sendable {
    public var word0: UInt64
    public var word1: UInt64

    @inlinable
    public init(word0: UInt64 = 0, word1: UInt64 = 0) {
        self.word0 = word0
        self.word1 = word1
    }
}
