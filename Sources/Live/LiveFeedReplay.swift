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
/// for a replay, under the same keys (docs/reports.md, `venues[].feedReplay`),
/// how many of the planned messages the venue reached before it closed,
/// and how late the wall clock applied them.
public struct LiveFeedReplayReport: Codable, Hashable, Sendable {
    /// The capture and its feed.
    public var source: String
    /// Messages the scenario planned (those within its duration).
    public var messagesPlanned: UInt64
    /// What the replay did; its `messages` are those applied before the
    /// venue closed (the rest were never reached). Encoded beside the
    /// other keys, not under a key of its own, as `exsim run` writes them.
    public var statistics: CapturedFeedReplay.Statistics
    /// Per message applied: the time it was applied minus the time it was
    /// planned for. The venue's event loop wakes for a message's time and
    /// applies everything due, so this is the loop's timer lateness plus
    /// the time other connections' work held the loop.
    public var lateness: LatencySummary?

    public init(source: String, messagesPlanned: UInt64, statistics: CapturedFeedReplay.Statistics, lateness: LatencySummary?) {
        self.source = source
        self.messagesPlanned = messagesPlanned
        self.statistics = statistics
        self.lateness = lateness
    }

    enum CodingKeys: String, CodingKey {
        case source, messagesPlanned, lateness
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        source = try container.decode(String.self, forKey: .source)
        messagesPlanned = try container.decode(UInt64.self, forKey: .messagesPlanned)
        lateness = try container.decodeIfPresent(LatencySummary.self, forKey: .lateness)
        statistics = try CapturedFeedReplay.Statistics(from: decoder)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(source, forKey: .source)
        try container.encode(messagesPlanned, forKey: .messagesPlanned)
        try container.encodeIfPresent(lateness, forKey: .lateness)
        try statistics.encode(to: encoder)
    }
}
