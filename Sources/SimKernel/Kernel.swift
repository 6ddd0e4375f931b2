/// A handle to a cancellable timer.
public struct TimerHandle: Hashable, Sendable {
    @usableFromInline let slot: Int32
    @usableFromInline let generation: UInt64
}

/// The discrete-event kernel: a virtual nanosecond clock and the queue of
/// events still to deliver. The driver pulls events one at a time with
/// `next(until:)` and handles them itself, so delivery costs no closure call
/// and no existential.
///
/// Every delivered event is absorbed into `digest` with its time; a run's
/// digest therefore identifies its whole event trace.
public struct Kernel<Event: TraceRecordable> {
    @usableFromInline var currentTime: Nanoseconds = 0
    @usableFromInline var traceDigest = TraceDigest()
    @usableFromInline var delivered: UInt64 = 0

    /// The virtual clock.
    @inlinable public var now: Nanoseconds { currentTime }
    /// Digest of every event delivered so far.
    public var digest: TraceDigest { traceDigest }
    /// Events delivered so far (cancelled timers excluded).
    public var deliveredCount: UInt64 { delivered }

    @usableFromInline var queue: EventQueue<Scheduled>
    /// Generation of the live timer in each slot; 0 when the slot is free or
    /// its timer was cancelled. A slot is freed only when its queue entry
    /// comes out, so a nonzero slot at delivery means the timer is live, and
    /// the generation tells a stale handle from the slot's current timer.
    @usableFromInline var timerSlots: ContiguousArray<UInt64> = []
    @usableFromInline var freeTimerSlots: ContiguousArray<Int32> = []
    @usableFromInline var timerGeneration: UInt64 = 0

    @usableFromInline
    struct Scheduled {
        @usableFromInline var event: Event
        /// -1 for events that cannot be cancelled.
        @usableFromInline var timerSlot: Int32

        @inlinable
        init(event: Event, timerSlot: Int32) {
            self.event = event
            self.timerSlot = timerSlot
        }
    }

    public init(reservingCapacity capacity: Int = 4096) {
        queue = EventQueue(reservingCapacity: capacity)
    }

    public var pendingCount: Int { queue.count }
    public var nextEventTime: Nanoseconds? { queue.peekTime }

    /// Schedules an event at an absolute time, never in the past.
    @inlinable
    public mutating func schedule(_ event: Event, at time: Nanoseconds) {
        precondition(time >= now, "event scheduled in the past: \(time) < now \(now)")
        queue.push(Scheduled(event: event, timerSlot: -1), at: time)
    }

    /// Schedules an event `delay` nanoseconds from now.
    @inlinable
    public mutating func schedule(_ event: Event, after delay: Nanoseconds) {
        precondition(delay >= 0, "negative delay \(delay)")
        if delay == inOrderDelay {
            queue.pushInOrder(Scheduled(event: event, timerSlot: -1), at: now &+ delay)
        } else {
            schedule(event, at: now &+ delay)
        }
    }

    /// Events scheduled `after` exactly this delay (a link's fixed latency,
    /// which most events of a run take) go through the queue's in-order
    /// lane: the clock never goes back, so they come due in the order they
    /// were scheduled, and a ring delivers them for far less than a heap.
    /// The order of delivery, and so the digest, is the same either way.
    @usableFromInline var inOrderDelay: Nanoseconds = -1

    /// Sends events scheduled after `delay` through the in-order lane; set it
    /// before scheduling any.
    public mutating func deliverInOrder(afterDelay delay: Nanoseconds) {
        precondition(delay >= 0, "negative delay \(delay)")
        precondition(queue.lane.count == 0, "the in-order delay changed with events in the lane")
        inOrderDelay = delay
    }

    /// Schedules an event that may be cancelled before it is delivered.
    public mutating func scheduleTimer(_ event: Event, at time: Nanoseconds) -> TimerHandle {
        precondition(time >= now, "timer set in the past: \(time) < now \(now)")
        let slot: Int32
        if let free = freeTimerSlots.popLast() {
            slot = free
        } else {
            slot = Int32(timerSlots.count)
            timerSlots.append(0)
        }
        timerGeneration &+= 1
        queue.push(Scheduled(event: event, timerSlot: slot), at: time)
        timerSlots[Int(slot)] = timerGeneration
        return TimerHandle(slot: slot, generation: timerGeneration)
    }

    /// Cancels a timer; returns false if it already fired or was cancelled.
    @discardableResult
    public mutating func cancel(_ timer: TimerHandle) -> Bool {
        guard timerSlots[Int(timer.slot)] == timer.generation else { return false }
        timerSlots[Int(timer.slot)] = 0
        // The slot is freed when its queue entry comes out, so it is never reused early.
        return true
    }

    /// Delivers the next event due at or before `limit`, advancing the clock to
    /// its time; nil when none is due (the clock then stays where it is).
    @inlinable
    public mutating func next(until limit: Nanoseconds = .max) -> Event? {
        while let entry = queue.popMin(notAfter: limit) {
            let slot = entry.payload.timerSlot
            if slot >= 0 {
                let live = timerSlots[Int(slot)] != 0
                releaseTimerSlot(slot)
                if !live { continue }
            }
            precondition(entry.time >= now, "time went backwards")
            currentTime = entry.time
            delivered &+= 1
            traceDigest.absorb(entry.time)
            entry.payload.event.record(into: &traceDigest)
            return entry.payload.event
        }
        return nil
    }

    /// Adds a driver-side fact (for instance the fields of an instruction a
    /// component just generated) to the trace digest.
    @inlinable
    public mutating func recordInTrace(_ word: UInt64) {
        traceDigest.absorb(word)
    }

    @usableFromInline
    mutating func releaseTimerSlot(_ slot: Int32) {
        timerSlots[Int(slot)] = 0
        freeTimerSlots.append(slot)
    }

    /// Moves the clock forward to `time` without delivering anything (used to
    /// end a run at its scheduled end when the queue drains early).
    public mutating func advance(to time: Nanoseconds) {
        precondition(time >= now, "clock cannot go back")
        precondition(queue.peekTime.map { $0 >= time } ?? true, "events pending before \(time)")
        currentTime = time
    }
}
