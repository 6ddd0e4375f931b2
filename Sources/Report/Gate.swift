import Foundation
import Measure

/// How much worse a report may be than its baseline before the gate fails.
public struct GateTolerances: Hashable, Sendable {
    /// Throughput may fall by at most this fraction.
    public var throughputDropFraction: Double = 0.10
    /// Each compared percentile may rise by at most this fraction.
    public var latencyRiseFraction: Double = 0.20
    public var percentiles: [String] = ["p50", "p99", "p99.9"]
    /// Latency paths to compare; nil compares every path of the baseline.
    public var paths: [String]? = nil
    public var requireDigestMatch = false
    /// Rises smaller than this many nanoseconds never fail the gate.
    public var latencyFloorNs: Int64 = 0

    public init() {}
}

public struct GateRow: Hashable, Sendable {
    public enum Verdict: String, Sendable { case ok, regressed, improved, missing }
    public var metric: String
    public var baseline: String
    public var current: String
    public var change: Double?
    public var limit: String
    public var verdict: Verdict
}

public struct GateResult: Hashable, Sendable {
    public var rows: [GateRow]
    public var passed: Bool { !rows.contains { $0.verdict == .regressed || $0.verdict == .missing } }

    /// An aligned table of every compared metric and a PASS/FAIL line.
    public func table() -> String {
        let header = ["metric", "baseline", "current", "change", "limit", "verdict"]
        let body = rows.map { row in
            [row.metric, row.baseline, row.current,
             row.change.map { String(format: "%+.1f %%", $0 * 100) } ?? "-", row.limit,
             row.verdict == .ok || row.verdict == .improved ? row.verdict.rawValue : row.verdict.rawValue.uppercased()]
        }
        let widths = header.indices.map { column in ([header] + body).map { $0[column].count }.max() ?? 0 }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { $0.element.padding(toLength: widths[$0.offset], withPad: " ", startingAt: 0) }
                .joined(separator: "  ")
        }
        var lines = [line(header)]
        lines += body.map(line)
        let failures = rows.filter { $0.verdict == .regressed || $0.verdict == .missing }.count
        lines.append(passed ? "PASS: no regression" : "FAIL: \(failures) regression(s)")
        return lines.joined(separator: "\n") + "\n"
    }
}

/// Compares a report with a baseline report.
public enum Gate {
    public static func compare(baseline: RunReport, current: RunReport, tolerances: GateTolerances) -> GateResult {
        var rows: [GateRow] = []
        let base = baseline.throughput.ordersPerSecond
        let now = current.throughput.ordersPerSecond
        let floor = base * (1 - tolerances.throughputDropFraction)
        rows.append(GateRow(
            metric: "throughput", baseline: formatRate(base), current: formatRate(now),
            change: base > 0 ? now / base - 1 : nil, limit: "≥ \(formatRate(floor))",
            verdict: now < floor ? .regressed : (now > base ? .improved : .ok)))

        let paths = tolerances.paths ?? baseline.latencies.map(\.name)
        for path in paths {
            guard let baseSummary = baseline.latency(named: path) else { continue }
            guard let currentSummary = current.latency(named: path) else {
                rows.append(GateRow(metric: path, baseline: "present", current: "missing", change: nil, limit: "-", verdict: .missing))
                continue
            }
            for percentile in tolerances.percentiles {
                guard let b = baseSummary.value(named: percentile), let c = currentSummary.value(named: percentile) else { continue }
                let ceiling = b * (1 + tolerances.latencyRiseFraction)
                let regressed = c > ceiling && c - b > Double(tolerances.latencyFloorNs)
                rows.append(GateRow(
                    metric: "\(path) \(percentile)", baseline: formatNanoseconds(b), current: formatNanoseconds(c),
                    change: b > 0 ? c / b - 1 : nil, limit: "≤ \(formatNanoseconds(ceiling))",
                    verdict: regressed ? .regressed : (c < b ? .improved : .ok)))
            }
        }
        let digestsMatch = baseline.traceDigest == current.traceDigest
        rows.append(GateRow(
            metric: "trace digest", baseline: String(baseline.traceDigest.prefix(12)), current: String(current.traceDigest.prefix(12)),
            change: nil, limit: tolerances.requireDigestMatch ? "must match" : "informational",
            verdict: !digestsMatch && tolerances.requireDigestMatch ? .regressed : .ok))
        return GateResult(rows: rows)
    }
}
