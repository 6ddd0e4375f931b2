import Histogram

/// Records latencies in nanoseconds into an HdrHistogram (3 significant
/// digits, 1 ns to 1 hour) and summarises them as percentiles.
///
/// - Complexity: `record` is O(1) and does not allocate.
public struct LatencyRecorder: Sendable {
    public let name: String
    @usableFromInline var histogram: Histogram<UInt64>
    /// Values outside the trackable range, clamped into it and counted here.
    public private(set) var clampedCount: UInt64 = 0

    public static let highestTrackableNs: UInt64 = 3_600_000_000_000

    public init(name: String) {
        self.name = name
        self.histogram = Histogram(lowestDiscernibleValue: 1, highestTrackableValue: Self.highestTrackableNs, numberOfSignificantValueDigits: .three)
    }

    /// Records one latency. Negative values are a caller bug.
    @inlinable
    public mutating func record(_ latencyNs: Int64) {
        precondition(latencyNs >= 0, "negative latency \(latencyNs) ns")
        var value = UInt64(latencyNs)
        if value > Self.highestTrackableNs {
            value = Self.highestTrackableNs
            recordClamped()
        }
        _ = histogram.record(value)
    }

    /// Records `count` latencies of the same value at once (the orders
    /// answered in one write share their read and write times).
    @inlinable
    public mutating func record(_ latencyNs: Int64, count: UInt64) {
        precondition(latencyNs >= 0, "negative latency \(latencyNs) ns")
        guard count > 0 else { return }
        var value = UInt64(latencyNs)
        if value > Self.highestTrackableNs {
            value = Self.highestTrackableNs
            recordClamped(count)
        }
        _ = histogram.record(value, count: count)
    }

    @usableFromInline mutating func recordClamped(_ count: UInt64 = 1) { clampedCount += count }

    public mutating func merge(_ other: LatencyRecorder) {
        histogram.add(other.histogram)
        clampedCount += other.clampedCount
    }

    public var count: UInt64 { histogram.totalCount }
    /// The largest value recorded, 0 when empty.
    public var maxNs: Int64 { count == 0 ? 0 : Int64(histogram.max) }
    /// The mean of the values recorded, 0 when empty.
    public var meanNs: Double { count == 0 ? 0 : histogram.mean }

    /// The value at a percentile (0...100), 0 when empty.
    public func valueAtPercentile(_ percentile: Double) -> Int64 {
        count == 0 ? 0 : Int64(histogram.valueAtPercentile(percentile))
    }

    public var summary: LatencySummary {
        guard count > 0 else { return LatencySummary(name: name) }
        return LatencySummary(
            name: name,
            count: count,
            minNs: Int64(histogram.min),
            meanNs: histogram.mean,
            p50Ns: valueAtPercentile(50),
            p90Ns: valueAtPercentile(90),
            p99Ns: valueAtPercentile(99),
            p999Ns: valueAtPercentile(99.9),
            p9999Ns: valueAtPercentile(99.99),
            maxNs: Int64(histogram.max)
        )
    }

    /// The HdrHistogram percentile distribution text (.hgrm), values in ns.
    public func percentileDistribution() -> String {
        var text = ""
        histogram.outputPercentileDistribution(to: &text, outputValueUnitScalingRatio: 1)
        return text
    }
}

/// Percentiles of one latency path, in nanoseconds.
public struct LatencySummary: Codable, Hashable, Sendable {
    public var name: String
    public var count: UInt64
    public var minNs: Int64
    public var meanNs: Double
    public var p50Ns: Int64
    public var p90Ns: Int64
    public var p99Ns: Int64
    public var p999Ns: Int64
    public var p9999Ns: Int64
    public var maxNs: Int64

    public init(
        name: String, count: UInt64 = 0, minNs: Int64 = 0, meanNs: Double = 0, p50Ns: Int64 = 0, p90Ns: Int64 = 0,
        p99Ns: Int64 = 0, p999Ns: Int64 = 0, p9999Ns: Int64 = 0, maxNs: Int64 = 0
    ) {
        self.name = name
        self.count = count
        self.minNs = minNs
        self.meanNs = meanNs
        self.p50Ns = p50Ns
        self.p90Ns = p90Ns
        self.p99Ns = p99Ns
        self.p999Ns = p999Ns
        self.p9999Ns = p9999Ns
        self.maxNs = maxNs
    }

    /// The percentile by its report name: "p50", "p90", "p99", "p99.9", "p99.99", "max", "min", "mean".
    public func value(named percentile: String) -> Double? {
        switch percentile {
        case "min": Double(minNs)
        case "mean": meanNs
        case "p50": Double(p50Ns)
        case "p90": Double(p90Ns)
        case "p99": Double(p99Ns)
        case "p99.9": Double(p999Ns)
        case "p99.99": Double(p9999Ns)
        case "max": Double(maxNs)
        default: nil
        }
    }

    public static let percentileNames = ["p50", "p90", "p99", "p99.9", "p99.99", "max"]
}
