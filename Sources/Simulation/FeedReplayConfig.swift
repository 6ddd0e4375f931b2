import Exchange

/// A captured ITCH feed replayed into a venue's books (a scenario's
/// `replay:` section, docs/capture.md "Replay into the simulator"): its
/// orders rest at the venue and simulated participants trade against them.
public struct FeedReplayConfig: Hashable, Sendable {
    /// The venue whose books the feed drives.
    public var venue: String
    /// Where the messages came from, for reports: the capture and its feed.
    public var source: String
    public var messages: CapturedFeedMessages

    public init(venue: String, source: String, messages: CapturedFeedMessages) {
        self.venue = venue
        self.source = source
        self.messages = messages
    }
}
