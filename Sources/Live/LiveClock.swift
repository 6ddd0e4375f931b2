#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import NIOCore

/// The wall clock a live venue runs on, in the shape the gateway expects:
/// driver time is nanoseconds since the server started (monotonic, so a
/// clock step cannot reorder timers), and the wire timestamps are the real
/// time of day because the server's start is the day's offset.
public struct LiveClock: Sendable {
    /// `NIODeadline` uptime at driver time 0.
    public let originUptimeNs: UInt64
    /// UTC nanoseconds since midnight at driver time 0: the gateway's
    /// `startOfDayOffsetNs`, so OUCH and ITCH timestamps read as the time of day.
    public let startOfDayOffsetNs: Int64
    /// UNIX-epoch nanoseconds of the midnight (UTC) that starts today: the
    /// date FIX SendingTime carries.
    public let sessionDateEpochNs: Int64

    static let nanosecondsPerDay: Int64 = 86_400 * 1_000_000_000

    public init(originUptimeNs: UInt64, epochNs: Int64) {
        self.originUptimeNs = originUptimeNs
        startOfDayOffsetNs = epochNs % Self.nanosecondsPerDay
        sessionDateEpochNs = epochNs - startOfDayOffsetNs
    }

    /// The clock as of now.
    public static func startingNow() -> LiveClock {
        var time = timespec()
        clock_gettime(CLOCK_REALTIME, &time)
        let epochNs = Int64(time.tv_sec) * 1_000_000_000 + Int64(time.tv_nsec)
        return LiveClock(originUptimeNs: NIODeadline.now().uptimeNanoseconds, epochNs: epochNs)
    }

    /// Driver time now.
    public var nowNs: Int64 { Int64(NIODeadline.now().uptimeNanoseconds &- originUptimeNs) }

    /// The deadline of a gateway timer set for driver time `atNs`.
    public func deadline(atNs: Int64) -> NIODeadline {
        .uptimeNanoseconds(originUptimeNs &+ UInt64(max(0, atNs)))
    }
}
