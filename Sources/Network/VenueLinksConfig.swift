/// The links between a venue and its participants: order entry (TCP, both
/// directions, shared by every participant's connection to the venue) and
/// market data (the venue's UDP feed). A link left out behaves as today's
/// default: a fixed one-way latency, nothing lost.
public struct VenueLinksConfig: Hashable, Sendable {
    public var venue: String
    public var orderEntry: OrderEntryLinkConfig?
    public var marketData: LinkDirectionConfig?
    /// A second copy of the feed over its own link, for A/B arbitration;
    /// only with `marketData` (the A feed).
    public var marketDataB: FeedBConfig?
    /// The shared link (`SharedLinkConfig.name`) that the order entry's
    /// primary path and the feed cross before the venue's own links; only
    /// with `orderEntry` or `marketData`.
    public var via: String?

    public init(venue: String, orderEntry: OrderEntryLinkConfig? = nil, marketData: LinkDirectionConfig? = nil, marketDataB: FeedBConfig? = nil,
                via: String? = nil) {
        self.venue = venue
        self.orderEntry = orderEntry
        self.marketData = marketData
        self.marketDataB = marketDataB
        self.via = via
    }

    /// Whether the venue has the link a fault may hit.
    public func models(_ link: FaultedLink) -> Bool {
        switch link {
        case .orderEntry: orderEntry != nil
        case .orderEntryBackup: orderEntry?.backup != nil
        case .marketData: marketData != nil
        case .marketDataB: marketDataB != nil
        }
    }

    /// Link directions modelled: two for each order-entry path, one for each feed.
    public var modelledDirections: Int {
        FaultedLink.allCases.filter(models).reduce(0) { $0 + ($1.isOrderEntry ? 2 : 1) }
    }

    public var firstProblem: String? {
        if let via, orderEntry == nil, marketData == nil {
            return "venue '\(venue)' goes via shared link '\(via)' but has neither order_entry nor market_data to carry over it"
        }
        if let orderEntry {
            if let problem = orderEntry.toVenue.firstProblem { return "venue '\(venue)' order entry to the venue: \(problem)" }
            if let problem = orderEntry.fromVenue.firstProblem { return "venue '\(venue)' order entry from the venue: \(problem)" }
            if let problem = orderEntry.retransmission.firstProblem { return "venue '\(venue)' order entry: \(problem)" }
            if let backup = orderEntry.backup {
                if let problem = backup.toVenue.firstProblem { return "venue '\(venue)' order entry backup to the venue: \(problem)" }
                if let problem = backup.fromVenue.firstProblem { return "venue '\(venue)' order entry backup from the venue: \(problem)" }
                if let problem = backup.firstProblem { return "venue '\(venue)' order entry backup: \(problem)" }
            }
        }
        if let problem = marketData?.firstProblem { return "venue '\(venue)' market data: \(problem)" }
        if let feedB = marketDataB {
            guard marketData != nil else { return "venue '\(venue)' has a B feed without an A feed (market_data)" }
            if let problem = feedB.link.firstProblem { return "venue '\(venue)' market data B: \(problem)" }
            if let problem = feedB.firstProblem { return "venue '\(venue)' market data B: \(problem)" }
        }
        return nil
    }
}

/// Order entry runs over TCP: a link each way and the retransmission timer
/// both ends use, and optionally a redundant path the route fails over to.
public struct OrderEntryLinkConfig: Hashable, Sendable {
    public var toVenue: LinkDirectionConfig
    public var fromVenue: LinkDirectionConfig
    public var retransmission: TCPRetransmissionConfig
    public var backup: BackupPathConfig?

    public init(toVenue: LinkDirectionConfig, fromVenue: LinkDirectionConfig, retransmission: TCPRetransmissionConfig = TCPRetransmissionConfig(),
                backup: BackupPathConfig? = nil) {
        self.toVenue = toVenue
        self.fromVenue = fromVenue
        self.retransmission = retransmission
        self.backup = backup
    }
}

/// A second order-entry path between the venue's participants and its
/// gateway (another switch, another cross-connect): a link each way, and
/// how long the primary's failure takes to detect before the route moves
/// the connections' packets to it. TCP connections ride over it unchanged.
public struct BackupPathConfig: Hashable, Sendable {
    public var toVenue: LinkDirectionConfig
    public var fromVenue: LinkDirectionConfig
    public var route: FailoverRoute

    public init(toVenue: LinkDirectionConfig, fromVenue: LinkDirectionConfig, route: FailoverRoute) {
        self.toVenue = toVenue
        self.fromVenue = fromVenue
        self.route = route
    }

    /// The longest detection time a scenario may give.
    public static let longestDetectionNs: Int64 = 60 * 1_000_000_000

    public var firstProblem: String? {
        guard (0...Self.longestDetectionNs).contains(route.detectionNs) else {
            return "the failover detection time must be in 0...\(Self.longestDetectionNs) ns"
        }
        return nil
    }
}

/// Bytes each packet carries on the wire besides its payload, so that
/// serialization and queue limits see real sizes.
public enum WireOverhead {
    /// Ethernet header (14) + IPv4 (20) + TCP without options (20) + FCS (4).
    public static let tcpIPv4Bytes = 58
    /// Ethernet header (14) + IPv4 (20) + UDP (8) + FCS (4).
    public static let udpIPv4Bytes = 46
}

/// The B copy of a venue's feed: the same MoldUDP64 packets, published
/// again over a second link (another multicast group, another switch), and
/// how long the subscriber waits on one feed's gap for the other to fill it.
public struct FeedBConfig: Hashable, Sendable {
    public var link: LinkDirectionConfig
    public var arbitrationWindowNs: Int64

    public init(link: LinkDirectionConfig, arbitrationWindowNs: Int64) {
        self.link = link
        self.arbitrationWindowNs = arbitrationWindowNs
    }

    public static let longestArbitrationWindowNs: Int64 = 1_000_000_000

    public var firstProblem: String? {
        guard (0...Self.longestArbitrationWindowNs).contains(arbitrationWindowNs) else {
            return "the arbitration window must be in 0...\(Self.longestArbitrationWindowNs) ns"
        }
        return nil
    }
}
