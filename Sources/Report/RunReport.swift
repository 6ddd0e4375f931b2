import Foundation
import Measure

/// The versioned result of one `exsim run`, written as report.json.
///
/// Two kinds of figure live here, and the gate treats them differently
/// (docs/reports.md): what happened in the *simulated* world (counts,
/// simulated throughput, simulated latencies, the trace digest) is fixed by
/// the scenario, the seed and exsim's behaviour, and is the same on every
/// run; what was *measured* on the wall clock (`wallClock`) is how fast this
/// build simulated it on this machine, and varies from run to run.
public struct RunReport: Codable, Hashable, Sendable {
    public var schemaVersion: Int
    /// Always "run"; a bench report says "bench" (`ReportFile`).
    public var kind: String
    public var exsimVersion: String
    public var scenario: String
    public var scenarioFile: String?
    public var seed: UInt64
    public var traceDigest: String
    /// Simulated time during which the flows sent instructions: from 0 until
    /// the scenario's duration, where every flow stops.
    public var simulatedDurationNs: Int64
    /// Simulated time of the run's last event: the flows have stopped, every
    /// message in flight has arrived and the venues have closed their sessions.
    public var simulatedEndNs: Int64
    public var counts: RunCounts
    public var throughput: Throughput
    public var latencies: [LatencySummary]
    public var venues: [VenueSummary]
    public var invariants: InvariantResult
    public var wire: WireSummary
    /// The modelled links (docs/network.md); absent when the scenario has none.
    public var network: NetworkSummary?
    /// The scenario's assertions and their outcomes, in file order; absent
    /// when the scenario states none.
    public var assertions: [AssertionSummary]?
    /// Per venue, where a round trip's time went, hop by hop; absent in
    /// reports written before it existed.
    public var latencyAttribution: [LatencyAttributionSummary]?
    /// Each gateway crash of the scenario's `faults:`; absent without one.
    public var gatewayCrashes: [GatewayCrashSummary]?
    /// Messages venues numbered for their clients (SoupBinTCP sequenced
    /// data, FIX messages) that never reached them; absent in reports
    /// written before it existed.
    public var numberedMessagesNotReceived: UInt64?
    /// Requests clients sent again after a lost connection (OUCH at a
    /// login, FIX at the venue's ResendRequest or with PossResend=Y after
    /// a venue's unasked-for reset); absent in runs where no
    /// client can reconnect, and in reports written before it existed.
    public var requestsResent: UInt64?
    /// Each replay of captured order-entry sessions (`replay:` with
    /// `order_entry`); absent without one.
    public var orderEntryReplays: [OrderEntryReplaySummary]?
    /// Measured: the only part that differs between identical runs.
    public var wallClock: WallClockSummary
    public var machine: MachineInfo

    public init(
        exsimVersion: String, scenario: String, scenarioFile: String?, seed: UInt64, traceDigest: String,
        simulatedDurationNs: Int64, simulatedEndNs: Int64, counts: RunCounts, throughput: Throughput,
        latencies: [LatencySummary], venues: [VenueSummary], invariants: InvariantResult, wire: WireSummary,
        wallClock: WallClockSummary, machine: MachineInfo, network: NetworkSummary? = nil, assertions: [AssertionSummary]? = nil
    ) {
        self.schemaVersion = ReportSchema.currentVersion
        self.kind = ReportKind.run.rawValue
        self.exsimVersion = exsimVersion
        self.scenario = scenario
        self.scenarioFile = scenarioFile
        self.seed = seed
        self.traceDigest = traceDigest
        self.simulatedDurationNs = simulatedDurationNs
        self.simulatedEndNs = simulatedEndNs
        self.counts = counts
        self.throughput = throughput
        // Path names in the file are ASCII ("order-to-ack"), as on the command line.
        self.latencies = latencies.map { summary in
            var summary = summary
            summary.name = LatencyPathName.ascii(summary.name)
            return summary
        }
        self.venues = venues
        self.invariants = invariants
        self.wire = wire
        self.network = network
        self.assertions = assertions
        self.wallClock = wallClock
        self.machine = machine
    }

    /// Pretty JSON with sorted keys, so equal reports are equal bytes.
    public func jsonData() throws -> Data {
        try ReportSchema.encoder().encode(self)
    }

    /// Decodes a run report, refusing other schema versions and bench reports.
    public static func decode(from data: Data) throws(ReportError) -> RunReport {
        switch try ReportFile.decode(from: data) {
        case .run(let report): return report
        case .bench: throw ReportError.wrongKind(found: ReportKind.bench.rawValue, expected: ReportKind.run.rawValue)
        }
    }

    /// The latency path by its ASCII name ("order-to-ack"); the arrow form is accepted too.
    public func latency(named path: String) -> LatencySummary? {
        let name = LatencyPathName.ascii(path)
        return latencies.first { $0.name == name }
    }
}

/// Every count of a run. The printed summary shows each one under this name.
public struct RunCounts: Codable, Hashable, Sendable {
    /// New orders the flows sent.
    public var ordersSent: UInt64
    public var cancelsSent: UInt64
    public var replacesSent: UInt64
    /// Instructions the flows generated but did not send: cancels and
    /// replaces of orders the participant no longer knew as open, and
    /// instructions dropped while its session was not logged in.
    public var instructionsNotSent: UInt64
    /// New orders the venues accepted; with `ordersRejected`, every new order sent.
    public var ordersAccepted: UInt64
    /// New orders the venues rejected.
    public var ordersRejected: UInt64
    /// Cancels and replaces the venues rejected (typically: the order had already gone).
    public var instructionsRejected: UInt64
    public var trades: UInt64
    /// Unsolicited cancels: IOC and market remainders, self-trade prevention, end of day.
    public var cancelled: UInt64
    /// Events the simulation kernel delivered.
    public var eventsDelivered: UInt64

    public init(ordersSent: UInt64, cancelsSent: UInt64, replacesSent: UInt64, instructionsNotSent: UInt64,
                ordersAccepted: UInt64, ordersRejected: UInt64, instructionsRejected: UInt64, trades: UInt64,
                cancelled: UInt64, eventsDelivered: UInt64) {
        self.ordersSent = ordersSent
        self.cancelsSent = cancelsSent
        self.replacesSent = replacesSent
        self.instructionsNotSent = instructionsNotSent
        self.ordersAccepted = ordersAccepted
        self.ordersRejected = ordersRejected
        self.instructionsRejected = instructionsRejected
        self.trades = trades
        self.cancelled = cancelled
        self.eventsDelivered = eventsDelivered
    }

    /// Orders, cancels and replaces sent.
    public var instructionsSent: UInt64 { ordersSent + cancelsSent + replacesSent }
}

/// Rates in simulated time, over the time the flows ran (`simulatedDurationNs`).
public struct Throughput: Codable, Hashable, Sendable {
    /// Orders, cancels and replaces the flows sent, per simulated second of flow.
    public var instructionsPerSecond: Double
    /// Trades per simulated second of flow.
    public var tradesPerSecond: Double
    /// Messages the venues served (instructions and session messages such as
    /// logins), counted per whole simulated second from 0; the last second may
    /// be partial, and may hold what was still queued when the flows stopped.
    public var messagesServedPerSimulatedSecond: [UInt64]

    public init(instructionsPerSecond: Double, tradesPerSecond: Double, messagesServedPerSimulatedSecond: [UInt64]) {
        self.instructionsPerSecond = instructionsPerSecond
        self.tradesPerSecond = tradesPerSecond
        self.messagesServedPerSimulatedSecond = messagesServedPerSimulatedSecond
    }

    /// The rates of `counts` over the flows' simulated time.
    public init(counts: RunCounts, simulatedDurationNs: Int64, messagesServedPerSimulatedSecond: [UInt64]) {
        let seconds = Double(simulatedDurationNs) / 1e9
        self.init(
            instructionsPerSecond: seconds > 0 ? Double(counts.instructionsSent) / seconds : 0,
            tradesPerSecond: seconds > 0 ? Double(counts.trades) / seconds : 0,
            messagesServedPerSimulatedSecond: messagesServedPerSimulatedSecond)
    }
}

/// Messages and bytes on the simulated network: order entry in both
/// directions (real encoded sizes, framing included) and market data.
public struct WireSummary: Codable, Hashable, Sendable {
    public var messagesToVenues: UInt64
    public var bytesToVenues: UInt64
    public var messagesFromVenues: UInt64
    public var bytesFromVenues: UInt64
    public var feedPackets: UInt64
    public var feedMessages: UInt64
    public var feedBytes: UInt64
    /// Participants per order-entry protocol, e.g. ["fix44": 32, "ouch42": 32].
    public var participantsByProtocol: [String: Int]
    /// The pcap file the run wrote, when asked to.
    public var captureFile: String?

    public init(messagesToVenues: UInt64, bytesToVenues: UInt64, messagesFromVenues: UInt64, bytesFromVenues: UInt64,
                feedPackets: UInt64, feedMessages: UInt64, feedBytes: UInt64, participantsByProtocol: [String: Int],
                captureFile: String? = nil) {
        self.messagesToVenues = messagesToVenues
        self.bytesToVenues = bytesToVenues
        self.messagesFromVenues = messagesFromVenues
        self.bytesFromVenues = bytesFromVenues
        self.feedPackets = feedPackets
        self.feedMessages = feedMessages
        self.feedBytes = feedBytes
        self.participantsByProtocol = participantsByProtocol
        self.captureFile = captureFile
    }
}

/// What the modelled links carried and what their losses cost.
public struct NetworkSummary: Codable, Hashable, Sendable {
    public var links: [LinkSummary]
    /// TCP connections given up because every retransmission of a segment was lost.
    public var connectionsBroken: Int
    /// Participants' sessions that closed before the day ended; 0 in a healthy run.
    public var sessionsClosedEarly: Int
    /// Logins again after a connection given up or timed out; absent in
    /// reports written before participants reconnected after such a loss.
    public var sessionsReconnected: Int?
    /// The market-data subscriber of each venue with a modelled feed link.
    public var feeds: [FeedSummary]
    /// Each link that a scheduled fault hits, with its outages; absent
    /// when the scenario has no `faults:`.
    public var outages: [LinkOutageSummary]?
    /// Each venue whose order-entry links a fault hits: its availability
    /// over the primary link alone and over the path with its backup;
    /// absent when no fault hits order entry.
    public var orderEntryAvailability: [OrderEntryAvailabilitySummary]?

    public init(links: [LinkSummary], connectionsBroken: Int, sessionsClosedEarly: Int, sessionsReconnected: Int? = nil,
                feeds: [FeedSummary] = [],
                outages: [LinkOutageSummary]? = nil, orderEntryAvailability: [OrderEntryAvailabilitySummary]? = nil) {
        self.links = links
        self.connectionsBroken = connectionsBroken
        self.sessionsClosedEarly = sessionsClosedEarly
        self.sessionsReconnected = sessionsReconnected
        self.feeds = feeds
        self.outages = outages
        self.orderEntryAvailability = orderEntryAvailability
    }
}

/// One venue's order entry through its faults (docs/network.md, "Redundant
/// path"): shares of the run in parts per million, rounded down.
public struct OrderEntryAvailabilitySummary: Codable, Hashable, Sendable {
    public var venue: String
    /// Up share of the primary link: order entry without redundancy.
    public var withoutRedundancyPpm: Int64
    /// Up share of the path, the backup standing in once the primary's
    /// failure is detected; equal to `withoutRedundancyPpm` without a backup.
    public var withRedundancyPpm: Int64
    /// The failover detection time; absent without a backup path.
    public var detectionNs: Int64?
    /// When the path carried nothing, in time order.
    public var pathOutages: [OutageInterval]
    public var longestPathOutageNs: Int64
    public var totalPathOutageNs: Int64
    /// Packets, both directions, that the route sent over the backup.
    public var packetsOverBackup: UInt64

    public init(venue: String, withoutRedundancyPpm: Int64, withRedundancyPpm: Int64, detectionNs: Int64?, pathOutages: [OutageInterval],
                longestPathOutageNs: Int64, totalPathOutageNs: Int64, packetsOverBackup: UInt64) {
        self.venue = venue
        self.withoutRedundancyPpm = withoutRedundancyPpm
        self.withRedundancyPpm = withRedundancyPpm
        self.detectionNs = detectionNs
        self.pathOutages = pathOutages
        self.longestPathOutageNs = longestPathOutageNs
        self.totalPathOutageNs = totalPathOutageNs
        self.packetsOverBackup = packetsOverBackup
    }
}

/// When one link was down: both its directions for order entry.
public struct LinkOutageSummary: Codable, Hashable, Sendable {
    public var venue: String
    /// "order_entry", "order_entry_backup" or "market_data".
    public var link: String
    public var intervals: [OutageInterval]
    /// The longest interval, an open one counted until the run's end.
    public var longestNs: Int64
    /// All intervals added up, as `longestNs`.
    public var totalNs: Int64

    public init(venue: String, link: String, intervals: [OutageInterval], longestNs: Int64, totalNs: Int64) {
        self.venue = venue
        self.link = link
        self.intervals = intervals
        self.longestNs = longestNs
        self.totalNs = totalNs
    }
}

/// One outage, in simulated nanoseconds; `endNs` is absent when the link
/// was still down when the run ended.
public struct OutageInterval: Codable, Hashable, Sendable {
    public var startNs: Int64
    public var endNs: Int64?

    public init(startNs: Int64, endNs: Int64?) {
        self.startNs = startNs
        self.endNs = endNs
    }
}

/// One assertion of the scenario with what the run measured
/// (docs/reports.md, "Assertions").
public struct AssertionSummary: Codable, Hashable, Sendable {
    /// The assertion's key in the scenario, e.g. "order_ack_p99_below".
    public var name: String
    /// The bound as the scenario states it ("1ms", "0") and as a number
    /// (nanoseconds or a count, as `unit` says).
    public var bound: String
    public var boundValue: Int64
    public var measured: String
    public var measuredValue: Int64
    /// "ns", "count", or "ppm" (parts per million, for a share such as an availability).
    public var unit: String
    public var passed: Bool

    public init(name: String, bound: String, boundValue: Int64, measured: String, measuredValue: Int64, unit: String, passed: Bool) {
        self.name = name
        self.bound = bound
        self.boundValue = boundValue
        self.measured = measured
        self.measuredValue = measuredValue
        self.unit = unit
        self.passed = passed
    }
}

/// A venue's feed as its subscriber saw it through a lossy link.
public struct FeedSummary: Codable, Hashable, Sendable {
    public var venue: String
    public var messagesPublished: UInt64
    /// Applied in sequence, whether first time or recovered by re-request.
    public var messagesDelivered: UInt64
    public var requestsSent: UInt64
    public var duplicateMessages: UInt64
    /// Given up after unanswered re-requests.
    public var messagesLost: UInt64
    public var booksMatchVenue: Bool
    /// With a B feed (`market_data_b`): how the subscriber arbitrated; absent without one.
    public var arbitration: FeedArbitrationSummary?

    public init(venue: String, messagesPublished: UInt64, messagesDelivered: UInt64, requestsSent: UInt64, duplicateMessages: UInt64,
                messagesLost: UInt64, booksMatchVenue: Bool, arbitration: FeedArbitrationSummary? = nil) {
        self.venue = venue
        self.messagesPublished = messagesPublished
        self.messagesDelivered = messagesDelivered
        self.requestsSent = requestsSent
        self.duplicateMessages = duplicateMessages
        self.messagesLost = messagesLost
        self.booksMatchVenue = booksMatchVenue
        self.arbitration = arbitration
    }
}

/// A subscriber's A/B arbitration (docs/network.md, "A/B feeds").
public struct FeedArbitrationSummary: Codable, Hashable, Sendable {
    public var windowNs: Int64
    /// Messages whose first copy came on the A feed (re-request answers included) and on the B feed.
    public var messagesFirstOnA: UInt64
    public var messagesFirstOnB: UInt64
    /// Gaps that closed while they waited for the other feed, with no re-request.
    public var gapsFilledWhileArbitrating: UInt64

    public init(windowNs: Int64, messagesFirstOnA: UInt64, messagesFirstOnB: UInt64, gapsFilledWhileArbitrating: UInt64) {
        self.windowNs = windowNs
        self.messagesFirstOnA = messagesFirstOnA
        self.messagesFirstOnB = messagesFirstOnB
        self.gapsFilledWhileArbitrating = gapsFilledWhileArbitrating
    }
}

/// One direction of one modelled link. Sizes are on-wire bytes, headers included.
public struct LinkSummary: Codable, Hashable, Sendable {
    public var venue: String
    /// "order_entry.to_venue", "order_entry.from_venue" or "market_data".
    public var link: String
    /// Packets offered to the link, retransmissions included.
    public var packetsSent: UInt64
    public var bytesSent: UInt64
    public var packetsDelivered: UInt64
    public var bytesDelivered: UInt64
    public var packetsDuplicated: UInt64
    public var packetsReordered: UInt64
    /// Drops by reason: "queue_full" (tail drop) and "lost" (the loss model).
    public var drops: [String: UInt64]
    public var queueHighWaterBytes: Int64
    /// Order entry only: the participants' TCP streams over this link, added up.
    public var tcp: TCPSummary?

    public init(venue: String, link: String, packetsSent: UInt64, bytesSent: UInt64, packetsDelivered: UInt64, bytesDelivered: UInt64,
                packetsDuplicated: UInt64, packetsReordered: UInt64, drops: [String: UInt64], queueHighWaterBytes: Int64, tcp: TCPSummary?) {
        self.venue = venue
        self.link = link
        self.packetsSent = packetsSent
        self.bytesSent = bytesSent
        self.packetsDelivered = packetsDelivered
        self.bytesDelivered = bytesDelivered
        self.packetsDuplicated = packetsDuplicated
        self.packetsReordered = packetsReordered
        self.drops = drops
        self.queueHighWaterBytes = queueHighWaterBytes
        self.tcp = tcp
    }
}

/// TCP over a lossy link: what the application wrote and what it cost.
public struct TCPSummary: Codable, Hashable, Sendable {
    /// Segments the applications wrote (a write longer than 1,460 bytes is several).
    public var segments: UInt64
    public var retransmissions: UInt64
    /// Segments that arrived before an earlier one and waited for it.
    public var segmentsHeldForOrder: UInt64
    public var duplicatesDiscarded: UInt64
    /// Connections given up.
    public var breaks: UInt64

    public init(segments: UInt64, retransmissions: UInt64, segmentsHeldForOrder: UInt64, duplicatesDiscarded: UInt64, breaks: UInt64) {
        self.segments = segments
        self.retransmissions = retransmissions
        self.segmentsHeldForOrder = segmentsHeldForOrder
        self.duplicatesDiscarded = duplicatesDiscarded
        self.breaks = breaks
    }
}

public struct VenueSummary: Codable, Hashable, Sendable {
    public var name: String
    /// Fraction of the run's simulated time (to `simulatedEndNs`) the venue was serving.
    public var utilisation: Double
    public var maxQueueDepth: Int
    /// Messages the venue served: instructions and session messages (logins).
    public var messagesServed: UInt64
    /// With `--engine-digest`: the digest of the venue's engine events (no
    /// times), equal to `exsim serve --engine-digest`'s for the same requests.
    public var engineEventDigest: String?
    public var engineEvents: UInt64?
    /// With a per-session `throttle`: requests refused for coming faster.
    public var requestsThrottled: UInt64?
    /// With a captured feed replayed into the venue (`replay:`): what it did.
    public var feedReplay: FeedReplaySummary?

    public init(name: String, utilisation: Double, maxQueueDepth: Int, messagesServed: UInt64,
                engineEventDigest: String? = nil, engineEvents: UInt64? = nil, requestsThrottled: UInt64? = nil,
                feedReplay: FeedReplaySummary? = nil) {
        self.name = name
        self.utilisation = utilisation
        self.maxQueueDepth = maxQueueDepth
        self.messagesServed = messagesServed
        self.engineEventDigest = engineEventDigest
        self.engineEvents = engineEvents
        self.requestsThrottled = requestsThrottled
        self.feedReplay = feedReplay
    }
}

/// What a captured ITCH feed replayed into a venue did (docs/reports.md).
public struct FeedReplaySummary: Codable, Hashable, Sendable {
    /// The capture and its feed.
    public var source: String
    public var messages: UInt64
    public var ordersAdded: UInt64
    public var ordersReduced: UInt64
    public var ordersDeleted: UInt64
    public var ordersReplaced: UInt64
    /// Messages naming a captured order the participants had traded away.
    public var ordersGone: UInt64
    /// Messages naming an order the capture never added.
    public var ordersUnknown: UInt64
    public var unknownStocks: UInt64
    public var refused: UInt64
    /// Executions of captured orders at the venue, and their shares.
    public var executions: UInt64
    public var executedQuantity: Int64
    public var otherMessages: UInt64
    public var malformed: UInt64

    public init(source: String, messages: UInt64, ordersAdded: UInt64, ordersReduced: UInt64, ordersDeleted: UInt64,
                ordersReplaced: UInt64, ordersGone: UInt64, ordersUnknown: UInt64, unknownStocks: UInt64, refused: UInt64,
                executions: UInt64, executedQuantity: Int64, otherMessages: UInt64, malformed: UInt64) {
        self.source = source
        self.messages = messages
        self.ordersAdded = ordersAdded
        self.ordersReduced = ordersReduced
        self.ordersDeleted = ordersDeleted
        self.ordersReplaced = ordersReplaced
        self.ordersGone = ordersGone
        self.ordersUnknown = ordersUnknown
        self.unknownStocks = unknownStocks
        self.refused = refused
        self.executions = executions
        self.executedQuantity = executedQuantity
        self.otherMessages = otherMessages
        self.malformed = malformed
    }
}

public struct InvariantResult: Codable, Hashable, Sendable {
    public var checked: Bool
    public var violations: [String]
    public var passed: Bool { violations.isEmpty }

    public init(checked: Bool, violations: [String]) {
        self.checked = checked
        self.violations = violations
    }
}

/// How fast this build simulated the run on this machine: measured, so it
/// varies between identical runs. The gate compares these for speed.
public struct WallClockSummary: Codable, Hashable, Sendable {
    /// Wall-clock seconds the simulation took (not loading or writing files).
    public var elapsedSeconds: Double
    /// `eventsDelivered` per wall-clock second.
    public var eventsPerWallSecond: Double
    /// Simulated seconds (to `simulatedEndNs`) per wall-clock second: above 1
    /// the simulation runs faster than real time.
    public var simulatedSecondsPerWallSecond: Double

    public init(elapsedSeconds: Double, eventsPerWallSecond: Double, simulatedSecondsPerWallSecond: Double) {
        self.elapsedSeconds = elapsedSeconds
        self.eventsPerWallSecond = eventsPerWallSecond
        self.simulatedSecondsPerWallSecond = simulatedSecondsPerWallSecond
    }

    /// The figures of a run that delivered `events` and reached `simulatedEndNs` in `elapsedSeconds`.
    public init(elapsedSeconds: Double, events: UInt64, simulatedEndNs: Int64) {
        self.init(
            elapsedSeconds: elapsedSeconds,
            eventsPerWallSecond: elapsedSeconds > 0 ? Double(events) / elapsedSeconds : 0,
            simulatedSecondsPerWallSecond: elapsedSeconds > 0 ? Double(simulatedEndNs) / 1e9 / elapsedSeconds : 0)
    }
}

/// Latency paths are named in ASCII in files and on the command line
/// ("order-to-ack") and with an arrow in printed tables ("order→ack").
public enum LatencyPathName {
    public static func ascii(_ name: String) -> String {
        name.replacingOccurrences(of: "→", with: "-to-").replacingOccurrences(of: " ", with: "-")
    }

    public static func display(_ name: String) -> String {
        name.replacingOccurrences(of: "-to-", with: "→")
    }
}

/// Where the time of a venue's round trips went (docs/reports.md, "Latency
/// attribution"): the mean of each hop, and of each part of a network hop.
/// The four hops' means add up to `roundTripMeanNs`.
public struct LatencyAttributionSummary: Codable, Hashable, Sendable {
    public var venue: String
    /// Participants' writes to the venue, from the send until the venue's socket had all of it.
    public var toVenue: TransitSummary
    /// Messages served, the mean wait in the venue's queue before service, the mean service time.
    public var messagesServed: UInt64
    public var venueQueueMeanNs: Double
    public var venueServiceMeanNs: Double
    /// The venue's writes to participants.
    public var fromVenue: TransitSummary
    public var roundTripMeanNs: Double
    /// With a shared link (`via`): its name, and each way the writes that
    /// crossed it with the means of their time there (over those writes;
    /// their sums are a part of `toVenue`'s and `fromVenue`'s). Absent for
    /// a venue without one.
    public var sharedLink: String?
    public var toVenueShared: TransitSummary?
    public var fromVenueShared: TransitSummary?

    public init(venue: String, toVenue: TransitSummary, messagesServed: UInt64, venueQueueMeanNs: Double, venueServiceMeanNs: Double,
                fromVenue: TransitSummary, sharedLink: String? = nil, toVenueShared: TransitSummary? = nil, fromVenueShared: TransitSummary? = nil) {
        self.venue = venue
        self.toVenue = toVenue
        self.messagesServed = messagesServed
        self.venueQueueMeanNs = venueQueueMeanNs
        self.venueServiceMeanNs = venueServiceMeanNs
        self.fromVenue = fromVenue
        roundTripMeanNs = toVenue.meanNs + venueQueueMeanNs + venueServiceMeanNs + fromVenue.meanNs
        self.sharedLink = sharedLink
        self.toVenueShared = toVenueShared
        self.fromVenueShared = fromVenueShared
    }
}

/// One direction's writes: how many, and the mean of each part of their
/// transit (they add up to `meanNs`).
public struct TransitSummary: Codable, Hashable, Sendable {
    public var writes: UInt64
    public var meanNs: Double
    public var queueingMeanNs: Double
    public var serializationMeanNs: Double
    public var propagationMeanNs: Double
    public var jitterMeanNs: Double
    public var retransmissionMeanNs: Double
    public var heldForOrderMeanNs: Double

    /// From sums over `writes`.
    public init(writes: UInt64, queueingNs: Int64, serializationNs: Int64, propagationNs: Int64, jitterNs: Int64,
                retransmissionNs: Int64, heldForOrderNs: Int64) {
        let count = Double(max(writes, 1))
        self.writes = writes
        queueingMeanNs = Double(queueingNs) / count
        serializationMeanNs = Double(serializationNs) / count
        propagationMeanNs = Double(propagationNs) / count
        jitterMeanNs = Double(jitterNs) / count
        retransmissionMeanNs = Double(retransmissionNs) / count
        heldForOrderMeanNs = Double(heldForOrderNs) / count
        meanNs = Double(queueingNs + serializationNs + propagationNs + jitterNs + retransmissionNs + heldForOrderNs) / count
    }

    /// The parts that are not zero, in the order a packet meets them.
    public var parts: [(name: String, meanNs: Double)] {
        [("queueing", queueingMeanNs), ("serialization", serializationMeanNs), ("propagation", propagationMeanNs),
         ("jitter", jitterMeanNs), ("retransmission", retransmissionMeanNs), ("heldForOrder", heldForOrderMeanNs)]
            .filter { $0.1 != 0 }
    }
}

/// One gateway crash and the recovery of the sessions it reset
/// (docs/network.md, "Gateway crash").
public struct GatewayCrashSummary: Codable, Hashable, Sendable {
    public var venue: String
    public var atNs: Int64
    /// The scenario's action: `gateway_crash` (connections reset) or
    /// `host_crash` (silence, found by the sessions' timeouts); absent in
    /// reports written before host crashes, which were all gateway crashes.
    public var action: String?
    /// When the venue took connections again, and whether its standby did.
    public var acceptsAgainAtNs: Int64
    public var byStandby: Bool
    /// `lost` when the venue came back without its sessions' state (the
    /// scenario's `state: lost`, and no standby first); absent when kept.
    public var sessionState: String?
    public var sessionsReset: Int
    public var sessionsRecovered: Int
    public var connectionAttempts: Int
    /// From the crash until the last reset session logged in again; absent when one never did.
    public var recoveryNs: Int64?

    public init(venue: String, atNs: Int64, action: String? = nil, acceptsAgainAtNs: Int64, byStandby: Bool,
                sessionState: String? = nil, sessionsReset: Int,
                sessionsRecovered: Int, connectionAttempts: Int, recoveryNs: Int64?) {
        self.venue = venue
        self.atNs = atNs
        self.action = action
        self.acceptsAgainAtNs = acceptsAgainAtNs
        self.byStandby = byStandby
        self.sessionState = sessionState
        self.sessionsReset = sessionsReset
        self.sessionsRecovered = sessionsRecovered
        self.connectionAttempts = connectionAttempts
        self.recoveryNs = recoveryNs
    }
}

/// What one replay of captured order-entry sessions sent and was answered (docs/reports.md).
public struct OrderEntryReplaySummary: Codable, Hashable, Sendable {
    public var venue: String
    /// The capture, its sessions, and what of it was not sent.
    public var source: String
    public var sessions: Int
    /// Captured requests planned within the run.
    public var requestsPlanned: Int
    public var ordersSent: UInt64
    public var cancelsSent: UInt64
    public var replacesSent: UInt64
    public var ordersAccepted: UInt64
    public var ordersRejected: UInt64
    public var instructionsRejected: UInt64
    public var executions: UInt64
    public var executedQuantity: Int64
    public var requestsNotSent: UInt64

    public init(venue: String, source: String, sessions: Int, requestsPlanned: Int, ordersSent: UInt64, cancelsSent: UInt64,
                replacesSent: UInt64, ordersAccepted: UInt64, ordersRejected: UInt64, instructionsRejected: UInt64,
                executions: UInt64, executedQuantity: Int64, requestsNotSent: UInt64) {
        self.venue = venue
        self.source = source
        self.sessions = sessions
        self.requestsPlanned = requestsPlanned
        self.ordersSent = ordersSent
        self.cancelsSent = cancelsSent
        self.replacesSent = replacesSent
        self.ordersAccepted = ordersAccepted
        self.ordersRejected = ordersRejected
        self.instructionsRejected = instructionsRejected
        self.executions = executions
        self.executedQuantity = executedQuantity
        self.requestsNotSent = requestsNotSent
    }
}
