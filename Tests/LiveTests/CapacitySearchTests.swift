import Live
import Testing

@Suite struct CapacitySearchTests {
    /// Runs the search against a venue that holds every rate up to `capacity`.
    static func search(capacity: Double, from first: Double, ceiling: Double = 4_000_000) -> CapacitySearch {
        var search = CapacitySearch(firstRate: first, ceiling: ceiling)
        while let rate = search.nextRate { search.record(held: rate <= capacity) }
        return search
    }

    @Test func itDoublesThenBisectsToWithinItsPrecision() throws {
        let search = Self.search(capacity: 300_000, from: 50_000)
        #expect(search.trials.prefix(4).map(\.rate) == [50_000, 100_000, 200_000, 400_000])
        #expect(search.trials.prefix(4).map(\.held) == [true, true, true, false])
        let held = try #require(search.highestHeld)
        let broken = try #require(search.lowestBroken)
        #expect(held <= 300_000 && broken > 300_000)
        #expect(broken / held <= 1.05)
        #expect(search.isFinished)
    }

    @Test func itHalvesWhenTheFirstRateBreaks() {
        let search = Self.search(capacity: 7_000, from: 100_000)
        #expect(search.trials.prefix(5).map(\.rate) == [100_000, 50_000, 25_000, 12_500, 6_250])
        #expect(search.highestHeld.map { $0 <= 7_000 && $0 >= 7_000 / 1.05 } == true)
    }

    @Test func itStopsAtTheCeilingAndAtTheFloor() {
        let all = Self.search(capacity: .infinity, from: 1_000, ceiling: 4_000)
        #expect(all.trials.map(\.rate) == [1_000, 2_000, 4_000])
        #expect(all.highestHeld == 4_000 && all.lowestBroken == nil)

        let none = Self.search(capacity: 0, from: 1_000)
        #expect(none.trials.map(\.rate) == [1_000, 500, 250, 125, 100])
        #expect(none.highestHeld == nil && none.isFinished)
    }

    @Test func itEndsAfterItsTrialBudget() {
        var search = CapacitySearch(firstRate: 1_000, ceiling: 1e12, maximumTrials: 3)
        while search.nextRate != nil { search.record(held: true) }
        #expect(search.trials.count == 3)
    }

    @Test func objectivesParseAndBadOnesDoNot() {
        let duration: (String) -> Int64? = { text in
            text.hasSuffix("ms") ? Int64(text.dropLast(2)).map { $0 * 1_000_000 }
                : text.hasSuffix("us") ? Int64(text.dropLast(2)).map { $0 * 1_000 } : nil
        }
        #expect(LoadObjective.parse("p99<1ms", duration: duration) == LoadObjective(percentile: 99, boundNs: 1_000_000, text: "p99<1ms"))
        #expect(LoadObjective.parse("p99.9 < 500us", duration: duration)?.percentile == 99.9)
        #expect(LoadObjective.parse("p99.9<500us", duration: duration)?.percentileName == "p99.9")
        #expect(LoadObjective.parse("max<5ms", duration: duration)?.percentile == 100)
        for bad in ["p99", "p100<1ms", "p0<1ms", "q99<1ms", "p99<", "p99<1 parsec", "p99<0ms", "<1ms"] {
            #expect(LoadObjective.parse(bad, duration: duration) == nil, "\(bad)")
        }
    }
}
