import Foundation
import Testing

/// The shipped cold-restart drill through `exsim run`: the gateway comes
/// back without its sessions' state, every OUCH and FIX session logs in to
/// the new one, and what the state held is counted as lost; the same run
/// with the state kept loses nothing.
@Suite struct GatewayColdRestartDrillCLITests {
    static func report(at url: URL) throws -> [String: Any] {
        let data = try Data(contentsOf: url.appendingPathComponent("report.json"))
        return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    /// Orders sent that the venue neither accepted nor rejected to its client.
    static func unanswered(_ report: [String: Any]) throws -> Int {
        let counts = try #require(report["counts"] as? [String: Any])
        let sent = try #require(counts["ordersSent"] as? Int)
        return sent - (counts["ordersAccepted"] as? Int ?? 0) - (counts["ordersRejected"] as? Int ?? 0)
    }

    @Test func theColdRestartDrillHoldsItsAssertionsAndCountsWhatTheStateHeld() throws {
        let directory = try ExsimProcess.temporaryDirectory("gateway-cold-restart")
        defer { try? FileManager.default.removeItem(at: directory) }
        let run = try ExsimProcess.run(["run", "Scenarios/gateway-cold-restart.yaml", "--check", "--out", directory.path])
        #expect(run.status == 0, "\(run.stdout)\(run.stderr)")
        #expect(run.stdout.contains("connections taken again at 110.00 ms after the restart without the sessions' state"), "\(run.stdout)")
        #expect(run.stdout.contains("invariants: all held"), "\(run.stdout)")
        let lost = try Self.report(at: directory)
        let crash = try #require((lost["gatewayCrashes"] as? [[String: Any]])?.first)
        #expect(crash["sessionState"] as? String == "lost")
        #expect(crash["sessionsReset"] as? Int == 12 && crash["sessionsRecovered"] as? Int == 12)
        // Every session back after the 10 ms restart, the OUCH ones after a refused login to the old session.
        let recovery = try #require(crash["recoveryNs"] as? Int)
        #expect(recovery > 10_000_000 && recovery < 14_000_000, "\(recovery)")
        let lostReports = try #require(lost["numberedMessagesNotReceived"] as? Int)
        let lostOrders = try Self.unanswered(lost)
        #expect(lostReports + lostOrders > 0, "the segments waiting for retransmission at the crash go with the state")

        // The same crash with the state kept: the logins resume the old
        // sessions, the venue replays and asks for what was missed.
        let kept = try ExsimProcess.runVariant(
            of: "Scenarios/gateway-cold-restart.yaml", [(", state: lost }", " }")], named: "kept", in: directory)
        #expect(kept.status == 0, "\(kept.stdout)\(kept.stderr)")
        let keptReport = try Self.report(at: directory.appendingPathComponent("kept"))
        let keptCrash = try #require((keptReport["gatewayCrashes"] as? [[String: Any]])?.first)
        #expect(keptCrash["sessionState"] == nil)
        #expect(keptReport["numberedMessagesNotReceived"] as? Int == 0)
        #expect(try Self.unanswered(keptReport) == 0)

        // A restart twice as long breaks the drill's recovery bound.
        let slow = try ExsimProcess.runVariant(
            of: "Scenarios/gateway-cold-restart.yaml", [("for: 10ms, state: lost", "for: 20ms, state: lost")], named: "slow", in: directory)
        #expect(slow.status == 1, "\(slow.stdout)\(slow.stderr)")
        #expect(slow.stdout.contains("assertion max_gateway_recovery: 14ms — measured 2"), "\(slow.stdout)")
    }

    /// Every session FIX: each request a crash swallowed, and each new
    /// order whose answer was lost with the venue's state, goes again with
    /// PossResend=Y after the venue's reset Logon; the venue answers an
    /// order it took with its status. No order stays unanswered, which the
    /// same run with OUCH sessions cannot promise (OUCH 4.2 has no status).
    @Test func fixSessionsGetEveryOrderAnsweredAfterTheResetWithPossResend() throws {
        let directory = try ExsimProcess.temporaryDirectory("gateway-cold-restart-fix")
        defer { try? FileManager.default.removeItem(at: directory) }
        let run = try ExsimProcess.runVariant(
            of: "Scenarios/gateway-cold-restart.yaml",
            [("    protocol: ouch42", "    protocol: fix44"),
             ("  order_ack_p99_below: 3ms", "  order_ack_p99_below: 3ms\n  orders_unanswered: 0")],
            named: "fix", in: directory)
        #expect(run.status == 0, "\(run.stdout)\(run.stderr)")
        #expect(run.stdout.contains("assertion orders_unanswered: 0 — measured 0: pass"), "\(run.stdout)")
        let report = try Self.report(at: directory.appendingPathComponent("fix"))
        #expect(try Self.unanswered(report) == 0)
        // Reports were lost with the state, and requests went again.
        #expect((report["numberedMessagesNotReceived"] as? Int ?? 0) > 0)
        #expect((report["requestsResent"] as? Int ?? 0) > 0)
    }
}
