/// How fast a replay sends: the recorded gaps kept, scaled, replaced by a
/// fixed rate, or dropped.
public enum PacingMode: Hashable, Sendable, CustomStringConvertible {
    /// Each datagram at its recorded offset from the first.
    case asRecorded
    /// The recorded offsets divided by the factor: `speed(ReplayRatio(10))`
    /// plays ten times faster, `speed(ReplayRatio(1, 2))` at half speed.
    /// Bursts keep their shape: datagrams recorded together leave together.
    case speed(ReplayRatio)
    /// Evenly spaced at this many datagrams per second, whatever was recorded:
    /// datagram i at ⌊i × 10⁹ / rate⌋ ns.
    case fixedRate(datagramsPerSecond: ReplayRatio)
    /// As fast as the sender goes: every planned offset is 0.
    case topSpeed

    public var description: String {
        switch self {
        case .asRecorded: "as recorded (1×)"
        case .speed(let factor): "\(Self.decimal(factor.doubleValue))× the recorded speed"
        case .fixedRate(let rate): "fixed rate \(Self.decimal(rate.doubleValue)) datagrams/s"
        case .topSpeed: "top speed"
        }
    }

    static func decimal(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : String(value)
    }
}
