import Foundation
import Testing
@testable import Scenario
import Simulation

/// `minimal` with an order-entry link for XT, and `extra` appended at the top level.
func withFaultableLink(_ extra: String) -> String {
    withLinks("      order_entry: { latency: 2us, rto: 1ms }\n") + "\n" + extra
}

@Suite struct FaultsSectionTests {
    @Test func everyFaultActionParses() throws {
        let config = try ScenarioLoader.parse(yaml: withFaultableLink("""
            faults:
              - { at: 1ms, venue: XT, link: order_entry, action: down }
              - { at: 2ms, venue: XT, link: order_entry, action: up }
              - { at: 3ms, venue: XT, link: order_entry, action: flap, period: 2ms, count: 2 }
              - { at: 8ms, venue: XT, link: order_entry, action: degrade, delay: 10us, loss: 0.1, for: 2ms }
            """), file: "s.yaml")
        #expect(config.linkFaults.map(\.action) == [
            .down, .up, .flap(periodNs: 2_000_000, count: 2), .degrade(addedDelayNs: 10_000, addedLoss: 0.1, durationNs: 2_000_000),
        ])
        #expect(config.linkFaults.allSatisfy { $0.venue == "XT" && $0.link == .orderEntry })
        #expect(config.firstProblem == nil)
    }

    @Test func faultMistakesNameTheLineAndTheFix() {
        // The scenario ends at line 19; `faults:` is line 20, its entry line 21.
        func error(_ entry: String) -> ScenarioError? { parseError(withFaultableLink("faults:\n  - \(entry)\n")) }
        let unmodelled = error("{ at: 1ms, venue: XT, link: market_data, action: down }")
        #expect(unmodelled?.line == 21)
        #expect(unmodelled?.message.contains("venue 'XT' has no modelled market_data link") == true, "\(String(describing: unmodelled))")
        let late = error("{ at: 20ms, venue: XT, link: order_entry, action: down }")
        #expect(late?.message.contains("after the run's duration of 10ms") == true, "\(String(describing: late))")
        let longFlap = error("{ at: 5ms, venue: XT, link: order_entry, action: flap, period: 2ms, count: 5 }")
        #expect(longFlap?.message.contains("lasts until 14ms") == true, "\(String(describing: longFlap))")
        let stray = error("{ at: 1ms, venue: XT, link: order_entry, action: down, period: 2ms }")
        #expect(stray?.message == "'period' does not apply to a down fault; it takes no other key")
        let missing = error("{ at: 1ms, venue: XT, link: order_entry, action: degrade, delay: 1us, loss: 0.1 }")
        #expect(missing?.message == "a degrade fault needs 'for'")
        let action = error("{ at: 1ms, venue: XT, link: order_entry, action: dwn }")
        #expect(action?.message.contains("did you mean 'down'?") == true, "\(String(describing: action))")
        let venue = error("{ at: 1ms, venue: XQ, link: order_entry, action: down }")
        #expect(venue?.message == "unknown venue 'XQ'; expected one of: XT")
    }

    /// A `random` entry becomes downs and ups drawn from the seed: in time
    /// order, alternating, within the run, the same for the same seed, with
    /// gaps and outages of about the means asked for.
    @Test func randomFaultsAreDrawnFromTheSeed() throws {
        func faults(seed: Int) throws -> [LinkFaultConfig] {
            let yaml = withFaultableLink("faults:\n  - { at: 1ms, venue: XT, link: order_entry, action: random, mtbf: 40us, mttr: 4us }\n")
                .replacingOccurrences(of: "seed: 3\n", with: "seed: \(seed)\n")
            return try ScenarioLoader.parse(yaml: yaml, file: "s.yaml").linkFaults
        }
        let drawn = try faults(seed: 3)
        #expect(drawn.count > 300, "about 9ms / 44us outages: \(drawn.count)")
        #expect(drawn == (try faults(seed: 3)))
        #expect(drawn != (try faults(seed: 4)))
        var previousNs: Int64 = 1_000_000
        var upNs: Int64 = 1_000_000
        var gaps: [Int64] = [], repairs: [Int64] = []
        for (index, fault) in drawn.enumerated() {
            #expect(fault.action == (index % 2 == 0 ? .down : .up))
            #expect(fault.atNs > previousNs && fault.atNs < 10_000_000)
            if index % 2 == 0 { gaps.append(fault.atNs - upNs) } else { repairs.append(fault.atNs - previousNs); upNs = fault.atNs }
            previousNs = fault.atNs
        }
        let meanGap = Double(gaps.reduce(0, +)) / Double(gaps.count)
        let meanRepair = Double(repairs.reduce(0, +)) / Double(repairs.count)
        #expect(abs(meanGap - 40_000) < 8_000, "mean time between failures \(meanGap) ns")
        #expect(abs(meanRepair - 4_000) < 1_000, "mean time to repair \(meanRepair) ns")
    }

    @Test func randomFaultMistakesNameTheLine() {
        func error(_ entry: String) -> ScenarioError? { parseError(withFaultableLink("faults:\n  - \(entry)\n")) }
        let stray = error("{ at: 1ms, venue: XT, link: order_entry, action: random, mtbf: 1ms, mttr: 1us, period: 2ms }")
        #expect(stray?.line == 21)
        #expect(stray?.message == "'period' does not apply to a random fault; expected mtbf, mttr", "\(String(describing: stray))")
        let missing = error("{ at: 1ms, venue: XT, link: order_entry, action: random, mtbf: 1ms }")
        #expect(missing?.message.contains("mttr") == true, "\(String(describing: missing))")
        let tooMany = error("{ at: 0s, venue: XT, link: order_entry, action: random, mtbf: 100ns, mttr: 100ns }")
        #expect(tooMany?.message.contains("draws more than 10000 outages") == true, "\(String(describing: tooMany))")
    }
}
