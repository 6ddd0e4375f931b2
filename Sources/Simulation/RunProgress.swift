import SimKernel

/// Where a run stands, as its observer sees it every
/// `RunObservation.interval` events: the driver decides what to show.
/// Observing reads the run's state and changes nothing, so a run observed
/// and a run left alone deliver the same events.
public struct RunProgress: Sendable {
    public var simulatedNs: Nanoseconds
    public var eventsDelivered: UInt64
    /// Events scheduled and not yet delivered.
    public var pendingEvents: Int
    /// Messages waiting at (or in service by) each venue, in scenario order.
    public var venueQueueDepths: [Int]
}

/// How a driver watches and bounds a run.
public struct RunObservation {
    /// Events between two calls of `observe` by default: often enough for
    /// a terminal to refresh, seldom enough to cost nothing.
    public static let defaultInterval: UInt64 = 1 << 16

    /// Stop after about this many events (to the next multiple of
    /// `interval`); the result says the run was cut short. For tests and
    /// fuzzers that must bound every run.
    public var eventLimit: UInt64?
    /// Events between two observations, a power of two.
    public var interval: UInt64
    public var observe: ((RunProgress) -> Void)?

    public init(eventLimit: UInt64? = nil, interval: UInt64 = defaultInterval, observe: ((RunProgress) -> Void)? = nil) {
        precondition(interval > 0 && interval & (interval - 1) == 0, "the observation interval is a power of two")
        self.eventLimit = eventLimit
        self.interval = interval
        self.observe = observe
    }
}
