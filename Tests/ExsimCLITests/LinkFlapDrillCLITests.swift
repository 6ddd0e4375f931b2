import Foundation
import Testing

/// The shipped link-flap drill through `exsim run`: its assertions hold,
/// its outages are reported, it runs the same twice and matches its pinned
/// baseline; made stricter, it fails with the check-failed code.
@Suite(.serialized) struct LinkFlapDrillCLITests {
    func report(in directory: URL) throws -> [String: Any] {
        let data = try Data(contentsOf: directory.appendingPathComponent("report.json"))
        return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    @Test func theLinkFlapDrillHoldsItsAssertionsAndRunsTheSameTwice() throws {
        let first = try ExsimProcess.temporaryDirectory("flap-first")
        let second = try ExsimProcess.temporaryDirectory("flap-second")
        defer {
            try? FileManager.default.removeItem(at: first)
            try? FileManager.default.removeItem(at: second)
        }
        let runA = try ExsimProcess.run(["run", "Scenarios/link-flap.yaml", "--check", "--out", first.path])
        #expect(runA.status == 0, "\(runA.stdout)\(runA.stderr)")
        #expect(runA.stdout.contains("assertion max_order_entry_outage: 10ms — measured 10ms: pass"), "\(runA.stdout)")
        #expect(runA.stdout.contains("assertion orders_unanswered: 0 — measured 0: pass"), "\(runA.stdout)")
        #expect(runA.stdout.contains("outages XFLAP order_entry: 3"), "\(runA.stdout)")
        let runB = try ExsimProcess.run(["run", "Scenarios/link-flap.yaml", "--check", "--quiet", "--out", second.path])
        #expect(runB.status == 0, "\(runB.stderr)")
        #expect(runB.stdout.contains("assertion sessions_closed_early: 0 — measured 0: pass"), "quiet still prints the assertions: \(runB.stdout)")

        let reportA = try report(in: first)
        let reportB = try report(in: second)
        let digest = try #require(reportA["traceDigest"] as? String)
        #expect(digest == reportB["traceDigest"] as? String)

        let assertions = try #require(reportA["assertions"] as? [[String: Any]])
        #expect(assertions.map { $0["name"] as? String } == [
            "max_order_entry_outage", "orders_unanswered", "sessions_closed_early", "unrecovered_feed_gaps", "order_ack_p99_below",
        ])
        #expect(assertions.allSatisfy { $0["passed"] as? Bool == true })
        let outage = try #require(assertions.first)
        #expect(outage["boundValue"] as? Int == 10_000_000 && outage["measuredValue"] as? Int == 10_000_000 && outage["unit"] as? String == "ns")

        let network = try #require(reportA["network"] as? [String: Any])
        let outages = try #require(network["outages"] as? [[String: Any]])
        let orderEntry = try #require(outages.first { $0["link"] as? String == "order_entry" })
        let intervals = try #require(orderEntry["intervals"] as? [[String: Any]])
        #expect(intervals.map { $0["startNs"] as? Int } == [100_000_000, 120_000_000, 140_000_000])
        #expect(intervals.map { $0["endNs"] as? Int } == [110_000_000, 130_000_000, 150_000_000])
        #expect(orderEntry["longestNs"] as? Int == 10_000_000 && orderEntry["totalNs"] as? Int == 30_000_000)

        let validate = try ExsimProcess.run(["validate", "Scenarios/link-flap.yaml"])
        #expect(validate.stdout.contains("link-flap.yaml: ok (1 venue(s), 2 flow(s), 0 scheduled phase change(s), 3 modelled link direction(s), 2 fault(s), 5 assertion(s))"), "\(validate.stdout)")

        // Pinned like the other shipped scenarios.
        let gate = try ExsimProcess.run(["gate", "--baseline", "Reports/link-flap-baseline.json",
                                         first.appendingPathComponent("report.json").path, "--require-digest", "--behaviour-only"])
        #expect(gate.status == 0, "link-flap no longer matches Reports/link-flap-baseline.json:\n\(gate.stdout)\(gate.stderr)")
    }

    /// The drill with a bound it cannot keep: the run completes, the
    /// report is written, the failing assertion says FAIL, and the exit code is 1.
    @Test func theDrillMadeStricterFails() throws {
        let directory = try ExsimProcess.temporaryDirectory("flap-failing")
        defer { try? FileManager.default.removeItem(at: directory) }
        let run = try ExsimProcess.runVariant(
            of: "Scenarios/link-flap.yaml", [("  max_order_entry_outage: 10ms\n", "  max_order_entry_outage: 5ms\n")],
            named: "strict", in: directory)
        let out = directory.appendingPathComponent("strict")
        #expect(run.status == 1, "\(run.stdout)\(run.stderr)")
        #expect(run.stdout.contains("assertion max_order_entry_outage: 5ms — measured 10ms: FAIL"), "\(run.stdout)")
        #expect(run.stdout.contains("assertion orders_unanswered: 0 — measured 0: pass"), "the others are still evaluated: \(run.stdout)")
        let assertions = try #require(try report(in: out)["assertions"] as? [[String: Any]])
        let failed = try #require(assertions.first)
        #expect(failed["name"] as? String == "max_order_entry_outage" && failed["passed"] as? Bool == false)
        #expect(failed["bound"] as? String == "5ms" && failed["measured"] as? String == "10ms")
    }
}
