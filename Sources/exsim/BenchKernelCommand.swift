import ArgumentParser
import Report

/// `exsim bench kernel`: events scheduled and delivered per second.
struct BenchKernelCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kernel",
        abstract: "Benchmark the discrete-event kernel (events scheduled and delivered per second).",
        discussion: """
            The hold model: a fixed number of pending events; each delivery \
            schedules one replacement at a random delay of up to 1 ms, so the \
            queue keeps its size while events flow through it.
            """
    )

    @Option(help: "Events delivered.")
    var events: Int = 20_000_000

    @Option(help: "Events pending in the queue at any time.")
    var pending: Int = 10_000

    @Option(help: "Seed of the delays.")
    var seed: UInt64 = 1

    @OptionGroup var output: BenchJSONOption

    func validate() throws {
        guard events > 0, pending > 0 else { throw ValidationError("--events and --pending must be positive") }
    }

    func run() throws {
        printBenchHeader("kernel")
        print("\nworkload: hold model, \(pending) pending events, \(events) deliveries, seed \(seed)")
        let result = KernelWorkload(pendingEvents: pending, deliveries: events, seed: seed).run()
        let rate = Double(result.deliveries) * 1e9 / Double(result.elapsedNs)
        print("  events/s (each scheduled and delivered): \(formatRate(rate)) (\(result.deliveries) in \(formatNanoseconds(result.elapsedNs)))")
        print("  trace digest: \(result.digest)")
        let figures = BenchFigures()
        figures.rate("eventsPerSecond", rate, unit: "events/s")
        try output.write(bench: "kernel", parameters: ["events": "\(events)", "pending": "\(pending)", "seed": "\(seed)"], figures: figures)
    }
}
