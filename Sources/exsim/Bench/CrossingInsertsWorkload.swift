import MatchingEngine
import Measure

/// Liquibook's `pt_order_book` workload: limit orders alternating buy and
/// sell, buys at 1880 + rand%10 and sells at 1884 + rand%10 ticks, quantity
/// (rand%10 + 1) × 100, inserted into one book as fast as possible. About
/// half of them cross and trade; the rest rest.
struct CrossingInsertsWorkload {
    let orderCount: Int
    let seed: UInt64

    struct Result {
        var orderCount: Int
        var elapsedNs: Int64
        var trades: Int
        var latency: LatencyRecorder
        var insertsPerSecond: Double { Double(orderCount) * 1e9 / Double(elapsedNs) }
    }

    static let tickSize: Int64 = 100

    func orders() -> [NewOrder] {
        var random = BenchRandom(seed: seed)
        var orders: [NewOrder] = []
        orders.reserveCapacity(orderCount)
        for index in 0..<orderCount {
            let side: Side = index % 2 == 0 ? .buy : .sell
            let ticks = side == .buy ? 1880 + Int64(random.below(10)) : 1884 + Int64(random.below(10))
            let quantity = Int64(random.below(10) + 1) * 100
            orders.append(NewOrder(
                symbol: SymbolIndex(0), participant: ParticipantID(UInt32(1 + index % 2)), side: side,
                type: .limit, timeInForce: .goodTillCancel, price: Price(ticks * Self.tickSize), quantity: Quantity(quantity)))
        }
        return orders
    }

    func makeEngine() -> MatchingEngine {
        MatchingEngine(symbols: [SymbolConfig(name: "BENCH", tickSize: Self.tickSize, referencePrice: Price(1884 * Self.tickSize))])
    }

    /// Throughput pass: no per-insert timing. Latency pass: a fresh book, each
    /// insert timed on its own (the clock reads add ~40 ns to each figure).
    func run() -> Result {
        let orders = orders()
        var events: [EngineEvent] = []
        events.reserveCapacity(64)

        var engine = makeEngine()
        var trades = 0
        let start = WallClock.nowNs()
        for order in orders {
            events.removeAll(keepingCapacity: true)
            engine.submit(order, events: &events)
            trades &+= events.count
        }
        let elapsed = WallClock.nowNs() - start
        blackHole(trades)

        var latency = LatencyRecorder(name: "insert")
        var timedEngine = makeEngine()
        trades = 0
        for order in orders {
            events.removeAll(keepingCapacity: true)
            let before = WallClock.nowNs()
            timedEngine.submit(order, events: &events)
            latency.record(WallClock.nowNs() - before)
            for event in events { if case .executed = event { trades += 1 } }
        }
        return Result(orderCount: orderCount, elapsedNs: elapsed, trades: trades, latency: latency)
    }
}

/// Keeps the optimiser from deleting work whose result is otherwise unused:
/// not optimised itself, so the value must exist when it is called (an
/// inlined `withExtendedLifetime` of a plain integer keeps nothing).
@inline(never) @_optimize(none)
func blackHole<T>(_ value: T) {
    withExtendedLifetime(value) {}
}
