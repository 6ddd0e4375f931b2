import Exchange
import Measure

/// A captured ITCH feed that drives a served venue's books: the scenario's
/// `replay:` section in `exsim serve` (docs/live.md, "A captured market").
/// Each message applies when the server's clock reaches its planned time,
/// through the same `VenueGateway.replayCapturedFeed` that `exsim run`
/// drives in virtual time; the stack's orders trade against the captured
/// ones, and the venue's own feed publishes both.
public struct LiveFeedReplay: Sendable {
    /// The capture and its feed, for the report.
    public var source: String
    /// The messages, each at nanoseconds since the server started.
    public var messages: CapturedFeedMessages

    public init(source: String, messages: CapturedFeedMessages) {
        self.source = source
        self.messages = messages
    }
}

/// What a served venue's feed replay did: the counts `exsim run` reports
/// for a replay (docs/reports.md, `venues[].feedReplay`), how many of the
/// planned messages the venue reached before it closed, and how late the
/// wall clock applied them.
public struct LiveFeedReplayReport: Codable, Hashable, Sendable {
    /// The capture and its feed.
    public var source: String
    /// Messages the scenario planned (those within its duration).
    public var messagesPlanned: UInt64
    /// Messages applied before the venue closed; the rest were never reached.
    public var messages: UInt64
    public var ordersAdded: UInt64
    public var ordersReduced: UInt64
    public var ordersDeleted: UInt64
    public var ordersReplaced: UInt64
    /// Messages naming a captured order the stack had traded away.
    public var ordersGone: UInt64
    /// Messages naming an order the capture never added here.
    public var ordersUnknown: UInt64
    public var unknownStocks: UInt64
    public var refused: UInt64
    /// Executions of captured orders at the venue, and their shares.
    public var executions: UInt64
    public var executedQuantity: Int64
    public var otherMessages: UInt64
    public var malformed: UInt64
    /// Per message applied: the time it was applied minus the time it was
    /// planned for. The venue's event loop wakes for a message's time and
    /// applies everything due, so this is the loop's timer lateness plus
    /// the time other connections' work held the loop.
    public var lateness: LatencySummary?

    public init(source: String, messagesPlanned: UInt64, statistics: CapturedFeedReplay.Statistics, lateness: LatencySummary?) {
        self.source = source
        self.messagesPlanned = messagesPlanned
        messages = statistics.messages
        ordersAdded = statistics.ordersAdded
        ordersReduced = statistics.ordersReduced
        ordersDeleted = statistics.ordersDeleted
        ordersReplaced = statistics.ordersReplaced
        ordersGone = statistics.ordersGone
        ordersUnknown = statistics.ordersUnknown
        unknownStocks = statistics.unknownStocks
        refused = statistics.refused
        executions = statistics.executions
        executedQuantity = statistics.executedQuantity
        otherMessages = statistics.otherMessages
        malformed = statistics.malformed
        self.lateness = lateness
    }
}
