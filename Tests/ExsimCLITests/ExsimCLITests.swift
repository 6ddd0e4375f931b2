import Foundation
import Testing

@Suite(.serialized) struct ExsimCLITests {
    func reportJSON(in directory: URL) throws -> [String: Any] {
        let data = try Data(contentsOf: directory.appendingPathComponent("report.json"))
        return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    @Test func helpListsTheSubcommands() throws {
        let output = try ExsimProcess.run(["--help"])
        #expect(output.status == 0)
        for subcommand in ["run", "validate", "gate", "bench"] {
            #expect(output.stdout.contains(subcommand), "help lacks \(subcommand)")
        }
    }

    @Test func quickstartRunTwiceGivesTheSameDigest() throws {
        let first = try ExsimProcess.temporaryDirectory("first")
        let second = try ExsimProcess.temporaryDirectory("second")
        defer {
            try? FileManager.default.removeItem(at: first)
            try? FileManager.default.removeItem(at: second)
        }
        let runA = try ExsimProcess.run(["run", "Scenarios/quickstart.yaml", "--check", "--out", first.path])
        #expect(runA.status == 0, "\(runA.stderr)")
        let runB = try ExsimProcess.run(["run", "Scenarios/quickstart.yaml", "--check", "--out", second.path])
        #expect(runB.status == 0, "\(runB.stderr)")

        let reportA = try reportJSON(in: first)
        let reportB = try reportJSON(in: second)
        let digestA = try #require(reportA["traceDigest"] as? String)
        #expect(digestA.count == 32)
        #expect(digestA == reportB["traceDigest"] as? String)
        #expect(runA.stdout.contains(digestA), "the summary prints the digest")
        #expect(FileManager.default.fileExists(atPath: first.appendingPathComponent("summary.md").path))

        // One HdrHistogram percentile file per path, whose total count is the path's count.
        let latencies = try #require(reportA["latencies"] as? [[String: Any]])
        let orderToAck = try #require(latencies.first { $0["name"] as? String == "order-to-ack" })
        let hgrm = try String(contentsOf: first.appendingPathComponent("order-to-ack.hgrm"), encoding: .utf8)
        #expect(hgrm.contains("Percentile"))
        #expect(hgrm.contains("#[Total count    =   \((orderToAck["count"] as? Int) ?? -1)]") ||
                hgrm.contains("Total count") && hgrm.contains("\((orderToAck["count"] as? Int) ?? -1)"), "\(hgrm.suffix(300))")
        for name in ["order-to-fill.hgrm", "cancel-to-ack.hgrm"] {
            #expect(FileManager.default.fileExists(atPath: first.appendingPathComponent(name).path), "\(name)")
        }

        // A million instructions per second for one simulated second.
        let counts = try #require(reportA["counts"] as? [String: Any])
        let sent = (counts["ordersSent"] as? Int ?? 0) + (counts["cancelsSent"] as? Int ?? 0) + (counts["replacesSent"] as? Int ?? 0)
        #expect(sent > 990_000 && sent < 1_010_000, "sent \(sent)")
        #expect((counts["trades"] as? Int ?? 0) > 0)
        // The committed baseline gates the quickstart as CI would.
        // Behaviour only: the committed baseline's wall-clock figures come from another machine and moment.
        let gate = try ExsimProcess.run(["gate", "--baseline", "Reports/quickstart-baseline.json", first.appendingPathComponent("report.json").path,
                                         "--require-digest", "--behaviour-only"])
        #expect(gate.status == 0, "\(gate.stdout)\(gate.stderr)")

        let invariants = try #require(reportA["invariants"] as? [String: Any])
        #expect(invariants["checked"] as? Bool == true)
        #expect((invariants["violations"] as? [Any])?.isEmpty == true)

        // Where the round trip went: 5 µs each way, the venue's queue and
        // service; the hops' means add up to the measured order→ack mean.
        let attribution = try #require((reportA["latencyAttribution"] as? [[String: Any]])?.first)
        let toVenue = try #require(attribution["toVenue"] as? [String: Any])
        #expect(toVenue["propagationMeanNs"] as? Double == 5_000 && toVenue["meanNs"] as? Double == 5_000)
        let roundTrip = try #require(attribution["roundTripMeanNs"] as? Double)
        let measured = try #require(orderToAck["meanNs"] as? Double)
        #expect(abs(roundTrip - measured) < 0.02 * measured, "\(roundTrip) against \(measured)")
        #expect(runA.stdout.contains("| XSIM | to venue (writes) | "), "\(runA.stdout)")
        #expect(runA.stdout.contains("| XSIM | round trip | | "), "\(runA.stdout)")
    }

    @Test func anotherSeedGivesAnotherDigest() throws {
        let first = try ExsimProcess.temporaryDirectory("seed1")
        let second = try ExsimProcess.temporaryDirectory("seed2")
        defer {
            try? FileManager.default.removeItem(at: first)
            try? FileManager.default.removeItem(at: second)
        }
        let runA = try ExsimProcess.run(["run", "Scenarios/smoke.yaml", "--seed", "1", "--quiet", "--out", first.path])
        let runB = try ExsimProcess.run(["run", "Scenarios/smoke.yaml", "--seed", "2", "--quiet", "--out", second.path])
        #expect(runA.status == 0 && runB.status == 0, "\(runA.stderr)\(runB.stderr)")
        let digestA = try reportJSON(in: first)["traceDigest"] as? String
        let digestB = try reportJSON(in: second)["traceDigest"] as? String
        #expect(digestA != nil && digestA != digestB)
    }

    @Test func validateAcceptsTheShippedScenarios() throws {
        let output = try ExsimProcess.run(["validate", "Scenarios/quickstart.yaml", "Scenarios/smoke.yaml", "Scenarios/lossy-link.yaml"])
        #expect(output.status == 0, "\(output.stderr)")
        #expect(output.stdout.contains("lossy-link.yaml: ok (1 venue(s), 2 flow(s), 0 scheduled phase change(s), 3 modelled link direction(s))"), "\(output.stdout)")
        #expect(output.stdout.contains("quickstart.yaml: ok (1 venue(s), 1 flow(s), 2 scheduled phase change(s))\n"), "\(output.stdout)")
    }

    @Test func validateNamesFileLineAndColumn() throws {
        let directory = try ExsimProcess.temporaryDirectory("bad")
        defer { try? FileManager.default.removeItem(at: directory) }
        let original = try String(contentsOf: ExsimProcess.packageRoot.appendingPathComponent("Scenarios/smoke.yaml"), encoding: .utf8)
        let lines = original.components(separatedBy: "\n")
        let seedLine = try #require(lines.firstIndex { $0.hasPrefix("seed:") })
        var broken = lines
        broken[seedLine] = "sede: 3"
        let file = directory.appendingPathComponent("broken.yaml")
        try broken.joined(separator: "\n").write(to: file, atomically: true, encoding: .utf8)

        let output = try ExsimProcess.run(["validate", file.path])
        #expect(output.status == 64, "bad input exits with EX_USAGE")
        #expect(output.stderr.contains("broken.yaml:\(seedLine + 1):1"), "\(output.stderr)")
        #expect(output.stderr.contains("sede"))

        let run = try ExsimProcess.run(["run", file.path, "--out", directory.path])
        #expect(run.status == 64)
        #expect(run.stderr.contains("broken.yaml:\(seedLine + 1):1"))
    }

    @Test func gatePassesOnItselfAndFailsOnARegression() throws {
        let directory = try ExsimProcess.temporaryDirectory("gate")
        defer { try? FileManager.default.removeItem(at: directory) }
        let run = try ExsimProcess.run(["run", "Scenarios/smoke.yaml", "--quiet", "--out", directory.path])
        #expect(run.status == 0, "\(run.stderr)")
        let report = directory.appendingPathComponent("report.json").path

        let same = try ExsimProcess.run(["gate", "--baseline", report, report, "--require-digest"])
        #expect(same.status == 0, "\(same.stdout)\(same.stderr)")

        // A baseline that claims twice the simulated throughput and another digest.
        var json = try reportJSON(in: directory)
        var throughput = try #require(json["throughput"] as? [String: Any])
        throughput["instructionsPerSecond"] = (throughput["instructionsPerSecond"] as? Double ?? 0) * 2
        json["throughput"] = throughput
        json["traceDigest"] = String(repeating: "0", count: 32)
        let baseline = directory.appendingPathComponent("baseline.json")
        try JSONSerialization.data(withJSONObject: json).write(to: baseline)

        let regressed = try ExsimProcess.run(["gate", "--baseline", baseline.path, report])
        #expect(regressed.status == 1, "\(regressed.stdout)\(regressed.stderr)")
        #expect(regressed.stdout.contains("FAIL"))
        let digest = try ExsimProcess.run(["gate", "--baseline", baseline.path, report, "--require-digest", "--throughput-drop", "0.9"])
        #expect(digest.status == 1, "a changed digest fails with --require-digest")
        #expect(digest.stdout.contains("trace digest") && digest.stdout.contains("REGRESSED"), "\(digest.stdout)")
    }

    /// The same run, its wall-clock speed cut by 20 %: only the measured figures differ, and the gate fails on them.
    @Test func gateFailsARunThatIsTwentyPercentSlower() throws {
        let directory = try ExsimProcess.temporaryDirectory("slower")
        defer { try? FileManager.default.removeItem(at: directory) }
        let run = try ExsimProcess.run(["run", "Scenarios/smoke.yaml", "--quiet", "--out", directory.path])
        #expect(run.status == 0, "\(run.stderr)")
        var json = try reportJSON(in: directory)
        var wallClock = try #require(json["wallClock"] as? [String: Any])
        for key in ["eventsPerWallSecond", "simulatedSecondsPerWallSecond"] {
            wallClock[key] = try #require(wallClock[key] as? Double) * 0.8
        }
        wallClock["elapsedSeconds"] = try #require(wallClock["elapsedSeconds"] as? Double) / 0.8
        json["wallClock"] = wallClock
        let slower = directory.appendingPathComponent("slower.json")
        try JSONSerialization.data(withJSONObject: json).write(to: slower)
        let report = directory.appendingPathComponent("report.json").path

        let gate = try ExsimProcess.run(["gate", "--baseline", report, slower.path, "--require-digest"])
        #expect(gate.status == 1, "\(gate.stdout)\(gate.stderr)")
        let failing = gate.stdout.split(separator: "\n").filter { $0.contains("REGRESSED") }
        #expect(failing.contains { $0.contains("eventsPerWallSecond") && $0.contains("-20.0 %") }, "\(gate.stdout)")
        #expect(failing.contains { $0.contains("simulatedSecondsPerWallSecond") }, "\(gate.stdout)")
        #expect(!failing.contains { $0.contains("trace digest") })

        // Behaviour alone still passes; a looser limit for the figure passes too.
        let behaviour = try ExsimProcess.run(["gate", "--baseline", report, slower.path, "--require-digest", "--behaviour-only"])
        #expect(behaviour.status == 0, "\(behaviour.stdout)")
        let loose = try ExsimProcess.run(["gate", "--baseline", report, slower.path, "--speed-drop", "0.3"])
        #expect(loose.status == 0, "\(loose.stdout)")
    }

    /// Input the gate cannot judge exits 64 with a message, never a pass.
    @Test func gateRefusesBadInput() throws {
        let directory = try ExsimProcess.temporaryDirectory("badgate")
        defer { try? FileManager.default.removeItem(at: directory) }
        let baseline = "Reports/quickstart-baseline.json"
        let malformed = directory.appendingPathComponent("malformed.json")
        try Data("{\"schemaVersion\": 2, \"kind\": \"run\"".utf8).write(to: malformed)
        let old = directory.appendingPathComponent("old.json")
        var json = try #require(try JSONSerialization.jsonObject(
            with: Data(contentsOf: ExsimProcess.packageRoot.appendingPathComponent(baseline))) as? [String: Any])
        json["schemaVersion"] = 1
        try JSONSerialization.data(withJSONObject: json).write(to: old)
        let cases: [([String], String)] = [
            (["--percentiles", "p42"], "p42"),
            (["--paths", "order-to-nowhere"], "order-to-nowhere"),
            (["--throughput-drop=5"], "--throughput-drop"),
            (["--latency-rise", "-1"], "--latency-rise"),
            (["--speed-drop", "1.5"], "--speed-drop"),
            (["--threshold", "eventsPerWallSecond"], "--threshold"),
            (["--threshold", "noSuchFigure=0.1"], "noSuchFigure"),
            (["--latency-floor", "fast"], "--latency-floor"),
        ]
        for (options, expected) in cases {
            let output = try ExsimProcess.run(["gate", "--baseline", baseline, baseline] + options)
            #expect(output.status == 64, "\(options): \(output.stdout)")
            #expect(output.stderr.contains(expected), "\(options): \(output.stderr)")
        }
        for (file, expected) in [(directory.appendingPathComponent("absent.json").path, "no such file"),
                                 (malformed.path, "not an exsim report"), (old.path, "older exsim")] {
            let asBaseline = try ExsimProcess.run(["gate", "--baseline", file, baseline])
            #expect(asBaseline.status == 64, "\(file)")
            #expect(asBaseline.stderr.contains(expected), "\(asBaseline.stderr)")
            let asReport = try ExsimProcess.run(["gate", "--baseline", baseline, file])
            #expect(asReport.status == 64, "\(file)")
        }
        let noBaseline = try ExsimProcess.run(["gate", baseline])
        #expect(noBaseline.status == 64)
    }

    /// The shipped scenarios' digests are pinned in Reports/: a change of
    /// behaviour must update the pinned baseline deliberately.
    @Test(arguments: ["smoke", "two-venues", "lossy-link", "link-flap", "availability", "route-failover", "availability-redundant", "feed-arbitration", "gateway-failover", "site-partition", "host-crash",
                     "shared-trunk", "gateway-cold-restart", "reconnect-backoff", "feed-replay", "order-entry-replay"])
    func shippedScenarioMatchesItsPinnedDigest(_ name: String) throws {
        let directory = try ExsimProcess.temporaryDirectory("pinned-\(name)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let run = try ExsimProcess.run(["run", "Scenarios/\(name).yaml", "--check", "--quiet", "--out", directory.path])
        #expect(run.status == 0, "\(run.stderr)")
        let gate = try ExsimProcess.run(["gate", "--baseline", "Reports/\(name)-baseline.json",
                                         directory.appendingPathComponent("report.json").path, "--require-digest", "--behaviour-only"])
        #expect(gate.status == 0, "\(name) no longer matches Reports/\(name)-baseline.json:\n\(gate.stdout)\(gate.stderr)")
    }

    /// Side by side, the binary against itself: the plumbing of running both,
    /// alternately, and gating what they wrote (speed limits loosened: one
    /// short repeat on a shared machine says nothing about speed).
    @Test func gateSideBySideRunsBothBinaries() throws {
        let directory = try ExsimProcess.temporaryDirectory("side")
        defer { try? FileManager.default.removeItem(at: directory) }
        let binary = ExsimProcess.binary.path
        let gate = try ExsimProcess.run([
            "gate", "--baseline-bin", binary, "--candidate-bin", binary, "--scenario", "Scenarios/smoke.yaml",
            "--bench", "kernel", "--repeat", "2", "--require-digest", "--speed-drop", "0.99", "--work-dir", directory.path,
        ])
        #expect(gate.status == 0, "\(gate.stdout)\(gate.stderr)")
        for metric in ["trace digest", "eventsPerWallSecond", "simulatedSecondsPerWallSecond", "bench kernel"] {
            #expect(gate.stdout.contains(metric), "\(metric): \(gate.stdout)")
        }
        #expect(gate.stdout.contains("2/2"), "two repeats a side")
        #expect(gate.stderr.contains("round 2/2: candidate"))
        let files = try FileManager.default.contentsOfDirectory(atPath: directory.path)
        #expect(files.contains("baseline-bench-kernel-1.json") && files.contains("candidate-smoke-2"), "\(files)")

        let missing = try ExsimProcess.run(["gate", "--baseline-bin", binary, "--candidate-bin", "/nonexistent/exsim", "--scenario", "Scenarios/smoke.yaml"])
        #expect(missing.status == 64)
        let nothing = try ExsimProcess.run(["gate", "--baseline-bin", binary, "--candidate-bin", binary])
        #expect(nothing.status == 64, "side by side needs a scenario or a bench")
        let unknown = try ExsimProcess.run(["gate", "--baseline-bin", binary, "--candidate-bin", binary, "--bench", "warp"])
        #expect(unknown.status == 64)
        #expect(unknown.stderr.contains("warp"))
    }

    @Test func benchReportsAreReadByTheGate() throws {
        let directory = try ExsimProcess.temporaryDirectory("benchjson")
        defer { try? FileManager.default.removeItem(at: directory) }
        let json = directory.appendingPathComponent("gateway.json").path
        let gateway = try ExsimProcess.run(["bench", "gateway", "--messages", "20000", "--json", json])
        #expect(gateway.status == 0, "\(gateway.stderr)")
        #expect(gateway.stdout.contains("ns/msg"))
        #expect(gateway.stdout.contains("20,000 requests carried out"), "\(gateway.stdout)")
        #expect(!gateway.stdout.contains("DIFFERS"))
        let report = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: json))) as? [String: Any])
        #expect(report["kind"] as? String == "bench")
        #expect(report["bench"] as? String == "gateway")
        let figures = try #require(report["figures"] as? [[String: Any]])
        #expect(figures.first?["name"] as? String == "messagesPerSecond")
        #expect(figures.first?["better"] as? String == "higher")

        let same = try ExsimProcess.run(["gate", "--baseline", json, json])
        #expect(same.status == 0, "\(same.stdout)\(same.stderr)")
        // The same bench 20 % slower.
        var slower = report
        slower["figures"] = figures.map { figure in
            var figure = figure
            figure["value"] = (figure["value"] as? Double ?? 0) * 0.8
            return figure
        }
        let slowerFile = directory.appendingPathComponent("slower.json")
        try JSONSerialization.data(withJSONObject: slower).write(to: slowerFile)
        let regressed = try ExsimProcess.run(["gate", "--baseline", json, slowerFile.path])
        #expect(regressed.status == 1, "\(regressed.stdout)")
        #expect(regressed.stdout.contains("bench gateway messagesPerSecond"), "\(regressed.stdout)")

        let unwritable = try ExsimProcess.run(["bench", "kernel", "--events", "1000", "--json", "/nonexistent-directory/k.json"])
        #expect(unwritable.status == 64)
    }

    @Test func benchesRunBriefly() throws {
        let directory = try ExsimProcess.temporaryDirectory("benches")
        defer { try? FileManager.default.removeItem(at: directory) }
        let kernel = try ExsimProcess.run(["bench", "kernel", "--events", "20000", "--pending", "100",
                                           "--json", directory.appendingPathComponent("kernel.json").path])
        #expect(kernel.status == 0, "\(kernel.stderr)")
        #expect(kernel.stdout.contains("events/s"))
        #expect(kernel.stdout.contains("machine:"))

        let engine = try ExsimProcess.run([
            "bench", "engine", "--orders", "20000", "--rates", "50k", "--seconds", "0.05", "--operations", "20000",
            "--json", directory.appendingPathComponent("engine.json").path,
        ])
        #expect(engine.status == 0, "\(engine.stderr)")
        #expect(engine.stdout.contains("inserts/s"))
        #expect(engine.stdout.contains("maximum throughput"))
        #expect(engine.stdout.contains("platform floor"))
        let network = try ExsimProcess.run(["bench", "network", "--packets", "20000", "--connections", "4",
                                            "--json", directory.appendingPathComponent("network.json").path])
        #expect(network.status == 0, "\(network.stderr)")
        #expect(network.stdout.contains("segments/s"))
        // Any correct link model delivers these segments at these times.
        #expect(network.stdout.contains("delivery checksum: e73f4993ee"), "\(network.stdout)")
        for name in ["kernel", "engine", "network"] {
            let file = directory.appendingPathComponent("\(name).json").path
            let gate = try ExsimProcess.run(["gate", "--baseline", file, file])
            #expect(gate.status == 0, "\(name): \(gate.stdout)\(gate.stderr)")
        }
    }

    @Test func codecBenchRunsBriefly() throws {
        let directory = try ExsimProcess.temporaryDirectory("codec")
        defer { try? FileManager.default.removeItem(at: directory) }
        let json = directory.appendingPathComponent("codec.json").path
        let codec = try ExsimProcess.run(["bench", "codec", "--messages", "5000", "--fix-version", "both", "--json", json])
        #expect(codec.status == 0, "\(codec.stderr)")
        #expect(codec.stdout.contains("machine:"))
        for name in ["ITCH 5.0", "MoldUDP64", "OUCH 4.2", "SoupBinTCP", "FIX 4.2", "FIX 4.4"] {
            #expect(codec.stdout.contains(name), "the codec bench does not name \(name)")
        }
        #expect(codec.stdout.contains("target ≥ 100M/s"))
        // Every decoder read back what the generator wrote.
        #expect(!codec.stdout.contains("DIFFER"), "\(codec.stdout)")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: json))) as? [String: Any])
        let names = (report["figures"] as? [[String: Any]] ?? []).compactMap { $0["name"] as? String }
        for name in ["itchDecodeMoldUDP64", "ouchDecodeEnterOrder", "fix42DecodeNewOrderSingle", "fix44EncodeExecutionReport"] {
            #expect(names.contains(name), "\(name) in \(names)")
        }
    }

    /// The pacing floor runs briefly: the pacer alone at each planned time,
    /// then the hiccups, both printed and in the bench report as figures
    /// where lower is better; a bad rate or spin is bad input.
    @Test func pacingBenchRunsBriefly() throws {
        let directory = try ExsimProcess.temporaryDirectory("pacing")
        defer { try? FileManager.default.removeItem(at: directory) }
        let json = directory.appendingPathComponent("pacing.json").path
        let pacing = try ExsimProcess.run(["bench", "pacing", "--seconds", "0.05", "--rate", "20k/s", "--spin", "20us", "--json", json])
        #expect(pacing.status == 0, "\(pacing.stderr)")
        #expect(pacing.stdout.contains("machine:"))
        #expect(pacing.stdout.contains("over 1,000 planned times"), "\(pacing.stdout)")
        #expect(pacing.stdout.contains("hiccups (a loop that only reads the clock): above 2.00 µs"), "\(pacing.stdout)")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: json))) as? [String: Any])
        let figures = report["figures"] as? [[String: Any]] ?? []
        let names = figures.compactMap { $0["name"] as? String }
        for name in ["pacerErrorP50Ns", "pacerErrorP99Ns", "pacerErrorMaxNs", "hiccupsAbove5usPerSecond", "hiccupLongestNs"] {
            #expect(names.contains(name), "\(name) in \(names)")
        }
        #expect(figures.allSatisfy { $0["better"] as? String == "lower" })
        for bad in [["--rate", "0/s"], ["--spin", "soon"], ["--seconds", "0"], ["--realtime-priority", "100"]] {
            let refused = try ExsimProcess.run(["bench", "pacing"] + bad)
            #expect(refused.status == 64, "\(bad): \(refused.stderr)")
            #expect(refused.stderr.contains(bad[0]), "\(bad): \(refused.stderr)")
        }
    }
}
