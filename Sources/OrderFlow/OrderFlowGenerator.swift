import MatchingEngine
import SimKernel

/// A seeded population of participants sending orders to one venue.
///
/// Arrivals form a Poisson process at the configured rate. Each arrival picks
/// a participant uniformly, then an instruction by the mix's weights. Limit
/// prices sit around a per-symbol mid that follows a Gaussian random walk, so
/// the book moves and crosses now and then; cancels and replaces target the
/// participant's own open orders, which the generator learns from the
/// venue's responses (`orderOpened`, `orderClosed`).
///
/// All randomness comes from the one stream passed in, so a flow's behaviour
/// depends only on the scenario seed, its name, and what the venue told it.
public struct OrderFlowGenerator: Sendable {
    public let config: FlowConfig
    public let symbols: [FlowSymbol]
    public let firstParticipant: UInt32

    var random: RandomStream
    let meanInterarrivalNs: Double
    let cumulativeMix: (limit: Double, market: Double, ioc: Double, cancel: Double, total: Double)

    /// Mid price of each symbol in ticks, and when it last stepped.
    var midTicks: [Int64]
    var midSteppedAt: [Nanoseconds]

    struct OpenOrder: Hashable, Sendable {
        var id: OrderID
        /// The participant's own reference for the order.
        var reference: UInt64
        var symbolSlot: Int32
        var side: Side
        var priceTicks: Int64
        var quantity: Int64
    }

    /// Open orders of each participant (index = participant - firstParticipant).
    var openOrders: [[OpenOrder]]
    /// Where each open order sits in `openOrders`.
    var openOrderLocation = OpenOrderLocations()

    public private(set) var instructionsGenerated: UInt64 = 0

    public init(config: FlowConfig, symbols: [FlowSymbol], firstParticipant: UInt32, random: RandomStream) {
        precondition(config.rateOrdersPerSecond > 0, "flow rate must be positive")
        precondition(config.participants > 0, "a flow needs participants")
        precondition(!symbols.isEmpty, "a flow needs symbols")
        precondition(config.mix.total > 0, "order mix weights are all zero")
        precondition(config.minQuantity > 0 && config.minQuantity <= config.maxQuantity, "bad quantity range")
        precondition(config.lotSize > 0, "lot size must be positive")
        self.config = config
        self.symbols = symbols
        self.firstParticipant = firstParticipant
        self.random = random
        self.meanInterarrivalNs = 1e9 / config.rateOrdersPerSecond
        let mix = config.mix
        cumulativeMix = (
            mix.limit,
            mix.limit + mix.market,
            mix.limit + mix.market + mix.immediateOrCancel,
            mix.limit + mix.market + mix.immediateOrCancel + mix.cancel,
            mix.total
        )
        for symbol in symbols {
            precondition(symbol.largestPriceTicks >= 2 * (config.priceSpreadTicks + 1),
                         "the quoting band does not fit below the largest price")
        }
        midTicks = symbols.map { symbol in
            Self.clampedMid(symbol.referencePrice.rawValue / symbol.tickSize, symbol: symbol, spreadTicks: config.priceSpreadTicks)
        }
        midSteppedAt = Array(repeating: 0, count: symbols.count)
        openOrders = Array(repeating: [], count: config.participants)
    }

    /// The participant ids this flow uses.
    public var participantRange: Range<UInt32> {
        firstParticipant..<(firstParticipant + UInt32(config.participants))
    }

    /// Time until the next arrival (exponential, rounded to whole nanoseconds).
    public mutating func nextInterarrivalNs() -> Nanoseconds {
        Nanoseconds(random.nextExponential(mean: meanInterarrivalNs).rounded())
    }

    /// The instruction of the arrival at `now`.
    public mutating func nextInstruction(now: Nanoseconds) -> FlowInstruction {
        instructionsGenerated += 1
        let participantSlot = Int(random.nextBelow(UInt64(config.participants)))
        let participant = ParticipantID(firstParticipant + UInt32(participantSlot))
        let draw = random.nextUnitInterval() * cumulativeMix.total
        if draw >= cumulativeMix.ioc {
            // Cancel or replace one of the participant's open orders, if it has any.
            if !openOrders[participantSlot].isEmpty {
                return draw < cumulativeMix.cancel
                    ? cancelOne(of: participantSlot, participant: participant)
                    : replaceOne(of: participantSlot, participant: participant, now: now)
            }
            return newOrder(participant: participant, kind: .limit, now: now)
        }
        if draw < cumulativeMix.limit {
            if openOrders[participantSlot].count >= config.maxOpenOrdersPerParticipant {
                return cancelOne(of: participantSlot, participant: participant)
            }
            return newOrder(participant: participant, kind: .limit, now: now)
        }
        return newOrder(participant: participant, kind: draw < cumulativeMix.market ? .market : .immediateOrCancel, now: now)
    }

    enum NewOrderKind { case limit, market, immediateOrCancel }

    mutating func newOrder(participant: ParticipantID, kind: NewOrderKind, now: Nanoseconds) -> FlowInstruction {
        let symbolSlot = Int(random.nextBelow(UInt64(symbols.count)))
        let symbol = symbols[symbolSlot]
        let side: Side = random.nextBelow(2) == 0 ? .buy : .sell
        let mid = currentMid(symbolSlot, now: now)
        let quantity = drawQuantity()
        switch kind {
        case .limit:
            let priceTicks = limitPriceTicks(side: side, mid: mid)
            return .new(NewOrder(
                symbol: symbol.index, participant: participant, side: side, type: .limit,
                timeInForce: .day, price: Price(priceTicks * symbol.tickSize), quantity: Quantity(quantity)))
        case .immediateOrCancel:
            // Marketable up to the far edge of the quoting band.
            let edge = side == .buy ? mid + config.priceSpreadTicks : mid - config.priceSpreadTicks
            return .new(NewOrder(
                symbol: symbol.index, participant: participant, side: side, type: .limit,
                timeInForce: .immediateOrCancel, price: Price(max(1, edge) * symbol.tickSize), quantity: Quantity(quantity)))
        case .market:
            return .new(NewOrder(
                symbol: symbol.index, participant: participant, side: side, type: .market,
                timeInForce: .immediateOrCancel, price: Price(0), quantity: Quantity(quantity)))
        }
    }

    /// Passive most of the time: buys from `spread` ticks below the mid to one
    /// above, sells mirrored, so a few cross and trade on arrival.
    mutating func limitPriceTicks(side: Side, mid: Int64) -> Int64 {
        let offset = random.nextInt(in: -config.priceSpreadTicks...1)
        let ticks = side == .buy ? mid + offset : mid - offset
        return max(1, ticks)
    }

    mutating func drawQuantity() -> Int64 {
        let lots = random.nextInt(in: (config.minQuantity / config.lotSize)...max(config.minQuantity / config.lotSize, config.maxQuantity / config.lotSize))
        return max(config.lotSize, lots * config.lotSize)
    }

    /// Steps the mid's random walk for the whole steps elapsed since it last
    /// moved: one normal draw scaled by √steps, rounded to ticks.
    mutating func currentMid(_ symbolSlot: Int, now: Nanoseconds) -> Int64 {
        let steps = (now - midSteppedAt[symbolSlot]) / config.midStepIntervalNs
        if steps > 0, config.midWalkTicks > 0 {
            let move = random.nextStandardNormal() * config.midWalkTicks * Double(steps).squareRoot()
            // Bounded in floating point first: a wide walk over a long gap
            // can step further than an Int64 holds.
            let bound = Double(symbols[symbolSlot].largestPriceTicks)
            let stepped = min(max(Double(midTicks[symbolSlot]) + move.rounded(), 0), bound)
            midTicks[symbolSlot] = Self.clampedMid(Int64(stepped), symbol: symbols[symbolSlot], spreadTicks: config.priceSpreadTicks)
            midSteppedAt[symbolSlot] += steps * config.midStepIntervalNs
        }
        return midTicks[symbolSlot]
    }

    /// Keeps the mid where the whole quoting band, `spreadTicks` either side
    /// and one tick more, lies between one tick and the largest price the
    /// venue's wire formats carry.
    static func clampedMid(_ ticks: Int64, symbol: FlowSymbol, spreadTicks: Int64) -> Int64 {
        min(max(spreadTicks + 1, ticks), symbol.largestPriceTicks - spreadTicks - 1)
    }

    mutating func cancelOne(of participantSlot: Int, participant: ParticipantID) -> FlowInstruction {
        let position = Int(random.nextBelow(UInt64(openOrders[participantSlot].count)))
        let order = openOrders[participantSlot][position]
        // The participant forgets the order as it sends the cancel, so it never
        // cancels or replaces it twice.
        removeOpenOrder(order.id)
        return .cancel(order.id, reference: order.reference, participant: participant, symbol: symbols[Int(order.symbolSlot)].index)
    }

    mutating func replaceOne(of participantSlot: Int, participant: ParticipantID, now: Nanoseconds) -> FlowInstruction {
        let position = Int(random.nextBelow(UInt64(openOrders[participantSlot].count)))
        var order = openOrders[participantSlot][position]
        let symbol = symbols[Int(order.symbolSlot)]
        let mid = currentMid(Int(order.symbolSlot), now: now)
        var priceTicks = limitPriceTicks(side: order.side, mid: mid)
        if priceTicks == order.priceTicks {
            priceTicks += order.side == .buy ? -1 : 1
        }
        order.priceTicks = max(1, priceTicks)
        openOrders[participantSlot][position] = order
        return .replace(order.id, reference: order.reference, participant: participant, symbol: symbol.index,
                        price: Price(order.priceTicks * symbol.tickSize), quantity: Quantity(order.quantity))
    }

    /// The venue acknowledged a resting order of this flow; `reference` is
    /// the participant's own for it, handed back with each cancel or replace.
    public mutating func orderOpened(
        _ id: OrderID, reference: UInt64, participant: ParticipantID, symbol: SymbolIndex, side: Side, price: Price, quantity: Quantity
    ) {
        guard let symbolSlot = symbols.firstIndex(where: { $0.index == symbol }) else { return }
        let participantSlot = Int32(participant.rawValue - firstParticipant)
        let order = OpenOrder(id: id, reference: reference, symbolSlot: Int32(symbolSlot), side: side,
                              priceTicks: price.rawValue / symbols[symbolSlot].tickSize, quantity: quantity.rawValue)
        openOrderLocation[id] = .init(participant: participantSlot, position: Int32(openOrders[Int(participantSlot)].count))
        openOrders[Int(participantSlot)].append(order)
    }

    /// The order's open quantity changed (partial fill, reduce).
    public mutating func orderOpenQuantityChanged(_ id: OrderID, to quantity: Quantity) {
        guard quantity.rawValue > 0 else { return orderClosed(id) }
        guard let location = openOrderLocation[id] else { return }
        openOrders[Int(location.participant)][Int(location.position)].quantity = quantity.rawValue
    }

    /// The participant now knows the order by another reference (a replace
    /// took effect); unknown ids are ignored.
    public mutating func orderReferenceChanged(_ id: OrderID, to reference: UInt64) {
        guard let location = openOrderLocation[id] else { return }
        openOrders[Int(location.participant)][Int(location.position)].reference = reference
    }

    /// The order left the book (filled, cancelled); unknown ids are ignored.
    public mutating func orderClosed(_ id: OrderID) {
        removeOpenOrder(id)
    }

    mutating func removeOpenOrder(_ id: OrderID) {
        guard let location = openOrderLocation[id] else { return }
        openOrderLocation[id] = nil
        let participant = Int(location.participant)
        let position = Int(location.position)
        let last = openOrders[participant].count - 1
        if position != last {
            let moved = openOrders[participant][last]
            openOrders[participant][position] = moved
            openOrderLocation[moved.id] = location
        }
        openOrders[participant].removeLast()
    }

    /// Open orders the flow believes it has, over all participants.
    public var openOrderCount: Int { openOrderLocation.count }
}
