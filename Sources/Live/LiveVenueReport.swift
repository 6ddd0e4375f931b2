import Exchange
import Measure

/// What one live venue did between start and shutdown: the `exsim serve`
/// report's entry for it.
public struct LiveVenueReport: Codable, Hashable, Sendable {
    public var name: String
    /// TCP connections accepted on the venue's order-entry sockets.
    public var connectionsAccepted: UInt64 = 0
    /// Connections whose first message named one of the venue's accounts.
    public var loginsRouted: UInt64 = 0
    /// Logins refused because their account's session was still connected
    /// on another connection (docs/live.md, "One connection per session").
    public var duplicateLoginsRefused: UInt64 = 0
    /// Connections that ended, by either side.
    public var connectionsClosed: UInt64 = 0
    /// Connections closed on arrival because the venue held `maximumConnections` already.
    public var connectionsRefused: UInt64 = 0
    /// Sessions ended because their output queued past `maximumQueuedOutputBytes` (a client that stopped reading).
    public var slowConsumersClosed: UInt64 = 0
    public var bytesIn: UInt64 = 0
    public var bytesOut: UInt64 = 0
    /// Whole protocol messages the venue received (SoupBinTCP packets, FIX messages).
    public var messagesIn: UInt64 = 0
    /// Whole protocol messages the venue wrote (SoupBinTCP packets, FIX messages).
    public var messagesOut: UInt64 = 0
    /// Requests the gateway carried out (new orders, cancels, replaces).
    public var requests: UInt64 = 0
    /// Requests refused for coming faster than the venue's per-session
    /// `throttle`; absent from reports of venues without one.
    public var requestsThrottled: UInt64? = nil
    public var trades: UInt64 = 0
    public var executedQuantity: Int64 = 0
    public var answers = OrderEntryTally()
    public var feedPackets: UInt64 = 0
    public var feedBytes: UInt64 = 0
    /// MoldUDP64 re-request datagrams received, and the packets sent back.
    public var feedRequests: UInt64 = 0
    public var feedRetransmittedPackets: UInt64 = 0
    public var feedMessages: UInt64 = 0
    /// Time inside the gateway per read: bytes received → replies ready to
    /// write, the modelled service time included when it is applied.
    public var gatewayTime: LatencySummary?
    /// The modelled service time the venue spent busy, over every request
    /// (`exsim serve --service-time modelled`); absent without it.
    public var serviceTimeNs: Int64?
    /// The digest of every engine event (`exsim serve --engine-digest`),
    /// comparable with `exsim run --engine-digest`'s for the same requests.
    public var engineEventDigest: String?
    public var engineEvents: UInt64?
    /// Time inside exsim per acknowledged order: from the read of the
    /// order's bytes off the socket to its acknowledgement (OUCH Accepted /
    /// Rejected / Replaced, FIX ExecutionReport New / Rejected / Replaced)
    /// written to the channel and handed to its flush, the write system
    /// call not included. Set it beside `exsim load`'s order→ack round
    /// trip to see how much of it is exsim's.
    public var gatewayOrderAck: LatencySummary?
    /// The same, to the return of the flush: the kernel's send of the
    /// acknowledgement (on loopback, its delivery to the client's socket) included.
    public var gatewayOrderAckFlushed: LatencySummary?
    /// With a captured feed replayed into the venue (the scenario's
    /// `replay:`): what it did, and how late its messages applied.
    public var feedReplay: LiveFeedReplayReport?

    public init(name: String) { self.name = name }
}

/// The report `exsim serve` writes at shutdown.
public struct LiveServeReport: Codable, Hashable, Sendable {
    /// Bumped when a field changes meaning or goes away.
    public static let currentSchemaVersion = 1
    public var schemaVersion = LiveServeReport.currentSchemaVersion
    public var scenario: String?
    public var elapsedSeconds: Double
    public var venues: [LiveVenueReport]

    public init(scenario: String?, elapsedSeconds: Double, venues: [LiveVenueReport]) {
        self.scenario = scenario
        self.elapsedSeconds = elapsedSeconds
        self.venues = venues
    }
}
