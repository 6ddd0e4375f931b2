import Foundation
import Testing
import Measure
@testable import Report

func sampleReport(throughput: Double = 1_000_000, p99: Int64 = 10_000, digest: String = String(repeating: "a", count: 32)) -> RunReport {
    RunReport(
        exsimVersion: "0.1.0", scenario: "sample", scenarioFile: "Scenarios/sample.yaml", seed: 42, traceDigest: digest,
        simulatedDurationNs: 1_000_000_000,
        counts: RunCounts(ordersSent: 10, cancelsSent: 2, replacesSent: 1, ordersAccepted: 9, ordersRejected: 1,
                          instructionsRejected: 0, trades: 4, cancelled: 1, eventsDelivered: 50),
        throughput: Throughput(ordersPerSecond: throughput, tradesPerSecond: 4, ordersPerSimulatedSecond: [13]),
        latencies: [LatencySummary(name: "order→ack", count: 10, minNs: 5_000, meanNs: 7_000, p50Ns: 6_500, p90Ns: 8_000,
                                   p99Ns: p99, p999Ns: p99 + 1_000, p9999Ns: p99 + 2_000, maxNs: p99 + 3_000)],
        venues: [VenueSummary(name: "XSIM", utilisation: 0.45, maxQueueDepth: 3, instructionsServed: 13)],
        invariants: InvariantResult(checked: true, violations: []),
        wallClock: WallClockSummary(elapsedSeconds: 0.5, eventsPerSecond: 100),
        machine: MachineInfo(cpuModel: "Test CPU", logicalCores: 2, memoryBytes: 1 << 30, os: "Linux"))
}

@Suite struct RunReportTests {
    @Test func jsonRoundTrips() throws {
        let report = sampleReport()
        let decoded = try RunReport.decode(from: try report.jsonData())
        #expect(decoded == report)
        #expect(try decoded.jsonData() == report.jsonData(), "sorted keys: equal reports are equal bytes")
    }

    @Test func newerSchemaIsRefused() throws {
        var object = try #require(try JSONSerialization.jsonObject(with: try sampleReport().jsonData()) as? [String: Any])
        object["schemaVersion"] = 99
        let data = try JSONSerialization.data(withJSONObject: object)
        #expect(throws: ReportError.unsupportedSchema(found: 99, supported: 1)) { try RunReport.decode(from: data) }
    }

    @Test func markdownCarriesTheKeyFigures() {
        let markdown = sampleReport().markdown()
        #expect(markdown.contains(String(repeating: "a", count: 32)))
        #expect(markdown.contains("| order→ack | 10 | 6.50 µs | 8.00 µs | 10.00 µs |"))
        #expect(markdown.contains("1.00M/s"))
        #expect(markdown.contains("invariants: all held"))
        #expect(markdown.contains("45.0 %"))
    }

    @Test func formatters() {
        #expect(formatNanoseconds(850) == "850 ns")
        #expect(formatNanoseconds(1_234) == "1.23 µs")
        #expect(formatNanoseconds(4_500_000) == "4.50 ms")
        #expect(formatNanoseconds(2_000_000_000) == "2.00 s")
        #expect(formatRate(1_000_000) == "1.00M/s")
        #expect(formatRate(12_500) == "12.5k/s")
    }
}

@Suite struct GateTests {
    @Test func identicalReportsPass() {
        let result = Gate.compare(baseline: sampleReport(), current: sampleReport(), tolerances: GateTolerances())
        #expect(result.passed)
        #expect(result.table().contains("PASS"))
    }

    @Test func throughputDropBeyondToleranceFails() {
        let result = Gate.compare(baseline: sampleReport(), current: sampleReport(throughput: 850_000), tolerances: GateTolerances())
        #expect(!result.passed)
        #expect(result.rows.first { $0.metric == "throughput" }?.verdict == .regressed)
        #expect(result.table().contains("FAIL"))
    }

    @Test func throughputDropWithinToleranceAndImprovementsPass() {
        #expect(Gate.compare(baseline: sampleReport(), current: sampleReport(throughput: 950_000), tolerances: GateTolerances()).passed)
        let better = Gate.compare(baseline: sampleReport(), current: sampleReport(throughput: 1_200_000, p99: 9_000), tolerances: GateTolerances())
        #expect(better.passed)
        #expect(better.rows.first { $0.metric == "order→ack p99" }?.verdict == .improved)
    }

    @Test func latencyRiseBeyondToleranceFails() {
        let result = Gate.compare(baseline: sampleReport(), current: sampleReport(p99: 13_000), tolerances: GateTolerances())
        #expect(!result.passed)
        #expect(result.rows.first { $0.metric == "order→ack p99" }?.verdict == .regressed)
    }

    @Test func latencyRiseUnderTheFloorPasses() {
        var tolerances = GateTolerances()
        tolerances.latencyFloorNs = 5_000
        #expect(Gate.compare(baseline: sampleReport(), current: sampleReport(p99: 13_000), tolerances: tolerances).passed)
    }

    @Test func missingPathFails() {
        var current = sampleReport()
        current.latencies = []
        let result = Gate.compare(baseline: sampleReport(), current: current, tolerances: GateTolerances())
        #expect(!result.passed)
        #expect(result.rows.contains { $0.verdict == .missing })
    }

    @Test func digestMismatchFailsOnlyWhenRequired() {
        let other = sampleReport(digest: String(repeating: "b", count: 32))
        #expect(Gate.compare(baseline: sampleReport(), current: other, tolerances: GateTolerances()).passed)
        var strict = GateTolerances()
        strict.requireDigestMatch = true
        #expect(!Gate.compare(baseline: sampleReport(), current: other, tolerances: strict).passed)
    }
}
