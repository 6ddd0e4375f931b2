/// What one replay onto a socket did.
public struct LiveReplayResult: Hashable, Sendable, Codable {
    public var datagrams = 0
    public var bytes = 0
    /// From the start of the replay to the return of the last send.
    public var elapsedNs: Int64 = 0
    /// The last datagram's planned offset.
    public var plannedSpanNs: Int64 = 0
    /// System calls made (each sends up to `UDPDatagramSender.batchLimit` datagrams).
    public var sendCalls = 0
    /// Sends refused because nobody listened at the destination (ICMP port unreachable), then retried.
    public var refusedSends = 0
    /// Send-time errors (actual − planned); nil at top speed, where nothing is planned.
    public var sendErrors: SendErrorSummary?
    /// The last datagram's error: what accumulated by the end. Nil at top speed.
    public var driftNs: Int64?

    public init() {}

    public var datagramsPerSecond: Double { elapsedNs > 0 ? Double(datagrams) * 1e9 / Double(elapsedNs) : 0 }
    public var bytesPerSecond: Double { elapsedNs > 0 ? Double(bytes) * 1e9 / Double(elapsedNs) : 0 }
}

/// Sends a capture's datagrams onto a UDP socket at their planned times.
public enum LiveReplay {
    /// Replays `datagrams` in order (see `run(chunks:…)`).
    public static func run(
        _ datagrams: ReplayDatagrams, schedule: ReplaySchedule, sender: UDPDatagramSender, spinThresholdNs: Int64 = 200_000
    ) throws(ReplaySendError) -> LiveReplayResult {
        var pending: ReplayDatagrams? = datagrams
        return try run(chunks: {
            defer { pending = nil }
            return pending
        }, schedule: schedule, sender: sender, spinThresholdNs: spinThresholdNs)
    }

    /// Replays the datagrams of every chunk `chunks` returns until it
    /// returns nil, in order: each waits for its planned offset from
    /// `schedule`, then goes out with every later datagram of its chunk
    /// already due (up to a batch of `UDPDatagramSender.batchLimit`) in one
    /// system call, so a burst recorded together leaves together and top
    /// speed pays one call per batch. The send-time error of each datagram
    /// is the monotonic time just before its batch's call minus its planned
    /// time. The clock starts when the first chunk is in hand.
    public static func run(
        chunks: () -> ReplayDatagrams?, schedule: ReplaySchedule, sender: UDPDatagramSender, spinThresholdNs: Int64 = 200_000
    ) throws(ReplaySendError) -> LiveReplayResult {
        var schedule = schedule
        var pacer = RealTimePacer(spinThresholdNs: spinThresholdNs)
        let isPaced = schedule.mode != .topSpeed
        var result = LiveReplayResult()
        guard var chunk = chunks(), chunk.count > 0 else { return result }
        let limit = UDPDatagramSender.batchLimit
        let payloads = UnsafeMutablePointer<UnsafeRawPointer?>.allocate(capacity: limit)
        let lengths = UnsafeMutablePointer<Int>.allocate(capacity: limit)
        let planned = UnsafeMutablePointer<Int64>.allocate(capacity: limit)
        defer {
            payloads.deallocate()
            lengths.deallocate()
            planned.deallocate()
        }
        var failure: ReplaySendError?
        var nextOffsetNs = schedule.plannedOffsetNs(captureTimestampNs: chunk.timestampsNs[0])
        pacer.start()
        while failure == nil {
            let timestamps = chunk.timestampsNs
            let ends = chunk.ends
            chunk.bytes.withUnsafeBytes { base in
                var index = 0
                while index < ends.count {
                    let now = isPaced ? pacer.wait(untilOffsetNs: nextOffsetNs) : RealTimePacer.monotonicNowNs()
                    let dueNs = now &- pacer.startNs
                    var batch = 0
                    repeat {
                        let start = index == 0 ? 0 : ends[index - 1]
                        payloads[batch] = UnsafeRawPointer(base.baseAddress! + start)
                        lengths[batch] = ends[index] - start
                        planned[batch] = nextOffsetNs
                        result.bytes += ends[index] - start
                        batch += 1
                        index += 1
                        if index < ends.count { nextOffsetNs = schedule.plannedOffsetNs(captureTimestampNs: timestamps[index]) }
                    } while index < ends.count && batch < limit && nextOffsetNs <= dueNs
                    let sentAtNs = isPaced ? RealTimePacer.monotonicNowNs() : now
                    do throws(ReplaySendError) {
                        try sender.send(payloads: payloads, lengths: lengths, count: batch)
                    } catch {
                        failure = error
                        return
                    }
                    result.sendCalls += 1
                    result.datagrams += batch
                    result.elapsedNs = RealTimePacer.monotonicNowNs() &- pacer.startNs
                    if isPaced {
                        for entry in 0..<batch { pacer.recordSend(plannedOffsetNs: planned[entry], sentAtNs: sentAtNs) }
                    }
                }
            }
            guard failure == nil, let following = chunks(), following.count > 0 else { break }
            chunk = following
            nextOffsetNs = schedule.plannedOffsetNs(captureTimestampNs: chunk.timestampsNs[0])
        }
        if let failure { throw failure }
        result.refusedSends = sender.refusedCount
        result.plannedSpanNs = schedule.lastOffsetNs
        if isPaced {
            result.sendErrors = pacer.errorSummary
            result.driftNs = pacer.driftNs
        }
        return result
    }
}
