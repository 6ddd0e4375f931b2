import ArgumentParser
import Measure
import Report
import Scenario

/// `exsim bench engine`: the matching engine alone, on peers' workloads.
struct BenchEngineCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "engine",
        abstract: "Benchmark the matching engine on peers' workloads.",
        discussion: """
            crossing-inserts: Liquibook's pt_order_book workload. Limit orders \
            alternate buy and sell, buys at 1880 + rand%10 ticks, sells at \
            1884 + rand%10, quantity (rand%10 + 1) × 100, inserted into one book \
            as fast as possible. Prints inserts/s and per-insert latency.

            exchange-core-mix: exchange-core's order mix on a book of ~1,000 \
            resting orders over ~750 levels: 9 % GTC limit, 3 % IOC, 6 % cancel, \
            82 % move. Runs open loop at each planned rate (latency from the \
            planned time, so stalls are not hidden), then back to back for the \
            maximum throughput.
            """
    )

    enum Workload: String, ExpressibleByArgument, CaseIterable {
        case crossingInserts = "crossing-inserts"
        case exchangeCoreMix = "exchange-core-mix"
        case all
    }

    @Option(help: "Workload to run: \(Workload.allCases.map(\.rawValue).joined(separator: ", ")).")
    var workload: Workload = .all

    @Option(help: "Orders inserted by crossing-inserts.")
    var orders: Int = 2_000_000

    @Option(help: "Planned rates for exchange-core-mix's open-loop runs, comma-separated (k/M suffixes).")
    var rates: String = "1M,2M,5M"

    @Option(help: "Seconds of each exchange-core-mix open-loop run.")
    var seconds: Double = 2

    @Option(help: "Instructions in exchange-core-mix's back-to-back run.")
    var operations: Int = 5_000_000

    @Option(help: "Seed of the workload's generator.")
    var seed: UInt64 = 1

    @OptionGroup var output: BenchJSONOption

    func validate() throws {
        guard orders > 0, operations > 0 else { throw ValidationError("--orders and --operations must be positive") }
        guard seconds > 0, seconds <= 600 else { throw ValidationError("--seconds must be in (0, 600]") }
        _ = try parsedRates()
    }

    func parsedRates() throws -> [Double] {
        try rates.split(separator: ",").map { text in
            guard let rate = ScenarioValues.rate(String(text)), rate > 0 else {
                throw ValidationError("--rates: '\(text)' is not a rate like 500k or 1M")
            }
            return rate
        }
    }

    func run() throws {
        printBenchHeader("engine")
        let figures = BenchFigures()
        if workload == .crossingInserts || workload == .all { runCrossingInserts(figures) }
        if workload == .exchangeCoreMix || workload == .all { try runExchangeCoreMix(figures) }
        try output.write(bench: "engine", parameters: [
            "workload": workload.rawValue, "orders": "\(orders)", "rates": rates, "seconds": "\(seconds)",
            "operations": "\(operations)", "seed": "\(seed)",
        ], figures: figures)
    }

    func runCrossingInserts(_ figures: BenchFigures) {
        print("\nworkload: crossing-inserts (Liquibook pt_order_book), \(orders) orders, seed \(seed)")
        let result = CrossingInsertsWorkload(orderCount: orders, seed: seed).run()
        print("  inserts/s: \(formatRate(result.insertsPerSecond)) (\(result.orderCount) inserts in \(formatNanoseconds(result.elapsedNs)), \(result.trades) trades)")
        print("  per-insert latency (timed pass): \(percentileLine(result.latency.summary))")
        figures.rate("crossingInsertsPerSecond", result.insertsPerSecond, unit: "inserts/s")
    }

    func runExchangeCoreMix(_ figures: BenchFigures) throws {
        let workload = ExchangeCoreMixWorkload(seed: seed)
        print("\nworkload: exchange-core-mix (9% GTC, 3% IOC, 6% cancel, 82% move; ~1,000 resting orders over ~750 levels), seed \(seed)")
        for rate in try parsedRates() {
            let result = workload.openLoop(rate: rate, durationNs: Int64(seconds * 1e9))
            print("  open loop @ \(formatRate(rate)): achieved \(formatRate(result.achievedRate)), latency from planned time: \(percentileLine(result.latency.summary))")
            let floor = workload.platformFloor(rate: rate, durationNs: Int64(seconds * 1e9))
            print("    platform floor (same loop, no instruction): \(percentileLine(floor.latency.summary))")
        }
        let maximum = workload.maximumThroughput(operations: operations)
        let rate = Double(maximum.operations) * 1e9 / Double(maximum.elapsedNs)
        print("  maximum throughput: \(formatRate(rate)) (\(maximum.operations) instructions in \(formatNanoseconds(maximum.elapsedNs)))")
        figures.rate("exchangeCoreMixMaximumPerSecond", rate, unit: "instructions/s")
    }
}

func percentileLine(_ summary: LatencySummary) -> String {
    "p50 \(formatNanoseconds(summary.p50Ns)) · p90 \(formatNanoseconds(summary.p90Ns)) · p99 \(formatNanoseconds(summary.p99Ns)) · p99.9 \(formatNanoseconds(summary.p999Ns)) · p99.99 \(formatNanoseconds(summary.p9999Ns)) · max \(formatNanoseconds(summary.maxNs))"
}

