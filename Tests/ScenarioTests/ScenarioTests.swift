import Foundation
import Testing
@testable import Scenario
import Simulation

let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

let minimal = """
name: tiny
seed: 3
duration: 10ms
network:
  one_way_latency: 2us
venues:
  - name: XT
    service_time: { distribution: constant, value: 300ns }
    symbols:
      - { name: AAA, tick: 0.01, reference_price: 10.00 }
flows:
  - name: f
    venue: XT
    rate: 10k/s
    participants: 4
    mix: { limit: 1 }
"""

func parseError(_ yaml: String) -> ScenarioError? {
    do {
        _ = try ScenarioLoader.parse(yaml: yaml, file: "s.yaml")
        return nil
    } catch {
        return error
    }
}

func replacing(_ old: String, with new: String) -> String {
    precondition(minimal.contains(old))
    return minimal.replacingOccurrences(of: old, with: new)
}

@Suite struct ScenarioLoaderTests {
    @Test func quickstartParsesToTheExpectedConfig() throws {
        let config = try ScenarioLoader.load(path: packageRoot.appendingPathComponent("Scenarios/quickstart.yaml").path)
        #expect(config.name == "quickstart")
        #expect(config.seed == 42)
        #expect(config.durationNs == 1_000_000_000)
        #expect(config.oneWayLatencyNs == 5_000)
        #expect(config.venues.count == 1)
        #expect(config.venues[0].serviceTime == .exponential(meanNs: 450))
        #expect(config.venues[0].selfTradePrevention == .cancelNewest)
        #expect(config.venues[0].symbols[0] == SymbolConfig(name: "AAPL", tickSize: 100, referencePrice: Price(1_900_000)))
        #expect(config.flows[0].rateOrdersPerSecond == 1_000_000)
        #expect(config.flows[0].mix == OrderMix(limit: 55, market: 5, immediateOrCancel: 10, cancel: 20, replace: 10))
        #expect(config.phaseEvents.map(\.phase) == [.halted, .continuous])
        #expect(config.phaseEvents.map(\.atNs) == [400_000_000, 450_000_000])
    }

    @Test func minimalScenarioUsesDefaults() throws {
        let config = try ScenarioLoader.parse(yaml: minimal, file: "s.yaml")
        #expect(config.flows[0].priceSpreadTicks == 10)
        #expect(config.flows[0].lotSize == 100)
        #expect(config.venues[0].serviceTime == .constant(ns: 300))
    }

    @Test func unknownKeyNamesLineColumnAndSuggests() {
        let error = parseError(replacing("seed: 3", with: "sede: 3"))
        #expect(error?.description == "s.yaml:2:1: unknown key 'sede' in the scenario; did you mean 'seed'?")
    }

    @Test func unknownNestedKeyPointsAtTheKey() {
        let error = parseError(replacing("    service_time:", with: "    sevice_time:"))
        #expect(error?.line == 8)
        #expect(error?.column == 5)
        #expect(error?.message.contains("did you mean 'service_time'?") == true)
    }

    @Test func wrongTypeSaysWhatWasExpected() {
        let error = parseError(replacing("duration: 10ms", with: "duration: soon"))
        #expect(error?.line == 3 && error?.column == 11)
        #expect(error?.message.contains("a duration like") == true)
    }

    @Test func badUnitIsRefused() {
        #expect(parseError(replacing("duration: 10ms", with: "duration: 10 minutes")) != nil)
        #expect(parseError(replacing("value: 300ns", with: "value: 0.5ns")) != nil, "no fractions of a nanosecond")
    }

    @Test func outOfRangeValues() {
        #expect(parseError(replacing("participants: 4", with: "participants: 0"))?.message.contains("out of range") == true)
        #expect(parseError(replacing("rate: 10k/s", with: "rate: -5/s")) != nil)
        #expect(parseError(replacing("duration: 10ms", with: "duration: 0s")) != nil)
        #expect(parseError(replacing("mix: { limit: 1 }", with: "mix: { limit: 0 }"))?.message == "mix weights are all zero")
        #expect(parseError(replacing("reference_price: 10.00", with: "reference_price: 10.005"))?.message.contains("multiple of the tick") == true)
        #expect(parseError(replacing("name: AAA", with: "name: TOOLONGNAME")) != nil)
    }

    @Test func missingKeyPointsAtTheMapping() {
        let error = parseError(replacing("    participants: 4\n", with: ""))
        #expect(error?.message == "a flow lacks the required key 'participants'")
        #expect(error?.line == 12 && error?.column == 5)
    }

    @Test func unknownVenueReference() {
        let error = parseError(replacing("venue: XT", with: "venue: XQ"))
        #expect(error?.message.contains("unknown venue 'XQ'") == true)
        #expect(error?.line == 13 && error?.column == 12)
    }

    @Test func orderEntryProtocolsParseAndAreChecked() throws {
        let chosen = try ScenarioLoader.parse(
            yaml: replacing("    mix: { limit: 1 }", with: "    mix: { limit: 1 }\n    protocol: fix44"), file: "s.yaml")
        #expect(chosen.flows[0].orderEntryProtocol == .fix44)
        #expect(chosen.venues[0].orderEntryProtocols == OrderEntryProtocol.allCases)
        #expect(try ScenarioLoader.parse(yaml: minimal, file: "s.yaml").flows[0].orderEntryProtocol == .ouch42)

        let misspelt = parseError(replacing("    mix: { limit: 1 }", with: "    mix: { limit: 1 }\n    protocol: fix43"))
        #expect(misspelt?.line == 17 && misspelt?.column == 15)
        #expect(misspelt?.message.contains("expected one of: fix42, fix44, ouch42") == true)

        let fixOnly = replacing("    service_time:", with: "    order_entry: [fix42]\n    service_time:")
        let refused = parseError(fixOnly)
        #expect(refused?.message.contains("does not accept the default protocol ouch42") == true, "\(String(describing: refused))")
        let notAccepted = parseError(fixOnly.replacingOccurrences(of: "    mix: { limit: 1 }", with: "    mix: { limit: 1 }\n    protocol: ouch42"))
        #expect(notAccepted?.message.contains("venue 'XT' does not accept ouch42") == true)
        #expect(notAccepted?.line == 18 && notAccepted?.column == 15)
    }

    @Test func yamlSyntaxErrorHasALocation() {
        let error = parseError("name: x\nseed: [1, 2\n")
        #expect(error?.message.hasPrefix("YAML syntax error") == true)
        #expect((error?.line ?? 0) >= 2)
    }

    @Test func valuesParseExactly() {
        #expect(ScenarioValues.duration("1.5ms") == 1_500_000)
        #expect(ScenarioValues.duration("5us") == 5_000)
        #expect(ScenarioValues.duration("5µs") == 5_000)
        #expect(ScenarioValues.duration("2s") == 2_000_000_000)
        #expect(ScenarioValues.duration("1.0000000001s") == nil)
        #expect(ScenarioValues.price("190.25") == 1_902_500)
        #expect(ScenarioValues.price("0.0001") == 1)
        #expect(ScenarioValues.price("0.00001") == nil)
        #expect(ScenarioValues.rate("1M/s") == 1_000_000)
        #expect(ScenarioValues.rate("250k/s") == 250_000)
        #expect(ScenarioValues.rate("1.5M") == 1_500_000)
    }
}
