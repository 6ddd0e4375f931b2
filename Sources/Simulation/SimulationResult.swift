import Exchange
import Measure
import Network
import SimKernel

/// Counts of what happened in a run.
public struct SimulationCounts: Hashable, Sendable {
    public var ordersSent: UInt64 = 0
    public var cancelsSent: UInt64 = 0
    public var replacesSent: UInt64 = 0
    public var ordersAccepted: UInt64 = 0
    public var ordersRejected: UInt64 = 0
    /// Rejected cancels and replaces (typically: the order had already left the book).
    public var instructionsRejected: UInt64 = 0
    public var trades: UInt64 = 0
    public var executedQuantity: Int64 = 0
    /// Unsolicited cancels: IOC/market remainders, self-trade prevention, end of day.
    public var cancelled: UInt64 = 0
    public var bookChanges: UInt64 = 0
    public var phaseChanges: UInt64 = 0
    /// Cancels and replaces of orders the participant no longer knew as open,
    /// and instructions dropped while its session was not logged in.
    public var instructionsNotSent: UInt64 = 0

    public init() {}

    public var instructionsSent: UInt64 { ordersSent + cancelsSent + replacesSent }
}

/// What crossed the simulated network, counted in protocol messages and in
/// encoded bytes (the real wire sizes, framing included).
public struct WireStatistics: Hashable, Sendable {
    public var messagesToVenues: UInt64 = 0
    public var bytesToVenues: UInt64 = 0
    public var messagesFromVenues: UInt64 = 0
    public var bytesFromVenues: UInt64 = 0
    /// Market data: MoldUDP64 packets, the ITCH messages in them, and their bytes.
    public var feedPackets: UInt64 = 0
    public var feedMessages: UInt64 = 0
    public var feedBytes: UInt64 = 0

    public init() {}
}

/// What one venue did over the run.
public struct VenueStatistics: Hashable, Sendable {
    public var name: String
    public var instructionsServed: UInt64
    public var busyNs: Int64
    public var maxQueueDepth: Int
    /// Fraction of the run's elapsed simulated time the venue was serving.
    public var utilisation: Double
    /// With `digestsEngineEvents`: the digest of the venue's engine events and their count.
    public var engineEventDigest: String?
    public var engineEvents: UInt64?
    /// With a per-session `throttle`: the requests it refused; nil without one.
    public var requestsThrottled: UInt64? = nil
    /// What the captured feed replayed into the venue did; nil without one,
    /// or when none of its messages came within the run.
    public var feedReplay: CapturedFeedReplay.Statistics? = nil
}

/// The outcome of a simulated run: counts, latency distributions,
/// throughput, and the trace digest that identifies the run.
public struct SimulationResult: Sendable {
    public var config: SimulationConfig
    public var traceDigest: String
    public var eventsDelivered: UInt64
    /// Simulated time when the last event was delivered.
    public var endTimeNs: Nanoseconds
    public var counts: SimulationCounts
    public var wire: WireStatistics
    /// New order sent → its acknowledgement received.
    public var orderToAck: LatencyRecorder
    /// New order sent → each fill it received on arrival (aggressive fills).
    public var orderToFill: LatencyRecorder
    /// Cancel sent → its acknowledgement received.
    public var cancelToAck: LatencyRecorder
    /// Instructions served by venues, per simulated second.
    public var instructionsServed: ThroughputCounter
    public var tradesPerSecond: ThroughputCounter
    public var venues: [VenueStatistics]
    /// The run stopped at an event limit before the day ended.
    public var cutShort: Bool
    /// Messages still queued or in flight when the day ended without
    /// settling, after `SimulationLimits.longestDrainNs` (normally 0).
    public var unsettledAtClose: Int
    public var invariantsChecked: Bool
    public var invariantViolations: [String]
    /// Why writing the capture file failed, when it did (the run itself went on).
    public var captureError: String?
    /// Every modelled link (`SimulationConfig.venueLinks`); empty without.
    public var links: [LinkReport] = []
    /// TCP connections given up because every retransmission of a segment was lost.
    public var connectionsBroken = 0
    /// Participants' sessions that closed before the day ended (a protocol
    /// fault or a connection given up); 0 in a healthy run.
    public var sessionsClosedEarly = 0
    /// Logins again after a connection lost without a reset (TCP gave it
    /// up, or the session timed a silent venue out): each such participant
    /// connects again, over and over while its path is cut off.
    public var sessionsReconnected = 0
    /// The market-data subscriber of every venue with a modelled feed link.
    public var feeds: [FeedSubscriberReport] = []
    /// Every link that `SimulationConfig.linkFaults` hits, with its outages.
    public var linkOutages: [LinkOutageReport] = []
    /// Every shared link that `SimulationConfig.sharedLinkFaults` hits, with its outages.
    public var sharedLinkOutages: [SharedLinkOutageReport] = []
    /// Each venue whose order-entry links are faulted: when its order entry
    /// was cut off, over the primary alone and over the path with its backup.
    public var orderEntryPaths: [OrderEntryPathReport] = []
    /// Per venue, where a round trip's time goes, hop by hop.
    public var latencyAttribution: [VenueLatencyAttribution] = []
    /// Each gateway crash (`SimulationConfig.gatewayCrashes`), in order.
    public var gatewayCrashes: [GatewayCrashReport] = []
    /// Messages a venue's ports numbered for their clients that the clients
    /// never took in (SoupBinTCP sequenced data, FIX messages), over every session.
    public var numberedMessagesNotReceived: UInt64 = 0
    /// Requests clients sent again after a lost connection: OUCH ones at a
    /// login, not knowing whether the connection had delivered them
    /// (`OUCHClient.resendsUnanswered`); FIX ones at the venue's ResendRequest,
    /// or with PossResend=Y after a venue that lost its state reset the
    /// sequence numbers (`FIXClient.resendsUnanswered`).
    public var requestsResent: UInt64 = 0
    /// Each order-entry replay (`SimulationConfig.orderEntryReplays`), in order.
    public var orderEntryReplays: [OrderEntryReplayResult] = []
}

/// What one replay of captured order-entry sessions sent and was answered.
public struct OrderEntryReplayResult: Hashable, Sendable {
    public var venue: String
    public var source: String
    public var sessions: Int
    /// Captured requests planned within the run, over every session.
    public var requestsPlanned: Int
    public var counts: OrderEntryReplayCounts
}

/// What one gateway crash cost.
public struct GatewayCrashReport: Hashable, Sendable {
    public var venue: String
    public var atNs: Int64
    /// When the venue took connections again: the restart, or the standby's takeover.
    public var acceptsAgainAtNs: Int64
    public var byStandby: Bool
    /// The host died (`GatewayCrashConfig.silent`): no reset, sessions find out by their timeouts.
    public var silent = false
    /// The venue came back without its sessions' state: a restart without
    /// it (`GatewayCrashConfig.keepsSessionState`), and no standby first.
    public var sessionStateLost = false
    /// Sessions whose connection the crash reset, and of them those logged in again.
    public var sessionsReset = 0
    public var sessionsRecovered = 0
    /// Connection attempts the reset participants made, refused ones included.
    public var connectionAttempts = 0
    /// When the last of them logged in again.
    public var lastLoginNs: Int64? = nil

    /// From the crash until every session it reset was logged in again;
    /// nil while one was not.
    public var recoveryNs: Int64? {
        guard sessionsRecovered == sessionsReset else { return nil }
        return (lastLoginNs ?? atNs) - atNs
    }
}

/// Where the time of a venue's round trips went, hop by hop (docs/reports.md,
/// "Latency attribution"): sums over every write each way and every message
/// the venue served, so that each part's mean is its sum over its count.
public struct VenueLatencyAttribution: Hashable, Sendable {
    public var venue: String
    /// Participants' writes to the venue, each from its send until the
    /// venue's socket had all of it.
    public var toVenue: TransitTotals
    /// Messages the venue served; the time they waited in its queue before
    /// service began, and the service times.
    public var messagesServed: UInt64
    public var queueWaitNs: Int64
    public var serviceNs: Int64
    /// The venue's writes to participants.
    public var fromVenue: TransitTotals
    /// The shared link the venue goes via (`network.links`), and the part
    /// of each way's writes spent on it: those that crossed it (not the
    /// ones over the backup), and their queueing, serialization,
    /// propagation and jitter there. Retransmissions and the wait for
    /// order belong to the whole path, in `toVenue` and `fromVenue`.
    public var sharedLink: String? = nil
    public var toVenueShared = TransitTotals()
    public var fromVenueShared = TransitTotals()
}

/// What a venue's market-data subscriber received over its link, and what
/// MoldUDP64 re-requests recovered.
public struct FeedSubscriberReport: Hashable, Sendable {
    public var venue: String
    /// ITCH messages the venue published.
    public var messagesPublished: UInt64
    /// Messages the subscriber applied to its books, in sequence.
    public var messagesDelivered: UInt64
    /// Re-requests it sent for gaps.
    public var requestsSent: UInt64
    /// Copies it already had (duplicated packets, answers that crossed).
    public var duplicateMessages: UInt64
    /// Messages it gave up on after its re-requests went unanswered.
    public var messagesLost: UInt64
    /// Its books equal the venue's at the end of the run.
    public var booksMatchVenue: Bool
    /// With a B feed: how the subscriber arbitrated between the copies.
    public var arbitration: FeedArbitrationReport? = nil
}

/// A subscriber's A/B arbitration over a run.
public struct FeedArbitrationReport: Hashable, Sendable {
    /// How long a gap on one feed waited for the other before a re-request.
    public var windowNs: Int64
    /// Messages whose first copy came on the A feed (re-request answers included) or on the B feed.
    public var messagesFirstOnA: UInt64
    public var messagesFirstOnB: UInt64
    /// Gaps that closed while they waited for the other feed, with no re-request.
    public var gapsFilledWhileArbitrating: UInt64
}
