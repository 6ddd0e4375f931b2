import Foundation
import Testing
@testable import Scenario
import Simulation

/// `action: gateway_crash` in `faults:` and a venue's `standby_gateway`.
@Suite struct GatewayCrashSectionTests {
    @Test func aCrashAndAStandbyParse() throws {
        let yaml = replacing("    service_time: { distribution: constant, value: 300ns }\n",
                             with: "    service_time: { distribution: constant, value: 300ns }\n    standby_gateway: { takeover: 2ms }\n")
            + "\nfaults:\n  - { at: 1ms, venue: XT, action: gateway_crash, for: 3ms }\n  - { at: 5ms, venue: XT, action: gateway_crash, for: 1ms }\n"
        let config = try ScenarioLoader.parse(yaml: yaml, file: "s.yaml")
        #expect(config.gatewayCrashes == [GatewayCrashConfig(atNs: 1_000_000, venue: "XT", restartAfterNs: 3_000_000),
                                          GatewayCrashConfig(atNs: 5_000_000, venue: "XT", restartAfterNs: 1_000_000)])
        #expect(config.venues[0].standbyTakeoverNs == 2_000_000)
        #expect(config.linkFaults.isEmpty && config.firstProblem == nil)
    }

    @Test func aHostCrashParsesAsASilentCrash() throws {
        let yaml = minimal + "\nfaults:\n  - { at: 1ms, venue: XT, action: host_crash, for: 3ms }\n"
        let config = try ScenarioLoader.parse(yaml: yaml, file: "s.yaml")
        #expect(config.gatewayCrashes == [GatewayCrashConfig(atNs: 1_000_000, venue: "XT", restartAfterNs: 3_000_000, silent: true)])
        let noRestart = parseError(minimal + "\nfaults:\n  - { at: 1ms, venue: XT, action: host_crash }\n")
        #expect(noRestart?.line == 18)
        #expect(noRestart?.message.contains("a host crash") == true, "\(String(describing: noRestart))")
    }

    @Test func aCrashMayLoseTheSessionsState() throws {
        let yaml = minimal + "\nfaults:\n  - { at: 1ms, venue: XT, action: gateway_crash, for: 3ms, state: lost }\n"
            + "  - { at: 5ms, venue: XT, action: host_crash, for: 1ms, state: kept }\n"
        let config = try ScenarioLoader.parse(yaml: yaml, file: "s.yaml")
        #expect(config.gatewayCrashes == [
            GatewayCrashConfig(atNs: 1_000_000, venue: "XT", restartAfterNs: 3_000_000, keepsSessionState: false),
            GatewayCrashConfig(atNs: 5_000_000, venue: "XT", restartAfterNs: 1_000_000, silent: true),
        ])
        let unknown = parseError(minimal + "\nfaults:\n  - { at: 1ms, venue: XT, action: gateway_crash, for: 3ms, state: gone }\n")
        #expect(unknown?.line == 18)
        #expect(unknown?.message == "'gone' is not a session state after the restart; expected one of: kept, lost", "\(String(describing: unknown))")
        let onALink = parseError(minimal + "\nfaults:\n  - { at: 1ms, venue: XT, link: order_entry, action: down, state: lost }\n")
        #expect(onALink?.line == 18)
    }

    @Test func crashMistakesNameTheLine() {
        // `minimal` ends at line 16; `faults:` is line 17, its entry line 18.
        func error(_ entry: String) -> ScenarioError? { parseError(minimal + "\nfaults:\n  - \(entry)\n") }
        let withLink = error("{ at: 1ms, venue: XT, link: order_entry, action: gateway_crash, for: 1ms }")
        #expect(withLink?.line == 18)
        #expect(withLink?.message.contains("'link'") == true, "\(String(describing: withLink))")
        let noRestart = error("{ at: 1ms, venue: XT, action: gateway_crash }")
        #expect(noRestart?.message.contains("for") == true, "\(String(describing: noRestart))")
        let late = error("{ at: 9ms, venue: XT, action: gateway_crash, for: 2ms }")
        #expect(late?.message.contains("after the run's duration of 10ms") == true, "\(String(describing: late))")
        let unknown = error("{ at: 1ms, venue: XQ, action: gateway_crash, for: 1ms }")
        #expect(unknown?.message == "unknown venue 'XQ'; expected one of: XT")
        let overlapping = parseError(minimal + "\nfaults:\n  - { at: 1ms, venue: XT, action: gateway_crash, for: 3ms }\n  - { at: 2ms, venue: XT, action: gateway_crash, for: 1ms }\n")
        #expect(overlapping?.line == 19)
        #expect(overlapping?.message.contains("still down") == true, "\(String(describing: overlapping))")
        let standby = parseError(replacing("    service_time: { distribution: constant, value: 300ns }\n",
                                           with: "    service_time: { distribution: constant, value: 300ns }\n    standby_gateway: { after: 2ms }\n"))
        #expect(standby?.message.contains("'after'") == true, "\(String(describing: standby))")
    }

    @Test func theShippedDrillParses() throws {
        let config = try ScenarioLoader.load(path: packageRoot.appendingPathComponent("Scenarios/gateway-failover.yaml").path)
        #expect(config.gatewayCrashes.count == 2 && config.venues[0].standbyTakeoverNs == 5_000_000)
        #expect(config.firstProblem == nil)
    }
}
