import Measure

/// A venue's counters at one moment, copied off its event loop for
/// monitoring (`/metrics`, serve's progress line). Taking one costs the
/// venue a few loads and a reference to each latency histogram; the
/// percentiles are computed by whoever asked, off the venue's loop. The
/// histograms are copy-on-write: the venue's next recording after a
/// snapshot copies each one's counts once (about 270 KB).
public struct LiveVenueSnapshot: Sendable {
    public var name: String
    public var connectionsAccepted: UInt64
    public var connectionsRefused: UInt64
    public var slowConsumersClosed: UInt64
    /// Order-entry sessions whose first message named an account and that are still open.
    public var sessionsConnected: Int
    public var bytesIn: UInt64
    public var bytesOut: UInt64
    /// Whole order-entry messages received (SoupBinTCP packets, FIX messages).
    public var messagesIn: UInt64
    /// Whole order-entry messages written.
    public var messagesOut: UInt64
    /// New orders, cancels and replaces the gateway carried out.
    public var requests: UInt64
    public var trades: UInt64
    public var answers: OrderEntryTally
    /// Captured ITCH messages the venue's feed replay has applied (`LiveVenueConfiguration.feedReplay`).
    public var feedReplayMessages: UInt64
    /// Gateway time per acknowledged order (`LiveVenueReport.gatewayOrderAck`).
    public var orderAck: LatencyRecorder
    /// The same to the flush's return (`LiveVenueReport.gatewayOrderAckFlushed`).
    public var orderAckFlushed: LatencyRecorder
}
