import Capture
import Foundation
import Replay
import Simulation
import Wire
import Yams

/// The `replay:` section of a scenario (docs/capture.md, "Replay into the
/// simulator"): captured ITCH feeds whose orders rest at simulated venues,
/// paced on the virtual clock as recorded, faster or slower.
extension ScenarioReader {
    static let replayKeys = ["capture", "feed", "venue", "speed", "start", "compress_gaps"]

    func feedReplays(_ node: Node, durationNs: Int64, venues: [VenueConfig]) throws(ScenarioError) -> [FeedReplayConfig] {
        var replays: [FeedReplayConfig] = []
        for item in try sequence(node, "a list of captured feeds like { capture: feed.pcap.zst, venue: XNAS }") {
            let replay = try feedReplay(item, durationNs: durationNs, venues: venues)
            if replays.contains(where: { $0.venue == replay.venue }) {
                throw error(item, "venue '\(replay.venue)' already replays a captured feed; one feed per venue")
            }
            replays.append(replay)
        }
        return replays
    }

    func feedReplay(_ node: Node, durationNs: Int64, venues: [VenueConfig]) throws(ScenarioError) -> FeedReplayConfig {
        let f = try fields(node, allowed: Self.replayKeys, required: ["capture", "venue"], what: "a captured feed replay")
        let venue = try knownVenue(f["venue"]!.value, among: venues)
        let captureNode = f["capture"]!.value
        let path = resolvedPath(try string(captureNode, "the path of a capture (.pcap, .pcapng, optionally .zst)"))
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

        var collected = FeedCollectingSink(startNs: startNs, endNs: durationNs, mode: mode, gapLimitNs: gapLimitNs)
        let feedNames: [String]
        do {
            let reader = try CaptureReader(path: path)
            var portMap = CapturePortMap()
            portMap[Simulation.feedPort] = .moldUDP64
            portMap[Simulation.ouchPort] = .soupBinTCP
            portMap[Simulation.fixPort] = .fix
            let dissector = CaptureDissector(linkType: reader.linkType, portMap: portMap, sink: collected)
            while let packet = try reader.next() { dissector.packet(packet) }
            _ = dissector.finish()
            collected = dissector.sink
            feedNames = dissector.feedNames
        } catch {
            throw self.error(captureNode, "cannot read the capture: \(error)")
        }
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

    /// A path in the scenario is relative to the scenario file's folder.
    func resolvedPath(_ path: String) -> String {
        guard !path.hasPrefix("/") else { return path }
        let folder = (file as NSString).deletingLastPathComponent
        return folder.isEmpty ? path : ((folder as NSString).appendingPathComponent(path) as NSString).standardizingPath
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
