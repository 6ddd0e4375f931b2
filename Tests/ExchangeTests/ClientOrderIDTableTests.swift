import MatchingEngine
import Testing
@testable import Exchange

@Suite struct ClientOrderIDTableTests {
    /// Ids of every width a port accepts: OUCH tokens (up to 14 bytes) and
    /// FIX ClOrdIDs (up to 24), including ids that differ only in length or
    /// in their last word.
    static func randomID(_ random: inout SplitMix64) -> ClientOrderID {
        let length = 1 + random.below(ClientOrderID.maximumLength)
        let bytes = (0..<length).map { _ in UInt8(0x30 + random.below(4)) }
        return bytes.withUnsafeBytes { ClientOrderID(bytes: $0)! }
    }

    @Test func agreesWithADictionaryOverManyIDs() {
        var random = SplitMix64(state: 3)
        var table = ClientOrderIDTable()
        var reference: [ClientOrderID: UInt64] = [:]
        var nextOrder: UInt64 = 1
        for step in 0..<60_000 {
            let id = Self.randomID(&random)
            let capacity = table.capacity
            let (slot, inserted) = table.insert(id)
            #expect(inserted == (reference[id] == nil))
            #expect(table.clientID(at: slot) == id)
            if inserted {
                reference[id] = 0
                #expect(table.order(at: slot) == nil, "a new id names no order")
            }
            if random.below(2) == 0 {
                table.setOrder(OrderID(nextOrder), at: slot)
                reference[id] = nextOrder
                nextOrder += 1
            } else if random.below(4) == 0 {
                table.setOrder(nil, at: slot)
                reference[id] = 0
            }
            if table.capacity == capacity, let earlier = reference.keys.first {
                // Without growth, a slot keeps naming the same id.
                #expect(table.find(earlier).map { table.clientID(at: $0) } == earlier)
            }
            if step % 5_000 == 0 { table.checkInvariants() }
        }
        #expect(table.count == reference.count)
        for (id, order) in reference {
            guard let slot = table.find(id) else {
                Issue.record("\(id) lost")
                continue
            }
            #expect(table.order(at: slot)?.rawValue ?? 0 == order)
        }
        #expect(table.find(clientID("NEVER-USED-ID")) == nil)
        table.checkInvariants()
    }

    /// Past `splitCapacity` slots the table splits into shards that then
    /// grow one at a time; every id keeps its order through both, and a
    /// growth moves no more than one shard.
    @Test func splitsIntoShardsThatGrowAloneAndKeepEveryID() {
        var table = ClientOrderIDTable()
        let ids = (0..<300_000).map { clientID("ORD\($0)") }
        var largestGrowth = 0
        for (index, id) in ids.enumerated() {
            let before = table.capacity
            let (slot, inserted) = table.insert(id)
            #expect(inserted)
            if index % 3 == 0 { table.setOrder(OrderID(UInt64(index + 1)), at: slot) }
            let growth = table.capacity - before
            if table.isSplit, growth > 0, before > ClientOrderIDTable.splitCapacity { largestGrowth = max(largestGrowth, growth) }
            if index == ClientOrderIDTable.splitCapacity / 2 { #expect(!table.isSplit) }
        }
        #expect(table.isSplit)
        #expect(table.count == ids.count)
        // One shard of a table this size holds about 1/64 of its slots.
        #expect(largestGrowth > 0 && largestGrowth <= table.capacity / 16)
        table.checkInvariants()
        // The live desk prefetches a read's ids once the table has split:
        // held ids and new ones alike, in every shard, moving nothing.
        let capacity = table.capacity
        for id in ids.prefix(1_000) + (0..<1_000).map({ clientID("NEW\($0)") }) { table.prefetchHome(id) }
        #expect(table.capacity == capacity && table.count == ids.count)
        for (index, id) in ids.enumerated() {
            guard let slot = table.find(id) else {
                Issue.record("\(id) lost")
                continue
            }
            #expect(table.order(at: slot) == (index % 3 == 0 ? OrderID(UInt64(index + 1)) : nil))
        }
        #expect(!table.insert(ids[12_345]).inserted)
    }

    @Test func idsDifferingOnlyInLengthAreDistinct() {
        var table = ClientOrderIDTable()
        let short = [UInt8](repeating: 0x41, count: 8).withUnsafeBytes { ClientOrderID(bytes: $0)! }
        let padded = ([UInt8](repeating: 0x41, count: 8) + [0]).withUnsafeBytes { ClientOrderID(bytes: $0)! }
        #expect(table.insert(short).inserted)
        #expect(table.insert(padded).inserted)
        #expect(!table.insert(short).inserted)
        #expect(table.count == 2)
        table.checkInvariants()
    }
}

/// The day-unique identifier rule through the desk, over many orders and sessions.
@Suite struct DeskDuplicateIDTests {
    var engine = MatchingEngine(symbols: [SymbolConfig(name: "AAPL", tickSize: 100, referencePrice: 1_900_000)])
    var desk = OrderEntryDesk()
    var events: [EngineEvent] = []
    var reports: [OrderEntryDesk.AddressedReport] = []

    mutating func send(_ request: OrderEntryRequest, from session: Int32) -> [OrderEntryReport] {
        reports.removeAll()
        events.removeAll()
        desk.handle(request, from: session, engine: &engine, events: &events, reports: &reports)
        return reports.filter { $0.session == session }.map(\.report)
    }

    static func order(_ id: ClientOrderID, _ side: Side, price: Int64, tif: TimeInForce = .day) -> OrderEntryRequest {
        .new(NewOrderRequest(clientID: id, symbol: SymbolIndex(0), side: side, timeInForce: tif,
                             price: Price(price), quantity: Quantity(100)))
    }

    static func isDuplicate(_ reports: [OrderEntryReport]) -> Bool {
        switch reports.first {
        case .rejected(_, _, .duplicateClientID), .cancelRejected(_, _, _, _, .duplicateClientID): true
        default: false
        }
    }

    @Test mutating func everyIDUsedTodayIsRefusedOnReuseWhateverBecameOfItsOrder() {
        let sessions = (0..<3).map { desk.addSession(participant: ParticipantID(UInt32($0 + 1))) }
        var random = SplitMix64(state: 17)
        var used: [[ClientOrderID]] = [[], [], []]
        var usedSet: [Set<ClientOrderID>] = [[], [], []]
        for step in 0..<6_000 {
            let index = random.below(3)
            let session = sessions[index]
            let id = ClientOrderIDTableTests.randomID(&random)
            // Resting, immediately done (IOC without liquidity) or replaced away: all leave the id used.
            let tif: TimeInForce = random.below(3) == 0 ? .immediateOrCancel : .day
            let price = Int64(1_800_000 + 100 * random.below(50))
            let answer = send(Self.order(id, index == 0 ? .buy : .sell, price: price, tif: tif), from: session)
            #expect(Self.isDuplicate(answer) == usedSet[index].contains(id), "step \(step)")
            usedSet[index].insert(id)
            used[index].append(id)
            // A replace of a still open order; one that traded away in its
            // own submit would be refused before its replacement id is looked at.
            if desk.openOrder(session: session, clientID: id) != nil, random.below(3) == 0 {
                let replacement = ClientOrderIDTableTests.randomID(&random)
                let replaced = send(.replace(target: id, replacementID: replacement, price: Price(price + 100),
                                             quantity: 100, quantityIncludesExecuted: false), from: session)
                if usedSet[index].contains(replacement) {
                    #expect(Self.isDuplicate(replaced))
                } else if case .replaced(let after, let previous) = replaced.first {
                    #expect(after.clientID == replacement && previous == id)
                    #expect(desk.openOrder(session: session, clientID: id) == nil, "the old id no longer names it")
                    if let open = desk.openOrder(session: session, clientID: replacement) {
                        #expect(open.order == after.order)
                    }
                }
                usedSet[index].insert(replacement)
            }
            if step % 1_000 == 0 { desk.checkInvariants() }
        }
        // Every id any session used is refused to that session, open order or not.
        for index in 0..<3 {
            for id in used[index].prefix(200) {
                #expect(Self.isDuplicate(send(Self.order(id, .buy, price: 1_000_000), from: sessions[index])))
            }
        }
        desk.checkInvariants()
    }

    @Test mutating func fixCancelRequestIDsAreUsedUpToo() {
        let session = desk.addSession(participant: ParticipantID(1))
        _ = send(Self.order(clientID("O1"), .buy, price: 1_890_000), from: session)
        _ = send(Self.order(clientID("O2"), .buy, price: 1_890_000), from: session)
        guard case .cancelled = send(.cancel(target: clientID("O1"), requestID: clientID("C1"), newOpenQuantity: 0),
                                     from: session).first else {
            Issue.record("the cancel goes through")
            return
        }
        #expect(Self.isDuplicate(send(.cancel(target: clientID("O2"), requestID: clientID("C1"), newOpenQuantity: 0),
                                      from: session)))
        #expect(Self.isDuplicate(send(Self.order(clientID("C1"), .buy, price: 1_890_000), from: session)))
        #expect(Self.isDuplicate(send(Self.order(clientID("O1"), .buy, price: 1_890_000), from: session)))
        #expect(desk.openOrder(session: session, clientID: clientID("O2")) != nil, "O2 untouched")
        desk.checkInvariants()
    }
}
