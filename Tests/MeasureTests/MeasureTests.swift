import Testing
@testable import Measure

@Suite struct LatencyRecorderTests {
    @Test func percentilesOfKnownData() {
        var recorder = LatencyRecorder(name: "test")
        for value in 1...10_000 { recorder.record(Int64(value)) }
        let summary = recorder.summary
        #expect(summary.count == 10_000)
        #expect(abs(summary.p50Ns - 5_000) <= 5)
        #expect(abs(summary.p99Ns - 9_900) <= 10)
        #expect(summary.minNs == 1)
        #expect(abs(summary.maxNs - 10_000) <= 10)
    }

    @Test func mergeAddsCounts() {
        var a = LatencyRecorder(name: "a")
        var b = LatencyRecorder(name: "b")
        a.record(100)
        b.record(1_000_000)
        a.merge(b)
        #expect(a.count == 2)
        #expect(a.summary.maxNs >= 999_000)
    }

    @Test func recordingWithACountEqualsRecordingThatManyTimes() {
        var counted = LatencyRecorder(name: "counted")
        var single = LatencyRecorder(name: "single")
        counted.record(1_500, count: 3)
        counted.record(40_000, count: 1)
        counted.record(7, count: 0)
        for value: Int64 in [1_500, 1_500, 1_500, 40_000] { single.record(value) }
        #expect(counted.count == 4)
        #expect(counted.summary.p50Ns == single.summary.p50Ns)
        #expect(counted.summary.maxNs == single.summary.maxNs)
        #expect(counted.summary.minNs == single.summary.minNs)
        counted.record(Int64(LatencyRecorder.highestTrackableNs) + 1, count: 2)
        #expect(counted.clampedCount == 2)
    }

    @Test func hugeValuesAreClampedAndCounted() {
        var recorder = LatencyRecorder(name: "clamp")
        recorder.record(Int64(LatencyRecorder.highestTrackableNs) * 2)
        #expect(recorder.clampedCount == 1)
        #expect(recorder.count == 1)
    }

    @Test func emptySummaryIsZero() {
        #expect(LatencyRecorder(name: "none").summary == LatencySummary(name: "none"))
    }
}

@Suite struct ThroughputCounterTests {
    @Test func countsPerSecondAndRate() {
        var counter = ThroughputCounter(name: "t")
        counter.record(atNs: 0)
        counter.record(atNs: 999_999_999)
        counter.record(atNs: 2_500_000_000, count: 3)
        #expect(counter.perSecond == [2, 0, 3])
        #expect(counter.total == 5)
        #expect(counter.rate(overNs: 2_500_000_000) == 2)
    }
}
