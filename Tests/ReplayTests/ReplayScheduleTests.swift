import Replay
import Testing

/// Plans in virtual time are exact: each mode's offsets, to the nanosecond.
@Suite struct ReplayScheduleTests {
    /// A realistic epoch timestamp (2026-01-05 09:30 UTC), so the arithmetic runs on large values.
    static let open: Int64 = 1_767_605_400_000_000_000

    static func at(_ offsetsNs: [Int64]) -> [Int64] { offsetsNs.map { open + $0 } }

    @Test func asRecordedKeepsEveryGapAndBurst() {
        let plan = ReplaySchedule.plan(Self.at([0, 0, 500, 3_000, 3_000, 3_001]), mode: .asRecorded)
        #expect(plan == [0, 0, 500, 3_000, 3_000, 3_001])
    }

    @Test func speedDividesGapsRoundingDownAndKeepsBursts() {
        let plan = ReplaySchedule.plan(Self.at([0, 100, 105, 105, 1_000, 1_009]), mode: .speed(ReplayRatio(10)))
        #expect(plan == [0, 10, 10, 10, 100, 100])
    }

    @Test func fractionalSpeedsAreExact() {
        // 2.5× is 5/2: 1,000 ns recorded → 400 ns; 0.5× doubles.
        let fast = ReplaySchedule.plan(Self.at([0, 1_000, 1_001, 3_000_000_000]), mode: .speed(ReplayRatio(parsing: "2.5")!))
        #expect(fast == [0, 400, 400, 1_200_000_000])
        let slow = ReplaySchedule.plan(Self.at([0, 1_000, 1_001]), mode: .speed(ReplayRatio(parsing: "0.5")!))
        #expect(slow == [0, 2_000, 2_002])
        // 3× of 1 s is 333,333,333 ns, not 333,333,333.33…
        let third = ReplaySchedule.plan(Self.at([0, 1_000_000_000, 2_000_000_000]), mode: .speed(ReplayRatio(3)))
        #expect(third == [0, 333_333_333, 666_666_666])
    }

    @Test func fixedRateIgnoresTimestampsAndSpacesEvenly() {
        let million = ReplaySchedule.plan(Self.at([0, 0, 0, 7_000_000_000, 7_000_000_001]),
                                          mode: .fixedRate(datagramsPerSecond: ReplayRatio(parsing: "1e6")!))
        #expect(million == [0, 1_000, 2_000, 3_000, 4_000])
        let three = ReplaySchedule.plan(Self.at([5, 6, 7, 8]), mode: .fixedRate(datagramsPerSecond: ReplayRatio(3)))
        #expect(three == [0, 333_333_333, 666_666_666, 1_000_000_000])
        let halfPerSecond = ReplaySchedule.plan(Self.at([0, 0, 0]), mode: .fixedRate(datagramsPerSecond: ReplayRatio(1, 2)))
        #expect(halfPerSecond == [0, 2_000_000_000, 4_000_000_000])
    }

    @Test func topSpeedPlansEverythingAtZero() {
        #expect(ReplaySchedule.plan(Self.at([0, 10, 1_000_000_000]), mode: .topSpeed) == [0, 0, 0])
    }

    @Test func gapsLongerThanTheLimitBecomeTheLimit() {
        let second: Int64 = 1_000_000_000
        let recorded = Self.at([0, second / 2, 10 * second + second / 2, 10 * second + 6 * second / 10, 100 * second])
        #expect(ReplaySchedule.plan(recorded, mode: .asRecorded, gapLimitNs: second)
                == [0, second / 2, 3 * second / 2, 16 * second / 10, 26 * second / 10])
        // A gap exactly at the limit is kept; the limit applies before the speed.
        #expect(ReplaySchedule.plan(Self.at([0, second, 5 * second]), mode: .speed(ReplayRatio(10)), gapLimitNs: second)
                == [0, second / 10, 2 * second / 10])
        // A limit of zero plays every datagram at once.
        #expect(ReplaySchedule.plan(Self.at([0, 7, 9]), mode: .asRecorded, gapLimitNs: 0) == [0, 0, 0])
    }

    @Test func aTimestampGoingBackwardsIsAGapOfZero() {
        #expect(ReplaySchedule.plan(Self.at([100, 50, 150, 150]), mode: .asRecorded) == [0, 0, 100, 100])
    }

    @Test func theScheduleCountsAndRemembersTheLastOffset() {
        var schedule = ReplaySchedule(mode: .speed(ReplayRatio(2)))
        #expect(schedule.count == 0)
        _ = schedule.plannedOffsetNs(captureTimestampNs: Self.open)
        _ = schedule.plannedOffsetNs(captureTimestampNs: Self.open + 3_000)
        #expect(schedule.count == 2)
        #expect(schedule.lastOffsetNs == 1_500)
    }

    @Test func ratiosParseExactlyFromDecimals() {
        #expect(ReplayRatio(parsing: "10") == ReplayRatio(10))
        #expect(ReplayRatio(parsing: "2.5") == ReplayRatio(5, 2))
        #expect(ReplayRatio(parsing: "1e6") == ReplayRatio(1_000_000))
        #expect(ReplayRatio(parsing: "2.5E-1") == ReplayRatio(1, 4))
        #expect(ReplayRatio(parsing: "0.001")?.denominator == 1_000)
        #expect(ReplayRatio(6, 4) == ReplayRatio(3, 2))
        for bad in ["", "0", "0.0", "-1", "abc", "1.2.3", "1e", "e5", ".", "1e99", "99999999999999999999"] {
            #expect(ReplayRatio(parsing: bad) == nil, "\(bad) is not a positive ratio")
        }
    }

    @Test func theRealTimePacerNeverSendsEarlyAndDriftIsTheLastError() {
        var pacer = RealTimePacer(spinThresholdNs: 50_000)
        pacer.start()
        var offsets: [Int64] = []
        for index in 0..<20 { offsets.append(Int64(index) * 20_000) }
        for offset in offsets {
            let now = pacer.wait(untilOffsetNs: offset)
            #expect(now - pacer.startNs >= offset, "wait returned before the planned time")
            pacer.recordSend(plannedOffsetNs: offset, sentAtNs: now)
        }
        let summary = pacer.errorSummary
        #expect(summary.count == 20)
        #expect(summary.p50Ns <= summary.p99Ns && summary.p99Ns <= summary.maxNs)
        // A send recorded 7 µs late becomes the drift.
        pacer.recordSend(plannedOffsetNs: 0, sentAtNs: pacer.startNs + 7_000)
        #expect(pacer.driftNs == 7_000)
        #expect(pacer.errorSummary.count == 21)
    }
}
