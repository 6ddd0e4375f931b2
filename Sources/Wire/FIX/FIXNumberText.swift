// Integer and fixed-point decimal values as FIX text, read straight from the
// bytes of a field.

/// Parsing of FIX Int, SeqNum, Qty and Price field values.
public enum FIXNumberText {
    /// At most 18 digits, so that the value always fits an Int64.
    public static let maximumDigits = 18

    /// An optionally negative decimal integer; nil for anything else,
    /// including an empty value, a sign alone, or more than 18 digits.
    @inlinable
    public static func integer(_ text: UnsafeRawBufferPointer) -> Int64? {
        var index = 0
        var negative = false
        if !text.isEmpty, text[0] == 0x2D {
            negative = true
            index = 1
        }
        let digitCount = text.count - index
        guard digitCount > 0, digitCount <= maximumDigits else { return nil }
        var value: Int64 = 0
        while index < text.count {
            let digit = text[index] &- 0x30
            guard digit < 10 else { return nil }
            value = value * 10 + Int64(digit)
            index += 1
        }
        return negative ? -value : value
    }

    /// A decimal such as `101.25` as a fixed-point integer with
    /// `impliedDecimals` decimals (101.25 with 4 → 1_012_500). Fraction
    /// digits beyond `impliedDecimals` must be zeros, or the value is
    /// rejected rather than rounded.
    @inlinable
    public static func decimal(_ text: UnsafeRawBufferPointer, impliedDecimals: Int) -> Int64? {
        precondition(impliedDecimals >= 0 && impliedDecimals <= 9)
        var index = 0
        var negative = false
        if !text.isEmpty, text[0] == 0x2D {
            negative = true
            index = 1
        }
        var value: Int64 = 0
        var integerDigits = 0
        var fractionDigits = 0
        var sawPoint = false
        while index < text.count {
            let byte = text[index]
            index += 1
            if byte == 0x2E {
                guard !sawPoint else { return nil }
                sawPoint = true
                continue
            }
            let digit = byte &- 0x30
            guard digit < 10 else { return nil }
            if sawPoint {
                fractionDigits += 1
                if fractionDigits > impliedDecimals {
                    guard digit == 0 else { return nil }
                    continue
                }
            } else {
                integerDigits += 1
                guard integerDigits <= maximumDigits else { return nil }
            }
            let (scaled, overflowA) = value.multipliedReportingOverflow(by: 10)
            let (sum, overflowB) = scaled.addingReportingOverflow(Int64(digit))
            guard !overflowA, !overflowB else { return nil }
            value = sum
        }
        guard integerDigits + fractionDigits > 0 else { return nil }
        var missing = impliedDecimals - min(fractionDigits, impliedDecimals)
        while missing > 0 {
            let (scaled, overflow) = value.multipliedReportingOverflow(by: 10)
            guard !overflow else { return nil }
            value = scaled
            missing -= 1
        }
        return negative ? -value : value
    }
}
