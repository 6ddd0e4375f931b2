import MatchingEngine
@testable import OrderFlow
import Testing

/// The flow's table of open-order locations against a Dictionary, under
/// random inserts, updates and removals of dense and sparse ids.
@Suite struct OpenOrderLocationsTests {
    @Test func agreesWithADictionary() {
        var table = OpenOrderLocations()
        var reference: [OrderID: OpenOrderLocations.Location] = [:]
        var state: UInt64 = 12_345
        func next() -> UInt64 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return state >> 11
        }
        for step in 0..<200_000 {
            // Mostly dense ids across several pages, some far beyond 2^32.
            let raw = next() % 16 == 0 ? (1 << 32) + next() % 1_000 : 1 + next() % 20_000
            let id = OrderID(raw)
            if next() % 3 == 0 {
                table[id] = nil
                reference[id] = nil
            } else {
                let location = OpenOrderLocations.Location(participant: Int32(next() % 100_000), position: Int32(next() % 1_000_000))
                table[id] = location
                reference[id] = location
            }
            if step % 997 == 0 { #expect(table.count == reference.count) }
            #expect(table[id] == reference[id])
        }
        for (id, location) in reference { #expect(table[id] == location) }
        #expect(table.count == reference.count)
        #expect(table[OrderID(0)] == nil && table[OrderID(50_000_000)] == nil)
    }

    @Test func aLongRunKeepsPagesForTheOrdersStillOpen() {
        var table = OpenOrderLocations()
        let pageSize = UInt64(OpenOrderLocations.pageSize)
        let location = OpenOrderLocations.Location(participant: 1, position: 2)
        // Every order closes soon after it opens, but for one every 100 pages.
        func isKept(_ raw: UInt64) -> Bool { raw % (100 * pageSize) == 99 }
        for raw in 1...(500 * pageSize) {
            table[OrderID(raw)] = location
            if raw > 15, !isKept(raw - 15) { table[OrderID(raw - 15)] = nil }
        }
        for raw in (500 * pageSize - 14)...(500 * pageSize) where !isKept(raw) { table[OrderID(raw)] = nil }
        #expect(table.count == 5)
        #expect(table.allocatedPages <= 6)
        for page in 0..<UInt64(5) { #expect(table[OrderID(page * 100 * pageSize + 99)] == location) }
        // The oldest order pins the front; once it closes, the front goes.
        #expect(table.pages.count > 400)
        table[OrderID(99)] = nil
        #expect(table.pages.count <= 401)
        #expect(table[OrderID(100 * pageSize + 99)] == location && table.count == 4)
        // An id on a freed page can be stored again.
        table[OrderID(5)] = location
        #expect(table[OrderID(5)] == location && table.count == 5)
        table[OrderID(5)] = nil
        #expect(table[OrderID(5)] == nil && table.count == 4)
    }
}
