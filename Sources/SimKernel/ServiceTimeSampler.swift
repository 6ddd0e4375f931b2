/// How long a venue's matching thread spends on one instruction. The venue
/// serves instructions one at a time, so queueing appears near capacity.
public enum ServiceTimeModel: Hashable, Sendable {
    case constant(ns: Int64)
    /// Exponentially distributed with the given mean.
    case exponential(meanNs: Int64)
    /// Uniform on [minNs, maxNs].
    case uniform(minNs: Int64, maxNs: Int64)
    /// Log-normal with the given median and shape (sigma of the underlying normal).
    case logNormal(medianNs: Int64, sigma: Double)
}

/// Draws a venue's per-instruction service times from its model: the
/// simulator schedules each instruction's completion that far ahead, and
/// a served venue holds its answers for as long.
public struct ServiceTimeSampler: Sendable {
    public let model: ServiceTimeModel
    public var random: RandomStream
    /// A single draw is cut here, so that a heavy lognormal tail cannot
    /// overflow the clock.
    public let longestSampleNs: Nanoseconds

    public init(model: ServiceTimeModel, random: RandomStream, longestSampleNs: Nanoseconds) {
        precondition(longestSampleNs > 0, "the longest sample must be positive")
        self.model = model
        self.random = random
        self.longestSampleNs = longestSampleNs
    }

    public mutating func next() -> Nanoseconds {
        let sample: Nanoseconds
        switch model {
        case .constant(let ns):
            sample = ns
        case .exponential(let meanNs):
            sample = whole(random.nextExponential(mean: Double(meanNs)))
        case .uniform(let minNs, let maxNs):
            sample = random.nextInt(in: minNs...maxNs)
        case .logNormal(let medianNs, let sigma):
            sample = whole(random.nextLogNormal(median: Double(medianNs), sigma: sigma))
        }
        return min(max(0, sample), longestSampleNs)
    }

    /// Rounded to whole nanoseconds, cut at the longest sample before the
    /// conversion, which would trap beyond Int64.
    func whole(_ ns: Double) -> Nanoseconds {
        Nanoseconds(min(ns, Double(longestSampleNs)).rounded())
    }
}
