#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Testing
@testable import SimKernel

@Suite struct PortableMathTests {
    /// Within a few units in the last place of the platform's libm, which is
    /// the reference here only for accuracy, never for the bits we use.
    static func expectClose(_ ours: Double, _ libm: Double, ulps: Double = 4, _ what: String) {
        guard libm.isFinite else {
            #expect(ours == libm, "\(what): \(ours) vs libm \(libm)")
            return
        }
        let tolerance = ulps * max(libm.magnitude.ulp, Double.leastNormalMagnitude)
        #expect((ours - libm).magnitude <= tolerance, "\(what): \(ours) vs libm \(libm)")
    }

    @Test func logMatchesLibmAcrossItsDomain() {
        var random = RandomStream(seed: 1)
        for _ in 0..<50_000 {
            let u = 1 - random.nextUnitInterval()
            Self.expectClose(PortableMath.log(u), Glibc.log(u), "log(\(u))")
        }
        for x in [1.0, 2, 0.5, 1e-300, 5e-324, 1e300, .greatestFiniteMagnitude, 0x1.6a09e667f3bcdp0, 0x1.6a09e667f3bccp0, 3] {
            Self.expectClose(PortableMath.log(x), Glibc.log(x), "log(\(x))")
        }
        #expect(PortableMath.log(1) == 0)
        #expect(PortableMath.log(0) == -.infinity)
        #expect(PortableMath.log(-1).isNaN)
    }

    @Test func expMatchesLibmAcrossItsRange() {
        var random = RandomStream(seed: 2)
        for _ in 0..<50_000 {
            let x = random.nextUnitInterval() * 1_400 - 700
            Self.expectClose(PortableMath.exp(x), Glibc.exp(x), "exp(\(x))")
        }
        for x in [0.0, 1, -1, 1e-10, 709.7, -744, 710, -746] {
            Self.expectClose(PortableMath.exp(x), Glibc.exp(x), ulps: 8, "exp(\(x))")
        }
        #expect(PortableMath.exp(0) == 1)
    }

    @Test func cosineOfTurnsMatchesLibm() {
        var random = RandomStream(seed: 3)
        for _ in 0..<50_000 {
            let turns = random.nextUnitInterval()
            let ours = PortableMath.cosine(turns: turns)
            let libm = Glibc.cos(2 * Double.pi * turns)
            // libm's cosine gets 2π·turns rounded, an error of up to about
            // 7e-16 radians at a full turn, which passes into its result.
            #expect((ours - libm).magnitude <= 1e-15, "cos(2π·\(turns)): \(ours) vs libm \(libm)")
        }
        #expect(PortableMath.cosine(turns: 0) == 1)
        #expect(PortableMath.cosine(turns: 0.5) == -1)
        #expect(PortableMath.cosine(turns: 0.25) == 0)
    }

    /// The bits each distribution gives for a seed, pinned: a change to the
    /// sampling, or a platform whose arithmetic differs, fails here rather
    /// than as a changed trace digest.
    @Test func theFirstSamplesOfEachDistributionArePinned() {
        var random = RandomStream(seed: 42)
        let exponential = (0..<3).map { _ in random.nextExponential(mean: 1_000).bitPattern }
        let normal = (0..<3).map { _ in random.nextStandardNormal().bitPattern }
        let logNormal = (0..<3).map { _ in random.nextLogNormal(median: 500, sigma: 0.5).bitPattern }
        #expect(exponential == Self.pinnedExponential, "\(exponential.map { String($0, radix: 16) })")
        #expect(normal == Self.pinnedNormal, "\(normal.map { String($0, radix: 16) })")
        #expect(logNormal == Self.pinnedLogNormal, "\(logNormal.map { String($0, radix: 16) })")
    }

    static let pinnedExponential: [UInt64] = [4635863968133387242, 4647088399835981573, 4652726697097261771]
    static let pinnedNormal: [UInt64] = [4612296859478074073, 13822969882619371607, 4594179390423336062]
    static let pinnedLogNormal: [UInt64] = [4645405951731349944, 4648222785343851841, 4646615751238612063]
}
