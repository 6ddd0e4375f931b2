import Foundation

/// "850 ns", "1.23 µs", "4.50 ms", "2.00 s".
public func formatNanoseconds<T: BinaryInteger>(_ value: T) -> String {
    formatNanoseconds(Double(value))
}

public func formatNanoseconds(_ value: Double) -> String {
    let magnitude = abs(value)
    if magnitude < 1_000 { return String(format: "%.0f ns", value) }
    if magnitude < 1_000_000 { return String(format: "%.2f µs", value / 1e3) }
    if magnitude < 1_000_000_000 { return String(format: "%.2f ms", value / 1e6) }
    return String(format: "%.2f s", value / 1e9)
}

/// "950/s", "12.5k/s", "1.00M/s".
public func formatRate(_ perSecond: Double) -> String {
    if perSecond >= 1e6 { return String(format: "%.2fM/s", perSecond / 1e6) }
    if perSecond >= 1e3 { return String(format: "%.1fk/s", perSecond / 1e3) }
    return String(format: "%.0f/s", perSecond)
}

/// "950 B", "12.5 KB", "1.23 MB", "4.56 GB" (powers of 1,000).
public func formatBytes<T: BinaryInteger>(_ count: T) -> String {
    let value = Double(count)
    if value < 1e3 { return String(format: "%.0f B", value) }
    if value < 1e6 { return String(format: "%.1f KB", value / 1e3) }
    if value < 1e9 { return String(format: "%.2f MB", value / 1e6) }
    return String(format: "%.2f GB", value / 1e9)
}

/// "0.151×", "12.3×", "1234×".
public func formatRatio(_ ratio: Double) -> String {
    if ratio >= 100 { return String(format: "%.0f×", ratio) }
    if ratio >= 10 { return String(format: "%.1f×", ratio) }
    return String(format: "%.3g×", ratio)
}

/// Parts per million as a percentage with the decimals it needs, at most
/// four: "99.9549%", "100%".
public func formatPartsPerMillion(_ partsPerMillion: Int64) -> String {
    var text = String(partsPerMillion / 10_000)
    let fraction = partsPerMillion % 10_000
    if fraction > 0 {
        var digits = String(fraction)
        digits = String(repeating: "0", count: 4 - digits.count) + digits
        while digits.hasSuffix("0") { digits.removeLast() }
        text += "." + digits
    }
    return text + "%"
}
