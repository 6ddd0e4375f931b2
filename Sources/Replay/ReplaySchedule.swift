/// Turns capture timestamps into planned send offsets (nanoseconds after the
/// replay starts), one datagram at a time, in the order captured. Pure
/// integer arithmetic on the timestamps given: the same timestamps give the
/// same plan on every machine, which is what a replay in virtual time uses
/// as is and what the real-time pacer aims at.
///
/// Gap compression applies to recorded time, before the speed: a gap
/// between two consecutive datagrams longer than `gapLimitNs` counts as
/// `gapLimitNs`. A timestamp earlier than the one before it (a capture
/// merged from two interfaces) counts as a gap of 0: the plan never goes
/// backwards.
///
/// - Complexity: O(1) per datagram, no allocation.
public struct ReplaySchedule: Sendable {
    public let mode: PacingMode
    /// The longest recorded gap kept; nil keeps every gap.
    public let gapLimitNs: Int64?

    var previousTimestampNs: Int64 = 0
    /// Recorded time since the first datagram, gaps compressed.
    var elapsedNs: Int64 = 0
    /// Datagrams planned so far.
    public private(set) var count = 0
    /// The planned offset of the last datagram, 0 before the first.
    public private(set) var lastOffsetNs: Int64 = 0

    public init(mode: PacingMode, gapLimitNs: Int64? = nil) {
        precondition(gapLimitNs.map { $0 >= 0 } ?? true, "a gap limit is not negative")
        self.mode = mode
        self.gapLimitNs = gapLimitNs
    }

    /// The planned send offset of the next datagram, recorded at `captureTimestampNs`.
    /// Offsets never decrease.
    public mutating func plannedOffsetNs(captureTimestampNs: Int64) -> Int64 {
        if count > 0 {
            var gap = captureTimestampNs >= previousTimestampNs ? captureTimestampNs &- previousTimestampNs : 0
            if gap < 0 { gap = .max }  // the subtraction overflowed: the farthest possible gap
            if let gapLimitNs, gap > gapLimitNs { gap = gapLimitNs }
            let (sum, overflow) = elapsedNs.addingReportingOverflow(gap)
            elapsedNs = overflow ? .max : sum
        }
        previousTimestampNs = captureTimestampNs
        let offset: Int64
        switch mode {
        case .asRecorded:
            offset = elapsedNs
        case .speed(let factor):
            offset = ReplayRatio.scale(elapsedNs, by: factor.denominator, dividedBy: factor.numerator)
        case .fixedRate(let rate):
            let perSecond = ReplayRatio.scale(1_000_000_000, by: rate.denominator, dividedBy: 1)
            offset = ReplayRatio.scale(Int64(count), by: perSecond, dividedBy: rate.numerator)
        case .topSpeed:
            offset = 0
        }
        assert(offset >= lastOffsetNs, "a plan never goes backwards")
        count += 1
        lastOffsetNs = offset
        return offset
    }

    /// The planned offsets of `timestampsNs`, in order.
    public static func plan(_ timestampsNs: [Int64], mode: PacingMode, gapLimitNs: Int64? = nil) -> [Int64] {
        var schedule = ReplaySchedule(mode: mode, gapLimitNs: gapLimitNs)
        return timestampsNs.map { schedule.plannedOffsetNs(captureTimestampNs: $0) }
    }
}
