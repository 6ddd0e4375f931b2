import Scenario
import Simulation

/// One scenario put through what a user would do with it: `exsim validate`,
/// then, if accepted, a bounded `exsim run --check`. It states what must
/// hold for every scenario text whatever its values; a trap anywhere in
/// the run is itself a finding, which the test runner or libFuzzer reports.
public enum ScenarioFuzzCase {
    /// Events a fuzzed run may deliver before it is cut short: enough to log
    /// in, trade and (for short durations) end the day.
    public static let eventLimit: UInt64 = 24_576
    /// How often the bounded run checks its limit.
    public static let checkInterval: UInt64 = 1 << 10

    public enum Outcome: Equatable, Sendable {
        /// `validate` refused it with this error.
        case rejected(String)
        /// It ran; whether it ended its day or stopped at the event limit.
        case ran(endedDay: Bool)
    }

    /// A property every scenario must keep, broken: the description says which.
    public struct Finding: Error, CustomStringConvertible, Sendable {
        public var description: String
    }

    public static func check(yaml: String) throws(Finding) -> Outcome {
        let lineCount = yaml.split(separator: "\n", omittingEmptySubsequences: false).count
        let config: SimulationConfig
        do {
            config = try ScenarioLoader.parse(yaml: yaml, file: "fuzz.yaml")
        } catch {
            // A mistake is named at a place in the file a person can find.
            guard error.line >= 1, error.line <= lineCount, error.column >= 1, !error.message.isEmpty else {
                throw Finding(description: "error outside the file: \(error)")
            }
            return .rejected(error.description)
        }
        // What the loader accepts, the simulation must accept too: its own
        // checks carry no file:line, so reaching one means the loader let a
        // mistake through.
        var simulation: Simulation
        do {
            simulation = try Simulation(config: config, checkInvariants: true)
        } catch {
            throw Finding(description: "the loader accepted a configuration the simulation refuses: \(error.description)")
        }
        // A run that delivers event after event without its clock moving
        // would never end: at most every participant's login, order and
        // reply can share an instant, and at an instant where replays plan
        // messages or requests (a replay with `compress_gaps: 0ns` plans
        // them all at one) each of those too, so a longer standstill is a
        // finding. The bound stays below the event limit, or a standstill
        // could never reach it.
        let participants = UInt64(config.flows.reduce(0) { $0 + $1.participants })
        var stoodStill = StandstillWatch(
            baseEvents: 4 * checkInterval + 16 * participants, mostEvents: eventLimit - 2 * checkInterval,
            plannedAt: plannedReplayItems(config))
        let result = simulation.run(observation: RunObservation(eventLimit: eventLimit, interval: checkInterval) {
            stoodStill.observe($0)
        })
        if let exceeded = stoodStill.exceeded {
            throw Finding(description: "simulated time stood still at \(exceeded.timeNs) ns for \(exceeded.events) events")
        }
        guard result.invariantViolations.isEmpty else {
            throw Finding(description: "invariants broken: \(result.invariantViolations.prefix(3).joined(separator: "; "))")
        }
        let counts = result.counts
        guard counts.ordersAccepted + counts.ordersRejected <= counts.ordersSent else {
            throw Finding(description: "more orders answered (\(counts.ordersAccepted) + \(counts.ordersRejected)) than sent (\(counts.ordersSent))")
        }
        guard result.orderToAck.count <= counts.ordersSent else {
            throw Finding(description: "more order acknowledgements timed than orders sent")
        }
        return .ran(endedDay: !result.cutShort)
    }
}

/// How many replayed messages and requests each instant has planned, each
/// replayed session's login counted at 0. Only looked up, never iterated.
func plannedReplayItems(_ config: SimulationConfig) -> [Int64: UInt64] {
    var planned: [Int64: UInt64] = [:]
    for replay in config.feedReplays {
        for timeNs in replay.messages.timesNs { planned[timeNs, default: 0] += 1 }
    }
    for replay in config.orderEntryReplays {
        for session in replay.sessions {
            planned[0, default: 0] += 1
            for timeNs in session.timesNs { planned[timeNs, default: 0] += 1 }
        }
    }
    return planned
}

/// Runs of events delivered while the simulated clock stood still, against
/// what each instant allows: `baseEvents`, plus 16 for each replayed item
/// planned there, at most `mostEvents`.
struct StandstillWatch {
    let baseEvents: UInt64
    let mostEvents: UInt64
    let plannedAt: [Int64: UInt64]
    var timeNs: Int64 = -1
    var sinceEvents: UInt64 = 0
    /// The first standstill longer than its instant allows.
    var exceeded: (timeNs: Int64, events: UInt64)? = nil

    func allowedEvents(at timeNs: Int64) -> UInt64 {
        min(baseEvents + 16 * (plannedAt[timeNs] ?? 0), mostEvents)
    }

    mutating func observe(_ progress: RunProgress) {
        if progress.simulatedNs != timeNs {
            timeNs = progress.simulatedNs
            sinceEvents = progress.eventsDelivered
        }
        let events = progress.eventsDelivered - sinceEvents
        if exceeded == nil, events > allowedEvents(at: timeNs) { exceeded = (timeNs, events) }
    }
}
