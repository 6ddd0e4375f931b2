import Foundation
import Testing
@testable import Scenario
@testable import Simulation

func drillError(_ yaml: String) -> ScenarioError? {
    do {
        _ = try ScenarioLoader.parseDrill(yaml: yaml, file: "s.yaml")
        return nil
    } catch {
        return error
    }
}

@Suite struct AssertionsSectionTests {    @Test func assertionsParseInFileOrder() throws {
        let drill = try ScenarioLoader.parseDrill(yaml: minimal + """

            assertions:
              orders_unanswered: 0
              order_ack_p99_below: 1ms
              max_order_entry_outage: 50ms
              unrecovered_feed_gaps: 3
              sessions_closed_early: 0
            """, file: "s.yaml")
        #expect(drill.assertions == [
            ScenarioAssertion(kind: .ordersUnanswered, bound: 0), ScenarioAssertion(kind: .orderAckP99Below, bound: 1_000_000),
            ScenarioAssertion(kind: .maxOrderEntryOutage, bound: 50_000_000), ScenarioAssertion(kind: .unrecoveredFeedGaps, bound: 3),
            ScenarioAssertion(kind: .sessionsClosedEarly, bound: 0),
        ])
        #expect(try ScenarioLoader.parseDrill(yaml: minimal, file: "s.yaml").assertions.isEmpty)
    }

    @Test func assertionMistakesNameTheLine() {
        let typo = drillError(minimal + "\nassertions:\n  orders_unanswerd: 0\n")
        #expect(typo?.line == 18)
        #expect(typo?.message == "unknown assertion 'orders_unanswerd'; did you mean 'orders_unanswered'?")
        #expect(drillError(minimal + "\nassertions:\n  order_ack_p99_below: 0ns\n")?.message == "expected a duration greater than zero")
        #expect(drillError(minimal + "\nassertions:\n  orders_unanswered: -1\n")?.message.contains("out of range") == true)
        #expect(drillError(minimal + "\nassertions:\n  orders_unanswered: 1ms\n")?.message.contains("is not an integer") == true)
        #expect(drillError(minimal + "\nassertions: [orders_unanswered]\n")?.message.contains("expected assertions") == true)
    }

    @Test func assertionBoundsAreStrictForP99AndInclusiveOtherwise() {
        #expect(!ScenarioAssertion(kind: .orderAckP99Below, bound: 100).holds(measured: 100))
        #expect(ScenarioAssertion(kind: .orderAckP99Below, bound: 100).holds(measured: 99))
        #expect(ScenarioAssertion(kind: .maxOrderEntryOutage, bound: 100).holds(measured: 100))
        #expect(!ScenarioAssertion(kind: .ordersUnanswered, bound: 0).holds(measured: 1))
        #expect(ScenarioAssertionOutcome.format(15_048_703, duration: true) == "15.05ms")
        #expect(ScenarioAssertionOutcome.format(10_000_000, duration: true) == "10ms")
        #expect(ScenarioAssertionOutcome.format(7, duration: false) == "7")
    }

    /// Each assertion measures its figure from a run: a 3 ms outage of the
    /// order-entry link breaks a 2 ms bound and nothing else.
    @Test func assertionsMeasureTheRun() throws {
        let drill = try ScenarioLoader.parseDrill(yaml: withFaultableLink("""
            faults:
              - { at: 2ms, venue: XT, link: order_entry, action: down }
              - { at: 5ms, venue: XT, link: order_entry, action: up }
            assertions:
              max_order_entry_outage: 2ms
              orders_unanswered: 0
              sessions_closed_early: 0
              unrecovered_feed_gaps: 0
              order_ack_p99_below: 1s
            """), file: "s.yaml")
        var simulation = try Simulation(config: drill.config, checkInvariants: true)
        let result = simulation.run()
        let outcomes = drill.assertions.map { $0.evaluate(result) }
        #expect(outcomes.map(\.passed) == [false, true, true, true, true])
        #expect(outcomes[0].measured == 3_000_000 && outcomes[0].measuredText == "3ms" && outcomes[0].statement == "max_order_entry_outage: 2ms")
        #expect(result.counts.ordersSent > 0 && outcomes[1].measured == 0)
        // Orders caught in the outage waited for it: the p99 is above the outage's tail.
        #expect(outcomes[4].measured == result.orderToAck.valueAtPercentile(99) && outcomes[4].measured > 1_000_000)
    }

    /// An availability bound is a percentage with up to four decimals, held
    /// in parts per million, and printed back as written.
    @Test func availabilityBoundsArePercentages() throws {
        func bound(_ text: String) throws -> Int64? {
            try ScenarioLoader.parseDrill(yaml: minimal + "\nassertions:\n  order_entry_availability_at_least: \(text)\n", file: "s.yaml")
                .assertions.first?.bound
        }
        #expect(try bound("99.999%") == 999_990)
        #expect(try bound("100%") == 1_000_000)
        #expect(try bound("99.5") == 995_000)
        #expect(try bound("0%") == 0)
        for bad in ["99.99999%", "101%", "100.5%", "-1%", "ninety"] {
            let failure = drillError(minimal + "\nassertions:\n  order_entry_availability_at_least: \(bad)\n")
            #expect(failure?.message.contains("percentage") == true || failure?.message.contains("above 100%") == true, "\(bad): \(String(describing: failure))")
        }
        #expect(ScenarioAssertionOutcome.formatShare(999_549) == "99.9549%")
        #expect(ScenarioAssertionOutcome.formatShare(999_000) == "99.9%")
        #expect(ScenarioAssertionOutcome.formatShare(1_000_000) == "100%")
        #expect(ScenarioAssertionOutcome.formatShare(999_901) == "99.9901%")
        let holds = ScenarioAssertion(kind: .orderEntryAvailabilityAtLeast, bound: 999_000)
        #expect(holds.holds(measured: 999_000) && holds.holds(measured: 1_000_000) && !holds.holds(measured: 998_999))
    }
}
