/// The C library's `rand()` is what peers' benchmarks use; this is a small
/// seeded stand-in with the same role (uniform 31-bit integers), so that a
/// workload is identical from run to run.
struct BenchRandom {
    private var state: UInt64

    init(seed: UInt64) { state = seed == 0 ? 0x9E37_79B9_7F4A_7C15 : seed }

    /// xorshift64*: fast, and good enough to pick prices and quantities.
    @inline(__always)
    mutating func next() -> UInt64 {
        state ^= state >> 12
        state ^= state << 25
        state ^= state >> 27
        return state &* 0x2545_F491_4F6C_DD1D
    }

    /// A uniform integer in 0..<bound.
    @inline(__always)
    mutating func below(_ bound: Int) -> Int {
        Int((next() >> 33) % UInt64(bound))
    }
}
