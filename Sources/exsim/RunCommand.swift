import ArgumentParser
import Foundation
import Measure
import Report
import Scenario
import Simulation

/// `exsim run`: one scenario in simulated time.
struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run a scenario in simulated time and report on it.",
        discussion: """
            Prints a Markdown summary (counts, throughput, latency percentiles, \
            venue utilisation, trace digest, wall-clock speed) and writes \
            report.json and summary.md into the output directory. The same \
            scenario and seed always give the same trace digest. Exits 1 when \
            --check finds a broken engine invariant.
            """
    )

    @Argument(help: "The scenario file (YAML).")
    var scenario: String

    @Option(help: "Override the scenario's seed.")
    var seed: UInt64?

    @Option(help: "Directory for report.json and summary.md (default: out/<scenario name>).")
    var out: String?

    @Flag(help: "Check the matching engine's invariants during and after the run.")
    var check = false

    @Flag(help: "Print only the digest and where the report went.")
    var quiet = false

    func run() throws {
        var config: SimulationConfig
        do {
            config = try ScenarioLoader.load(path: scenario)
        } catch {
            printError(error.description)
            throw ExitCode(2)
        }
        if let seed { config.seed = seed }

        var simulation: Simulation
        do {
            simulation = try Simulation(config: config, checkInvariants: check)
        } catch {
            printError("\(scenario): \(error.description)")
            throw ExitCode(2)
        }
        let started = WallClock.nowNs()
        let result = simulation.run()
        let elapsedSeconds = Double(WallClock.nowNs() - started) / 1e9

        let report = RunReport(result: result, scenarioFile: scenario, elapsedSeconds: elapsedSeconds)
        let directory = URL(fileURLWithPath: out ?? "out/\(config.name)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try report.jsonData().write(to: directory.appendingPathComponent("report.json"))
        let markdown = report.markdown()
        try Data(markdown.utf8).write(to: directory.appendingPathComponent("summary.md"))

        if quiet {
            print("trace digest \(report.traceDigest); report in \(directory.path)")
        } else {
            print(markdown, terminator: "")
            print("report: \(directory.appendingPathComponent("report.json").path)")
        }
        if !report.invariants.passed { throw ExitCode(1) }
    }
}

func printError(_ message: String) {
    FileHandle.standardError.write(Data("error: \(message)\n".utf8))
}

extension RunReport {
    init(result: SimulationResult, scenarioFile: String?, elapsedSeconds: Double) {
        let counts = result.counts
        let duration = result.config.durationNs
        self.init(
            exsimVersion: Exsim.version,
            scenario: result.config.name,
            scenarioFile: scenarioFile,
            seed: result.config.seed,
            traceDigest: result.traceDigest,
            simulatedDurationNs: duration,
            counts: RunCounts(
                ordersSent: counts.ordersSent, cancelsSent: counts.cancelsSent, replacesSent: counts.replacesSent,
                ordersAccepted: counts.ordersAccepted, ordersRejected: counts.ordersRejected,
                instructionsRejected: counts.instructionsRejected, trades: counts.trades, cancelled: counts.cancelled,
                eventsDelivered: result.eventsDelivered),
            throughput: Throughput(
                ordersPerSecond: result.instructionsServed.rate(overNs: duration),
                tradesPerSecond: result.tradesPerSecond.rate(overNs: duration),
                ordersPerSimulatedSecond: result.instructionsServed.perSecond),
            latencies: [result.orderToAck.summary, result.orderToFill.summary, result.cancelToAck.summary],
            venues: result.venues.map {
                VenueSummary(name: $0.name, utilisation: $0.utilisation, maxQueueDepth: $0.maxQueueDepth, instructionsServed: $0.instructionsServed)
            },
            invariants: InvariantResult(checked: result.invariantsChecked, violations: result.invariantViolations),
            wallClock: WallClockSummary(
                elapsedSeconds: elapsedSeconds,
                eventsPerSecond: elapsedSeconds > 0 ? Double(result.eventsDelivered) / elapsedSeconds : 0),
            machine: MachineInfo.current())
    }
}
