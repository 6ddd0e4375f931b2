/// A venue's matching engine: one price-time order book per symbol, the
/// venue rules, and the event stream they produce.
///
/// Events are appended to a caller-owned array so that the hot path does not
/// allocate; the caller clears it between calls when it wants to.
public struct MatchingEngine: Sendable {
    public init(symbols: [SymbolConfig]) {
        fatalError("unimplemented")
    }

    public var symbolCount: Int { fatalError("unimplemented") }

    /// Sets the self-trade prevention mode of a participant (default `.none`).
    public mutating func setSelfTradePrevention(_ mode: SelfTradePrevention, for participant: ParticipantID) {
        fatalError("unimplemented")
    }

    /// Submits a new order; returns the id assigned to it (also when rejected).
    @discardableResult
    public mutating func submit(_ order: NewOrder, events: inout [EngineEvent]) -> OrderID {
        fatalError("unimplemented")
    }

    /// Cancels all open quantity of an order.
    public mutating func cancel(_ id: OrderID, participant: ParticipantID, events: inout [EngineEvent]) {
        fatalError("unimplemented")
    }

    /// Reduces an order's open quantity by `quantity`, keeping its time priority.
    public mutating func reduce(_ id: OrderID, by quantity: Quantity, participant: ParticipantID, events: inout [EngineEvent]) {
        fatalError("unimplemented")
    }

    /// Replaces price and/or total open quantity. A price change or a quantity
    /// increase loses time priority (and may trade); a decrease keeps it.
    public mutating func replace(_ id: OrderID, price: Price, quantity: Quantity, participant: ParticipantID, events: inout [EngineEvent]) {
        fatalError("unimplemented")
    }

    /// Moves a symbol to another phase. Leaving `.halted` for `.continuous`
    /// runs the reopening auction; entering `.closed` cancels day orders.
    public mutating func setPhase(_ phase: TradingPhase, symbol: SymbolIndex, events: inout [EngineEvent]) {
        fatalError("unimplemented")
    }

    public func phase(of symbol: SymbolIndex) -> TradingPhase { fatalError("unimplemented") }
    public func bestBid(_ symbol: SymbolIndex) -> Price? { fatalError("unimplemented") }
    public func bestAsk(_ symbol: SymbolIndex) -> Price? { fatalError("unimplemented") }
    /// Open (resting) quantity of an order, nil once it has left the book.
    public func openQuantity(of id: OrderID) -> Quantity? { fatalError("unimplemented") }

    /// Checks every structural and accounting invariant; returns what is broken
    /// (empty when all hold). O(orders).
    public func checkInvariants() -> [String] { fatalError("unimplemented") }
}
