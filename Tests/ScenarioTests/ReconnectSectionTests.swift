import Foundation
import Testing
@testable import Scenario
import Simulation

/// A flow's `reconnect:` backoff.
@Suite struct ReconnectSectionTests {
    @Test func aBackoffParsesAndOmittedKeysTakeTheirDefaults() throws {
        let full = try ScenarioLoader.parse(yaml: minimal + "\n    reconnect: { initial: 2ms, multiplier: 1.5, max: 50ms, jitter: 0.25 }\n", file: "s.yaml")
        #expect(full.flows[0].reconnect == ReconnectBackoff(initialNs: 2_000_000, multiplier: 1.5, maximumNs: 50_000_000, jitter: 0.25))
        let partial = try ScenarioLoader.parse(yaml: minimal + "\n    reconnect: { max: 64ms }\n", file: "s.yaml")
        #expect(partial.flows[0].reconnect == ReconnectBackoff(initialNs: 1_000_000, multiplier: 2, maximumNs: 64_000_000, jitter: 0))
        let none = try ScenarioLoader.parse(yaml: minimal, file: "s.yaml")
        #expect(none.flows[0].reconnect == .everyMillisecond, "without the key, a fixed 1 ms as before")
    }

    @Test func backoffMistakesNameTheLine() {
        // `minimal` ends at line 16; the flow's `reconnect` is line 17.
        func error(_ value: String) -> ScenarioError? { parseError(minimal + "\n    reconnect: \(value)\n") }
        let inverted = error("{ initial: 10ms, max: 1ms }")
        #expect(inverted?.line == 17)
        #expect(inverted?.message.contains("below the first") == true, "\(String(describing: inverted))")
        let shrinking = error("{ multiplier: 0.5 }")
        #expect(shrinking?.line == 17)
        #expect(shrinking?.message.contains("out of range") == true, "\(String(describing: shrinking))")
        let whole = error("{ jitter: 1 }")
        #expect(whole?.message.contains("below 1") == true, "\(String(describing: whole))")
        let zero = error("{ initial: 0s }")
        #expect(zero?.message.contains("greater than zero") == true, "\(String(describing: zero))")
        let unknown = error("{ initial: 1ms, cap: 1s }")
        #expect(unknown?.message.contains("'cap'") == true, "\(String(describing: unknown))")
        let scalar = error("fast")
        #expect(scalar?.message.contains("reconnect") == true, "\(String(describing: scalar))")
    }
}
