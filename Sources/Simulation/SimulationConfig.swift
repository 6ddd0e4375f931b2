import MatchingEngine
import SimKernel

/// Everything a simulated run needs, independent of the file format it came
/// from. `Scenario` builds one from YAML; tests build them directly.
public struct SimulationConfig: Hashable, Sendable {
    public var name: String
    public var seed: UInt64
    /// Simulated time during which flows generate orders.
    public var durationNs: Int64
    /// One-way latency between every participant and every venue.
    public var oneWayLatencyNs: Int64
    public var venues: [VenueConfig]
    public var flows: [FlowConfig]
    /// Scheduled phase changes (halts, closes), in any order.
    public var phaseEvents: [PhaseEventConfig]

    public init(
        name: String, seed: UInt64, durationNs: Int64, oneWayLatencyNs: Int64,
        venues: [VenueConfig], flows: [FlowConfig], phaseEvents: [PhaseEventConfig] = []
    ) {
        self.name = name
        self.seed = seed
        self.durationNs = durationNs
        self.oneWayLatencyNs = oneWayLatencyNs
        self.venues = venues
        self.flows = flows
        self.phaseEvents = phaseEvents
    }
}

/// One simulated venue: its symbols, its service-time model and its rules.
public struct VenueConfig: Hashable, Sendable {
    public var name: String
    public var symbols: [SymbolConfig]
    public var serviceTime: ServiceTimeModel
    /// Self-trade prevention applied to every participant of this venue.
    public var selfTradePrevention: SelfTradePrevention

    public init(name: String, symbols: [SymbolConfig], serviceTime: ServiceTimeModel, selfTradePrevention: SelfTradePrevention = .none) {
        self.name = name
        self.symbols = symbols
        self.serviceTime = serviceTime
        self.selfTradePrevention = selfTradePrevention
    }
}

/// How long a venue's matching thread spends on one instruction. The venue
/// serves instructions one at a time, so queueing appears near capacity.
public enum ServiceTimeModel: Hashable, Sendable {
    case constant(ns: Int64)
    /// Exponentially distributed with the given mean.
    case exponential(meanNs: Int64)
    /// Uniform on [minNs, maxNs].
    case uniform(minNs: Int64, maxNs: Int64)
    /// Log-normal with the given median and shape (sigma of the underlying normal).
    case logNormal(medianNs: Int64, sigma: Double)
}

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

    public init(
        name: String, venue: String, symbols: [String] = [], rateOrdersPerSecond: Double, participants: Int,
        mix: OrderMix, priceSpreadTicks: Int64 = 10, midWalkTicks: Double = 1, midStepIntervalNs: Int64 = 1_000_000,
        minQuantity: Int64 = 100, maxQuantity: Int64 = 1_000, lotSize: Int64 = 100
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
    }
}

/// A scheduled phase change of one symbol at one venue.
public struct PhaseEventConfig: Hashable, Sendable {
    public var atNs: Int64
    public var venue: String
    public var symbol: String
    public var phase: TradingPhase

    public init(atNs: Int64, venue: String, symbol: String, phase: TradingPhase) {
        self.atNs = atNs
        self.venue = venue
        self.symbol = symbol
        self.phase = phase
    }
}
