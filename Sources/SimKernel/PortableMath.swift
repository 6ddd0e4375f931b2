/// Logarithm, exponential and cosine computed with nothing but IEEE 754
/// addition, subtraction, multiplication, division and exact scaling by
/// powers of two, in a fixed order: each of those is correctly rounded, so
/// every platform gets the same bits from the same input. The platform's
/// libm promises no such thing (its `log`, `exp` and `cos` may differ in the
/// last bit between versions and systems), and one differing bit in a
/// sampled delay changes a run's trace digest.
///
/// Accurate to a few units in the last place over the ranges the random
/// streams use; determinism, not the last bit of accuracy, is the point.
/// Swift does not contract `a * b + c` into a fused multiply-add unless
/// asked, so the expressions below evaluate as written.
public enum PortableMath {
    // ln 2 split so that k * ln2Hi is exact for |k| < 2^11.
    static let ln2Hi = 6.931_471_803_691_238_164_90e-01
    static let ln2Lo = 1.908_214_929_270_587_700_02e-10
    static let sqrtHalf = 0.707_106_781_186_547_524_4
    /// 1/1, 1/2, … 1/25, each correctly rounded: the exponential's and the
    /// cosine's series multiply by these rather than divide, which keeps a division's latency off every
    /// step of a chain.
    static let reciprocals: [Double] = (0...25).map { $0 == 0 ? 0 : 1 / Double($0) }

    /// The natural logarithm; nan for negative or nan input, -infinity at 0.
    public static func log(_ x: Double) -> Double {
        guard x > 0, x.isFinite else {
            if x == 0 { return -.infinity }
            return x == .infinity ? .infinity : .nan
        }
        // x = m * 2^e with m in [sqrt(1/2), sqrt(2)): both exact, taken
        // from the bits.
        var bits = x.bitPattern
        var e = 0
        if bits >> 52 == 0 {
            bits = (x * 0x1p54).bitPattern
            e = -54
        }
        e += Int(bits >> 52) - 1023
        var m = Double(bitPattern: bits & 0x000F_FFFF_FFFF_FFFF | 0x3FF0_0000_0000_0000)
        if m >= 2 * sqrtHalf {
            m *= 0.5
            e += 1
        }
        // log(m) = 2 atanh(s), s = (m - 1) / (m + 1), |s| <= 0.1716.
        let s = (m - 1) / (m + 1)
        let s2 = s * s
        // Written out: every sample of a delay takes this path. The
        // quotients are constants, folded with correct rounding.
        var series = 1.0 / 25
        series = series * s2 + 1.0 / 23
        series = series * s2 + 1.0 / 21
        series = series * s2 + 1.0 / 19
        series = series * s2 + 1.0 / 17
        series = series * s2 + 1.0 / 15
        series = series * s2 + 1.0 / 13
        series = series * s2 + 1.0 / 11
        series = series * s2 + 1.0 / 9
        series = series * s2 + 1.0 / 7
        series = series * s2 + 1.0 / 5
        series = series * s2 + 1.0 / 3
        let logM = 2 * s * (series * s2 + 1)
        return (Double(e) * ln2Lo + logM) + Double(e) * ln2Hi
    }

    /// e^x; +infinity above about 709.78, 0 below about -745.13.
    public static func exp(_ x: Double) -> Double {
        guard x.isFinite else { return x.isNaN ? .nan : (x > 0 ? .infinity : 0) }
        if x > 709.782_712_893_384 { return .infinity }
        if x < -745.133_219_101_941_1 { return 0 }
        // x = k ln2 + r, |r| <= ln2 / 2 (and a little).
        let k = (x / (ln2Hi + ln2Lo)).rounded()
        let r = (x - k * ln2Hi) - k * ln2Lo
        // Taylor series of e^r to degree 17, by Horner.
        var sum = 1.0
        var n = 17
        while n >= 1 {
            sum = sum * r * reciprocals[n] + 1
            n -= 1
        }
        return scaled(sum, byPowerOfTwo: Int(k))
    }

    /// cos(2π turns): the angle is given in turns so that the reduction to
    /// an octant is exact, where a reduction of a radian angle by π is not.
    public static func cosine(turns: Double) -> Double {
        guard turns.isFinite else { return .nan }
        // Quadrant and the fraction within it: multiplying by 4 and taking
        // the whole part are exact.
        var quarter = (turns - turns.rounded(.down)) * 4
        let quadrant = Int(quarter.rounded(.down)) & 3
        quarter -= quarter.rounded(.down)
        // cos(quadrant·π/2 + a), a = quarter·π/2 in [0, π/2).
        let (c, s): (Double, Double)
        if quarter <= 0.5 {
            let a = quarter * (Double.pi / 2)
            (c, s) = (cosSeries(a), sinSeries(a))
        } else {
            let a = (1 - quarter) * (Double.pi / 2)
            (c, s) = (sinSeries(a), cosSeries(a))
        }
        switch quadrant {
        case 0: return c
        case 1: return -s
        case 2: return -c
        default: return s
        }
    }

    /// sin(a) for |a| <= π/4, Taylor to degree 21.
    static func sinSeries(_ a: Double) -> Double { a * alternatingSeries(a * a, topDegree: 21) }

    /// cos(a) for |a| <= π/4, Taylor to degree 22.
    static func cosSeries(_ a: Double) -> Double { alternatingSeries(a * a, topDegree: 22) }

    /// 1 − a²/(2·3)(1 − a²/(4·5)(…)) for sine's odd degrees, and the same
    /// from 1·2 for cosine's even ones: the two series differ only in where
    /// they stop, evaluated innermost first.
    static func alternatingSeries(_ a2: Double, topDegree: Int) -> Double {
        var sum = 1.0
        var n = topDegree
        while n >= 2 {
            sum = 1 - sum * a2 * reciprocals[n] * reciprocals[n - 1]
            n -= 2
        }
        return sum
    }

    /// `value` × 2^power, exact unless the result leaves the normal range.
    static func scaled(_ value: Double, byPowerOfTwo power: Int) -> Double {
        var result = value
        var remaining = power
        // Steps of at most 2^1000 keep every factor finite and normal.
        while remaining > 1000 {
            result *= 0x1p1000
            remaining -= 1000
        }
        while remaining < -1000 {
            result *= 0x1p-1000
            remaining += 1000
        }
        return result * Double(sign: .plus, exponent: remaining, significand: 1)
    }
}
