import ArgumentParser
import Dispatch
import Foundation
import Live
import Measure
import Report
import Scenario
import Simulation

/// `exsim serve`: the scenario's venues on real sockets of this machine.
struct ServeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve a scenario's venues on real sockets, for a real execution stack to connect to.",
        discussion: """
            Each venue listens on TCP for the order entry its scenario's \
            order_entry allows: OUCH 4.2 over SoupBinTCP 3.0, and FIX 4.2/4.4 \
            (one socket for both versions). With --feed-to, its TotalView-ITCH \
            5.0 feed goes out as MoldUDP64 datagrams to that address (unicast, \
            or a multicast group by --feed-interface), and a \
            MoldUDP64 re-request service answers on a UDP port of its own \
            (missed packets are sent back to the requester). Ports \
            are chosen by the system unless given; they are printed and, with \
            --ports-file, written as JSON.

            Accounts: P1 ... P<--accounts>, password exsim. OUCH: the Login \
            Request's username is the account. FIX: SenderCompID is the \
            account, TargetCompID the venue's name, Password (554) exsim.

            Runs until SIGINT or SIGTERM (or --duration), then ends the day \
            (SoupBinTCP End of Session, FIX Logout), waits up to 5 s for \
            clients to go, and writes serve-report.json into the output \
            directory. With --tls-certificate and --tls-key, every TCP socket \
            speaks TLS; with --tls-client-ca as well, a client must present a \
            certificate that chains to that file's, or its handshake fails and \
            it gets no session (the venue goes on). With --metrics-port, Prometheus metrics are served at \
            http://HOST:PORT/metrics. On a terminal, a progress line on \
            standard error shows each venue's counts once a second. Exit \
            codes: 0 success, 64 bad input, 69 an address (an order-entry \
            or the metrics port) is already in use or cannot be bound.
            """
    )

    @Argument(help: "The scenario file (YAML): its venues, symbols and order-entry protocols.")
    var scenario: String

    @Option(help: "The address every socket binds to.")
    var host = "127.0.0.1"

    @Option(help: ArgumentHelp(
        "A listening port: VENUE.ouch=PORT or VENUE.fix=PORT (repeatable), or a bare PORT when the scenario has one order-entry socket.",
        discussion: "Port 0, the default, lets the system choose a free port.", valueName: "venue.protocol=port"))
    var port: [String] = []

    @Option(help: ArgumentHelp(
        "Send the ITCH feed to HOST:PORT by UDP (every venue), or VENUE=HOST:PORT (repeatable).",
        discussion: "Without it, no feed is sent.", valueName: "host:port"))
    var feedTo: [String] = []

    @Option(help: ArgumentHelp(
        "For a multicast --feed-to (224.0.0.0/4): the IPv4 address of the interface the feed leaves by (default: --host's).",
        valueName: "address"))
    var feedInterface: String?

    @Option(help: ArgumentHelp("For a multicast --feed-to: the datagrams' TTL (hops).", valueName: "n"))
    var feedTTL = 1

    @Option(help: ArgumentHelp("Accounts per venue: P1 to P<N>.", valueName: "n"))
    var accounts = 8

    @Option(help: ArgumentHelp("Write the venues' addresses, ports and accounts to this JSON file once they listen.", valueName: "file"))
    var portsFile: String?

    @Option(help: ArgumentHelp("Stop by itself after this long (e.g. 30s, 500ms); without it, run until SIGINT or SIGTERM.", valueName: "duration"))
    var duration: String?

    @Option(help: ArgumentHelp("Directory for serve-report.json (default: out/<scenario name>).", valueName: "dir"))
    var out: String?

    @Flag(help: "Fold every engine event into a digest per venue, printed and reported: the same as exsim run --engine-digest's for the same ordered requests.")
    var engineDigest = false
    @Option(help: ArgumentHelp(
        "Serve Prometheus metrics over HTTP at http://HOST:PORT/metrics (0: any free port).",
        discussion: "Orders, trades, rejects, sessions, bytes and messages in and out per venue, and the gateway's order→ack time.",
        valueName: "port"))
    var metricsPort: Int?

    @Option(help: ArgumentHelp(
        "Connections a venue holds open at once; one more is closed on arrival.", valueName: "n"))
    var maxConnections = LiveVenueConfiguration.defaultMaximumConnections

    @Option(help: ArgumentHelp(
        "Bytes a connection's output may queue in the venue (beyond the kernel's socket buffer) before its session is ended as a slow consumer.",
        valueName: "bytes"))
    var maxQueuedOutputBytes = LiveVenueConfiguration.defaultMaximumQueuedOutputBytes

    @Option(help: ArgumentHelp(
        "Speak TLS on every venue's TCP sockets with this certificate chain (PEM, leaf first); needs --tls-key.",
        valueName: "file"))
    var tlsCertificate: String?

    @Option(help: ArgumentHelp("The private key (PEM) of --tls-certificate.", valueName: "file"))
    var tlsKey: String?

    @Option(help: ArgumentHelp(
        "Ask every TLS client for a certificate that chains to one of this file's (PEM) and refuse the handshake without one; needs --tls-certificate.",
        valueName: "file"))
    var tlsClientCA: String?

    @Option(help: ArgumentHelp(
        "Write every venue's traffic to this capture: nanosecond pcap, or pcapng when the name ends in .pcapng; zstd-compressed when it ends in .zst.",
        discussion: "Order entry as the TCP connections the venues accepted (a handshake, the bytes read and written, a FIN exchange), the feed and MoldUDP64 re-requests as UDP, stamped with the wall clock when the venue handed the bytes over.",
        valueName: "file"))
    var capture: String?

    /// Whether a served venue holds its answers for the scenario's service time.
    enum ServiceTimeMode: String, ExpressibleByArgument, CaseIterable {
        case off, modelled
    }

    @Option(help: ArgumentHelp(
        "off: answer as fast as the gateway can (the bare gateway); modelled: hold each read's answers for the venue's service_time per request, drawn from the scenario's seed, the event loop busy meanwhile as one matching thread would be.",
        valueName: "off|modelled"))
    var serviceTime: ServiceTimeMode = .off

    @Option(help: ArgumentHelp(
        "How long after the venues listen the scenario's captured feeds (replay:) start, so that a stack can connect first.",
        valueName: "duration"))
    var replayDelay = "0s"

    func run() throws {
        let config = try loadScenario(scenario)
        if !config.venueLinks.isEmpty {
            printError("the scenario's network links are simulated only; exsim serve uses the real network", prefix: "note")
        }
        guard (1...LiveAccounts.maximumCount).contains(accounts) else {
            printError("--accounts \(accounts): expected 1 to \(LiveAccounts.maximumCount)")
            throw ExsimExit.badInput
        }
        var durationNs: Int64?
        if let duration {
            guard let parsed = ScenarioValues.duration(duration), parsed > 0 else {
                printError("--duration \(duration): expected a duration like 500ms or 30s")
                throw ExsimExit.badInput
            }
            durationNs = parsed
        }
        guard let replayDelayNs = ScenarioValues.duration(replayDelay), replayDelayNs >= 0 else {
            printError("--replay-delay \(replayDelay): expected a duration like 5s or 500ms")
            throw ExsimExit.badInput
        }
        guard maxConnections > 0 else {
            printError("--max-connections \(maxConnections): expected at least 1")
            throw ExsimExit.badInput
        }
        guard maxQueuedOutputBytes >= 1_024 else {
            printError("--max-queued-output-bytes \(maxQueuedOutputBytes): expected at least 1024")
            throw ExsimExit.badInput
        }
        if let metricsPort, !(0...65_535).contains(metricsPort) {
            printError("--metrics-port \(metricsPort): expected a port from 0 to 65535")
            throw ExsimExit.badInput
        }
        guard (1...255).contains(feedTTL) else {
            printError("--feed-ttl \(feedTTL): expected 1 to 255")
            throw ExsimExit.badInput
        }
        var tls: LiveTLSContext?
        switch (tlsCertificate, tlsKey) {
        case (nil, nil):
            break
        case (let certificate?, let key?):
            do {
                tls = try LiveTLSContext.server(certificateFile: certificate, keyFile: key, clientCertificateAuthoritiesFile: tlsClientCA)
            } catch {
                printError("--tls-certificate/--tls-key\(tlsClientCA == nil ? "" : "/--tls-client-ca"): \(error.description)")
                throw ExsimExit.badInput
            }
        default:
            printError("--tls-certificate and --tls-key go together")
            throw ExsimExit.badInput
        }
        if tlsClientCA != nil, tls == nil {
            printError("--tls-client-ca needs --tls-certificate and --tls-key: client certificates are asked for in a TLS handshake")
            throw ExsimExit.badInput
        }
        var plan: ServeListenPlan
        do {
            plan = try ServeListenPlan(venues: config.venues, accounts: LiveAccounts(count: accounts), ports: port, feedTo: feedTo)
        } catch {
            printError(error.description)
            throw ExsimExit.badInput
        }
        var recorder: CaptureTrafficRecorder?
        if let capture {
            do {
                recorder = try CaptureTrafficRecorder(path: capture)
            } catch {
                printError("--capture: cannot write the capture: \(error.description)")
                throw ExsimExit.badInput
            }
        }
        for index in plan.venues.indices {
            plan.venues[index].maximumConnections = maxConnections
            plan.venues[index].maximumQueuedOutputBytes = maxQueuedOutputBytes
            plan.venues[index].gateway.digestsEngineEvents = engineDigest
            plan.venues[index].feedMulticastInterface = feedInterface
            plan.venues[index].feedMulticastTTL = feedTTL
            plan.venues[index].tls = tls
            plan.venues[index].recorder = recorder
            if serviceTime == .modelled {
                plan.venues[index].serviceTime = ServiceTimeSampler(
                    model: config.venues[index].serviceTime,
                    random: RandomStream(scenarioSeed: config.seed, component: "venue.\(config.venues[index].name).service"),
                    longestSampleNs: SimulationLimits.longestServiceSampleNs)
            }
        }
        for replay in config.feedReplays {
            // The loader checked that the venue exists.
            guard let index = plan.venues.firstIndex(where: { $0.name == replay.venue }) else { continue }
            plan.venues[index].feedReplay = LiveFeedReplay(source: replay.source, messages: replay.messages)
        }
        if !config.orderEntryReplays.isEmpty {
            printError("the scenario's order-entry replays are a client's part: play them against this server "
                       + "with exsim replay CAPTURE --order-entry --ports-file FILE", prefix: "note")
        }
        let directoryName = out ?? "out/\(config.name)"
        do {
            try prepareOutputDirectory(URL(fileURLWithPath: directoryName))
        } catch {
            printError("--out \(directoryName): \(error)")
            throw ExsimExit.badInput
        }

        let stop = ServeStopSignal()
        let server: LiveServer
        do {
            server = try LiveServer.start(venues: plan.venues, host: host, metricsPort: metricsPort, feedReplayDelayNs: replayDelayNs)
        } catch {
            printError(error.description)
            _ = recorder?.finish()
            switch error {
            case .addressInUse, .cannotBind, .metricsAddressInUse: throw ExsimExit.addressUnavailable
            case .badFeedDestination: throw ExsimExit.badInput
            }
        }
        let started = DispatchTime.now().uptimeNanoseconds
        for venue in server.endpoints { printEndpoints(venue) }
        if let port = server.metricsPort { print("metrics http://\(host):\(port)/metrics") }
        for venue in plan.venues {
            guard let replay = venue.feedReplay, let last = replay.messages.timesNs.last else { continue }
            print("\(venue.name) replays \(replay.messages.count) captured ITCH messages of \(replay.source) "
                  + "from \(formatNanoseconds(replayDelayNs + replay.messages.timesNs[0])) to "
                  + "\(formatNanoseconds(replayDelayNs + last)) after the venues listen")
        }
        // A script that waits for the ports file then reads standard output
        // finds the lines above there already.
        fflush(nil)
        if let portsFile {
            do {
                try writePortsFile(server.endpoints, metricsPort: server.metricsPort, to: portsFile)
            } catch {
                printError("--ports-file \(portsFile): \(error.localizedDescription)")
                _ = server.shutdown()
                throw ExsimExit.badInput
            }
        }
        print(durationNs.map { "serving for \(formatNanoseconds($0)); SIGINT or SIGTERM stops sooner" }
              ?? "serving; SIGINT or SIGTERM stops")
        fflush(nil)  // the ports reach a pipe reader before serving starts

        let progress = ServeProgressLine.startIfTerminal(server: server)
        stop.wait(timeoutNs: durationNs)
        progress?.stop()
        let reports = server.shutdown()
        let elapsedSeconds = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
        let report = LiveServeReport(scenario: scenario, elapsedSeconds: elapsedSeconds, venues: reports)
        let reportPath = (directoryName as NSString).appendingPathComponent("serve-report.json")
        do {
            try encodeJSON(report).write(to: URL(fileURLWithPath: reportPath))
        } catch {
            printError("cannot write \(reportPath): \(error.localizedDescription)")
            throw ExsimExit.badInput
        }
        for venue in reports {
            print("\(venue.name): \(venue.connectionsAccepted) connection(s), \(venue.requests) request(s), "
                  + "\(venue.answers.accepted) accepted, \(venue.answers.rejected) rejected, \(venue.trades) trade(s), "
                  + "\(venue.bytesIn) bytes in, \(venue.bytesOut) bytes out")
            if let throttled = venue.requestsThrottled {
                print("\(venue.name): \(throttled) request(s) refused over the per-session throttle")
            }
            if let digest = venue.engineEventDigest {
                print("\(venue.name) engine digest: \(digest) (\(venue.engineEvents ?? 0) engine events)")
            }
            if let replay = venue.feedReplay {
                var line = "\(venue.name): replayed \(replay.statistics.messages) of \(replay.messagesPlanned) captured messages "
                    + "(\(replay.statistics.ordersAdded) orders added, \(replay.statistics.executions) executions against them)"
                if let lateness = replay.lateness {
                    line += ", applied late by p50 \(formatNanoseconds(lateness.p50Ns)), p99 \(formatNanoseconds(lateness.p99Ns)), "
                        + "max \(formatNanoseconds(lateness.maxNs))"
                }
                print(line)
            }
            if let orderAck = venue.gatewayOrderAck {
                print("\(venue.name): gateway order→ack (read → ack handed to the flush, \(orderAck.count) orders) "
                      + "p50 \(formatNanoseconds(orderAck.p50Ns)), p90 \(formatNanoseconds(orderAck.p90Ns)), "
                      + "p99 \(formatNanoseconds(orderAck.p99Ns)), p99.9 \(formatNanoseconds(orderAck.p999Ns)), "
                      + "max \(formatNanoseconds(orderAck.maxNs))")
            }
            if let flushed = venue.gatewayOrderAckFlushed {
                print("\(venue.name): gateway order→ack flushed (kernel send included) "
                      + "p50 \(formatNanoseconds(flushed.p50Ns)), p90 \(formatNanoseconds(flushed.p90Ns)), "
                      + "p99 \(formatNanoseconds(flushed.p99Ns)), p99.9 \(formatNanoseconds(flushed.p999Ns)), "
                      + "max \(formatNanoseconds(flushed.maxNs))")
            }
        }
        print("report: \(reportPath)")
        if let recorder {
            switch recorder.finish() {
            case .success(let packets):
                print("capture: \(recorder.path) (\(packets) packets)")
            case .failure(let error):
                printError("the capture is incomplete: \(error.description)")
                throw ExsimExit.badInput
            }
        }
    }

    func printEndpoints(_ venue: LiveVenueEndpoints) {
        let tls = venue.tls == true ? " (TLS)" : ""
        if let port = venue.ouchPort { print("\(venue.name) ouch42 \(venue.host):\(port)\(tls)") }
        if let port = venue.fixPort { print("\(venue.name) fix (\(venue.fixVersions.joined(separator: ", "))) \(venue.host):\(port)\(tls)") }
        if let port = venue.itchPort { print("\(venue.name) itch over soupbintcp \(venue.host):\(port)\(tls)") }
        if let port = venue.feedSourcePort, let destination = venue.feedDestination {
            print("\(venue.name) itch feed from \(venue.host):\(port) to \(destination)\(venue.feedMulticast == true ? " (multicast)" : "")")
        }
        if let port = venue.feedRequestPort { print("\(venue.name) moldudp64 re-request \(venue.host):\(port)") }
    }

    /// Written whole and renamed into place, so a script that polls for the
    /// file never reads half of it.
    func writePortsFile(_ endpoints: [LiveVenueEndpoints], metricsPort: Int?, to path: String) throws {
        try encodeJSON(ServePortsFile(venues: endpoints, metricsPort: metricsPort))
            .write(to: URL(fileURLWithPath: path), options: .atomic)
    }

    func encodeJSON(_ value: some Encodable) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        return try encoder.encode(value)
    }
}

/// The `--ports-file` document.
struct ServePortsFile: Codable {
    var venues: [LiveVenueEndpoints]
    /// The HTTP port of `/metrics`, with --metrics-port.
    var metricsPort: Int?
}

/// SIGINT and SIGTERM, turned from process signals into a wait the
/// command's thread can block on.
final class ServeStopSignal {
    let stopped = DispatchSemaphore(value: 0)
    let sources: [any DispatchSourceSignal]

    init() {
        var sources: [any DispatchSourceSignal] = []
        for signalNumber in [SIGINT, SIGTERM] {
            // Ignored as signals so that the dispatch source, not the default
            // action (exit at once), sees them.
            signal(signalNumber, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: .global())
            let stopped = stopped
            source.setEventHandler { stopped.signal() }
            source.resume()
            sources.append(source)
        }
        self.sources = sources
    }

    /// Returns at the first signal, or after `timeoutNs` if given.
    func wait(timeoutNs: Int64?) {
        if let timeoutNs {
            _ = stopped.wait(timeout: .now() + .nanoseconds(Int(timeoutNs)))
        } else {
            stopped.wait()
        }
    }
}
