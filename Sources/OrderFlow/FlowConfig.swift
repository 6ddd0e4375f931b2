/// Relative weights of the instructions a flow sends. Weights need not sum to 100.
public struct OrderMix: Hashable, Sendable {
    public var limit: Double
    public var market: Double
    public var immediateOrCancel: Double
    public var cancel: Double
    public var replace: Double

    public init(limit: Double, market: Double, immediateOrCancel: Double, cancel: Double, replace: Double) {
        self.limit = limit
        self.market = market
        self.immediateOrCancel = immediateOrCancel
        self.cancel = cancel
        self.replace = replace
    }

    public var total: Double { limit + market + immediateOrCancel + cancel + replace }
}

/// A population of seeded participants sending orders to one venue as a
/// Poisson process.
public struct FlowConfig: Hashable, Sendable {
    public var name: String
    /// Name of the venue the flow trades at.
    public var venue: String
    /// Symbols (by name) the flow trades; empty means all of the venue's.
    public var symbols: [String]
    public var rateOrdersPerSecond: Double
    public var participants: Int
    public var mix: OrderMix
    /// Limit prices are placed within this many ticks of the mid, either side.
    public var priceSpreadTicks: Int64
    /// Standard deviation, in ticks, of the mid's random walk per step.
    public var midWalkTicks: Double
    /// The mid takes one random-walk step every this many nanoseconds.
    public var midStepIntervalNs: Int64
    public var minQuantity: Int64
    public var maxQuantity: Int64
    /// Quantities are multiples of this lot.
    public var lotSize: Int64
    /// A participant at this many open orders cancels one instead of adding another.
    public var maxOpenOrdersPerParticipant: Int
    /// The wire protocol the flow's participants speak to their venue.
    public var orderEntryProtocol: OrderEntryProtocol
    /// How the flow's participants space their attempts to connect again
    /// while their venue will not take them.
    public var reconnect = ReconnectBackoff.everyMillisecond

    public init(
        name: String, venue: String, symbols: [String] = [], rateOrdersPerSecond: Double, participants: Int,
        mix: OrderMix, priceSpreadTicks: Int64 = 10, midWalkTicks: Double = 1, midStepIntervalNs: Int64 = 1_000_000,
        minQuantity: Int64 = 100, maxQuantity: Int64 = 1_000, lotSize: Int64 = 100,
        maxOpenOrdersPerParticipant: Int = 256, orderEntryProtocol: OrderEntryProtocol = .ouch42
    ) {
        self.name = name
        self.venue = venue
        self.symbols = symbols
        self.rateOrdersPerSecond = rateOrdersPerSecond
        self.participants = participants
        self.mix = mix
        self.priceSpreadTicks = priceSpreadTicks
        self.midWalkTicks = midWalkTicks
        self.midStepIntervalNs = midStepIntervalNs
        self.minQuantity = minQuantity
        self.maxQuantity = maxQuantity
        self.lotSize = lotSize
        self.maxOpenOrdersPerParticipant = maxOpenOrdersPerParticipant
        self.orderEntryProtocol = orderEntryProtocol
    }
}


/// An order-entry protocol a participant can speak and a venue can accept.
public enum OrderEntryProtocol: String, CaseIterable, Hashable, Sendable {
    /// FIX 4.2 tag=value over TCP.
    case fix42
    /// FIX 4.4 tag=value over TCP.
    case fix44
    /// OUCH 4.2 over SoupBinTCP 3.0.
    case ouch42
}
