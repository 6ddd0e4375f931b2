import MatchingEngine

/// Parsers for the scalar values of a scenario file. Each returns nil when
/// the text is not of its kind; the caller reports file:line:column.
public enum ScenarioValues {
    static let durationHint = "a duration like 500ns, 5us, 1.5ms or 1s"
    static let rateHint = "a rate like 250000/s, 250k/s or 1M/s"
    static let priceHint = "a decimal price with at most 4 decimals, like 190.25"

    /// Exact: "1.5ms" is 1,500,000 ns; fractions of a nanosecond are refused.
    public static func duration(_ text: String) -> Int64? {
        let units: [(String, Int64)] = [("ns", 1), ("us", 1_000), ("µs", 1_000), ("ms", 1_000_000), ("s", 1_000_000_000)]
        for (suffix, scale) in units where text.hasSuffix(suffix) {
            let number = String(text.dropLast(suffix.count)).trimmingSpaces
            return scaledDecimal(number, scale: scale)
        }
        return nil
    }

    /// "190.25" → 1,902,500 price units (1/10,000).
    static func price(_ text: String) -> Int64? {
        scaledDecimal(text, scale: 10_000)
    }

    static let bandwidthHint = "a bandwidth like 9600bps, 100Mbps, 1Gbps or 2.5Gbps"
    static let highestBandwidthBitsPerSecond: Int64 = 1_000_000_000_000

    /// "2.5Gbps" → 2,500,000,000 bits per second, exactly.
    public static func bandwidth(_ text: String) -> Int64? {
        let units: [(String, Int64)] = [("Tbps", 1_000_000_000_000), ("Gbps", 1_000_000_000), ("Mbps", 1_000_000), ("kbps", 1_000), ("bps", 1)]
        for (suffix, scale) in units where text.hasSuffix(suffix) {
            return scaledDecimal(String(text.dropLast(suffix.count)).trimmingSpaces, scale: scale)
        }
        return nil
    }

    public static func rate(_ text: String) -> Double? {
        var body = text.trimmingSpaces
        if body.hasSuffix("/s") { body.removeLast(2) }
        var scale: Int64 = 1
        if body.hasSuffix("k") { scale = 1_000; body.removeLast() } else if body.hasSuffix("M") { scale = 1_000_000; body.removeLast() }
        guard let value = scaledDecimal(body, scale: scale), value > 0 else { return nil }
        return Double(value)
    }

    /// A non-negative decimal times `scale`, exactly, or nil if it does not
    /// come out whole or does not fit.
    static func scaledDecimal(_ text: String, scale: Int64) -> Int64? {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count <= 2, let whole = parts.first, !whole.isEmpty, whole.allSatisfy(\.isASCII), whole.allSatisfy(\.isNumber) else { return nil }
        guard let integer = Int64(whole) else { return nil }
        var (result, overflow) = integer.multipliedReportingOverflow(by: scale)
        guard !overflow else { return nil }
        if parts.count == 2 {
            let fraction = parts[1]
            guard !fraction.isEmpty, fraction.count <= 18, fraction.allSatisfy(\.isASCII), fraction.allSatisfy(\.isNumber) else { return nil }
            var denominator: Int64 = 1
            for _ in 0..<fraction.count { denominator *= 10 }
            guard let numerator = Int64(fraction) else { return nil }
            let (scaled, overflowFraction) = numerator.multipliedReportingOverflow(by: scale)
            guard !overflowFraction, scaled % denominator == 0 else { return nil }
            (result, overflow) = result.addingReportingOverflow(scaled / denominator)
            guard !overflow else { return nil }
        }
        return result
    }
}

extension String {
    var trimmingSpaces: String {
        var text = Substring(self)
        while text.first == " " { text.removeFirst() }
        while text.last == " " { text.removeLast() }
        return String(text)
    }
}

/// "1500000000ns" → "1.5s", for messages: the largest unit that is whole or
/// has a short fraction.
func formatDuration(_ ns: Int64) -> String {
    let units: [(String, Int64)] = [("s", 1_000_000_000), ("ms", 1_000_000), ("us", 1_000)]
    for (suffix, scale) in units where ns >= scale {
        let whole = ns / scale, fraction = ns % scale
        if fraction == 0 { return "\(whole)\(suffix)" }
        let text = String(Double(ns) / Double(scale))
        if text.count <= 8 { return text + suffix }
    }
    return "\(ns)ns"
}

/// 2147483646 → "214748.3646", a price in the scenario's own notation.
func formatPrice(_ units: Int64) -> String {
    let fraction = String(units % 10_000)
    return "\(units / 10_000)." + String(repeating: "0", count: 4 - fraction.count) + fraction
}

/// 128000000 → "128Mbps", a bandwidth in the scenario's own notation (rounded up to a whole unit).
func formatBandwidth(_ bitsPerSecond: Double) -> String {
    for (suffix, scale) in [("Gbps", 1e9), ("Mbps", 1e6), ("kbps", 1e3)] where bitsPerSecond >= scale {
        return "\(Int64((bitsPerSecond / scale).rounded(.up)))\(suffix)"
    }
    return "\(Int64(bitsPerSecond.rounded(.up)))bps"
}

/// 1000000 → "1M", a rate in the scenario's own notation.
func formatRate(_ perSecond: Double) -> String {
    if perSecond >= 1e6, (perSecond / 1e6).rounded() == perSecond / 1e6 { return "\(Int64(perSecond / 1e6))M" }
    if perSecond >= 1e3, (perSecond / 1e3).rounded() == perSecond / 1e3 { return "\(Int64(perSecond / 1e3))k" }
    return perSecond.rounded() == perSecond ? String(Int64(perSecond)) : String(perSecond)
}
