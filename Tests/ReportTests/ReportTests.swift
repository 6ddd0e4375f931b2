import Foundation
import Testing
import Measure
@testable import Report

func sampleReport(throughput: Double = 1_000_000, p99: Int64 = 10_000, digest: String = String(repeating: "a", count: 32)) -> RunReport {
    RunReport(
        exsimVersion: "0.1.0", scenario: "sample", scenarioFile: "Scenarios/sample.yaml", seed: 42, traceDigest: digest,
        simulatedDurationNs: 1_000_000_000, simulatedEndNs: 1_000_020_000,
        counts: RunCounts(ordersSent: 10, cancelsSent: 2, replacesSent: 1, instructionsNotSent: 3, ordersAccepted: 9, ordersRejected: 1,
                          instructionsRejected: 2, trades: 4, cancelled: 1, eventsDelivered: 50),
        throughput: Throughput(instructionsPerSecond: throughput, tradesPerSecond: 4, messagesServedPerSimulatedSecond: [13]),
        latencies: [LatencySummary(name: "order→ack", count: 10, minNs: 5_000, meanNs: 7_000, p50Ns: 6_500, p90Ns: 8_000,
                                   p99Ns: p99, p999Ns: p99 + 1_000, p9999Ns: p99 + 2_000, maxNs: p99 + 3_000)],
        venues: [VenueSummary(name: "XSIM", utilisation: 0.45, maxQueueDepth: 3, messagesServed: 13)],
        invariants: InvariantResult(checked: true, violations: []),
        wire: WireSummary(messagesToVenues: 13, bytesToVenues: 600, messagesFromVenues: 20, bytesFromVenues: 900,
                          feedPackets: 5, feedMessages: 8, feedBytes: 400, participantsByProtocol: ["ouch42": 2]),
        wallClock: WallClockSummary(elapsedSeconds: 0.5, events: 50, simulatedEndNs: 1_000_020_000),
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
        #expect(throws: ReportError.unsupportedSchema(found: 99, supported: 2)) { try RunReport.decode(from: data) }
    }

    @Test func olderSchemaIsRefusedWithAHint() throws {
        var object = try #require(try JSONSerialization.jsonObject(with: try sampleReport().jsonData()) as? [String: Any])
        object["schemaVersion"] = 1
        let data = try JSONSerialization.data(withJSONObject: object)
        do {
            _ = try RunReport.decode(from: data)
            Issue.record("a schemaVersion 1 report was accepted")
        } catch {
            #expect(error.description.contains("older exsim"), "\(error)")
        }
    }

    @Test func latencyPathsAreASCIIInTheFileAndArrowsInTheTable() throws {
        let report = sampleReport()
        #expect(report.latencies.map(\.name) == ["order-to-ack"])
        #expect(report.latency(named: "order-to-ack") != nil)
        #expect(report.latency(named: "order→ack") != nil)
        let json = String(decoding: try report.jsonData(), as: UTF8.self)
        #expect(!json.contains("→"))
        #expect(report.markdown().contains("| order→ack |"))
    }

    /// Every count of the summary's table is the report's count of the same name.
    @Test func summaryCountsMatchTheReportKeysOfTheSameName() throws {
        let report = sampleReport()
        let lines = report.markdown().split(separator: "\n").map(String.init)
        let header = try #require(lines.firstIndex { $0.hasPrefix("| ordersSent") })
        func cells(_ line: String) -> [String] {
            line.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        }
        let names = cells(lines[header])
        let values = cells(lines[header + 2])
        let object = try #require(try JSONSerialization.jsonObject(with: try report.jsonData()) as? [String: Any])
        let counts = try #require(object["counts"] as? [String: Any])
        #expect(Set(names) == Set(counts.keys), "the summary shows every count, under its key")
        for (name, value) in zip(names, values) {
            #expect((counts[name] as? Int).map(String.init) == value, "\(name)")
        }
        #expect(report.markdown().contains("| XSIM | 13 |"), "venue messagesServed")
    }

    @Test func throughputDividesByTheFlowsSimulatedTime() {
        let counts = sampleReport().counts
        let throughput = Throughput(counts: counts, simulatedDurationNs: 500_000_000, messagesServedPerSimulatedSecond: [])
        #expect(throughput.instructionsPerSecond == 26, "13 instructions sent in half a second")
        #expect(throughput.tradesPerSecond == 8)
    }

    @Test func wallClockRatioIsSimulatedOverWallSeconds() {
        let wall = WallClockSummary(elapsedSeconds: 4, events: 1_000, simulatedEndNs: 2_000_000_000)
        #expect(wall.eventsPerWallSecond == 250)
        #expect(wall.simulatedSecondsPerWallSecond == 0.5)
        #expect(sampleReport().markdown().contains("simulated per wall second"))
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
    @Test func identicalReportsPass() throws {
        let result = try Gate.compare(baseline: sampleReport(), current: sampleReport(), tolerances: GateTolerances())
        #expect(result.passed)
        #expect(result.table().contains("PASS"))
    }

    @Test func throughputDropBeyondToleranceFails() throws {
        let result = try Gate.compare(baseline: sampleReport(), current: sampleReport(throughput: 850_000), tolerances: GateTolerances())
        #expect(!result.passed)
        #expect(result.rows.first { $0.metric == "instructionsPerSecond (simulated)" }?.verdict == .regressed)
        #expect(result.table().contains("FAIL"))
    }

    @Test func throughputDropWithinToleranceAndImprovementsPass() throws {
        #expect(try Gate.compare(baseline: sampleReport(), current: sampleReport(throughput: 950_000), tolerances: GateTolerances()).passed)
        let better = try Gate.compare(baseline: sampleReport(), current: sampleReport(throughput: 1_200_000, p99: 9_000), tolerances: GateTolerances())
        #expect(better.passed)
        #expect(better.rows.first { $0.metric == "order-to-ack p99" }?.verdict == .improved)
    }

    @Test func latencyRiseBeyondToleranceFails() throws {
        let result = try Gate.compare(baseline: sampleReport(), current: sampleReport(p99: 13_000), tolerances: GateTolerances())
        #expect(!result.passed)
        #expect(result.rows.first { $0.metric == "order-to-ack p99" }?.verdict == .regressed)
    }

    @Test func latencyRiseUnderTheFloorPasses() throws {
        var tolerances = GateTolerances()
        tolerances.latencyFloorNs = 5_000
        #expect(try Gate.compare(baseline: sampleReport(), current: sampleReport(p99: 13_000), tolerances: tolerances).passed)
    }

    @Test func missingPathFails() throws {
        var current = sampleReport()
        current.latencies = []
        let result = try Gate.compare(baseline: sampleReport(), current: current, tolerances: GateTolerances())
        #expect(!result.passed)
        #expect(result.rows.contains { $0.verdict == .missing })
    }

    @Test func digestMismatchFailsOnlyWhenRequired() throws {
        let other = sampleReport(digest: String(repeating: "b", count: 32))
        #expect(try Gate.compare(baseline: sampleReport(), current: other, tolerances: GateTolerances()).passed)
        var strict = GateTolerances()
        strict.requireDigestMatch = true
        #expect(try !Gate.compare(baseline: sampleReport(), current: other, tolerances: strict).passed)
    }
}

func slowed(_ report: RunReport, speed: Double) -> RunReport {
    var report = report
    report.wallClock = WallClockSummary(
        elapsedSeconds: report.wallClock.elapsedSeconds / speed, events: report.counts.eventsDelivered,
        simulatedEndNs: report.simulatedEndNs)
    return report
}

func benchReport(_ figures: [String: Double], parameters: [String: String] = ["events": "1000"]) -> BenchReport {
    BenchReport(exsimVersion: "0.1.0", bench: "kernel", parameters: parameters, build: "release",
                figures: figures.sorted { $0.key < $1.key }.map { MeasuredFigure(name: $0.key, value: $0.value, unit: "events/s", better: .higher) },
                machine: MachineInfo(cpuModel: "Test CPU", logicalCores: 2, memoryBytes: 1 << 30, os: "Linux"))
}

@Suite struct BenchSummaryTests {
    @Test func everyFigureAppearsUnderItsKeyWithAReadableUnit() {
        let report = BenchReport(
            exsimVersion: "0.1.0", bench: "load", parameters: ["--rate": "100k/s", "--connections": "2"], build: "release",
            figures: [MeasuredFigure(name: "achievedRate", value: 99_950, unit: "orders/s", better: .higher),
                      MeasuredFigure(name: "ordersSent", value: 1_000_000, unit: "orders", better: .higher),
                      MeasuredFigure(name: "orderAckFromSendP99Ns", value: 1_834_000, unit: "ns", better: .lower),
                      MeasuredFigure(name: "ratio", value: 1.71, unit: "x", better: .lower)],
            machine: MachineInfo(cpuModel: "Test CPU", logicalCores: 2, memoryBytes: 1 << 30, os: "Linux"))
        let lines = report.markdown().split(separator: "\n").map(String.init)
        #expect(lines.first == "## exsim load")
        #expect(lines.contains("options: `--connections 2` `--rate 100k/s`"), "sorted, not in hash order")
        #expect(lines.contains("| achievedRate | 100.0k orders/s |"))
        #expect(lines.contains("| ordersSent | 1000000 orders |"))
        #expect(lines.contains("| orderAckFromSendP99Ns | 1.83 ms |"))
        #expect(lines.contains("| ratio | 1.71× |"))
        #expect(lines.last == "machine: Test CPU · 2 cores · 1 GiB · Linux")
        #expect(benchReport(["eventsPerSecond": 2e7]).markdown().hasPrefix("## exsim bench kernel\n"))
    }
}

@Suite struct MeasuredGateTests {
    @Test func aRunTwentyPercentSlowerOnTheWallClockFails() throws {
        let result = try Gate.compare(baselines: [.run(sampleReport())], candidates: [.run(slowed(sampleReport(), speed: 0.8))],
                                      tolerances: GateTolerances())
        #expect(!result.passed)
        #expect(result.rows.first { $0.metric == "eventsPerWallSecond" }?.verdict == .regressed)
        #expect(result.rows.first { $0.metric == "simulatedSecondsPerWallSecond" }?.verdict == .regressed)
        #expect(result.rows.first { $0.metric == "trace digest" }?.verdict == .ok, "same behaviour, only slower")
        #expect(result.table().contains("FAIL: 2 regression(s): sample (seed 42) eventsPerWallSecond; sample (seed 42) simulatedSecondsPerWallSecond"))
    }

    @Test func aRunTenPercentSlowerPassesTheDefaultThreshold() throws {
        let result = try Gate.compare(baselines: [.run(sampleReport())], candidates: [.run(slowed(sampleReport(), speed: 0.9))],
                                      tolerances: GateTolerances())
        #expect(result.passed)
    }

    @Test func behaviourOnlyShowsSpeedWithoutGatingIt() throws {
        var tolerances = GateTolerances()
        tolerances.compareSpeed = false
        let result = try Gate.compare(baselines: [.run(sampleReport())], candidates: [.run(slowed(sampleReport(), speed: 0.5))],
                                      tolerances: tolerances)
        #expect(result.passed)
        #expect(result.rows.first { $0.metric == "eventsPerWallSecond" }?.verdict == .info)
    }

    @Test func aPerFigureThresholdOverridesTheDefault() throws {
        var tolerances = GateTolerances()
        tolerances.figureDropFractions = ["eventsPerWallSecond": 0.5, "simulatedSecondsPerWallSecond": 0.5]
        #expect(try Gate.compare(baselines: [.run(sampleReport())], candidates: [.run(slowed(sampleReport(), speed: 0.8))],
                                 tolerances: tolerances).passed)
        tolerances.figureDropFractions = ["noSuchFigure": 0.5]
        #expect(throws: GateInputError.self) {
            try Gate.compare(baselines: [.run(sampleReport())], candidates: [.run(sampleReport())], tolerances: tolerances)
        }
    }

    @Test func repeatsAreComparedByMedianOrBest() throws {
        let base = [100.0, 104, 96].map { ReportFile.bench(benchReport(["eventsPerSecond": $0])) }
        // One fast outlier among slow repeats: the median sees the slowdown, the best does not.
        let candidate = [70.0, 72, 101].map { ReportFile.bench(benchReport(["eventsPerSecond": $0])) }
        let median = try Gate.compare(baselines: base, candidates: candidate, tolerances: GateTolerances())
        #expect(!median.passed)
        #expect(median.rows[0].baseline.hasPrefix("100"))
        #expect(median.rows[0].current.hasPrefix("72"))
        #expect(median.rows[0].samples == "3/3")
        var best = GateTolerances()
        best.statistic = .best
        #expect(try Gate.compare(baselines: base, candidates: candidate, tolerances: best).passed)
        #expect(Gate.statistic([1, 2, 3, 4], .higher, .median) == 2.5)
        #expect(Gate.statistic([1, 2, 3, 4], .lower, .best) == 1)
    }

    @Test func aLowerIsBetterFigureRegressesWhenItGrows() {
        let figure = MeasuredFigure(name: "nsPerMessage", value: 100, unit: "ns", better: .lower)
        let row = Gate.speedRow(subject: "bench x", figure: figure, [100], [125], GateTolerances())
        #expect(row.verdict == .regressed, "100 ns → 125 ns is a 20 % loss of speed")
        #expect(Gate.speedRow(subject: "bench x", figure: figure, [100], [110], GateTolerances()).verdict == .ok)
    }

    @Test func aLowerIsBetterFigureFromZeroRegressesOnAnyRise() {
        let figure = MeasuredFigure(name: "hiccupsAbove50usPerSecond", value: 0, unit: "hiccups/s", better: .lower)
        #expect(Gate.speedRow(subject: "bench pacing", figure: figure, [0], [3], GateTolerances()).verdict == .regressed,
                "none before, some now")
        #expect(Gate.speedRow(subject: "bench pacing", figure: figure, [0], [0], GateTolerances()).verdict == .ok)
        let rate = MeasuredFigure(name: "eventsPerSecond", value: 0, unit: "events/s", better: .higher)
        #expect(Gate.speedRow(subject: "bench x", figure: rate, [0], [5], GateTolerances()).verdict != .regressed)
    }

    @Test func aBenchFigureMissingFromTheCandidateFails() throws {
        let result = try Gate.compare(baselines: [.bench(benchReport(["a": 1, "b": 2]))], candidates: [.bench(benchReport(["a": 1]))],
                                      tolerances: GateTolerances())
        #expect(!result.passed)
        #expect(result.rows.first { $0.metric == "b" }?.verdict == .missing)
    }

    @Test func benchesWithOtherParametersAreNotCompared() {
        #expect(throws: GateInputError.self) {
            try Gate.compare(baselines: [.bench(benchReport(["a": 1]))],
                             candidates: [.bench(benchReport(["a": 1], parameters: ["events": "5"]))], tolerances: GateTolerances())
        }
    }

    @Test func aDebugBuildIsNotComparedWithARelease() {
        var debug = benchReport(["a": 1])
        debug.build = "debug"
        #expect(throws: GateInputError.self) {
            try Gate.compare(baselines: [.bench(benchReport(["a": 1]))], candidates: [.bench(debug)], tolerances: GateTolerances())
        }
    }

    @Test func repeatsWithDifferentDigestsFail() throws {
        let other = sampleReport(digest: String(repeating: "b", count: 32))
        let result = try Gate.compare(baselines: [.run(sampleReport())], candidates: [.run(sampleReport()), .run(other)],
                                      tolerances: GateTolerances())
        #expect(!result.passed)
        #expect(result.rows.contains { $0.metric == "trace digest (candidate repeats)" && $0.verdict == .regressed })
    }

    @Test func aMissingScenarioFails() throws {
        let result = try Gate.compare(baselines: [.run(sampleReport())], candidates: [.bench(benchReport(["a": 1]))],
                                      tolerances: GateTolerances())
        #expect(!result.passed)
        #expect(result.rows.contains { $0.verdict == .missing })
    }

    @Test func optionsOutOfRangeAreRefused() {
        func refuses(_ change: (inout GateTolerances) -> Void) -> Bool {
            var tolerances = GateTolerances()
            change(&tolerances)
            do { try tolerances.validate(); return false } catch { return true }
        }
        #expect(refuses { $0.throughputDropFraction = 5 })
        #expect(refuses { $0.throughputDropFraction = -0.1 })
        #expect(refuses { $0.speedDropFraction = 1 })
        #expect(refuses { $0.latencyRiseFraction = .nan })
        #expect(refuses { $0.percentiles = ["p42"] })
        #expect(refuses { $0.figureDropFractions = ["eventsPerWallSecond": 2] })
        #expect(!refuses { _ in })
    }

    @Test func anUnknownPathIsRefused() throws {
        var tolerances = GateTolerances()
        tolerances.paths = ["order-to-nowhere"]
        #expect(throws: GateInputError.self) {
            try Gate.compare(baselines: [.run(sampleReport())], candidates: [.run(sampleReport())], tolerances: tolerances)
        }
        tolerances.paths = ["order-to-ack"]
        #expect(try Gate.compare(baselines: [.run(sampleReport())], candidates: [.run(sampleReport())], tolerances: tolerances).passed)
    }

    @Test func benchReportsRoundTripThroughTheSharedSchema() throws {
        let report = benchReport(["eventsPerSecond": 1e7])
        guard case .bench(let decoded) = try ReportFile.decode(from: try report.jsonData()) else {
            Issue.record("a bench report decoded as another kind")
            return
        }
        #expect(decoded == report)
        #expect(throws: ReportError.self) { try RunReport.decode(from: try report.jsonData()) }
    }

    @Test func malformedFilesGetAnErrorNamingTheProblem() {
        for (text, expected) in [("{", "not valid JSON"), ("{\"schemaVersion\": 2, \"kind\": \"run\"}", "missing key"),
                                 ("{\"x\": 1}", "no schemaVersion"), ("{\"schemaVersion\": 2, \"kind\": \"other\"}", "unknown report kind")] {
            do {
                _ = try ReportFile.decode(from: Data(text.utf8))
                Issue.record("accepted \(text)")
            } catch {
                #expect(error.description.contains(expected), "\(error)")
            }
        }
    }
}

@Suite struct PairedGateTests {
    /// Load that rises between rounds slows both builds of a round alike:
    /// compared pair by pair, an unchanged build passes and a slower one fails.
    @Test func pairedRepeatsCancelALoadThatComesAndGoes() throws {
        let load = [1.0, 0.7, 1.0, 0.6, 0.9]
        let base = load.map { ReportFile.bench(benchReport(["eventsPerSecond": 100 * $0])) }
        let same = [1.0, 0.68, 1.02, 0.61, 0.9].map { ReportFile.bench(benchReport(["eventsPerSecond": 100 * $0])) }
        // Unpaired, the medians differ by chance ordering; paired, every ratio is about 1.
        var tolerances = GateTolerances()
        tolerances.paired = true
        #expect(try Gate.compare(baselines: base, candidates: same, tolerances: tolerances).passed)
        let slower = load.map { ReportFile.bench(benchReport(["eventsPerSecond": 80 * $0])) }
        let result = try Gate.compare(baselines: base, candidates: slower, tolerances: tolerances)
        #expect(!result.passed)
        #expect(abs((result.rows[0].change ?? 0) + 0.2) < 1e-9, "every pair is 20 % slower")
    }
}
