/// SplitMix64 (Steele, Lea, Flood 2014): used only to expand seeds.
public struct SplitMix64: RandomNumberGenerator, Sendable {
    @usableFromInline var state: UInt64

    public init(seed: UInt64) { state = seed }

    @inlinable
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// xoshiro256** 1.0 (Blackman, Vigna 2018): every component's random stream.
///
/// A stream is seeded by running SplitMix64 from `derivedSeed(scenarioSeed,
/// componentName)` to fill the four state words, as the generator's authors
/// recommend. Streams of different components are independent, so adding a
/// component never perturbs another's stream.
public struct RandomStream: RandomNumberGenerator, Sendable {
    @usableFromInline var s0: UInt64
    @usableFromInline var s1: UInt64
    @usableFromInline var s2: UInt64
    @usableFromInline var s3: UInt64

    /// A stream seeded from one 64-bit value via SplitMix64.
    public init(seed: UInt64) {
        var expander = SplitMix64(seed: seed)
        s0 = expander.next()
        s1 = expander.next()
        s2 = expander.next()
        s3 = expander.next()
        // The all-zero state is the generator's one fixed point.
        if s0 | s1 | s2 | s3 == 0 { s0 = 1 }
    }

    /// The stream of `component` in a run seeded with `scenarioSeed`.
    public init(scenarioSeed: UInt64, component: String) {
        self.init(seed: Self.derivedSeed(scenarioSeed: scenarioSeed, component: component))
    }

    /// FNV-1a 64 of the component's UTF-8 name, mixed with the scenario seed
    /// through one SplitMix64 step.
    public static func derivedSeed(scenarioSeed: UInt64, component: String) -> UInt64 {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in component.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01B3
        }
        var mixer = SplitMix64(seed: scenarioSeed ^ hash)
        return mixer.next()
    }

    @inlinable
    public mutating func next() -> UInt64 {
        let result = ((s1 &* 5) << 7 | (s1 &* 5) >> 57) &* 9
        let t = s1 << 17
        s2 ^= s0
        s3 ^= s1
        s1 ^= s2
        s0 ^= s3
        s2 ^= t
        s3 = (s3 << 45) | (s3 >> 19)
        return result
    }

    /// A uniform double in [0, 1) with 53 random bits.
    @inlinable
    public mutating func nextUnitInterval() -> Double {
        Double(next() >> 11) * 0x1.0p-53
    }

    /// A uniform integer in [0, bound) without modulo bias (Lemire 2019).
    @inlinable
    public mutating func nextBelow(_ bound: UInt64) -> UInt64 {
        precondition(bound > 0, "empty range")
        var product = next().multipliedFullWidth(by: bound)
        if product.low < bound {
            let threshold = (0 &- bound) % bound
            while product.low < threshold {
                product = next().multipliedFullWidth(by: bound)
            }
        }
        return product.high
    }

    /// A uniform integer in the closed range.
    @inlinable
    public mutating func nextInt(in range: ClosedRange<Int64>) -> Int64 {
        let span = UInt64(bitPattern: range.upperBound &- range.lowerBound) &+ 1
        if span == 0 { return Int64(bitPattern: next()) }
        return range.lowerBound &+ Int64(bitPattern: nextBelow(span))
    }

    /// An exponentially distributed value with the given mean. The
    /// distributions use `PortableMath`, not the platform's libm, so that a
    /// seed gives the same samples on every machine.
    @inlinable
    public mutating func nextExponential(mean: Double) -> Double {
        -mean * PortableMath.log(1 - nextUnitInterval())
    }

    /// A standard normal value (Box–Muller; one of the pair is discarded so
    /// the stream's consumption per call is constant).
    @inlinable
    public mutating func nextStandardNormal() -> Double {
        let u1 = 1 - nextUnitInterval()
        let u2 = nextUnitInterval()
        return (-2 * PortableMath.log(u1)).squareRoot() * PortableMath.cosine(turns: u2)
    }

    /// A log-normal value with the given median and shape.
    @inlinable
    public mutating func nextLogNormal(median: Double, sigma: Double) -> Double {
        median * PortableMath.exp(sigma * nextStandardNormal())
    }
}
