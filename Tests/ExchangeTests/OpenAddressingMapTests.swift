import MatchingEngine
import Testing
@testable import Exchange

@Suite struct OpenAddressingMapTests {
    /// Random inserts, updates, lookups and removals against a Dictionary
    /// as the reference, over a small key space so that keys collide, probe
    /// runs wrap around the table and removals shift entries back.
    @Test func agreesWithDictionaryUnderRandomChurn() {
        var random = SplitMix64(state: 11)
        var map = OpenAddressingMap<ClientOrderID, Int>()
        var reference: [ClientOrderID: Int] = [:]
        let keys = (0..<600).map { clientID("K-\($0)") }
        for step in 0..<40_000 {
            let key = keys[random.below(keys.count)]
            switch random.below(5) {
            case 0, 1:
                #expect(map.updateValue(step, forKey: key) == reference.updateValue(step, forKey: key))
            case 2:
                #expect(map.insertIfAbsent(key, value: step) == (reference[key] == nil))
                if reference[key] == nil { reference[key] = step }
            case 3:
                #expect(map.removeValue(forKey: key) == reference.removeValue(forKey: key))
            default:
                #expect(map[key] == reference[key])
            }
            #expect(map.count == reference.count)
            if step % 1_000 == 0 { map.checkInvariants() }
        }
        map.checkInvariants()
        var seen: [ClientOrderID: Int] = [:]
        map.forEach { key, value in seen[key] = value }
        #expect(seen == reference)
    }

    @Test func aNewMapAllocatesNothingUntilItsFirstInsert() {
        var map = OpenAddressingMap<OrderID, Int>()
        #expect(map.tags.count == 1 && map.entries.isEmpty, "one shared empty slot")
        #expect(map[OrderID(7)] == nil && !map.contains(OrderID(7)) && map.removeValue(forKey: OrderID(7)) == nil)
        #expect(map.modifyValue(forKey: OrderID(7)) { value in value == nil } && map.isEmpty)
        for id in 1...100 { map[OrderID(UInt64(id))] = id }
        #expect(map.count == 100 && map[OrderID(42)] == 42 && map.tags.count >= 128)
        // A map asked for capacity gets its table at once.
        let sized = OpenAddressingMap<OrderID, Int>(minimumCapacity: 100)
        #expect(sized.tags.count >= 128 && sized.isEmpty)
    }

    @Test func removeAllWhereKeepsTheRest() {
        var map = OpenAddressingMap<OrderID, Int>()
        for id in 1...1_000 { map[OrderID(UInt64(id))] = id }
        map.removeAll { _, value in value % 3 == 0 }
        map.checkInvariants()
        #expect(map.count == 667)
        #expect(map[OrderID(3)] == nil)
        #expect(map[OrderID(4)] == 4)
    }

    /// Ids of any bytes and length are told apart, including ones that
    /// differ only past the first 8 bytes or only in length.
    @Test func keysDifferingLateOrOnlyInLengthStayDistinct() {
        var map = OpenAddressingMap<ClientOrderID, Int>()
        let ids = ["ABCDEFGH", "ABCDEFGHI", "ABCDEFGHJ", "ABCDEFGHIJKLMNOPQRSTUVWX", "ABCDEFGHIJKLMNOPQRSTUVWY", "A", "A "]
        for (index, text) in ids.enumerated() { map[clientID(text)] = index }
        for (index, text) in ids.enumerated() { #expect(map[clientID(text)] == index) }
        #expect(map.count == ids.count)
    }
}
