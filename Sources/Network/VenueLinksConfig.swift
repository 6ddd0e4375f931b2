/// The links between a venue and its participants: order entry (TCP, both
/// directions, shared by every participant's connection to the venue) and
/// market data (the venue's UDP feed). A link left out behaves as today's
/// default: a fixed one-way latency, nothing lost.
public struct VenueLinksConfig: Hashable, Sendable {
    public var venue: String
    public var orderEntry: OrderEntryLinkConfig?
    public var marketData: LinkDirectionConfig?

    public init(venue: String, orderEntry: OrderEntryLinkConfig? = nil, marketData: LinkDirectionConfig? = nil) {
        self.venue = venue
        self.orderEntry = orderEntry
        self.marketData = marketData
    }

    public var firstProblem: String? {
        if let orderEntry {
            if let problem = orderEntry.toVenue.firstProblem { return "venue '\(venue)' order entry to the venue: \(problem)" }
            if let problem = orderEntry.fromVenue.firstProblem { return "venue '\(venue)' order entry from the venue: \(problem)" }
            if let problem = orderEntry.retransmission.firstProblem { return "venue '\(venue)' order entry: \(problem)" }
        }
        if let problem = marketData?.firstProblem { return "venue '\(venue)' market data: \(problem)" }
        return nil
    }
}

/// Order entry runs over TCP: a link each way and the retransmission timer
/// both ends use.
public struct OrderEntryLinkConfig: Hashable, Sendable {
    public var toVenue: LinkDirectionConfig
    public var fromVenue: LinkDirectionConfig
    public var retransmission: TCPRetransmissionConfig

    public init(toVenue: LinkDirectionConfig, fromVenue: LinkDirectionConfig, retransmission: TCPRetransmissionConfig = TCPRetransmissionConfig()) {
        self.toVenue = toVenue
        self.fromVenue = fromVenue
        self.retransmission = retransmission
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
