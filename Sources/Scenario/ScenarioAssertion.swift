import Simulation
import Yams

/// A scenario file read whole: the run it describes and what its
/// `assertions:` require of that run.
public struct ScenarioDrill: Sendable {
    public var config: SimulationConfig
    /// In file order; empty without an `assertions:` section.
    public var assertions: [ScenarioAssertion]
}

/// One statement a drill makes about its run (docs/scenarios.md, "Assertions"):
/// a measured figure and the bound it must keep.
public struct ScenarioAssertion: Hashable, Sendable {
    public enum Kind: String, Hashable, Sendable, CaseIterable {
        /// The order→ack p99 is strictly below a duration.
        case orderAckP99Below = "order_ack_p99_below"
        /// No venue's order entry is cut off longer than a duration in one
        /// outage (its path: the backup stands in once the failure is detected).
        case maxOrderEntryOutage = "max_order_entry_outage"
        /// At most this many feed messages never reach the subscribers.
        case unrecoveredFeedGaps = "unrecovered_feed_gaps"
        /// At most this many sessions close (or connections break) before the day ends.
        case sessionsClosedEarly = "sessions_closed_early"
        /// At most this many new orders go without an acknowledgement or a reject.
        case ordersUnanswered = "orders_unanswered"
        /// Every venue's order-entry path (the backup standing in once a
        /// failure of the primary is detected) is up at least this share of
        /// the run (parts per million; written as a percentage, `99.999%`).
        case orderEntryAvailabilityAtLeast = "order_entry_availability_at_least"
        /// No gateway crash keeps a session away longer than a duration:
        /// from the crash until the last session it reset logs in again.
        case maxGatewayRecovery = "max_gateway_recovery"
        /// At most this many messages a venue numbered for its clients
        /// (execution reports and the rest) never reach them.
        case executionReportsLost = "execution_reports_lost"

        /// The bound and the measure are durations (ns), not counts.
        public var isDuration: Bool { self == .orderAckP99Below || self == .maxOrderEntryOutage || self == .maxGatewayRecovery }
        /// The bound and the measure are shares in parts per million.
        public var isShare: Bool { self == .orderEntryAvailabilityAtLeast }
    }

    public var kind: Kind
    /// Nanoseconds for a duration, else a count.
    public var bound: Int64

    public init(kind: Kind, bound: Int64) {
        self.kind = kind
        self.bound = bound
    }

    /// The measured figure of a run, in the bound's unit.
    public func measure(_ result: SimulationResult) -> Int64 {
        switch kind {
        case .orderAckP99Below:
            return result.orderToAck.valueAtPercentile(99)
        case .maxOrderEntryOutage:
            return result.orderEntryPaths.flatMap { $0.pathOutages.map { $0.lengthNs(runEndNs: result.endTimeNs) } }.max() ?? 0
        case .unrecoveredFeedGaps:
            return result.feeds.reduce(0) { $0 + Int64($1.messagesPublished) - Int64(min($1.messagesDelivered, $1.messagesPublished)) }
        case .sessionsClosedEarly:
            return Int64(result.sessionsClosedEarly + result.connectionsBroken)
        case .ordersUnanswered:
            let answered = result.counts.ordersAccepted + result.counts.ordersRejected
            return Int64(result.counts.ordersSent) - Int64(min(answered, result.counts.ordersSent))
        case .maxGatewayRecovery:
            // A crash some session never recovered from counts to the run's end.
            return result.gatewayCrashes.map { $0.recoveryNs ?? max(result.endTimeNs - $0.atNs, 0) }.max() ?? 0
        case .executionReportsLost:
            return Int64(result.numberedMessagesNotReceived)
        case .orderEntryAvailabilityAtLeast:
            // The least available venue's path, backup included, rounded
            // down: a bound of 99.999% holds only when every venue kept it.
            return result.orderEntryPaths.map {
                OrderEntryPathReport.availabilityPartsPerMillion($0.pathOutages, runEndNs: result.endTimeNs)
            }.min() ?? 1_000_000
        }
    }

    /// Whether `measured` keeps the bound: strictly below for a p99 bound,
    /// at most the bound for the others.
    public func holds(measured: Int64) -> Bool {
        switch kind {
        case .orderAckP99Below: measured < bound
        case .orderEntryAvailabilityAtLeast: measured >= bound
        default: measured <= bound
        }
    }

    /// The outcome over a run.
    public func evaluate(_ result: SimulationResult) -> ScenarioAssertionOutcome {
        let measured = measure(result)
        return ScenarioAssertionOutcome(assertion: self, measured: measured, passed: holds(measured: measured))
    }
}

/// An assertion with what the run measured.
public struct ScenarioAssertionOutcome: Hashable, Sendable {
    public var assertion: ScenarioAssertion
    public var measured: Int64
    public var passed: Bool

    /// "order_ack_p99_below: 1ms", as written in a scenario.
    public var statement: String { "\(assertion.kind.rawValue): \(boundText)" }
    public var boundText: String { Self.format(assertion.bound, kind: assertion.kind) }
    public var measuredText: String { Self.format(measured, kind: assertion.kind) }

    static func format(_ value: Int64, kind: ScenarioAssertion.Kind) -> String {
        kind.isShare ? formatShare(value) : format(value, duration: kind.isDuration)
    }

    /// Parts per million as a percentage with what decimals it needs: "99.999%", "100%".
    static func formatShare(_ partsPerMillion: Int64) -> String {
        var text = String(partsPerMillion / 10_000)
        let fraction = partsPerMillion % 10_000
        if fraction > 0 {
            var digits = String(fraction)
            digits = String(repeating: "0", count: 4 - digits.count) + digits
            while digits.hasSuffix("0") { digits.removeLast() }
            text += "." + digits
        }
        return text + "%"
    }

    /// A count as is; a duration in the scenario's notation, a measured one
    /// that is not a round number to two decimals of its unit ("15.05ms").
    static func format(_ value: Int64, duration: Bool) -> String {
        guard duration else { return String(value) }
        for (suffix, scale) in [("s", Int64(1_000_000_000)), ("ms", 1_000_000), ("us", 1_000)] where value >= scale {
            if value % scale == 0 { return "\(value / scale)\(suffix)" }
            let hundredths = (value * 100 + scale / 2) / scale
            let fraction = hundredths % 100
            return "\(hundredths / 100).\(fraction < 10 ? "0" : "")\(fraction)\(suffix)"
        }
        return "\(value)ns"
    }
}

extension ScenarioReader {
    /// `assertions:` is a mapping of assertion names to bounds, kept in file order.
    func assertions(_ node: Node) throws(ScenarioError) -> [ScenarioAssertion] {
        let names = ScenarioAssertion.Kind.allCases.map(\.rawValue)
        guard case .mapping(let mapping) = node else {
            throw error(node, "expected assertions (a mapping such as { orders_unanswered: 0, order_ack_p99_below: 1ms }); known: \(names.joined(separator: ", "))")
        }
        var assertions: [ScenarioAssertion] = []
        for (key, value) in mapping {
            guard let name = key.string else { throw error(key, "expected an assertion name") }
            guard let kind = ScenarioAssertion.Kind(rawValue: name) else {
                let hint = suggestion(for: name, among: names).map { "; did you mean '\($0)'?" } ?? "; expected one of: \(names.joined(separator: ", "))"
                throw error(key, "unknown assertion '\(name)'\(hint)")
            }
            guard !assertions.contains(where: { $0.kind == kind }) else { throw error(key, "assertion '\(name)' is stated twice") }
            let bound: Int64
            if kind.isDuration {
                bound = try duration(value, positive: kind == .orderAckP99Below, what: "a bound")
            } else if kind.isShare {
                bound = try share(value)
            } else {
                bound = try integer(value, 0...Int64(Int32.max), "a count")
            }
            assertions.append(ScenarioAssertion(kind: kind, bound: bound))
        }
        return assertions
    }

    /// A percentage such as `99.999%` (or `99.999`), 0 … 100, to at most
    /// four decimals: parts per million.
    func share(_ node: Node) throws(ScenarioError) -> Int64 {
        let text = try scalar(node, "a percentage")
        let number = text.hasSuffix("%") ? String(text.dropLast()) : text
        let parts = number.split(separator: ".", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count), let whole = Int64(parts[0]), (0...100).contains(whole),
              parts.count == 1 || (1...4).contains(parts[1].count) && parts[1].allSatisfy(\.isASCIIDigit) else {
            throw error(node, "'\(text)' is not a percentage; expected 0% to 100% with at most four decimals, such as 99.999%")
        }
        let decimals = parts.count == 2 ? String(parts[1]) + String(repeating: "0", count: 4 - parts[1].count) : "0000"
        let partsPerMillion = whole * 10_000 + Int64(decimals)!
        guard partsPerMillion <= 1_000_000 else { throw error(node, "'\(text)' is above 100%") }
        return partsPerMillion
    }
}

private extension Character {
    var isASCIIDigit: Bool { ("0"..."9").contains(self) }
}
