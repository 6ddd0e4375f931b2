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
        guard let start = text.baseAddress else { return nil }
        let count = text.count
        var index = 0
        var negative = false
        if count > 0, start.load(as: UInt8.self) == 0x2D {
            negative = true
            index = 1
        }
        var value: Int64 = 0
        let integerStart = index
        while index < count {
            let digit = start.load(fromByteOffset: index, as: UInt8.self) &- 0x30
            guard digit < 10 else { break }
            value = value &* 10 &+ Int64(digit)
            index &+= 1
        }
        let integerDigits = index - integerStart
        // Beyond 18 digits in all the value could overflow: the checked path decides.
        guard integerDigits + impliedDecimals <= maximumDigits else {
            return checkedDecimal(text, impliedDecimals: impliedDecimals)
        }
        var fractionDigits = 0
        if index < count {
            guard start.load(fromByteOffset: index, as: UInt8.self) == 0x2E else { return nil }
            index &+= 1
            let fractionStart = index
            while index < count {
                let digit = start.load(fromByteOffset: index, as: UInt8.self) &- 0x30
                guard digit < 10 else { return nil }
                if index - fractionStart < impliedDecimals {
                    value = value &* 10 &+ Int64(digit)
                } else if digit != 0 {
                    return nil
                }
                index &+= 1
            }
            fractionDigits = index - fractionStart
        }
        guard integerDigits + fractionDigits > 0 else { return nil }
        var missing = impliedDecimals - min(fractionDigits, impliedDecimals)
        while missing > 0 {
            value &*= 10
            missing &-= 1
        }
        return negative ? -value : value
    }

    /// `decimal` with every step checked for overflow, for long values.
    @usableFromInline
    static func checkedDecimal(_ text: UnsafeRawBufferPointer, impliedDecimals: Int) -> Int64? {
        guard let start = text.baseAddress else { return nil }
        let count = text.count
        var index = 0
        var negative = false
        if count > 0, start.load(as: UInt8.self) == 0x2D {
            negative = true
            index = 1
        }
        // Up to 18 integer digits cannot overflow, so they need no check.
        var value: Int64 = 0
        let integerStart = index
        while index < count {
            let digit = start.load(fromByteOffset: index, as: UInt8.self) &- 0x30
            guard digit < 10 else { break }
            guard index - integerStart < maximumDigits else { return nil }
            value = value &* 10 &+ Int64(digit)
            index &+= 1
        }
        let integerDigits = index - integerStart
        var fractionDigits = 0
        if index < count {
            guard start.load(fromByteOffset: index, as: UInt8.self) == 0x2E else { return nil }
            index &+= 1
            while index < count {
                let digit = start.load(fromByteOffset: index, as: UInt8.self) &- 0x30
                guard digit < 10 else { return nil }
                index &+= 1
                fractionDigits &+= 1
                if fractionDigits > impliedDecimals {
                    guard digit == 0 else { return nil }
                    continue
                }
                let (scaled, overflowA) = value.multipliedReportingOverflow(by: 10)
                let (sum, overflowB) = scaled.addingReportingOverflow(Int64(digit))
                guard !overflowA, !overflowB else { return nil }
                value = sum
            }
        }
        guard integerDigits + fractionDigits > 0 else { return nil }
        var missing = impliedDecimals - min(fractionDigits, impliedDecimals)
        if missing > 0 {
            var scale: Int64 = 1
            while missing > 0 {
                scale &*= 10
                missing &-= 1
            }
            let (scaled, overflow) = value.multipliedReportingOverflow(by: scale)
            guard !overflow else { return nil }
            value = scaled
        }
        return negative ? -value : value
    }
}
