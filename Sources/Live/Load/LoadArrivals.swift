#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// How one connection's planned send times follow each other in an open
/// loop: evenly spaced, or a Poisson process (exponential gaps with the same
/// mean) from a seeded generator, so that a run's schedule is the same for
/// the same seed.
public enum LoadArrivals: Sendable, Equatable {
    case constant
    case poisson(seed: UInt64)
}

/// The planned send times of one connection, one after another.
struct LoadSchedule {
    let firstNs: Int64
    let spacingNs: Double
    let arrivals: LoadArrivals
    /// SplitMix64 state (Poisson only).
    var state: UInt64
    /// Orders planned so far and the planned time of the next.
    var count = 0
    var nextNs: Int64

    init(firstNs: Int64, spacingNs: Double, arrivals: LoadArrivals, connection: Int) {
        precondition(spacingNs > 0)
        self.firstNs = firstNs
        self.spacingNs = spacingNs
        self.arrivals = arrivals
        nextNs = firstNs
        if case .poisson(let seed) = arrivals {
            // Each connection its own stream, apart from its neighbours'.
            state = seed &+ UInt64(connection + 1) &* 0xD6E8_FEB8_6659_FD93
        } else {
            state = 0
        }
    }

    /// How many planned times, from `nextNs` on, fall before `endNs`.
    /// Constant arrivals count in closed form; Poisson ones walk the stream
    /// (a run plans at most 10^8 orders: about two seconds at the worst).
    func remaining(before endNs: Int64) -> Int {
        guard nextNs < endNs else { return 0 }
        switch arrivals {
        case .constant:
            // The last k with firstNs + round(k × spacing) < endNs, found
            // from an estimate and corrected for the rounding.
            func time(_ k: Int) -> Int64 { firstNs + Int64((Double(k) * spacingNs).rounded()) }
            var last = max(count, Int((Double(endNs - firstNs) / spacingNs).rounded(.down)))
            while last > count && time(last) >= endNs { last -= 1 }
            while time(last + 1) < endNs { last += 1 }
            return last - count + 1
        case .poisson:
            var stream = self
            var remaining = 0
            while stream.nextNs < endNs {
                remaining += 1
                stream.advance()
            }
            return remaining
        }
    }

    /// Moves to the order after `nextNs`.
    mutating func advance() {
        count += 1
        switch arrivals {
        case .constant:
            // From the start every time, so rounding never accumulates.
            nextNs = firstNs + Int64((Double(count) * spacingNs).rounded())
        case .poisson:
            // Inverse transform: -ln(1 - u) × mean, u uniform in [0, 1).
            let uniform = Double(nextRandom() >> 11) * 0x1p-53
            nextNs += Int64((-log1p(-uniform) * spacingNs).rounded())
        }
    }

    private mutating func nextRandom() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var mixed = state
        mixed = (mixed ^ (mixed >> 30)) &* 0xBF58_476D_1CE4_E5B9
        mixed = (mixed ^ (mixed >> 27)) &* 0x94D0_49BB_1331_11EB
        return mixed ^ (mixed >> 31)
    }
}
