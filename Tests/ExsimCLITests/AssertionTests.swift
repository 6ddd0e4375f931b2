import Foundation
import Testing

/// A scenario's assertions, end to end through `exsim run`: each printed
/// with its measured value, written to report.json, and a failed one ends
/// the run with the check-failed code (1).
@Suite(.serialized) struct AssertionTests {
    func report(in directory: URL) throws -> [String: Any] {
        let data = try Data(contentsOf: directory.appendingPathComponent("report.json"))
        return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    /// The smoke scenario with assertions appended, written to `directory`.
    func smoke(with assertions: String, in directory: URL) throws -> String {
        let smoke = try String(contentsOf: ExsimProcess.packageRoot.appendingPathComponent("Scenarios/smoke.yaml"), encoding: .utf8)
        let file = directory.appendingPathComponent("smoke-asserted.yaml")
        try (smoke + "\nassertions:\n" + assertions).write(to: file, atomically: true, encoding: .utf8)
        return file.path
    }

    @Test func passingAssertionsArePrintedReportedAndExitZero() throws {
        let directory = try ExsimProcess.temporaryDirectory("asserted-pass")
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = try smoke(with: "  orders_unanswered: 0\n  sessions_closed_early: 0\n  order_ack_p99_below: 1s\n", in: directory)
        let out = directory.appendingPathComponent("out")
        let run = try ExsimProcess.run(["run", file, "--out", out.path])
        #expect(run.status == 0, "\(run.stdout)\(run.stderr)")
        #expect(run.stdout.contains("assertion orders_unanswered: 0 — measured 0: pass"), "\(run.stdout)")
        #expect(run.stdout.contains("assertion order_ack_p99_below: 1s — measured "), "\(run.stdout)")
        let assertions = try #require(try report(in: out)["assertions"] as? [[String: Any]])
        #expect(assertions.map { $0["name"] as? String } == ["orders_unanswered", "sessions_closed_early", "order_ack_p99_below"])
        #expect(assertions.allSatisfy { $0["passed"] as? Bool == true })
        let p99 = try #require(assertions.last)
        #expect(p99["boundValue"] as? Int == 1_000_000_000 && p99["unit"] as? String == "ns")
        let latencies = try #require(try report(in: out)["latencies"] as? [[String: Any]])
        let orderToAck = try #require(latencies.first { $0["name"] as? String == "order-to-ack" })
        #expect(p99["measuredValue"] as? Int == orderToAck["p99Ns"] as? Int, "the measured p99 is the report's")

        let validate = try ExsimProcess.run(["validate", file])
        #expect(validate.stdout.contains("3 assertion(s))"), "\(validate.stdout)")
    }

    @Test func aFailingAssertionExitsWithTheCheckFailedCode() throws {
        let directory = try ExsimProcess.temporaryDirectory("asserted-fail")
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = try smoke(with: "  order_ack_p99_below: 1us\n  orders_unanswered: 0\n", in: directory)
        let out = directory.appendingPathComponent("out")
        let run = try ExsimProcess.run(["run", file, "--quiet", "--out", out.path])
        #expect(run.status == 1, "\(run.stdout)\(run.stderr)")
        #expect(run.stdout.contains("assertion order_ack_p99_below: 1us — measured "), "\(run.stdout)")
        #expect(run.stdout.contains(": FAIL"), "\(run.stdout)")
        #expect(run.stdout.contains("assertion orders_unanswered: 0 — measured 0: pass"), "the others are still evaluated: \(run.stdout)")
        let assertions = try #require(try report(in: out)["assertions"] as? [[String: Any]])
        let failed = try #require(assertions.first)
        #expect(failed["name"] as? String == "order_ack_p99_below" && failed["passed"] as? Bool == false && failed["bound"] as? String == "1us")
        #expect((failed["measuredValue"] as? Int ?? 0) >= 1_000)
    }

    /// A scenario without assertions has no `assertions` key and exits 0.
    @Test func aScenarioWithoutAssertionsReportsNone() throws {
        let directory = try ExsimProcess.temporaryDirectory("no-assertions")
        defer { try? FileManager.default.removeItem(at: directory) }
        let run = try ExsimProcess.run(["run", "Scenarios/smoke.yaml", "--quiet", "--out", directory.path])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(try report(in: directory)["assertions"] == nil)
        #expect(!run.stdout.contains("assertion "))
    }
}
