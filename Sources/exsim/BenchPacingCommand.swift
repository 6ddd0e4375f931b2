import ArgumentParser
import Replay
import Report
import Scenario

/// `exsim bench pacing`: the floor under `exsim replay` at 1× on this machine.
struct BenchPacingCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pacing",
        abstract: "Measure how punctually this machine lets a process keep a schedule: the floor under exsim replay at 1×.",
        discussion: """
            Two measurements, each --seconds long, sending nothing. First the \
            pacer alone: the wait exsim replay makes before each send (a sleep \
            to within --spin of the planned time, then a spin on \
            CLOCK_MONOTONIC), at each planned time of --rate; its error is \
            what a replay's send-time error would be if sending cost nothing. \
            Then the hiccups: a loop that only reads the clock, where every \
            gap between two reads longer than 2 µs is time the machine took \
            the CPU away (an interrupt, the hypervisor, another process), \
            counted per second above 2, 5, 10 and 50 µs. A replay whose \
            send-time error is close to the pacer's is as punctual as the \
            machine was; the machine varies from one minute to the next, so \
            compare runs made side by side, several times.
            """
    )

    @Option(help: ArgumentHelp("Planned times per second, as exsim replay's datagrams (e.g. 20k/s: 50 µs apart).", valueName: "rate"))
    var rate: String = "20k/s"

    @Option(help: "Seconds each measurement runs.")
    var seconds: Double = 5

    @Option(help: ArgumentHelp("Spin on the clock for this long before each planned time, as exsim replay --spin.", valueName: "duration"))
    var spin: String = "200us"

    @Option(help: ArgumentHelp("Run under SCHED_FIFO at this priority (1-99; needs root or CAP_SYS_NICE), as exsim replay --realtime-priority.", valueName: "priority"))
    var realtimePriority: Int32?

    @OptionGroup var output: BenchJSONOption

    func validate() throws {
        guard let perSecond = ScenarioValues.rate(rate), perSecond > 0, perSecond <= 10_000_000 else {
            throw ValidationError("--rate '\(rate)': expected a rate like 20k/s, above 0 and at most 10M/s")
        }
        guard seconds > 0, seconds <= 3_600 else { throw ValidationError("--seconds must be above 0 and at most 3600") }
    }

    func run() throws {
        let perSecond = ScenarioValues.rate(rate)!
        let spinNs = try PacerSettings.spinNs(spin)
        try PacerSettings.check(realtimePriority: realtimePriority)
        printBenchHeader("pacing")
        if let realtimePriority { try PacerSettings.raise(to: realtimePriority) }
        let workload = PacingFloorWorkload(ratePerSecond: perSecond, durationNs: Int64(seconds * 1e9), spinThresholdNs: spinNs)
        let priority = realtimePriority.map { ", SCHED_FIFO \($0)" } ?? ""
        print("\nworkload: \(formatRate(perSecond)) planned times (\(formatNanoseconds(1e9 / perSecond)) apart) for \(seconds) s, spin \(formatNanoseconds(spinNs))\(priority)")

        let pacer = workload.measurePacer()
        let errors = pacer.errors
        print("  pacer alone (exsim replay's wait, nothing sent): p50 \(formatNanoseconds(errors.p50Ns)) · p99 \(formatNanoseconds(errors.p99Ns)) · p99.9 \(formatNanoseconds(errors.p999Ns)) · max \(formatNanoseconds(errors.maxNs)) over \(formatCount(pacer.plannedTimes)) planned times; drift \(formatNanoseconds(pacer.driftNs))")

        let hiccups = workload.measureHiccups()
        let counts = zip(PacingFloorWorkload.Hiccups.thresholdsNs, hiccups.countsAbove).map { threshold, count in
            "above \(formatNanoseconds(threshold)) \(String(format: "%.0f", hiccups.perSecond(count)))/s"
        }
        print("  hiccups (a loop that only reads the clock): \(counts.joined(separator: " · ")) · longest \(formatNanoseconds(hiccups.longestNs)); \(String(format: "%.2f", hiccups.lostFraction * 100)) % of the time taken away")
        print("the pacer's error is this machine's punctuality over this window; a replay's send-time error near it is the machine's, not exsim's (it varies from one window to the next: compare runs made side by side)")

        let figures = BenchFigures()
        figures.lower("pacerErrorP50Ns", Double(errors.p50Ns), unit: "ns")
        figures.lower("pacerErrorP99Ns", Double(errors.p99Ns), unit: "ns")
        figures.lower("pacerErrorP999Ns", Double(errors.p999Ns), unit: "ns")
        figures.lower("pacerErrorMaxNs", Double(errors.maxNs), unit: "ns")
        for (threshold, count) in zip(PacingFloorWorkload.Hiccups.thresholdsNs, hiccups.countsAbove) {
            figures.lower("hiccupsAbove\(threshold / 1_000)usPerSecond", hiccups.perSecond(count), unit: "hiccups/s")
        }
        figures.lower("hiccupLongestNs", Double(hiccups.longestNs), unit: "ns")
        try output.write(bench: "pacing", parameters: ["rate": rate, "seconds": "\(seconds)", "spin": spin,
                                                       "realtimePriority": realtimePriority.map { "\($0)" } ?? "none"],
                         figures: figures)
    }
}
