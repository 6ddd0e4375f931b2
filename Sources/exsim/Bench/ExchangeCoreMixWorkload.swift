import MatchingEngine
import Measure

/// The order mix of exchange-core's benchmarks: a book of about 1,000 resting
/// orders over about 750 price levels, then a stream of 9 % GTC limit, 3 %
/// IOC, 6 % cancel and 82 % move (price replace) instructions.
///
/// Open loop: instruction *i* is planned at start + i / rate, and its latency
/// runs from that planned time to its completion, so a stall is charged to
/// every instruction that queued behind it (no coordinated omission).
struct ExchangeCoreMixWorkload {
    let seed: UInt64
    let targetRestingOrders = 1_000
    /// Resting prices spread over this many ticks each side of the mid.
    let halfRangeTicks: Int64 = 375
    let midTicks: Int64 = 10_000
    static let tickSize: Int64 = 100

    struct RateResult {
        var plannedRate: Double
        var operations: Int
        var achievedRate: Double
        var latency: LatencyRecorder
    }

    /// The engine plus the generator's knowledge of which orders rest.
    struct Driver {
        var engine: MatchingEngine
        var random: BenchRandom
        var events: [EngineEvent] = []
        var live: [OrderID] = []
        /// Position in `live` by order id; -1 when not live.
        var position: [Int32] = [-1]
        let halfRangeTicks: Int64
        let midTicks: Int64
        let target: Int

        init(seed: UInt64, halfRangeTicks: Int64, midTicks: Int64, target: Int) {
            engine = MatchingEngine(symbols: [SymbolConfig(name: "BENCH", tickSize: ExchangeCoreMixWorkload.tickSize, referencePrice: Price(midTicks * ExchangeCoreMixWorkload.tickSize))])
            random = BenchRandom(seed: seed)
            self.halfRangeTicks = halfRangeTicks
            self.midTicks = midTicks
            self.target = target
            events.reserveCapacity(64)
            live.reserveCapacity(target * 2)
        }

        mutating func restingPrice(_ side: Side) -> Price {
            let offset = 1 + Int64(random.below(Int(halfRangeTicks)))
            return Price((side == .buy ? midTicks - offset : midTicks + offset) * ExchangeCoreMixWorkload.tickSize)
        }

        mutating func quantity() -> Quantity { Quantity(Int64(random.below(10) + 1) * 100) }

        mutating func addResting() {
            let side: Side = random.below(2) == 0 ? .buy : .sell
            let order = NewOrder(symbol: SymbolIndex(0), participant: ParticipantID(UInt32(1 + random.below(8))), side: side,
                                 type: .limit, timeInForce: .goodTillCancel, price: restingPrice(side), quantity: quantity())
            submit(order)
        }

        /// Sizes the engine's id map and the driver's own per-id arrays for
        /// `count` more orders, as a venue sizes itself before the open, so
        /// that growing them is not charged to the instructions measured.
        mutating func reserveCapacity(orders count: Int) {
            engine.reserveCapacity(orders: count)
            growPerOrderArrays(by: count)
            live.reserveCapacity(max(live.count, target * 2))
        }

        mutating func growPerOrderArrays(by count: Int) {
            position.append(contentsOf: repeatElement(-1, count: count))
            owners.append(contentsOf: repeatElement(0, count: count))
            sides.append(contentsOf: repeatElement(.buy, count: count))
        }

        mutating func submit(_ order: NewOrder) {
            events.removeAll(keepingCapacity: true)
            let id = engine.submit(order, events: &events)
            let index = Int(id.rawValue)
            if index >= position.count { growPerOrderArrays(by: index - position.count + 1) }
            owners[index] = order.participant.rawValue
            sides[index] = order.side
            absorbEvents()
            if engine.openQuantity(of: id) != nil {
                position[index] = Int32(live.count)
                live.append(id)
            }
        }

        /// Drops orders that left the book from the live list.
        mutating func absorbEvents() {
            for event in events {
                switch event {
                case .executed(let execution) where execution.restingRemaining.rawValue == 0:
                    removeLive(execution.resting)
                case .cancelled(let id, _, _, let remaining, _) where remaining.rawValue == 0:
                    removeLive(id)
                default:
                    break
                }
            }
        }

        mutating func removeLive(_ id: OrderID) {
            let index = Int(id.rawValue)
            guard index < position.count, position[index] >= 0 else { return }
            let at = Int(position[index])
            let last = live.removeLast()
            if at < live.count {
                live[at] = last
                position[Int(last.rawValue)] = Int32(at)
            }
            position[index] = -1
        }

        /// One instruction of the mix.
        @inline(__always)
        mutating func step() {
            let draw = random.below(100)
            if live.isEmpty || (draw < 9 || (draw >= 12 && draw < 18 && live.count < target * 9 / 10)) {
                addResting()
            } else if draw < 12 {
                let side: Side = random.below(2) == 0 ? .buy : .sell
                let price = Price((side == .buy ? midTicks + halfRangeTicks : midTicks - halfRangeTicks) * ExchangeCoreMixWorkload.tickSize)
                submit(NewOrder(symbol: SymbolIndex(0), participant: ParticipantID(9), side: side, type: .limit,
                                timeInForce: .immediateOrCancel, price: price, quantity: quantity()))
            } else if draw < 18 || live.count > target * 11 / 10 {
                let id = live[random.below(live.count)]
                events.removeAll(keepingCapacity: true)
                engine.cancel(id, participant: owner(id), events: &events)
                absorbEvents()
            } else {
                let id = live[random.below(live.count)]
                let open = engine.openQuantity(of: id) ?? Quantity(100)
                let side = sideOf(id)
                events.removeAll(keepingCapacity: true)
                engine.replace(id, price: restingPrice(side), quantity: open, participant: owner(id), events: &events)
                absorbEvents()
            }
        }

        /// What a gateway remembers of each order it sent, by id.
        var owners: [UInt32] = [0]
        var sides: [Side] = [.buy]
        func owner(_ id: OrderID) -> ParticipantID { ParticipantID(owners[Int(id.rawValue)]) }
        func sideOf(_ id: OrderID) -> Side { sides[Int(id.rawValue)] }
    }

    func makeDriver() -> Driver {
        var driver = Driver(seed: seed, halfRangeTicks: halfRangeTicks, midTicks: midTicks, target: targetRestingOrders)
        while driver.live.count < targetRestingOrders { driver.addResting() }
        return driver
    }

    /// Back-to-back instructions: the maximum sustainable rate.
    func maximumThroughput(operations: Int) -> (operations: Int, elapsedNs: Int64) {
        var driver = makeDriver()
        let start = WallClock.nowNs()
        for _ in 0..<operations { driver.step() }
        let elapsed = WallClock.nowNs() - start
        blackHole(driver.live.count)
        return (operations, elapsed)
    }

    func openLoop(rate: Double, durationNs: Int64) -> RateResult {
        var driver = makeDriver()
        // Every instruction assigns at most one new order id.
        driver.reserveCapacity(orders: Int(rate * Double(durationNs) / 1e9) + 1)
        return Self.runOpenLoop(rate: rate, durationNs: durationNs, name: "open-loop @ \(rate)") { driver.step() }
    }

    /// The same open loop with no instruction in it: what the machine alone
    /// adds between a planned time and its measurement (scheduler and
    /// virtual-machine pauses, interrupts, the clock read). The engine's
    /// tail cannot be told apart from this floor.
    func platformFloor(rate: Double, durationNs: Int64) -> RateResult {
        Self.runOpenLoop(rate: rate, durationNs: durationNs, name: "platform floor @ \(rate)") {}
    }

    @inline(__always)
    static func runOpenLoop(rate: Double, durationNs: Int64, name: String, step: () -> Void) -> RateResult {
        let operations = Int(rate * Double(durationNs) / 1e9)
        let intervalNs = 1e9 / rate
        var latency = LatencyRecorder(name: name)
        let start = WallClock.nowNs() + 1_000_000
        while WallClock.nowNs() < start {}
        for index in 0..<operations {
            let planned = start + Int64((Double(index) * intervalNs).rounded())
            var now = WallClock.nowNs()
            while now < planned { now = WallClock.nowNs() }
            step()
            latency.record(WallClock.nowNs() - planned)
        }
        let elapsed = WallClock.nowNs() - start
        return RateResult(plannedRate: rate, operations: operations, achievedRate: Double(operations) * 1e9 / Double(elapsed), latency: latency)
    }
}
