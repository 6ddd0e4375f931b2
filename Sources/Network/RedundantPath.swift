/// What a transport sends its packets over: one link direction, or a
/// primary and a backup with a route between them. Generic rather than an
/// existential, so a single link costs what it did before paths existed.
public protocol PacketPath {
    /// A packet sent now (the path's sends come in nondecreasing time).
    mutating func send(sizeBytes: Int, at nowNs: Int64) -> LinkOutcome
    /// A retransmission at a time a transport's timer chose (`LinkDirection.resend`).
    mutating func resend(sizeBytes: Int, at atNs: Int64) -> LinkOutcome
    /// Where the last delivered packet's time went.
    var lastTiming: TransitTiming { get }
}

extension LinkDirection: PacketPath {}

/// A redundant path's configuration for one direction besides the primary
/// link: the backup link and how long the primary's failure goes unnoticed.
public struct FailoverRoute: Hashable, Sendable {
    /// From the primary going down until traffic moves to the backup (the
    /// time a BFD session or a link-loss alarm takes to declare it dead).
    public var detectionNs: Int64

    public init(detectionNs: Int64) {
        self.detectionNs = detectionNs
    }

    /// Which link carries a packet sent at `timeNs`: the primary while it is
    /// up, and through the first `detectionNs` of its outage (where the
    /// packet is lost: nobody knows yet); the backup from then until the
    /// primary is back, when the route returns to it at once. The choice
    /// reads only the two fault schedules, known from the start, so it is a
    /// pure function of the time.
    public func usesBackup(at timeNs: Int64, primary: LinkFaultSchedule) -> Bool {
        guard let outage = primary.outage(at: timeNs) else { return false }
        return timeNs - outage.startNs >= detectionNs
    }

    /// The intervals in which the path carried nothing: the primary is
    /// down and either its failure is not yet detected or the backup is
    /// down too. `primary` and `backup` are sorted, disjoint outages (as a
    /// `LinkFaultSchedule` or a run's observed outages hold them); the
    /// result is too. An interval open at the end stays open.
    ///
    /// - Complexity: O(primary + backup).
    public func pathOutages(primary: [LinkOutage], backup: [LinkOutage]) -> [LinkOutage] {
        var result: [LinkOutage] = []
        func add(_ startNs: Int64, _ endNs: Int64?) {
            if let endNs, endNs <= startNs { return }
            // Touching intervals merge, so an outage is one entry.
            if let last = result.last, last.endNs == startNs {
                result[result.count - 1].endNs = endNs
            } else {
                result.append(LinkOutage(startNs: startNs, endNs: endNs))
            }
        }
        var b = 0
        for outage in primary {
            let endNs = outage.endNs ?? .max
            // Undetected: the first detectionNs of the outage.
            let detectedNs = outage.startNs &+ min(detectionNs, endNs - outage.startNs)
            add(outage.startNs, detectedNs == .max ? nil : min(detectedNs, endNs))
            guard detectedNs < endNs else { continue }
            // Detected: down where the backup is down as well.
            while b < backup.count, (backup[b].endNs ?? .max) <= detectedNs { b += 1 }
            var k = b
            while k < backup.count, backup[k].startNs < endNs {
                let from = max(backup[k].startNs, detectedNs)
                let to = min(backup[k].endNs ?? .max, endNs)
                add(from, to == .max ? nil : to)
                k += 1
            }
        }
        return result
    }
}

/// One direction of an order-entry path: the primary link and, when the
/// scenario gives one, a backup that the route moves to once the primary's
/// failure is detected (`FailoverRoute`). Each link keeps its own queue,
/// random stream and statistics; a packet crosses exactly one of them.
public struct RedundantPath: PacketPath, Sendable {
    public private(set) var primary: LinkDirection
    public private(set) var backup: LinkDirection?
    public let route: FailoverRoute?
    /// When the primary path is down: the primary link's outages, and
    /// those of the shared link it is reached over (`via`), if any. The
    /// route watches these.
    public let primaryPathFaults: LinkFaultSchedule
    /// Packets the route sent over the backup.
    public private(set) var packetsOverBackup: UInt64 = 0
    /// Whether the last packet went over the backup.
    public internal(set) var lastOverBackup = false

    /// `sharedLinkFaults`: the faults of the shared link the primary path
    /// crosses first (`send(sizeBytes:at:via:)`); the backup does not cross it.
    ///
    /// - Precondition: a backup comes with its route and the other way round.
    public init(primary: LinkDirection, backup: LinkDirection? = nil, route: FailoverRoute? = nil,
                sharedLinkFaults: LinkFaultSchedule = .none) {
        precondition((backup == nil) == (route == nil), "a backup link needs a failover route, and a route a backup")
        self.primary = primary
        self.backup = backup
        self.route = route
        primaryPathFaults = sharedLinkFaults.isEmpty ? primary.faults : primary.faults.outagesMerged(with: sharedLinkFaults)
    }

    /// Whether a packet sent at `timeNs` goes over the backup: the route has
    /// moved to it.
    @inline(__always)
    public func takesBackup(at timeNs: Int64) -> Bool {
        guard let route else { return false }
        return route.usesBackup(at: timeNs, primary: primaryPathFaults)
    }

    /// Where the last packet's time went on the link it crossed last; a
    /// shared link's part before it is added by `PathViaSharedLink`.
    public var lastTiming: TransitTiming { lastOverBackup ? backup!.lastTiming : primary.lastTiming }

    /// Whether a packet sent at `timeNs` would meet a link that is down:
    /// the primary (or the shared link before it), or the backup once the
    /// route has moved to it.
    public func isCutOff(at timeNs: Int64) -> Bool {
        takesBackup(at: timeNs) ? backup!.faults.isDown(at: timeNs) : primaryPathFaults.isDown(at: timeNs)
    }

    /// A packet sent now over the shared link `shared` and then the primary,
    /// or straight over the backup once the route has moved to it. The
    /// primary then takes packets at the times they leave the shared link,
    /// in order, since a shared link is FIFO (`SharedLinkConfig`).
    public mutating func send(sizeBytes: Int, at nowNs: Int64, via shared: inout LinkDirection) -> LinkOutcome {
        lastOverBackup = takesBackup(at: nowNs)
        if lastOverBackup {
            packetsOverBackup += 1
            return backup!.send(sizeBytes: sizeBytes, at: nowNs)
        }
        let first = shared.send(sizeBytes: sizeBytes, at: nowNs)
        guard let crossedNs = first.arrivalNs else { return first }
        return .afterTwoHops(first: first, second: primary.send(sizeBytes: sizeBytes, at: crossedNs))
    }

    /// A retransmission over the shared link and the primary, or the backup,
    /// as `send(sizeBytes:at:via:)` (`LinkDirection.resend` on each hop).
    public mutating func resend(sizeBytes: Int, at atNs: Int64, via shared: inout LinkDirection) -> LinkOutcome {
        lastOverBackup = takesBackup(at: atNs)
        if lastOverBackup {
            packetsOverBackup += 1
            return backup!.resend(sizeBytes: sizeBytes, at: atNs)
        }
        let first = shared.resend(sizeBytes: sizeBytes, at: atNs)
        guard let crossedNs = first.arrivalNs else { return first }
        return .afterTwoHops(first: first, second: primary.resend(sizeBytes: sizeBytes, at: crossedNs))
    }

    public mutating func send(sizeBytes: Int, at nowNs: Int64) -> LinkOutcome {
        lastOverBackup = takesBackup(at: nowNs)
        guard lastOverBackup else { return primary.send(sizeBytes: sizeBytes, at: nowNs) }
        packetsOverBackup += 1
        return backup!.send(sizeBytes: sizeBytes, at: nowNs)
    }

    public mutating func resend(sizeBytes: Int, at atNs: Int64) -> LinkOutcome {
        lastOverBackup = takesBackup(at: atNs)
        guard lastOverBackup else { return primary.resend(sizeBytes: sizeBytes, at: atNs) }
        packetsOverBackup += 1
        return backup!.resend(sizeBytes: sizeBytes, at: atNs)
    }
}
