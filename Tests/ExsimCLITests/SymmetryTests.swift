import Foundation
import Testing

/// Issue 10's symmetry: the ordered requests a simulated venue carried out
/// in `exsim run`, sent over a real socket to `exsim serve`, give the same
/// engine events, compared by the engine-event digest both report.
@Suite struct SymmetryTests {
    /// One participant, so that its one TCP stream carries every request in
    /// the order the simulated venue carried them out; no self-trade
    /// prevention, so its crossing orders trade; no schedule, so nothing
    /// depends on time.
    static let scenario = """
        name: symmetry
        seed: 7
        duration: 20ms
        venues:
          - name: XSIM
            service_time: { distribution: exponential, mean: 450ns }
            self_trade_prevention: none
            symbols:
              - { name: AAPL, tick: 0.01, reference_price: 190.00 }
              - { name: MSFT, tick: 0.01, reference_price: 410.00 }
        flows:
          - name: one
            venue: XSIM
            rate: 100k/s
            participants: 1
            mix: { limit: 55, market: 5, ioc: 10, cancel: 20, replace: 10 }
            price: { spread_ticks: 5, walk_ticks: 1.0, walk_interval: 1ms }
            quantity: { min: 100, max: 1000, lot: 100 }
            protocol: ouch42

        """

    static func venue(in report: URL) throws -> [String: Any] {
        let object = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: report)) as? [String: Any])
        return try #require((object["venues"] as? [[String: Any]])?.first)
    }

    @Test(.enabled(if: CaptureOracleTests.oraclePython != nil || CaptureOracleTests.required,
                   "the oracle Python is not installed: scripts/setup.sh installs it, and scripts/test.sh runs every oracle test"))
    func theRequestsOfARunServedOverTCPGiveTheSameEngineEvents() throws {
        let directory = try ExsimProcess.temporaryDirectory("symmetry")
        defer { try? FileManager.default.removeItem(at: directory) }
        let scenarioFile = directory.appendingPathComponent("symmetry.yaml")
        try Data(Self.scenario.utf8).write(to: scenarioFile)
        let capture = directory.appendingPathComponent("run.pcap")
        let runOut = directory.appendingPathComponent("run")
        let run = try ExsimProcess.run(["run", scenarioFile.path, "--engine-digest", "--capture", capture.path,
                                        "--out", runOut.path])
        #expect(run.status == 0, "\(run.stderr)")
        let simulated = try Self.venue(in: runOut.appendingPathComponent("report.json"))
        let simulatedDigest = try #require(simulated["engineEventDigest"] as? String)
        let simulatedEvents = try #require(simulated["engineEvents"] as? Int)
        #expect(simulatedEvents > 2_000, "a flow that trades, cancels and replaces")
        #expect(run.stdout.contains("XSIM engine digest: \(simulatedDigest)"))

        let serve = try ServeTests.ServeProcess([scenarioFile.path, "--engine-digest"])
        try serve.waitForPorts()
        let replay = try ServeTests.runOracle("replay_order_entry.py", [capture.path, serve.portsFile.path, "XSIM"])
        #expect(replay.status == 0, "\(replay.standardError)")
        #expect(try serve.terminate() == 0, "\(serve.standardError)")
        let served = try Self.venue(in: serve.outDirectory.appendingPathComponent("serve-report.json"))
        #expect(served["engineEvents"] as? Int == simulatedEvents)
        #expect(served["engineEventDigest"] as? String == simulatedDigest, "replayed: \(replay.standardOutput)")
        #expect((served["trades"] as? Int ?? 0) > 0)
        #expect(serve.standardOutput.contains("XSIM engine digest: \(simulatedDigest)"))

        // The digest tells runs apart: another seed, other requests, another digest.
        let other = try ExsimProcess.run(["run", scenarioFile.path, "--engine-digest", "--seed", "8",
                                          "--out", directory.appendingPathComponent("other").path])
        let otherVenue = try Self.venue(in: directory.appendingPathComponent("other/report.json"))
        #expect(other.status == 0)
        #expect(otherVenue["engineEventDigest"] as? String != simulatedDigest)
    }

    /// Four participants trading with one another, self-trade prevention
    /// on: each gets a connection of its own to `exsim serve`, and the
    /// replay sends their requests in the order the simulated venue
    /// received them, one at a time (the next once the venue has answered),
    /// since TCP keeps no order across connections.
    static let multiConnectionScenario = scenario
        .replacingOccurrences(of: "name: symmetry", with: "name: symmetry-four")
        .replacingOccurrences(of: "self_trade_prevention: none", with: "self_trade_prevention: cancel_newest")
        .replacingOccurrences(of: "rate: 100k/s\n    participants: 1", with: "rate: 100k/s\n    participants: 4")

    @Test(.enabled(if: CaptureOracleTests.oraclePython != nil || CaptureOracleTests.required,
                   "the oracle Python is not installed: scripts/setup.sh installs it, and scripts/test.sh runs every oracle test"))
    func severalConnectionsInTheirSimulatedOrderGiveTheSameEngineEvents() throws {
        #expect(Self.multiConnectionScenario.contains("participants: 4") && Self.multiConnectionScenario.contains("cancel_newest"))
        let directory = try ExsimProcess.temporaryDirectory("symmetry-four")
        defer { try? FileManager.default.removeItem(at: directory) }
        let scenarioFile = directory.appendingPathComponent("symmetry-four.yaml")
        try Data(Self.multiConnectionScenario.utf8).write(to: scenarioFile)
        let capture = directory.appendingPathComponent("run.pcap")
        let runOut = directory.appendingPathComponent("run")
        let run = try ExsimProcess.run(["run", scenarioFile.path, "--engine-digest", "--capture", capture.path, "--out", runOut.path])
        #expect(run.status == 0, "\(run.stderr)")
        let simulated = try Self.venue(in: runOut.appendingPathComponent("report.json"))
        let simulatedDigest = try #require(simulated["engineEventDigest"] as? String)
        let simulatedEvents = try #require(simulated["engineEvents"] as? Int)

        let serve = try ServeTests.ServeProcess([scenarioFile.path, "--engine-digest"])
        try serve.waitForPorts()
        let replay = try ServeTests.runOracle("replay_order_entry.py", [capture.path, serve.portsFile.path, "XSIM"])
        #expect(replay.status == 0, "\(replay.standardError)")
        #expect(replay.standardOutput.contains("\"connections\": 4"), "\(replay.standardOutput)")
        #expect(try serve.terminate() == 0, "\(serve.standardError)")
        let served = try Self.venue(in: serve.outDirectory.appendingPathComponent("serve-report.json"))
        #expect(served["engineEvents"] as? Int == simulatedEvents)
        #expect(served["engineEventDigest"] as? String == simulatedDigest, "replayed: \(replay.standardOutput)")
        #expect((served["trades"] as? Int ?? 0) > 0)
    }

    @Test func withoutTheFlagNoDigestIsReportedAndTheTraceIsUnchanged() throws {
        let directory = try ExsimProcess.temporaryDirectory("symmetry-off")
        defer { try? FileManager.default.removeItem(at: directory) }
        let scenarioFile = directory.appendingPathComponent("symmetry.yaml")
        try Data(Self.scenario.utf8).write(to: scenarioFile)
        var traces: [String] = []
        for flag in [[], ["--engine-digest"]] {
            let out = directory.appendingPathComponent("out\(traces.count)")
            let run = try ExsimProcess.run(["run", scenarioFile.path, "--out", out.path] + flag)
            #expect(run.status == 0, "\(run.stderr)")
            let venue = try Self.venue(in: out.appendingPathComponent("report.json"))
            #expect((venue["engineEventDigest"] != nil) == !flag.isEmpty)
            let report = try #require(try JSONSerialization.jsonObject(
                with: Data(contentsOf: out.appendingPathComponent("report.json"))) as? [String: Any])
            traces.append(try #require(report["traceDigest"] as? String))
        }
        #expect(traces[0] == traces[1], "the digest observes; it changes nothing")
    }
}
