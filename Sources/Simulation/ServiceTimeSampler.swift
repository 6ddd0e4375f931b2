import SimKernel

/// Draws a venue's per-instruction service times from its model.
struct ServiceTimeSampler {
    let model: ServiceTimeModel
    var random: RandomStream

    mutating func next() -> Nanoseconds {
        let sample: Nanoseconds
        switch model {
        case .constant(let ns):
            sample = ns
        case .exponential(let meanNs):
            sample = Self.whole(random.nextExponential(mean: Double(meanNs)))
        case .uniform(let minNs, let maxNs):
            sample = random.nextInt(in: minNs...maxNs)
        case .logNormal(let medianNs, let sigma):
            sample = Self.whole(random.nextLogNormal(median: Double(medianNs), sigma: sigma))
        }
        return min(max(0, sample), SimulationLimits.longestServiceSampleNs)
    }

    /// Rounded to whole nanoseconds, cut at the longest sample before the
    /// conversion, which would trap beyond Int64.
    static func whole(_ ns: Double) -> Nanoseconds {
        Nanoseconds(min(ns, Double(SimulationLimits.longestServiceSampleNs)).rounded())
    }
}
