import Foundation
import Testing

/// The shipped host-crash drill through `exsim run`: no reset reaches the
/// participants, each session finds the dead host by its own timeout
/// (SoupBinTCP's 15 s, FIX's heartbeat and Test Request), and all come
/// back to the standby with nothing the venue numbered lost.
@Suite struct HostCrashDrillCLITests {
    @Test func theHostCrashDrillHoldsItsAssertions() throws {
        let directory = try ExsimProcess.temporaryDirectory("host-crash")
        defer { try? FileManager.default.removeItem(at: directory) }
        let run = try ExsimProcess.run(["run", "Scenarios/host-crash.yaml", "--check", "--out", directory.path])
        #expect(run.status == 0, "\(run.stdout)\(run.stderr)")
        #expect(run.stdout.contains("host crash XGW at 1.00 s: 6 sessions cut off (found by their timeouts)"), "\(run.stdout)")
        #expect(run.stdout.contains("assertion execution_reports_lost: 0 — measured 0: pass"), "\(run.stdout)")
        let data = try Data(contentsOf: directory.appendingPathComponent("report.json"))
        let report = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let crash = try #require((report["gatewayCrashes"] as? [[String: Any]])?.first)
        #expect(crash["action"] as? String == "host_crash")
        #expect(crash["sessionsReset"] as? Int == 6 && crash["sessionsRecovered"] as? Int == 6)
        // The FIX sessions are the last back: 36 s to their Test Request and as long for its answer.
        let recovery = try #require(crash["recoveryNs"] as? Int)
        #expect(recovery > 71_500_000_000 && recovery < 73_000_000_000, "\(recovery)")

        // The same crash as a process crash: the resets are heard at once.
        let reset = try ExsimProcess.runVariant(
            of: "Scenarios/host-crash.yaml", [("action: host_crash", "action: gateway_crash")], named: "process", in: directory)
        #expect(reset.status == 0, "\(reset.stdout)\(reset.stderr)")
        #expect(reset.stdout.contains("gateway crash XGW at 1.00 s: 6 sessions reset"), "\(reset.stdout)")
        #expect(reset.stdout.contains("all logged in again 5.2"), "\(reset.stdout)")

        // No standby, and the host comes back without the sessions' state:
        // every client sends again what it wrote into the dead connection,
        // the FIX ones with PossResend=Y after the venue's reset Logon, and
        // every order is still answered.
        let cold = try ExsimProcess.runVariant(
            of: "Scenarios/host-crash.yaml",
            [("action: host_crash, for: 1s }", "action: host_crash, for: 1s, state: lost }"),
             ("    standby_gateway: { takeover: 5ms }\n", "")],
            named: "cold", in: directory)
        #expect(cold.status == 0, "\(cold.stdout)\(cold.stderr)")
        #expect(cold.stdout.contains("connections taken again at 2.00 s after the restart without the sessions' state"),
                "\(cold.stdout)")
        #expect(cold.stdout.contains("assertion orders_unanswered: 0 — measured 0: pass"), "\(cold.stdout)")
    }
}
