import MatchingEngine
import Testing
import Wire
@testable import Exchange

/// The venue's feed, end to end in bytes: engine events → feed updates →
/// ITCH messages in MoldUDP64 packets → decoded again by the Wire module's
/// views → an order-by-order book that must equal the engine's levels.
@Suite struct ITCHFeedPublisherTests {
    @Test func decodedFeedRebuildsTheEnginesBook() throws {
        let symbols = [SymbolConfig(name: "AAA", tickSize: 100, referencePrice: 100_000),
                       SymbolConfig(name: "BBBB", tickSize: 100, referencePrice: 200_000)]
        var engine = MatchingEngine(symbols: symbols)
        var desk = OrderEntryDesk()
        var translator = BookFeedTranslator()
        var feed = ITCHFeedPublisher(symbols: symbols.map { Alpha8($0.name)! }, session: MoldUDP64SessionID("SIM0000001")!)
        let sessions = [desk.addSession(participant: ParticipantID(1)), desk.addSession(participant: ParticipantID(2))]
        var packets: [[UInt8]] = []
        func collect(_ actions: [ITCHFeedPublisher.Action]) {
            for case .send(let packet) in actions { packets.append(packet) }
        }
        var events: [EngineEvent] = []
        for index in 0..<2 { engine.setPhase(.continuous, symbol: SymbolIndex(Int32(index)), events: &events) }
        collect(feed.start(phases: [.continuous, .continuous], nowNs: 0))

        var random = SplitMix64(state: 99)
        var open: [[String]] = [[], []]
        var engineLevels: [String: Int64] = [:]
        var reports: [OrderEntryDesk.AddressedReport] = []
        var updates: [BookFeedUpdate] = []
        for step in 1...5_000 {
            let now = Int64(step) * 1_000
            events.removeAll()
            reports.removeAll()
            updates.removeAll()
            let s = random.below(2)
            let symbol = SymbolIndex(Int32(random.below(2)))
            let roll = random.below(100)
            if step == 2_000 || step == 2_500 {
                engine.setPhase(step == 2_000 ? .halted : .continuous, symbol: SymbolIndex(0), events: &events)
                desk.absorbUnsolicited(events, reports: &reports)
            } else if roll < 65 || open[s].isEmpty {
                let side: Side = random.below(2) == 0 ? .buy : .sell
                let price = symbols[Int(symbol.rawValue)].referencePrice.rawValue + Int64(random.below(9) - 4) * 100
                desk.handle(.new(NewOrderRequest(clientID: clientID("\(step)"), symbol: symbol, side: side,
                                                 price: Price(price), quantity: Quantity(Int64(random.below(4) + 1) * 100))),
                            from: sessions[s], engine: &engine, events: &events, reports: &reports)
            } else if roll < 85 {
                let target = open[s].removeFirst()
                // Half the cancels reduce by one lot when there is more than one.
                var keep = Quantity.zero
                if roll < 75, let state = desk.openOrder(session: sessions[s], clientID: clientID(target)),
                   state.openQuantity.rawValue > 100 {
                    keep = Quantity(state.openQuantity.rawValue - 100)
                    open[s].append(target)
                }
                desk.handle(.cancel(target: clientID(target), requestID: nil, newOpenQuantity: keep),
                            from: sessions[s], engine: &engine, events: &events, reports: &reports)
            } else {
                let target = open[s].removeFirst()
                if let state = desk.openOrder(session: sessions[s], clientID: clientID(target)) {
                    desk.handle(.replace(target: clientID(target), replacementID: clientID("\(step)"),
                                         price: Price(state.price.rawValue + 100), quantity: state.openQuantity,
                                         quantityIncludesExecuted: false),
                                from: sessions[s], engine: &engine, events: &events, reports: &reports)
                }
            }
            for report in reports {
                switch report.report {
                case .accepted(let state) where !state.isDone: open[Int(report.session)].append(state.clientID.description)
                case .replaced(let state, _) where !state.isDone: open[Int(report.session)].append(state.clientID.description)
                default: break
                }
            }
            for event in events {
                if case .bookChanged(let symbol, let side, let price, let quantity) = event {
                    engineLevels["\(symbol.rawValue)/\(side == .buy ? "B" : "S")/\(price.rawValue)"] = quantity.rawValue == 0 ? nil : quantity.rawValue
                }
            }
            translator.translate(events, engine: engine, into: &updates)
            collect(feed.publish(updates, nowNs: now))
            collect(feed.flush(nowNs: now))
        }
        collect(feed.end(nowNs: 6_000_000))

        // Decode every packet with the Wire views and rebuild the book.
        struct Resting { var symbol: UInt16; var side: UInt8; var price: UInt32; var shares: UInt32 }
        var book: [UInt64: Resting] = [:]
        var nextSequence: UInt64 = 1
        var typesSeen = Set<UInt8>()
        var endOfSessionSeen = false
        var lastTimestamp: UInt64 = 0
        for packet in packets {
            try packet.withUnsafeBytes { bytes in
                let view = try MoldUDP64PacketView(validating: bytes)
                #expect(view.session == MoldUDP64SessionID("SIM0000001")!)
                switch view.kind {
                case .heartbeat: return
                case .endOfSession: endOfSessionSeen = true; return
                case .messages: break
                }
                #expect(view.sequenceNumber == nextSequence, "no gap and no overlap between packets")
                var iterator = view.messages
                while let block = iterator.next() {
                    nextSequence += 1
                    let message = try ITCHMessageView(validating: block)
                    typesSeen.insert(message.messageType.rawValue)
                    #expect(message.timestampNs >= lastTimestamp)
                    lastTimestamp = message.timestampNs
                    if let add = message.addOrder {
                        #expect(book[add.orderReferenceNumber] == nil)
                        book[add.orderReferenceNumber] = Resting(symbol: add.stockLocate, side: add.side.rawValue, price: add.price, shares: add.shares)
                    } else if let executed = message.orderExecuted {
                        book[executed.orderReferenceNumber]!.shares -= executed.executedShares
                        if book[executed.orderReferenceNumber]!.shares == 0 { book[executed.orderReferenceNumber] = nil }
                    } else if let executed = message.orderExecutedWithPrice {
                        book[executed.orderReferenceNumber]!.shares -= executed.executedShares
                        if book[executed.orderReferenceNumber]!.shares == 0 { book[executed.orderReferenceNumber] = nil }
                    } else if let cancel = message.orderCancel {
                        book[cancel.orderReferenceNumber]!.shares -= cancel.cancelledShares
                        #expect(book[cancel.orderReferenceNumber]!.shares > 0, "a cancel to zero is a delete")
                    } else if let delete = message.orderDelete {
                        #expect(book.removeValue(forKey: delete.orderReferenceNumber) != nil)
                    } else if let replace = message.orderReplace {
                        let removed = book.removeValue(forKey: replace.originalOrderReferenceNumber)
                        let old = try #require(removed)
                        #expect(old.symbol == replace.stockLocate)
                        book[replace.newOrderReferenceNumber] = Resting(symbol: old.symbol, side: old.side, price: replace.price, shares: replace.shares)
                    }
                }
                #expect(iterator.isMalformed == false)
            }
        }
        var rebuilt: [String: Int64] = [:]
        for order in book.values {
            let side = order.side == UInt8(ascii: "B") ? "B" : "S"
            rebuilt["\(order.symbol - 1)/\(side)/\(order.price)", default: 0] += Int64(order.shares)
        }
        #expect(rebuilt == engineLevels)
        #expect(nextSequence - 1 == feed.messageCount)
        #expect(endOfSessionSeen)
        let expectedTypes = "SRHAEXDUCQ".utf8
        #expect(expectedTypes.allSatisfy { typesSeen.contains($0) },
                "types seen: \(String(decoding: typesSeen.sorted(), as: UTF8.self))")
    }
}
