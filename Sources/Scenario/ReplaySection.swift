import Capture
import Exchange
import Foundation
import Replay
import Simulation
import OrderFlow
import Wire
import Yams

/// The `replay:` section of a scenario (docs/capture.md, "Replay into the
/// simulator"): captured ITCH feeds whose orders rest at simulated venues,
/// paced on the virtual clock as recorded, faster or slower.
extension ScenarioReader {
    static let replayKeys = ["capture", "feed", "order_entry", "venue", "speed", "start", "compress_gaps"]

    /// The entries of `replay:`: captured feeds (with `feed`, or neither
    /// key) and captured order-entry sessions (with `order_entry`).
    func replays(_ node: Node, durationNs: Int64, venues: [VenueConfig]) throws(ScenarioError)
        -> (feeds: [FeedReplayConfig], orderEntry: [OrderEntryReplayConfig])
    {
        var feeds: [FeedReplayConfig] = []
        var orderEntry: [OrderEntryReplayConfig] = []
        for item in try sequence(node, "a list of captures to replay like { capture: feed.pcap.zst, venue: XNAS }") {
            let f = try fields(item, allowed: Self.replayKeys, required: ["capture", "venue"], what: "a replay")
            if f["order_entry"] != nil {
                if let feed = f["feed"] {
                    throw error(feed.key, "a replay is of a feed or of order entry, not both: give feed or order_entry")
                }
                orderEntry.append(try orderEntryReplay(f, durationNs: durationNs, venues: venues))
            } else {
                let replay = try feedReplay(item, f, durationNs: durationNs, venues: venues)
                if feeds.contains(where: { $0.venue == replay.venue }) {
                    throw error(item, "venue '\(replay.venue)' already replays a captured feed; one feed per venue")
                }
                feeds.append(replay)
            }
        }
        return (feeds, orderEntry)
    }

    /// `speed`, `start` and `compress_gaps`: how a replay's times are planned.
    func replayPacing(_ f: [String: (key: Node, value: Node)], durationNs: Int64) throws(ScenarioError)
        -> (mode: PacingMode, startNs: Int64, gapLimitNs: Int64?)
    {
        var mode = PacingMode.asRecorded
        if let entry = f["speed"] {
            let text = try scalar(entry.value, "a speed")
            guard let factor = ReplayRatio(parsing: text) else {
                throw error(entry.value, "'\(text)' is not a speed; expected a positive number of times faster than recorded, like 10 or 0.5")
            }
            if factor != ReplayRatio(1) { mode = .speed(factor) }
        }
        let startNs = try f["start"].map { (entry) throws(ScenarioError) in
            try duration(entry.value, positive: false, what: "a replay's start")
        } ?? 0
        guard startNs < durationNs else {
            throw error(f["start"]!.value, "\(formatDuration(startNs)) is not before the run's duration of \(formatDuration(durationNs)); a replay must start within it")
        }
        let gapLimitNs = try f["compress_gaps"].map { (entry) throws(ScenarioError) in
            try duration(entry.value, positive: false, what: "a gap kept in a replay")
        }
        return (mode, startNs, gapLimitNs)
    }

    /// Every packet of the capture `f["capture"]` names, through `sink`.
    func readCapture<Sink: CaptureMessageSink>(_ f: [String: (key: Node, value: Node)], into sink: Sink) throws(ScenarioError)
        -> (path: String, dissector: CaptureDissector<Sink>)
    {
        let captureNode = f["capture"]!.value
        let path = resolvedPath(try string(captureNode, "the path of a capture (.pcap, .pcapng, optionally .zst)"))
        do {
            let reader = try CaptureReader(path: path)
            let dissector = CaptureDissector(linkType: reader.linkType, portMap: Simulation.capturePortMap, sink: sink)
            while let packet = try reader.next() { dissector.packet(packet) }
            _ = dissector.finish()
            return (path, dissector)
        } catch {
            throw self.error(captureNode, "cannot read the capture: \(error)")
        }
    }

    func feedReplay(_ node: Node, _ f: [String: (key: Node, value: Node)], durationNs: Int64, venues: [VenueConfig])
        throws(ScenarioError) -> FeedReplayConfig
    {
        let venue = try knownVenue(f["venue"]!.value, among: venues)
        let captureNode = f["capture"]!.value
        let (mode, startNs, gapLimitNs) = try replayPacing(f, durationNs: durationNs)
        let (path, dissector) = try readCapture(f, into: FeedCollectingSink(startNs: startNs, endNs: durationNs, mode: mode, gapLimitNs: gapLimitNs))
        let collected = dissector.sink
        let feedNames = dissector.feedNames
        guard !collected.feeds.isEmpty else {
            throw error(captureNode, "\(path) holds no ITCH feed (MoldUDP64 on UDP port \(Simulation.feedPort), or recognised by its framing)")
        }
        // "MoldUDP64 session SIM0000001" answers to "SIM0000001" too.
        func shortName(_ name: String) -> String {
            name.hasPrefix("MoldUDP64 session ") ? String(name.dropFirst("MoldUDP64 session ".count)) : name
        }
        let feed: Int
        if let entry = f["feed"] {
            let wanted = try string(entry.value, "a feed: a MoldUDP64 session name")
            guard let index = feedNames.indices.first(where: { feedNames[$0] == wanted || shortName(feedNames[$0]) == wanted }),
                  index < collected.feeds.count else {
                throw error(entry.value, "the capture has no feed '\(wanted)'; it has: \(feedNames.map(shortName).joined(separator: ", "))")
            }
            feed = index
        } else {
            guard collected.feeds.count == 1 else {
                throw error(node, "the capture holds \(collected.feeds.count) ITCH feeds; name one with feed: (one of \(feedNames.map(shortName).joined(separator: ", ")))")
            }
            feed = 0
        }
        let chosen = collected.feeds[feed]
        let listed = Set(venue.symbols.map(\.name))
        guard !chosen.stocks.isDisjoint(with: listed) else {
            throw error(f["venue"]!.value, "venue '\(venue.name)' lists none of the feed's stocks (\(chosen.stocks.sorted().joined(separator: ", "))); its symbols need their names")
        }
        let within = chosen.messages.count
        var source = "\(path), \(shortName(feedNames[feed]))"
        if chosen.beyondRun > 0 { source += ": \(within) of \(within + chosen.beyondRun) messages within the run" }
        return FeedReplayConfig(venue: venue.name, source: source, messages: chosen.messages)
    }

    /// `{ capture, order_entry: all | ouch42 | fix, venue }`: every captured
    /// client session of that protocol sends its requests to the venue,
    /// each as a simulated participant of its own.
    func orderEntryReplay(_ f: [String: (key: Node, value: Node)], durationNs: Int64, venues: [VenueConfig])
        throws(ScenarioError) -> OrderEntryReplayConfig
    {
        let venueNode = f["venue"]!.value
        let venue = try knownVenue(venueNode, among: venues)
        let selectionNode = f["order_entry"]!.value
        let selection = try choice(selectionNode, [("all", (true, true)), ("ouch42", (true, false)), ("fix", (false, true))],
                                   "choice of captured order entry")
        let (mode, startNs, gapLimitNs) = try replayPacing(f, durationNs: durationNs)
        let sink = OrderEntryCollectingSink(
            directory: SymbolDirectory(symbols: venue.symbols), takesOUCH: selection.0, takesFIX: selection.1,
            startNs: startNs, endNs: durationNs, mode: mode, gapLimitNs: gapLimitNs)
        let (path, dissector) = try readCapture(f, into: sink)
        let collected = dissector.sink
        var sessions: [CapturedOrderEntrySession] = []
        for (number, session) in collected.sessions.enumerated() {
            guard var session, session.count > 0 else { continue }
            session.name = dissector.orderEntrySessionNames[number]
            guard venue.orderEntryProtocols.contains(session.orderEntryProtocol) else {
                throw error(venueNode, "venue '\(venue.name)' does not take \(session.orderEntryProtocol.rawValue), which the captured session \(session.name) speaks; add it to the venue's order_entry")
            }
            sessions.append(session)
        }
        guard !sessions.isEmpty else {
            let refused = collected.firstRefusal.map { "; \(collected.refused) requests venue '\(venue.name)' would refuse, the first: \($0)" } ?? ""
            throw error(selectionNode, "\(path) holds no \(try scalar(selectionNode, "")) order entry to replay into venue '\(venue.name)'\(refused)")
        }
        var source = "\(path), \(sessions.count) session(s)"
        var skipped: [String] = []
        if collected.beyondRun > 0 { skipped.append("\(collected.beyondRun) requests after the run's end") }
        if collected.refused > 0 { skipped.append("\(collected.refused) the venue's port would refuse (the first: \(collected.firstRefusal ?? ""))") }
        if collected.duplicates > 0 { skipped.append("\(collected.duplicates) FIX resends (PossDupFlag Y)") }
        if collected.malformed > 0 { skipped.append("\(collected.malformed) malformed messages") }
        if !skipped.isEmpty { source += "; not sent: " + skipped.joined(separator: ", ") }
        return OrderEntryReplayConfig(venue: venue.name, source: source, sessions: sessions)
    }

    /// A path in the scenario is relative to the scenario file's folder.
    func resolvedPath(_ path: String) -> String {
        guard !path.hasPrefix("/") else { return path }
        let folder = (file as NSString).deletingLastPathComponent
        guard !folder.isEmpty else { return path }
        // `Scenarios/../Captures/x` as `Captures/x`: a folder then `..` cancel out.
        var parts: [Substring] = []
        for part in (folder + "/" + path).split(separator: "/", omittingEmptySubsequences: true) {
            if part == "..", let last = parts.last, last != ".." {
                parts.removeLast()
            } else if part != "." {
                parts.append(part)
            }
        }
        return (folder.hasPrefix("/") ? "/" : "") + parts.joined(separator: "/")
    }
}

/// Keeps every ITCH message of every feed in a capture, each with the time
/// it applies at in the run: the feed's own first message at `startNs`,
/// each later packet at its recorded gap (paced by `ReplaySchedule`).
/// Messages planned at or after `endNs` are counted, not kept.
struct FeedCollectingSink: CaptureMessageSink {
    struct Feed {
        var schedule: ReplaySchedule
        var messages = CapturedFeedMessages()
        var beyondRun = 0
        /// Stocks named by the feed's Stock Directory and Add Order messages.
        var stocks: Set<String> = []
    }

    let startNs: Int64
    let endNs: Int64
    let mode: PacingMode
    let gapLimitNs: Int64?
    var feeds: [Feed] = []

    init(startNs: Int64, endNs: Int64, mode: PacingMode, gapLimitNs: Int64?) {
        self.startNs = startNs
        self.endNs = endNs
        self.mode = mode
        self.gapLimitNs = gapLimitNs
    }

    mutating func itchMessages(_ messages: MessageBlockIterator, feed: Int, timestampNs: Int64) {
        let atNs = plannedTime(feed: feed, timestampNs: timestampNs)
        var messages = messages
        while let message = messages.next() { keep(message, feed: feed, atNs: atNs) }
    }

    mutating func itchMessage(_ message: UnsafeRawBufferPointer, feed: Int, timestampNs: Int64) {
        keep(message, feed: feed, atNs: plannedTime(feed: feed, timestampNs: timestampNs))
    }

    mutating func plannedTime(feed: Int, timestampNs: Int64) -> Int64 {
        while feeds.count <= feed { feeds.append(Feed(schedule: ReplaySchedule(mode: mode, gapLimitNs: gapLimitNs))) }
        let offset = feeds[feed].schedule.plannedOffsetNs(captureTimestampNs: timestampNs)
        let (atNs, overflow) = startNs.addingReportingOverflow(offset)
        return overflow ? .max : atNs
    }

    mutating func keep(_ message: UnsafeRawBufferPointer, feed: Int, atNs: Int64) {
        guard message.count > 0 else { return }
        let type = message.readUInt8(at: 0)
        if type == ITCHMessageType.stockDirectory.rawValue, let directory = try? ITCHStockDirectoryView(validating: message) {
            feeds[feed].stocks.insert(directory.stock.trimmed)
        } else if type == ITCHMessageType.addOrder.rawValue || type == ITCHMessageType.addOrderWithMPID.rawValue,
                  message.count >= ITCHAddOrder.length {
            // Add Order: Stock at 24 (both types).
            feeds[feed].stocks.insert(message.readAlpha8(at: 24).trimmed)
        }
        guard atNs < endNs else {
            feeds[feed].beyondRun += 1
            return
        }
        feeds[feed].messages.append(message, atNs: atNs)
    }
}

/// Keeps the requests of every captured client session of the chosen
/// protocols, as the venue's ports read them, each with the time it is sent
/// at in the run: the first request at `startNs`, each later one at its
/// recorded gap (one `ReplaySchedule` across the sessions, so that their
/// order is kept). Requests planned at or after `endNs` are counted, not kept.
/// Shared with `exsim replay --order-entry`, which plays them onto sockets.
public struct OrderEntryCollectingSink: CaptureMessageSink {
    var decoder: CapturedOrderEntryDecoder
    let takesOUCH: Bool
    let takesFIX: Bool
    let startNs: Int64
    let endNs: Int64
    var schedule: ReplaySchedule
    /// By the dissector's session number; nil until the session's first request.
    public private(set) var sessions: [CapturedOrderEntrySession?] = []
    /// Requests the venue's port would refuse before its book, and the first one's reason.
    public private(set) var refused = 0
    public private(set) var firstRefusal: String?
    /// FIX messages sent again (PossDupFlag Y), and messages not of their protocol.
    public private(set) var duplicates = 0
    public private(set) var malformed = 0
    /// Requests planned at or after `endNs`.
    public private(set) var beyondRun = 0

    public init(directory: SymbolDirectory, takesOUCH: Bool, takesFIX: Bool, startNs: Int64, endNs: Int64, mode: PacingMode, gapLimitNs: Int64?) {
        decoder = CapturedOrderEntryDecoder(directory: directory)
        self.takesOUCH = takesOUCH
        self.takesFIX = takesFIX
        self.startNs = startNs
        self.endNs = endNs
        schedule = ReplaySchedule(mode: mode, gapLimitNs: gapLimitNs)
    }

    public mutating func itchMessage(_ message: UnsafeRawBufferPointer, feed: Int, timestampNs: Int64) {}

    public mutating func orderEntryMessage(_ message: UnsafeRawBufferPointer, protocol: CapturedOrderEntryProtocol, session: Int,
                                    timestampNs: Int64) {
        let read: CapturedOrderEntryDecoder.Message
        let spoken: OrderEntryProtocol
        switch `protocol` {
        case .ouch:
            guard takesOUCH else { return }
            read = decoder.ouch(message)
            spoken = .ouch42
        case .fix:
            guard takesFIX else { return }
            read = decoder.fix(message)
            spoken = decoder.fixVersion == .fix44 ? .fix44 : .fix42
        }
        switch read {
        case .request(let request):
            let (atNs, overflow) = startNs.addingReportingOverflow(schedule.plannedOffsetNs(captureTimestampNs: timestampNs))
            guard !overflow, atNs < endNs else {
                beyondRun += 1
                return
            }
            while sessions.count <= session { sessions.append(nil) }
            if sessions[session] == nil { sessions[session] = CapturedOrderEntrySession(name: "", orderEntryProtocol: spoken) }
            sessions[session]!.append(request, atNs: atNs)
        case .refused(let reason):
            refused += 1
            if firstRefusal == nil { firstRefusal = reason }
        case .possibleDuplicate:
            duplicates += 1
        case .malformed:
            malformed += 1
        case .sessionMessage:
            break
        }
    }
}
