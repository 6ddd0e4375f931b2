import Foundation
import Testing
@testable import Scenario
import Exchange
import Simulation

/// A venue's per-session `throttle`.
@Suite struct ThrottleSectionTests {
    static let withThrottle = replacing("    service_time: { distribution: constant, value: 300ns }\n",
                                        with: "    service_time: { distribution: constant, value: 300ns }\n    throttle: { messages: 20, per: 1ms }\n")

    @Test func aThrottleParses() throws {
        let config = try ScenarioLoader.parse(yaml: Self.withThrottle, file: "s.yaml")
        #expect(config.venues[0].sessionMessageLimit == MessageRateLimit(messages: 20, intervalNs: 1_000_000))
        #expect(try ScenarioLoader.parse(yaml: minimal, file: "s.yaml").venues[0].sessionMessageLimit == nil)
    }

    @Test func throttleMistakesNameTheLine() {
        func error(_ value: String) -> ScenarioError? {
            parseError(replacing("    service_time: { distribution: constant, value: 300ns }\n",
                                 with: "    service_time: { distribution: constant, value: 300ns }\n    throttle: \(value)\n"))
        }
        let noInterval = error("{ messages: 20 }")
        #expect(noInterval?.line == 9)
        #expect(noInterval?.message.contains("per") == true, "\(String(describing: noInterval))")
        let zero = error("{ messages: 0, per: 1s }")
        #expect(zero?.message.contains("out of range") == true, "\(String(describing: zero))")
        let instant = error("{ messages: 10, per: 0ns }")
        #expect(instant?.message.contains("greater than zero") == true, "\(String(describing: instant))")
        let tooFine = error("{ messages: 1001, per: 1us }")
        #expect(tooFine?.message.contains("more than one per nanosecond") == true, "\(String(describing: tooFine))")
        #expect(error("{ messages: 1000, per: 1us }") == nil, "one per nanosecond is the finest")
        let scalar = error("100/s")
        #expect(scalar?.message.contains("throttle") == true, "\(String(describing: scalar))")
    }

    /// 4 participants at 10k/s between them, each allowed 20 requests per
    /// millisecond in bursts: a quiet flow passes; at 200k/s they are
    /// refused, and every refusal is answered, over OUCH and FIX alike.
    @Test func aRunCountsWhatTheThrottleRefused() throws {
        for (rate, refuses, protocolName) in [("10k/s", false, "ouch42"), ("200k/s", true, "ouch42"), ("200k/s", true, "fix44"),
                                              ("200k/s", true, "fix42")] {
            let yaml = Self.withThrottle.replacingOccurrences(of: "rate: 10k/s", with: "rate: \(rate)")
                .replacingOccurrences(of: "    mix: { limit: 1 }", with: "    mix: { limit: 1 }\n    protocol: \(protocolName)")
            var simulation = try Simulation(config: try ScenarioLoader.parse(yaml: yaml, file: "s.yaml"), checkInvariants: true)
            let result = simulation.run()
            #expect(result.invariantViolations.isEmpty, "\(result.invariantViolations.prefix(3))")
            let throttled = try #require(result.venues.first?.requestsThrottled)
            #expect((throttled > 0) == refuses, "\(rate) \(protocolName): \(throttled)")
            #expect(result.counts.ordersAccepted + result.counts.ordersRejected == result.counts.ordersSent)
            if refuses { #expect(result.counts.ordersRejected > 0) }
        }
    }
}
