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
}
