/// A link that the traffic of several venues crosses (a scenario's
/// `network.links`): a trunk between two co-location sites, a switch's
/// uplink. A venue goes over it with `via` (`VenueLinksConfig.via`): its
/// order entry's primary path and its feed cross the shared link and then
/// the venue's own link, so the venues' packets share one transmit queue,
/// one loss draw and one schedule of faults on the way. The redundant
/// routes (an order-entry backup path, a B feed) do not cross it.
public struct SharedLinkConfig: Hashable, Sendable {
    public var name: String
    /// Participants → venues: order-entry requests.
    public var toVenue: LinkDirectionConfig
    /// Venues → participants: order-entry reports and feed packets.
    public var fromVenue: LinkDirectionConfig

    public init(name: String, toVenue: LinkDirectionConfig, fromVenue: LinkDirectionConfig) {
        self.name = name
        self.toVenue = toVenue
        self.fromVenue = fromVenue
    }

    public var firstProblem: String? {
        guard !name.isEmpty else { return "a shared link needs a name" }
        for (direction, config) in [("to_venue", toVenue), ("from_venue", fromVenue)] {
            if let problem = config.firstProblem { return "shared link '\(name)' \(direction): \(problem)" }
            if config.reorder != nil { return "shared link '\(name)' \(direction): \(Self.reorderProblem)" }
            if config.bandwidthBitsPerSecond > 0, config.queueLimitBytes == 0 {
                return "shared link '\(name)' \(direction): \(Self.queueProblem)"
            }
        }
        return nil
    }

    /// A shared link hands its packets on to each venue's own link in the
    /// order they arrive, which only a FIFO link keeps in time order.
    public static let reorderProblem = "a shared link keeps its packets in order; reorder is for a venue's own link"
    /// The traffic of several venues, feeds included, is not known before
    /// the run, so a shared link's queue cannot be checked against it.
    public static let queueProblem = "a shared link with a bandwidth needs queue_bytes: several venues' traffic, feeds included, could queue without bound"
}

/// A scheduled fault of a shared link (`{ at, link: <name>, action }`, no
/// venue): both its directions, and so every venue that goes via it.
public struct SharedLinkFaultConfig: Hashable, Sendable {
    public var atNs: Int64
    /// The shared link's name (`SharedLinkConfig.name`).
    public var link: String
    public var action: LinkFaultAction

    public init(atNs: Int64, link: String, action: LinkFaultAction) {
        self.atNs = atNs
        self.link = link
        self.action = action
    }

    public var lastEffectNs: Int64 { action.lastEffectNs(from: atNs) }
    public var firstProblem: String? { action.problem(at: atNs) }

    /// The schedule of the faults in `faults` that hit `link`, in file order.
    public static func schedule(of link: String, in faults: [SharedLinkFaultConfig]) -> LinkFaultSchedule {
        LinkFaultSchedule(actions: faults.filter { $0.link == link }.map { ($0.atNs, $0.action) })
    }
}

/// A venue's order-entry path (`RedundantPath`) for one direction, reached
/// over a shared link first: the shape `TCPStream` sends through. It holds
/// no links of its own, only where both live for the length of one call,
/// so that neither is copied (each holds arrays) and the shared one stays
/// one link for every venue that crosses it.
struct PathViaSharedLink: PacketPath {
    let path: UnsafeMutablePointer<RedundantPath>
    let shared: UnsafeMutablePointer<LinkDirection>

    mutating func send(sizeBytes: Int, at nowNs: Int64) -> LinkOutcome {
        path.pointee.send(sizeBytes: sizeBytes, at: nowNs, via: &shared.pointee)
    }

    mutating func resend(sizeBytes: Int, at atNs: Int64) -> LinkOutcome {
        path.pointee.resend(sizeBytes: sizeBytes, at: atNs, via: &shared.pointee)
    }

    /// A delivered packet over the primary crossed the shared link first,
    /// whose `lastTiming` is still that packet's.
    var lastTiming: TransitTiming {
        path.pointee.lastOverBackup ? path.pointee.lastTiming : shared.pointee.lastTiming + path.pointee.lastTiming
    }
}

extension LinkOutcome {
    /// A packet that crossed `first` and then went on over a second link:
    /// what became of it on the second (`second`), a copy made on either
    /// arriving just behind.
    public static func afterTwoHops(first: LinkOutcome, second: LinkOutcome) -> LinkOutcome {
        if case .duplicated = first, case .delivered(let atNs) = second { return .duplicated(atNs: atNs) }
        return second
    }
}

extension TransitTiming {
    /// Two hops one after the other: each part is the sum of the two.
    static func + (first: TransitTiming, second: TransitTiming) -> TransitTiming {
        var sum = first
        sum += second
        return sum
    }
}
