import Foundation
import Live
import Measure
import Report

/// What `exsim load` prints and the figures of its report.
struct LoadSummary {
    let result: LoadResult

    /// "order_ack_from_planned" → "orderAckFromPlanned", the figure prefix.
    static func figurePrefix(_ path: String) -> String {
        let words = path.split(separator: "_")
        return words.enumerated().map { $0.offset == 0 ? String($0.element) : $0.element.capitalized }.joined()
    }

    /// "order_ack_from_planned" → "order→ack from planned", as printed.
    static func label(_ path: String) -> String {
        path.replacingOccurrences(of: "order_", with: "order→").replacingOccurrences(of: "_", with: " ")
    }

    static let percentiles: [(label: String, figure: String, percentile: Double)] = [
        ("p50", "P50", 50), ("p90", "P90", 90), ("p99", "P99", 99), ("p99.9", "P999", 99.9), ("max", "Max", 100),
    ]

    var figures: [MeasuredFigure] {
        var figures = [
            MeasuredFigure(name: "achievedRate", value: result.achievedRatePerSecond, unit: "orders/s", better: .higher),
            MeasuredFigure(name: "ordersSent", value: Double(result.sent), unit: "orders", better: .higher),
            MeasuredFigure(name: "ordersAccepted", value: Double(result.accepted), unit: "orders", better: .higher),
            MeasuredFigure(name: "ordersRejected", value: Double(result.rejected), unit: "orders", better: .lower),
            MeasuredFigure(name: "ordersExecuted", value: Double(result.executedOrders), unit: "orders", better: .higher),
            MeasuredFigure(name: "ordersUnanswered", value: Double(result.unanswered), unit: "orders", better: .lower),
            MeasuredFigure(name: "ordersNotSent", value: Double(result.notSent), unit: "orders", better: .lower),
        ]
        for recorder in result.latencies where recorder.count > 0 {
            let prefix = Self.figurePrefix(recorder.name)
            for percentile in Self.percentiles {
                figures.append(MeasuredFigure(name: prefix + percentile.figure + "Ns",
                                              value: Double(recorder.valueAtPercentile(percentile.percentile)),
                                              unit: "ns", better: .lower))
            }
        }
        return figures
    }

    func print() {
        Swift.print("orders: \(result.sent) sent, \(result.accepted) accepted, \(result.rejected) rejected, "
                    + "\(result.executedOrders) executed (\(result.executions) executions), \(result.unanswered) unanswered; "
                    + "achieved \(formatRate(result.achievedRatePerSecond))")
        if result.heldBackTurns > 0 {
            Swift.print("held back: the venue read slower than the plan sent (a connection's socket full on \(result.heldBackTurns) turns); "
                        + "\(result.notSent) orders planned within the duration were never sent")
        }
        for recorder in result.latencies where recorder.count > 0 {
            let values = Self.percentiles.map { "\($0.label) \(formatNanoseconds(recorder.valueAtPercentile($0.percentile)))" }
            Swift.print("\(Self.label(recorder.name)): \(values.joined(separator: ", ")) (\(recorder.count))")
        }
    }
}
