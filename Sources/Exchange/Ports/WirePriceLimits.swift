import MatchingEngine

/// The largest limit prices the venue's wire formats can carry. Engine
/// prices have four implied decimals, as OUCH 4.2 and ITCH 5.0 prices do,
/// so a price unit is one wire unit.
public enum WirePriceLimits {
    /// ITCH 5.0 Price(4) is an unsigned 32-bit field: 429,496.7295.
    public static let itch = Price(Int64(UInt32.max))
    /// OUCH 4.2 Price is unsigned 32-bit too, but 0x7FFFFFFF (214,748.3647)
    /// marks a market order, so a limit stays below it: 214,748.3646.
    public static let ouch = Price(Int64(OUCHConvention.marketPrice) - 1)

    /// The largest limit price a venue can accept and publish: every venue
    /// publishes ITCH, and one that accepts OUCH is bound by OUCH too.
    public static func largestLimitPrice(acceptsOUCH: Bool) -> Price {
        acceptsOUCH ? ouch : itch
    }
}
