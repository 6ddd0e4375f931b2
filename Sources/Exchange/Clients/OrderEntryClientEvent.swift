import MatchingEngine

/// What a participant's order-entry client learned from the venue's bytes,
/// in protocol-neutral form: the simulated participant (or the load client)
/// keeps its books and its latency measurements from these.
public enum OrderEntryClientEvent: Hashable, Sendable {
    /// The session is logged in; requests may flow.
    case loggedIn
    /// A new order was accepted; `order` is the venue's id for it (OUCH Order
    /// Reference Number, FIX OrderID).
    case accepted(ClientOrderID, order: OrderID, openQuantity: Quantity)
    case rejected(ClientOrderID)
    /// An execution; `openQuantity` is what still rests (FIX LeavesQty).
    case executed(ClientOrderID, quantity: Quantity, price: Price, openQuantity: Quantity)
    /// Open quantity removed, on request or not; `openQuantity` is what is left.
    case cancelled(ClientOrderID, openQuantity: Quantity)
    /// A replace took effect; the order is now known as the first id.
    case replaced(ClientOrderID, previous: ClientOrderID, openQuantity: Quantity)
    /// A cancel or replace of the order known as this id was refused.
    case cancelRejected(ClientOrderID)
    /// The session ended; the reason, for logs, is the client output's
    /// `closeReason`. No payload keeps the event plain data, so that lists
    /// of events copy and empty without reference counting.
    case disconnected
}
