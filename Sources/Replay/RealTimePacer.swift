import Histogram
#if canImport(Glibc)
import Glibc
#endif

/// Waits, on the wall clock (CLOCK_MONOTONIC), until each planned send
/// offset, and records how far from the plan each send was: the send-time
/// error (actual − planned) in an HdrHistogram, and the drift (the last
/// send's error, what has accumulated by the end).
///
/// Waiting sleeps (clock_nanosleep to an absolute time) until
/// `spinThresholdNs` before the planned time, then spins on the clock:
/// a sleep alone wakes tens of microseconds late on a loaded machine.
public struct RealTimePacer {
    /// Spin for this long at the end of each wait instead of sleeping.
    public let spinThresholdNs: Int64
    /// The monotonic time the replay started at; offsets count from here.
    public private(set) var startNs: Int64 = 0
    var errors: Histogram<UInt64>
    /// Errors above an hour (a stopped process) are clamped to an hour and counted.
    public private(set) var clampedCount = 0
    /// The last send's error; 0 before any.
    public private(set) var driftNs: Int64 = 0

    public static let highestTrackableNs: UInt64 = 3_600_000_000_000

    public init(spinThresholdNs: Int64 = 200_000) {
        precondition(spinThresholdNs >= 0)
        self.spinThresholdNs = spinThresholdNs
        errors = Histogram(lowestDiscernibleValue: 1, highestTrackableValue: Self.highestTrackableNs,
                           numberOfSignificantValueDigits: .three)
    }

    /// CLOCK_MONOTONIC in nanoseconds.
    @inline(__always)
    public static func monotonicNowNs() -> Int64 {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return Int64(now.tv_sec) &* 1_000_000_000 &+ Int64(now.tv_nsec)
    }

    /// Starts the clock: offset 0 is now.
    public mutating func start() {
        startNs = Self.monotonicNowNs()
    }

    /// Returns once `offsetNs` after the start has been reached (at once when
    /// it has passed), with the monotonic time read last.
    public func wait(untilOffsetNs offsetNs: Int64) -> Int64 {
        let deadline = startNs &+ offsetNs
        var now = Self.monotonicNowNs()
        if deadline &- now > spinThresholdNs {
            let wake = deadline &- spinThresholdNs
            var until = timespec(tv_sec: Int(wake / 1_000_000_000), tv_nsec: Int(wake % 1_000_000_000))
            while clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &until, nil) == EINTR {}
            now = Self.monotonicNowNs()
        }
        while now < deadline { now = Self.monotonicNowNs() }
        return now
    }

    /// Records a datagram planned for `plannedOffsetNs` and handed to the
    /// kernel at monotonic time `sentAtNs`. Never early after `wait`, so the
    /// error is not negative.
    public mutating func recordSend(plannedOffsetNs: Int64, sentAtNs: Int64, count: Int = 1) {
        let error = max(0, sentAtNs &- startNs &- plannedOffsetNs)
        driftNs = error
        var value = UInt64(error)
        if value > Self.highestTrackableNs {
            value = Self.highestTrackableNs
            clampedCount += count
        }
        _ = errors.record(value, count: UInt64(count))
    }

    /// The send-time errors recorded so far.
    public var errorSummary: SendErrorSummary {
        guard errors.totalCount > 0 else { return SendErrorSummary() }
        return SendErrorSummary(
            count: Int(errors.totalCount),
            p50Ns: Int64(errors.valueAtPercentile(50)),
            p99Ns: Int64(errors.valueAtPercentile(99)),
            p999Ns: Int64(errors.valueAtPercentile(99.9)),
            maxNs: Int64(errors.max),
            meanNs: errors.mean)
    }
}

/// Percentiles of the send-time error (actual − planned), in nanoseconds.
/// HdrHistogram with three significant digits: each value is within 0.1%.
public struct SendErrorSummary: Hashable, Sendable, Codable {
    public var count = 0
    public var p50Ns: Int64 = 0
    public var p99Ns: Int64 = 0
    public var p999Ns: Int64 = 0
    public var maxNs: Int64 = 0
    public var meanNs: Double = 0

    public init(count: Int = 0, p50Ns: Int64 = 0, p99Ns: Int64 = 0, p999Ns: Int64 = 0, maxNs: Int64 = 0, meanNs: Double = 0) {
        self.count = count
        self.p50Ns = p50Ns
        self.p99Ns = p99Ns
        self.p999Ns = p999Ns
        self.maxNs = maxNs
        self.meanNs = meanNs
    }
}
