#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Wall-clock time for benchmarks and for timing a simulated run from the
/// outside. Never used inside the simulated world.
enum WallClock {
    /// Monotonic nanoseconds (CLOCK_MONOTONIC; a vDSO call, ~20 ns).
    @inline(__always)
    static func nowNs() -> Int64 {
        var spec = timespec()
        clock_gettime(CLOCK_MONOTONIC, &spec)
        return Int64(spec.tv_sec) * 1_000_000_000 + Int64(spec.tv_nsec)
    }
}
