import Exchange
import MatchingEngine
import Testing
@testable import Simulation

/// The participant's table of client order ids: what each id awaits, pages
/// recycled once done, and ids parsed back to their numbers.
@Suite struct ClientOrderTableTests {
    static func pendingNew(at time: Int64) -> ClientOrderState.PendingNew {
        .init(sentAtNs: time, symbol: SymbolIndex(2), side: .sell, type: .limit, timeInForce: .day, price: Price(1_234))
    }

    @Test func keepsEachFieldOfAnIdApart() {
        var table = ClientOrderTable()
        table.update(1) { $0.pendingNew = Self.pendingNew(at: 10) }
        table.update(2) { $0.pendingReplace = (20, 1) }
        table.update(1) { $0.order = OrderID(77) }
        table.update(1) { $0.pendingCancelSentAtNs = 30 }
        #expect(table.count == 2)
        let first = table.update(1) { $0 }
        #expect(first.pendingNew?.sentAtNs == 10 && first.pendingNew?.price == Price(1_234) && first.pendingNew?.side == .sell)
        #expect(first.pendingReplace == nil && first.pendingCancelSentAtNs == 30 && table.order(1) == OrderID(77))
        let second = table.update(2) { $0 }
        #expect(second.pendingReplace?.previous == 1 && second.pendingReplace?.sentAtNs == 20 && second.pendingNew == nil)
        #expect(table.order(2) == nil && table.order(3) == nil)
        table.update(1) { $0 = ClientOrderState() }
        #expect(table.count == 1)
    }

    @Test func recyclesPagesOnceTheirIdsAreDoneAndTheNumberingHasPassed() {
        var table = ClientOrderTable()
        let pageSize = UInt64(ClientOrderTable.pageSize)
        // One id rests for good; every other is answered at once.
        for number in 1...(200 * pageSize) {
            table.update(number) { $0.pendingNew = Self.pendingNew(at: Int64(number)) }
            if number == 5 {
                table.update(number) { $0.pendingNew = nil; $0.order = OrderID(5) }
            } else {
                table.update(number) { $0.pendingNew = nil }
            }
        }
        #expect(table.count == 1)
        #expect(table.order(5) == OrderID(5))
        // The resting id's page and the current one; recycled pages serve again.
        #expect(table.allocatedPages == 2)
        #expect(table.storage.count <= 4 * ClientOrderTable.pageSize)
        // A done id reads as empty, and stays so.
        #expect(table.order(6) == nil)
        let done = table.update(pageSize * 3) { $0.pendingNew }
        #expect(done == nil)
    }

    @Test func theDirectoryFollowsTheWindowWhenTheOldestIdIsDone() {
        var table = ClientOrderTable()
        let pageSize = UInt64(ClientOrderTable.pageSize)
        table.update(1) { $0.order = OrderID(1) }
        for number in 2...(300 * pageSize) {
            table.update(number) { $0.pendingCancelSentAtNs = 1 }
            table.update(number) { $0.pendingCancelSentAtNs = nil }
        }
        #expect(table.directory.count > 290)
        table.update(1) { $0.order = nil }
        table.update(300 * pageSize + 1) { $0.pendingCancelSentAtNs = 1 }
        #expect(table.directory.count < 70)
        #expect(table.count == 1)
        // An id long done can take state again (a venue answering twice).
        table.update(3) { $0.order = OrderID(3) }
        #expect(table.order(3) == OrderID(3) && table.count == 2)
        table.update(3) { $0.order = nil }
        #expect(table.order(3) == nil && table.count == 1)
    }

    @Test func aParticipantReadsOnlyItsOwnIdsBack() {
        var participant = SimulatedParticipant(id: ParticipantID(1_300), flow: 0, venue: 0, connection: 0, client: .ouch(0))
        var issued: [(ClientOrderID, UInt64)] = []
        for _ in 0..<2_000 { issued.append(participant.takeClientOrderID()) }
        #expect(issued[0].0.description == "104-1")
        for (id, number) in issued {
            #expect(participant.number(of: id) == number)
            #expect(participant.clientOrderID(number) == id)
        }
        let other = SimulatedParticipant(id: ParticipantID(1_301), flow: 0, venue: 0, connection: 0, client: .ouch(0))
        #expect(other.number(of: issued[5].0) == nil)
        for text in ["104-", "104-0", "104-01", "104-ZZZZ", "104-a", "1041", "104-1-", "X"] {
            #expect(participant.number(of: ClientOrderID(text)!) == nil, "\(text)")
        }
    }
}
