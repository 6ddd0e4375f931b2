import Foundation
import Testing

/// `exsim serve` of a scenario with a captured feed in `replay:`: the
/// served venue's books replay the capture on the wall clock as the
/// simulated venue's do in virtual time, with the same engine events.
@Suite struct ServeFeedReplayTests {
    /// The captured feed alone, nobody trading: every engine event comes
    /// from the capture, so a served and a simulated venue must agree.
    static func scenario(capture: String) -> String {
        """
        name: served-replay
        seed: 3
        duration: 20ms
        venues:
          - name: XREPLAY
            service_time: { distribution: exponential, mean: 800ns }
            order_entry: [ouch42]
            symbols:
              - { name: AAPL, tick: 0.01, reference_price: 190.00 }
              - { name: MSFT, tick: 0.01, reference_price: 410.00 }
        flows: []
        replay:
          - { capture: \(capture), feed: SIM0000001, venue: XREPLAY }

        """
    }

    static func venue(in report: URL) throws -> [String: Any] {
        let object = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: report)) as? [String: Any])
        return try #require((object["venues"] as? [[String: Any]])?.first)
    }

    @Test func aServedCaptureGivesTheEngineEventsAndCountsOfTheSimulatedReplay() throws {
        let directory = try ExsimProcess.temporaryDirectory("serve-replay")
        defer { try? FileManager.default.removeItem(at: directory) }
        let capture = ExsimProcess.packageRoot.appendingPathComponent("Captures/two-venues.pcap.zst").path
        let scenarioFile = directory.appendingPathComponent("served-replay.yaml")
        try Data(Self.scenario(capture: capture).utf8).write(to: scenarioFile)

        let runOut = directory.appendingPathComponent("run")
        let run = try ExsimProcess.run(["run", scenarioFile.path, "--engine-digest", "--out", runOut.path])
        #expect(run.status == 0, "\(run.stderr)")
        let simulated = try Self.venue(in: runOut.appendingPathComponent("report.json"))
        let simulatedReplay = try #require(simulated["feedReplay"] as? [String: Any])
        let simulatedMessages = try #require(simulatedReplay["messages"] as? Int)
        #expect(simulatedMessages > 500, "20 ms of the capture's feed")

        let serveOut = directory.appendingPathComponent("serve")
        let serve = try ExsimProcess.run(["serve", scenarioFile.path, "--engine-digest", "--duration", "1s", "--out", serveOut.path])
        #expect(serve.status == 0, "\(serve.stderr)")
        #expect(serve.stdout.contains("XREPLAY replays \(simulatedMessages) captured ITCH messages"), "\(serve.stdout)")
        #expect(serve.stdout.contains("XREPLAY: replayed \(simulatedMessages) of \(simulatedMessages) captured messages"), "\(serve.stdout)")
        let served = try Self.venue(in: serveOut.appendingPathComponent("serve-report.json"))
        #expect(served["engineEventDigest"] as? String == simulated["engineEventDigest"] as? String)
        #expect(served["engineEvents"] as? Int == simulated["engineEvents"] as? Int)
        let servedReplay = try #require(served["feedReplay"] as? [String: Any])
        #expect(servedReplay["messagesPlanned"] as? Int == simulatedMessages)
        for (key, value) in simulatedReplay {
            if let count = value as? Int { #expect(servedReplay[key] as? Int == count, "feedReplay.\(key)") }
        }
        let lateness = try #require(servedReplay["lateness"] as? [String: Any])
        #expect(lateness["count"] as? Int == simulatedMessages)
    }

    /// itchfeed decodes what the served venue publishes while the capture
    /// drives it: with nobody trading, every captured add and replace is an
    /// Add Order on the venue's feed, and every delete, replace and
    /// reduction an Order Delete or Order Cancel.
    @Test(.enabled(if: CaptureOracleTests.oraclePython != nil || CaptureOracleTests.required,
                   "the oracle Python (itchfeed) is not installed: scripts/setup.sh installs it, and scripts/test.sh runs every oracle test"))
    func itchfeedDecodesTheServedVenuesFeedOfTheCapturedOrders() throws {
        let run = try ServeTests.runOracle("served_replay_feed.py", [
            ExsimProcess.binary.path, ExsimProcess.packageRoot.appendingPathComponent("Scenarios/feed-replay.yaml").path,
            "XREPLAY", "1s",
        ])
        #expect(run.status == 0, "\(run.standardError)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(run.standardOutput.utf8)) as? [String: Any])
        let byType = try #require(object["byType"] as? [String: Int])
        let replay = try #require(object["feedReplay"] as? [String: Any])
        func count(_ key: String) -> Int { replay[key] as? Int ?? -1 }
        #expect(count("messages") == 2_397 && count("messagesPlanned") == 2_397, "the whole capture within the scenario's 60 ms")
        #expect(count("refused") == 0 && count("ordersGone") == 0 && count("executions") == 0)
        #expect(byType["A"] == count("ordersAdded") + count("ordersReplaced"), "\(byType) \(replay)")
        #expect((byType["D"] ?? 0) + (byType["X"] ?? 0) == count("ordersDeleted") + count("ordersReplaced") + count("ordersReduced"),
                "\(byType) \(replay)")
    }

    @Test func replayDelayMovesTheReplaysTimeZeroAndABadOneIsRefused() throws {
        let directory = try ExsimProcess.temporaryDirectory("serve-replay-delay")
        defer { try? FileManager.default.removeItem(at: directory) }
        let run = try ExsimProcess.run(["serve", "Scenarios/feed-replay.yaml", "--replay-delay", "300ms", "--duration", "800ms",
                                        "--out", directory.path])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("XREPLAY replays 2397 captured ITCH messages of Captures/two-venues.pcap.zst, SIM0000001 from 300.00 ms"),
                "\(run.stdout)")
        #expect(run.stdout.contains("XREPLAY: replayed 2397 of 2397"), "\(run.stdout)")
        let early = try ExsimProcess.run(["serve", "Scenarios/feed-replay.yaml", "--replay-delay", "10s", "--duration", "200ms",
                                          "--out", directory.path])
        #expect(early.stdout.contains("XREPLAY: replayed 0 of 2397"), "stopped before time 0: \(early.stdout)")
        let bad = try ExsimProcess.run(["serve", "Scenarios/feed-replay.yaml", "--replay-delay", "soon"])
        #expect(bad.status == 64)
        #expect(bad.stderr.contains("--replay-delay soon: expected a duration"), "\(bad.stderr)")
    }

    @Test func capturedOrderEntryInAServedScenarioIsNotedAsTheClientsPart() throws {
        let directory = try ExsimProcess.temporaryDirectory("serve-order-entry-replay")
        defer { try? FileManager.default.removeItem(at: directory) }
        let run = try ExsimProcess.run(["serve", "Scenarios/order-entry-replay.yaml", "--duration", "100ms", "--out", directory.path])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stderr.contains("note: the scenario's order-entry replays are a client's part"), "\(run.stderr)")
    }
}
