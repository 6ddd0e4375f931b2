import Replay
import Scenario

/// `--spin` and `--realtime-priority`, as `exsim replay` and `exsim bench
/// pacing` take them: the pacing bench measures the replay's own wait, so
/// the two read and apply these the same way, and a mistake is bad input.
enum PacerSettings {
    /// The spin before each planned time, in nanoseconds.
    static func spinNs(_ text: String) throws -> Int64 {
        guard let spinNs = ScenarioValues.duration(text), spinNs >= 0 else {
            printError("--spin \(text): expected a duration like 200us or 20us")
            throw ExsimExit.badInput
        }
        return spinNs
    }

    /// A SCHED_FIFO priority from 1 to 99, when one is asked for.
    static func check(realtimePriority: Int32?) throws {
        if let realtimePriority, !(1...99).contains(realtimePriority) {
            printError("--realtime-priority \(realtimePriority): expected a SCHED_FIFO priority from 1 to 99")
            throw ExsimExit.badInput
        }
    }

    /// Puts the calling thread under SCHED_FIFO at `priority`, or ends the
    /// command with the kernel's reason.
    static func raise(to priority: Int32) throws {
        do {
            try raiseToRealTimePriority(priority)
        } catch {
            printError("--realtime-priority: \(error.description)")
            throw ExsimExit.badInput
        }
    }
}
