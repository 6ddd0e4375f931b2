import Foundation

extension BenchReport {
    /// A summary of a bench or load report for terminals, CI logs and pull
    /// requests: the options, then every figure under its report key, in the
    /// report's order, with its unit made readable.
    public func markdown() -> String {
        var lines = ["## exsim \(bench == "load" ? "load" : "bench \(bench)")", ""]
        if !parameters.isEmpty {
            // Sorted: a dictionary's order changes from one process to the next.
            let options = parameters.keys.sorted().map { "`\($0) \(parameters[$0]!)`" }
            lines.append("options: \(options.joined(separator: " "))")
            lines.append("")
        }
        lines.append("| figure | value |")
        lines.append("|---|---:|")
        for figure in figures {
            lines.append("| \(figure.name) | \(Self.readable(figure)) |")
        }
        lines.append("")
        lines.append("build: \(build) · exsim \(exsimVersion)")
        lines.append("machine: \(machine.description)")
        return lines.joined(separator: "\n") + "\n"
    }

    static func readable(_ figure: MeasuredFigure) -> String {
        switch figure.unit {
        case "ns": formatNanoseconds(figure.value)
        case "x": formatRatio(figure.value)
        case let unit where unit.hasSuffix("/s"): "\(formatRate(figure.value).dropLast(2)) \(unit)"
        case let unit where figure.value == figure.value.rounded() && abs(figure.value) < 1e15:
            "\(Int64(figure.value)) \(unit)"
        default: "\(figure.value) \(figure.unit)"
        }
    }
}
