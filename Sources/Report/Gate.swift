import Foundation
import Measure

/// How much worse a candidate may be than its baseline before the gate fails.
///
/// Two families of rule (docs/reports.md, "The gate"):
/// - **behaviour**, for what the simulated world did: the trace digest, the
///   simulated throughput and latencies. A run is deterministic, so these
///   only move when exsim's behaviour or the scenario changed.
/// - **speed**, for what was measured on the wall clock: a run's events per
///   wall second and simulated seconds per wall second, and every bench
///   figure. These are noisy, so they are compared as a median (or best) of
///   repeats against a per-figure threshold.
public struct GateTolerances: Hashable, Sendable {
    /// Simulated throughput may fall by at most this fraction.
    public var throughputDropFraction: Double = 0.10
    /// Each compared simulated percentile may rise by at most this fraction.
    public var latencyRiseFraction: Double = 0.20
    public var percentiles: [String] = ["p50", "p99", "p99.9"]
    /// Latency paths to compare (ASCII names); nil compares every path of the baseline.
    public var paths: [String]? = nil
    public var requireDigestMatch = false
    /// Simulated latency rises smaller than this many nanoseconds never fail the gate.
    public var latencyFloorNs: Int64 = 0

    /// A measured figure may lose at most this fraction of its speed: a rate
    /// may fall to (1 − f) × baseline, a time may grow to baseline / (1 − f).
    public var speedDropFraction: Double = 0.15
    /// Per-figure thresholds by figure name, overriding `speedDropFraction`.
    public var figureDropFractions: [String: Double] = [:]
    /// How repeats of one figure become one value.
    public var statistic: Statistic = .median
    /// The i-th baseline repeat and the i-th candidate repeat ran together
    /// (side by side): with `median`, the change of a measured figure is the
    /// median of the pairs' ratios rather than the ratio of the medians, so
    /// that a load that comes and goes between rounds cancels out.
    public var paired = false
    /// Compare measured figures; false shows them without gating them
    /// (a baseline from another machine).
    public var compareSpeed = true

    public enum Statistic: String, CaseIterable, Hashable, Sendable {
        /// The middle of the repeats (the mean of the middle two for an even count).
        case median
        /// The fastest repeat: noise on a shared machine only ever slows a run down.
        case best
    }

    /// The percentile names the gate knows.
    public static let knownPercentiles = ["min", "mean", "p50", "p90", "p99", "p99.9", "p99.99", "max"]

    public init() {}

    public func threshold(forFigure name: String) -> Double {
        figureDropFractions[name] ?? speedDropFraction
    }

    /// Ranges: drops are fractions in [0, 1); a latency rise is in [0, 10].
    public func validate() throws(GateInputError) {
        func fraction(_ value: Double, _ option: String) throws(GateInputError) {
            guard value.isFinite, value >= 0, value < 1 else {
                let hint = value >= 1 && value < 100 ? " (did you mean \(value / 100)?)" : ""
                throw GateInputError(option: option, "\(value) is not a fraction in [0, 1)\(hint)")
            }
        }
        try fraction(throughputDropFraction, "--throughput-drop")
        try fraction(speedDropFraction, "--speed-drop")
        for (name, value) in figureDropFractions.sorted(by: { $0.key < $1.key }) { try fraction(value, "--threshold \(name)") }
        guard latencyRiseFraction.isFinite, latencyRiseFraction >= 0, latencyRiseFraction <= 10 else {
            throw GateInputError(option: "--latency-rise", "\(latencyRiseFraction) is not a fraction in [0, 10]")
        }
        guard latencyFloorNs >= 0 else { throw GateInputError(option: "--latency-floor", "must not be negative") }
        guard !percentiles.isEmpty else { throw GateInputError(option: "--percentiles", "names no percentile") }
        for percentile in percentiles where !Self.knownPercentiles.contains(percentile) {
            throw GateInputError(option: "--percentiles", "unknown percentile '\(percentile)' (known: \(Self.knownPercentiles.joined(separator: ", ")))")
        }
    }
}

/// Input the gate cannot judge: it never passes silently on it.
public struct GateInputError: Error, CustomStringConvertible, Equatable {
    public var option: String?
    public var reason: String

    public init(option: String? = nil, _ reason: String) {
        self.option = option
        self.reason = reason
    }

    public var description: String { option.map { "\($0): \(reason)" } ?? reason }
}

public struct GateRow: Hashable, Sendable {
    public enum Verdict: String, Sendable {
        case ok, improved, regressed, missing
        /// Shown, not judged.
        case info
    }
    /// The report the figure belongs to: "quickstart (seed 42)", "bench kernel".
    public var subject: String
    public var metric: String
    public var baseline: String
    public var current: String
    public var change: Double?
    public var limit: String
    public var verdict: Verdict
    /// Repeats behind the figures, "5/5", when there were several.
    public var samples: String = ""

    public var failed: Bool { verdict == .regressed || verdict == .missing }
}

public struct GateResult: Hashable, Sendable {
    public var rows: [GateRow]
    /// Remarks printed under the table (another machine, repeats used).
    public var notes: [String] = []
    public var passed: Bool { !rows.contains { $0.failed } }

    /// An aligned table of every compared figure, the notes, and a PASS/FAIL
    /// line naming what regressed.
    public func table() -> String {
        let showSamples = rows.contains { !$0.samples.isEmpty }
        var header = ["report", "metric", "baseline", "current", "change", "limit", "verdict"]
        if showSamples { header.insert("samples", at: 4) }
        let body = rows.map { row in
            var cells = [row.subject, row.metric, row.baseline, row.current,
                         row.change.map { String(format: "%+.1f %%", $0 * 100) } ?? "-", row.limit,
                         row.failed ? row.verdict.rawValue.uppercased() : row.verdict.rawValue]
            if showSamples { cells.insert(row.samples, at: 4) }
            return cells
        }
        let widths = header.indices.map { column in ([header] + body).map { $0[column].count }.max() ?? 0 }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { $0.element.padding(toLength: widths[$0.offset], withPad: " ", startingAt: 0) }
                .joined(separator: "  ").replacingOccurrences(of: "\\s+$", with: "", options: .regularExpression)
        }
        var lines = [line(header)]
        lines += body.map(line)
        lines += notes.map { "note: \($0)" }
        let failures = rows.filter(\.failed)
        if failures.isEmpty {
            lines.append("PASS: no regression")
        } else {
            let names = failures.map { "\($0.subject) \($0.metric)" }
            lines.append("FAIL: \(failures.count) regression(s): \(names.joined(separator: "; "))")
        }
        return lines.joined(separator: "\n") + "\n"
    }
}

/// Compares candidate reports with baseline reports.
public enum Gate {
    /// One baseline report against one candidate report.
    public static func compare(baseline: RunReport, current: RunReport, tolerances: GateTolerances) throws(GateInputError) -> GateResult {
        try compare(baselines: [.run(baseline)], candidates: [.run(current)], tolerances: tolerances)
    }

    /// Groups the reports by what they measured (a scenario and seed, or a
    /// bench), takes the statistic of each side's repeats, and compares.
    /// Throws on input that cannot be judged: options out of range, unknown
    /// paths or figure names, a bench run with other parameters.
    public static func compare(baselines: [ReportFile], candidates: [ReportFile], tolerances: GateTolerances) throws(GateInputError) -> GateResult {
        try tolerances.validate()
        guard !baselines.isEmpty else { throw GateInputError(option: "--baseline", "no baseline report") }
        guard !candidates.isEmpty else { throw GateInputError("no report to judge") }
        let baseGroups = group(baselines)
        let candidateGroups = group(candidates)
        var result = GateResult(rows: [])
        var figureNames = Set<String>()
        var pathsSeen = Set<String>()
        for (key, base) in baseGroups {
            guard let candidate = candidateGroups.first(where: { $0.key == key })?.files else {
                result.rows.append(GateRow(subject: subject(of: base[0]), metric: "report", baseline: "present", current: "missing",
                                           change: nil, limit: "-", verdict: .missing))
                continue
            }
            switch (base[0], candidate[0]) {
            case (.run, .run):
                let baseRuns = base.compactMap { if case .run(let r) = $0 { r } else { nil } }
                let candidateRuns = candidate.compactMap { if case .run(let r) = $0 { r } else { nil } }
                pathsSeen.formUnion(baseRuns[0].latencies.map(\.name))
                result.rows += try compareRuns(baseRuns, candidateRuns, tolerances)
                figureNames.formUnion(baseRuns[0].measuredFigures.map(\.name))
            case (.bench(let b), .bench(let c)):
                guard b.build == c.build else {
                    throw GateInputError("bench \(b.bench): the baseline is a \(b.build) build, the candidate a \(c.build) build; compare release builds")
                }
                guard b.parameters == c.parameters else {
                    throw GateInputError("bench \(b.bench): the baseline ran with \(describe(b.parameters)), the candidate with \(describe(c.parameters)); compare like with like")
                }
                let baseBenches = base.compactMap { if case .bench(let r) = $0 { r } else { nil } }
                let candidateBenches = candidate.compactMap { if case .bench(let r) = $0 { r } else { nil } }
                result.rows += compareBenches(baseBenches, candidateBenches, tolerances)
                figureNames.formUnion(b.figures.map(\.name))
            default:
                break
            }
        }
        for (_, files) in candidateGroups where !baseGroups.contains(where: { $0.key == group(key: files[0]) }) {
            result.notes.append("\(subject(of: files[0])) has no baseline; not compared")
        }
        for name in tolerances.figureDropFractions.keys.sorted() where !figureNames.contains(name) {
            throw GateInputError(option: "--threshold", "no compared figure is named '\(name)' (figures: \(figureNames.sorted().joined(separator: ", ")))")
        }
        for path in tolerances.paths ?? [] where !pathsSeen.contains(LatencyPathName.ascii(path)) {
            throw GateInputError(option: "--paths", "unknown latency path '\(path)' (the baseline has: \(pathsSeen.sorted().joined(separator: ", ")))")
        }
        let baseMachines = Set(baselines.map(machine)), candidateMachines = Set(candidates.map(machine))
        if tolerances.compareSpeed, baseMachines != candidateMachines {
            result.notes.append("the baseline was measured on \(baseMachines.sorted().joined(separator: "; ")), the candidate on \(candidateMachines.sorted().joined(separator: "; ")): measured figures compare machines as well as builds")
        }
        if tolerances.compareSpeed, baselines.count > 1 || candidates.count > 1 {
            result.notes.append(tolerances.paired && tolerances.statistic == .median
                ? "measured figures: the median of each side's repeats; change and verdict: the median of the ratios of repeats run together"
                : "measured figures: the \(tolerances.statistic.rawValue) of each side's repeats")
        }
        if !tolerances.compareSpeed {
            result.notes.append("measured figures shown, not gated (--behaviour-only)")
        }
        return result
    }

    // MARK: Runs

    static func compareRuns(_ base: [RunReport], _ candidate: [RunReport], _ tolerances: GateTolerances) throws(GateInputError) -> [GateRow] {
        let b = base[0], c = candidate[0]
        let subject = Self.subject(of: .run(b))
        var rows: [GateRow] = []

        // Determinism: repeats of one build must agree, and with
        // --require-digest the builds must agree with each other.
        for (side, runs) in [("baseline", base), ("candidate", candidate)] where Set(runs.map(\.traceDigest)).count > 1 {
            rows.append(GateRow(subject: subject, metric: "trace digest (\(side) repeats)", baseline: "-",
                                current: "\(Set(runs.map(\.traceDigest)).count) different", change: nil,
                                limit: "identical", verdict: .regressed))
        }
        let digestsMatch = b.traceDigest == c.traceDigest
        rows.append(GateRow(
            subject: subject, metric: "trace digest", baseline: b.traceDigest, current: c.traceDigest,
            change: nil, limit: tolerances.requireDigestMatch ? "must match" : "informational",
            verdict: digestsMatch ? .ok : (tolerances.requireDigestMatch ? .regressed : .info)))
        if candidate.contains(where: { !$0.invariants.passed }) {
            rows.append(GateRow(subject: subject, metric: "invariants", baseline: b.invariants.passed ? "held" : "broken",
                                current: "broken", change: nil, limit: "held", verdict: .regressed))
        }

        // Simulated figures: the same whenever the digests are.
        let baseRate = b.throughput.instructionsPerSecond
        let rate = c.throughput.instructionsPerSecond
        let floor = baseRate * (1 - tolerances.throughputDropFraction)
        rows.append(GateRow(
            subject: subject, metric: "instructionsPerSecond (simulated)", baseline: formatRate(baseRate), current: formatRate(rate),
            change: baseRate > 0 ? rate / baseRate - 1 : nil, limit: "≥ \(formatRate(floor))",
            verdict: rate < floor ? .regressed : (rate > baseRate ? .improved : .ok)))
        let paths = tolerances.paths.map { $0.map(LatencyPathName.ascii) } ?? b.latencies.map(\.name)
        for path in paths {
            guard let baseSummary = b.latency(named: path) else { continue }
            guard let currentSummary = c.latency(named: path) else {
                rows.append(GateRow(subject: subject, metric: path, baseline: "present", current: "missing", change: nil, limit: "-", verdict: .missing))
                continue
            }
            for percentile in tolerances.percentiles {
                guard let bv = baseSummary.value(named: percentile), let cv = currentSummary.value(named: percentile) else { continue }
                let ceiling = bv * (1 + tolerances.latencyRiseFraction)
                let regressed = cv > ceiling && cv - bv > Double(tolerances.latencyFloorNs)
                rows.append(GateRow(
                    subject: subject, metric: "\(path) \(percentile)", baseline: formatNanoseconds(bv), current: formatNanoseconds(cv),
                    change: bv > 0 ? cv / bv - 1 : nil, limit: "≤ \(formatNanoseconds(ceiling))",
                    verdict: regressed ? .regressed : (cv < bv ? .improved : .ok)))
            }
        }

        // Measured figures.
        for figure in b.measuredFigures {
            let baseValues = base.compactMap { $0.measuredFigures.first { $0.name == figure.name }?.value }
            let candidateValues = candidate.compactMap { $0.measuredFigures.first { $0.name == figure.name }?.value }
            rows.append(speedRow(subject: subject, figure: figure, baseValues, candidateValues, tolerances))
        }
        return rows
    }

    // MARK: Benches

    static func compareBenches(_ base: [BenchReport], _ candidate: [BenchReport], _ tolerances: GateTolerances) -> [GateRow] {
        let subject = Self.subject(of: .bench(base[0]))
        return base[0].figures.map { figure in
            let baseValues = base.compactMap { $0.figures.first { $0.name == figure.name }?.value }
            let candidateValues = candidate.compactMap { $0.figures.first { $0.name == figure.name }?.value }
            guard !candidateValues.isEmpty else {
                return GateRow(subject: subject, metric: figure.name, baseline: format(figure.value, unit: figure.unit),
                               current: "missing", change: nil, limit: "-", verdict: .missing)
            }
            return speedRow(subject: subject, figure: figure, baseValues, candidateValues, tolerances)
        }
    }

    // MARK: Speed

    static func speedRow(subject: String, figure: MeasuredFigure, _ baseValues: [Double], _ candidateValues: [Double],
                         _ tolerances: GateTolerances) -> GateRow {
        let b = statistic(baseValues, figure.better, tolerances.statistic)
        let c = statistic(candidateValues, figure.better, tolerances.statistic)
        let drop = tolerances.threshold(forFigure: figure.name)
        // Candidate over baseline: of the statistics, or the median of the pairs' ratios.
        let pairs = zip(baseValues, candidateValues).filter { $0.0 > 0 }
        let isPaired = tolerances.paired && tolerances.statistic == .median && baseValues.count == candidateValues.count
            && pairs.count == baseValues.count && !pairs.isEmpty
        // A baseline of 0 allows no relative change: a lower-is-better
        // figure that was 0 (no error, no hiccup) and is not any more has
        // regressed, whatever the threshold.
        let ratio = isPaired ? statistic(pairs.map { $0.1 / $0.0 }, figure.better, .median)
            : b > 0 ? c / b : (figure.better == .lower && c > 0 ? .infinity : 1)
        let limit: Double
        let regressed: Bool
        let improved: Bool
        switch figure.better {
        case .higher:
            limit = b * (1 - drop)
            regressed = ratio < 1 - drop
            improved = ratio > 1
        case .lower:
            limit = b / (1 - drop)
            regressed = ratio > 1 / (1 - drop)
            improved = ratio < 1
        }
        let samples = baseValues.count > 1 || candidateValues.count > 1 ? "\(baseValues.count)/\(candidateValues.count)" : ""
        return GateRow(
            subject: subject, metric: figure.name, baseline: format(b, unit: figure.unit), current: format(c, unit: figure.unit),
            change: b > 0 ? ratio - 1 : nil,
            limit: !tolerances.compareSpeed ? "not gated"
                : isPaired ? String(format: "change %@ %+.1f %% (pairs)", figure.better == .higher ? "≥" : "≤", figure.better == .higher ? -drop * 100 : (1 / (1 - drop) - 1) * 100)
                : "\(figure.better == .higher ? "≥" : "≤") \(format(limit, unit: figure.unit))",
            verdict: !tolerances.compareSpeed ? .info : regressed ? .regressed : (improved ? .improved : .ok),
            samples: samples)
    }

    /// The median of `values`, or the best of them.
    public static func statistic(_ values: [Double], _ better: Better, _ statistic: GateTolerances.Statistic) -> Double {
        guard !values.isEmpty else { return 0 }
        switch statistic {
        case .best:
            return better == .higher ? values.max()! : values.min()!
        case .median:
            let sorted = values.sorted()
            let middle = sorted.count / 2
            return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
        }
    }

    static func format(_ value: Double, unit: String) -> String {
        switch unit {
        case "x": formatRatio(value)
        case "ns": formatNanoseconds(value)
        case let unit where unit.hasSuffix("/s"): formatRate(value).replacingOccurrences(of: "/s", with: " \(unit)")
        default: String(format: "%.4g %@", value, unit)
        }
    }

    // MARK: Grouping

    static func group(key file: ReportFile) -> String {
        switch file {
        case .run(let r): "run \(r.scenario) \(r.seed)"
        case .bench(let b): "bench \(b.bench)"
        }
    }

    static func group(_ files: [ReportFile]) -> [(key: String, files: [ReportFile])] {
        var groups: [(key: String, files: [ReportFile])] = []
        for file in files {
            let key = group(key: file)
            if let index = groups.firstIndex(where: { $0.key == key }) {
                groups[index].files.append(file)
            } else {
                groups.append((key, [file]))
            }
        }
        return groups
    }

    static func subject(of file: ReportFile) -> String {
        switch file {
        case .run(let r): "\(r.scenario) (seed \(r.seed))"
        case .bench(let b): "bench \(b.bench)"
        }
    }

    /// The CPU and core count: what decides speed (the kernel release and
    /// memory size of a shared runner vary without changing it much).
    static func machine(_ file: ReportFile) -> String {
        let machine = switch file {
        case .run(let r): r.machine
        case .bench(let b): b.machine
        }
        return "\(machine.cpuModel) · \(machine.logicalCores) cores"
    }

    static func describe(_ parameters: [String: String]) -> String {
        parameters.isEmpty ? "no parameters" : parameters.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: " ")
    }
}
