/// A venue's limit on how fast one session may send requests: `messages`
/// per `intervalNs`, with a burst of up to `messages` at once.
public struct MessageRateLimit: Hashable, Sendable {
    public var messages: Int
    public var intervalNs: Int64

    public init(messages: Int, intervalNs: Int64) {
        precondition(messages > 0 && intervalNs > 0, "a rate limit of \(messages) per \(intervalNs) ns")
        self.messages = messages
        self.intervalNs = intervalNs
    }

    /// The time one request uses up: the interval over the messages it
    /// allows, rounded down (so the limit errs towards letting through).
    /// At least a nanosecond: a limit of more than a request per
    /// nanosecond is stricter than written (scenarios refuse those).
    var emissionIntervalNs: Int64 { max(1, intervalNs / Int64(messages)) }
}

/// One session's state against its `MessageRateLimit`: the generic cell
/// rate algorithm (a token bucket kept as one time). Each admitted request
/// pushes `theoreticalArrivalNs` one emission interval on; a request that
/// finds it further ahead of now than the burst allows is refused and moves
/// nothing, so a client that keeps sending over the limit still gets its
/// allowance as time passes. Integer arithmetic on the driver's clock:
/// exact in virtual time, and the same code on the wall clock.
public struct SessionThrottle: Hashable, Sendable {
    public let limit: MessageRateLimit
    var theoreticalArrivalNs: Int64 = .min

    public init(limit: MessageRateLimit) { self.limit = limit }

    /// Whether a request arriving at `nowNs` is within the limit; if so, it
    /// is counted against it.
    public mutating func admit(nowNs: Int64) -> Bool {
        let emission = limit.emissionIntervalNs
        // A full burst is `messages` emissions ahead of now.
        let tolerance = emission &* Int64(limit.messages - 1)
        let arrival = max(theoreticalArrivalNs, nowNs)
        guard arrival - nowNs <= tolerance else { return false }
        theoreticalArrivalNs = arrival + emission
        return true
    }
}
