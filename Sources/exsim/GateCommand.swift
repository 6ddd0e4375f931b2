import ArgumentParser
import Foundation
import Report
import Scenario

/// `exsim gate`: fail a CI build when a report regressed against a baseline.
struct GateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gate",
        abstract: "Compare a report with a baseline; exit 1 on a regression.",
        discussion: """
            Throughput regresses when it falls more than --throughput-drop below \
            the baseline; a latency percentile regresses when it rises more than \
            --latency-rise above it and by more than --latency-floor. A path \
            missing from the report is a regression. Exit codes: 0 pass, \
            1 regression, 64 unreadable input or a bad option.
            """
    )

    @Option(help: "The baseline report.json.")
    var baseline: String

    @Argument(help: "The report.json to judge.")
    var report: String

    @Option(help: "Largest allowed throughput drop, as a fraction.")
    var throughputDrop: Double = 0.10

    @Option(help: "Largest allowed latency rise, as a fraction.")
    var latencyRise: Double = 0.20

    @Option(help: "Percentiles to compare, comma-separated (p50,p90,p99,p99.9,p99.99,max).")
    var percentiles: String = "p50,p99,p99.9"

    @Option(help: "Latency paths to compare, comma-separated (default: all in the baseline).")
    var paths: String?

    @Option(help: "Ignore latency rises smaller than this duration (e.g. 500ns).")
    var latencyFloor: String = "0ns"

    @Flag(help: "Fail when the trace digests differ.")
    var requireDigest = false

    func run() throws {
        var tolerances = GateTolerances()
        tolerances.throughputDropFraction = throughputDrop
        tolerances.latencyRiseFraction = latencyRise
        tolerances.percentiles = percentiles.split(separator: ",").map(String.init)
        tolerances.paths = paths.map { $0.split(separator: ",").map(String.init) }
        tolerances.requireDigestMatch = requireDigest
        guard let floor = ScenarioValues.duration(latencyFloor) else {
            printError("--latency-floor: '\(latencyFloor)' is not a duration like 500ns")
            throw ExsimExit.badInput
        }
        tolerances.latencyFloorNs = floor
        let baselineReport = try load(baseline)
        let currentReport = try load(report)
        let result = Gate.compare(baseline: baselineReport, current: currentReport, tolerances: tolerances)
        print(result.table(), terminator: "")
        if !result.passed { throw ExsimExit.checkFailed }
    }

    func load(_ path: String) throws -> RunReport {
        do {
            return try RunReport.decode(from: try Data(contentsOf: URL(fileURLWithPath: path)))
        } catch {
            printError("\(path): \(error)")
            throw ExsimExit.badInput
        }
    }
}
