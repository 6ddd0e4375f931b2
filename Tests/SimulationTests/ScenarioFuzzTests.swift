import Foundation
@testable import ScenarioFuzzing
@testable import Simulation
import Testing

/// The scenario fuzzer's properties over a fixed set of generated scenarios,
/// in the test suite: each is validated and, if accepted, run briefly with
/// invariant checks. A trap fails the run; a broken property is recorded.
/// scripts/fuzz.sh scenario explores further, guided by coverage.
@Suite struct ScenarioFuzzTests {
    /// EXSIM_SCENARIO_FUZZ_CASES=N runs N scenarios instead, for a deeper look.
    static let cases: UInt64 = ProcessInfo.processInfo.environment["EXSIM_SCENARIO_FUZZ_CASES"].flatMap(UInt64.init) ?? 400

    @Test func everyAcceptedScenarioRunsCleanly() {
        var rejected = 0
        var endedDay = 0
        var cutShort = 0
        var ranWithLinks = 0
        var ranWithThrottle = 0
        var ranWithReplay = 0
        for seed in 0..<Self.cases {
            var sketch = ScenarioSketch(ChoiceStream(seed: seed))
            let yaml = sketch.yaml()
            do {
                switch try ScenarioFuzzCase.check(yaml: yaml) {
                case .rejected: rejected += 1
                case .ran(let ended):
                    if ended { endedDay += 1 } else { cutShort += 1 }
                    if yaml.contains("\n    - venue: ") { ranWithLinks += 1 }
                    if yaml.contains("    throttle: {") { ranWithThrottle += 1 }
                    if yaml.contains("\nreplay:") { ranWithReplay += 1 }
                }
            } catch {
                Issue.record("seed \(seed): \(error.description)\n\(yaml)")
            }
        }
        print("scenario fuzz: \(Self.cases) scenarios, \(rejected) rejected, \(endedDay) ran to the end of the day, \(cutShort) stopped at the event limit, \(ranWithLinks) ran with modelled links, \(ranWithThrottle) with a throttle, \(ranWithReplay) with a replay")
        // The generator must reach both sides of validation, and runs that
        // end their day as well as runs the event limit stops.
        #expect(rejected > 0 && rejected < Int(Self.cases), "rejected \(rejected) of \(Self.cases)")
        #expect(endedDay > 0, "no generated run ended its day")
        #expect(cutShort > 0, "no generated run reached the event limit")
        #expect(ranWithLinks > 0, "no generated run had modelled links")
        #expect(ranWithThrottle > 0, "no generated run had a throttle")
        #expect(ranWithReplay > 0, "no generated run replayed a capture")
    }

    /// Scenarios that all have links and faults, which the general mix
    /// above rarely gets past validation with.
    @Test func everyAcceptedScenarioWithFaultsRunsCleanly() {
        var ranWithFaults = 0
        var ranWithBackup = 0
        var ranWithFeedB = 0
        var ranWithCrash = 0
        var ranWithBackoff = 0
        var ranWithSharedLink = 0
        for seed in 0..<2 * Self.cases {
            var sketch = ScenarioSketch(ChoiceStream(seed: seed), alwaysFaults: true)
            let yaml = sketch.yaml()
            do {
                if case .ran = try ScenarioFuzzCase.check(yaml: yaml) {
                    ranWithFaults += 1
                    if yaml.contains("backup: {") && yaml.contains("order_entry_backup") { ranWithBackup += 1 }
                    if yaml.contains("link: market_data_b") { ranWithFeedB += 1 }
                    if yaml.contains("action: gateway_crash") { ranWithCrash += 1 }
                    if yaml.contains("reconnect: {") && yaml.contains("action: gateway_crash") { ranWithBackoff += 1 }
                    if yaml.contains("link: T0, action:") { ranWithSharedLink += 1 }
                }
            } catch {
                Issue.record("seed \(seed): \(error.description)\n\(yaml)")
            }
        }
        print("scenario fuzz with faults: \(2 * Self.cases) scenarios, \(ranWithFaults) ran, \(ranWithBackup) with a fault on a backup path, \(ranWithFeedB) on a B feed, \(ranWithCrash) with a gateway crash, \(ranWithBackoff) of those with a reconnect backoff, \(ranWithSharedLink) with a fault of a shared link")
        #expect(ranWithFaults > 0, "no generated run had faults")
        #expect(ranWithBackup > 0, "no generated run had a fault on a backup path")
        #expect(ranWithFeedB > 0, "no generated run had a fault on a B feed")
        #expect(ranWithCrash > 0, "no generated run had a gateway crash")
        #expect(ranWithBackoff > 0, "no generated run had a gateway crash and a reconnect backoff")
        #expect(ranWithSharedLink > 0, "no generated run had a fault of a shared link")
    }

    /// Found by the fuzzer: the primary order-entry link down for good and a
    /// backup whose detection time outlasts the run. TCP's retransmissions
    /// reach the venue over the backup a minute later, long after the day
    /// ended, on a session whose client never logged out; the venue,
    /// closed, must not carry the order out (it trapped publishing it).
    @Test func aRetransmissionAfterTheEndOfDayIsNotCarriedOut() throws {
        let yaml = """
            name: fuzz
            seed: 18446744073709551615
            duration: 2ms
            network:
              one_way_latency: 5us
              venues:
                - venue: XSIM
                  order_entry: { latency: 20us, backup: { detection: 60s } }
                  market_data: { latency: 20us }
            venues:
              - name: XSIM
                service_time: { distribution: exponential, mean: 450ns }
                symbols:
                  - { name: S0, tick: 0.01, reference_price: 190.00 }
            flows:
              - name: f0
                venue: XSIM
                rate: 250k/s
                participants: 4
                mix: { limit: 55, market: 55, ioc: 55, cancel: 55, replace: 55 }
                protocol: fix42
            faults:
              - { at: 1ms, venue: XSIM, link: order_entry, action: down }
            """
        let outcome = try ScenarioFuzzCase.check(yaml: yaml)
        #expect(outcome == .ran(endedDay: true), "\(outcome)")
    }

    /// Found by the fuzzer: a replay with `compress_gaps: 0ns` plans every
    /// captured request at time 0, so thousands of events legitimately share
    /// that instant. The standstill property counts what was planned there.
    @Test func aReplayPlannedAtOneInstantIsNotAStandstill() throws {
        let yaml = """
            name: fuzz
            seed: 18446744073709551615
            duration: 250us
            venues:
              - name: XSIM
                service_time: { distribution: constant, value: 0ns }
                symbols:
                  - { name: AAPL, tick: 0.01, reference_price: 190.00 }
                  - { name: S1, tick: 0.0001, reference_price: 1 }
            flows: []
            schedule:
              - { at: 0ns, venue: XSIM, symbol: S1, phase: continuous }
            replay:
              - { capture: Captures/two-venues.pcap.zst, venue: XSIM, order_entry: all, compress_gaps: 0ns }
            """
        let outcome = try ScenarioFuzzCase.check(yaml: yaml)
        #expect(outcome == .ran(endedDay: true), "\(outcome)")
    }

    /// The standstill property still fires: a run at one instant longer
    /// than that instant allows is caught; an instant where replays plan
    /// items allows 16 events for each, never up to the event limit.
    @Test func aStandstillLongerThanItsInstantAllowsIsCaught() {
        func watch(_ planned: [Int64: UInt64], standingAt timeNs: Int64, for events: UInt64) -> StandstillWatch {
            var watch = StandstillWatch(baseEvents: 4_096, mostEvents: 22_528, plannedAt: planned)
            var delivered: UInt64 = 0
            watch.observe(RunProgress(simulatedNs: timeNs - 1, eventsDelivered: 0, pendingEvents: 0, venueQueueDepths: []))
            while delivered < events {
                delivered += 1_024
                watch.observe(RunProgress(simulatedNs: timeNs, eventsDelivered: delivered, pendingEvents: 0, venueQueueDepths: []))
            }
            return watch
        }
        #expect(watch([:], standingAt: 5, for: 4_096).exceeded == nil)
        #expect(watch([:], standingAt: 5, for: 6_144).exceeded?.events == 5_120)
        #expect(watch([5: 200], standingAt: 5, for: 6_144).exceeded == nil, "200 items planned at 5 allow 7,296 events")
        #expect(watch([5: 200], standingAt: 9, for: 6_144).exceeded != nil, "the allowance is only at its instant")
        #expect(watch([5: 10_000], standingAt: 5, for: 24_576).exceeded?.events == 23_552, "capped below the event limit")
    }

    @Test func aChoiceStreamThatRunsDryMakesTheOrdinaryScenario() throws {
        var sketch = ScenarioSketch(ChoiceStream(bytes: UnsafeRawBufferPointer(start: nil, count: 0)))
        let outcome = try ScenarioFuzzCase.check(yaml: sketch.yaml())
        #expect(outcome == .ran(endedDay: true), "\(outcome)")
    }
}
