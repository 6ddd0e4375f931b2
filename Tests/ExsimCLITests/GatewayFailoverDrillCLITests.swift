import Foundation
import Testing

/// The shipped gateway-crash drill through `exsim run`: both crashes are
/// recovered from, by the standby and by the restart, and nothing the
/// venue numbered is lost.
@Suite struct GatewayFailoverDrillCLITests {
    @Test func theGatewayFailoverDrillHoldsItsAssertions() throws {
        let directory = try ExsimProcess.temporaryDirectory("gateway-failover")
        defer { try? FileManager.default.removeItem(at: directory) }
        let run = try ExsimProcess.run(["run", "Scenarios/gateway-failover.yaml", "--check", "--out", directory.path])
        #expect(run.status == 0, "\(run.stdout)\(run.stderr)")
        #expect(run.stdout.contains("assertion execution_reports_lost: 0 — measured 0: pass"), "\(run.stdout)")
        #expect(run.stdout.contains("connections taken again at 105.00 ms by the standby"), "\(run.stdout)")
        #expect(run.stdout.contains("connections taken again at 203.00 ms after the restart"), "\(run.stdout)")
        let data = try Data(contentsOf: directory.appendingPathComponent("report.json"))
        let report = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let crashes = try #require(report["gatewayCrashes"] as? [[String: Any]])
        #expect(crashes.count == 2)
        #expect(crashes.allSatisfy { $0["sessionsReset"] as? Int == 12 && $0["sessionsRecovered"] as? Int == 12 })
        let recoveries = crashes.compactMap { $0["recoveryNs"] as? Int }
        #expect(recoveries.count == 2 && recoveries[0] >= 5_000_000 && recoveries[1] >= 3_000_000 && recoveries[1] < recoveries[0])
        #expect(report["numberedMessagesNotReceived"] as? Int == 0)

        // Without the standby the first crash lasts its 30 ms restart, and the recovery bound fails.
        let failing = try ExsimProcess.runVariant(
            of: "Scenarios/gateway-failover.yaml", [("    standby_gateway: { takeover: 5ms }\n", "")], named: "alone", in: directory)
        #expect(failing.status == 1, "\(failing.stdout)\(failing.stderr)")
        #expect(failing.stdout.contains("assertion max_gateway_recovery: 6ms — measured 30."), "\(failing.stdout)")
    }
}
