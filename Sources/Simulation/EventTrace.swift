import Capture
import SimKernel

/// What the run loop does after handing an event to its tap.
enum EventTapVerdict {
    case proceed
    /// End the run here (the comparing run found the first difference).
    case stop
    /// Record one extra word in the trace before handling the event: a
    /// deliberate nondeterminism, so that tests can prove the comparison
    /// finds the first divergent event.
    case perturb

    static let perturbationWord: UInt64 = 0x7E57_0000_BAD0_0001
}

/// Sees every event a run delivers, after the kernel has absorbed it into
/// the trace digest.
protocol EventTap {
    /// False for the tap of a normal run, so that the specialised loop has
    /// no call and no branch for it.
    static var isActive: Bool { get }
    /// `index` counts delivered events from 1; `digestWord` is the trace
    /// digest's `stateWord` after this event.
    mutating func delivered(_ event: SimulationEvent, index: UInt64, timeNs: Nanoseconds, digestWord: UInt64) -> EventTapVerdict
}

/// The tap of a normal run.
struct UntappedEvents: EventTap {
    @inline(__always) static var isActive: Bool { false }
    @inline(__always)
    mutating func delivered(_ event: SimulationEvent, index: UInt64, timeNs: Nanoseconds, digestWord: UInt64) -> EventTapVerdict {
        .proceed
    }
}

/// Every event of one run as `exsim run --twice` keeps it: time, event and
/// the trace digest's word after it, in three flat arrays (28 bytes an
/// event; 4.4 million events, the quickstart, take about 120 MB).
public struct EventTrace: Sendable {
    /// Events kept at most (0.9 GB of events, up to twice that while the
    /// arrays grow); past it, runs are compared by their final digests only.
    public static let defaultEventLimit = 1 << 25

    var timesNs: [Nanoseconds] = []
    var events: [SimulationEvent] = []
    var digestWords: [UInt64] = []
    /// Events the run delivered, kept or not.
    public internal(set) var eventsDelivered: UInt64 = 0
    /// The run's final trace digest (hex) and state word.
    public internal(set) var finalDigest = ""
    var finalDigestWord: UInt64 = 0
    public let eventLimit: Int

    init(eventLimit: Int) {
        precondition(eventLimit > 0, "an event trace keeps at least one event")
        self.eventLimit = eventLimit
    }

    /// Events kept.
    public var count: Int { events.count }
    /// The run delivered more events than were kept.
    public var isTruncated: Bool { eventsDelivered > UInt64(events.count) }
}

/// The tap of the first run: keeps every event up to the limit.
struct RecordingTap: EventTap {
    var trace: EventTrace
    static var isActive: Bool { true }

    mutating func delivered(_ event: SimulationEvent, index: UInt64, timeNs: Nanoseconds, digestWord: UInt64) -> EventTapVerdict {
        trace.eventsDelivered = index
        if trace.events.count < trace.eventLimit {
            trace.timesNs.append(timeNs)
            trace.events.append(event)
            trace.digestWords.append(digestWord)
        }
        return .proceed
    }
}

/// The tap of the second run: compares each event with the first run's and
/// stops at the first that differs.
struct ComparingTap: EventTap {
    let reference: EventTrace
    /// Perturb the trace at this event (1-based), for tests.
    let perturbAt: UInt64?
    var divergence: (index: UInt64, timeNs: Nanoseconds, event: SimulationEvent, digestWord: UInt64)? = nil
    static var isActive: Bool { true }

    mutating func delivered(_ event: SimulationEvent, index: UInt64, timeNs: Nanoseconds, digestWord: UInt64) -> EventTapVerdict {
        let kept = Int(index) - 1
        if kept < reference.count {
            if reference.digestWords[kept] != digestWord || reference.timesNs[kept] != timeNs {
                divergence = (index, timeNs, event, digestWord)
                return .stop
            }
        } else if index > reference.eventsDelivered {
            // The first run had ended: this event is the difference.
            divergence = (index, timeNs, event, digestWord)
            return .stop
        }
        return index == perturbAt ? .perturb : .proceed
    }
}

/// One event of a run, as `exsim run --twice` prints it.
public struct TracedEvent: Hashable, Sendable {
    /// Counted from 1 in delivery order.
    public var index: UInt64
    public var timeNs: Nanoseconds
    /// The event's kind and key fields: "toVenue participant P7 (venue XSIM)".
    public var description: String
}

/// Where two runs of the same scenario and seed first differ.
public struct TraceDivergence: Hashable, Sendable {
    /// Why the runs differ at `index`.
    public enum Kind: Hashable, Sendable {
        /// The events differ: another time, kind or key field.
        case differentEvent
        /// The events are the same, but what the simulation recorded in the
        /// trace while handling the events before it (an instruction's
        /// fields, a message's bytes, a packet's fate) differs.
        case differentFactsBefore
        /// One run delivered this event and the other had ended.
        case oneRunEnded
        /// The kept events agree, but the final digests differ: the
        /// difference lies past the kept events, or after the last one.
        case beyondRecordedEvents
    }

    public var kind: Kind
    /// The first divergent event's index (1-based).
    public var index: UInt64
    /// The event of each run at `index`; nil where that run had ended or its
    /// event was not kept.
    public var first: TracedEvent?
    public var second: TracedEvent?
    /// The event both runs delivered just before, when they agree on it.
    public var previous: TracedEvent?
}

/// The outcome of `Simulation.runComparing`.
public struct TraceComparison: Sendable {
    public var result: SimulationResult
    /// Nil when the runs agree event for event.
    public var divergence: TraceDivergence?
}

extension Simulation {
    /// Runs and keeps every event (up to `eventLimit`), for a second run
    /// of the same configuration to compare with (`runComparing`).
    public mutating func runRecording(eventLimit: Int = EventTrace.defaultEventLimit,
                                      observation: RunObservation = RunObservation()) -> (SimulationResult, EventTrace) {
        var tap = RecordingTap(trace: EventTrace(eventLimit: eventLimit))
        let result = run(capture: nil, observation: observation, tap: &tap)
        tap.trace.eventsDelivered = kernel.deliveredCount
        tap.trace.finalDigest = kernel.digest.hex
        tap.trace.finalDigestWord = kernel.digest.stateWord
        return (result, tap.trace)
    }

    /// Runs, comparing each event with `reference` (a run of the same
    /// configuration), and stops at the first that differs.
    /// `perturbingEvent`: record one extra word in this run's trace at that
    /// event (1-based), a deliberate nondeterminism for tests.
    public mutating func runComparing(with reference: EventTrace, capture: CaptureWriter? = nil,
                                      observation: RunObservation = RunObservation(),
                                      perturbingEvent: UInt64? = nil) -> TraceComparison {
        var tap = ComparingTap(reference: reference, perturbAt: perturbingEvent)
        let result = run(capture: capture, observation: observation, tap: &tap)
        if let found = tap.divergence {
            let kept = Int(found.index) - 1
            let second = TracedEvent(index: found.index, timeNs: found.timeNs, description: describe(found.event))
            var first: TracedEvent? = nil
            var kind = TraceDivergence.Kind.oneRunEnded
            if kept < reference.count {
                first = TracedEvent(index: found.index, timeNs: reference.timesNs[kept], description: describe(reference.events[kept]))
                kind = reference.timesNs[kept] == found.timeNs && reference.events[kept].sameTraceFields(as: found.event)
                    ? .differentFactsBefore : .differentEvent
            }
            return TraceComparison(result: result, divergence: TraceDivergence(
                kind: kind, index: found.index, first: first, second: second, previous: previousEvent(before: kept, in: reference)))
        }
        let delivered = kernel.deliveredCount
        if delivered < reference.eventsDelivered {
            // This run ended first: the first run's next event is the difference.
            let kept = Int(delivered)
            let first = kept < reference.count
                ? TracedEvent(index: delivered + 1, timeNs: reference.timesNs[kept], description: describe(reference.events[kept]))
                : nil
            return TraceComparison(result: result, divergence: TraceDivergence(
                kind: .oneRunEnded, index: delivered + 1, first: first, second: nil, previous: previousEvent(before: kept, in: reference)))
        }
        if kernel.digest.stateWord != reference.finalDigestWord {
            let index = UInt64(reference.count) + 1
            return TraceComparison(result: result, divergence: TraceDivergence(
                kind: .beyondRecordedEvents, index: index, first: nil, second: nil,
                previous: previousEvent(before: reference.count, in: reference)))
        }
        return TraceComparison(result: result, divergence: nil)
    }

    func previousEvent(before kept: Int, in trace: EventTrace) -> TracedEvent? {
        guard kept > 0, kept - 1 < trace.count else { return nil }
        return TracedEvent(index: UInt64(kept), timeNs: trace.timesNs[kept - 1], description: describe(trace.events[kept - 1]))
    }

    /// An event in the scenario's names.
    func describe(_ event: SimulationEvent) -> String {
        func venueName(_ venue: Int32) -> String {
            Int(venue) < config.venues.count ? config.venues[Int(venue)].name : "#\(venue)"
        }
        func participantName(_ participant: Int32) -> String {
            "participant \(participant + 1)"
        }
        func participantVenue(_ participant: Int32) -> String {
            let p = Int(participant)
            return p >= 0 && p < participants.count ? venueName(participants[p].venue) : "?"
        }
        switch event {
        case .flowArrival(let flow):
            let name = Int(flow) < config.flows.count ? config.flows[Int(flow)].name : "#\(flow)"
            return "flowArrival: flow \(name) sends its next instruction"
        case .toVenue(let participant, _):
            return "toVenue: a message from \(participantName(participant)) reaches venue \(participantVenue(participant))"
        case .serviceComplete(let venue): return "serviceComplete: venue \(venueName(venue)) has served a message"
        case .toParticipant(let participant, _):
            return "toParticipant: a message from venue \(participantVenue(participant)) reaches \(participantName(participant))"
        case .clientTimer(let participant): return "clientTimer: \(participantName(participant))'s order-entry client"
        case .portTimer(let participant):
            return "portTimer: venue \(participantVenue(participant))'s port for \(participantName(participant))"
        case .feedTimer(let venue): return "feedTimer: venue \(venueName(venue))"
        case .phaseChange(let index): return "phaseChange: schedule entry \(index + 1)"
        case .closeCheck: return "closeCheck"
        case .feedToSubscriber(let venue, _): return "feedToSubscriber: venue \(venueName(venue))"
        case .feedBToSubscriber(let venue, _): return "feedBToSubscriber: venue \(venueName(venue)) (B feed)"
        case .gatewayCrash(let venue, _): return "gatewayCrash: venue \(venueName(venue))'s order-entry gateway crashes"
        case .connectionReset(let participant): return "connectionReset: \(participantName(participant)) sees its connection reset"
        case .reconnectAttempt(let participant): return "reconnectAttempt: \(participantName(participant)) connects again"
        case .connectAtVenue(let participant): return "connectAtVenue: \(participantName(participant))'s connection reaches venue \(participantVenue(participant))"
        case .feedRequestToVenue(let venue, _): return "feedRequestToVenue: venue \(venueName(venue))"
        case .subscriberTimer(let venue): return "subscriberTimer: venue \(venueName(venue))"
        case .linkFault(let link, let transition): return "linkFault: faulted link \(link + 1), change \(transition + 1)"
        case .feedReplay(let replay): return "feedReplay: captured feed \(replay + 1) applies its next messages"
        case .orderEntryReplay(let participant):
            return "orderEntryReplay: \(participantName(participant)) sends its next captured requests"
        }
    }
}

extension SimulationEvent {
    /// Equal in what the trace digest records of an event (message slots
    /// are storage, not behaviour, and are left out).
    func sameTraceFields(as other: SimulationEvent) -> Bool {
        var mine = TraceDigest()
        record(into: &mine)
        var theirs = TraceDigest()
        other.record(into: &theirs)
        return mine == theirs
    }
}
