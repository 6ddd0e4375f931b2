/// Simulated time: integer nanoseconds since the start of a run.
///
/// Every scheduled time is an `Int64`; a distribution may sample a `Double`,
/// but it is rounded before it reaches the clock, so runs never depend on
/// floating-point accumulation in the scheduler.
public typealias Nanoseconds = Int64

public enum Duration {
    public static let nanosecond: Nanoseconds = 1
    public static let microsecond: Nanoseconds = 1_000
    public static let millisecond: Nanoseconds = 1_000_000
    public static let second: Nanoseconds = 1_000_000_000
}
