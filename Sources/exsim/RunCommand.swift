import ArgumentParser
import Capture
import Exchange
import Foundation
import Logging
import Measure
import Report
import Scenario
import Simulation

/// `exsim run`: one scenario in simulated time.
struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run a scenario in simulated time and report on it.",
        discussion: """
            Prints a Markdown summary (counts, throughput, latency percentiles, \
            venue utilisation, trace digest, wall-clock speed) and writes \
            report.json, summary.md and one HdrHistogram percentile file per \
            latency path (order-to-ack.hgrm, ...; nanoseconds) into the output \
            directory. The same scenario and seed always give the same trace \
            digest. A scenario's assertions are printed with their measured \
            values and written to report.json. Exit codes: 0 success, 1 when an \
            assertion of the scenario fails, 3 when --check finds a broken engine \
            invariant, 64 when the scenario cannot be read or an output cannot \
            be written.

            --twice runs the scenario twice in this process, keeping each \
            event of the first run (time, kind, key fields and the trace digest \
            after it) and comparing the second run with it event by event. \
            When they agree it says so, with the digest and the number of \
            events, and the report is the second run's; at the first event \
            that differs it stops, prints that event of each run (its index, \
            counted from 1, its simulated time and what it was) and exits 3, \
            as for a broken invariant (docs/determinism.md).

            Participants speak their flow's protocol to their venue (OUCH 4.2 \
            over SoupBinTCP 3.0, FIX 4.2 or 4.4) and each venue publishes \
            TotalView-ITCH 5.0 over MoldUDP64; docs/wire.md has the details.
            """
    )

    @Argument(help: "The scenario file (YAML).")
    var scenario: String

    @Option(help: "Override the scenario's seed.")
    var seed: UInt64?

    @Option(help: "Directory for report.json and summary.md (default: out/<scenario name>).")
    var out: String?

    @Flag(help: "Check the matching engine's invariants during and after the run.")
    var check = false

    @Flag(help: "Fold every venue's engine events into a digest, printed and reported: the same as exsim serve --engine-digest's for the same ordered requests.")
    var engineDigest = false

    @Flag(help: "Print only the digest and where the report went.")
    var quiet = false

    @Option(help: ArgumentHelp(
        "Write the run's traffic to this capture: nanosecond pcap, or pcapng when the name ends in .pcapng; zstd-compressed when it ends in .zst.",
        discussion: "Order entry as TCP streams (OUCH/SoupBinTCP on port 15000, FIX on 9878), market data as UDP to port 26477, as seen at the venues."))
    var capture: String?

    @Flag(help: "Run twice in this process and stop at the first event where the two runs differ (exit 3).")
    var twice = false

    /// A deliberate nondeterminism for tests of --twice: the second run
    /// records one extra word in its trace while handling this event, so
    /// the runs first differ at the next one.
    @Option(help: ArgumentHelp(visibility: .hidden))
    var perturbSecondRunAtEvent: UInt64?

    @Option(help: "Diagnostics on standard error: trace, debug, info, notice, warning, error or critical.")
    var logLevel: Logger.Level = .warning

    mutating func validate() throws {
        if perturbSecondRunAtEvent != nil && !twice {
            throw ValidationError("--perturb-second-run-at-event needs --twice")
        }
    }

    func run() throws {
        let log = makeLogger(level: logLevel)
        let drill = try loadDrill(scenario)
        var config = drill.config
        if let seed { config.seed = seed }
        log.info("loaded scenario", metadata: [
            "file": "\(scenario)", "name": "\(config.name)", "seed": "\(config.seed)",
            "venues": "\(config.venues.count)", "flows": "\(config.flows.count)",
        ])

        var simulation: Simulation
        do {
            simulation = try Simulation(config: config, checkInvariants: check, digestsEngineEvents: engineDigest)
        } catch {
            printError("\(scenario): \(error.description)")
            throw ExsimExit.badInput
        }
        // Printed as the user gave it (relative stays relative). Checked
        // before the run, so that a long run is never lost to a typo.
        let directoryName = out ?? "out/\(config.name)"
        let directory = URL(fileURLWithPath: directoryName)
        do {
            try prepareOutputDirectory(directory)
        } catch {
            printError("--out \(directoryName): \(error)")
            throw ExsimExit.badInput
        }
        var captureWriter: CaptureWriter? = nil
        if let capture {
            do {
                captureWriter = try CaptureWriter(path: capture, epochOffsetNs: TradingDay.epochNs(0))
            } catch {
                printError("cannot write the capture: \(error.description)")
                throw ExsimExit.badInput
            }
        }
        let progressLine = RunProgressLine(
            venueNames: config.venues.map(\.name), durationNs: config.durationNs,
            showsLine: !quiet && RunProgressLine.standardErrorIsTerminal)
        let started = WallClock.nowNs()
        let result: SimulationResult
        if twice {
            var first: Simulation
            do {
                first = try Simulation(config: config, checkInvariants: check, digestsEngineEvents: engineDigest)
            } catch {
                printError("\(scenario): \(error.description)")
                throw ExsimExit.badInput
            }
            let (_, trace) = first.runRecording(observation: RunObservation(observe: progressLine.observe))
            let comparison = simulation.runComparing(
                with: trace, capture: captureWriter, observation: RunObservation(observe: progressLine.observe),
                perturbingEvent: perturbSecondRunAtEvent)
            progressLine.clearLine()
            if let divergence = comparison.divergence {
                divergenceLines(divergence, trace: trace).forEach { print($0) }
                throw ExsimExit.invariantBroken
            }
            print("twice: both runs agree: \(trace.eventsDelivered) events, trace digest \(trace.finalDigest)"
                  + (trace.isTruncated ? " (events compared one by one up to #\(trace.count), then by the final digest)" : ""))
            result = comparison.result
        } else {
            result = simulation.run(capture: captureWriter, observation: RunObservation(observe: progressLine.observe))
        }
        InjectedDelay.afterRun(elapsedNs: WallClock.nowNs() - started)
        let elapsedSeconds = Double(WallClock.nowNs() - started) / 1e9
        progressLine.clearLine()

        if result.unsettledAtClose > 0 {
            printError("the day ended \(formatNanoseconds(SimulationLimits.longestDrainNs)) after the flows stopped with \(result.unsettledAtClose) messages still queued or in flight", prefix: "warning")
        }
        if let captureError = result.captureError {
            printError("the capture is incomplete: \(captureError)")
        }
        var report = RunReport(result: result, scenarioFile: scenario, elapsedSeconds: elapsedSeconds, captureFile: capture)
        let outcomes = drill.assertions.map { $0.evaluate(result) }
        if !outcomes.isEmpty { report.assertions = outcomes.map(AssertionSummary.init(_:)) }
        try report.jsonData().write(to: directory.appendingPathComponent("report.json"))
        let markdown = report.markdown()
        try Data(markdown.utf8).write(to: directory.appendingPathComponent("summary.md"))
        for recorder in [result.orderToAck, result.orderToFill, result.cancelToAck] {
            let file = directory.appendingPathComponent(hgrmFileName(recorder.name))
            try Data(recorder.percentileDistribution().utf8).write(to: file)
        }
        log.info("wrote report", metadata: ["directory": "\(directory.path)", "digest": "\(report.traceDigest)"])

        if quiet {
            print("trace digest \(report.traceDigest); report in \(directoryName)")
            if let assertions = report.assertions { report.assertionLines(assertions).forEach { print($0) } }
        } else {
            print(markdown, terminator: "")
            for venue in result.venues {
                guard let digest = venue.engineEventDigest else { continue }
                print("\(venue.name) engine digest: \(digest) (\(venue.engineEvents ?? 0) engine events)")
            }
            print("report: \((directoryName as NSString).appendingPathComponent("report.json"))")
        }
        if !report.invariants.passed { throw ExsimExit.invariantBroken }
        if result.captureError != nil { throw ExsimExit.badInput }
        if outcomes.contains(where: { !$0.passed }) { throw ExsimExit.checkFailed }
    }
}

/// `exsim run --twice`'s account of where the runs part.
func divergenceLines(_ divergence: TraceDivergence, trace: EventTrace) -> [String] {
    func line(_ label: String, _ event: TracedEvent?) -> String {
        guard let event else { return "  \(label) (no event: the run had ended)" }
        return "  \(label) #\(event.index) at \(formatNanoseconds(event.timeNs)) (\(event.timeNs) ns): \(event.description)"
    }
    let why = switch divergence.kind {
    case .differentEvent: "the events differ"
    case .differentFactsBefore: "the same event, but what the runs recorded while handling the events before it differs"
    case .oneRunEnded: "one run had ended"
    case .beyondRecordedEvents: "the \(trace.count) kept events agree; the final digests differ"
    }
    var lines = ["twice: the runs diverge at event #\(divergence.index): \(why)"]
    if divergence.kind != .beyondRecordedEvents {
        lines.append(line("first run: ", divergence.first))
        lines.append(line("second run:", divergence.second))
    }
    if let previous = divergence.previous {
        lines.append(line("both before:", previous))
    }
    lines.append("  first run: \(trace.eventsDelivered) events, trace digest \(trace.finalDigest)")
    return lines
}

/// Creates the output directory and proves it writable with a probe file.
func prepareOutputDirectory(_ directory: URL) throws {
    var isDirectory: ObjCBool = false
    if FileManager.default.fileExists(atPath: directory.path, isDirectory: &isDirectory), !isDirectory.boolValue {
        throw OutputDirectoryError(description: "exists and is not a directory")
    }
    do {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let probe = directory.appendingPathComponent(".exsim-write-probe")
        try Data().write(to: probe)
        try FileManager.default.removeItem(at: probe)
    } catch {
        throw OutputDirectoryError(description: "cannot be written (\(error.localizedDescription))")
    }
}

struct OutputDirectoryError: Error, CustomStringConvertible {
    var description: String
}

/// "order→ack" → "order-to-ack.hgrm".
func hgrmFileName(_ pathName: String) -> String {
    pathName.replacingOccurrences(of: "→", with: "-to-").replacingOccurrences(of: " ", with: "-") + ".hgrm"
}

extension Logger.Level: @retroactive ExpressibleByArgument {}

func makeLogger(level: Logger.Level) -> Logger {
    var logger = Logger(label: "exsim") { StreamLogHandler.standardError(label: $0) }
    logger.logLevel = level
    return logger
}

/// A scenario file, loaded and validated; a mistake is printed (file:line)
/// and ends the command with the bad-input code.
func loadScenario(_ path: String) throws -> SimulationConfig {
    try loadDrill(path).config
}

/// A scenario file with its assertions, as `loadScenario`.
func loadDrill(_ path: String) throws -> ScenarioDrill {
    do {
        return try ScenarioLoader.loadDrill(path: path)
    } catch {
        printError(error.description)
        throw ExsimExit.badInput
    }
}

func printError(_ message: String, prefix: String = "error") {
    FileHandle.standardError.write(Data("\(prefix): \(message)\n".utf8))
}

extension RunReport {
    /// A venue's captured feed replay as report.json gives it; nil without one.
    static func feedReplaySummary(of venue: VenueStatistics, config: SimulationConfig) -> FeedReplaySummary? {
        guard let replay = venue.feedReplay else { return nil }
        let source = config.feedReplays.first { $0.venue == venue.name }?.source ?? ""
        return FeedReplaySummary(
            source: source, messages: replay.messages, ordersAdded: replay.ordersAdded, ordersReduced: replay.ordersReduced,
            ordersDeleted: replay.ordersDeleted, ordersReplaced: replay.ordersReplaced, ordersGone: replay.ordersGone,
            ordersUnknown: replay.ordersUnknown, unknownStocks: replay.unknownStocks, refused: replay.refused,
            executions: replay.executions, executedQuantity: replay.executedQuantity, otherMessages: replay.otherMessages,
            malformed: replay.malformed)
    }

    /// Outages as report.json gives them: the intervals, the longest and
    /// the total, one still open counted to `runEndNs`.
    static func outageFigures(_ outages: [LinkOutage], runEndNs: Int64) -> (intervals: [OutageInterval], longestNs: Int64, totalNs: Int64) {
        let lengths = outages.map { $0.lengthNs(runEndNs: runEndNs) }
        return (outages.map { OutageInterval(startNs: $0.startNs, endNs: $0.endNs) }, lengths.max() ?? 0, lengths.reduce(0, +))
    }

    init(result: SimulationResult, scenarioFile: String?, elapsedSeconds: Double, captureFile: String? = nil) {
        let counts = RunCounts(
            ordersSent: result.counts.ordersSent, cancelsSent: result.counts.cancelsSent,
            replacesSent: result.counts.replacesSent, instructionsNotSent: result.counts.instructionsNotSent,
            ordersAccepted: result.counts.ordersAccepted, ordersRejected: result.counts.ordersRejected,
            instructionsRejected: result.counts.instructionsRejected, trades: result.counts.trades,
            cancelled: result.counts.cancelled, eventsDelivered: result.eventsDelivered)
        // Every flow sends from 0 until the configured duration and stops there
        // (Simulation.run); what venues still serve after it is in the counts,
        // not in the time.
        let flowDurationNs = result.config.durationNs
        let simulatedEndNs = max(result.endTimeNs, flowDurationNs)
        self.init(
            exsimVersion: Exsim.version,
            scenario: result.config.name,
            scenarioFile: scenarioFile,
            seed: result.config.seed,
            traceDigest: result.traceDigest,
            simulatedDurationNs: flowDurationNs,
            simulatedEndNs: simulatedEndNs,
            counts: counts,
            throughput: Throughput(
                counts: counts, simulatedDurationNs: flowDurationNs,
                messagesServedPerSimulatedSecond: result.instructionsServed.perSecond),
            latencies: [result.orderToAck.summary, result.orderToFill.summary, result.cancelToAck.summary],
            venues: result.venues.map {
                VenueSummary(name: $0.name, utilisation: $0.utilisation, maxQueueDepth: $0.maxQueueDepth, messagesServed: $0.instructionsServed,
                             engineEventDigest: $0.engineEventDigest, engineEvents: $0.engineEvents,
                             requestsThrottled: $0.requestsThrottled,
                             feedReplay: Self.feedReplaySummary(of: $0, config: result.config))
            },
            invariants: InvariantResult(checked: result.invariantsChecked, violations: result.invariantViolations),
            wire: WireSummary(
                messagesToVenues: result.wire.messagesToVenues, bytesToVenues: result.wire.bytesToVenues,
                messagesFromVenues: result.wire.messagesFromVenues, bytesFromVenues: result.wire.bytesFromVenues,
                feedPackets: result.wire.feedPackets, feedMessages: result.wire.feedMessages, feedBytes: result.wire.feedBytes,
                participantsByProtocol: Dictionary(
                    result.config.flows.map { ($0.orderEntryProtocol.rawValue, $0.participants) }
                        + result.config.orderEntryReplays.flatMap { $0.sessions.map { ($0.orderEntryProtocol.rawValue, 1) } },
                    uniquingKeysWith: +),
                captureFile: captureFile),
            wallClock: WallClockSummary(elapsedSeconds: elapsedSeconds, events: result.eventsDelivered, simulatedEndNs: simulatedEndNs),
            machine: MachineInfo.current(),
            network: result.config.venueLinks.isEmpty ? nil : NetworkSummary(
                links: result.links.map(LinkSummary.init(_:)), connectionsBroken: result.connectionsBroken,
                sessionsClosedEarly: result.sessionsClosedEarly, sessionsReconnected: result.sessionsReconnected,
                feeds: result.feeds.map {
                    FeedSummary(venue: $0.venue, messagesPublished: $0.messagesPublished, messagesDelivered: $0.messagesDelivered,
                                requestsSent: $0.requestsSent, duplicateMessages: $0.duplicateMessages, messagesLost: $0.messagesLost,
                                booksMatchVenue: $0.booksMatchVenue,
                                arbitration: $0.arbitration.map {
                                    FeedArbitrationSummary(windowNs: $0.windowNs, messagesFirstOnA: $0.messagesFirstOnA,
                                                           messagesFirstOnB: $0.messagesFirstOnB, gapsFilledWhileArbitrating: $0.gapsFilledWhileArbitrating)
                                })
                },
                outages: result.linkOutages.isEmpty && result.sharedLinkOutages.isEmpty ? nil : result.linkOutages.map { link in
                    let figures = Self.outageFigures(link.outages, runEndNs: simulatedEndNs)
                    return LinkOutageSummary(venue: link.venue, link: link.link.rawValue, intervals: figures.intervals,
                                             longestNs: figures.longestNs, totalNs: figures.totalNs)
                } + result.sharedLinkOutages.map { link in
                    // Named as the shared link's rows of `links` are.
                    let figures = Self.outageFigures(link.outages, runEndNs: simulatedEndNs)
                    return LinkOutageSummary(venue: link.venues.joined(separator: "+"), link: link.link, intervals: figures.intervals,
                                             longestNs: figures.longestNs, totalNs: figures.totalNs)
                },
                orderEntryAvailability: result.orderEntryPaths.isEmpty ? nil : result.orderEntryPaths.map { path in
                    let figures = Self.outageFigures(path.pathOutages, runEndNs: simulatedEndNs)
                    return OrderEntryAvailabilitySummary(
                        venue: path.venue,
                        withoutRedundancyPpm: OrderEntryPathReport.availabilityPartsPerMillion(path.primaryOutages, runEndNs: simulatedEndNs),
                        withRedundancyPpm: OrderEntryPathReport.availabilityPartsPerMillion(path.pathOutages, runEndNs: simulatedEndNs),
                        detectionNs: path.detectionNs, pathOutages: figures.intervals,
                        longestPathOutageNs: figures.longestNs, totalPathOutageNs: figures.totalNs,
                        packetsOverBackup: path.packetsOverBackup)
                }))
        numberedMessagesNotReceived = result.numberedMessagesNotReceived
        if Simulation.clientsMayReconnect(result.config) { requestsResent = result.requestsResent }
        if !result.orderEntryReplays.isEmpty {
            orderEntryReplays = result.orderEntryReplays.map {
                OrderEntryReplaySummary(
                    venue: $0.venue, source: $0.source, sessions: $0.sessions, requestsPlanned: $0.requestsPlanned,
                    ordersSent: $0.counts.ordersSent, cancelsSent: $0.counts.cancelsSent, replacesSent: $0.counts.replacesSent,
                    ordersAccepted: $0.counts.ordersAccepted, ordersRejected: $0.counts.ordersRejected,
                    instructionsRejected: $0.counts.instructionsRejected, executions: $0.counts.executions,
                    executedQuantity: $0.counts.executedQuantity, requestsNotSent: $0.counts.requestsNotSent)
            }
        }
        if !result.gatewayCrashes.isEmpty {
            gatewayCrashes = result.gatewayCrashes.map {
                GatewayCrashSummary(venue: $0.venue, atNs: $0.atNs, action: $0.silent ? "host_crash" : "gateway_crash",
                                    acceptsAgainAtNs: $0.acceptsAgainAtNs, byStandby: $0.byStandby,
                                    sessionState: $0.sessionStateLost ? "lost" : nil, sessionsReset: $0.sessionsReset, sessionsRecovered: $0.sessionsRecovered,
                                    connectionAttempts: $0.connectionAttempts, recoveryNs: $0.recoveryNs)
            }
        }
        latencyAttribution = result.latencyAttribution.map { v in
            func transit(_ t: TransitTotals) -> TransitSummary {
                TransitSummary(writes: t.writes, queueingNs: t.sum.queueingNs, serializationNs: t.sum.serializationNs,
                               propagationNs: t.sum.propagationNs, jitterNs: t.sum.jitterNs,
                               retransmissionNs: t.sum.retransmissionNs, heldForOrderNs: t.sum.heldForOrderNs)
            }
            let served = Double(max(v.messagesServed, 1))
            return LatencyAttributionSummary(
                venue: v.venue, toVenue: transit(v.toVenue), messagesServed: v.messagesServed,
                venueQueueMeanNs: Double(v.queueWaitNs) / served, venueServiceMeanNs: Double(v.serviceNs) / served,
                fromVenue: transit(v.fromVenue), sharedLink: v.sharedLink,
                toVenueShared: v.sharedLink == nil ? nil : transit(v.toVenueShared),
                fromVenueShared: v.sharedLink == nil ? nil : transit(v.fromVenueShared))
        }
    }
}

extension LinkSummary {
    init(_ report: LinkReport) {
        let s = report.statistics
        self.init(
            venue: report.venue, link: report.link, packetsSent: s.packetsSent, bytesSent: s.bytesSent,
            packetsDelivered: s.packetsDelivered, bytesDelivered: s.bytesDelivered, packetsDuplicated: s.packetsDuplicated,
            packetsReordered: s.packetsReordered,
            // "link_down" only where it can happen, so that reports of runs without faults keep their keys.
            drops: s.droppedLinkDown == 0 ? ["queue_full": s.droppedQueueFull, "lost": s.droppedLost]
                : ["queue_full": s.droppedQueueFull, "lost": s.droppedLost, "link_down": s.droppedLinkDown],
            queueHighWaterBytes: s.queueHighWaterBytes,
            tcp: report.tcp.map {
                TCPSummary(segments: $0.segments, retransmissions: $0.retransmissions, segmentsHeldForOrder: $0.segmentsHeldForOrder,
                           duplicatesDiscarded: $0.duplicatesDiscarded, breaks: $0.breaks)
            })
    }
}

extension AssertionSummary {
    init(_ outcome: ScenarioAssertionOutcome) {
        self.init(name: outcome.assertion.kind.rawValue, bound: outcome.boundText,
                  boundValue: outcome.assertion.bound, measured: outcome.measuredText, measuredValue: outcome.measured,
                  unit: outcome.assertion.kind.isDuration ? "ns" : outcome.assertion.kind.isShare ? "ppm" : "count",
                  passed: outcome.passed)
    }
}
