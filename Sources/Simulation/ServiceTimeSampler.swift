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
            sample = Nanoseconds(random.nextExponential(mean: Double(meanNs)).rounded())
        case .uniform(let minNs, let maxNs):
            sample = random.nextInt(in: minNs...maxNs)
        case .logNormal(let medianNs, let sigma):
            sample = Nanoseconds(random.nextLogNormal(median: Double(medianNs), sigma: sigma).rounded())
        }
        return max(0, sample)
    }
}
