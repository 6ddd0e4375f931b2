import ArgumentParser
import Foundation
import Report

/// `exsim sweep`: one scenario over many seeds, each in its own process.
struct SweepCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sweep",
        abstract: "Run a scenario over many seeds, in parallel processes, and report the failing seeds.",
        discussion: """
            exsim sweep SCENARIO --seeds N runs `exsim run SCENARIO --seed S --check --quiet` \
            for N seeds (S = --first-seed, S+1, ...), --jobs at a time, checks every invariant \
            and assertion (and with --twice that each seed's two runs agree), and prints a table and, for each failing seed, the command that \
            reproduces it. Exit codes, as exsim run's: 0 every seed passed, 1 an assertion \
            failed for some seed (and no invariant broke), 3 an invariant broke or a run crashed \
            for some seed, 64 bad input.

            A sweep that outgrows one machine is cut into shards: --shard K/N runs the seeds \
            whose position in the sweep (0 for the first seed) is K-1 modulo N, K counted from \
            1, and writes a result file; exsim sweep merge combines the N files into the \
            whole sweep's result. Any scheduler that runs N copies of a command with an index \
            spreads the work (README, "Sweeps across machines").
            """,
        subcommands: [SweepRunCommand.self, SweepMergeCommand.self],
        defaultSubcommand: SweepRunCommand.self
    )
}

/// `exsim sweep [run] SCENARIO --seeds N`.
struct SweepRunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run the seeds (the default: exsim sweep SCENARIO ... is exsim sweep run SCENARIO ...).",
        discussion: """
            Each seed runs as a child process of this exsim binary, with its report in a \
            temporary directory that is removed afterwards. The result file (--out; versioned \
            JSON, seeds in ascending order) holds each seed's outcome, exit status, trace \
            digest and failures.
            """
    )

    @Argument(help: "The scenario file (YAML).")
    var scenario: String

    @Option(help: "How many seeds the whole sweep runs.")
    var seeds: Int

    @Option(help: "The sweep's first seed; the others follow it.")
    var firstSeed: UInt64 = 1

    @Option(help: "Runs at a time (default: the number of cores).")
    var jobs: Int?

    @Option(help: ArgumentHelp(
        "Run only shard K of N disjoint shards (K counts from 1), and write a result file.",
        discussion: "Seed number i of the sweep (0 for --first-seed) is in shard i % N + 1. Without --out the file is out/sweep-<scenario>-shard-K-of-N.json.",
        valueName: "K/N"))
    var shard: String?

    @Option(help: "Write the result file (JSON) here.")
    var out: String?

    @Flag(help: "Run each seed with --twice: a seed whose two runs differ fails as invariant-broken.")
    var twice = false

    /// Passed on to every run, for tests of a sweep's failing seeds (exsim run's hidden option).
    @Option(help: ArgumentHelp(visibility: .hidden))
    var perturbSecondRunAtEvent: UInt64?

    mutating func validate() throws {
        if perturbSecondRunAtEvent != nil && !twice {
            throw ValidationError("--perturb-second-run-at-event needs --twice")
        }
        if let jobs, jobs < 1 { throw ValidationError("--jobs must be at least 1, not \(jobs)") }
        if seeds < 1 { throw ValidationError("--seeds must be at least 1, not \(seeds)") }
    }

    func run() throws {
        let plan: SweepPlan
        do {
            let shard = try shard.map { (text: String) throws(SweepError) in try SweepShard(parsing: text) } ?? .whole
            plan = try SweepPlan(firstSeed: firstSeed, seedCount: seeds, shard: shard)
        } catch {
            printError(error.description)
            throw ExsimExit.badInput
        }
        let drill = try loadDrill(scenario)
        let scenarioBytes: Data
        do {
            scenarioBytes = try Data(contentsOf: URL(fileURLWithPath: scenario))
        } catch {
            printError("\(scenario): cannot read (\(error.localizedDescription))")
            throw ExsimExit.badInput
        }
        let outPath = out ?? (shard == nil ? nil
            : "out/sweep-\(drill.config.name)-shard-\(plan.shard.index)-of-\(plan.shard.count).json")
        if let outPath { try checkWritable(outPath) }

        let work: URL
        do {
            work = FileManager.default.temporaryDirectory
                .appendingPathComponent("exsim-sweep-\(ProcessInfo.processInfo.processIdentifier)-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
        } catch {
            printError("cannot create a temporary directory: \(error.localizedDescription)")
            throw ExsimExit.badInput
        }
        defer { try? FileManager.default.removeItem(at: work) }

        let seedList = plan.seeds
        let runOptions = ["--check"] + (twice ? ["--twice"] : [])
            + (perturbSecondRunAtEvent.map { ["--perturb-second-run-at-event", "\($0)"] } ?? [])
        let jobs = seedList.map { seed in
            let directory = work.appendingPathComponent("seed-\(seed)").path
            return ChildProcessPool.Job(
                arguments: ["run", scenario, "--seed", "\(seed)"] + runOptions + ["--quiet", "--out", directory],
                stdoutPath: work.appendingPathComponent("seed-\(seed).stdout").path,
                stderrPath: work.appendingPathComponent("seed-\(seed).stderr").path)
        }
        let pool = ChildProcessPool(executable: ChildProcessPool.currentExecutable(),
                                    parallel: self.jobs ?? ProcessInfo.processInfo.activeProcessorCount)
        var results: [SeedResult?] = Array(repeating: nil, count: seedList.count)
        let showsProgress = RunProgressLine.standardErrorIsTerminal
        var done = 0
        var failing = 0
        do {
            try pool.run(jobs) { index, exit in
                let result = Self.seedResult(seed: seedList[index], exit: exit,
                                        reportDirectory: work.appendingPathComponent("seed-\(seedList[index])"),
                                        stdoutPath: jobs[index].stdoutPath, stderrPath: jobs[index].stderrPath)
                results[index] = result
                done += 1
                if result.outcome != .passed { failing += 1 }
                if showsProgress {
                    FileHandle.standardError.write(Data("\r\u{1B}[Ksweep: \(done)/\(seedList.count) seeds done, \(failing) failing".utf8))
                }
            }
        } catch {
            printError("\(error)")
            throw ExsimExit.badInput
        }
        if showsProgress { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
        precondition(results.allSatisfy { $0 != nil }, "every seed's run was waited for")
        let sweep = SweepResult(
            exsimVersion: Exsim.version, scenario: drill.config.name, scenarioFile: scenario,
            scenarioFileDigest: SweepResult.fileDigest(scenarioBytes), runOptions: runOptions, plan: plan,
            results: results.map { $0! })
        if let outPath { try writeSweepResult(sweep, to: outPath) }
        sweepSummaryLines(sweep, resultFile: outPath).forEach { print($0) }
        try exitForOutcome(sweep)
    }

    /// What one child's exit and report say about its seed.
    static func seedResult(seed: UInt64, exit: ChildExit, reportDirectory: URL, stdoutPath: String, stderrPath: String) -> SeedResult {
        let report = (try? Data(contentsOf: reportDirectory.appendingPathComponent("report.json")))
            .flatMap { try? RunReport.decode(from: $0) }
        var failures: [String] = []
        if let report {
            failures += report.invariants.violations.map { "invariant: \($0)" }
            let failed = (report.assertions ?? []).filter { !$0.passed }
            failures += report.assertionLines(failed)
        }
        let outcome: SeedOutcome
        switch exit {
        case .exited(0) where report != nil: outcome = .passed
        case .exited(1) where report != nil: outcome = .assertionFailed
        case .exited(3): outcome = .invariantBroken
        default: outcome = .crashed
        }
        if outcome == .invariantBroken && report == nil {
            // --twice saw the runs differ: its account is on standard output.
            let stdout = (try? String(contentsOfFile: stdoutPath, encoding: .utf8)) ?? ""
            let lines = stdout.split(separator: "\n")
            if let start = lines.firstIndex(where: { $0.hasPrefix("twice: the runs diverge") }) {
                failures += lines[start...].prefix(6).map { $0.trimmingCharacters(in: .whitespaces) }
            }
        }
        if outcome == .crashed || (outcome == .invariantBroken && failures.isEmpty) {
            switch exit {
            case .signalled(let signal): failures.append("killed by signal \(signal)")
            case .exited(let code): failures.append(report == nil ? "exited \(code) without a report" : "exited \(code)")
            }
            let stderr = (try? String(contentsOfFile: stderrPath, encoding: .utf8)) ?? ""
            failures += stderr.split(separator: "\n").suffix(3).map { "stderr: \($0)" }
        }
        return SeedResult(seed: seed, outcome: outcome, exitStatus: exit.status, traceDigest: report?.traceDigest, failures: failures)
    }
}

/// `exsim sweep merge FILE...`.
struct SweepMergeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "merge",
        abstract: "Combine the result files of a sharded sweep and report as the whole sweep would.",
        discussion: """
            The files must come from one sweep (the same scenario file, seeds, options and \
            exsim version), every shard 1 ... N once. A missing shard is named, and so is a file \
            from another sweep. Prints and exits as exsim sweep does for the whole sweep.
            """
    )

    @Argument(help: "The shards' result files (exsim sweep --shard K/N --out FILE).")
    var files: [String]

    @Option(help: "Write the merged result file (JSON) here.")
    var out: String?

    mutating func validate() throws {
        if files.isEmpty { throw ValidationError("name the shards' result files") }
    }

    func run() throws {
        var shards: [(name: String, result: SweepResult)] = []
        for file in files {
            do {
                let data = try Data(contentsOf: URL(fileURLWithPath: file))
                shards.append((file, try SweepResult.decode(from: data)))
            } catch let error as SweepError {
                printError("\(file): \(error.description)")
                throw ExsimExit.badInput
            } catch {
                printError("\(file): cannot read (\(error.localizedDescription))")
                throw ExsimExit.badInput
            }
        }
        let merged: SweepResult
        do {
            merged = try SweepResult.merge(shards)
        } catch {
            printError(error.description)
            throw ExsimExit.badInput
        }
        if let out {
            try checkWritable(out)
            try writeSweepResult(merged, to: out)
        }
        sweepSummaryLines(merged, resultFile: out).forEach { print($0) }
        try exitForOutcome(merged)
    }
}

/// Ends the command with the exit code of the sweep's worst outcome.
func exitForOutcome(_ sweep: SweepResult) throws {
    switch sweep.worstOutcome {
    case .passed: return
    case .assertionFailed: throw ExsimExit.checkFailed
    case .invariantBroken, .crashed: throw ExsimExit.invariantBroken
    }
}

/// Fails with the bad-input code, before any work, when `path` cannot be written.
func checkWritable(_ path: String) throws {
    let url = URL(fileURLWithPath: path)
    do {
        try prepareOutputDirectory(url.deletingLastPathComponent())
    } catch {
        printError("--out \(path): the directory \(error)")
        throw ExsimExit.badInput
    }
    var isDirectory: ObjCBool = false
    if FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory), isDirectory.boolValue {
        printError("--out \(path): is a directory")
        throw ExsimExit.badInput
    }
}

func writeSweepResult(_ sweep: SweepResult, to path: String) throws {
    do {
        try sweep.jsonData().write(to: URL(fileURLWithPath: path))
    } catch {
        printError("--out \(path): cannot write (\(error.localizedDescription))")
        throw ExsimExit.badInput
    }
}

/// Results printed as a table row by row up to this many seeds; past it,
/// only the failing seeds (the result file has them all).
let sweepTableRowLimit = 100

/// The summary of a sweep or merged sweep.
func sweepSummaryLines(_ sweep: SweepResult, resultFile: String?) -> [String] {
    let plan = sweep.plan
    let last = plan.firstSeed + UInt64(plan.seedCount - 1)
    let failing = sweep.failures
    let digests = Set(sweep.results.compactMap(\.traceDigest)).count
    var lines = ["## exsim sweep: \(sweep.scenario)", ""]
    let shardText = plan.shard == .whole ? "" : ", shard \(plan.shard) (\(sweep.results.count) of them)"
    lines.append("\(sweep.scenarioFile) · seeds \(plan.firstSeed) … \(last) (\(plan.seedCount))\(shardText) · runs with \(sweep.runOptions.joined(separator: " "))")
    lines.append("")
    let rows = sweep.results.count <= sweepTableRowLimit ? sweep.results : failing
    if !rows.isEmpty {
        lines.append("| seed | outcome | exit | trace digest |")
        lines.append("|---:|---|---:|---|")
        for row in rows {
            lines.append("| \(row.seed) | \(row.outcome.rawValue) | \(row.exitStatus) | \(row.traceDigest.map { "`\($0)`" } ?? "—") |")
        }
        if rows.count < sweep.results.count { lines.append("(failing seeds only; every seed is in the result file)") }
        lines.append("")
    }
    let counts = SeedOutcome.allCases.map { outcome in (outcome, sweep.results.filter { $0.outcome == outcome }.count) }
    lines.append("seeds: " + counts.map { "\($0.1) \($0.0.rawValue)" }.joined(separator: ", ") + " · \(digests) distinct trace digests")
    let program = shellQuoted(CommandLine.arguments.first.map { ($0 as NSString).lastPathComponent == "exsim" ? $0 : "exsim" } ?? "exsim")
    for seed in failing {
        lines.append("")
        lines.append("seed \(seed.seed): \(seed.outcome.rawValue) (exit \(seed.exitStatus))")
        seed.failures.forEach { lines.append("  \($0)") }
        let command = [program, "run", shellQuoted(sweep.scenarioFile), "--seed", "\(seed.seed)"] + sweep.runOptions.map(shellQuoted)
        lines.append("  reproduce: \(command.joined(separator: " "))")
    }
    if let resultFile { lines.append(""); lines.append("result: \(resultFile)") }
    return lines
}
