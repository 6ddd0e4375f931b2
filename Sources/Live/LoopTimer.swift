import NIOCore

/// A session timer on an event loop that moves far more often than it
/// fires: every message a session sends pushes its heartbeat later. Moving
/// it later only records the new time; the task already armed for the
/// earlier time finds, when it runs, that it is early and arms itself again
/// for the recorded time. Cancelling one task and scheduling another per
/// message cost a removal from and an insert into the loop's task heap each
/// time, at every message of a connection that is busy.
struct LoopTimer {
    /// When the session wants its timer to fire; nil when it is not set.
    private(set) var dueNs: Int64?
    /// The time the armed task runs at.
    private var armedNs: Int64 = .max
    private var task: Scheduled<Void>?

    /// Sets the timer for `atNs`. `schedule` arms a task for a time and is
    /// called only when no task runs at or before `atNs`.
    mutating func set(atNs: Int64, schedule: (Int64) -> Scheduled<Void>) {
        dueNs = atNs
        if task != nil, armedNs <= atNs { return }
        task?.cancel()
        armedNs = atNs
        task = schedule(atNs)
    }

    /// The armed task ran at `nowNs`. True when the timer is due, and then
    /// it is no longer set; false when the timer moved later (the task is
    /// armed again for the new time through `schedule`) or was cancelled.
    mutating func taskRan(nowNs: Int64, schedule: (Int64) -> Scheduled<Void>) -> Bool {
        task = nil
        armedNs = .max
        guard let dueNs else { return false }
        if nowNs >= dueNs {
            self.dueNs = nil
            return true
        }
        armedNs = dueNs
        task = schedule(dueNs)
        return false
    }

    mutating func cancel() {
        task?.cancel()
        task = nil
        armedNs = .max
        dueNs = nil
    }
}
