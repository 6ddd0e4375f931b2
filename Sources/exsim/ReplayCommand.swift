import ArgumentParser
import Capture
import Foundation
import Replay
import Report
import Scenario
import Simulation

/// `exsim replay FILE --feed-to HOST:PORT`: play a capture's MoldUDP64 feed
/// onto a real UDP socket at a controlled speed.
struct ReplayCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replay",
        abstract: "Replay a capture onto real sockets: its MoldUDP64/ITCH feed to a UDP address, or its client order entry to a venue; as recorded, ×N, at a fixed rate or at top speed.",
        discussion: """
            exsim plays the venue's side of the feed: every UDP datagram of the capture \
            that carries MoldUDP64 (by --port, else exsim's own feed port 26477, else its \
            framing) goes to --feed-to as one datagram, byte for byte, in capture order. \
            TCP segments are never sent as captured.

            With --order-entry and --ports-file, exsim plays the clients' side instead: \
            each captured OUCH or FIX session (a TCP connection, in the order its client \
            first sent) logs in afresh as the venue's next account, in the ports file's \
            order, speaking its captured protocol (FIX version by its BeginString), and \
            sends its captured orders, cancels and replaces at their paced times over \
            one event loop. Token and ClOrdID are rewritten consistently (a stamp of \
            this run, the session, a counter), so a venue that keeps the day's ids \
            never sees one twice. Requests the venue's port would refuse before its \
            book (an unlisted stock) and FIX resends (PossDupFlag Y) are not sent. \
            Printed: what was sent and answered, the send-time error and order→ack \
            from send. Exits 1 when orders stay unanswered after --drain-timeout or \
            the venue closes a session, 69 when it cannot be reached or refuses a login.

            Pacing: as recorded by default; --speed N divides every recorded gap by N \
            (a burst recorded together leaves together); --rate R/s spaces datagrams \
            evenly; --top-speed sends as fast as the socket takes them, up to 256 \
            datagrams per system call (sendmmsg), a run of one size cut by the kernel \
            (UDP_SEGMENT). --compress-gaps D shortens any recorded \
            gap longer than D to D, before --speed applies.

            Each send waits on CLOCK_MONOTONIC: a sleep to within --spin (200 µs) of its \
            planned time, then a spin. --realtime-priority keeps other processes from \
            preempting it; the kernel then stops a task that never sleeps for 50 ms each \
            second (sched_rt_runtime_us), so pair it with a --spin shorter than the gaps.

            Printed at the end: datagrams and bytes sent, the achieved rate, the \
            send-time error (the time just before the datagram's send call minus its \
            planned time) at p50, p99, p99.9 and max, the drift (the last datagram's \
            error), and the machine with its load average.

            The capture is read on a thread of its own, ahead of the sends: a feed of up \
            to --read-ahead-bytes (256 MiB) is read whole before the first send, a larger \
            one is streamed with that much read ahead.

            Exits 64 on a missing, unreadable, truncated or corrupt capture (for a fault \
            found after the sends began, once the datagrams before it are sent), a capture \
            without MoldUDP64, or a bad option; 69 when a send fails (the destination \
            cannot be reached).
            """
    )

    @Argument(help: "A .pcap, .pcapng, .pcap.zst or .pcapng.zst file.")
    var file: String

    @Option(help: ArgumentHelp("Send the feed to this UDP address (an IPv4 address or a host name).", valueName: "HOST:PORT"))
    var feedTo: String?

    @Flag(help: "Replay onto real sockets (implied; a scenario's replay: section replays a capture into the simulator instead).")
    var live = false

    @Option(help: ArgumentHelp("Play N times faster than recorded (e.g. 10, 0.5).", valueName: "N"))
    var speed: String?

    @Option(help: ArgumentHelp("Send at a fixed rate, evenly spaced (e.g. 1e6/s, 250k/s, 1000).", valueName: "R/s"))
    var rate: String?

    @Flag(help: "Send as fast as possible.")
    var topSpeed = false

    @Option(help: ArgumentHelp("Shorten any recorded gap longer than this to this (e.g. 1s, 500ms).", valueName: "duration"))
    var compressGaps: String?

    @Option(help: ArgumentHelp("Run the send loop under SCHED_FIFO at this priority (1-99; needs root or CAP_SYS_NICE), so that other processes cannot preempt its spin.", valueName: "priority"))
    var realtimePriority: Int32?

    @Option(help: ArgumentHelp("Spin on the clock for this long before each planned send, sleeping before that (e.g. 200us, 20us, 0ns; default 200us).", valueName: "duration"))
    var spin: String?

    @Option(help: ArgumentHelp("Hold at most this many bytes of datagrams in memory, read ahead of the sends; a feed that fits is read whole before the first send (default 256 MiB).", valueName: "bytes"))
    var readAheadBytes: Int?

    @Flag(help: "Replay the capture's client order entry (OUCH and FIX sessions) to the venue in --ports-file instead of its feed.")
    var orderEntry = false

    @Option(help: ArgumentHelp("With --order-entry: exsim serve's ports file, for the venue's address, ports, accounts and symbols.", valueName: "file"))
    var portsFile: String?

    @Option(name: .customLong("venue"), help: ArgumentHelp("With --order-entry: the venue in --ports-file (needed when it has several).", valueName: "name"))
    var venueName: String?

    @Option(help: ArgumentHelp("With --order-entry: which captured sessions, all (the default), ouch42 or fix.", valueName: "choice"))
    var sessions: String?

    @Option(help: ArgumentHelp("With --order-entry: how long to wait for the last answers after the last send (default 5s).", valueName: "duration"))
    var drainTimeout: String?

    @OptionGroup(title: "With --order-entry: TLS to the venue") var tlsOptions: ClientTLSOptions

    @OptionGroup var portOptions: CapturePortOptions

    @Option(help: "Also write the figures as JSON to this file.")
    var json: String?

    func run() throws {
        let mode = try pacingMode()
        var gapLimitNs: Int64?
        if let compressGaps {
            guard let parsed = ScenarioValues.duration(compressGaps), parsed >= 0 else {
                printError("--compress-gaps \(compressGaps): expected a duration like 500ms or 1s")
                throw ExsimExit.badInput
            }
            gapLimitNs = parsed
        }
        if orderEntry {
            let feedOnly = [("--spin", spin != nil), ("--read-ahead-bytes", readAheadBytes != nil),
                            ("--realtime-priority", realtimePriority != nil)].filter(\.1).map(\.0)
            guard feedOnly.isEmpty else {
                printError("\(feedOnly.joined(separator: ", ")) pace the feed's datagrams; --order-entry sends on an event loop's timers")
                throw ExsimExit.badInput
            }
            try runOrderEntry(mode: mode, gapLimitNs: gapLimitNs)
            return
        }
        let orderEntryOnly = [("--ports-file", portsFile != nil), ("--venue", venueName != nil), ("--sessions", sessions != nil),
                              ("--drain-timeout", drainTimeout != nil), ("the --tls options", tlsOptions.isGiven)].filter(\.1).map(\.0)
        guard orderEntryOnly.isEmpty else {
            printError("\(orderEntryOnly.joined(separator: ", ")) go with --order-entry; the feed goes to --feed-to HOST:PORT")
            throw ExsimExit.badInput
        }
        let spinNs = try PacerSettings.spinNs(spin ?? "200us")
        let readAheadBytes = readAheadBytes ?? 256 << 20
        guard let feedTo else {
            printError("replay needs --feed-to HOST:PORT: where to send the feed")
            throw ExsimExit.badInput
        }
        guard let (host, port) = Self.parseAddress(feedTo) else {
            printError("--feed-to \(feedTo): expected HOST:PORT, the port 1 to 65535")
            throw ExsimExit.badInput
        }
        try PacerSettings.check(realtimePriority: realtimePriority)
        guard readAheadBytes > 0 else {
            printError("--read-ahead-bytes \(readAheadBytes): expected a positive number of bytes")
            throw ExsimExit.badInput
        }
        let portMap = try portOptions.portMap()
        let sender: UDPDatagramSender
        do {
            sender = try UDPDatagramSender(host: host, port: port)
        } catch {
            printError("--feed-to \(feedTo): \(error.description)")
            throw ExsimExit.badInput
        }

        let stream: ReplayDatagramStream
        do {
            stream = try ReplayDatagramStream(path: file, portMap: portMap, readAheadBytes: readAheadBytes)
        } catch {
            printError(error.description)
            throw ExsimExit.badInput
        }
        stream.start()
        guard stream.waitUntilReady() else {
            if let failure = stream.failure {
                printError(failure.description)
            } else {
                let counts = stream.counts
                printError("\(file): no MoldUDP64 datagrams in \(counts.packets) packets (\(counts.tcpSegmentsSkipped) TCP segments, \(counts.otherUDPSkipped) other UDP datagrams); name the feed's UDP port with --port PORT=moldudp64")
            }
            throw ExsimExit.badInput
        }

        print("exsim \(Exsim.version) · replay \(file) → \(sender.destination) (UDP)")
        print("machine: \(MachineInfo.current().description) · load average \(Self.loadAverage())")
        #if DEBUG
        print("warning: this is a debug build; rates and send-time errors are not representative (use swift build -c release)")
        #endif
        print("pacing: \(mode)\(gapLimitNs.map { ", recorded gaps over \(formatNanoseconds($0)) compressed to it" } ?? "")")
        if let realtimePriority {
            try PacerSettings.raise(to: realtimePriority)
            print("scheduling: SCHED_FIFO priority \(realtimePriority), spinning the last \(formatNanoseconds(spinNs)) before each send")
        }
        let schedule = ReplaySchedule(mode: mode, gapLimitNs: gapLimitNs)
        let result: LiveReplayResult
        do {
            result = try LiveReplay.run(chunks: { stream.next() }, schedule: schedule, sender: sender, spinThresholdNs: spinNs)
        } catch {
            printError(error.description)
            throw ExsimExit.addressUnavailable
        }
        while stream.next() != nil {}
        let counts = stream.counts
        var skipped = "\(formatCount(counts.tcpSegmentsSkipped)) TCP segments (never replayed), \(formatCount(counts.otherUDPSkipped)) other UDP datagrams"
        if counts.invalidMoldUDP64 > 0 { skipped += ", \(counts.invalidMoldUDP64) invalid MoldUDP64 datagrams" }
        if counts.truncatedMoldUDP64 > 0 { skipped += ", \(counts.truncatedMoldUDP64) cut by the snap length" }
        if counts.untrackedFlows > 0 { skipped += ", \(counts.untrackedFlows) of flows beyond \(MoldUDP64DatagramPicker.maximumFlows)" }
        print("capture: \(formatCount(result.datagrams)) MoldUDP64 datagrams (\(formatBytes(result.bytes))) of \(formatCount(counts.packets)) packets; skipped \(skipped)")
        print("sent: \(formatCount(result.datagrams)) datagrams, \(formatBytes(result.bytes)) in \(String(format: "%.6f", Double(result.elapsedNs) / 1e9)) s (planned \(String(format: "%.6f", Double(result.plannedSpanNs) / 1e9)) s): \(formatCount(Int(result.datagramsPerSecond.rounded()))) datagrams/s, \(formatBytes(Int(result.bytesPerSecond.rounded())))/s, \(formatCount(result.sendCalls)) send calls")
        if result.refusedSends > 0 {
            print("refused: \(formatCount(result.refusedSends)) sends answered by ICMP port unreachable and retried: nobody listens on \(sender.destination)")
        }
        if let errors = result.sendErrors, let drift = result.driftNs {
            print("send-time error (actual − planned): p50 \(formatNanoseconds(errors.p50Ns)) · p99 \(formatNanoseconds(errors.p99Ns)) · p99.9 \(formatNanoseconds(errors.p999Ns)) · max \(formatNanoseconds(errors.maxNs)) over \(formatCount(errors.count)) datagrams")
            print("drift (the last datagram's error): \(formatNanoseconds(drift))")
        } else {
            print("send-time error: none planned at top speed")
        }
        if let json { try writeJSON(json, result: result, mode: mode, gapLimitNs: gapLimitNs, destination: sender.destination) }
        if let failure = stream.failure {
            printError("\(failure.description) (the datagrams before it were sent)")
            throw ExsimExit.badInput
        }
    }

    func pacingMode() throws -> PacingMode {
        let chosen = [speed != nil, rate != nil, topSpeed].filter { $0 }.count
        guard chosen <= 1 else {
            printError("choose one of --speed, --rate and --top-speed")
            throw ExsimExit.badInput
        }
        if let speed {
            guard let factor = ReplayRatio(parsing: speed) else {
                printError("--speed \(speed): expected a positive number like 10 or 0.5")
                throw ExsimExit.badInput
            }
            return factor == ReplayRatio(1) ? .asRecorded : .speed(factor)
        }
        if let rate {
            guard let perSecond = Self.parseRate(rate) else {
                printError("--rate \(rate): expected a positive rate like 1e6/s, 250k/s or 1000")
                throw ExsimExit.badInput
            }
            return .fixedRate(datagramsPerSecond: perSecond)
        }
        return topSpeed ? .topSpeed : .asRecorded
    }

    /// `1e6/s`, `250k/s`, `1M/s` or a bare number: datagrams per second.
    static func parseRate(_ text: String) -> ReplayRatio? {
        var number = Substring(text)
        if number.hasSuffix("/s") { number = number.dropLast(2) }
        var multiplier: Int64 = 1
        if number.hasSuffix("k") { multiplier = 1_000; number = number.dropLast() }
        else if number.hasSuffix("M") { multiplier = 1_000_000; number = number.dropLast() }
        guard let value = ReplayRatio(parsing: String(number)) else { return nil }
        let (numerator, overflow) = value.numerator.multipliedReportingOverflow(by: multiplier)
        return overflow ? nil : ReplayRatio(numerator, value.denominator)
    }

    /// `HOST:PORT`, the port 1 to 65535.
    static func parseAddress(_ text: String) -> (String, Int)? {
        guard let colon = text.lastIndex(of: ":"), colon != text.startIndex,
              let port = Int(text[text.index(after: colon)...]), (1...65_535).contains(port) else { return nil }
        return (String(text[..<colon]), port)
    }

    /// The 1, 5 and 15 minute load averages, from /proc/loadavg.
    static func loadAverage() -> String {
        let text = (try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8)) ?? ""
        let fields = text.split(separator: " ").prefix(3)
        return fields.count == 3 ? fields.joined(separator: " ") : "unknown"
    }

    struct ReplayJSON: Encodable {
        var file: String
        var destination: String
        var pacing: String
        var gapLimitNs: Int64?
        var capturedDatagrams: Int
        var result: LiveReplayResult
        var datagramsPerSecond: Double
        var machine: MachineInfo
        var loadAverage: String
    }

    func writeJSON(_ path: String, result: LiveReplayResult, mode: PacingMode, gapLimitNs: Int64?, destination: String) throws {
        let document = ReplayJSON(file: file, destination: destination, pacing: mode.description, gapLimitNs: gapLimitNs,
                                  capturedDatagrams: result.datagrams, result: result,
                                  datagramsPerSecond: result.datagramsPerSecond, machine: MachineInfo.current(),
                                  loadAverage: Self.loadAverage())
        try Self.write(document, toJSON: path)
    }

    /// Writes `document` as sorted, indented JSON, or ends the command with the bad-input code.
    static func write(_ document: some Encodable, toJSON path: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        do {
            try encoder.encode(document).write(to: URL(fileURLWithPath: path))
        } catch {
            printError("cannot write \(path): \(error.localizedDescription)")
            throw ExsimExit.badInput
        }
        print("json: \(path)")
    }
}
