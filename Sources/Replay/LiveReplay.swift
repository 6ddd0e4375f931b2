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
    /// Replays `datagrams` in order: each waits for its planned offset from
    /// `schedule`, then goes out with every later datagram already due (up
    /// to a batch of `UDPDatagramSender.batchLimit`) in one system call, so
    /// a burst recorded together leaves together and top speed pays one
    /// call per batch. The send-time error of each datagram is the
    /// monotonic time just before its batch's call minus its planned time.
    public static func run(
        _ datagrams: ReplayDatagrams, schedule: ReplaySchedule, sender: UDPDatagramSender, spinThresholdNs: Int64 = 200_000
    ) throws(ReplaySendError) -> LiveReplayResult {
        var schedule = schedule
        var pacer = RealTimePacer(spinThresholdNs: spinThresholdNs)
        let isPaced = schedule.mode != .topSpeed
        var result = LiveReplayResult()
        guard datagrams.count > 0 else { return result }
        let limit = UDPDatagramSender.batchLimit
        let payloads = UnsafeMutablePointer<UnsafeRawPointer?>.allocate(capacity: limit)
        let lengths = UnsafeMutablePointer<Int>.allocate(capacity: limit)
        let planned = UnsafeMutablePointer<Int64>.allocate(capacity: limit)
        defer {
            payloads.deallocate()
            lengths.deallocate()
            planned.deallocate()
        }
        let timestamps = datagrams.timestampsNs
        let ends = datagrams.ends
        var failure: ReplaySendError?
        datagrams.bytes.withUnsafeBytes { base in
            var index = 0
            var nextOffsetNs = schedule.plannedOffsetNs(captureTimestampNs: timestamps[0])
            pacer.start()
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
                if isPaced {
                    for entry in 0..<batch { pacer.recordSend(plannedOffsetNs: planned[entry], sentAtNs: sentAtNs) }
                }
            }
            result.elapsedNs = RealTimePacer.monotonicNowNs() &- pacer.startNs
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
