import Foundation
import Testing

/// `exsim load` against a running `exsim serve`, both the built binary.
@Suite(.serialized) struct LoadTests {
    /// The figures of a load report, by name.
    static func figures(in directory: URL) throws -> [String: Double] {
        let report = try #require(try JSONSerialization.jsonObject(
            with: Data(contentsOf: directory.appendingPathComponent("load-report.json"))) as? [String: Any])
        #expect(report["schemaVersion"] as? Int == 2)
        #expect(report["kind"] as? String == "bench")
        #expect(report["bench"] as? String == "load")
        let figures = try #require(report["figures"] as? [[String: Any]])
        return Dictionary(uniqueKeysWithValues: figures.compactMap { figure in
            (figure["name"] as? String).flatMap { name in (figure["value"] as? Double).map { (name, $0) } }
        })
    }

    @Test func anOpenLoopRunIsAnsweredInFullAndTheVenueCountsTheSameOrders() throws {
        let serve = try ServeTests.ServeProcess(["Scenarios/quickstart.yaml"])
        try serve.waitForPorts()
        let out = serve.directory.appendingPathComponent("load")
        let run = try ExsimProcess.run(["load", "--ports-file", serve.portsFile.path, "--rate", "20k/s", "--duration", "1s",
                                        "--connections", "2", "--out", out.path])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("order→ack from planned: p50"), "\(run.stdout)")

        let figures = try Self.figures(in: out)
        #expect(figures["ordersSent"] == 20_000, "20k/s for 1 s")
        #expect(figures["ordersUnanswered"] == 0)
        #expect((figures["ordersAccepted"] ?? 0) + (figures["ordersRejected"] ?? 0) == figures["ordersSent"])
        #expect((figures["ordersExecuted"] ?? 0) > 0, "buyer and seller cross")
        #expect(figures["orderAckFromPlannedP99Ns"] != nil && figures["orderAckFromSendP50Ns"] != nil)
        for path in ["order_ack_from_planned", "order_ack_from_send", "order_fill_from_planned", "order_fill_from_send"] {
            #expect(FileManager.default.fileExists(atPath: out.appendingPathComponent("\(path).hgrm").path), "\(path).hgrm")
        }
        let summary = try String(contentsOf: out.appendingPathComponent("load-summary.md"), encoding: .utf8)
        #expect(summary.hasPrefix("## exsim load\n"), "\(summary)")
        #expect(summary.contains("| ordersSent | 20000 orders |"), "\(summary)")
        #expect(summary.contains("| orderAckFromPlannedP99Ns | "), "\(summary)")

        #expect(try serve.terminate() == 0, "\(serve.standardError)")
        let report = try #require(try JSONSerialization.jsonObject(
            with: Data(contentsOf: serve.outDirectory.appendingPathComponent("serve-report.json"))) as? [String: Any])
        let venue = try #require((report["venues"] as? [[String: Any]])?.first)
        #expect((venue["requests"] as? Int).map(Double.init) == figures["ordersSent"], "the venue saw every order")
        #expect(((venue["answers"] as? [String: Int])?["accepted"]).map(Double.init) == figures["ordersAccepted"])
    }

    /// `exsim serve --service-time modelled`: the venue holds each answer
    /// for the quickstart's service time (exponential, mean 450 ns), drawn
    /// per request, and reports the time it spent busy; an unknown mode is
    /// a usage error.
    @Test func serveAppliesTheModelledServiceTimeWhenAsked() throws {
        let bad = try ExsimProcess.run(["serve", "Scenarios/quickstart.yaml", "--service-time", "slow", "--duration", "100ms"])
        #expect(bad.status == 64 && bad.stderr.contains("--service-time <off|modelled>"), "\(bad.stderr)")

        let serve = try ServeTests.ServeProcess(["Scenarios/quickstart.yaml", "--service-time", "modelled"])
        try serve.waitForPorts()
        let out = serve.directory.appendingPathComponent("load")
        let run = try ExsimProcess.run(["load", "--ports-file", serve.portsFile.path, "--rate", "2k/s", "--duration", "1s",
                                        "--out", out.path])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(try serve.terminate() == 0, "\(serve.standardError)")
        let report = try #require(try JSONSerialization.jsonObject(
            with: Data(contentsOf: serve.outDirectory.appendingPathComponent("serve-report.json"))) as? [String: Any])
        let venue = try #require((report["venues"] as? [[String: Any]])?.first)
        let requests = try #require(venue["requests"] as? Int)
        let busyNs = try #require(venue["serviceTimeNs"] as? Int)
        #expect(requests == 2_000)
        // The mean of 2,000 exponential draws of mean 450 ns is within a fifth of it.
        #expect(abs(Double(busyNs) / Double(requests) - 450) < 90, "\(busyNs) ns over \(requests) requests")
    }

    /// `exsim serve --capture` records what the venue read and wrote: the
    /// capture's TCP payload is the report's bytes in and out, its
    /// SoupBinTCP packets the report's messages, its UDP the feed; exsim's
    /// reader finds no hole and tshark reads every frame of it.
    @Test func serveCaptureHoldsEveryByteTheVenueReadAndWrote() throws {
        let feed = try ExsimProcess.temporaryDirectory("serve-capture")
        defer { try? FileManager.default.removeItem(at: feed) }
        let capture = feed.appendingPathComponent("live.pcapng.zst").path
        // The feed goes to a port nobody reads: the capture still holds it.
        let serve = try ServeTests.ServeProcess(["Scenarios/quickstart.yaml", "--capture", capture, "--feed-to", "127.0.0.1:9"])
        try serve.waitForPorts()
        let out = serve.directory.appendingPathComponent("load")
        let run = try ExsimProcess.run(["load", "--ports-file", serve.portsFile.path, "--rate", "2k/s", "--duration", "1s",
                                        "--connections", "2", "--out", out.path])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(try serve.terminate() == 0, "\(serve.standardError)")
        #expect(serve.standardOutput.contains("capture: \(capture) ("), "\(serve.standardOutput)")

        let report = try #require(try JSONSerialization.jsonObject(
            with: Data(contentsOf: serve.outDirectory.appendingPathComponent("serve-report.json"))) as? [String: Any])
        let venue = try #require((report["venues"] as? [[String: Any]])?.first)
        let inspectJSON = feed.appendingPathComponent("inspect.json")
        let inspect = try ExsimProcess.run(["capture", "inspect", capture, "--json", inspectJSON.path])
        #expect(inspect.status == 0, "\(inspect.stderr)")
        let inspection = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: inspectJSON)) as? [String: Any])
        let flows = try #require(inspection["flows"] as? [[String: Any]])
        let tcpFlows = flows.filter { $0["transport"] as? String == "tcp" }
        let udpFlows = flows.filter { $0["transport"] as? String == "udp" }
        #expect(tcpFlows.count == 2, "the load client's two connections")
        let tcpPayload = tcpFlows.map { $0["payloadBytes"] as? Int ?? 0 }.reduce(0, +)
        #expect(tcpPayload == (venue["bytesIn"] as? Int ?? -1) + (venue["bytesOut"] as? Int ?? -1))
        for flow in tcpFlows {
            let tcp = try #require(flow["tcp"] as? [String: Any])
            #expect(tcp["holes"] as? Int == 0 && tcp["retransmittedSegments"] as? Int == 0 && tcp["connections"] as? Int == 1)
        }
        #expect(udpFlows.map { $0["packets"] as? Int ?? 0 }.reduce(0, +) == venue["feedPackets"] as? Int)
        #expect(udpFlows.map { $0["payloadBytes"] as? Int ?? 0 }.reduce(0, +) == venue["feedBytes"] as? Int)
        var counts: [String: Int] = [:]
        for entry in try #require(inspection["messages"] as? [[String: Any]]) {
            counts["\(entry["family"] as! String) \(entry["type"] as! String)", default: 0] += entry["count"] as! Int
        }
        let soupBinTCP = counts.filter { $0.key.hasPrefix("SoupBinTCP ") }.values.reduce(0, +)
        #expect(soupBinTCP == (venue["messagesIn"] as? Int ?? -1) + (venue["messagesOut"] as? Int ?? -1))
        #expect(counts["OUCH in O"] == 2_000 && counts["OUCH out A"] == 2_000, "\(counts)")

        if let tshark = CaptureReadTests.tshark {
            let frames = try CaptureReadTests.runTshark(["-r", capture, "-T", "fields", "-e", "frame.number"])
            #expect(frames.split(separator: "\n").count == inspection["packets"] as? Int)
            let malformed = try CaptureReadTests.runTshark(["-r", capture, "-Y", "_ws.malformed || tcp.analysis.flags"])
            #expect(malformed.isEmpty, "tshark: \(malformed.prefix(500)) (\(tshark))")
        } else {
            #expect(!CaptureOracleTests.required, "tshark is required (scripts/setup.sh installs it)")
        }
    }

    @Test func fixLoadTradesWithTheServedFIXVenue() throws {
        let serve = try ServeTests.ServeProcess(["Scenarios/two-venues.yaml"])
        try serve.waitForPorts()
        // FIX 4.2 twice: serve keeps a FIX session across connections, and the
        // second run's Logon asks for a reset (141=Y) instead of being refused
        // as "MsgSeqNum too low".
        for (index, (version, label)) in [("fix42", "FIX 4.2"), ("fix44", "FIX 4.4"), ("fix42", "FIX 4.2")].enumerated() {
            let out = serve.directory.appendingPathComponent("\(version)-\(index)")
            let run = try ExsimProcess.run(["load", "--ports-file", serve.portsFile.path, "--protocol", version, "--rate", "5k/s",
                                            "--duration", "400ms", "--connections", "2", "--out", out.path])
            #expect(run.status == 0, "\(run.stderr)")
            #expect(run.stdout.contains("\(label), AAPL at"), "the FIX venue is chosen: \(run.stdout)")
            let figures = try Self.figures(in: out)
            #expect(figures["ordersSent"] == 2_000)
            #expect(figures["ordersUnanswered"] == 0)
            #expect((figures["ordersExecuted"] ?? 0) > 0)
        }
        let noFIX = try ExsimProcess.run(["load", "--ports-file", serve.portsFile.path, "--protocol", "fix44", "--venue", "XOUCH",
                                          "--duration", "100ms"])
        #expect(noFIX.status == 64)
        #expect(noFIX.stderr.contains("--venue XOUCH: no venue of that name serves FIX 4.4"), "\(noFIX.stderr)")
        #expect(try serve.terminate() == 0, "\(serve.standardError)")
    }

    @Test func pingAnswersEveryOrderOneAtATime() throws {
        let serve = try ServeTests.ServeProcess(["Scenarios/quickstart.yaml"])
        try serve.waitForPorts()
        let out = serve.directory.appendingPathComponent("ping")
        let run = try ExsimProcess.run(["load", "--ports-file", serve.portsFile.path, "--ping", "--duration", "300ms", "--out", out.path])
        #expect(run.status == 0, "\(run.stderr)")
        let figures = try Self.figures(in: out)
        #expect((figures["ordersSent"] ?? 0) > 0)
        #expect(figures["ordersUnanswered"] == 0)
        #expect(figures["orderAckFromSendP50Ns"] != nil)
        #expect(try serve.terminate() == 0)
    }

    @Test func findMaxReportsTheHighestRateThatHoldsTheObjective() throws {
        let serve = try ServeTests.ServeProcess(["Scenarios/quickstart.yaml"])
        try serve.waitForPorts()
        let out = serve.directory.appendingPathComponent("find-max")
        let run = try ExsimProcess.run(["load", "--ports-file", serve.portsFile.path, "--find-max", "--slo", "p99<10s",
                                        "--rate", "1000/s", "--max-rate", "4000/s", "--duration", "200ms", "--out", out.path])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("trial 3: 4.0k/s planned"), "\(run.stdout)")
        #expect(run.stdout.contains("highest rate holding p99<10s: 4.0k/s (the --max-rate ceiling"), "\(run.stdout)")
        let figures = try Self.figures(in: out)
        #expect(figures["findMaxRate"] == 4_000)
        #expect(figures["findMaxTrials"] == 3)
        #expect(figures["ordersSent"] == 800, "the best trial's figures: 4000/s for 200 ms")

        let impossible = serve.directory.appendingPathComponent("impossible")
        let broken = try ExsimProcess.run(["load", "--ports-file", serve.portsFile.path, "--find-max", "--slo", "p50<1ns",
                                           "--rate", "400/s", "--duration", "100ms", "--out", impossible.path])
        #expect(broken.status == 1, "\(broken.stdout)")
        #expect(broken.stdout.contains("trial 3: 100/s planned"), "400, 200, then the floor: \(broken.stdout)")
        #expect(broken.stderr.contains("no rate held p50<1ns"), "\(broken.stderr)")
        #expect(try Self.figures(in: impossible)["findMaxRate"] == 0)
        #expect(try serve.terminate() == 0, "\(serve.standardError)")
    }

    @Test func findMaxNeedsAWellFormedObjective() throws {
        let common = ["load", "--port", "1", "--symbol", "AAPL", "--price", "1900000"]
        let missing = try ExsimProcess.run(common + ["--find-max"])
        #expect(missing.status == 64 && missing.stderr.contains("--find-max needs --slo"), "\(missing.stderr)")
        let malformed = try ExsimProcess.run(common + ["--find-max", "--slo", "p42"])
        #expect(malformed.status == 64 && malformed.stderr.contains("--slo p42: expected"), "\(malformed.stderr)")
        let alone = try ExsimProcess.run(common + ["--slo", "p99<1ms"])
        #expect(alone.status == 64 && alone.stderr.contains("add --find-max"), "\(alone.stderr)")
        let withPing = try ExsimProcess.run(common + ["--find-max", "--slo", "p99<1ms", "--ping"])
        #expect(withPing.status == 64, "\(withPing.stderr)")
    }

    @Test func aPortWithNoVenueIsItsOwnExitCodeWithAClearMessage() throws {
        var listener: LoopbackListener? = try LoopbackListener()
        let port = try #require(listener?.port)
        listener = nil  // closed: nothing listens there now
        let out = try ExsimProcess.temporaryDirectory("load-unreachable")
        defer { try? FileManager.default.removeItem(at: out) }
        let run = try ExsimProcess.run(["load", "--port", "\(port)", "--symbol", "AAPL", "--price", "1900000",
                                        "--duration", "1s", "--out", out.path])
        #expect(run.status == 69, "\(run.stderr)")
        #expect(run.stderr.contains("cannot connect to 127.0.0.1:\(port)"), "\(run.stderr)")
    }

    @Test func aRunPlanningMoreOrdersThanItsTablesHoldIsBadInput() throws {
        let run = try ExsimProcess.run(["load", "--port", "1", "--symbol", "AAPL", "--price", "1900000",
                                        "--rate", "100M/s", "--duration", "10s"])
        #expect(run.status == 64)
        #expect(run.stderr.contains("--rate 100M/s for --duration 10s"), "\(run.stderr)")
    }

    @Test func helpNamesTheProtocolTheAccountsAndTheExitCodes() throws {
        let help = try ExsimProcess.run(["load", "--help"])
        #expect(help.status == 0)
        for text in ["--ports-file", "--rate", "--ping", "--find-max", "--slo", "--connections", "--protocol", "OUCH 4.2", "FIX 4.2 / 4.4", "P1", "69"] {
            #expect(help.stdout.contains(text), "load --help mentions \(text)")
        }
    }
}
