/// The calendar a venue's wire timestamps use. The simulator's clock starts
/// at 0; wire protocols need times of day (ITCH, OUCH: nanoseconds since
/// midnight) and dates (FIX SendingTime, pcap records), so every driver maps
/// its clock onto one trading day with these constants.
public enum TradingDay {
    /// 2026-01-05 00:00:00 UTC, a Monday: the date of every simulated session.
    public static let sessionDateEpochNs: Int64 = 1_767_571_200_000_000_000
    /// 09:30:00, the US equity market open, in nanoseconds since midnight: by
    /// default a simulated run starts here.
    public static let marketOpenNs: Int64 = 34_200 * 1_000_000_000
    public static let nanosecondsPerDay: Int64 = 86_400 * 1_000_000_000

    /// Nanoseconds since the UNIX epoch of a driver time.
    @inlinable
    public static func epochNs(_ nowNs: Int64, startOfDayOffsetNs: Int64 = marketOpenNs) -> Int64 {
        sessionDateEpochNs + startOfDayOffsetNs + nowNs
    }
}
