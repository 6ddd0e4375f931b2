// UTCTimestamp text (`YYYYMMDD-HH:MM:SS.sss`) from and to nanoseconds since
// the UNIX epoch, with the proleptic Gregorian calendar and no time zones.

/// Calendar arithmetic for FIX UTCTimestamp fields.
public enum FIXUTCTimestamp {
    public static let nanosecondsPerSecond: Int64 = 1_000_000_000
    public static let nanosecondsPerDay: Int64 = 86_400 * nanosecondsPerSecond
    /// `YYYYMMDD-HH:MM:SS.sss`: what exsim writes.
    public static let millisecondTextBytes = 21

    /// Days since 1970-01-01 to (year, month, day); the algorithm counts in
    /// 400-year eras of 146,097 days starting on March 1st, so that the leap
    /// day is the last day of a year.
    @inlinable
    public static func civilDate(daysSinceEpoch days: Int64) -> (year: Int64, month: Int64, day: Int64) {
        let shifted = days + 719_468
        let era = (shifted >= 0 ? shifted : shifted - 146_096) / 146_097
        let dayOfEra = shifted - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthFromMarch = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthFromMarch + 2) / 5 + 1
        let month = monthFromMarch < 10 ? monthFromMarch + 3 : monthFromMarch - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        return (year, month, day)
    }

    /// The inverse of `civilDate`.
    @inlinable
    public static func daysSinceEpoch(year: Int64, month: Int64, day: Int64) -> Int64 {
        let marchYear = month <= 2 ? year - 1 : year
        let era = (marchYear >= 0 ? marchYear : marchYear - 399) / 400
        let yearOfEra = marchYear - era * 400
        let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    @inlinable
    static func daysInMonth(year: Int64, month: Int64) -> Int64 {
        switch month {
        case 2: (year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)) ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// Writes `YYYYMMDD-HH:MM:SS.sss` for `timestampNs` into `text`, which
    /// must hold `millisecondTextBytes` bytes. Years outside 0...9999 are
    /// clamped, since the field has four year digits.
    @inlinable
    public static func writeMillisecondText(_ timestampNs: Int64, into text: UnsafeMutableRawBufferPointer) {
        precondition(text.count >= millisecondTextBytes)
        var days = timestampNs / nanosecondsPerDay
        var nanosOfDay = timestampNs % nanosecondsPerDay
        if nanosOfDay < 0 {
            nanosOfDay += nanosecondsPerDay
            days -= 1
        }
        var (year, month, day) = civilDate(daysSinceEpoch: days)
        if year < 0 { (year, month, day) = (0, 1, 1); nanosOfDay = 0 }
        if year > 9999 { (year, month, day) = (9999, 12, 31); nanosOfDay = nanosecondsPerDay - 1 }
        let millisOfDay = nanosOfDay / 1_000_000
        let hour = millisOfDay / 3_600_000
        let minute = millisOfDay / 60_000 % 60
        let second = millisOfDay / 1000 % 60
        let milli = millisOfDay % 1000
        func put(_ value: Int64, _ width: Int, _ end: Int) {
            var rest = value
            for offset in stride(from: end - 1, through: end - width, by: -1) {
                text[offset] = UInt8(truncatingIfNeeded: 0x30 + rest % 10)
                rest /= 10
            }
        }
        put(year, 4, 4)
        put(month, 2, 6)
        put(day, 2, 8)
        text[8] = 0x2D
        put(hour, 2, 11)
        text[11] = 0x3A
        put(minute, 2, 14)
        text[14] = 0x3A
        put(second, 2, 17)
        text[17] = 0x2E
        put(milli, 3, 21)
    }

    /// The decimal number in `width` bytes at `start`; nil unless all are digits.
    @inlinable @inline(__always)
    static func digits(_ base: UnsafeRawPointer, _ start: Int, _ width: Int) -> Int64? {
        var value: Int64 = 0
        var offset = start
        while offset < start + width {
            let digit = base.load(fromByteOffset: offset, as: UInt8.self) &- 0x30
            guard digit < 10 else { return nil }
            value = value &* 10 &+ Int64(digit)
            offset &+= 1
        }
        return value
    }

    /// Nanoseconds since the epoch for UTCTimestamp text
    /// `YYYYMMDD-HH:MM:SS` with no fraction or with 3, 6 or 9 fraction
    /// digits; nil for anything else (a data-format error), including dates
    /// that Int64 nanoseconds cannot hold (before 1677 or after 2262).
    @inlinable
    public static func parse(_ text: UnsafeRawBufferPointer) -> Int64? {
        let fractionDigits: Int
        switch text.count {
        case 17: fractionDigits = 0
        case 21: fractionDigits = 3
        case 24: fractionDigits = 6
        case 27: fractionDigits = 9
        default: return nil
        }
        let base = text.baseAddress!
        guard text[8] == 0x2D, text[11] == 0x3A, text[14] == 0x3A,
              let year = digits(base, 0, 4), let month = digits(base, 4, 2), let day = digits(base, 6, 2),
              let hour = digits(base, 9, 2), let minute = digits(base, 12, 2), let second = digits(base, 15, 2)
        else { return nil }
        // 60 admits a leap second, which FIX allows.
        guard (1...12).contains(month), day >= 1, day <= daysInMonth(year: year, month: month),
              hour < 24, minute < 60, second <= 60 else { return nil }
        var fractionNs: Int64 = 0
        if fractionDigits > 0 {
            guard text[17] == 0x2E, let fraction = digits(base, 18, fractionDigits) else { return nil }
            var scale: Int64 = 1
            for _ in fractionDigits..<9 { scale *= 10 }
            fractionNs = fraction * scale
        }
        let days = daysSinceEpoch(year: year, month: month, day: day)
        let seconds = days * 86_400 + hour * 3600 + minute * 60 + second
        // Int64 nanoseconds reach only 1677..2262; a later date is out of range, not a trap.
        let (wholeNs, overflow) = seconds.multipliedReportingOverflow(by: nanosecondsPerSecond)
        guard !overflow else { return nil }
        let (total, overflowFraction) = wholeNs.addingReportingOverflow(fractionNs)
        return overflowFraction ? nil : total
    }
}
