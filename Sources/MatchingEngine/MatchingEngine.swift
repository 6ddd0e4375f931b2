/// A venue's matching engine: one price-time order book per symbol, the
/// venue rules, and the event stream they produce.
///
/// Events are appended to a caller-owned array so that the hot path does not
/// allocate; the caller clears it between calls when it wants to. The rules
/// (event order, auction tie-breaks, reduce and FOK semantics) are in
/// docs/engine.md.
public struct MatchingEngine: Sendable {
    @usableFromInline var books: [OrderBook]
    @usableFromInline var pool = OrderPool()
    @usableFromInline var selfTradeModes: ContiguousArray<SelfTradePrevention> = []
    @usableFromInline var nextOrderID: UInt64 = 1
    @usableFromInline var nextMatchID: UInt64 = 1
    @usableFromInline var nextPriority: UInt64 = 1
    /// Totals over finished orders, for the accounting invariant.
    @usableFromInline var finishedEntered: Int64 = 0
    @usableFromInline var finishedFilled: Int64 = 0
    @usableFromInline var finishedCancelled: Int64 = 0

    public init(symbols: [SymbolConfig]) {
        precondition(!symbols.isEmpty, "an engine needs at least one symbol")
        books = symbols.map(OrderBook.init(config:))
    }

    public var symbolCount: Int { books.count }

    /// Makes room for the next `count` orders up front. The map from order
    /// id to pool slot otherwise grows as ids are assigned, and each growth
    /// copies the map and touches fresh pages on the hot path: a pause of
    /// up to milliseconds once the map is large.
    public mutating func reserveCapacity(orders count: Int) {
        precondition(count >= 0, "negative capacity \(count)")
        guard count > 0 else { return }
        pool.reserveIDs(through: nextOrderID + UInt64(count) - 1)
    }

    /// Sets the self-trade prevention mode of a participant (default `.none`).
    public mutating func setSelfTradePrevention(_ mode: SelfTradePrevention, for participant: ParticipantID) {
        let index = Int(participant.rawValue)
        while selfTradeModes.count <= index { selfTradeModes.append(.none) }
        selfTradeModes[index] = mode
    }

    @inlinable
    func selfTradeMode(_ participant: UInt32) -> SelfTradePrevention {
        Int(participant) < selfTradeModes.count ? selfTradeModes[Int(participant)] : .none
    }

    // MARK: Instructions

    /// Submits a new order; returns the id assigned to it (also when rejected).
    @discardableResult
    public mutating func submit(_ order: NewOrder, events: inout [EngineEvent]) -> OrderID {
        let id = OrderID(nextOrderID)
        nextOrderID += 1
        let symbol = Int(order.symbol.rawValue)
        guard symbol >= 0, symbol < books.count else {
            events.append(.rejected(id, symbol: order.symbol, reason: .unknownSymbol))
            return id
        }
        let phase = books[symbol].phase
        if let reason = Self.validate(order, phase: phase, tickSize: books[symbol].config.tickSize) {
            events.append(.rejected(id, symbol: order.symbol, reason: reason))
            return id
        }
        let isMarket = order.type == .market
        let limit: Int64 = isMarket ? (order.side == .buy ? .max : .min) : order.price.rawValue
        if phase == .continuous {
            if order.postOnly, wouldTrade(symbol: symbol, side: order.side, limit: limit) {
                events.append(.rejected(id, symbol: order.symbol, reason: .postOnlyWouldTake))
                return id
            }
            if order.timeInForce == .fillOrKill, !canFillCompletely(symbol: symbol, participant: order.participant.rawValue, side: order.side, limit: limit, quantity: order.quantity.rawValue) {
                events.append(.rejected(id, symbol: order.symbol, reason: .fillOrKillNotFillable))
                return id
            }
        }
        events.append(.accepted(id, symbol: order.symbol, participant: order.participant, side: order.side, price: isMarket ? Price(0) : order.price, quantity: order.quantity))

        var record = OrderRecord()
        record.id = id.rawValue
        record.participant = order.participant.rawValue
        record.symbol = Int32(symbol)
        record.side = order.side
        record.timeInForce = order.timeInForce
        record.postOnly = order.postOnly
        record.price = isMarket ? 0 : order.price.rawValue
        record.open = order.quantity.rawValue
        record.entered = order.quantity.rawValue
        record.priority = nextPriority
        nextPriority += 1
        let slot = pool.allocate(record)

        if phase == .continuous {
            match(slot: slot, limit: limit, events: &events)
        }
        settleAfterMatching(slot: slot, isMarket: isMarket, events: &events)
        return id
    }

    /// Scalars, not the book: passing a projection of `self` into a method of
    /// `self` made the compiler copy the whole engine on every submit.
    static func validate(_ order: NewOrder, phase: TradingPhase, tickSize: Int64) -> RejectReason? {
        if phase == .closed { return .marketClosed }
        if order.quantity.rawValue <= 0 { return .invalidQuantity }
        if order.type == .market {
            if phase == .halted { return .marketOrderNotAllowedInPhase }
            if order.postOnly { return .postOnlyWouldTake }
            return nil
        }
        if order.price.rawValue <= 0 { return .invalidPrice }
        if order.price.rawValue % tickSize != 0 { return .priceNotOnTick }
        if phase == .halted, order.timeInForce == .immediateOrCancel || order.timeInForce == .fillOrKill {
            return .immediateOrderNotAllowedInPhase
        }
        return nil
    }

    /// After matching: rest a limit remainder, cancel an IOC/FOK/market one,
    /// or free a fully filled order.
    mutating func settleAfterMatching(slot: Int32, isMarket: Bool, events: inout [EngineEvent]) {
        let record = pool.records[Int(slot)]
        if record.open == 0 {
            finish(slot: slot)
        } else if isMarket || record.timeInForce == .immediateOrCancel || record.timeInForce == .fillOrKill {
            cancelOpen(slot: slot, quantity: record.open, reason: isMarket ? .noLiquidity : .immediateOrCancel, events: &events)
        } else if !record.resting {
            rest(slot: slot, events: &events)
        }
    }

    /// Cancels all open quantity of an order.
    public mutating func cancel(_ id: OrderID, participant: ParticipantID, events: inout [EngineEvent]) {
        guard let slot = ownedSlot(id, participant: participant, events: &events) else { return }
        unlink(slot: slot, events: &events)
        cancelOpen(slot: slot, quantity: pool.records[Int(slot)].open, reason: .requested, events: &events)
    }

    /// Reduces an order's open quantity by `quantity`, keeping its time priority.
    /// Reducing by exactly the open quantity cancels the order; by more is rejected.
    public mutating func reduce(_ id: OrderID, by quantity: Quantity, participant: ParticipantID, events: inout [EngineEvent]) {
        guard let slot = ownedSlot(id, participant: participant, events: &events) else { return }
        let record = pool.records[Int(slot)]
        let symbol = SymbolIndex(record.symbol)
        guard quantity.rawValue > 0 else {
            events.append(.rejected(id, symbol: symbol, reason: .invalidQuantity))
            return
        }
        guard quantity.rawValue <= record.open else {
            events.append(.rejected(id, symbol: symbol, reason: .reduceExceedsOpenQuantity))
            return
        }
        if quantity.rawValue == record.open {
            unlink(slot: slot, events: &events)
            cancelOpen(slot: slot, quantity: record.open, reason: .requested, events: &events)
            return
        }
        pool.records[Int(slot)].open -= quantity.rawValue
        pool.records[Int(slot)].cancelled += quantity.rawValue
        events.append(.cancelled(id, symbol: symbol, quantity: quantity, remaining: Quantity(record.open - quantity.rawValue), reason: .requested))
        adjustLevel(symbol: Int(record.symbol), side: record.side, price: record.price, by: -quantity.rawValue, events: &events)
    }

    /// Replaces price and/or total open quantity. A price change or a quantity
    /// increase loses time priority (and may trade); a decrease keeps it.
    public mutating func replace(_ id: OrderID, price: Price, quantity: Quantity, participant: ParticipantID, events: inout [EngineEvent]) {
        guard let slot = ownedSlot(id, participant: participant, events: &events) else { return }
        let record = pool.records[Int(slot)]
        let symbol = Int(record.symbol)
        let symbolIndex = SymbolIndex(record.symbol)
        if quantity.rawValue <= 0 { events.append(.rejected(id, symbol: symbolIndex, reason: .invalidQuantity)); return }
        if price.rawValue <= 0 { events.append(.rejected(id, symbol: symbolIndex, reason: .invalidPrice)); return }
        if price.rawValue % books[symbol].config.tickSize != 0 { events.append(.rejected(id, symbol: symbolIndex, reason: .priceNotOnTick)); return }
        if price.rawValue == record.price, quantity.rawValue == record.open {
            events.append(.rejected(id, symbol: symbolIndex, reason: .replaceWouldNotChange))
            return
        }
        if price.rawValue == record.price, quantity.rawValue < record.open {
            let reduction = record.open - quantity.rawValue
            pool.records[Int(slot)].open = quantity.rawValue
            pool.records[Int(slot)].cancelled += reduction
            events.append(.replaced(id, symbol: symbolIndex, price: price, quantity: quantity, keptPriority: true))
            adjustLevel(symbol: symbol, side: record.side, price: record.price, by: -reduction, events: &events)
            return
        }
        let continuous = books[symbol].phase == .continuous
        if record.postOnly, continuous, wouldTrade(symbol: symbol, side: record.side, limit: price.rawValue) {
            events.append(.rejected(id, symbol: symbolIndex, reason: .postOnlyWouldTake))
            return
        }
        unlink(slot: slot, events: &events)
        if quantity.rawValue > record.open {
            pool.records[Int(slot)].entered += quantity.rawValue - record.open
        } else {
            pool.records[Int(slot)].cancelled += record.open - quantity.rawValue
        }
        pool.records[Int(slot)].open = quantity.rawValue
        pool.records[Int(slot)].price = price.rawValue
        pool.records[Int(slot)].priority = nextPriority
        nextPriority += 1
        events.append(.replaced(id, symbol: symbolIndex, price: price, quantity: quantity, keptPriority: false))
        if continuous { match(slot: slot, limit: price.rawValue, events: &events) }
        settleAfterMatching(slot: slot, isMarket: false, events: &events)
    }

    /// Moves a symbol to another phase. Entering `.continuous`
    /// from `.halted` or `.closed` runs an uncrossing auction; entering
    /// `.closed` cancels day orders.
    public mutating func setPhase(_ phase: TradingPhase, symbol: SymbolIndex, events: inout [EngineEvent]) {
        let index = Int(symbol.rawValue)
        precondition(index >= 0 && index < books.count, "unknown symbol \(symbol)")
        guard books[index].phase != phase else { return }
        books[index].phase = phase
        events.append(.phaseChanged(symbol: symbol, phase: phase))
        if phase == .closed {
            cancelDayOrders(symbol: index, events: &events)
        } else if phase == .continuous {
            // From .halted (reopening) or .closed (opening, where GTC orders left
            // crossed by a halt may remain): uncross before continuous trading.
            runAuction(symbol: index, events: &events)
        }
    }

    // MARK: Queries

    public func phase(of symbol: SymbolIndex) -> TradingPhase { books[Int(symbol.rawValue)].phase }
    public func bestBid(_ symbol: SymbolIndex) -> Price? { books[Int(symbol.rawValue)].bids.best.map { Price($0.price) } }
    public func bestAsk(_ symbol: SymbolIndex) -> Price? { books[Int(symbol.rawValue)].asks.best.map { Price($0.price) } }

    /// Open (resting) quantity of an order, nil once it has left the book.
    public func openQuantity(of id: OrderID) -> Quantity? {
        pool.slot(of: id.rawValue).map { Quantity(pool.records[Int($0)].open) }
    }

    /// The price of the last trade of a symbol (its reference price before any).
    public func lastPrice(_ symbol: SymbolIndex) -> Price { Price(books[Int(symbol.rawValue)].lastPrice) }

    // MARK: Matching

    @inlinable
    func wouldTrade(symbol: Int, side: Side, limit: Int64) -> Bool {
        let bestPrice = side == .buy ? books[symbol].asks.levels.last?.price : books[symbol].bids.levels.last?.price
        guard let bestPrice else { return false }
        return side == .buy ? bestPrice <= limit : bestPrice >= limit
    }

    /// FOK pre-check: walks the opposite side in priority order at acceptable
    /// prices. Own orders met on the way end the check as not fillable,
    /// except under cancel-oldest, where they would be removed and are skipped.
    func canFillCompletely(symbol: Int, participant: UInt32, side: Side, limit: Int64, quantity: Int64) -> Bool {
        let mode = selfTradeMode(participant)
        let opposite = side == .buy ? books[symbol].asks : books[symbol].bids
        var needed = quantity
        for levelIndex in opposite.levels.indices.reversed() {
            let level = opposite.levels[levelIndex]
            if side == .buy ? level.price > limit : level.price < limit { break }
            var slot = level.head
            while slot >= 0 {
                let resting = pool.records[Int(slot)]
                if mode != .none, resting.participant == participant {
                    if mode != .cancelOldest { return false }
                } else {
                    needed -= resting.open
                    if needed <= 0 { return true }
                }
                slot = resting.next
            }
        }
        return false
    }

    /// Matches the incoming order in `slot` against the opposite side while
    /// prices cross `limit`, applying self-trade prevention.
    mutating func match(slot: Int32, limit: Int64, events: inout [EngineEvent]) {
        let symbol = Int(pool.records[Int(slot)].symbol)
        let side = pool.records[Int(slot)].side
        let participant = pool.records[Int(slot)].participant
        let mode = selfTradeMode(participant)
        while pool.records[Int(slot)].open > 0 {
            let bestLevel = side == .buy ? books[symbol].asks.levels.last : books[symbol].bids.levels.last
            guard let level = bestLevel else { return }
            if side == .buy ? level.price > limit : level.price < limit { return }
            let restingSlot = level.head
            let resting = pool.records[Int(restingSlot)]
            if mode != .none, resting.participant == participant {
                if preventSelfTrade(mode: mode, incoming: slot, resting: restingSlot, events: &events) { return }
                continue
            }
            execute(aggressor: slot, resting: restingSlot, price: level.price, aggressorSide: side, events: &events)
        }
    }

    /// Applies self-trade prevention; returns true when the incoming order is done.
    mutating func preventSelfTrade(mode: SelfTradePrevention, incoming: Int32, resting: Int32, events: inout [EngineEvent]) -> Bool {
        let incomingOpen = pool.records[Int(incoming)].open
        let restingOpen = pool.records[Int(resting)].open
        switch mode {
        case .none:
            preconditionFailure("self-trade prevention invoked without a mode")
        case .cancelNewest:
            cancelIncomingRemainder(incoming, events: &events)
            return true
        case .cancelOldest:
            unlink(slot: resting, events: &events)
            cancelOpen(slot: resting, quantity: restingOpen, reason: .selfTradePrevention, events: &events)
            return false
        case .cancelBoth:
            unlink(slot: resting, events: &events)
            cancelOpen(slot: resting, quantity: restingOpen, reason: .selfTradePrevention, events: &events)
            cancelIncomingRemainder(incoming, events: &events)
            return true
        case .decrementAndCancel:
            let decrement = min(incomingOpen, restingOpen)
            if restingOpen == decrement {
                unlink(slot: resting, events: &events)
                cancelOpen(slot: resting, quantity: decrement, reason: .selfTradePrevention, events: &events)
            } else {
                let record = pool.records[Int(resting)]
                pool.records[Int(resting)].open -= decrement
                pool.records[Int(resting)].cancelled += decrement
                events.append(.cancelled(OrderID(record.id), symbol: SymbolIndex(record.symbol), quantity: Quantity(decrement), remaining: Quantity(record.open - decrement), reason: .selfTradePrevention))
                adjustLevel(symbol: Int(record.symbol), side: record.side, price: record.price, by: -decrement, events: &events)
            }
            let incomingRecord = pool.records[Int(incoming)]
            pool.records[Int(incoming)].open -= decrement
            pool.records[Int(incoming)].cancelled += decrement
            events.append(.cancelled(OrderID(incomingRecord.id), symbol: SymbolIndex(incomingRecord.symbol), quantity: Quantity(decrement), remaining: Quantity(incomingOpen - decrement), reason: .selfTradePrevention))
            return incomingOpen == decrement
        }
    }

    /// Cancels the not-yet-resting incoming order's remainder (STP); the
    /// caller's settle step then frees it.
    mutating func cancelIncomingRemainder(_ slot: Int32, events: inout [EngineEvent]) {
        let record = pool.records[Int(slot)]
        pool.records[Int(slot)].open = 0
        pool.records[Int(slot)].cancelled += record.open
        events.append(.cancelled(OrderID(record.id), symbol: SymbolIndex(record.symbol), quantity: Quantity(record.open), remaining: .zero, reason: .selfTradePrevention))
    }

    /// One match between the aggressor and the head of the best opposite level.
    mutating func execute(aggressor: Int32, resting: Int32, price: Int64, aggressorSide: Side, events: inout [EngineEvent]) {
        let quantity = min(pool.records[Int(aggressor)].open, pool.records[Int(resting)].open)
        pool.records[Int(aggressor)].open -= quantity
        pool.records[Int(aggressor)].filled += quantity
        pool.records[Int(resting)].open -= quantity
        pool.records[Int(resting)].filled += quantity
        let a = pool.records[Int(aggressor)]
        let r = pool.records[Int(resting)]
        let symbol = Int(r.symbol)
        books[symbol].lastPrice = price
        events.append(.executed(Execution(
            matchID: nextMatchID, symbol: SymbolIndex(r.symbol), price: Price(price), quantity: Quantity(quantity),
            aggressorSide: aggressorSide, aggressor: OrderID(a.id), aggressorParticipant: ParticipantID(a.participant),
            aggressorRemaining: Quantity(a.open), resting: OrderID(r.id), restingParticipant: ParticipantID(r.participant),
            restingRemaining: Quantity(r.open))))
        nextMatchID += 1
        if r.open == 0 {
            unlink(slot: resting, events: &events, quantityAlreadyRemoved: quantity)
            finish(slot: resting)
        } else {
            adjustLevel(symbol: symbol, side: r.side, price: r.price, by: -quantity, events: &events)
        }
    }

    // MARK: Book maintenance

    /// Appends an order to the tail of its level.
    mutating func rest(slot: Int32, events: inout [EngineEvent]) {
        let record = pool.records[Int(slot)]
        let symbol = Int(record.symbol)
        let quantity: Int64
        if record.side == .buy {
            quantity = Self.append(slot: slot, price: record.price, to: &books[symbol].bids, pool: &pool, open: record.open)
        } else {
            quantity = Self.append(slot: slot, price: record.price, to: &books[symbol].asks, pool: &pool, open: record.open)
        }
        events.append(.bookChanged(symbol: SymbolIndex(record.symbol), side: record.side, price: Price(record.price), levelQuantity: Quantity(quantity)))
    }

    static func append(slot: Int32, price: Int64, to bookSide: inout BookSide, pool: inout OrderPool, open: Int64) -> Int64 {
        let index = bookSide.levelIndex(creating: price)
        let tail = bookSide.levels[index].tail
        pool.records[Int(slot)].previous = tail
        pool.records[Int(slot)].next = -1
        pool.records[Int(slot)].resting = true
        if tail >= 0 { pool.records[Int(tail)].next = slot } else { bookSide.levels[index].head = slot }
        bookSide.levels[index].tail = slot
        bookSide.levels[index].quantity += open
        bookSide.levels[index].count += 1
        return bookSide.levels[index].quantity
    }

    /// Takes a resting order out of its level (no-op for one not resting).
    /// `quantityAlreadyRemoved` is filled quantity already taken off the record's open.
    mutating func unlink(slot: Int32, events: inout [EngineEvent], quantityAlreadyRemoved: Int64 = 0) {
        let record = pool.records[Int(slot)]
        guard record.resting else { return }
        let symbol = Int(record.symbol)
        let removed = record.open + quantityAlreadyRemoved
        let remaining: Int64
        if record.side == .buy {
            remaining = Self.remove(slot: slot, record: record, removed: removed, from: &books[symbol].bids, pool: &pool)
        } else {
            remaining = Self.remove(slot: slot, record: record, removed: removed, from: &books[symbol].asks, pool: &pool)
        }
        pool.records[Int(slot)].resting = false
        events.append(.bookChanged(symbol: SymbolIndex(record.symbol), side: record.side, price: Price(record.price), levelQuantity: Quantity(remaining)))
    }

    static func remove(slot: Int32, record: OrderRecord, removed: Int64, from bookSide: inout BookSide, pool: inout OrderPool) -> Int64 {
        let (index, found) = bookSide.search(record.price)
        precondition(found, "resting order's level is missing")
        if record.previous >= 0 { pool.records[Int(record.previous)].next = record.next } else { bookSide.levels[index].head = record.next }
        if record.next >= 0 { pool.records[Int(record.next)].previous = record.previous } else { bookSide.levels[index].tail = record.previous }
        pool.records[Int(slot)].previous = -1
        pool.records[Int(slot)].next = -1
        bookSide.levels[index].quantity -= removed
        bookSide.levels[index].count -= 1
        let remaining = bookSide.levels[index].quantity
        if bookSide.levels[index].count == 0 {
            precondition(remaining == 0, "empty level with quantity")
            bookSide.levels.remove(at: index)
        }
        return remaining
    }

    mutating func adjustLevel(symbol: Int, side: Side, price: Int64, by delta: Int64, events: inout [EngineEvent]) {
        let quantity: Int64
        if side == .buy {
            let (index, found) = books[symbol].bids.search(price)
            precondition(found, "level missing")
            books[symbol].bids.levels[index].quantity += delta
            quantity = books[symbol].bids.levels[index].quantity
        } else {
            let (index, found) = books[symbol].asks.search(price)
            precondition(found, "level missing")
            books[symbol].asks.levels[index].quantity += delta
            quantity = books[symbol].asks.levels[index].quantity
        }
        events.append(.bookChanged(symbol: SymbolIndex(Int32(symbol)), side: side, price: Price(price), levelQuantity: Quantity(quantity)))
    }

    /// Cancels an order's open quantity (already unlinked) and frees it.
    mutating func cancelOpen(slot: Int32, quantity: Int64, reason: CancelReason, events: inout [EngineEvent]) {
        let record = pool.records[Int(slot)]
        pool.records[Int(slot)].open -= quantity
        pool.records[Int(slot)].cancelled += quantity
        events.append(.cancelled(OrderID(record.id), symbol: SymbolIndex(record.symbol), quantity: Quantity(quantity), remaining: Quantity(record.open - quantity), reason: reason))
        if record.open - quantity == 0 { finish(slot: slot) }
    }

    mutating func finish(slot: Int32) {
        let record = pool.records[Int(slot)]
        precondition(record.open == 0, "finishing an order with open quantity")
        precondition(record.entered == record.filled + record.cancelled, "order \(record.id) accounting broken")
        finishedEntered += record.entered
        finishedFilled += record.filled
        finishedCancelled += record.cancelled
        pool.free(slot)
    }

    func ownedSlot(_ id: OrderID, participant: ParticipantID, events: inout [EngineEvent]) -> Int32? {
        guard let slot = pool.slot(of: id.rawValue) else {
            events.append(.rejected(id, symbol: SymbolIndex(-1), reason: .unknownOrder))
            return nil
        }
        let record = pool.records[Int(slot)]
        guard record.participant == participant.rawValue else {
            events.append(.rejected(id, symbol: SymbolIndex(record.symbol), reason: .notOrderOwner))
            return nil
        }
        return slot
    }

    mutating func cancelDayOrders(symbol: Int, events: inout [EngineEvent]) {
        var daySlots: [Int32] = []
        for bookSide in [books[symbol].bids, books[symbol].asks] {
            for level in bookSide.levels.reversed() {
                var slot = level.head
                while slot >= 0 {
                    if pool.records[Int(slot)].timeInForce == .day { daySlots.append(slot) }
                    slot = pool.records[Int(slot)].next
                }
            }
        }
        for slot in daySlots {
            unlink(slot: slot, events: &events)
            cancelOpen(slot: slot, quantity: pool.records[Int(slot)].open, reason: .endOfDay, events: &events)
        }
    }

    // MARK: Reopening auction

    /// The uncrossing price: maximum executable volume, then minimum surplus,
    /// then nearest the last trade price, then the lower price. Nil when
    /// nothing can execute.
    func auctionPrice(symbol: Int) -> Int64? {
        let book = books[symbol]
        guard let bestBid = book.bids.best, let bestAsk = book.asks.best, bestBid.price >= bestAsk.price else { return nil }
        var candidates = book.bids.levels.map(\.price) + book.asks.levels.map(\.price)
        candidates.sort()
        var best: (price: Int64, volume: Int64, surplus: Int64, distance: Int64)? = nil
        var previous: Int64? = nil
        for price in candidates where price != previous {
            previous = price
            let buy = book.bids.levels.reduce(Int64(0)) { $1.price >= price ? $0 + $1.quantity : $0 }
            let sell = book.asks.levels.reduce(Int64(0)) { $1.price <= price ? $0 + $1.quantity : $0 }
            let volume = min(buy, sell)
            guard volume > 0 else { continue }
            let candidate = (price, volume, abs(buy - sell), abs(price - book.lastPrice))
            if let current = best {
                if (candidate.1, -candidate.2, -candidate.3) > (current.volume, -current.surplus, -current.distance) {
                    best = candidate
                }
            } else {
                best = candidate
            }
        }
        return best?.price
    }

    mutating func runAuction(symbol: Int, events: inout [EngineEvent]) {
        guard let price = auctionPrice(symbol: symbol) else { return }
        while let bid = books[symbol].bids.best, let ask = books[symbol].asks.best, bid.price >= price, ask.price <= price {
            execute(aggressor: bid.head, resting: ask.head, price: price, aggressorSide: .buy, auctionBuyer: true, events: &events)
        }
    }

    /// Auction execution: both orders rest, so the buyer is unlinked too when filled.
    mutating func execute(aggressor bidSlot: Int32, resting askSlot: Int32, price: Int64, aggressorSide: Side, auctionBuyer: Bool, events: inout [EngineEvent]) {
        let quantity = min(pool.records[Int(bidSlot)].open, pool.records[Int(askSlot)].open)
        execute(aggressor: bidSlot, resting: askSlot, price: price, aggressorSide: aggressorSide, events: &events)
        let bid = pool.records[Int(bidSlot)]
        if bid.open == 0 {
            unlink(slot: bidSlot, events: &events, quantityAlreadyRemoved: quantity)
            finish(slot: bidSlot)
        } else {
            adjustLevel(symbol: symbol(of: bidSlot), side: .buy, price: bid.price, by: -quantity, events: &events)
        }
    }

    func symbol(of slot: Int32) -> Int { Int(pool.records[Int(slot)].symbol) }

    // MARK: Invariants

    /// Checks every structural and accounting invariant; returns what is broken
    /// (empty when all hold). O(orders).
    public func checkInvariants() -> [String] {
        var violations: [String] = []
        var restingSlots = 0
        var liveEntered: Int64 = 0, liveFilled: Int64 = 0, liveCancelled: Int64 = 0
        for (symbolIndex, book) in books.enumerated() {
            if book.phase == .continuous, let bid = book.bids.best, let ask = book.asks.best, bid.price >= ask.price {
                violations.append("S\(symbolIndex): crossed book in continuous trading (bid \(bid.price) >= ask \(ask.price))")
            }
            for bookSide in [book.bids, book.asks] {
                for (index, level) in bookSide.levels.enumerated() {
                    if index > 0, !bookSide.isBetter(level.price, than: bookSide.levels[index - 1].price) {
                        violations.append("S\(symbolIndex) \(bookSide.side): levels out of order at \(level.price)")
                    }
                    var slot = level.head
                    var previous: Int32 = -1
                    var sum: Int64 = 0
                    var count: Int32 = 0
                    var lastPriority: UInt64 = 0
                    while slot >= 0 {
                        let record = pool.records[Int(slot)]
                        if record.previous != previous { violations.append("order \(record.id): broken back link") }
                        if record.price != level.price || record.side != bookSide.side || record.symbol != Int32(symbolIndex) {
                            violations.append("order \(record.id): on the wrong level")
                        }
                        if record.priority <= lastPriority { violations.append("order \(record.id): FIFO out of time priority") }
                        if record.open <= 0 { violations.append("order \(record.id): resting with no open quantity") }
                        if pool.slot(of: record.id) != slot { violations.append("order \(record.id): id map does not point at it") }
                        lastPriority = record.priority
                        sum += record.open
                        count += 1
                        previous = slot
                        slot = record.next
                        if count > Int32(pool.records.count) { violations.append("level \(level.price): cycle"); break }
                    }
                    if previous != level.tail { violations.append("level \(level.price): tail mismatch") }
                    if sum != level.quantity || count != level.count {
                        violations.append("S\(symbolIndex) level \(level.price): quantity \(level.quantity)/\(level.count) but orders sum \(sum)/\(count)")
                    }
                    restingSlots += Int(count)
                }
            }
        }
        var liveSlots = 0
        for (slot, record) in pool.records.enumerated() where pool.slot(of: record.id) == Int32(slot) && record.id != 0 {
            liveSlots += 1
            if record.entered != record.filled + record.cancelled + record.open {
                violations.append("order \(record.id): entered \(record.entered) ≠ filled \(record.filled) + cancelled \(record.cancelled) + resting \(record.open)")
            }
            if !record.resting { violations.append("order \(record.id): live but not resting") }
            liveEntered += record.entered
            liveFilled += record.filled
            liveCancelled += record.cancelled
        }
        if liveSlots != restingSlots { violations.append("\(liveSlots) live orders but \(restingSlots) on levels") }
        if finishedEntered != finishedFilled + finishedCancelled {
            violations.append("finished orders: entered \(finishedEntered) ≠ filled \(finishedFilled) + cancelled \(finishedCancelled)")
        }
        return violations
    }
}
