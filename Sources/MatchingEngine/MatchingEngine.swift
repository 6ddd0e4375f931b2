/// A venue's matching engine: one price-time order book per symbol, the
/// venue rules, and the event stream they produce.
///
/// Events are appended to a caller-owned array so that the hot path does not
/// allocate; the caller clears it between calls when it wants to. The rules
/// (event order, auction tie-breaks, reduce and FOK semantics) are in
/// docs/engine.md.
public struct MatchingEngine: Sendable {
    @usableFromInline var books: BookTable
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
        books = BookTable(symbols: symbols)
    }

    public var symbolCount: Int { books.count }

    /// Makes room for the next `count` orders' ids up front. The map from
    /// order id to pool slot otherwise grows a page at a time as ids are
    /// assigned, allocating and touching fresh memory on the hot path.
    public mutating func reserveCapacity(orders count: Int) {
        precondition(count >= 0, "negative capacity \(count)")
        guard count > 0 else { return }
        makeStorageUnique()
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

    /// Copy on write by hand for the pool and the books, which live in
    /// manually managed storage (see `OrderPool` and `BookTable`). They are
    /// cloned together whenever the pool is shared, so a pool that is not
    /// shared means that the books are not either: one check per instruction
    /// covers both. Every public mutating method calls this before it writes.
    mutating func makeStorageUnique() {
        guard _slowPath(!pool.isUnique()) else { return }
        pool.makeUnique()
        books = books.clone()
    }

    // MARK: Instructions

    /// Submits a new order; returns the id assigned to it (also when rejected).
    @discardableResult
    public mutating func submit(_ order: NewOrder, events: inout [EngineEvent]) -> OrderID {
        makeStorageUnique()
        let id = OrderID(nextOrderID)
        nextOrderID += 1
        let symbol = Int(order.symbol.rawValue)
        guard symbol >= 0, symbol < books.count else {
            events.append(.rejected(id, symbol: order.symbol, reason: .unknownSymbol))
            return id
        }
        let phase = books[symbol].phase
        if let reason = Self.validate(order, phase: phase, tickSize: books[symbol].tickSize) {
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
        let slot = pool.allocate(record, OrderBookkeeping(entered: order.quantity.rawValue, priority: nextPriority))
        nextPriority += 1

        if phase == .continuous {
            match(slot: slot, limit: limit, events: &events)
        }
        settleAfterMatching(slot: slot, isMarket: isMarket, events: &events)
        return id
    }

    /// Scalars, not the book: passing a projection of `self` into a method of
    /// `self` made the compiler copy the whole engine on every submit.
    @inline(__always)
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
    @inline(__always)
    mutating func settleAfterMatching(slot: Int32, isMarket: Bool, events: inout [EngineEvent]) {
        let open = pool[slot].open
        let timeInForce = pool[slot].timeInForce
        if open == 0 {
            finish(slot: slot)
        } else if isMarket || timeInForce == .immediateOrCancel || timeInForce == .fillOrKill {
            cancelOpen(slot: slot, quantity: open, reason: isMarket ? .noLiquidity : .immediateOrCancel, events: &events)
        } else if !pool[slot].resting {
            rest(slot: slot, events: &events)
        }
    }

    /// Cancels all open quantity of an order.
    public mutating func cancel(_ id: OrderID, participant: ParticipantID, events: inout [EngineEvent]) {
        makeStorageUnique()
        guard let slot = ownedSlot(id, participant: participant, events: &events) else { return }
        unlink(slot: slot, events: &events)
        cancelOpen(slot: slot, quantity: pool[slot].open, reason: .requested, events: &events)
    }

    /// Reduces an order's open quantity by `quantity`, keeping its time priority.
    /// Reducing by exactly the open quantity cancels the order; by more is rejected.
    public mutating func reduce(_ id: OrderID, by quantity: Quantity, participant: ParticipantID, events: inout [EngineEvent]) {
        makeStorageUnique()
        guard let slot = ownedSlot(id, participant: participant, events: &events) else { return }
        let record = pool[slot]
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
        pool[slot].open -= quantity.rawValue
        pool[slot].cancelled += quantity.rawValue
        events.append(.cancelled(id, symbol: symbol, quantity: quantity, remaining: Quantity(record.open - quantity.rawValue), reason: .requested))
        adjustLevel(symbol: Int(record.symbol), side: record.side, price: record.price, by: -quantity.rawValue, events: &events)
    }

    /// Replaces price and/or total open quantity. A price change or a quantity
    /// increase loses time priority (and may trade); a decrease keeps it.
    public mutating func replace(_ id: OrderID, price: Price, quantity: Quantity, participant: ParticipantID, events: inout [EngineEvent]) {
        makeStorageUnique()
        guard let slot = ownedSlot(id, participant: participant, events: &events) else { return }
        let record = pool[slot]
        let symbol = Int(record.symbol)
        let symbolIndex = SymbolIndex(record.symbol)
        if quantity.rawValue <= 0 { events.append(.rejected(id, symbol: symbolIndex, reason: .invalidQuantity)); return }
        if price.rawValue <= 0 { events.append(.rejected(id, symbol: symbolIndex, reason: .invalidPrice)); return }
        if price.rawValue % books[symbol].tickSize != 0 { events.append(.rejected(id, symbol: symbolIndex, reason: .priceNotOnTick)); return }
        if price.rawValue == record.price, quantity.rawValue == record.open {
            events.append(.rejected(id, symbol: symbolIndex, reason: .replaceWouldNotChange))
            return
        }
        if price.rawValue == record.price, quantity.rawValue < record.open {
            let reduction = record.open - quantity.rawValue
            pool[slot].open = quantity.rawValue
            pool[slot].cancelled += reduction
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
            pool[bookkeeping: slot].entered += quantity.rawValue - record.open
        } else {
            pool[slot].cancelled += record.open - quantity.rawValue
        }
        pool[slot].open = quantity.rawValue
        pool[slot].price = price.rawValue
        pool[bookkeeping: slot].priority = nextPriority
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
        makeStorageUnique()
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
    public func bestBid(_ symbol: SymbolIndex) -> Price? { books.side(.buy, of: Int(symbol.rawValue)).pointee.best.map { Price($0.price) } }
    public func bestAsk(_ symbol: SymbolIndex) -> Price? { books.side(.sell, of: Int(symbol.rawValue)).pointee.best.map { Price($0.price) } }

    /// Open (resting) quantity of an order, nil once it has left the book.
    public func openQuantity(of id: OrderID) -> Quantity? {
        pool.slot(of: id.rawValue).map { Quantity(pool[$0].open) }
    }

    /// The price of the last trade of a symbol (its reference price before any).
    public func lastPrice(_ symbol: SymbolIndex) -> Price { Price(books[Int(symbol.rawValue)].lastPrice) }

    /// One side of a symbol's book, best price first: each level's price,
    /// open quantity and number of orders. O(levels); for checks and
    /// snapshots, not the hot path.
    public func depth(of symbol: SymbolIndex, side: Side) -> [BookLevelSummary] {
        // `allLevels` runs from the worst price to the best.
        books.side(side, of: Int(symbol.rawValue)).pointee.allLevels.reversed().map {
            BookLevelSummary(price: Price($0.price), quantity: Quantity($0.quantity), orders: Int($0.count))
        }
    }

    // MARK: Matching

    func wouldTrade(symbol: Int, side: Side, limit: Int64) -> Bool {
        let bestPrice = books.side(side.opposite, of: symbol).pointee.best?.price
        guard let bestPrice else { return false }
        return side == .buy ? bestPrice <= limit : bestPrice >= limit
    }

    /// FOK pre-check: walks the opposite side in priority order at acceptable
    /// prices. Own orders met on the way end the check as not fillable,
    /// except under cancel-oldest, where they would be removed and are skipped.
    func canFillCompletely(symbol: Int, participant: UInt32, side: Side, limit: Int64, quantity: Int64) -> Bool {
        let mode = selfTradeMode(participant)
        let opposite = books.side(side.opposite, of: symbol).pointee
        var needed = quantity
        for levelIndex in (0..<opposite.count).reversed() {
            let level = opposite[levelIndex]
            if side == .buy ? level.price > limit : level.price < limit { break }
            var slot = level.head
            while slot >= 0 {
                let resting = pool[slot]
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
        // Pool pages never move, so the record's address holds for the loop.
        let incoming = pool.record(slot)
        let symbol = Int(incoming.pointee.symbol)
        let side = incoming.pointee.side
        let participant = incoming.pointee.participant
        let mode = selfTradeMode(participant)
        let opposite = books.side(side.opposite, of: symbol)
        var lastTradePrice: Int64? = nil
        while incoming.pointee.open > 0, opposite.pointee.count > 0 {
            let best = opposite.pointee.count - 1
            let price = opposite.pointee[best].price
            if side == .buy ? price > limit : price < limit { break }
            let restingSlot = opposite.pointee[best].head
            if mode != .none, pool[restingSlot].participant == participant {
                if preventSelfTrade(mode: mode, incoming: slot, resting: restingSlot, events: &events) { break }
                continue
            }
            execute(aggressor: slot, resting: restingSlot, level: best, of: opposite, price: price, aggressorSide: side, events: &events)
            lastTradePrice = price
        }
        // Written once per match rather than per execution: nothing reads
        // it while the loop runs.
        if let lastTradePrice { books[symbol].lastPrice = lastTradePrice }
    }

    /// Applies self-trade prevention; returns true when the incoming order is done.
    mutating func preventSelfTrade(mode: SelfTradePrevention, incoming: Int32, resting: Int32, events: inout [EngineEvent]) -> Bool {
        let incomingOpen = pool[incoming].open
        let restingOpen = pool[resting].open
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
                let record = pool[resting]
                pool[resting].open -= decrement
                pool[resting].cancelled += decrement
                events.append(.cancelled(OrderID(record.id), symbol: SymbolIndex(record.symbol), quantity: Quantity(decrement), remaining: Quantity(record.open - decrement), reason: .selfTradePrevention))
                adjustLevel(symbol: Int(record.symbol), side: record.side, price: record.price, by: -decrement, events: &events)
            }
            let incomingRecord = pool[incoming]
            pool[incoming].open -= decrement
            pool[incoming].cancelled += decrement
            events.append(.cancelled(OrderID(incomingRecord.id), symbol: SymbolIndex(incomingRecord.symbol), quantity: Quantity(decrement), remaining: Quantity(incomingOpen - decrement), reason: .selfTradePrevention))
            return incomingOpen == decrement
        }
    }

    /// Cancels the not-yet-resting incoming order's remainder (STP); the
    /// caller's settle step then frees it.
    mutating func cancelIncomingRemainder(_ slot: Int32, events: inout [EngineEvent]) {
        let record = pool[slot]
        pool[slot].open = 0
        pool[slot].cancelled += record.open
        events.append(.cancelled(OrderID(record.id), symbol: SymbolIndex(record.symbol), quantity: Quantity(record.open), remaining: .zero, reason: .selfTradePrevention))
    }

    /// One match between the aggressor and `resting`, the head of level
    /// `index` of `levels` (the side opposite the aggressor), at `price`.
    /// Does not set the book's last price: the caller does, once.
    mutating func execute(
        aggressor: Int32, resting: Int32, level index: Int, of levels: UnsafeMutablePointer<BookSide>, price: Int64, aggressorSide: Side,
        events: inout [EngineEvent]
    ) {
        precondition(levels.pointee[index].head == resting, "an execution must take the head of its level (time priority)")
        let incoming = pool.record(aggressor)
        let head = pool.record(resting)
        let quantity = min(incoming.pointee.open, head.pointee.open)
        let aggressorOpen = incoming.pointee.open - quantity
        let restingOpen = head.pointee.open - quantity
        incoming.pointee.open = aggressorOpen
        incoming.pointee.filled += quantity
        head.pointee.open = restingOpen
        head.pointee.filled += quantity
        let symbol = SymbolIndex(head.pointee.symbol)
        events.append(.executed(Execution(
            matchID: nextMatchID, symbol: symbol, price: Price(price), quantity: Quantity(quantity),
            aggressorSide: aggressorSide, aggressor: OrderID(incoming.pointee.id), aggressorParticipant: ParticipantID(incoming.pointee.participant),
            aggressorRemaining: Quantity(aggressorOpen), resting: OrderID(head.pointee.id),
            restingParticipant: ParticipantID(head.pointee.participant), restingRemaining: Quantity(restingOpen))))
        nextMatchID += 1
        let levelPrice = levels.pointee[index].price
        let levelQuantity: Int64
        if restingOpen == 0 {
            levelQuantity = unlink(slot: resting, level: index, of: levels, removed: quantity)
            finish(slot: resting)
        } else {
            levels.pointee[index].quantity -= quantity
            levelQuantity = levels.pointee[index].quantity
        }
        events.append(.bookChanged(symbol: symbol, side: aggressorSide.opposite, price: Price(levelPrice), levelQuantity: Quantity(levelQuantity)))
    }

    // MARK: Book maintenance

    /// Appends an order to the tail of its level.
    @inline(__always)
    mutating func rest(slot: Int32, events: inout [EngineEvent]) {
        let record = pool.record(slot)
        let symbol = Int(record.pointee.symbol)
        let side = record.pointee.side
        let price = record.pointee.price
        let levels = books.side(side, of: symbol)
        let index = levels.pointee.levelIndex(creating: price)
        let tail = levels.pointee[index].tail
        record.pointee.previous = tail
        record.pointee.next = -1
        record.pointee.resting = true
        if tail >= 0 { pool.record(tail).pointee.next = slot } else { levels.pointee[index].head = slot }
        levels.pointee[index].tail = slot
        levels.pointee[index].quantity += record.pointee.open
        levels.pointee[index].count += 1
        events.append(.bookChanged(symbol: SymbolIndex(Int32(symbol)), side: side, price: Price(price), levelQuantity: Quantity(levels.pointee[index].quantity)))
    }

    /// Takes a resting order out of its level (no-op for one not resting).
    /// `quantityAlreadyRemoved` is filled quantity already taken off the record's open.
    mutating func unlink(slot: Int32, events: inout [EngineEvent], quantityAlreadyRemoved: Int64 = 0) {
        guard pool[slot].resting else { return }
        let symbol = Int(pool[slot].symbol)
        let side = pool[slot].side
        let price = pool[slot].price
        let levels = books.side(side, of: symbol)
        let (index, found) = levels.pointee.search(price)
        precondition(found, "resting order's level is missing")
        let remaining = unlink(slot: slot, level: index, of: levels, removed: pool[slot].open + quantityAlreadyRemoved)
        events.append(.bookChanged(symbol: SymbolIndex(Int32(symbol)), side: side, price: Price(price), levelQuantity: Quantity(remaining)))
    }

    /// Takes the resting order in `slot` out of level `index` of `levels`,
    /// with `removed` of the level's quantity; drops the level once empty.
    /// Returns the level's remaining quantity.
    @inline(__always)
    mutating func unlink(slot: Int32, level index: Int, of levels: UnsafeMutablePointer<BookSide>, removed: Int64) -> Int64 {
        let record = pool.record(slot)
        let previous = record.pointee.previous
        let next = record.pointee.next
        if previous >= 0 { pool.record(previous).pointee.next = next } else { levels.pointee[index].head = next }
        if next >= 0 { pool.record(next).pointee.previous = previous } else { levels.pointee[index].tail = previous }
        record.pointee.previous = -1
        record.pointee.next = -1
        record.pointee.resting = false
        levels.pointee[index].quantity -= removed
        levels.pointee[index].count -= 1
        let remaining = levels.pointee[index].quantity
        if levels.pointee[index].count == 0 {
            precondition(remaining == 0, "empty level with quantity")
            levels.pointee.remove(at: index)
        }
        return remaining
    }

    mutating func adjustLevel(symbol: Int, side: Side, price: Int64, by delta: Int64, events: inout [EngineEvent]) {
        let levels = books.side(side, of: symbol)
        let (index, found) = levels.pointee.search(price)
        precondition(found, "level missing")
        levels.pointee[index].quantity += delta
        let quantity = levels.pointee[index].quantity
        events.append(.bookChanged(symbol: SymbolIndex(Int32(symbol)), side: side, price: Price(price), levelQuantity: Quantity(quantity)))
    }

    /// Cancels an order's open quantity (already unlinked) and frees it.
    mutating func cancelOpen(slot: Int32, quantity: Int64, reason: CancelReason, events: inout [EngineEvent]) {
        pool[slot].open -= quantity
        pool[slot].cancelled += quantity
        let remaining = pool[slot].open
        events.append(.cancelled(OrderID(pool[slot].id), symbol: SymbolIndex(pool[slot].symbol), quantity: Quantity(quantity), remaining: Quantity(remaining), reason: reason))
        if remaining == 0 { finish(slot: slot) }
    }

    @inline(__always)
    mutating func finish(slot: Int32) {
        let record = pool.record(slot)
        let entered = pool[bookkeeping: slot].entered
        let filled = record.pointee.filled
        let cancelled = record.pointee.cancelled
        precondition(record.pointee.open == 0, "finishing an order with open quantity")
        precondition(entered == filled + cancelled, "order \(record.pointee.id) accounting broken")
        finishedEntered += entered
        finishedFilled += filled
        finishedCancelled += cancelled
        pool.free(slot)
    }

    func ownedSlot(_ id: OrderID, participant: ParticipantID, events: inout [EngineEvent]) -> Int32? {
        guard let slot = pool.slot(of: id.rawValue) else {
            events.append(.rejected(id, symbol: SymbolIndex(-1), reason: .unknownOrder))
            return nil
        }
        let record = pool[slot]
        guard record.participant == participant.rawValue else {
            events.append(.rejected(id, symbol: SymbolIndex(record.symbol), reason: .notOrderOwner))
            return nil
        }
        return slot
    }

    mutating func cancelDayOrders(symbol: Int, events: inout [EngineEvent]) {
        var daySlots: [Int32] = []
        for bookSide in [books.side(.buy, of: symbol).pointee, books.side(.sell, of: symbol).pointee] {
            for level in bookSide.allLevels.reversed() {
                var slot = level.head
                while slot >= 0 {
                    if pool[slot].timeInForce == .day { daySlots.append(slot) }
                    slot = pool[slot].next
                }
            }
        }
        for slot in daySlots {
            unlink(slot: slot, events: &events)
            cancelOpen(slot: slot, quantity: pool[slot].open, reason: .endOfDay, events: &events)
        }
    }

    // MARK: Reopening auction

    /// The uncrossing price: maximum executable volume, then minimum surplus,
    /// then nearest the last trade price, then the lower price. Nil when
    /// nothing can execute.
    func auctionPrice(symbol: Int) -> Int64? {
        let book = books[symbol]
        let bidSide = books.side(.buy, of: symbol).pointee
        let askSide = books.side(.sell, of: symbol).pointee
        guard let bestBid = bidSide.best, let bestAsk = askSide.best, bestBid.price >= bestAsk.price else { return nil }
        let bids = bidSide.allLevels
        let asks = askSide.allLevels
        var candidates = bids.map(\.price) + asks.map(\.price)
        candidates.sort()
        var best: (price: Int64, volume: Int64, surplus: Int64, distance: Int64)? = nil
        var previous: Int64? = nil
        for price in candidates where price != previous {
            previous = price
            let buy = bids.reduce(Int64(0)) { $1.price >= price ? $0 + $1.quantity : $0 }
            let sell = asks.reduce(Int64(0)) { $1.price <= price ? $0 + $1.quantity : $0 }
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
        while let bid = books.side(.buy, of: symbol).pointee.best, let ask = books.side(.sell, of: symbol).pointee.best, bid.price >= price, ask.price <= price {
            auctionExecute(bid: bid.head, ask: ask.head, price: price, events: &events)
            books[symbol].lastPrice = price
        }
    }

    /// Auction execution: both orders rest, so the buyer is unlinked too when filled.
    mutating func auctionExecute(bid bidSlot: Int32, ask askSlot: Int32, price: Int64, events: inout [EngineEvent]) {
        let quantity = min(pool[bidSlot].open, pool[askSlot].open)
        let asks = books.side(.sell, of: symbol(of: askSlot))
        execute(aggressor: bidSlot, resting: askSlot, level: asks.pointee.count - 1, of: asks, price: price, aggressorSide: .buy, events: &events)
        if pool[bidSlot].open == 0 {
            unlink(slot: bidSlot, events: &events, quantityAlreadyRemoved: quantity)
            finish(slot: bidSlot)
        } else {
            adjustLevel(symbol: symbol(of: bidSlot), side: .buy, price: pool[bidSlot].price, by: -quantity, events: &events)
        }
    }

    func symbol(of slot: Int32) -> Int { Int(pool[slot].symbol) }

    // MARK: Invariants

    /// Checks every structural and accounting invariant; returns what is broken
    /// (empty when all hold). O(orders).
    public func checkInvariants() -> [String] {
        var violations: [String] = []
        var restingSlots = 0
        var liveEntered: Int64 = 0, liveFilled: Int64 = 0, liveCancelled: Int64 = 0
        for symbolIndex in 0..<books.count {
            let bids = books.side(.buy, of: symbolIndex).pointee
            let asks = books.side(.sell, of: symbolIndex).pointee
            if books[symbolIndex].phase == .continuous, let bid = bids.best, let ask = asks.best, bid.price >= ask.price {
                violations.append("S\(symbolIndex): crossed book in continuous trading (bid \(bid.price) >= ask \(ask.price))")
            }
            for bookSide in [bids, asks] {
                let levels = bookSide.allLevels
                for (index, level) in levels.enumerated() {
                    if index > 0, !bookSide.isBetter(level.price, than: levels[index - 1].price) {
                        violations.append("S\(symbolIndex) \(bookSide.side): levels out of order at \(level.price)")
                    }
                    var slot = level.head
                    var previous: Int32 = -1
                    var sum: Int64 = 0
                    var count: Int32 = 0
                    var lastPriority: UInt64 = 0
                    while slot >= 0 {
                        let record = pool[slot]
                        if record.previous != previous { violations.append("order \(record.id): broken back link") }
                        if record.price != level.price || record.side != bookSide.side || record.symbol != Int32(symbolIndex) {
                            violations.append("order \(record.id): on the wrong level")
                        }
                        let priority = pool[bookkeeping: slot].priority
                        if priority <= lastPriority { violations.append("order \(record.id): FIFO out of time priority") }
                        if record.open <= 0 { violations.append("order \(record.id): resting with no open quantity") }
                        if pool.slot(of: record.id) != slot { violations.append("order \(record.id): id map does not point at it") }
                        lastPriority = priority
                        sum += record.open
                        count += 1
                        previous = slot
                        slot = record.next
                        if count > Int32(pool.slotCount) { violations.append("level \(level.price): cycle"); break }
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
        for slot in 0..<Int32(pool.slotCount) where pool.slot(of: pool[slot].id) == slot && pool[slot].id != 0 {
            let record = pool[slot]
            let entered = pool[bookkeeping: slot].entered
            liveSlots += 1
            if entered != record.filled + record.cancelled + record.open {
                violations.append("order \(record.id): entered \(entered) ≠ filled \(record.filled) + cancelled \(record.cancelled) + resting \(record.open)")
            }
            if !record.resting { violations.append("order \(record.id): live but not resting") }
            liveEntered += entered
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
