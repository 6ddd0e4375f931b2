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
        // reply, and every replayed message or request planned for one
        // instant (a replay with `compress_gaps: 0ns` plans them all at
        // one), can share an instant, so a longer standstill is a finding.
        let participants = UInt64(config.flows.reduce(0) { $0 + $1.participants })
        let replayedAtOnce = config.feedReplays.reduce(0) { $0 + mostAtOneInstant($1.messages.timesNs) }
            + config.orderEntryReplays.reduce(0) { sum, replay in
                sum + replay.sessions.reduce(0) { $0 + 1 + mostAtOneInstant($1.timesNs) }
            }
        let longestStandstill = 4 * checkInterval + 16 * (participants + UInt64(replayedAtOnce))
        var stoodStill = StandstillWatch()
        let result = simulation.run(observation: RunObservation(eventLimit: eventLimit, interval: checkInterval) {
            stoodStill.observe($0)
        })
        guard stoodStill.longestEvents <= longestStandstill else {
            throw Finding(description: "simulated time stood still at \(stoodStill.timeNs) ns for \(stoodStill.longestEvents) events")
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

/// The most entries of a never-decreasing list of times that share one time.
func mostAtOneInstant(_ timesNs: [Int64]) -> Int {
    var most = 0
    var run = 0
    for index in timesNs.indices {
        run = index > 0 && timesNs[index] == timesNs[index - 1] ? run + 1 : 1
        most = max(most, run)
    }
    return most
}

/// The longest run of events delivered while the simulated clock stood still.
struct StandstillWatch {
    var timeNs: Int64 = -1
    var sinceEvents: UInt64 = 0
    var longestEvents: UInt64 = 0

    mutating func observe(_ progress: RunProgress) {
        if progress.simulatedNs != timeNs {
            timeNs = progress.simulatedNs
            sinceEvents = progress.eventsDelivered
        }
        longestEvents = max(longestEvents, progress.eventsDelivered - sinceEvents)
    }
}
