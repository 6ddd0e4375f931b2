import MatchingEngine
import Testing
@testable import Exchange

struct SplitMix64 {
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

func clientID(_ text: String) -> ClientOrderID { ClientOrderID(text)! }

@Suite struct OrderEntryDeskTests {
    var engine = MatchingEngine(symbols: [SymbolConfig(name: "AAPL", tickSize: 100, referencePrice: 1_900_000)])
    var desk = OrderEntryDesk()
    var events: [EngineEvent] = []
    var reports: [OrderEntryDesk.AddressedReport] = []

    mutating func send(_ request: OrderEntryRequest, from session: Int32) -> [OrderEntryReport] {
        reports.removeAll()
        desk.handle(request, from: session, engine: &engine, events: &events, reports: &reports)
        return reports.map(\.report)
    }

    static func limit(_ id: String, _ side: Side, price: Int64, quantity: Int64, tif: TimeInForce = .day) -> OrderEntryRequest {
        .new(NewOrderRequest(clientID: clientID(id), symbol: SymbolIndex(0), side: side, timeInForce: tif,
                             price: Price(price), quantity: Quantity(quantity)))
    }

    @Test mutating func duplicateClientIDIsRejectedWithoutReachingTheEngine() {
        let seller = desk.addSession(participant: ParticipantID(1))
        #expect(send(Self.limit("A1", .sell, price: 1_900_000, quantity: 100), from: seller).count == 1)
        let again = send(Self.limit("A1", .sell, price: 1_900_100, quantity: 100), from: seller)
        guard case .rejected(_, let order, .duplicateClientID) = again.first else {
            Issue.record("expected a duplicate reject, got \(again)")
            return
        }
        #expect(order == nil)
        #expect(engine.bestAsk(SymbolIndex(0)) == Price(1_900_000), "the second order never reached the book")
        // Another session may use the same id.
        let other = desk.addSession(participant: ParticipantID(2))
        guard case .accepted = send(Self.limit("A1", .sell, price: 1_900_100, quantity: 100), from: other).first else {
            Issue.record("another session's A1 is its own")
            return
        }
    }

    @Test mutating func fillsReachBothOwnersWithLiquidityAndRunningTotals() throws {
        let seller = desk.addSession(participant: ParticipantID(1))
        let buyer = desk.addSession(participant: ParticipantID(2))
        _ = send(Self.limit("S1", .sell, price: 1_900_000, quantity: 300), from: seller)
        _ = send(Self.limit("B1", .buy, price: 1_900_000, quantity: 100), from: buyer)
        let forSeller = reports.filter { $0.session == seller }.map(\.report)
        let forBuyer = reports.filter { $0.session == buyer }.map(\.report)
        guard case .executed(let sellState, let quantity, let price, let matchID, .added) = try #require(forSeller.first),
              case .accepted = try #require(forBuyer.first),
              case .executed(let buyState, _, _, let buyMatch, .removed) = try #require(forBuyer.last) else {
            Issue.record("unexpected reports \(reports)")
            return
        }
        #expect(quantity == 100 && price == Price(1_900_000) && matchID == buyMatch)
        #expect(sellState.openQuantity == 200 && sellState.executedQuantity == 100 && sellState.clientID == clientID("S1"))
        #expect(buyState.isDone && desk.openOrder(session: buyer, clientID: clientID("B1")) == nil)
    }

    @Test mutating func replaceRenamesTheOrderAndCancelReducesOrCancels() throws {
        let session = desk.addSession(participant: ParticipantID(1))
        _ = send(Self.limit("O1", .buy, price: 1_890_000, quantity: 500), from: session)
        let replaced = send(.replace(target: clientID("O1"), replacementID: clientID("O2"), price: Price(1_890_100),
                                     quantity: Quantity(400), quantityIncludesExecuted: false), from: session)
        guard case .replaced(let state, let previous) = try #require(replaced.first) else {
            Issue.record("\(replaced)")
            return
        }
        #expect(previous == clientID("O1") && state.clientID == clientID("O2") && state.openQuantity == 400)
        // The old id is gone; the new one answers.
        guard case .cancelRejected(_, _, false, nil, .unknownClientID) = send(
            .cancel(target: clientID("O1"), requestID: nil, newOpenQuantity: .zero), from: session).first else {
            Issue.record("O1 must be unknown after the replace")
            return
        }
        let reduced = send(.cancel(target: clientID("O2"), requestID: clientID("C1"), newOpenQuantity: Quantity(150)), from: session)
        guard case .cancelled(let after, let decrement, .requested, let requestID) = try #require(reduced.first) else {
            Issue.record("\(reduced)")
            return
        }
        #expect(after.openQuantity == 150 && decrement == 250 && requestID == clientID("C1"))
        guard case .cancelled(let gone, 150, .requested, _) = send(
            .cancel(target: clientID("O2"), requestID: nil, newOpenQuantity: .zero), from: session).first else {
            Issue.record("full cancel")
            return
        }
        #expect(gone.isDone && desk.openOrderCount == 0)
    }
}

/// Random instructions from two sessions through the desk and the engine,
/// with halts and reopening auctions; a naive consumer applies the feed's
/// updates to an order-by-order book, whose levels must always equal the
/// engine's, and each session's view of its open orders must match the engine.
@Suite struct BookFeedTranslatorTests {
    struct ConsumerOrder { var symbol: Int32; var side: Side; var price: Int64; var quantity: Int64 }

    @Test(arguments: [1, 2, 3] as [UInt64])
    func feedConsumersBookMatchesTheEngine(seed: UInt64) throws {
        var random = SplitMix64(state: seed)
        let symbols = [SymbolConfig(name: "AAA", tickSize: 100, referencePrice: 100_000),
                       SymbolConfig(name: "BBB", tickSize: 100, referencePrice: 200_000)]
        var engine = MatchingEngine(symbols: symbols)
        var desk = OrderEntryDesk()
        var translator = BookFeedTranslator()
        let sessions = [desk.addSession(participant: ParticipantID(1)), desk.addSession(participant: ParticipantID(2))]
        for phaseSymbol in 0..<2 {
            var ignored: [EngineEvent] = []
            engine.setPhase(.continuous, symbol: SymbolIndex(Int32(phaseSymbol)), events: &ignored)
        }
        var engineLevels: [String: Int64] = [:]
        var consumer: [UInt64: ConsumerOrder] = [:]
        var open: [[String]] = [[], []]
        var nextID = 0
        var events: [EngineEvent] = []
        var reports: [OrderEntryDesk.AddressedReport] = []
        var updates: [BookFeedUpdate] = []
        var counts = [String: Int]()

        for step in 0..<20_000 {
            events.removeAll()
            reports.removeAll()
            updates.removeAll()
            let sessionIndex = random.below(2)
            let session = sessions[sessionIndex]
            let symbol = SymbolIndex(Int32(random.below(2)))
            let roll = random.below(100)
            if roll < 2 {
                let phase: TradingPhase = engine.phase(of: symbol) == .continuous ? .halted : .continuous
                engine.setPhase(phase, symbol: symbol, events: &events)
                desk.absorbUnsolicited(events, reports: &reports)
            } else if roll < 60 || open[sessionIndex].isEmpty {
                nextID += 1
                let id = "N\(nextID)"
                let side: Side = random.below(2) == 0 ? .buy : .sell
                let base = symbols[Int(symbol.rawValue)].referencePrice.rawValue
                let price = base + Int64(random.below(11) - 5) * 100 + (side == .buy ? -100 : 100) * Int64(random.below(3))
                let tifRoll = random.below(10)
                let tif: TimeInForce = tifRoll == 0 ? .immediateOrCancel : tifRoll == 1 ? .fillOrKill : .day
                let type: OrderType = random.below(20) == 0 ? .market : .limit
                desk.handle(.new(NewOrderRequest(clientID: clientID(id), symbol: symbol, side: side, type: type,
                                                 timeInForce: tif, price: Price(price), quantity: Quantity(Int64(random.below(5) + 1) * 100),
                                                 postOnly: random.below(15) == 0)),
                            from: session, engine: &engine, events: &events, reports: &reports)
            } else {
                let target = open[sessionIndex][random.below(open[sessionIndex].count)]
                let state = desk.openOrder(session: session, clientID: clientID(target))
                if roll < 75 {
                    desk.handle(.cancel(target: clientID(target), requestID: nil, newOpenQuantity: .zero),
                                from: session, engine: &engine, events: &events, reports: &reports)
                } else if roll < 85, let state, state.openQuantity.rawValue > 100 {
                    desk.handle(.cancel(target: clientID(target), requestID: nil, newOpenQuantity: Quantity(state.openQuantity.rawValue - 100)),
                                from: session, engine: &engine, events: &events, reports: &reports)
                } else if let state {
                    nextID += 1
                    let move = Int64(random.below(5) - 2) * 100
                    desk.handle(.replace(target: clientID(target), replacementID: clientID("N\(nextID)"),
                                         price: Price(max(100, state.price.rawValue + move)),
                                         quantity: Quantity(Int64(random.below(5) + 1) * 100), quantityIncludesExecuted: false),
                                from: session, engine: &engine, events: &events, reports: &reports)
                }
            }
            translator.translate(events, engine: engine, into: &updates)

            for event in events {
                if case .bookChanged(let s, let side, let price, let quantity) = event {
                    engineLevels["\(s.rawValue)/\(side)/\(price.rawValue)"] = quantity.rawValue == 0 ? nil : quantity.rawValue
                }
            }
            for update in updates {
                switch update {
                case .add(let reference, let s, let side, let price, let quantity):
                    #expect(consumer[reference] == nil, "reference reused")
                    consumer[reference] = ConsumerOrder(symbol: s.rawValue, side: side, price: price.rawValue, quantity: quantity.rawValue)
                    counts["add", default: 0] += 1
                case .executed(let reference, _, let quantity, _), .executedWithPrice(let reference, _, let quantity, _, _),
                     .cancel(let reference, _, let quantity):
                    var order = try #require(consumer[reference], "update for unknown reference \(reference)")
                    order.quantity -= quantity.rawValue
                    #expect(order.quantity >= 0)
                    consumer[reference] = order.quantity == 0 ? nil : order
                    if case .executedWithPrice = update { counts["auction", default: 0] += 1 }
                case .delete(let reference, _):
                    #expect(consumer.removeValue(forKey: reference) != nil)
                case .replace(let original, _, let new, let price, let quantity):
                    let removed = consumer.removeValue(forKey: original)
                    let old = try #require(removed, "replace of unknown reference \(original)")
                    consumer[new] = ConsumerOrder(symbol: old.symbol, side: old.side, price: price.rawValue, quantity: quantity.rawValue)
                    counts["replace", default: 0] += 1
                case .tradingState, .crossTrade:
                    counts["state", default: 0] += 1
                }
            }
            for report in reports {
                let index = Int(report.session)
                switch report.report {
                case .accepted(let state) where !state.isDone:
                    open[index].append(state.clientID.description)
                case .replaced(let state, let previous):
                    open[index].removeAll { $0 == previous.description }
                    if !state.isDone { open[index].append(state.clientID.description) }
                case .executed(let state, _, _, _, _), .cancelled(let state, _, _, _):
                    if state.isDone { open[index].removeAll { $0 == state.clientID.description } }
                default:
                    break
                }
            }

            if step % 500 == 0 || step == 19_999 {
                var consumerLevels: [String: Int64] = [:]
                for order in consumer.values {
                    consumerLevels["\(order.symbol)/\(order.side)/\(order.price)", default: 0] += order.quantity
                }
                #expect(consumerLevels == engineLevels, "step \(step)")
                #expect(consumer.count == translator.restingOrderCount)
                for (index, session) in sessions.enumerated() {
                    for id in open[index] {
                        let state = try #require(desk.openOrder(session: session, clientID: clientID(id)), "\(id) open per reports")
                        #expect(engine.openQuantity(of: state.order) == state.openQuantity)
                    }
                }
                #expect(open[0].count + open[1].count == desk.openOrderCount)
            }
        }
        #expect(counts["add", default: 0] > 1_000 && counts["replace", default: 0] > 100 && counts["auction", default: 0] > 0,
                "the walk covers adds, replaces and auctions: \(counts.sorted { $0.key < $1.key })")
    }
}
