import MatchingEngine

/// A one-symbol engine with helpers that read like the rules.
struct Venue {
    var engine = MatchingEngine(symbols: [SymbolConfig(name: "TEST", tickSize: 100, referencePrice: Price(10_000))])
    var events: [EngineEvent] = []

    @discardableResult
    mutating func order(_ participant: UInt32, _ side: Side, _ quantity: Int64, at price: Int64 = 0,
                        type: OrderType = .limit, tif: TimeInForce = .day, postOnly: Bool = false) -> OrderID {
        events.removeAll()
        return engine.submit(NewOrder(symbol: SymbolIndex(0), participant: ParticipantID(participant), side: side, type: type,
                                      timeInForce: tif, price: Price(price), quantity: Quantity(quantity), postOnly: postOnly),
                             events: &events)
    }

    mutating func cancel(_ id: OrderID, by participant: UInt32) {
        events.removeAll()
        engine.cancel(id, participant: ParticipantID(participant), events: &events)
    }

    mutating func reduce(_ id: OrderID, by quantity: Int64, participant: UInt32) {
        events.removeAll()
        engine.reduce(id, by: Quantity(quantity), participant: ParticipantID(participant), events: &events)
    }

    mutating func replace(_ id: OrderID, price: Int64, quantity: Int64, by participant: UInt32) {
        events.removeAll()
        engine.replace(id, price: Price(price), quantity: Quantity(quantity), participant: ParticipantID(participant), events: &events)
    }

    mutating func phase(_ phase: TradingPhase) {
        events.removeAll()
        engine.setPhase(phase, symbol: SymbolIndex(0), events: &events)
    }

    var executions: [Execution] {
        events.compactMap { if case .executed(let execution) = $0 { execution } else { nil } }
    }

    var rejectReason: RejectReason? {
        events.lazy.compactMap { if case .rejected(_, _, let reason) = $0 { reason } else { nil } }.first
    }

    var cancels: [(OrderID, Int64, CancelReason)] {
        events.compactMap { if case .cancelled(let id, _, let quantity, _, let reason) = $0 { (id, quantity.rawValue, reason) } else { nil } }
    }

    func open(_ id: OrderID) -> Int64? { engine.openQuantity(of: id)?.rawValue }
}
