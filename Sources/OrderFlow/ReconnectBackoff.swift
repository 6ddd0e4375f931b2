/// How a flow's participants space their connection attempts while their
/// venue will not take them: after each attempt that fails (refused, lost on
/// a path that is down, or a login the venue closes) the next one waits
/// `initialNs`, then `multiplier` times longer at each further failure, up
/// to `maximumNs`. A login starts the sequence again.
///
/// `jitter` shortens each wait by a random fraction of it, up to `jitter`,
/// so that sessions cut off by the same crash do not all come back in the
/// same instant. The fraction is drawn from the flow's own seeded stream, so
/// a run stays the same run.
///
/// The default, `.everyMillisecond`, is a fixed 1 ms with no jitter: what a
/// scenario without `reconnect:` gets.
public struct ReconnectBackoff: Hashable, Sendable {
    public var initialNs: Int64
    public var multiplier: Double
    public var maximumNs: Int64
    /// In [0, 1).
    public var jitter: Double

    public init(initialNs: Int64, multiplier: Double, maximumNs: Int64, jitter: Double) {
        self.initialNs = initialNs
        self.multiplier = multiplier
        self.maximumNs = maximumNs
        self.jitter = jitter
        precondition(problem == nil, "reconnect backoff: \(problem!)")
    }

    /// What makes the backoff unusable, for a configuration built in code
    /// whose fields were set one by one; nil when `init` would accept it.
    public var problem: String? {
        guard initialNs > 0, maximumNs >= initialNs else { return "waits need 0 < initial ≤ max" }
        guard multiplier >= 1, multiplier.isFinite else { return "the multiplier must be at least 1" }
        guard jitter >= 0, jitter < 1 else { return "jitter must be in 0 ≤ jitter < 1" }
        return nil
    }

    /// A fixed wait of 1 ms, without jitter.
    public static let everyMillisecond = ReconnectBackoff(initialNs: 1_000_000, multiplier: 1, maximumNs: 1_000_000, jitter: 0)

    /// Whether a wait needs a random draw.
    public var isJittered: Bool { jitter > 0 }

    /// The wait after `wait`: `multiplier` times longer, rounded up so that
    /// a wait of a few nanoseconds still grows, at most `maximumNs`. IEEE
    /// multiplication and rounding are exact to the bit on every machine,
    /// unlike `pow`.
    public func next(after waitNs: Int64) -> Int64 {
        let grown = (Double(waitNs) * multiplier).rounded(.up)
        return grown >= Double(maximumNs) ? maximumNs : max(waitNs, Int64(grown))
    }

    /// `waitNs` shortened by its jitter: by `jitter × waitNs × draw / 2⁶⁴`,
    /// in integers, so never below `(1 − jitter) × waitNs`, and at least 1 ns.
    public func jittered(_ waitNs: Int64, draw: UInt64) -> Int64 {
        guard jitter > 0 else { return waitNs }
        let spread = UInt64(Double(waitNs) * jitter)
        let cut = Int64(spread.multipliedFullWidth(by: draw).high)
        return max(1, waitNs - cut)
    }
}
