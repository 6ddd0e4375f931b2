import Foundation
import Testing
@testable import Scenario
import Simulation

/// Each class of value a run cannot carry is refused by the loader, at the
/// line of the key that carries it, with what was expected.
@Suite struct ScenarioLimitTests {
    struct Case: CustomStringConvertible, Sendable {
        var old: String
        var new: String
        var line: Int
        var says: String
        var tick = "0.01"
        var description: String { new }
    }

    static let cases: [Case] = [
        // The gap between arrivals would round to 0 ns and the run would hang.
        Case(old: "rate: 10k/s", new: "rate: 1000000M/s", line: 14, says: "at most 1000M/s"),
        // A phase change after the day has ended would trap the feed.
        Case(old: "    mix: { limit: 1 }", new: "    mix: { limit: 1 }\nschedule:\n  - { at: 20ms, venue: XT, symbol: AAA, phase: halted }",
             line: 18, says: "after the run's duration of 10ms"),
        // OUCH's price field cannot carry it.
        Case(old: "reference_price: 10.00", new: "reference_price: 214748.3700", line: 10, says: "largest price OUCH 4.2 can carry"),
        // The venue cannot keep up: its queue would grow without bound.
        Case(old: "value: 300ns", new: "value: 100us", line: 8, says: "cannot keep up"),
        // Venue names become FIX CompIDs and SoupBinTCP session names.
        Case(old: "name: XT\n", new: "name: \"X T\"\n", line: 7, says: "venue name"),
        Case(old: "one_way_latency: 2us", new: "one_way_latency: 2s", line: 5, says: "at most 1s"),
        Case(old: "duration: 10ms", new: "duration: 15h", line: 3, says: "is not a duration"),
        Case(old: "duration: 10ms", new: "duration: 54000s", line: 3, says: "at most 50400s"),
        Case(old: "value: 300ns", new: "value: 2s", line: 8, says: "at most 1s"),
        // A quoting band wider than the price range below the OUCH cap: at
        // a tick of 100.00, 2,147 ticks fit.
        Case(old: "    mix: { limit: 1 }", new: "    mix: { limit: 1 }\n    price: { spread_ticks: 100000 }", line: 17, says: "does not fit below",
             tick: "100.00"),
        Case(old: "name: AAA", new: "name: \"A\\x01\"", line: 10, says: "printable ASCII"),
        // Without a `price` key the default band of 10 ticks must fit: found
        // by the scenario fuzzer (a tick as large as the largest price).
        Case(old: "  - name: f\n", new: "  - name: f\n", line: 12, says: "does not fit below", tick: "214748.3646"),
    ]

    @Test(arguments: cases) func isRefusedAtItsLine(_ limit: Case) throws {
        let yaml = minimal.replacingOccurrences(of: limit.old, with: limit.new)
            .replacingOccurrences(of: "tick: 0.01, reference_price: 10.00", with: "tick: \(limit.tick), reference_price: \(limit.tick == "0.01" ? "10.00" : limit.tick)")
        #expect(yaml != minimal)
        let error = try #require(parseError(yaml), "accepted: \(limit.new)")
        #expect(error.line == limit.line, "\(error)")
        #expect(error.message.contains(limit.says), "\(error)")
    }

    @Test func justInsideEachLimitIsAccepted() throws {
        let yaml = minimal
            .replacingOccurrences(of: "rate: 10k/s", with: "rate: 1M/s")
            .replacingOccurrences(of: "reference_price: 10.00", with: "reference_price: 214748.3600")
            .replacingOccurrences(of: "one_way_latency: 2us", with: "one_way_latency: 1s")
            .replacingOccurrences(of: "duration: 10ms", with: "duration: 50400s")
        let config = try ScenarioLoader.parse(yaml: yaml, file: "s.yaml")
        #expect(config.firstProblem == nil)
        _ = try Simulation(config: config)
    }

    @Test func aControlCharacterIsNamedAtItsLineAndColumn() throws {
        let yaml = minimal.replacingOccurrences(of: "name: XT\n", with: "name: X\u{7}T\n")
        let error = try #require(parseError(yaml))
        #expect(error.line == 7 && error.column == 12, "\(error)")
        #expect(error.message.contains("U+0007"), "\(error)")
    }

    @Test func aMissingFileSaysSo() {
        do {
            _ = try ScenarioLoader.load(path: "/nonexistent/scenario.yaml")
            Issue.record("loaded a missing file")
        } catch {
            #expect(error.description == "/nonexistent/scenario.yaml: no such file")
        }
    }

    @Test func aConfigurationBuiltInCodeIsCheckedToo() {
        var config = try! ScenarioLoader.parse(yaml: minimal, file: "s.yaml")
        config.phaseEvents = [PhaseEventConfig(atNs: config.durationNs + 1, venue: "XT", symbol: "AAA", phase: .halted)]
        #expect(throws: SimulationConfigError.self) { try Simulation(config: config) }
    }
}
