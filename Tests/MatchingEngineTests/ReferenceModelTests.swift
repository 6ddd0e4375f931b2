import Testing
import MatchingEngine

/// SplitMix64, local to the test so the engine's check depends on nothing else of ours.
struct TestRandom {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    mutating func below(_ bound: Int) -> Int { Int(next() % UInt64(bound)) }
}

@Suite struct ReferenceModelTests {
    static let participantModes: [SelfTradePrevention] = [.none, .none, .cancelNewest, .cancelOldest, .cancelBoth, .decrementAndCancel]

    @Test(arguments: [1, 2, 3, 4, 5] as [UInt64])
    func realEngineMatchesTheNaiveOneEventForEvent(seed: UInt64) {
        var random = TestRandom(state: seed)
        var engine = MatchingEngine(symbols: [SymbolConfig(name: "REF", tickSize: 100, referencePrice: Price(10_000))])
        var reference = ReferenceBook(tickSize: 100, referencePrice: 10_000)
        for (index, mode) in Self.participantModes.enumerated() {
            engine.setSelfTradePrevention(mode, for: ParticipantID(UInt32(index)))
            reference.modes[UInt32(index)] = mode
        }
        var events: [EngineEvent] = []
        var issued: UInt64 = 0
        let symbol = SymbolIndex(0)

        for step in 0..<100_000 {
            events.removeAll(keepingCapacity: true)
            reference.events.removeAll(keepingCapacity: true)
            let participant = ParticipantID(UInt32(random.below(Self.participantModes.count)))
            let draw = random.below(1_000)
            // Mostly on-tick prices between 95.00 and 105.00; now and then off tick.
            let price = Int64(90 + random.below(21)) * 100 + (random.below(100) == 0 ? 50 : 0)
            let quantity = Int64(random.below(10) + 1) * 100 - (random.below(200) == 0 ? 1_000 : 0)
            let target = OrderID(issued == 0 ? 1 : 1 + random.next() % issued)
            switch draw {
            case 0..<450:
                let tifs: [TimeInForce] = [.day, .day, .goodTillCancel, .immediateOrCancel, .fillOrKill]
                let order = NewOrder(symbol: symbol, participant: participant, side: random.below(2) == 0 ? .buy : .sell, type: .limit,
                                     timeInForce: tifs[random.below(tifs.count)], price: Price(price), quantity: Quantity(quantity),
                                     postOnly: random.below(10) == 0)
                engine.submit(order, events: &events)
                reference.submit(order)
                issued += 1
            case 450..<500:
                let order = NewOrder(symbol: symbol, participant: participant, side: random.below(2) == 0 ? .buy : .sell, type: .market,
                                     timeInForce: .immediateOrCancel, price: Price(0), quantity: Quantity(quantity))
                engine.submit(order, events: &events)
                reference.submit(order)
                issued += 1
            case 500..<700:
                // Cancel as the owner most of the time, as someone else now and then.
                let owner = reference.resting.first { $0.id == target.rawValue }.map { ParticipantID($0.participant) } ?? participant
                let who = random.below(20) == 0 ? participant : owner
                engine.cancel(target, participant: who, events: &events)
                reference.cancel(target, participant: who)
            case 700..<780:
                let owner = reference.resting.first { $0.id == target.rawValue }.map { ParticipantID($0.participant) } ?? participant
                let by = Int64(random.below(6)) * 100
                engine.reduce(target, by: Quantity(by), participant: owner, events: &events)
                reference.reduce(target, by: by, participant: owner)
            case 780..<990:
                let current = reference.resting.first { $0.id == target.rawValue }
                let owner = current.map { ParticipantID($0.participant) } ?? participant
                let newPrice = random.below(3) == 0 ? (current?.price ?? price) : price
                engine.replace(target, price: Price(newPrice), quantity: Quantity(quantity), participant: owner, events: &events)
                reference.replace(target, price: newPrice, quantity: quantity, participant: owner)
            case 990..<994:
                engine.setPhase(.halted, symbol: symbol, events: &events)
                reference.setPhase(.halted)
            case 994..<999:
                engine.setPhase(.continuous, symbol: symbol, events: &events)
                reference.setPhase(.continuous)
            default:
                engine.setPhase(.closed, symbol: symbol, events: &events)
                reference.setPhase(.closed)
            }
            if events != reference.events {
                Issue.record("seed \(seed), step \(step): engine \(events) but reference \(reference.events)")
                return
            }
            if step % 5_000 == 0 {
                let violations = engine.checkInvariants()
                #expect(violations.isEmpty, "seed \(seed), step \(step): \(violations.prefix(3))")
                if !violations.isEmpty { return }
            }
        }
        #expect(engine.checkInvariants().isEmpty)
    }
}
