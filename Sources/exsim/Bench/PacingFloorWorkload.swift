import Replay

/// How punctually this machine lets a process keep a schedule: the floor
/// under `exsim replay` at 1×, measured with nothing sent, so that a
/// replay's send-time error can be told apart from the machine's.
struct PacingFloorWorkload {
    let ratePerSecond: Double
    let durationNs: Int64
    let spinThresholdNs: Int64

    /// The pacer alone: the wait `exsim replay` makes before each send
    /// (`RealTimePacer`), at each planned time of a constant rate.
    struct PacerFloor {
        var errors: SendErrorSummary
        var driftNs: Int64
        var plannedTimes: Int
    }

    func measurePacer() -> PacerFloor {
        let gapNs = 1e9 / ratePerSecond
        let count = max(1, Int(Double(durationNs) / gapNs))
        var pacer = RealTimePacer(spinThresholdNs: spinThresholdNs)
        pacer.start()
        for index in 0..<count {
            let plannedNs = Int64((Double(index) * gapNs).rounded())
            let now = pacer.wait(untilOffsetNs: plannedNs)
            pacer.recordSend(plannedOffsetNs: plannedNs, sentAtNs: now)
        }
        return PacerFloor(errors: pacer.errorSummary, driftNs: pacer.driftNs, plannedTimes: count)
    }

    /// Time taken away from a loop that does nothing but read the clock:
    /// every gap between two reads longer than `thresholdsNs[0]` was spent
    /// elsewhere (an interrupt, the hypervisor, another process).
    struct Hiccups {
        static let thresholdsNs: [Int64] = [2_000, 5_000, 10_000, 50_000]
        /// Gaps longer than each threshold, by threshold.
        var countsAbove: [Int] = Array(repeating: 0, count: thresholdsNs.count)
        var longestNs: Int64 = 0
        /// The sum of the gaps longer than the first threshold.
        var lostNs: Int64 = 0
        var elapsedNs: Int64 = 0

        func perSecond(_ count: Int) -> Double { elapsedNs > 0 ? Double(count) * 1e9 / Double(elapsedNs) : 0 }
        var lostFraction: Double { elapsedNs > 0 ? Double(lostNs) / Double(elapsedNs) : 0 }
    }

    func measureHiccups() -> Hiccups {
        var hiccups = Hiccups()
        let thresholds = Hiccups.thresholdsNs
        let start = RealTimePacer.monotonicNowNs()
        let end = start + durationNs
        var previous = start
        while previous < end {
            let now = RealTimePacer.monotonicNowNs()
            let gap = now - previous
            previous = now
            guard gap > thresholds[0] else { continue }
            hiccups.lostNs += gap
            hiccups.longestNs = max(hiccups.longestNs, gap)
            for (index, threshold) in thresholds.enumerated() where gap > threshold { hiccups.countsAbove[index] += 1 }
        }
        hiccups.elapsedNs = previous - start
        return hiccups
    }
}
