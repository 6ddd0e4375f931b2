#if canImport(Glibc)
import Glibc
#endif

/// Puts the calling thread under SCHED_FIFO at `priority` (1–99), so that
/// ordinary (CFS) processes cannot preempt the pacer's spin: on a busy
/// machine they otherwise do, for milliseconds at a time. The kernel still
/// leaves 5% of each second to other processes (sched_rt_runtime_us).
/// Needs root or CAP_SYS_NICE.
/// - Throws: the reason the kernel refused.
public func raiseToRealTimePriority(_ priority: Int32) throws(ReplaySendError) {
    precondition((1...99).contains(priority), "SCHED_FIFO priorities run from 1 to 99")
    var parameters = sched_param()
    parameters.sched_priority = priority
    guard sched_setscheduler(0, SCHED_FIFO, &parameters) == 0 else {
        throw ReplaySendError("cannot run at real-time priority \(priority) (SCHED_FIFO): \(String(cString: strerror(errno))); it needs root or CAP_SYS_NICE")
    }
}
