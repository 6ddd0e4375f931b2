import ArgumentParser
import Foundation
import Live
import Measure
import Report
import Scenario
import Wire

/// `exsim load`: an open-loop load client for `exsim serve` or any
/// venue speaking OUCH 4.2 over SoupBinTCP or FIX 4.2 / 4.4.
struct LoadCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "load",
        abstract: "Send orders to a venue at a planned rate and measure order→ack and order→fill latency.",
        discussion: """
            Speaks OUCH 4.2 over SoupBinTCP 3.0, or FIX 4.2 / 4.4 as an \
            initiator (--protocol fix42|fix44). Connections log in as P1 ... \
            P<--connections> (base 36 after P9: PA, PB, ...), password exsim, \
            the accounts exsim serve creates; a FIX connection's \
            SenderCompID is its account and TargetCompID the venue's CompID.

            Open loop (the default): every order has a planned send time from \
            --rate, evenly spaced per connection, connections offset \
            (--arrivals poisson: exponential gaps of the same mean, seeded by \
            --seed). Latency \
            is measured from the planned time (free of coordinated omission, \
            as wrk2 does) and from the actual send; both are reported. Orders \
            alternate buy and sell at the symbol's reference price, so most \
            cross and fill. --ping instead sends one order at a time on one \
            connection: the next goes when the previous is answered, which \
            measures the bare round trip.

            --find-max --slo 'p99<1ms' searches for capacity: open-loop \
            trials of --duration each, starting at --rate, doubling until a \
            trial breaks the objective (or --max-rate holds), then bisecting \
            to within 5 %. A trial holds when every order is answered, the \
            client sends within a tenth of the planned rate, and the \
            percentile of order→ack from the planned send time is under the \
            bound. The report is the best trial's, with findMaxRate added.

            Writes load-report.json (a versioned bench report exsim gate \
            reads), load-summary.md (its figures as a Markdown table) and \
            one .hgrm file per latency path into --out. Exit \
            codes: 0 every order sent was answered; 1 orders stayed \
            unanswered after the drain timeout, or the venue closed a \
            connection, or with --find-max no rate held the objective; 64 bad \
            input; 69 the venue cannot be reached or \
            refused a login.
            """
    )

    @Option(help: ArgumentHelp("The JSON file exsim serve --ports-file wrote: the venue's address, port and symbols.", valueName: "file"))
    var portsFile: String?

    @Option(name: .customLong("protocol"), help: ArgumentHelp("Order entry: ouch42, fix42 or fix44.", valueName: "protocol"))
    var orderEntry: OrderEntryProtocol = .ouch42

    @Option(help: ArgumentHelp("The venue in the ports file (default: the first that serves --protocol); without a ports file, a FIX venue's CompID.", valueName: "name"))
    var venue: String?

    @Option(help: "The venue's address, without a ports file.")
    var host = "127.0.0.1"

    @Option(help: "The venue's OUCH port, without a ports file.")
    var port: Int?

    @Option(help: ArgumentHelp("The symbol to trade (default: the venue's first in the ports file).", valueName: "name"))
    var symbol: String?

    @Option(help: ArgumentHelp("The price orders are sent at, in the venue's integer units (default: the symbol's reference price).", valueName: "price"))
    var price: Int64?

    @Option(help: ArgumentHelp("The tick of --price, needed without a ports file.", valueName: "units"))
    var tick: Int64 = 1

    @Option(help: ArgumentHelp("Orders per second over all connections: 100k/s, 1M/s, 2500.", valueName: "rate"))
    var rate = "100k/s"

    @Option(help: ArgumentHelp("Open-loop send times: constant (evenly spaced) or poisson (exponential gaps, same mean rate).", valueName: "kind"))
    var arrivals: ArrivalKind = .constant

    @Option(help: "The seed of --arrivals poisson: the same seed plans the same send times.")
    var seed: UInt64 = 1

    @Option(help: ArgumentHelp("How long to send (e.g. 10s, 500ms).", valueName: "duration"))
    var duration = "10s"

    @Option(help: ArgumentHelp("Connections, each logged in as its own account P1 ... P<n>.", valueName: "n"))
    var connections = 1

    @Option(help: ArgumentHelp("Shares per order.", valueName: "shares"))
    var quantity: Int64 = 100

    @Flag(help: "One order at a time on one connection: the pure round trip.")
    var ping = false

    @Flag(help: "Search for the highest rate that holds --slo (capacity search).")
    var findMax = false

    @Option(help: ArgumentHelp("The objective --find-max holds: p99<1ms, p99.9<500us, max<5ms (order→ack from the planned send).", valueName: "objective"))
    var slo: String?

    @Option(help: ArgumentHelp("The highest rate --find-max tries.", valueName: "rate"))
    var maxRate = "4M/s"

    @Option(help: ArgumentHelp("How long to wait for the last answers after sending stops.", valueName: "duration"))
    var drainTimeout = "5s"

    @OptionGroup var tlsOptions: ClientTLSOptions

    @Option(help: ArgumentHelp("Directory for load-report.json, load-summary.md and the .hgrm files.", valueName: "dir"))
    var out = "out/load"

    func run() throws {
        let plans: (load: LoadPlan, search: CapacitySearchPlan?)
        do {
            plans = try makePlan()
        } catch let error as ValidationError {
            printError(error.message)
            throw ExsimExit.badInput
        }
        let directory = URL(fileURLWithPath: out)
        do {
            try prepareOutputDirectory(directory)
        } catch {
            printError("--out \(out): \(error)")
            throw ExsimExit.badInput
        }
        if let search = plans.search {
            try findMaximum(plans.load, search: search, directory: directory)
            return
        }
        let plan = plans.load
        print("load: \(plan.host):\(plan.port) \(orderEntry.label), \(plan.symbol.name) at \(plan.symbol.referencePrice.rawValue), "
              + (ping ? "ping" : "open loop at \(formatRate(LoadRateText.parse(rate) ?? 0))")
              + " for \(formatNanoseconds(plan.durationNs)), \(plan.connections) connection(s)")
        fflush(nil)
        let result: LoadResult
        do {
            result = try LoadRun.run(plan)
        } catch {
            printError(error.description)
            throw ExsimExit.venueUnavailable
        }
        let summary = LoadSummary(result: result)
        summary.print()
        try writeReport(of: result, figures: summary.figures, parameters: parameters(plan), into: directory)
        if let failure = result.failure {
            printError(failure)
            throw ExsimExit.checkFailed
        }
        if result.unanswered > 0 {
            printError("\(result.unanswered) order(s) unanswered after the drain timeout (\(drainTimeout))")
            throw ExsimExit.checkFailed
        }
    }

    /// load-report.json, load-summary.md and one .hgrm per latency path of `result`.
    func writeReport(of result: LoadResult, figures: [MeasuredFigure], parameters: [String: String], into directory: URL) throws {
        let report = BenchReport(exsimVersion: Exsim.version, bench: "load", parameters: parameters, build: Self.build,
                                 figures: figures, machine: MachineInfo.current())
        let reportFile = directory.appendingPathComponent("load-report.json")
        do {
            try report.jsonData().write(to: reportFile)
            try Data(report.markdown().utf8).write(to: directory.appendingPathComponent("load-summary.md"))
            for recorder in result.latencies where recorder.count > 0 {
                try Data(recorder.percentileDistribution().utf8)
                    .write(to: directory.appendingPathComponent(hgrmFileName(recorder.name)))
            }
        } catch {
            printError("cannot write into \(out): \(error.localizedDescription)")
            throw ExsimExit.badInput
        }
        print("report: \(reportFile.path)")
    }

    func makePlan() throws -> (load: LoadPlan, search: CapacitySearchPlan?) {
        guard let durationNs = ScenarioValues.duration(duration), durationNs > 0 else {
            throw ValidationError("--duration \(duration): expected a duration like 500ms or 10s")
        }
        guard let drainNs = ScenarioValues.duration(drainTimeout), drainNs > 0 else {
            throw ValidationError("--drain-timeout \(drainTimeout): expected a duration like 500ms or 5s")
        }
        guard let perSecond = LoadRateText.parse(rate) else {
            throw ValidationError("--rate \(rate): expected orders per second like 100k/s, 1M/s or 2500")
        }
        var search: CapacitySearchPlan?
        if findMax {
            guard !ping else { throw ValidationError("--find-max searches open-loop rates; it does not combine with --ping") }
            guard let slo else { throw ValidationError("--find-max needs --slo, such as --slo 'p99<1ms'") }
            guard let objective = LoadObjective.parse(slo, duration: ScenarioValues.duration) else {
                throw ValidationError("--slo \(slo): expected a percentile and a bound like p99<1ms, p99.9<500us or max<5ms")
            }
            guard let ceiling = LoadRateText.parse(maxRate), ceiling >= perSecond else {
                throw ValidationError("--max-rate \(maxRate): expected a rate like 4M/s, no lower than --rate \(rate)")
            }
            search = CapacitySearchPlan(objective: objective, firstRate: perSecond, ceiling: ceiling)
        } else if slo != nil {
            throw ValidationError("--slo is the objective of --find-max; add --find-max")
        }
        // Each planned order has a row of times (18 bytes) allocated at start.
        let highestRate = search?.ceiling ?? perSecond
        guard ping || highestRate * Double(durationNs) / 1e9 <= Self.maximumPlannedOrders else {
            let option = search == nil ? "--rate \(rate)" : "--max-rate \(maxRate)"
            throw ValidationError("\(option) for --duration \(duration): more than \(Int(Self.maximumPlannedOrders)) orders; shorten the run")
        }
        guard (1...LiveAccounts.maximumCount).contains(connections) else {
            throw ValidationError("--connections \(connections): expected 1 to \(LiveAccounts.maximumCount)")
        }
        guard quantity > 0 && quantity <= 1_000_000 else { throw ValidationError("--quantity \(quantity): expected 1 to 1000000") }
        let target: LoadTarget
        if let portsFile {
            guard port == nil else { throw ValidationError("give --ports-file or --host/--port, not both") }
            do {
                target = try LoadTarget.fromPortsFile(portsFile, venue: venue, symbolName: symbol, price: price,
                                                      protocol: orderEntry)
            } catch {
                printError(error.description)
                throw ExsimExit.badInput
            }
        } else {
            guard let port, (1...65_535).contains(port) else { throw ValidationError("give --ports-file, or --port (1 to 65535)") }
            guard let symbol, let price else { throw ValidationError("without --ports-file, give --symbol and --price") }
            guard symbol.utf8.count <= 8, tick > 0, price > 0, price % tick == 0 else {
                throw ValidationError("--symbol up to 8 characters, --price a positive multiple of --tick")
            }
            if orderEntry != .ouch42 {
                guard let venue, !venue.isEmpty, venue.utf8.count <= 32 else {
                    throw ValidationError("--protocol \(orderEntry.rawValue) without --ports-file needs --venue, the venue's FIX CompID")
                }
            }
            target = LoadTarget(host: host, port: port, venue: venue ?? "", symbol: .init(name: symbol, tickSize: tick, referencePrice: .init(price)),
                                venueCompID: venue ?? "")
        }
        let tls = try tlsOptions.context(venueSpeaksTLS: target.tls)
        var load = LoadPlan(host: target.host, port: target.port, pacing: ping ? .ping : .openLoop(ratePerSecond: perSecond),
                            durationNs: durationNs, connections: ping ? 1 : connections, symbol: target.symbol,
                            quantity: quantity, drainTimeoutNs: drainNs,
                            arrivals: arrivals == .poisson ? .poisson(seed: seed) : .constant,
                            orderEntry: orderEntry.fixVersion.map { .fix($0, venueCompID: target.venueCompID) } ?? .ouch42)
        load.tls = tls
        if let problem = load.credentialsProblem { throw ValidationError(problem) }
        return (load, search)
    }

    func parameters(_ plan: LoadPlan) -> [String: String] {
        var parameters = ["--duration": duration, "--connections": "\(plan.connections)", "host": "\(plan.host):\(plan.port)",
                          "--symbol": plan.symbol.name, "protocol": orderEntry.rawValue]
        parameters[ping ? "--ping" : "--rate"] = ping ? "true" : rate
        if !ping {
            parameters["--arrivals"] = arrivals.rawValue
            if arrivals == .poisson { parameters["--seed"] = "\(seed)" }
        }
        return parameters
    }

    enum OrderEntryProtocol: String, ExpressibleByArgument, CaseIterable {
        case ouch42, fix42, fix44

        var fixVersion: FIXVersion? {
            switch self {
            case .ouch42: nil
            case .fix42: .fix42
            case .fix44: .fix44
            }
        }

        var label: String {
            switch self {
            case .ouch42: "OUCH 4.2"
            case .fix42: "FIX 4.2"
            case .fix44: "FIX 4.4"
            }
        }
    }

    enum ArrivalKind: String, ExpressibleByArgument, CaseIterable {
        case constant, poisson
    }

    /// The most orders one run plans (about 1.8 GB of time tables).
    static let maximumPlannedOrders = 100_000_000.0

    static var build: String {
        #if DEBUG
        "debug"
        #else
        "release"
        #endif
    }
}
