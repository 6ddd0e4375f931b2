import SimKernel

/// One direction of a link: what happens to every packet that is sent over
/// it, in the order the model applies it (docs/network.md):
///
/// 1. the transmit queue: a packet that would take the bytes waiting for
///    (or in) the transmitter above `queueLimitBytes` is dropped at the tail;
/// 2. serialization at `bandwidthBitsPerSecond`, one packet after another;
/// 3. loss on the wire (`loss`);
/// 4. propagation (`propagationDelayNs`) plus a jitter draw, never arriving
///    before the packet ahead of it unless `reorder` picks it;
/// 5. duplication: with probability `duplicateProbability` a second copy
///    arrives just behind the first.
///
/// The defaults (no bandwidth limit, no queue limit, no jitter, loss,
/// duplication or reordering) make a link a fixed delay.
public struct LinkDirectionConfig: Hashable, Sendable {
    /// Time on the wire, the same for every packet.
    public var propagationDelayNs: Int64
    /// Transmitter speed; 0 means unlimited (no serialization delay).
    public var bandwidthBitsPerSecond: Int64
    /// Bytes the transmit queue holds, the packet being serialized included;
    /// 0 means unlimited.
    public var queueLimitBytes: Int64
    public var jitter: JitterModel
    public var loss: LossModel
    /// Probability in [0, 1] that a delivered packet arrives twice.
    public var duplicateProbability: Double
    /// When set, a picked packet is held back and later packets overtake it.
    public var reorder: ReorderModel?

    public init(
        propagationDelayNs: Int64 = 0, bandwidthBitsPerSecond: Int64 = 0, queueLimitBytes: Int64 = 0,
        jitter: JitterModel = .none, loss: LossModel = .none, duplicateProbability: Double = 0, reorder: ReorderModel? = nil
    ) {
        self.propagationDelayNs = propagationDelayNs
        self.bandwidthBitsPerSecond = bandwidthBitsPerSecond
        self.queueLimitBytes = queueLimitBytes
        self.jitter = jitter
        self.loss = loss
        self.duplicateProbability = duplicateProbability
        self.reorder = reorder
    }

    /// The first thing wrong with the configuration, or nil. Scenario files
    /// are checked with file:line before this; it guards configurations built in code.
    public var firstProblem: String? {
        if propagationDelayNs < 0 || propagationDelayNs > LinkLimits.longestDelayNs {
            return "propagation delay \(propagationDelayNs) ns is outside 0...\(LinkLimits.longestDelayNs)"
        }
        if bandwidthBitsPerSecond < 0 { return "negative bandwidth" }
        if queueLimitBytes < 0 { return "negative queue limit" }
        if !(0...1).contains(duplicateProbability) { return "duplicate probability \(duplicateProbability) is outside [0, 1]" }
        if let problem = jitter.firstProblem { return problem }
        if let problem = loss.firstProblem { return problem }
        if let reorder {
            if !(0...1).contains(reorder.probability) { return "reorder probability \(reorder.probability) is outside [0, 1]" }
            if reorder.delayNs < 0 || reorder.delayNs > LinkLimits.longestDelayNs { return "reorder delay \(reorder.delayNs) ns is outside 0...\(LinkLimits.longestDelayNs)" }
        }
        return nil
    }
}

/// Bounds on link parameters, so that every time stays far from overflow.
public enum LinkLimits {
    /// Propagation delay, a reorder hold-back and each jitter parameter.
    public static let longestDelayNs: Int64 = 1_000_000_000
    /// A single jitter draw is cut here: a Pareto or lognormal tail cannot
    /// push a packet past the clock's range.
    public static let longestJitterSampleNs: Int64 = 10_000_000_000
    /// The largest packet a link carries (a jumbo IPv4 datagram is 64 KiB).
    public static let largestPacketBytes = 1 << 20
}

/// Extra delay added to each packet's propagation, drawn per packet.
public enum JitterModel: Hashable, Sendable {
    case none
    case constant(ns: Int64)
    /// Uniform on [minNs, maxNs].
    case uniform(minNs: Int64, maxNs: Int64)
    /// Normal, with negative draws taken as 0.
    case normal(meanNs: Int64, standardDeviationNs: Int64)
    /// Log-normal with the given median and shape (sigma of the underlying normal).
    case logNormal(medianNs: Int64, sigma: Double)
    /// Pareto with minimum `scaleNs` and tail index `shape`: heavy-tailed
    /// bursts of delay (the smaller the shape, the heavier the tail).
    case pareto(scaleNs: Int64, shape: Double)
    /// One of these measured delays, each equally likely (an empirical
    /// distribution, as recorded on a real link).
    case empirical(samplesNs: [Int64])

    /// An empirical distribution holds at most this many samples.
    public static let mostEmpiricalSamples = 1_000_000

    var firstProblem: String? {
        let longest = LinkLimits.longestDelayNs
        switch self {
        case .none: return nil
        case .constant(let ns): return (0...longest).contains(ns) ? nil : "constant jitter \(ns) ns is outside 0...\(longest)"
        case .uniform(let minNs, let maxNs):
            return (0...longest).contains(minNs) && (minNs...longest).contains(maxNs) ? nil : "uniform jitter needs 0 <= min <= max <= \(longest) ns"
        case .normal(let meanNs, let sdNs):
            return (0...longest).contains(meanNs) && (0...longest).contains(sdNs) ? nil : "normal jitter needs mean and standard deviation in 0...\(longest) ns"
        case .logNormal(let medianNs, let sigma):
            return (1...longest).contains(medianNs) && (0...5).contains(sigma) ? nil : "lognormal jitter needs a median in 1...\(longest) ns and sigma in 0...5"
        case .pareto(let scaleNs, let shape):
            return (1...longest).contains(scaleNs) && shape >= 0.1 && shape <= 100 ? nil : "Pareto jitter needs a scale in 1...\(longest) ns and a shape in 0.1...100"
        case .empirical(let samplesNs):
            guard (1...Self.mostEmpiricalSamples).contains(samplesNs.count) else {
                return "empirical jitter needs 1 to \(Self.mostEmpiricalSamples) samples"
            }
            return samplesNs.allSatisfy { (0...longest).contains($0) } ? nil : "empirical jitter samples must be in 0...\(longest) ns"
        }
    }

    /// One draw in whole nanoseconds, in [0, LinkLimits.longestJitterSampleNs].
    /// Uses PortableMath, so a seed gives the same draws on every machine.
    public func sampleNs(_ random: inout RandomStream) -> Int64 {
        let value: Double
        switch self {
        case .none: return 0
        case .constant(let ns): return ns
        case .uniform(let minNs, let maxNs): return random.nextInt(in: minNs...maxNs)
        case .empirical(let samplesNs): return samplesNs[Int(random.nextBelow(UInt64(samplesNs.count)))]
        case .normal(let meanNs, let sdNs): value = Double(meanNs) + Double(sdNs) * random.nextStandardNormal()
        case .logNormal(let medianNs, let sigma): value = random.nextLogNormal(median: Double(medianNs), sigma: sigma)
        case .pareto(let scaleNs, let shape):
            // Inverse transform: x_m · U^(-1/α), U in (0, 1].
            let u = 1 - random.nextUnitInterval()
            value = Double(scaleNs) * PortableMath.exp(-PortableMath.log(u) / shape)
        }
        guard value > 0 else { return 0 }
        let cap = Double(LinkLimits.longestJitterSampleNs)
        return value >= cap ? LinkLimits.longestJitterSampleNs : Int64(value.rounded())
    }
}

/// Which packets the wire loses.
public enum LossModel: Hashable, Sendable {
    case none
    /// Each packet independently, with this probability.
    case bernoulli(probability: Double)
    /// Two states, good and bad, with a loss probability each; after every
    /// packet the state moves good → bad with `goodToBad` and bad → good
    /// with `badToGood`, so losses come in bursts (mean burst length
    /// 1 / badToGood packets when the bad state loses everything).
    case gilbertElliott(goodToBad: Double, badToGood: Double, lossInGood: Double, lossInBad: Double)

    var firstProblem: String? {
        switch self {
        case .none: return nil
        case .bernoulli(let p): return (0...1).contains(p) ? nil : "loss probability \(p) is outside [0, 1]"
        case .gilbertElliott(let p, let r, let good, let bad):
            guard [p, good, bad].allSatisfy({ (0...1).contains($0) }) else { return "Gilbert–Elliott probabilities must be in [0, 1]" }
            return r > 0 && r <= 1 ? nil : "Gilbert–Elliott bad → good probability must be in (0, 1], or the link never leaves the bad state"
        }
    }

    /// The fraction of packets lost over a long run: for Gilbert–Elliott the
    /// stationary mix of the two states' loss probabilities.
    public var longRunLossRate: Double {
        switch self {
        case .none: return 0
        case .bernoulli(let p): return p
        case .gilbertElliott(let p, let r, let good, let bad):
            let bad_ = p / (p + r)
            return (1 - bad_) * good + bad_ * bad
        }
    }
}

/// Reordering: a picked packet arrives `delayNs` later than it otherwise
/// would, and the packets behind it are not held back, so they overtake it.
public struct ReorderModel: Hashable, Sendable {
    public var probability: Double
    public var delayNs: Int64

    public init(probability: Double, delayNs: Int64) {
        self.probability = probability
        self.delayNs = delayNs
    }
}
