/// Counts occurrences per whole second of (simulated or wall) time.
///
/// - Complexity: `record` is amortised O(1); memory is one counter per second.
public struct ThroughputCounter: Sendable {
    public let name: String
    public private(set) var perSecond: [UInt64] = []
    public private(set) var total: UInt64 = 0

    public init(name: String) { self.name = name }

    /// Counts one occurrence at `timeNs` (nanoseconds from the start of the run).
    public mutating func record(atNs timeNs: Int64, count: UInt64 = 1) {
        precondition(timeNs >= 0, "time before the run started: \(timeNs) ns")
        let second = Int(timeNs / 1_000_000_000)
        if second >= perSecond.count {
            perSecond.append(contentsOf: repeatElement(0, count: second - perSecond.count + 1))
        }
        perSecond[second] += count
        total += count
    }

    /// Occurrences per second over `durationNs`.
    public func rate(overNs durationNs: Int64) -> Double {
        durationNs > 0 ? Double(total) * 1e9 / Double(durationNs) : 0
    }
}
