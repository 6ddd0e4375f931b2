import Exchange
import OrderFlow

/// Captured order-entry sessions re-submitted to a venue (a scenario's
/// `replay:` entry with `order_entry`, docs/capture.md "Captured order
/// entry"): each captured session becomes a simulated participant of its
/// own that logs in afresh, with its own sequence numbers, and sends the
/// captured requests at their planned times, tokens and ClOrdIDs as captured.
public struct OrderEntryReplayConfig: Hashable, Sendable {
    /// The venue the requests go to.
    public var venue: String
    /// Where the sessions came from, for reports: the capture.
    public var source: String
    public var sessions: [CapturedOrderEntrySession]

    public init(venue: String, source: String, sessions: [CapturedOrderEntrySession]) {
        self.venue = venue
        self.source = source
        self.sessions = sessions
    }
}

/// One captured client's requests, in order, each with the simulated time
/// it is sent at (never decreasing).
public struct CapturedOrderEntrySession: Hashable, Sendable {
    /// The captured connection, `client → server`.
    public var name: String
    /// The protocol the replaying participant speaks: the captured one.
    public var orderEntryProtocol: OrderEntryProtocol
    public private(set) var requests: [OrderEntryRequest] = []
    public private(set) var timesNs: [Int64] = []

    public init(name: String, orderEntryProtocol: OrderEntryProtocol) {
        self.name = name
        self.orderEntryProtocol = orderEntryProtocol
    }

    public var count: Int { requests.count }

    public mutating func append(_ request: OrderEntryRequest, atNs: Int64) {
        precondition(atNs >= (timesNs.last ?? 0), "captured requests are sent in time order")
        requests.append(request)
        timesNs.append(atNs)
    }
}
