import Testing
import MatchingEngine

/// The engine keeps its orders and levels in storage it copies on write by
/// hand; a copy of an engine must still behave as an independent value.
@Suite struct ValueSemanticsTests {
    @Test func aCopiedEngineTradesIndependentlyOfTheOriginal() {
        var original = Venue()
        let resting = original.order(1, .sell, 300, at: 10_000)
        original.order(1, .buy, 100, at: 9_900)

        var copy = original
        copy.order(2, .buy, 300, at: 10_000)
        #expect(copy.executions.map(\.quantity.rawValue) == [300])
        #expect(copy.open(resting) == nil)
        #expect(copy.engine.bestAsk(SymbolIndex(0)) == nil)

        #expect(original.open(resting) == 300)
        #expect(original.engine.bestAsk(SymbolIndex(0)) == Price(10_000))
        original.order(3, .buy, 100, at: 10_000)
        #expect(original.executions.map(\.quantity.rawValue) == [100])
        #expect(original.open(resting) == 200)
        #expect(copy.open(resting) == nil)
        #expect(original.engine.checkInvariants().isEmpty)
        #expect(copy.engine.checkInvariants().isEmpty)
    }

    @Test func anUntouchedCopyKeepsItsBookWhileTheOriginalGrows() {
        var venue = Venue()
        for index in 0..<10 { venue.order(1, .buy, 100, at: 9_000 + Int64(index) * 100) }
        let snapshot = venue.engine
        // Enough orders and levels to grow the pool, the id map and the levels.
        for index in 0..<500 { venue.order(2, .sell, 100, at: 20_000 + Int64(index % 50) * 100) }
        venue.order(3, .sell, 1_000, at: 9_000)
        #expect(venue.engine.bestBid(SymbolIndex(0)) == nil)
        #expect(snapshot.bestBid(SymbolIndex(0)) == Price(9_900))
        #expect(snapshot.bestAsk(SymbolIndex(0)) == nil)
        #expect(snapshot.openQuantity(of: OrderID(10)) == Quantity(100))
        #expect(snapshot.checkInvariants().isEmpty)
        #expect(venue.engine.checkInvariants().isEmpty)
    }

    /// More resting orders than one page of the pool holds (pages of 4,096).
    @Test func aBookSpanningManyPoolPagesCopiesAndEmptiesCleanly() {
        var venue = Venue()
        var ids: [OrderID] = []
        for index in 0..<10_000 {
            ids.append(venue.order(UInt32(1 + index % 3), index % 2 == 0 ? .buy : .sell, 100,
                                   at: index % 2 == 0 ? 9_000 - Int64(index % 40) * 100 : 11_000 + Int64(index % 40) * 100))
        }
        #expect(venue.engine.checkInvariants().isEmpty)
        let snapshot = venue.engine
        for (index, id) in ids.enumerated() { venue.cancel(id, by: UInt32(1 + index % 3)) }
        #expect(venue.engine.bestBid(SymbolIndex(0)) == nil)
        #expect(venue.engine.bestAsk(SymbolIndex(0)) == nil)
        #expect(venue.engine.checkInvariants().isEmpty)
        #expect(snapshot.openQuantity(of: ids[9_999]) == Quantity(100))
        #expect(snapshot.bestBid(SymbolIndex(0)) == Price(9_000))
        #expect(snapshot.checkInvariants().isEmpty)
        // Freed slots are reused before new pages are added.
        for index in 0..<10_000 { venue.order(4, .buy, 100, at: 8_000 - Int64(index % 40) * 100) }
        #expect(venue.engine.checkInvariants().isEmpty)
    }
}
