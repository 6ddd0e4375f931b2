/// The link of a venue that a scheduled fault hits.
public enum FaultedLink: String, Hashable, Sendable, CaseIterable {
    /// Both directions of the venue's order-entry link (TCP).
    case orderEntry = "order_entry"
    /// The venue's market-data link (its UDP feed).
    case marketData = "market_data"
    /// Both directions of the venue's redundant order-entry path
    /// (`order_entry.backup`), which traffic takes once the primary's
    /// failure is detected.
    case orderEntryBackup = "order_entry_backup"
    /// The link of the venue's second copy of its feed (`market_data_b`).
    case marketDataB = "market_data_b"

    /// Whether the link carries order entry, on either path.
    public var isOrderEntry: Bool { self == .orderEntry || self == .orderEntryBackup }
}

/// What a scheduled fault does to its link (docs/network.md, "Faults").
public enum LinkFaultAction: Hashable, Sendable {
    /// The link drops everything from this time on, until an `up`.
    case down
    /// The link carries traffic again.
    case up
    /// `count` outages, one every `periodNs`: down for the first half of
    /// each period, up for the second.
    case flap(periodNs: Int64, count: Int)
    /// For `durationNs`, every packet takes `addedDelayNs` longer and is
    /// lost with `addedLoss` on top of the link's own loss model.
    case degrade(addedDelayNs: Int64, addedLoss: Double, durationNs: Int64)
}

/// One fault of a scenario's `faults:` schedule.
public struct LinkFaultConfig: Hashable, Sendable {
    public var atNs: Int64
    public var venue: String
    public var link: FaultedLink
    public var action: LinkFaultAction

    public init(atNs: Int64, venue: String, link: FaultedLink, action: LinkFaultAction) {
        self.atNs = atNs
        self.venue = venue
        self.link = link
        self.action = action
    }

    /// Most outages one flap may make: a bound on the schedule's size.
    public static let mostFlaps = 10_000

    /// When the fault's last effect ends: the last `up` of a flap, the end of
    /// a degradation; its own time for `down` and `up`.
    public var lastEffectNs: Int64 { action.lastEffectNs(from: atNs) }

    public var firstProblem: String? { action.problem(at: atNs) }
}

extension LinkFaultAction {
    /// When the action, taken at `atNs`, has its last effect: the last `up`
    /// of a flap, the end of a degradation; `atNs` for `down` and `up`.
    public func lastEffectNs(from atNs: Int64) -> Int64 {
        switch self {
        case .down, .up: atNs
        case .flap(let periodNs, let count): atNs + Int64(count - 1) * periodNs + periodNs / 2
        case .degrade(_, _, let durationNs): atNs + durationNs
        }
    }

    /// What is wrong with taking the action at `atNs`, or nil.
    public func problem(at atNs: Int64) -> String? {
        if atNs < 0 { return "a fault at a negative time" }
        switch self {
        case .down, .up: return nil
        case .flap(let periodNs, let count):
            if periodNs < 2 || periodNs > LinkLimits.longestFaultNs { return "a flap's period must be in 2...\(LinkLimits.longestFaultNs) ns" }
            if !(1...LinkFaultConfig.mostFlaps).contains(count) { return "a flap's count must be in 1...\(LinkFaultConfig.mostFlaps)" }
            return nil
        case .degrade(let delayNs, let loss, let durationNs):
            if !(0...LinkLimits.longestDelayNs).contains(delayNs) { return "a degradation's added delay must be in 0...\(LinkLimits.longestDelayNs) ns" }
            if !(0...1).contains(loss) { return "a degradation's added loss \(loss) is outside [0, 1]" }
            if !(1...LinkLimits.longestFaultNs).contains(durationNs) { return "a degradation lasts 1...\(LinkLimits.longestFaultNs) ns" }
            return nil
        }
    }
}

extension LinkLimits {
    /// A flap's period and a degradation's duration.
    public static let longestFaultNs: Int64 = 3_600 * 1_000_000_000
}

/// A time the link changes state: down or up.
public struct LinkTransition: Hashable, Sendable {
    public var atNs: Int64
    public var isDown: Bool

    public init(atNs: Int64, isDown: Bool) {
        self.atNs = atNs
        self.isDown = isDown
    }
}

/// One interval during which a link was down: from `startNs` until `endNs`,
/// or until the end of the run when `endNs` is nil.
public struct LinkOutage: Hashable, Sendable {
    public var startNs: Int64
    public var endNs: Int64?

    public init(startNs: Int64, endNs: Int64?) {
        self.startNs = startNs
        self.endNs = endNs
    }

    /// Whether the link is down at `timeNs`: within [start, end).
    public func covers(_ timeNs: Int64) -> Bool { startNs <= timeNs && endNs.map { timeNs < $0 } ?? true }

    /// Its length, an open outage counted until `runEndNs`.
    public func lengthNs(runEndNs: Int64) -> Int64 { (endNs ?? max(runEndNs, startNs)) - startNs }
}

/// The faults of one link direction, known from the start of the run: the
/// intervals when it is down and the degradations. A packet's fate is
/// decided when it is sent (and a retransmission's when it is resent), so
/// the link asks this schedule about that moment; a packet already on the
/// wire when the link goes down still arrives.
///
/// Invariants: `outages` are sorted, disjoint and non-empty; only the last
/// may be open.
public struct LinkFaultSchedule: Hashable, Sendable {
    public private(set) var outages: [LinkOutage] = []
    public private(set) var degradations: [LinkDegradation] = []
    /// Every change of state, in time order (down and up alternate).
    public private(set) var transitions: [LinkTransition] = []

    public static let none = LinkFaultSchedule()

    public var isEmpty: Bool { outages.isEmpty && degradations.isEmpty }

    init() {}

    /// A schedule down during `outages` and never degraded.
    ///
    /// - Precondition: `outages` sorted, disjoint and non-empty; only the last open.
    public init(outages: [LinkOutage]) {
        self.outages = outages
        for outage in outages {
            transitions.append(LinkTransition(atNs: outage.startNs, isDown: true))
            if let endNs = outage.endNs { transitions.append(LinkTransition(atNs: endNs, isDown: false)) }
        }
        checkInvariants()
    }

    /// The schedule of the faults that hit one link; `faults` in file order.
    /// Down and up events at the same time apply in file order; a `down`
    /// while down and an `up` while up change nothing.
    ///
    /// - Precondition: every fault's `firstProblem` is nil.
    public init(faults: [LinkFaultConfig]) {
        self.init(actions: faults.map { ($0.atNs, $0.action) })
    }

    /// The schedule of actions taken at given times, in file order, as `init(faults:)`.
    ///
    /// - Precondition: every action's `problem(at:)` is nil.
    public init(actions: [(atNs: Int64, action: LinkFaultAction)]) {
        var events: [(atNs: Int64, order: Int, isDown: Bool)] = []
        for (atNs, action) in actions {
            precondition(action.problem(at: atNs) == nil, action.problem(at: atNs) ?? "")
            switch action {
            case .down: events.append((atNs, events.count, true))
            case .up: events.append((atNs, events.count, false))
            case .flap(let periodNs, let count):
                for cycle in 0..<Int64(count) {
                    let startNs = atNs + cycle * periodNs
                    events.append((startNs, events.count, true))
                    events.append((startNs + periodNs / 2, events.count, false))
                }
            case .degrade(let delayNs, let loss, let durationNs):
                degradations.append(LinkDegradation(startNs: atNs, endNs: atNs + durationNs, addedDelayNs: delayNs, addedLoss: loss))
            }
        }
        events.sort { ($0.atNs, $0.order) < ($1.atNs, $1.order) }
        var downSinceNs: Int64? = nil
        for event in events {
            if event.isDown, downSinceNs == nil {
                downSinceNs = event.atNs
            } else if !event.isDown, let startNs = downSinceNs {
                downSinceNs = nil
                // A down and an up at the same instant make no outage.
                guard event.atNs > startNs else { continue }
                outages.append(LinkOutage(startNs: startNs, endNs: event.atNs))
            }
        }
        if let startNs = downSinceNs { outages.append(LinkOutage(startNs: startNs, endNs: nil)) }
        for outage in outages {
            transitions.append(LinkTransition(atNs: outage.startNs, isDown: true))
            if let endNs = outage.endNs { transitions.append(LinkTransition(atNs: endNs, isDown: false)) }
        }
        checkInvariants()
    }

    /// A schedule down whenever this one or `other` is: the outages of
    /// both, overlapping and touching ones merged; no degradations. What a
    /// route watches on a path of two links one after the other.
    ///
    /// - Complexity: O((outages + other's) log).
    public func outagesMerged(with other: LinkFaultSchedule) -> LinkFaultSchedule {
        var merged: [LinkOutage] = []
        for outage in (outages + other.outages).sorted(by: { $0.startNs < $1.startNs }) {
            if let last = merged.last, last.endNs.map({ outage.startNs <= $0 }) ?? true {
                let end: Int64? = last.endNs == nil || outage.endNs == nil ? nil : max(last.endNs!, outage.endNs!)
                merged[merged.count - 1].endNs = end
            } else {
                merged.append(outage)
            }
        }
        return LinkFaultSchedule(outages: merged)
    }

    /// Whether the link drops everything at `timeNs`: within [start, end) of an outage.
    ///
    /// - Complexity: O(log outages).
    public func isDown(at timeNs: Int64) -> Bool { outage(at: timeNs) != nil }

    /// The outage the link is in at `timeNs`, or nil when it is up.
    ///
    /// - Complexity: O(log outages).
    public func outage(at timeNs: Int64) -> LinkOutage? {
        guard !outages.isEmpty else { return nil }
        // The last outage starting at or before timeNs.
        var low = 0, high = outages.count
        while low < high {
            let middle = (low + high) / 2
            if outages[middle].startNs <= timeNs { low = middle + 1 } else { high = middle }
        }
        guard low > 0 else { return nil }
        let outage = outages[low - 1]
        return outage.covers(timeNs) ? outage : nil
    }

    /// The delay and the loss probability the degradations add at `timeNs`
    /// (within [start, end)); overlapping ones add their delays and lose
    /// independently.
    ///
    /// - Complexity: O(degradations).
    public func degradation(at timeNs: Int64) -> (addedDelayNs: Int64, addedLoss: Double) {
        var delayNs: Int64 = 0
        var kept = 1.0
        for d in degradations where d.startNs <= timeNs && timeNs < d.endNs {
            delayNs += d.addedDelayNs
            kept *= 1 - d.addedLoss
        }
        return (delayNs, 1 - kept)
    }

    public func checkInvariants() {
        var previousEnd = Int64.min
        for (index, outage) in outages.enumerated() {
            precondition(outage.startNs >= previousEnd, "outages overlap or go backwards")
            if let endNs = outage.endNs {
                precondition(endNs > outage.startNs, "an empty outage")
                previousEnd = endNs
            } else {
                precondition(index == outages.count - 1, "only the last outage may be open")
            }
        }
    }
}

/// A degradation of a link over [startNs, endNs).
public struct LinkDegradation: Hashable, Sendable {
    public var startNs: Int64
    public var endNs: Int64
    public var addedDelayNs: Int64
    public var addedLoss: Double
}
