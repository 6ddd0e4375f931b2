import MatchingEngine

/// A deliberately naive one-symbol engine: every order in one array, every
/// question answered by a linear scan. It shares nothing with the real
/// engine but the public types, and must emit the same events in the same
/// order (docs/engine.md states the rules both follow).
struct ReferenceBook {
    struct Order {
        var id: UInt64
        var participant: UInt32
        var side: Side
        var price: Int64
        var open: Int64
        var timeInForce: TimeInForce
        var postOnly: Bool
        var priority: UInt64
    }

    let symbol = SymbolIndex(0)
    let tickSize: Int64
    var lastPrice: Int64
    var phase: TradingPhase = .continuous
    var resting: [Order] = []
    var modes: [UInt32: SelfTradePrevention] = [:]
    var nextID: UInt64 = 1
    var nextMatch: UInt64 = 1
    var nextPriority: UInt64 = 1
    var events: [EngineEvent] = []

    init(tickSize: Int64, referencePrice: Int64) {
        self.tickSize = tickSize
        lastPrice = referencePrice
    }

    func mode(_ participant: UInt32) -> SelfTradePrevention { modes[participant] ?? .none }

    func levelQuantity(_ side: Side, _ price: Int64) -> Quantity {
        Quantity(resting.filter { $0.side == side && $0.price == price }.reduce(0) { $0 + $1.open })
    }

    /// Best opposite order for an incoming `side`: best price, then earliest.
    func bestIndex(_ side: Side) -> Int? {
        resting.indices.filter { resting[$0].side == side }.min { a, b in
            let x = resting[a], y = resting[b]
            if x.price != y.price { return side == .buy ? x.price > y.price : x.price < y.price }
            return x.priority < y.priority
        }
    }

    func crosses(_ incomingSide: Side, limit: Int64, _ price: Int64) -> Bool {
        incomingSide == .buy ? price <= limit : price >= limit
    }

    mutating func submit(_ order: NewOrder) {
        let id = nextID
        nextID += 1
        func reject(_ reason: RejectReason) { events.append(.rejected(OrderID(id), symbol: symbol, reason: reason)) }
        if phase == .closed { return reject(.marketClosed) }
        if order.quantity.rawValue <= 0 { return reject(.invalidQuantity) }
        let isMarket = order.type == .market
        if isMarket {
            if phase == .halted { return reject(.marketOrderNotAllowedInPhase) }
            if order.postOnly { return reject(.postOnlyWouldTake) }
        } else {
            if order.price.rawValue <= 0 { return reject(.invalidPrice) }
            if order.price.rawValue % tickSize != 0 { return reject(.priceNotOnTick) }
            if phase == .halted, order.timeInForce == .immediateOrCancel || order.timeInForce == .fillOrKill {
                return reject(.immediateOrderNotAllowedInPhase)
            }
        }
        let limit: Int64 = isMarket ? (order.side == .buy ? .max : .min) : order.price.rawValue
        if phase == .continuous {
            if order.postOnly, let best = bestIndex(order.side.opposite), crosses(order.side, limit: limit, resting[best].price) {
                return reject(.postOnlyWouldTake)
            }
            if order.timeInForce == .fillOrKill, !fillable(order, limit: limit) { return reject(.fillOrKillNotFillable) }
        }
        events.append(.accepted(OrderID(id), symbol: symbol, participant: order.participant, side: order.side,
                                price: isMarket ? Price(0) : order.price, quantity: order.quantity))
        var incoming = Order(id: id, participant: order.participant.rawValue, side: order.side, price: isMarket ? 0 : order.price.rawValue,
                             open: order.quantity.rawValue, timeInForce: order.timeInForce, postOnly: order.postOnly, priority: nextPriority)
        nextPriority += 1
        if phase == .continuous { match(&incoming, limit: limit) }
        settle(incoming, isMarket: isMarket)
    }

    func fillable(_ order: NewOrder, limit: Int64) -> Bool {
        let stp = mode(order.participant.rawValue)
        let candidates = resting.filter { $0.side == order.side.opposite && crosses(order.side, limit: limit, $0.price) }
            .sorted { a, b in a.price != b.price ? (order.side == .buy ? a.price < b.price : a.price > b.price) : a.priority < b.priority }
        var needed = order.quantity.rawValue
        for candidate in candidates {
            if stp != .none, candidate.participant == order.participant.rawValue {
                if stp != .cancelOldest { return false }
                continue
            }
            needed -= candidate.open
            if needed <= 0 { return true }
        }
        return false
    }

    mutating func match(_ incoming: inout Order, limit: Int64) {
        let stp = mode(incoming.participant)
        while incoming.open > 0, let index = bestIndex(incoming.side.opposite), crosses(incoming.side, limit: limit, resting[index].price) {
            let other = resting[index]
            if stp != .none, other.participant == incoming.participant {
                switch stp {
                case .cancelNewest:
                    events.append(.cancelled(OrderID(incoming.id), symbol: symbol, quantity: Quantity(incoming.open), remaining: .zero, reason: .selfTradePrevention))
                    incoming.open = 0
                    return
                case .cancelOldest, .cancelBoth:
                    removeResting(at: index)
                    events.append(.cancelled(OrderID(other.id), symbol: symbol, quantity: Quantity(other.open), remaining: .zero, reason: .selfTradePrevention))
                    if stp == .cancelBoth {
                        events.append(.cancelled(OrderID(incoming.id), symbol: symbol, quantity: Quantity(incoming.open), remaining: .zero, reason: .selfTradePrevention))
                        incoming.open = 0
                        return
                    }
                case .decrementAndCancel:
                    let decrement = min(incoming.open, other.open)
                    if other.open == decrement {
                        removeResting(at: index)
                        events.append(.cancelled(OrderID(other.id), symbol: symbol, quantity: Quantity(decrement), remaining: .zero, reason: .selfTradePrevention))
                    } else {
                        resting[index].open -= decrement
                        events.append(.cancelled(OrderID(other.id), symbol: symbol, quantity: Quantity(decrement), remaining: Quantity(other.open - decrement), reason: .selfTradePrevention))
                        events.append(.bookChanged(symbol: symbol, side: other.side, price: Price(other.price), levelQuantity: levelQuantity(other.side, other.price)))
                    }
                    incoming.open -= decrement
                    events.append(.cancelled(OrderID(incoming.id), symbol: symbol, quantity: Quantity(decrement), remaining: Quantity(incoming.open), reason: .selfTradePrevention))
                    if incoming.open == 0 { return }
                case .none:
                    break
                }
                continue
            }
            execute(aggressor: &incoming, restingIndex: index, price: other.price, aggressorSide: incoming.side)
        }
    }

    mutating func execute(aggressor: inout Order, restingIndex: Int, price: Int64, aggressorSide: Side) {
        let quantity = min(aggressor.open, resting[restingIndex].open)
        aggressor.open -= quantity
        resting[restingIndex].open -= quantity
        let other = resting[restingIndex]
        lastPrice = price
        events.append(.executed(Execution(
            matchID: nextMatch, symbol: symbol, price: Price(price), quantity: Quantity(quantity), aggressorSide: aggressorSide,
            aggressor: OrderID(aggressor.id), aggressorParticipant: ParticipantID(aggressor.participant), aggressorRemaining: Quantity(aggressor.open),
            resting: OrderID(other.id), restingParticipant: ParticipantID(other.participant), restingRemaining: Quantity(other.open))))
        nextMatch += 1
        if other.open == 0 {
            removeResting(at: restingIndex)
        } else {
            events.append(.bookChanged(symbol: symbol, side: other.side, price: Price(other.price), levelQuantity: levelQuantity(other.side, other.price)))
        }
    }

    /// Removes an order and reports its level's new total.
    mutating func removeResting(at index: Int) {
        let order = resting.remove(at: index)
        events.append(.bookChanged(symbol: symbol, side: order.side, price: Price(order.price), levelQuantity: levelQuantity(order.side, order.price)))
    }

    mutating func settle(_ order: Order, isMarket: Bool) {
        if order.open == 0 { return }
        if isMarket || order.timeInForce == .immediateOrCancel || order.timeInForce == .fillOrKill {
            events.append(.cancelled(OrderID(order.id), symbol: symbol, quantity: Quantity(order.open), remaining: .zero, reason: isMarket ? .noLiquidity : .immediateOrCancel))
            return
        }
        resting.append(order)
        events.append(.bookChanged(symbol: symbol, side: order.side, price: Price(order.price), levelQuantity: levelQuantity(order.side, order.price)))
    }

    func owned(_ id: OrderID, _ participant: ParticipantID) -> Int?? {
        guard let index = resting.firstIndex(where: { $0.id == id.rawValue }) else { return .some(nil) }
        return resting[index].participant == participant.rawValue ? index : nil
    }

    mutating func locate(_ id: OrderID, _ participant: ParticipantID) -> Int? {
        guard let index = resting.firstIndex(where: { $0.id == id.rawValue }) else {
            events.append(.rejected(id, symbol: SymbolIndex(-1), reason: .unknownOrder))
            return nil
        }
        guard resting[index].participant == participant.rawValue else {
            events.append(.rejected(id, symbol: symbol, reason: .notOrderOwner))
            return nil
        }
        return index
    }

    mutating func cancel(_ id: OrderID, participant: ParticipantID) {
        guard let index = locate(id, participant) else { return }
        let order = resting[index]
        removeResting(at: index)
        events.append(.cancelled(id, symbol: symbol, quantity: Quantity(order.open), remaining: .zero, reason: .requested))
    }

    mutating func reduce(_ id: OrderID, by quantity: Int64, participant: ParticipantID) {
        guard let index = locate(id, participant) else { return }
        let order = resting[index]
        if quantity <= 0 { return events.append(.rejected(id, symbol: symbol, reason: .invalidQuantity)) }
        if quantity > order.open { return events.append(.rejected(id, symbol: symbol, reason: .reduceExceedsOpenQuantity)) }
        if quantity == order.open { return cancel(id, participant: participant) }
        resting[index].open -= quantity
        events.append(.cancelled(id, symbol: symbol, quantity: Quantity(quantity), remaining: Quantity(order.open - quantity), reason: .requested))
        events.append(.bookChanged(symbol: symbol, side: order.side, price: Price(order.price), levelQuantity: levelQuantity(order.side, order.price)))
    }

    mutating func replace(_ id: OrderID, price: Int64, quantity: Int64, participant: ParticipantID) {
        guard let index = locate(id, participant) else { return }
        var order = resting[index]
        if quantity <= 0 { return events.append(.rejected(id, symbol: symbol, reason: .invalidQuantity)) }
        if price <= 0 { return events.append(.rejected(id, symbol: symbol, reason: .invalidPrice)) }
        if price % tickSize != 0 { return events.append(.rejected(id, symbol: symbol, reason: .priceNotOnTick)) }
        if price == order.price, quantity == order.open { return events.append(.rejected(id, symbol: symbol, reason: .replaceWouldNotChange)) }
        if price == order.price, quantity < order.open {
            resting[index].open = quantity
            events.append(.replaced(id, symbol: symbol, price: Price(price), quantity: Quantity(quantity), keptPriority: true))
            events.append(.bookChanged(symbol: symbol, side: order.side, price: Price(price), levelQuantity: levelQuantity(order.side, price)))
            return
        }
        if order.postOnly, phase == .continuous, let best = bestIndex(order.side.opposite), crosses(order.side, limit: price, resting[best].price) {
            return events.append(.rejected(id, symbol: symbol, reason: .postOnlyWouldTake))
        }
        removeResting(at: index)
        order.open = quantity
        order.price = price
        order.priority = nextPriority
        nextPriority += 1
        events.append(.replaced(id, symbol: symbol, price: Price(price), quantity: Quantity(quantity), keptPriority: false))
        if phase == .continuous { match(&order, limit: price) }
        settle(order, isMarket: false)
    }

    mutating func setPhase(_ newPhase: TradingPhase) {
        guard newPhase != phase else { return }
        phase = newPhase
        events.append(.phaseChanged(symbol: symbol, phase: newPhase))
        if newPhase == .closed {
            let day = resting.filter { $0.timeInForce == .day }.sorted { a, b in
                if a.side != b.side { return a.side == .buy }
                if a.price != b.price { return a.side == .buy ? a.price > b.price : a.price < b.price }
                return a.priority < b.priority
            }
            for order in day {
                removeResting(at: resting.firstIndex { $0.id == order.id }!)
                events.append(.cancelled(OrderID(order.id), symbol: symbol, quantity: Quantity(order.open), remaining: .zero, reason: .endOfDay))
            }
        } else if newPhase == .continuous {
            auction()
        }
    }

    mutating func auction() {
        let prices = Set(resting.map(\.price)).sorted()
        var best: (price: Int64, key: (Int64, Int64, Int64))? = nil
        for price in prices {
            let buy = resting.filter { $0.side == .buy && $0.price >= price }.reduce(0) { $0 + $1.open }
            let sell = resting.filter { $0.side == .sell && $0.price <= price }.reduce(0) { $0 + $1.open }
            let volume = min(buy, sell)
            guard volume > 0 else { continue }
            let key = (volume, -abs(buy - sell), -abs(price - lastPrice))
            if best == nil || key > best!.key { best = (price, key) }
        }
        guard let price = best?.price else { return }
        while let bid = bestIndex(.buy), let ask = bestIndex(.sell), resting[bid].price >= price, resting[ask].price <= price {
            var buyer = resting[bid]
            let buyerID = buyer.id
            execute(aggressor: &buyer, restingIndex: ask, price: price, aggressorSide: .buy)
            let buyerIndex = resting.firstIndex { $0.id == buyerID }!
            resting[buyerIndex].open = buyer.open
            if buyer.open == 0 {
                removeResting(at: buyerIndex)
            } else {
                events.append(.bookChanged(symbol: symbol, side: .buy, price: Price(buyer.price), levelQuantity: levelQuantity(.buy, buyer.price)))
            }
        }
    }
}
