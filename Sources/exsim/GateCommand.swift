import ArgumentParser
import Foundation
import Report
import Scenario

/// `exsim gate`: fail a CI build when a candidate regressed against a baseline.
struct GateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gate",
        abstract: "Compare reports with a baseline; exit 1 on a regression.",
        discussion: """
            Reads run reports (report.json) and bench reports (exsim bench … \
            --json), both schemaVersion \(ReportSchema.currentVersion). Give several \
            --baseline files and several reports to compare repeats: measured \
            figures are then compared as the median (or --statistic best) of \
            each side.

            Measured figures (a run's eventsPerWallSecond and \
            simulatedSecondsPerWallSecond, every bench figure) regress when they \
            lose more than --speed-drop of their speed (per figure: --threshold \
            NAME=FRACTION). Simulated figures are fixed by the scenario and \
            exsim's behaviour: with --require-digest the trace digests must \
            match; the simulated throughput and latency percentiles keep their \
            own limits (--throughput-drop, --latency-rise, --latency-floor).

            Side by side: --baseline-bin OLD --candidate-bin NEW runs both \
            binaries alternately on this machine (--scenario, --bench, \
            --repeat) and compares what they measured; this is what a CI job on \
            a shared runner should use (README, "The gate in CI").

            Exit codes: 0 pass, 1 regression, 64 unreadable or malformed \
            input, a report of another schema version, or an option out of range.
            """
    )

    @Option(help: ArgumentHelp("A baseline report (repeat the option for repeats).", valueName: "file"))
    var baseline: [String] = []

    @Argument(help: ArgumentHelp("The reports to judge: run reports or bench reports.", valueName: "report"))
    var reports: [String] = []

    @OptionGroup var thresholds: GateThresholdOptions

    @OptionGroup var sideBySide: GateSideBySideOptions

    func validate() throws {
        if sideBySide.isRequested {
            try sideBySide.validateRequest()
            guard baseline.isEmpty, reports.isEmpty else {
                throw ValidationError("--baseline-bin and --candidate-bin measure their own reports; give no --baseline or report files")
            }
        } else {
            guard !baseline.isEmpty else { throw ValidationError("give --baseline FILE and the reports to judge, or --baseline-bin and --candidate-bin") }
            guard !reports.isEmpty else { throw ValidationError("give the report(s) to judge after the options") }
        }
        do {
            try thresholds.tolerances().validate()
        } catch let error as GateInputError {
            throw ValidationError(error.description)
        }
    }

    func run() throws {
        var tolerances = try thresholds.tolerances()
        tolerances.paired = sideBySide.isRequested && tolerances.statistic == .median
        let baselines: [ReportFile]
        let candidates: [ReportFile]
        if sideBySide.isRequested {
            (baselines, candidates) = try sideBySide.measure()
        } else {
            baselines = try baseline.map(Self.load)
            candidates = try reports.map(Self.load)
        }
        let result: GateResult
        do {
            result = try Gate.compare(baselines: baselines, candidates: candidates, tolerances: tolerances)
        } catch {
            printError(error.description)
            throw ExsimExit.badInput
        }
        print(result.table(), terminator: "")
        if !result.passed { throw ExsimExit.checkFailed }
    }

    static func load(_ path: String) throws -> ReportFile {
        do {
            return try ReportFile.load(path: path)
        } catch {
            printError(error.description)
            throw ExsimExit.badInput
        }
    }
}

/// The limits of `exsim gate`, shared by both of its modes.
struct GateThresholdOptions: ParsableArguments {
    @Option(help: "Measured figures: the largest allowed loss of speed, as a fraction in [0, 1).")
    var speedDrop: Double = 0.15

    @Option(help: ArgumentHelp("A measured figure's own limit, NAME=FRACTION (e.g. eventsPerWallSecond=0.25); repeatable.", valueName: "name=fraction"))
    var threshold: [String] = []

    @Option(help: "How repeats become one figure: median or best.")
    var statistic: GateTolerances.Statistic = .median

    @Flag(help: "Show measured figures without gating them (a baseline from another machine); gate behaviour only.")
    var behaviourOnly = false

    @Flag(help: "Fail when the trace digests differ.")
    var requireDigest = false

    @Option(help: "Simulated throughput: the largest allowed drop, as a fraction in [0, 1).")
    var throughputDrop: Double = 0.10

    @Option(help: "Simulated latency: the largest allowed rise of a percentile, as a fraction in [0, 10].")
    var latencyRise: Double = 0.20

    @Option(help: "Simulated latency percentiles to compare, comma-separated (\(GateTolerances.knownPercentiles.joined(separator: ","))).")
    var percentiles: String = "p50,p99,p99.9"

    @Option(help: "Simulated latency paths to compare, comma-separated (order-to-ack,order-to-fill,cancel-to-ack; default: all in the baseline).")
    var paths: String?

    @Option(help: "Ignore simulated latency rises smaller than this duration (e.g. 500ns).")
    var latencyFloor: String = "0ns"

    func tolerances() throws -> GateTolerances {
        var tolerances = GateTolerances()
        tolerances.throughputDropFraction = throughputDrop
        tolerances.latencyRiseFraction = latencyRise
        tolerances.percentiles = percentiles.split(separator: ",", omittingEmptySubsequences: false)
            .map { $0.trimmingCharacters(in: .whitespaces) }
        tolerances.paths = paths.map { $0.split(separator: ",").map { LatencyPathName.ascii($0.trimmingCharacters(in: .whitespaces)) } }
        tolerances.requireDigestMatch = requireDigest
        tolerances.speedDropFraction = speedDrop
        tolerances.statistic = statistic
        tolerances.compareSpeed = !behaviourOnly
        for entry in threshold {
            let parts = entry.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2, !parts[0].isEmpty, let value = Double(parts[1]) else {
                throw ValidationError("--threshold: '\(entry)' is not NAME=FRACTION (e.g. eventsPerWallSecond=0.25)")
            }
            tolerances.figureDropFractions[parts[0]] = value
        }
        guard let floor = ScenarioValues.duration(latencyFloor) else {
            throw ValidationError("--latency-floor: '\(latencyFloor)' is not a duration like 500ns")
        }
        tolerances.latencyFloorNs = floor
        return tolerances
    }
}

extension GateTolerances.Statistic: ExpressibleByArgument {}
