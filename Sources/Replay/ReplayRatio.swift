/// A positive rational number, parsed exactly from a decimal such as `10`,
/// `2.5` or `1e6`: the speed factor of `--speed` and the datagrams per
/// second of `--rate`, so that a schedule built from it is exact integer
/// arithmetic, never floating point.
public struct ReplayRatio: Hashable, Sendable, CustomStringConvertible {
    public let numerator: Int64
    public let denominator: Int64

    /// `numerator / denominator`, reduced; both must be positive.
    public init(_ numerator: Int64, _ denominator: Int64 = 1) {
        precondition(numerator > 0 && denominator > 0, "a replay ratio is positive")
        var a = numerator, b = denominator
        while b != 0 { (a, b) = (b, a % b) }
        self.numerator = numerator / a
        self.denominator = denominator / a
    }

    /// Parses a positive decimal: digits, an optional fraction, an optional
    /// exponent (`1e6`, `2.5E-1`). Nil for anything else, zero, or a value
    /// whose exact fraction does not fit in 64 bits.
    public init?(parsing text: String) {
        var mantissa: Int64 = 0
        var scale: Int64 = 1
        var digits = 0
        var exponent = 0
        var characters = Substring(text)
        var seenPoint = false
        while let character = characters.first, character != "e", character != "E" {
            characters.removeFirst()
            if character == "." {
                guard !seenPoint else { return nil }
                seenPoint = true
                continue
            }
            guard let digit = character.wholeNumberValue, character.isASCII else { return nil }
            digits += 1
            let (shifted, overflowA) = mantissa.multipliedReportingOverflow(by: 10)
            let (added, overflowB) = shifted.addingReportingOverflow(Int64(digit))
            guard !overflowA, !overflowB else { return nil }
            mantissa = added
            if seenPoint {
                let (next, overflow) = scale.multipliedReportingOverflow(by: 10)
                guard !overflow else { return nil }
                scale = next
            }
        }
        guard digits > 0 else { return nil }
        if characters.first != nil {
            characters.removeFirst()
            guard let value = Int(characters), abs(value) <= 18 else { return nil }
            exponent = value
        }
        var numerator = mantissa, denominator = scale
        for _ in 0..<abs(exponent) {
            if exponent > 0 {
                let (next, overflow) = numerator.multipliedReportingOverflow(by: 10)
                guard !overflow else { return nil }
                numerator = next
            } else {
                let (next, overflow) = denominator.multipliedReportingOverflow(by: 10)
                guard !overflow else { return nil }
                denominator = next
            }
        }
        guard numerator > 0 else { return nil }
        self.init(numerator, denominator)
    }

    /// The value as a `Double`, for printing.
    public var doubleValue: Double { Double(numerator) / Double(denominator) }

    public var description: String {
        denominator == 1 ? "\(numerator)" : "\(numerator)/\(denominator)"
    }

    /// `value × multiplier / divisor`, rounded down, in 128-bit intermediate
    /// arithmetic; `Int64.max` when the result does not fit. All three are
    /// non-negative (the divisor positive).
    static func scale(_ value: Int64, by multiplier: Int64, dividedBy divisor: Int64) -> Int64 {
        precondition(value >= 0 && multiplier >= 0 && divisor > 0)
        let product = UInt64(value).multipliedFullWidth(by: UInt64(multiplier))
        guard product.high < UInt64(divisor) else { return .max }
        let quotient = UInt64(divisor).dividingFullWidth(product).quotient
        return quotient > UInt64(Int64.max) ? .max : Int64(quotient)
    }
}
