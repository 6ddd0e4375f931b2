import Foundation
import Testing

/// `exsim run --twice` and `exsim sweep`, end to end through the binary.
@Suite(.serialized) struct SweepTests {
    /// The smoke scenario with assertions appended, written to `directory`.
    func smoke(with assertions: String, in directory: URL) throws -> String {
        let smoke = try String(contentsOf: ExsimProcess.packageRoot.appendingPathComponent("Scenarios/smoke.yaml"), encoding: .utf8)
        let file = directory.appendingPathComponent("smoke-asserted.yaml")
        try (smoke + "\nassertions:\n" + assertions).write(to: file, atomically: true, encoding: .utf8)
        return file.path
    }

    func json(_ url: URL) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
    }

    /// The "reproduce:" commands a sweep printed, as argument lists without the program.
    func reproduceCommands(_ stdout: String) -> [[String]] {
        stdout.split(separator: "\n").compactMap { line in
            guard let range = line.range(of: "reproduce: ") else { return nil }
            return Array(line[range.upperBound...].split(separator: " ").dropFirst().map(String.init))
        }
    }

    // MARK: --twice

    @Test func twiceAgreesOnTheSmokeScenario() throws {
        let directory = try ExsimProcess.temporaryDirectory("twice")
        defer { try? FileManager.default.removeItem(at: directory) }
        let once = try ExsimProcess.run(["run", "Scenarios/smoke.yaml", "--quiet", "--out", directory.path])
        let twice = try ExsimProcess.run(["run", "Scenarios/smoke.yaml", "--quiet", "--twice", "--check", "--out", directory.path])
        #expect(twice.status == 0, "\(twice.stdout)\(twice.stderr)")
        let report = try json(directory.appendingPathComponent("report.json"))
        let digest = try #require(report["traceDigest"] as? String)
        let events = try #require((report["counts"] as? [String: Any])?["eventsDelivered"] as? Int)
        #expect(once.stdout.contains("trace digest \(digest)"), "the report is the same as a single run's: \(once.stdout)")
        #expect(twice.stdout.contains("twice: both runs agree: \(events) events, trace digest \(digest)"), "\(twice.stdout)")
    }

    @Test func twiceStopsAtTheFirstDivergentEventAndExitsThree() throws {
        let directory = try ExsimProcess.temporaryDirectory("twice-diverge")
        defer { try? FileManager.default.removeItem(at: directory) }
        let run = try ExsimProcess.run(["run", "Scenarios/smoke.yaml", "--quiet", "--twice", "--perturb-second-run-at-event", "1234",
                                        "--out", directory.path])
        #expect(run.status == 3, "\(run.stdout)\(run.stderr)")
        #expect(run.stdout.contains("twice: the runs diverge at event #1235:"), "\(run.stdout)")
        let lines = run.stdout.split(separator: "\n").map(String.init)
        let first = try #require(lines.first { $0.hasPrefix("  first run:  #1235 at ") })
        let second = try #require(lines.first { $0.hasPrefix("  second run: #1235 at ") })
        #expect(first.dropFirst("  first run:  ".count) == second.dropFirst("  second run: ".count), "the same event in both")
        #expect(lines.contains { $0.hasPrefix("  both before: #1234 at ") }, "\(run.stdout)")
        #expect(!FileManager.default.fileExists(atPath: directory.appendingPathComponent("report.json").path), "no report of a diverged run")
        let alone = try ExsimProcess.run(["run", "Scenarios/smoke.yaml", "--perturb-second-run-at-event", "3", "--out", directory.path])
        #expect(alone.status == 64 && alone.stderr.contains("needs --twice"), "\(alone.stderr)")
        let help = try ExsimProcess.run(["run", "--help"])
        #expect(!help.stdout.contains("perturb"), "the test option is hidden")
    }

    // MARK: sweep

    @Test func aSmallSweepPassesAndAgreesWithSingleRuns() throws {
        let directory = try ExsimProcess.temporaryDirectory("sweep")
        defer { try? FileManager.default.removeItem(at: directory) }
        let resultFile = directory.appendingPathComponent("sweep.json")
        let sweep = try ExsimProcess.run(["sweep", "Scenarios/smoke.yaml", "--seeds", "4", "--first-seed", "40", "--jobs", "2",
                                          "--out", resultFile.path])
        #expect(sweep.status == 0, "\(sweep.stdout)\(sweep.stderr)")
        #expect(sweep.stdout.contains("seeds: 4 pass, 0 assertion-failed, 0 invariant-broken, 0 crashed"), "\(sweep.stdout)")
        let results = try #require(try json(resultFile)["results"] as? [[String: Any]])
        #expect(results.map { $0["seed"] as? Int } == [40, 41, 42, 43])
        #expect(results.allSatisfy { $0["outcome"] as? String == "pass" })
        // Seed 42 is the scenario's own: its digest is a plain run's.
        let single = try ExsimProcess.run(["run", "Scenarios/smoke.yaml", "--seed", "42", "--check", "--quiet", "--out", directory.appendingPathComponent("single").path])
        let digest = try #require(results[2]["traceDigest"] as? String)
        #expect(single.stdout.contains("trace digest \(digest)"), "\(single.stdout)")
        #expect(sweep.stdout.contains("| 42 | pass | 0 | `\(digest)` |"), "\(sweep.stdout)")
    }

    @Test func twoShardsMergedEqualTheUnshardedSweep() throws {
        let directory = try ExsimProcess.temporaryDirectory("sweep-shards")
        defer { try? FileManager.default.removeItem(at: directory) }
        let whole = directory.appendingPathComponent("whole.json")
        let unsharded = try ExsimProcess.run(["sweep", "Scenarios/smoke.yaml", "--seeds", "5", "--out", whole.path])
        #expect(unsharded.status == 0, "\(unsharded.stdout)\(unsharded.stderr)")
        var shardFiles: [String] = []
        for k in 1...2 {
            let file = directory.appendingPathComponent("shard-\(k).json").path
            let shard = try ExsimProcess.run(["sweep", "Scenarios/smoke.yaml", "--seeds", "5", "--shard", "\(k)/2", "--jobs", "1", "--out", file])
            #expect(shard.status == 0, "\(shard.stdout)\(shard.stderr)")
            shardFiles.append(file)
        }
        let firstShard = try #require(try json(URL(fileURLWithPath: shardFiles[0]))["results"] as? [[String: Any]])
        #expect(firstShard.map { $0["seed"] as? Int } == [1, 3, 5], "shard 1/2 holds seed positions 0, 2, 4")
        let merged = directory.appendingPathComponent("merged.json")
        let merge = try ExsimProcess.run(["sweep", "merge", shardFiles[1], shardFiles[0], "--out", merged.path])
        #expect(merge.status == 0, "\(merge.stdout)\(merge.stderr)")
        #expect(try Data(contentsOf: merged) == Data(contentsOf: whole), "the merged file is the unsharded sweep's, byte for byte")
        #expect(merge.stdout.replacingOccurrences(of: merged.path, with: "") == unsharded.stdout.replacingOccurrences(of: whole.path, with: ""))

        let missing = try ExsimProcess.run(["sweep", "merge", shardFiles[0]])
        #expect(missing.status == 64)
        #expect(missing.stderr.contains("missing shard 2/2"), "\(missing.stderr)")
        let repeated = try ExsimProcess.run(["sweep", "merge", shardFiles[0], shardFiles[0], shardFiles[1]])
        #expect(repeated.status == 64)
        #expect(repeated.stderr.contains("shard 1/2 appears more than once"), "\(repeated.stderr)")
        let other = directory.appendingPathComponent("other.json").path
        _ = try ExsimProcess.run(["sweep", "Scenarios/smoke.yaml", "--seeds", "6", "--shard", "2/2", "--out", other])
        let mismatched = try ExsimProcess.run(["sweep", "merge", shardFiles[0], other])
        #expect(mismatched.status == 64)
        #expect(mismatched.stderr.contains("is from another sweep than") && mismatched.stderr.contains("seed count 6 ≠ 5"), "\(mismatched.stderr)")
    }

    @Test func failingSeedsAreListedWithTheCommandThatReproducesThem() throws {
        let directory = try ExsimProcess.temporaryDirectory("sweep-fail")
        defer { try? FileManager.default.removeItem(at: directory) }
        let scenario = try smoke(with: "  order_ack_p99_below: 1us\n  orders_unanswered: 0\n", in: directory)
        let resultFile = directory.appendingPathComponent("sweep.json")
        let sweep = try ExsimProcess.run(["sweep", scenario, "--seeds", "3", "--out", resultFile.path])
        #expect(sweep.status == 1, "an assertion failed: \(sweep.stdout)\(sweep.stderr)")
        #expect(sweep.stdout.contains("seeds: 0 pass, 3 assertion-failed"), "\(sweep.stdout)")
        #expect(sweep.stdout.contains("assertion order_ack_p99_below: 1us — measured "), "\(sweep.stdout)")
        let commands = reproduceCommands(sweep.stdout)
        #expect(commands.count == 3)
        #expect(commands.first == ["run", scenario, "--seed", "1", "--check"], "\(sweep.stdout)")
        let results = try #require(try json(resultFile)["results"] as? [[String: Any]])
        #expect(results.allSatisfy { $0["outcome"] as? String == "assertion-failed" && ($0["failures"] as? [String])?.count == 1 })
        let reproduced = try ExsimProcess.run(commands[1] + ["--quiet", "--out", directory.appendingPathComponent("again").path])
        #expect(reproduced.status == 1, "the printed command fails the same way: \(reproduced.stdout)")
    }

    /// An assertion bound that some seeds meet and others miss: the sweep's
    /// verdict for each seed is the verdict of running that seed alone.
    @Test func aSweepSortsPassingFromFailingSeedsAsSingleRunsDo() throws {
        let directory = try ExsimProcess.temporaryDirectory("sweep-mixed")
        defer { try? FileManager.default.removeItem(at: directory) }
        let scenario = try smoke(with: "  order_ack_p99_below: 12200ns\n", in: directory)
        let sweep = try ExsimProcess.run(["sweep", scenario, "--seeds", "6", "--jobs", "2"])
        let failing = Set(reproduceCommands(sweep.stdout).compactMap { $0.count > 3 ? UInt64($0[3]) : nil })
        #expect(!failing.isEmpty && failing.count < 6, "the bound splits seeds 1 … 6: \(sweep.stdout)")
        #expect(sweep.status == (failing.isEmpty ? 0 : 1))
        for seed in 1...6 as ClosedRange<UInt64> {
            let single = try ExsimProcess.run(["run", scenario, "--seed", "\(seed)", "--check", "--quiet",
                                               "--out", directory.appendingPathComponent("seed-\(seed)").path])
            #expect(single.status == (failing.contains(seed) ? 1 : 0), "seed \(seed): \(single.stdout)")
        }
    }

    /// Each seed run with --twice: runs that differ make the seed fail as a
    /// broken invariant, with --twice's account of the first divergent event.
    @Test func aSweepWithTwiceFailsSeedsWhoseRunsDiffer() throws {
        let agreeing = try ExsimProcess.run(["sweep", "Scenarios/smoke.yaml", "--seeds", "2", "--twice"])
        #expect(agreeing.status == 0, "\(agreeing.stdout)\(agreeing.stderr)")
        #expect(agreeing.stdout.contains("runs with --check --twice"), "\(agreeing.stdout)")

        let directory = try ExsimProcess.temporaryDirectory("sweep-twice")
        defer { try? FileManager.default.removeItem(at: directory) }
        let resultFile = directory.appendingPathComponent("sweep.json")
        let sweep = try ExsimProcess.run(["sweep", "Scenarios/smoke.yaml", "--seeds", "2", "--first-seed", "7", "--twice",
                                          "--perturb-second-run-at-event", "300", "--out", resultFile.path])
        #expect(sweep.status == 3, "\(sweep.stdout)\(sweep.stderr)")
        #expect(sweep.stdout.contains("seeds: 0 pass, 0 assertion-failed, 2 invariant-broken"), "\(sweep.stdout)")
        #expect(sweep.stdout.contains("twice: the runs diverge at event #301"), "\(sweep.stdout)")
        let commands = reproduceCommands(sweep.stdout)
        #expect(commands.first == ["run", "Scenarios/smoke.yaml", "--seed", "7", "--check", "--twice", "--perturb-second-run-at-event", "300"])
        let results = try #require(try json(resultFile)["results"] as? [[String: Any]])
        #expect(results.allSatisfy { $0["outcome"] as? String == "invariant-broken" && $0["exitStatus"] as? Int == 3 })
        #expect(results.allSatisfy { (($0["failures"] as? [String])?.first ?? "").hasPrefix("twice: the runs diverge at event #301") })

        let needsTwice = try ExsimProcess.run(["sweep", "Scenarios/smoke.yaml", "--seeds", "2", "--perturb-second-run-at-event", "3"])
        #expect(needsTwice.status == 64, "\(needsTwice.stderr)")
    }

    @Test func badInputIsRefusedWithTheUsageCode() throws {
        let directory = try ExsimProcess.temporaryDirectory("sweep-bad")
        defer { try? FileManager.default.removeItem(at: directory) }
        for (arguments, message) in [
            (["--seeds", "4", "--shard", "0/2"], "counts from 1"),
            (["--seeds", "4", "--shard", "3/2"], "must be 1 to 2, not 3"),
            (["--seeds", "4", "--shard", "two"], "is not K/N"),
            (["--seeds", "4", "--shard", "1/0"], "number of shards"),
            (["--seeds", "0"], "--seeds must be at least 1"),
            (["--seeds", "2", "--jobs", "0"], "--jobs must be at least 1"),
            (["--seeds", "2", "--first-seed", "18446744073709551615"], "passes the largest seed"),
        ] {
            let run = try ExsimProcess.run(["sweep", "Scenarios/smoke.yaml"] + arguments)
            #expect(run.status == 64, "\(arguments): \(run.stderr)")
            #expect(run.stderr.contains(message), "\(arguments): \(run.stderr)")
        }
        let missingScenario = try ExsimProcess.run(["sweep", "Scenarios/no-such.yaml", "--seeds", "2"])
        #expect(missingScenario.status == 64, "\(missingScenario.stderr)")

        let unreadable = try ExsimProcess.run(["sweep", "merge", directory.appendingPathComponent("absent.json").path])
        #expect(unreadable.status == 64)
        #expect(unreadable.stderr.contains("absent.json: cannot read"), "\(unreadable.stderr)")
        let report = directory.appendingPathComponent("run")
        _ = try ExsimProcess.run(["run", "Scenarios/smoke.yaml", "--quiet", "--out", report.path])
        let notASweep = try ExsimProcess.run(["sweep", "merge", report.appendingPathComponent("report.json").path])
        #expect(notASweep.status == 64)
        #expect(notASweep.stderr.contains("not a sweep result"), "\(notASweep.stderr)")
    }

    @Test func helpDescribesSweepShardsAndMerge() throws {
        let sweep = try ExsimProcess.run(["sweep", "--help"])
        #expect(sweep.stdout.contains("merge") && sweep.stdout.contains("--shard K/N"), "\(sweep.stdout)")
        let run = try ExsimProcess.run(["sweep", "run", "--help"])
        for option in ["--seeds", "--first-seed", "--jobs", "--shard", "--out"] {
            #expect(run.stdout.contains(option), "\(option): \(run.stdout)")
        }
        let merge = try ExsimProcess.run(["sweep", "merge", "--help"])
        #expect(merge.stdout.contains("Combine the result files"), "\(merge.stdout)")
        #expect(try ExsimProcess.run(["run", "--help"]).stdout.contains("--twice"))
    }
}
