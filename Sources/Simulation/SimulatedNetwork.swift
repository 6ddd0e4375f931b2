import Network
import SimKernel

/// The modelled links of a run (`SimulationConfig.venueLinks`): per venue an
/// order-entry link each way, shared by the TCP connections of all its
/// participants, and a market-data link for its feed. Venues without links
/// take the fixed one-way latency, outside this type.
struct SimulatedNetwork {
    /// Each direction is a path: the primary link and, with
    /// `order_entry.backup`, the backup the route fails over to.
    struct OrderEntryLinks {
        var toVenue: RedundantPath
        var fromVenue: RedundantPath
    }

    /// By venue index; nil where the venue's order entry is not modelled.
    var orderEntry: [OrderEntryLinks?]
    /// By venue index, whether `orderEntry` / `marketData` is set: read per
    /// message, without touching the links themselves.
    let orderEntryModelled: [Bool]
    let marketDataModelled: [Bool]
    /// Whether any link is modelled: without links (the default network)
    /// a message pays one test of this flag.
    let modelsAnyLink: Bool
    /// By venue index; nil where the venue's feed is not modelled.
    var marketData: [LinkDirection?]
    /// The shared links (`SimulationConfig.sharedLinks`), in configuration
    /// order, each direction one link for every venue that crosses it.
    var sharedToVenue: [LinkDirection] = []
    var sharedFromVenue: [LinkDirection] = []
    /// By venue index: the index in `sharedToVenue` of the shared link its
    /// order entry and feed cross first (`via`), or -1.
    var sharedLinkOfVenue: [Int]
    /// Whether any venue goes via a shared link: without, a packet pays one
    /// test of this flag rather than a look in `sharedLinkOfVenue`.
    let goesViaSharedLinks: Bool
    /// By shared link: its name and the venues that cross it, for reports.
    let sharedLinkNames: [String]
    var sharedLinkVenues: [[Int]]
    /// By shared link: when it is down or degraded (both directions).
    let sharedLinkFaults: [LinkFaultSchedule]
    /// By venue index: the link of the feed's B copy; nil without one.
    var marketDataB: [LinkDirection?]
    /// By participant index: its connection's stream each way, nil where its
    /// venue's order entry is not modelled.
    var toVenueStreams: [TCPStream?]
    var fromVenueStreams: [TCPStream?]
    /// By venue index: the transit of every write over its order-entry
    /// links, added up, each way.
    var toVenueTransit: [TransitTotals]
    var fromVenueTransit: [TransitTotals]
    /// By venue index: of those writes, the ones that crossed the shared
    /// link it goes via, and their time on it (empty without one).
    var toVenueSharedTransit: [TransitTotals]
    var fromVenueSharedTransit: [TransitTotals]
    /// The links that `SimulationConfig.linkFaults` hits, in the order of
    /// their first fault: the schedule the link directions decide by, and
    /// the outages the kernel's fault events have marked so far.
    var faultedLinks: [FaultedLinkState] = []

    struct FaultedLinkState {
        var venue: Int
        var link: FaultedLink
        var schedule: LinkFaultSchedule
        var observedOutages: [LinkOutage] = []
    }

    init(config: SimulationConfig, participantVenues: [Int32]) {
        orderEntry = Array(repeating: nil, count: config.venues.count)
        marketData = Array(repeating: nil, count: config.venues.count)
        marketDataB = Array(repeating: nil, count: config.venues.count)
        toVenueTransit = Array(repeating: TransitTotals(), count: config.venues.count)
        sharedLinkOfVenue = Array(repeating: -1, count: config.venues.count)
        sharedLinkNames = config.sharedLinks.map(\.name)
        sharedLinkVenues = Array(repeating: [], count: config.sharedLinks.count)
        sharedLinkFaults = config.sharedLinks.map { SharedLinkFaultConfig.schedule(of: $0.name, in: config.sharedLinkFaults) }
        for (s, shared) in config.sharedLinks.enumerated() {
            func stream(_ direction: String) -> RandomStream {
                RandomStream(scenarioSeed: config.seed, component: "network-shared.\(shared.name).\(direction)")
            }
            sharedToVenue.append(LinkDirection(config: shared.toVenue, random: stream("to_venue"), faults: sharedLinkFaults[s]))
            sharedFromVenue.append(LinkDirection(config: shared.fromVenue, random: stream("from_venue"), faults: sharedLinkFaults[s]))
        }
        fromVenueTransit = toVenueTransit
        toVenueSharedTransit = toVenueTransit
        fromVenueSharedTransit = toVenueTransit
        var retransmission: [TCPRetransmissionConfig?] = Array(repeating: nil, count: config.venues.count)
        var faulted: [FaultedLinkState] = []
        for fault in config.linkFaults where !faulted.contains(where: { config.venues[$0.venue].name == fault.venue && $0.link == fault.link }) {
            guard let v = config.venues.firstIndex(where: { $0.name == fault.venue }) else { continue }
            let faults = config.linkFaults.filter { $0.venue == fault.venue && $0.link == fault.link }
            faulted.append(FaultedLinkState(venue: v, link: fault.link, schedule: LinkFaultSchedule(faults: faults)))
        }
        for links in config.venueLinks {
            guard let v = config.venues.firstIndex(where: { $0.name == links.venue }) else { continue }
            func stream(_ direction: String) -> RandomStream {
                RandomStream(scenarioSeed: config.seed, component: "network.\(links.venue).\(direction)")
            }
            func faults(_ link: FaultedLink) -> LinkFaultSchedule {
                faulted.first { $0.venue == v && $0.link == link }?.schedule ?? .none
            }
            var sharedFaults = LinkFaultSchedule.none
            if let via = links.via, let s = config.sharedLinks.firstIndex(where: { $0.name == via }) {
                sharedLinkOfVenue[v] = s
                sharedLinkVenues[s].append(v)
                sharedFaults = sharedLinkFaults[s]
            }
            if let oe = links.orderEntry {
                func path(_ direction: String, _ primary: LinkDirectionConfig, _ backup: LinkDirectionConfig?) -> RedundantPath {
                    RedundantPath(
                        primary: LinkDirection(config: primary, random: stream("order_entry.\(direction)"), faults: faults(.orderEntry)),
                        backup: backup.map { LinkDirection(config: $0, random: stream("order_entry_backup.\(direction)"), faults: faults(.orderEntryBackup)) },
                        route: oe.backup?.route, sharedLinkFaults: sharedFaults)
                }
                orderEntry[v] = OrderEntryLinks(toVenue: path("to_venue", oe.toVenue, oe.backup?.toVenue),
                                                fromVenue: path("from_venue", oe.fromVenue, oe.backup?.fromVenue))
                retransmission[v] = oe.retransmission
            }
            if let md = links.marketData {
                marketData[v] = LinkDirection(config: md, random: stream("market_data"), faults: faults(.marketData))
            }
            if let feedB = links.marketDataB {
                marketDataB[v] = LinkDirection(config: feedB.link, random: stream("market_data_b"), faults: faults(.marketDataB))
            }
        }
        goesViaSharedLinks = sharedLinkOfVenue.contains { $0 >= 0 }
        orderEntryModelled = orderEntry.map { $0 != nil }
        marketDataModelled = marketData.map { $0 != nil }
        modelsAnyLink = orderEntryModelled.contains(true) || marketDataModelled.contains(true)
        toVenueStreams = participantVenues.map { venue in retransmission[Int(venue)].map { TCPStream(retransmission: $0) } }
        fromVenueStreams = toVenueStreams
        self.participantVenues = participantVenues
        faultedLinks = faulted
    }

    func modelsOrderEntry(venue: Int) -> Bool { modelsAnyLink && orderEntryModelled[venue] }

    /// Whether a connection attempt to the venue at `timeNs` is lost: its
    /// order-entry path is cut off one way or the other. Never, where the
    /// path is not modelled.
    func orderEntryPathIsDown(venue: Int, at timeNs: Int64) -> Bool {
        guard modelsOrderEntry(venue: venue), let links = orderEntry[venue] else { return false }
        return links.toVenue.isCutOff(at: timeNs) || links.fromVenue.isCutOff(at: timeNs)
    }

    /// A new TCP connection for the participant: fresh streams each way,
    /// the old ones' counts kept for the report.
    mutating func resetConnection(participant: Int) {
        guard let stream = toVenueStreams[participant], let back = fromVenueStreams[participant] else { return }
        if retiredStreams.isEmpty { retiredStreams = Array(repeating: (TCPStreamStatistics(), TCPStreamStatistics()), count: toVenueStreams.count) }
        retiredStreams[participant].toVenue += stream.statistics
        retiredStreams[participant].fromVenue += back.statistics
        toVenueStreams[participant] = TCPStream(retransmission: stream.retransmission)
        fromVenueStreams[participant] = TCPStream(retransmission: stream.retransmission)
    }

    /// How long the participant's TCP retries a segment before it gives
    /// the connection up.
    func giveUpAfterNs(participant: Int) -> Int64 {
        toVenueStreams[participant]?.retransmission.giveUpAfterNs ?? 0
    }

    /// By participant: the counts of its connections' streams before the
    /// last reset; empty until a reset.
    var retiredStreams: [(toVenue: TCPStreamStatistics, fromVenue: TCPStreamStatistics)] = []

    func modelsMarketData(venue: Int) -> Bool { modelsAnyLink && marketDataModelled[venue] }

    /// A participant's write to its venue; the time the venue's socket has
    /// all of it, or nil when the connection broke on the way.
    mutating func sendToVenue(participant: Int, venue: Int, payloadBytes: Int, at nowNs: Int64) -> Int64? {
        precondition(orderEntry[venue] != nil && toVenueStreams[participant] != nil, "order entry of venue \(venue) is not modelled")
        let shared = goesViaSharedLinks ? sharedLinkOfVenue[venue] : -1
        let deliveredNs = shared < 0
            ? toVenueStreams[participant]!.sendWrite(payloadBytes: payloadBytes, at: nowNs, over: &orderEntry[venue]!.toVenue)
            : toVenueStreams[participant]!.sendWrite(payloadBytes: payloadBytes, at: nowNs, over: &orderEntry[venue]!.toVenue,
                                                     via: &sharedToVenue[shared])
        if deliveredNs != nil {
            toVenueTransit[venue].add(toVenueStreams[participant]!.lastTiming)
            // The write's last segment got through over the shared link
            // and the primary, not the backup: the shared link's last
            // packet was that segment.
            if shared >= 0, !orderEntry[venue]!.toVenue.lastOverBackup { toVenueSharedTransit[venue].add(sharedToVenue[shared].lastTiming) }
        }
        return deliveredNs
    }

    /// A venue's write to a participant, as `sendToVenue`.
    mutating func sendFromVenue(participant: Int, venue: Int, payloadBytes: Int, at nowNs: Int64) -> Int64? {
        precondition(orderEntry[venue] != nil && fromVenueStreams[participant] != nil, "order entry of venue \(venue) is not modelled")
        let shared = goesViaSharedLinks ? sharedLinkOfVenue[venue] : -1
        let deliveredNs = shared < 0
            ? fromVenueStreams[participant]!.sendWrite(payloadBytes: payloadBytes, at: nowNs, over: &orderEntry[venue]!.fromVenue)
            : fromVenueStreams[participant]!.sendWrite(payloadBytes: payloadBytes, at: nowNs, over: &orderEntry[venue]!.fromVenue,
                                                     via: &sharedFromVenue[shared])
        if deliveredNs != nil {
            fromVenueTransit[venue].add(fromVenueStreams[participant]!.lastTiming)
            if shared >= 0, !orderEntry[venue]!.fromVenue.lastOverBackup {
                fromVenueSharedTransit[venue].add(sharedFromVenue[shared].lastTiming)
            }
        }
        return deliveredNs
    }

    /// One MoldUDP64 packet of a venue's feed over its market-data link
    /// (`feed` 0) or its B feed's (1): UDP, so a lost packet is lost.
    mutating func sendFeedPacket(venue: Int, feed: Int = 0, payloadBytes: Int, at nowNs: Int64) -> LinkOutcome? {
        guard marketDataModelled[venue] else { return nil }
        let sizeBytes = payloadBytes + WireOverhead.udpIPv4Bytes
        if feed == 0 {
            let shared = goesViaSharedLinks ? sharedLinkOfVenue[venue] : -1
            guard shared >= 0 else { return marketData[venue]!.send(sizeBytes: sizeBytes, at: nowNs) }
            // Over the shared link, then the venue's own: it hands packets
            // on in order (FIFO), so the venue's link sees them in time order.
            let first = sharedFromVenue[shared].send(sizeBytes: sizeBytes, at: nowNs)
            guard let crossedNs = first.arrivalNs else { return first }
            return .afterTwoHops(first: first, second: marketData[venue]!.send(sizeBytes: sizeBytes, at: crossedNs))
        }
        return marketDataB[venue]?.send(sizeBytes: payloadBytes + WireOverhead.udpIPv4Bytes, at: nowNs)
    }

    /// The propagation delay of the shared link the venue goes via, one
    /// way; 0 without one.
    func sharedPropagationNs(venue: Int, toVenue: Bool) -> Int64 {
        let shared = sharedLinkOfVenue[venue]
        guard shared >= 0 else { return 0 }
        return (toVenue ? sharedToVenue[shared] : sharedFromVenue[shared]).config.propagationDelayNs
    }

    /// The propagation delay of the venue's order-entry path one way, for
    /// a packet sent at `timeNs`: the backup's once the route has moved to
    /// it, else the primary's and the shared link's it goes via, if any.
    func orderEntryPropagationNs(venue: Int, toVenue: Bool, at timeNs: Int64) -> Int64 {
        let links = orderEntry[venue]!
        let path = toVenue ? links.toVenue : links.fromVenue
        if path.takesBackup(at: timeNs) { return path.backup!.config.propagationDelayNs }
        return path.primary.config.propagationDelayNs + sharedPropagationNs(venue: venue, toVenue: toVenue)
    }

    /// How long a subscriber's re-request takes to reach the venue: the
    /// feed link's propagation, and the shared link's toward the venue when
    /// the feed goes via one (the request path loses nothing).
    func feedRequestDelayNs(venue: Int) -> Int64 {
        marketData[venue]!.config.propagationDelayNs + sharedPropagationNs(venue: venue, toVenue: true)
    }

    /// A re-request's way to the venue and its answer's way back: twice the
    /// feed link's propagation, and the shared link's each way when the
    /// feed goes via one.
    func feedRoundTripNs(venue: Int) -> Int64 {
        2 * marketData[venue]!.config.propagationDelayNs
            + sharedPropagationNs(venue: venue, toVenue: true) + sharedPropagationNs(venue: venue, toVenue: false)
    }

    /// Whether the venue publishes a B copy of its feed.
    func hasFeedB(venue: Int) -> Bool { modelsAnyLink && marketDataB[venue] != nil }

    /// Statistics of every modelled link, venue by venue in configuration order.
    func reports(venueNames: [String]) -> [LinkReport] {
        var reports: [LinkReport] = []
        for (v, name) in venueNames.enumerated() {
            if let links = orderEntry[v] {
                var toVenue = TCPStreamStatistics(), fromVenue = TCPStreamStatistics()
                for (p, stream) in toVenueStreams.enumerated() where stream != nil && participantVenue(p) == v {
                    toVenue += stream!.statistics
                    fromVenue += fromVenueStreams[p]!.statistics
                    if !retiredStreams.isEmpty {
                        toVenue += retiredStreams[p].toVenue
                        fromVenue += retiredStreams[p].fromVenue
                    }
                }
                reports.append(LinkReport(venue: name, link: "order_entry.to_venue", statistics: links.toVenue.primary.statistics, tcp: toVenue))
                reports.append(LinkReport(venue: name, link: "order_entry.from_venue", statistics: links.fromVenue.primary.statistics, tcp: fromVenue))
                if let toBackup = links.toVenue.backup, let fromBackup = links.fromVenue.backup {
                    // The TCP streams ride both paths; their counts stand with the primary's rows.
                    reports.append(LinkReport(venue: name, link: "order_entry_backup.to_venue", statistics: toBackup.statistics, tcp: nil))
                    reports.append(LinkReport(venue: name, link: "order_entry_backup.from_venue", statistics: fromBackup.statistics, tcp: nil))
                }
            }
            if let link = marketData[v] {
                reports.append(LinkReport(venue: name, link: "market_data", statistics: link.statistics, tcp: nil))
            }
            if let link = marketDataB[v] {
                reports.append(LinkReport(venue: name, link: "market_data_b", statistics: link.statistics, tcp: nil))
            }
        }
        // Shared links last, named by the venues that cross them.
        for (s, name) in sharedLinkNames.enumerated() {
            let venues = sharedLinkVenues[s].map { venueNames[$0] }.joined(separator: "+")
            reports.append(LinkReport(venue: venues, link: "\(name).to_venue", statistics: sharedToVenue[s].statistics, tcp: nil))
            reports.append(LinkReport(venue: venues, link: "\(name).from_venue", statistics: sharedFromVenue[s].statistics, tcp: nil))
        }
        return reports
    }

    var participantVenues: [Int32] = []

    /// A fault event of the kernel: link `index` of `faultedLinks` went down or came up.
    mutating func markTransition(link index: Int, isDown: Bool, at nowNs: Int64) {
        if isDown {
            precondition(faultedLinks[index].observedOutages.last.map { $0.endNs != nil } ?? true, "down while down")
            faultedLinks[index].observedOutages.append(LinkOutage(startNs: nowNs, endNs: nil))
        } else {
            let last = faultedLinks[index].observedOutages.count - 1
            precondition(last >= 0 && faultedLinks[index].observedOutages[last].endNs == nil, "up while up")
            faultedLinks[index].observedOutages[last].endNs = nowNs
        }
    }

    /// The outages of every faulted link, as the kernel's fault events marked them.
    func outageReports(venueNames: [String]) -> [LinkOutageReport] {
        faultedLinks.map { LinkOutageReport(venue: venueNames[$0.venue], link: $0.link, outages: $0.observedOutages) }
    }

    /// The outages of every faulted shared link, from its schedule, as far
    /// as a run that reached `nowNs` met them: an outage not begun by then
    /// is left out, one still going has no end. (A venue's links get theirs
    /// from the kernel's fault events, which mark the same transitions.)
    func sharedLinkOutageReports(venueNames: [String], upTo nowNs: Int64) -> [SharedLinkOutageReport] {
        sharedLinkNames.indices.compactMap { s in
            let outages = Self.outages(of: sharedLinkFaults[s], upTo: nowNs)
            guard !outages.isEmpty else { return nil }
            return SharedLinkOutageReport(link: sharedLinkNames[s], venues: sharedLinkVenues[s].map { venueNames[$0] }, outages: outages)
        }
    }

    /// The outages of `schedule` that began by `nowNs`, one still going then left open.
    static func outages(of schedule: LinkFaultSchedule, upTo nowNs: Int64) -> [LinkOutage] {
        schedule.outages.filter { $0.startNs <= nowNs }.map { outage in
            LinkOutage(startNs: outage.startNs, endNs: outage.endNs.flatMap { $0 <= nowNs ? $0 : nil })
        }
    }

    /// For each venue whose order entry is modelled and faulted, in venue
    /// order: when its order-entry path carried nothing, with the backup
    /// (when it has one) taking over after the detection time.
    func orderEntryPathReports(venueNames: [String], upTo nowNs: Int64) -> [OrderEntryPathReport] {
        var reports: [OrderEntryPathReport] = []
        for (v, name) in venueNames.enumerated() {
            guard let links = orderEntry[v] else { continue }
            let primary = faultedLinks.first { $0.venue == v && $0.link == .orderEntry }
            let backup = faultedLinks.first { $0.venue == v && $0.link == .orderEntryBackup }
            let shared = sharedLinkOfVenue[v] < 0 ? LinkFaultSchedule.none : sharedLinkFaults[sharedLinkOfVenue[v]]
            guard primary != nil || backup != nil || !shared.outages.isEmpty else { continue }
            // The primary path is down while its own link or the shared link before it is.
            let primaryOutages = shared.outages.isEmpty ? primary?.observedOutages ?? []
                : LinkFaultSchedule(outages: primary?.observedOutages ?? [])
                    .outagesMerged(with: LinkFaultSchedule(outages: Self.outages(of: shared, upTo: nowNs))).outages
            let route = links.toVenue.route
            let pathOutages = route.map { $0.pathOutages(primary: primaryOutages, backup: backup?.observedOutages ?? []) } ?? primaryOutages
            reports.append(OrderEntryPathReport(
                venue: name, detectionNs: route?.detectionNs, primaryOutages: primaryOutages, pathOutages: pathOutages,
                packetsOverBackup: links.toVenue.packetsOverBackup + links.fromVenue.packetsOverBackup))
        }
        return reports
    }

    func participantVenue(_ participant: Int) -> Int { Int(participantVenues[participant]) }
}

/// What one modelled link carried over a run.
public struct LinkReport: Hashable, Sendable {
    /// The venue; for a shared link, the venues that cross it, joined by "+".
    public var venue: String
    /// "order_entry.to_venue", "order_entry.from_venue", their
    /// "order_entry_backup." twins, "market_data" or "market_data_b"; for a
    /// shared link, its name and ".to_venue" or ".from_venue".
    public var link: String
    public var statistics: LinkStatistics
    /// The TCP streams of the participants' connections over an order-entry
    /// link, added up; nil for market data (UDP).
    public var tcp: TCPStreamStatistics?
}

/// When one faulted shared link was down over a run.
public struct SharedLinkOutageReport: Hashable, Sendable {
    public var link: String
    /// The venues that go via it.
    public var venues: [String]
    public var outages: [LinkOutage]
}

/// When one faulted link was down over a run.
public struct LinkOutageReport: Hashable, Sendable {
    public var venue: String
    public var link: FaultedLink
    /// In time order; the last one has no end when the link was still down when the run ended.
    public var outages: [LinkOutage]
}

/// When one venue's order entry could not get through: its primary link's
/// outages (order entry without redundancy) and the outages of the path as
/// a whole, the backup standing in once the failure is detected (with
/// redundancy; the same as the primary's when there is no backup).
public struct OrderEntryPathReport: Hashable, Sendable {
    public var venue: String
    /// The failover detection time; nil without a backup path.
    public var detectionNs: Int64?
    public var primaryOutages: [LinkOutage]
    public var pathOutages: [LinkOutage]
    /// Packets, both directions, first copies and retransmissions, that the route sent over the backup.
    public var packetsOverBackup: UInt64

    /// Parts per million of `[0, runEndNs)` that `outages` leave up, rounded
    /// down, so a bound of 99.999 % holds only when it was kept.
    public static func availabilityPartsPerMillion(_ outages: [LinkOutage], runEndNs: Int64) -> Int64 {
        guard runEndNs > 0 else { return 1_000_000 }
        let downNs = min(outages.reduce(0) { $0 + $1.lengthNs(runEndNs: runEndNs) }, runEndNs)
        // (up × 10⁶) / run in 128 bits: exact for any run length, and the
        // quotient (at most 10⁶) fits.
        let upNs = runEndNs - downNs
        return runEndNs.dividingFullWidth(upNs.multipliedFullWidth(by: 1_000_000)).quotient
    }
}

/// The transits of many writes over one direction of a path, added up:
/// their count and the sum of each part of their time.
public struct TransitTotals: Hashable, Sendable {
    public var writes: UInt64 = 0
    public var sum = TransitTiming()

    public init(writes: UInt64 = 0, sum: TransitTiming = TransitTiming()) {
        self.writes = writes
        self.sum = sum
    }

    /// A write delivered when its last segment was: that segment's parts.
    mutating func add(_ timing: TransitTiming) {
        writes += 1
        sum += timing
    }
}
