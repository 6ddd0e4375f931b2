/// A service-level objective a load run must hold, such as `p99<1ms`: a
/// percentile of order→ack measured from the planned send time (the
/// figure free of coordinated omission) stays under a bound.
public struct LoadObjective: Sendable, Equatable, CustomStringConvertible {
    /// 0 < percentile ≤ 100; 100 is the maximum.
    public var percentile: Double
    public var boundNs: Int64
    /// The text it was written as, for messages and reports.
    public var text: String

    public init(percentile: Double, boundNs: Int64, text: String) {
        precondition(percentile > 0 && percentile <= 100 && boundNs > 0)
        self.percentile = percentile
        self.boundNs = boundNs
        self.text = text
    }

    public var description: String { text }

    /// Reads `p99<1ms`, `p99.9<500us`, `p50<80µs` or `max<2ms`; the bound
    /// is read by `duration`, the caller's duration syntax. nil when the
    /// text is not of that form.
    public static func parse(_ text: String, duration: (String) -> Int64?) -> LoadObjective? {
        let parts = text.split(separator: "<", maxSplits: 1, omittingEmptySubsequences: false)
        guard parts.count == 2, let boundNs = duration(String(parts[1].trimmingSpaces)), boundNs > 0 else { return nil }
        let name = parts[0].trimmingSpaces
        let percentile: Double
        if name == "max" {
            percentile = 100
        } else {
            guard name.first == "p", let value = Double(name.dropFirst()), value > 0, value < 100 else { return nil }
            percentile = value
        }
        return LoadObjective(percentile: percentile, boundNs: boundNs, text: text)
    }

    /// "p99", "p99.9" or "max".
    public var percentileName: String {
        if percentile == 100 { return "max" }
        return percentile == percentile.rounded() ? "p\(Int(percentile))" : "p\(percentile)"
    }

    /// The figure the objective bounds, in `result`; nil when no order was answered.
    public func measuredNs(in result: LoadResult) -> Int64? {
        guard let recorder = result.latencies.first(where: { $0.name == LoadLatencyPath.ackFromPlanned }),
              recorder.count > 0 else { return nil }
        return recorder.valueAtPercentile(percentile)
    }

    /// Why a run at `plannedRate` did not hold the objective, or nil when it
    /// held: every order answered, no connection lost, the client kept within
    /// a tenth of the planned rate, and the percentile under the bound.
    public func verdict(on result: LoadResult, plannedRate: Double) -> String? {
        if let failure = result.failure { return failure }
        if result.unanswered > 0 { return "\(result.unanswered) order(s) unanswered" }
        if result.notSent > 0 { return "\(result.notSent) order(s) held back: the venue did not read them" }
        guard let measured = measuredNs(in: result) else { return "no order answered" }
        if result.achievedRatePerSecond < 0.9 * plannedRate { return "sent at only \(Int(result.achievedRatePerSecond))/s" }
        if measured > boundNs { return "\(percentileName) over the bound" }
        return nil
    }
}

extension Substring {
    fileprivate var trimmingSpaces: Substring {
        var text = self
        while text.first == " " { text.removeFirst() }
        while text.last == " " { text.removeLast() }
        return text
    }
}
