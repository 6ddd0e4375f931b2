import Network
import SimKernel

/// The modelled links of a run (`SimulationConfig.venueLinks`): per venue an
/// order-entry link each way, shared by the TCP connections of all its
/// participants, and a market-data link for its feed. Venues without links
/// take the fixed one-way latency, outside this type.
struct SimulatedNetwork {
    struct OrderEntryLinks {
        var toVenue: LinkDirection
        var fromVenue: LinkDirection
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
    /// By participant index: its connection's stream each way, nil where its
    /// venue's order entry is not modelled.
    var toVenueStreams: [TCPStream?]
    var fromVenueStreams: [TCPStream?]
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

    /// A TCP segment carries at most this much payload (a 1,500-byte
    /// Ethernet MTU less IPv4 and TCP headers); a longer write is several
    /// segments, delivered when the last one is.
    static let maximumSegmentBytes = 1_460

    init(config: SimulationConfig, participantVenues: [Int32]) {
        orderEntry = Array(repeating: nil, count: config.venues.count)
        marketData = Array(repeating: nil, count: config.venues.count)
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
            if let oe = links.orderEntry {
                orderEntry[v] = OrderEntryLinks(
                    toVenue: LinkDirection(config: oe.toVenue, random: stream("order_entry.to_venue"), faults: faults(.orderEntry)),
                    fromVenue: LinkDirection(config: oe.fromVenue, random: stream("order_entry.from_venue"), faults: faults(.orderEntry)))
                retransmission[v] = oe.retransmission
            }
            if let md = links.marketData {
                marketData[v] = LinkDirection(config: md, random: stream("market_data"), faults: faults(.marketData))
            }
        }
        orderEntryModelled = orderEntry.map { $0 != nil }
        marketDataModelled = marketData.map { $0 != nil }
        modelsAnyLink = orderEntryModelled.contains(true) || marketDataModelled.contains(true)
        toVenueStreams = participantVenues.map { venue in retransmission[Int(venue)].map { TCPStream(retransmission: $0) } }
        fromVenueStreams = toVenueStreams
        self.participantVenues = participantVenues
        faultedLinks = faulted
    }

    func modelsOrderEntry(venue: Int) -> Bool { modelsAnyLink && orderEntryModelled[venue] }

    func modelsMarketData(venue: Int) -> Bool { modelsAnyLink && marketDataModelled[venue] }

    /// A participant's write to its venue; the time the venue's socket has
    /// all of it, or nil when the connection broke on the way.
    mutating func sendToVenue(participant: Int, venue: Int, payloadBytes: Int, at nowNs: Int64) -> Int64? {
        precondition(orderEntry[venue] != nil && toVenueStreams[participant] != nil, "order entry of venue \(venue) is not modelled")
        return Self.sendSegments(payloadBytes: payloadBytes, at: nowNs, stream: &toVenueStreams[participant]!, link: &orderEntry[venue]!.toVenue)
    }

    /// A venue's write to a participant, as `sendToVenue`.
    mutating func sendFromVenue(participant: Int, venue: Int, payloadBytes: Int, at nowNs: Int64) -> Int64? {
        precondition(orderEntry[venue] != nil && fromVenueStreams[participant] != nil, "order entry of venue \(venue) is not modelled")
        return Self.sendSegments(payloadBytes: payloadBytes, at: nowNs, stream: &fromVenueStreams[participant]!, link: &orderEntry[venue]!.fromVenue)
    }

    static func sendSegments(payloadBytes: Int, at nowNs: Int64, stream: inout TCPStream, link: inout LinkDirection) -> Int64? {
        precondition(payloadBytes > 0, "an empty write")
        var remaining = payloadBytes
        var deliveredNs = nowNs
        while remaining > 0 {
            let segment = min(remaining, maximumSegmentBytes)
            remaining -= segment
            switch stream.send(sizeBytes: segment + WireOverhead.tcpIPv4Bytes, at: nowNs, over: &link) {
            case .delivered(let atNs, _): deliveredNs = atNs
            case .broken: return nil
            }
        }
        return deliveredNs
    }

    /// One MoldUDP64 packet of a venue's feed over its market-data link:
    /// UDP, so a lost packet is lost.
    mutating func sendFeedPacket(venue: Int, payloadBytes: Int, at nowNs: Int64) -> LinkOutcome? {
        guard marketDataModelled[venue] else { return nil }
        return marketData[venue]!.send(sizeBytes: payloadBytes + WireOverhead.udpIPv4Bytes, at: nowNs)
    }

    /// Statistics of every modelled link, venue by venue in configuration order.
    func reports(venueNames: [String]) -> [LinkReport] {
        var reports: [LinkReport] = []
        for (v, name) in venueNames.enumerated() {
            if let links = orderEntry[v] {
                var toVenue = TCPStreamStatistics(), fromVenue = TCPStreamStatistics()
                for (p, stream) in toVenueStreams.enumerated() where stream != nil && participantVenue(p) == v {
                    toVenue += stream!.statistics
                    fromVenue += fromVenueStreams[p]!.statistics
                }
                reports.append(LinkReport(venue: name, link: "order_entry.to_venue", statistics: links.toVenue.statistics, tcp: toVenue))
                reports.append(LinkReport(venue: name, link: "order_entry.from_venue", statistics: links.fromVenue.statistics, tcp: fromVenue))
            }
            if let link = marketData[v] {
                reports.append(LinkReport(venue: name, link: "market_data", statistics: link.statistics, tcp: nil))
            }
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

    func participantVenue(_ participant: Int) -> Int { Int(participantVenues[participant]) }
}

/// What one modelled link carried over a run.
public struct LinkReport: Hashable, Sendable {
    public var venue: String
    /// "order_entry.to_venue", "order_entry.from_venue" or "market_data".
    public var link: String
    public var statistics: LinkStatistics
    /// The TCP streams of the participants' connections over an order-entry
    /// link, added up; nil for market data (UDP).
    public var tcp: TCPStreamStatistics?
}

/// When one faulted link was down over a run.
public struct LinkOutageReport: Hashable, Sendable {
    public var venue: String
    public var link: FaultedLink
    /// In time order; the last one has no end when the link was still down when the run ended.
    public var outages: [LinkOutage]

    /// Each outage's length; one still open counts to `runEndNs`.
    public func lengthsNs(runEndNs: Int64) -> [Int64] { outages.map { $0.lengthNs(runEndNs: runEndNs) } }
}
