import SimKernel

/// One state machine's timer, as the kernel keeps it. Sessions re-arm their
/// timer on nearly every message (a heartbeat is due one interval after the
/// last send), so cancelling and rescheduling a kernel event each time would
/// fill the event queue with dead timers. Instead a later deadline only moves
/// the wanted time; the kernel event already scheduled fires early, sees the
/// deadline has moved, and schedules itself again. At most one kernel event
/// per timer is pending, and the state machine is woken exactly at its deadline.
struct SessionTimer {
    /// When the state machine wants to be woken.
    private(set) var deadlineNs: Nanoseconds? = nil
    private var scheduledAtNs: Nanoseconds? = nil
    private var handle: TimerHandle? = nil

    mutating func arm<Event>(atNs deadline: Nanoseconds, event: Event, kernel: inout Kernel<Event>) {
        let deadline = max(deadline, kernel.now)
        deadlineNs = deadline
        if let scheduled = scheduledAtNs, scheduled <= deadline { return }
        if let handle { kernel.cancel(handle) }
        handle = kernel.scheduleTimer(event, at: deadline)
        scheduledAtNs = deadline
    }

    /// The kernel delivered this timer's event. Returns true when the state
    /// machine is due; false when the deadline moved later (the event is then
    /// scheduled again) or the timer was disarmed.
    mutating func fired<Event>(event: Event, kernel: inout Kernel<Event>) -> Bool {
        handle = nil
        scheduledAtNs = nil
        guard let deadline = deadlineNs else { return false }
        if deadline > kernel.now {
            handle = kernel.scheduleTimer(event, at: deadline)
            scheduledAtNs = deadline
            return false
        }
        deadlineNs = nil
        return true
    }

    mutating func disarm<Event>(kernel: inout Kernel<Event>) {
        if let handle { kernel.cancel(handle) }
        handle = nil
        scheduledAtNs = nil
        deadlineNs = nil
    }
}
