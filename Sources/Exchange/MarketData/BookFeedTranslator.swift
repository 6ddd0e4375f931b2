import MatchingEngine

/// Turns a matching engine's events into the order-by-order book changes a
/// market-data feed publishes.
///
/// Feed consumers see only resting orders, each under a reference number of
/// the feed's own: an aggressor's fills show as executions of the orders it
/// hit, and its remainder appears as an add only once it rests. The engine's
/// events for one instruction are therefore translated together, with
/// `translate(_:engine:into:)`, after the engine has settled the instruction.
public struct BookFeedTranslator {
    struct Resting {
        var reference: UInt64
        var symbol: SymbolIndex
        var side: Side
        var price: Price
        var openQuantity: Quantity
    }

    /// What an instruction's events have left undecided until it settles.
    enum Pending {
        /// Accepted; adds if it rests.
        case new(OrderID, SymbolIndex, Side, Price)
        /// Re-priced or enlarged; replaces its old reference if it rests, else deletes it.
        case replaced(OrderID, previous: Resting, price: Price)
    }

    var resting = OrderIDTable<Resting>()
    var pending: [Pending] = []
    var nextReference: UInt64 = 1

    public init() {}

    /// Orders currently visible on the feed.
    public var restingOrderCount: Int { resting.count }

    /// Translates the events of one engine call (an instruction or a phase
    /// change) that start at `firstEvent`, appending the feed's updates.
    public mutating func translate(
        _ events: [EngineEvent], from firstEvent: Int = 0, engine: MatchingEngine, into updates: inout [BookFeedUpdate]
    ) {
        var uncounted = VenueGateway.Statistics()
        translate(events, from: firstEvent, engine: engine, into: &updates, counting: &uncounted)
    }

    /// As above, and counts trades, executed quantity, book and phase
    /// changes into `statistics` on the way, so that the gateway walks each
    /// call's events once.
    mutating func translate(
        _ events: [EngineEvent], from firstEvent: Int = 0, engine: MatchingEngine, into updates: inout [BookFeedUpdate],
        counting statistics: inout VenueGateway.Statistics
    ) {
        precondition(pending.isEmpty)
        var auction: (symbol: SymbolIndex, quantity: Int64, price: Price, matchID: UInt64)? = nil
        for event in events[firstEvent...] {
            switch event {
            case .accepted(let id, let symbol, _, let side, let price, _):
                pending.append(.new(id, symbol, side, price))

            case .rejected:
                continue

            case .bookChanged:
                statistics.bookChanges += 1

            case .executed(let execution):
                statistics.trades += 1
                statistics.executedQuantity += execution.quantity.rawValue
                // Only resting orders are on the feed; in an auction both sides are.
                // Two sides, unrolled: a list of pairs was an array allocated per execution.
                for side in 0..<2 {
                    let (id, remaining) = side == 0 ? (execution.resting, execution.restingRemaining)
                        : (execution.aggressor, execution.aggressorRemaining)
                    let wasResting: Void? = resting.modify(id) { order in
                        if order.price == execution.price {
                            updates.append(.executed(reference: order.reference, symbol: order.symbol, quantity: execution.quantity,
                                                     matchID: execution.matchID))
                        } else {
                            updates.append(.executedWithPrice(reference: order.reference, symbol: order.symbol,
                                                              quantity: execution.quantity, matchID: execution.matchID,
                                                              price: execution.price))
                        }
                        order.openQuantity = remaining
                    }
                    guard wasResting != nil else { continue }
                    if remaining.rawValue == 0 { resting.remove(id) }
                    if execution.aggressor != id { continue }
                    // Both sides were resting: an auction cross.
                    if let current = auction {
                        auction = (current.symbol, current.quantity + execution.quantity.rawValue, execution.price, current.matchID)
                    } else {
                        auction = (execution.symbol, execution.quantity.rawValue, execution.price, execution.matchID)
                    }
                }

            case .cancelled(let id, _, let quantity, let remaining, _):
                let wasResting: Void? = resting.modify(id) { order in
                    if remaining.rawValue == 0 {
                        updates.append(.delete(reference: order.reference, symbol: order.symbol))
                    } else {
                        updates.append(.cancel(reference: order.reference, symbol: order.symbol, quantity: quantity))
                        order.openQuantity = remaining
                    }
                }
                if wasResting != nil, remaining.rawValue == 0 { resting.remove(id) }

            case .replaced(let id, _, let price, let quantity, let keptPriority):
                guard let order = resting.modify(id, { order in
                    if keptPriority {
                        updates.append(.cancel(reference: order.reference, symbol: order.symbol,
                                               quantity: Quantity(order.openQuantity.rawValue - quantity.rawValue)))
                        order.openQuantity = quantity
                    }
                    return order
                }) else { continue }
                if !keptPriority {
                    resting.remove(id)
                    pending.append(.replaced(id, previous: order, price: price))
                }

            case .phaseChanged(let symbol, let phase):
                statistics.phaseChanges += 1
                updates.append(.tradingState(symbol: symbol, phase: phase))
            }
        }
        if let auction {
            updates.append(.crossTrade(symbol: auction.symbol, quantity: Quantity(auction.quantity), price: auction.price,
                                       matchID: auction.matchID))
        }
        for item in pending {
            switch item {
            case .new(let id, let symbol, let side, let price):
                guard let open = engine.openQuantity(of: id), open.rawValue > 0 else { continue }
                let reference = takeReference()
                resting[id] = Resting(reference: reference, symbol: symbol, side: side, price: price, openQuantity: open)
                updates.append(.add(reference: reference, symbol: symbol, side: side, price: price, quantity: open))
            case .replaced(let id, let previous, let price):
                if let open = engine.openQuantity(of: id), open.rawValue > 0 {
                    let reference = takeReference()
                    resting[id] = Resting(reference: reference, symbol: previous.symbol, side: previous.side, price: price, openQuantity: open)
                    updates.append(.replace(originalReference: previous.reference, symbol: previous.symbol, newReference: reference, price: price, quantity: open))
                } else {
                    updates.append(.delete(reference: previous.reference, symbol: previous.symbol))
                }
            }
        }
        pending.removeAllReusingCapacity()
    }

    mutating func takeReference() -> UInt64 {
        defer { nextReference += 1 }
        return nextReference
    }
}
