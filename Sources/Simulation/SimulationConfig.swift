// Scenario files and tests build a SimulationConfig from these modules' types.
@_exported import MatchingEngine
@_exported import Network
@_exported import OrderFlow
@_exported import SimKernel
import Exchange

/// Everything a simulated run needs, independent of the file format it came
/// from. `Scenario` builds one from YAML; tests build them directly.
public struct SimulationConfig: Hashable, Sendable {
    public var name: String
    public var seed: UInt64
    /// Simulated time during which flows generate orders.
    public var durationNs: Int64
    /// One-way latency between every participant and every venue whose
    /// links `venueLinks` does not describe.
    public var oneWayLatencyNs: Int64
    public var venues: [VenueConfig]
    public var flows: [FlowConfig]
    /// Scheduled phase changes (halts, closes), in any order.
    public var phaseEvents: [PhaseEventConfig]
    /// Modelled links of some venues (docs/network.md); empty, every message
    /// crosses the network after `oneWayLatencyNs` and nothing is lost.
    public var venueLinks: [VenueLinksConfig]
    /// Scheduled faults of modelled links, in file order (docs/network.md, "Faults").
    public var linkFaults: [LinkFaultConfig]

    public init(
        name: String, seed: UInt64, durationNs: Int64, oneWayLatencyNs: Int64,
        venues: [VenueConfig], flows: [FlowConfig], phaseEvents: [PhaseEventConfig] = [], venueLinks: [VenueLinksConfig] = [],
        linkFaults: [LinkFaultConfig] = []
    ) {
        self.name = name
        self.seed = seed
        self.durationNs = durationNs
        self.oneWayLatencyNs = oneWayLatencyNs
        self.venues = venues
        self.flows = flows
        self.phaseEvents = phaseEvents
        self.venueLinks = venueLinks
        self.linkFaults = linkFaults
    }

    /// Links that several venues' traffic crosses (docs/network.md,
    /// "Shared links"); a venue goes over one with `VenueLinksConfig.via`.
    public var sharedLinks: [SharedLinkConfig] = []
    /// Scheduled faults of shared links, in file order.
    public var sharedLinkFaults: [SharedLinkFaultConfig] = []
    /// Crashes of venues' order-entry gateways (docs/network.md, "Gateway crash").
    public var gatewayCrashes: [GatewayCrashConfig] = []
    /// Captured ITCH feeds whose orders rest at venues (docs/capture.md, "Replay into the simulator").
    public var feedReplays: [FeedReplayConfig] = []
    /// Captured order-entry sessions re-submitted to venues (docs/capture.md, "Captured order entry").
    public var orderEntryReplays: [OrderEntryReplayConfig] = []
}

/// A venue's order-entry gateway process crashes at `atNs`: every
/// connection to it is reset, what it had not yet served is lost, and it
/// accepts connections again `restartAfterNs` later (or the venue's
/// standby takes the sessions over sooner), with its sessions' state:
/// sequence numbers, the reports kept for each, the books.
///
/// `silent`: the gateway's host dies rather than its process, so no reset
/// reaches anyone; each participant finds out when its session times the
/// silence out, and only then connects again (docs/network.md, "Host crash").
///
/// `keepsSessionState` false: the gateway restarts without its sessions'
/// state (docs/network.md, "Restart without state"): sequence numbers and
/// stored messages are lost, the books and orders kept. A standby that
/// takes over before the restart still has the state.
public struct GatewayCrashConfig: Hashable, Sendable {
    public var atNs: Int64
    public var venue: String
    public var restartAfterNs: Int64
    public var silent: Bool
    public var keepsSessionState: Bool

    public init(atNs: Int64, venue: String, restartAfterNs: Int64, silent: Bool = false, keepsSessionState: Bool = true) {
        self.atNs = atNs
        self.venue = venue
        self.restartAfterNs = restartAfterNs
        self.silent = silent
        self.keepsSessionState = keepsSessionState
    }

    /// Whether the venue's standby, taking over `standbyTakeoverNs` after
    /// the crash (nil: none), is back before the restart: it then takes the
    /// sessions over with their state.
    func isTakenOverByStandby(standbyTakeoverNs: Int64?) -> Bool {
        standbyTakeoverNs.map { $0 < restartAfterNs } ?? false
    }

    /// Whether the sessions come back without their state: the restart
    /// loses it and no standby takes over first.
    func losesSessionState(standbyTakeoverNs: Int64?) -> Bool {
        !keepsSessionState && !isTakenOverByStandby(standbyTakeoverNs: standbyTakeoverNs)
    }
}

/// One simulated venue: its symbols, its service-time model and its rules.
public struct VenueConfig: Hashable, Sendable {
    public var name: String
    public var symbols: [SymbolConfig]
    public var serviceTime: ServiceTimeModel
    /// Self-trade prevention applied to every participant of this venue.
    public var selfTradePrevention: SelfTradePrevention
    /// The order-entry protocols the venue's ports accept.
    public var orderEntryProtocols: [OrderEntryProtocol]
    /// Per-account FIX session settings for `exsim serve` (the simulator's
    /// own participants keep their fixed settings).
    public var fixSessions: [FIXSessionSettings]
    /// With a standby gateway: how long after a crash of the primary the
    /// standby accepts the sessions; nil without one.
    public var standbyTakeoverNs: Int64? = nil
    /// How fast each order-entry session may send requests; the venue
    /// refuses what comes faster (docs/scenarios.md, `throttle`). nil: no limit.
    public var sessionMessageLimit: MessageRateLimit? = nil

    public init(
        name: String, symbols: [SymbolConfig], serviceTime: ServiceTimeModel, selfTradePrevention: SelfTradePrevention = .none,
        orderEntryProtocols: [OrderEntryProtocol] = OrderEntryProtocol.allCases, fixSessions: [FIXSessionSettings] = []
    ) {
        self.name = name
        self.symbols = symbols
        self.serviceTime = serviceTime
        self.selfTradePrevention = selfTradePrevention
        self.orderEntryProtocols = orderEntryProtocols
        self.fixSessions = fixSessions
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
