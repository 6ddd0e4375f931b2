import Exchange
import Foundation
import Simulation
import Yams

/// Reads YAML scenario files into a `SimulationConfig`. Every mistake is a
/// `ScenarioError` naming file:line:column and what was expected.
/// The format is documented in docs/scenarios.md.
public enum ScenarioLoader {
    public static func load(path: String) throws(ScenarioError) -> SimulationConfig {
        try loadDrill(path: path).config
    }

    public static func parse(yaml: String, file: String) throws(ScenarioError) -> SimulationConfig {
        try parseDrill(yaml: yaml, file: file).config
    }

    /// A scenario and what its `assertions:` ask of the run.
    public static func loadDrill(path: String) throws(ScenarioError) -> ScenarioDrill {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw ScenarioError(file: path, line: 0, column: 0, message: "no such file")
        }
        guard !isDirectory.boolValue else {
            throw ScenarioError(file: path, line: 0, column: 0, message: "is a directory, not a scenario file")
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ScenarioError(file: path, line: 0, column: 0, message: "cannot read the file (permissions?)")
        }
        return try parseDrill(yaml: String(decoding: data, as: UTF8.self), file: path)
    }

    public static func parseDrill(yaml: String, file: String) throws(ScenarioError) -> ScenarioDrill {
        let root: Node
        do {
            guard let node = try Yams.compose(yaml: yaml) else {
                throw ScenarioError(file: file, line: 1, column: 1, message: "the file is empty; expected a scenario mapping")
            }
            root = node
        } catch let error as ScenarioError {
            throw error
        } catch let error as YamlError {
            throw syntaxError(error, file: file)
        } catch {
            throw ScenarioError(file: file, line: 1, column: 1, message: "YAML error: \(error)")
        }
        var reader = ScenarioReader(file: file)
        let config = try reader.scenario(root)
        return ScenarioDrill(config: config, assertions: reader.assertions)
    }

    /// The 1-based line and column (in Unicode scalars) of a byte offset.
    static func lineAndColumn(ofByte offset: Int, in text: String) -> (line: Int, column: Int) {
        let bytes = Array(text.utf8)
        let end = min(max(offset, 0), bytes.count)
        var line = 1
        var lineStart = 0
        for index in 0..<end where bytes[index] == UInt8(ascii: "\n") {
            line += 1
            lineStart = index + 1
        }
        let column = String(decoding: bytes[lineStart..<end], as: UTF8.self).unicodeScalars.count + 1
        return (line, column)
    }

    static func syntaxError(_ error: YamlError, file: String) -> ScenarioError {
        switch error {
        case .scanner(_, let problem, let mark, _), .parser(_, let problem, let mark, _), .composer(_, let problem, let mark, _):
            return ScenarioError(file: file, line: mark.line, column: mark.column, message: "YAML syntax error: \(problem)")
        case .reader(let problem, let offset, let value, let yaml):
            // The reader counts bytes; a person counts lines and characters.
            let (line, column) = lineAndColumn(ofByte: offset ?? 0, in: yaml)
            let character = value >= 0 ? String(format: " (U+%04X)", value) : ""
            return ScenarioError(file: file, line: line, column: column, message: "YAML error: \(problem)\(character)")
        default:
            return ScenarioError(file: file, line: 1, column: 1, message: "YAML error: \(error)")
        }
    }
}

/// Walks the YAML node tree, checking keys, types and ranges.
struct ScenarioReader {
    let file: String
    /// The scenario's `assertions:`, once `scenario(_:)` has read them.
    var assertions: [ScenarioAssertion] = []

    func error(_ node: Node, _ message: String) -> ScenarioError {
        ScenarioError(file: file, line: node.mark?.line ?? 1, column: node.mark?.column ?? 1, message: message)
    }

    /// The mapping's entries by key, after refusing unknown and duplicate keys.
    func fields(_ node: Node, allowed: [String], required: [String], what: String) throws(ScenarioError) -> [String: (key: Node, value: Node)] {
        guard case .mapping(let mapping) = node else { throw error(node, "expected \(what) (a mapping of keys to values)") }
        var result: [String: (key: Node, value: Node)] = [:]
        for (key, value) in mapping {
            guard let name = key.string else { throw error(key, "expected a key name") }
            guard allowed.contains(name) else {
                let hint = suggestion(for: name, among: allowed).map { "; did you mean '\($0)'?" } ?? "; expected one of: \(allowed.joined(separator: ", "))"
                throw error(key, "unknown key '\(name)' in \(what)\(hint)")
            }
            guard result[name] == nil else { throw error(key, "duplicate key '\(name)'") }
            result[name] = (key, value)
        }
        for name in required where result[name] == nil {
            throw error(node, "\(what) lacks the required key '\(name)'")
        }
        return result
    }

    func scalar(_ node: Node, _ expected: String) throws(ScenarioError) -> String {
        guard case .scalar(let scalar) = node else { throw error(node, "expected \(expected)") }
        return scalar.string
    }

    func string(_ node: Node, _ expected: String = "a string") throws(ScenarioError) -> String {
        let text = try scalar(node, expected)
        guard !text.isEmpty else { throw error(node, "expected \(expected), found an empty value") }
        return text
    }

    func duration(_ node: Node, positive: Bool = true, atMost longestNs: Int64 = Int64.max, what: String = "") throws(ScenarioError) -> Int64 {
        let text = try scalar(node, ScenarioValues.durationHint)
        guard let value = ScenarioValues.duration(text) else { throw error(node, "'\(text)' is not \(ScenarioValues.durationHint)") }
        if positive, value <= 0 { throw error(node, "expected a duration greater than zero") }
        if value > longestNs { throw error(node, "\(text) is too long; \(what) is at most \(formatDuration(longestNs))") }
        return value
    }

    func integer(_ node: Node, _ range: ClosedRange<Int64>, _ what: String) throws(ScenarioError) -> Int64 {
        let text = try scalar(node, "an integer")
        guard let value = Int64(text) else { throw error(node, "'\(text)' is not an integer; expected \(what)") }
        guard range.contains(value) else { throw error(node, "\(value) is out of range; expected \(what) in \(range.lowerBound)...\(range.upperBound)") }
        return value
    }

    func number(_ node: Node, _ range: ClosedRange<Double>, _ what: String) throws(ScenarioError) -> Double {
        let text = try scalar(node, "a number")
        guard let value = Double(text), value.isFinite else { throw error(node, "'\(text)' is not a number; expected \(what)") }
        guard range.contains(value) else { throw error(node, "\(text) is out of range; expected \(what) in \(range.lowerBound)...\(range.upperBound)") }
        return value
    }

    func price(_ node: Node, _ what: String) throws(ScenarioError) -> Int64 {
        let text = try scalar(node, ScenarioValues.priceHint)
        guard let value = ScenarioValues.price(text), value > 0 else { throw error(node, "'\(text)' is not \(ScenarioValues.priceHint) (\(what), greater than zero)") }
        return value
    }

    func choice<T>(_ node: Node, _ options: [(String, T)], _ what: String) throws(ScenarioError) -> T {
        let text = try scalar(node, what)
        guard let match = options.first(where: { $0.0 == text }) else {
            let names = options.map(\.0)
            let hint = suggestion(for: text, among: names).map { "; did you mean '\($0)'?" } ?? ""
            throw error(node, "'\(text)' is not a \(what); expected one of: \(names.joined(separator: ", "))\(hint)")
        }
        return match.1
    }

    func sequence(_ node: Node, _ what: String) throws(ScenarioError) -> [Node] {
        guard case .sequence(let sequence) = node else { throw error(node, "expected \(what) (a list)") }
        return Array(sequence)
    }

    // MARK: The scenario

    mutating func scenario(_ root: Node) throws(ScenarioError) -> SimulationConfig {
        let f = try fields(root, allowed: ["name", "seed", "duration", "network", "venues", "flows", "schedule", "faults", "replay", "assertions"],
                           required: ["name", "seed", "duration", "venues", "flows"], what: "the scenario")
        let name = try string(f["name"]!.value, "a scenario name")
        let seedText = try scalar(f["seed"]!.value, "a seed")
        guard let seed = UInt64(seedText) else { throw error(f["seed"]!.value, "'\(seedText)' is not a seed; expected an integer in 0...\(UInt64.max)") }
        let durationNs = try duration(f["duration"]!.value, atMost: SimulationLimits.longestDurationNs,
                                      what: "a run (the simulated day opens at 09:30 and ends at midnight)")

        var venues: [VenueConfig] = []
        var venueNodes: [Node] = []
        let venueList = try sequence(f["venues"]!.value, "a list of venues")
        guard !venueList.isEmpty else { throw error(f["venues"]!.value, "expected at least one venue") }
        for node in venueList {
            let venue = try self.venue(node)
            if venues.contains(where: { $0.name == venue.name }) { throw error(node, "duplicate venue name '\(venue.name)'") }
            venues.append(venue)
            venueNodes.append(node)
        }

        var flows: [FlowConfig] = []
        let flowList = try sequence(f["flows"]!.value, "a list of flows")
        for node in flowList {
            let flow = try self.flow(node, venues: venues)
            if flows.contains(where: { $0.name == flow.name }) { throw error(node, "duplicate flow name '\(flow.name)'") }
            flows.append(flow)
        }

        for (venue, node) in zip(venues, venueNodes) {
            let load = SimulationLimits.offeredLoad(of: venue, flows: flows)
            guard load < SimulationLimits.highestOfferedLoad else {
                let serviceNode = (try? fields(node, allowed: Self.venueKeys, required: [], what: "a venue"))?["service_time"]?.value ?? node
                let rate = SimulationLimits.offeredRate(of: venue, flows: flows)
                throw error(serviceNode, String(
                    format: "venue '%@' cannot keep up: it is sent up to %@ messages/s (instructions and a keepalive a second per participant) and each takes %@ on average, %.0f %% of its capacity; its queue would grow without bound (lower the rate, the participants or the service time, below 100 %%)",
                    venue.name, formatRate(rate), formatDuration(Int64(SimulationLimits.meanServiceTimeNs(venue.serviceTime).rounded())), load * 100))
            }
        }

        var latencyNs: Int64 = 0
        var links: [VenueLinksConfig] = []
        var sites: [ScenarioSite] = []
        var sharedLinks: [SharedLinkConfig] = []
        if let network = f["network"] {
            (latencyNs, links, sites, sharedLinks) = try self.network(network.value, venues: venues, flows: flows)
        }

        var phaseEvents: [PhaseEventConfig] = []
        if let schedule = f["schedule"] {
            for node in try sequence(schedule.value, "a list of scheduled phase changes") {
                phaseEvents.append(try phaseEvent(node, venues: venues, durationNs: durationNs))
            }
        }
        var linkFaults: [LinkFaultConfig] = []
        var gatewayCrashes: [GatewayCrashConfig] = []
        var sharedLinkFaults: [SharedLinkFaultConfig] = []
        if let entry = f["faults"] {
            (linkFaults, gatewayCrashes, sharedLinkFaults) = try faults(entry.value, seed: seed, durationNs: durationNs, venues: venues,
                                                                        links: links, sites: sites, sharedLinks: sharedLinks)
        }
        if let entry = f["assertions"] {
            assertions = try self.assertions(entry.value)
        }
        var config = SimulationConfig(name: name, seed: seed, durationNs: durationNs, oneWayLatencyNs: latencyNs,
                                      venues: venues, flows: flows, phaseEvents: phaseEvents, venueLinks: links, linkFaults: linkFaults)
        config.gatewayCrashes = gatewayCrashes
        config.sharedLinks = sharedLinks
        config.sharedLinkFaults = sharedLinkFaults
        if let entry = f["replay"] {
            (config.feedReplays, config.orderEntryReplays) = try replays(entry.value, durationNs: durationNs, venues: venues)
        }
        return config
    }

    static let venueKeys = ["name", "service_time", "self_trade_prevention", "symbols", "order_entry", "fix_sessions", "standby_gateway",
                            "throttle"]

    /// The venue a node names, which must be one of the scenario's.
    func knownVenue(_ node: Node, among venues: [VenueConfig]) throws(ScenarioError) -> VenueConfig {
        let name = try string(node, "a venue name")
        guard let venue = venues.first(where: { $0.name == name }) else {
            throw error(node, "unknown venue '\(name)'; expected one of: \(venues.map(\.name).joined(separator: ", "))")
        }
        return venue
    }

    /// Refuses something `what` (a fault, a crash) that lasts past the run.
    func requireEnd(_ endNs: Int64, of what: String, withinRun durationNs: Int64, at node: Node) throws(ScenarioError) {
        guard endNs <= durationNs else {
            throw error(node, "this \(what) lasts until \(formatDuration(endNs)), after the run's duration of \(formatDuration(durationNs)); end it within the run")
        }
    }

    func venue(_ node: Node) throws(ScenarioError) -> VenueConfig {
        let f = try fields(node, allowed: Self.venueKeys, required: ["name", "service_time", "symbols"], what: "a venue")
        let name = try string(f["name"]!.value, "a venue name")
        guard SimulationLimits.isValidVenueName(name) else {
            throw error(f["name"]!.value, "venue name \(name.debugDescription) must be 1 to \(SimulationLimits.longestVenueName) letters, digits, '-', '_' or '.' (it becomes a FIX CompID and a SoupBinTCP session name)")
        }
        let serviceTime = try self.serviceTime(f["service_time"]!.value)
        var stp = SelfTradePrevention.none
        if let node = f["self_trade_prevention"] {
            stp = try choice(node.value, [("none", .none), ("cancel_newest", .cancelNewest), ("cancel_oldest", .cancelOldest),
                                          ("cancel_both", .cancelBoth), ("decrement_and_cancel", .decrementAndCancel)],
                             "self-trade prevention mode")
        }
        var protocols = OrderEntryProtocol.allCases
        if let node = f["order_entry"] {
            let list = try sequence(node.value, "a list of order-entry protocols")
            guard !list.isEmpty else { throw error(node.value, "expected at least one order-entry protocol") }
            protocols = []
            for item in list {
                let proto = try choice(item, OrderEntryProtocol.allCases.map { ($0.rawValue, $0) }, "order-entry protocol")
                if protocols.contains(proto) { throw error(item, "'\(proto.rawValue)' is listed twice") }
                protocols.append(proto)
            }
        }
        var fixSessions: [FIXSessionSettings] = []
        if let node = f["fix_sessions"] {
            fixSessions = try self.fixSessions(node.value, venueName: name, protocols: protocols)
        }
        var symbols: [SymbolConfig] = []
        let list = try sequence(f["symbols"]!.value, "a list of symbols")
        guard !list.isEmpty else { throw error(f["symbols"]!.value, "expected at least one symbol") }
        guard list.count <= SimulationLimits.mostSymbolsPerVenue else {
            throw error(f["symbols"]!.value, "\(list.count) symbols; a venue has at most \(SimulationLimits.mostSymbolsPerVenue) (ITCH's Stock Locate is 16 bits)")
        }
        let largestPrice = VenueConfig(name: name, symbols: [], serviceTime: serviceTime, orderEntryProtocols: protocols).largestLimitPrice
        for symbolNode in list {
            let s = try fields(symbolNode, allowed: ["name", "tick", "reference_price"], required: ["name", "tick", "reference_price"], what: "a symbol")
            let symbolName = try string(s["name"]!.value, "a symbol name")
            guard SimulationLimits.isValidSymbolName(symbolName) else {
                throw error(s["name"]!.value, "symbol \(symbolName.debugDescription) must be 1 to 8 printable ASCII characters without spaces")
            }
            let tick = try price(s["tick"]!.value, "the tick size")
            let reference = try price(s["reference_price"]!.value, "the reference price")
            guard reference % tick == 0 else { throw error(s["reference_price"]!.value, "reference price is not a multiple of the tick size") }
            guard reference <= largestPrice.rawValue else {
                throw error(s["reference_price"]!.value, "reference price above \(formatPrice(largestPrice.rawValue)), the largest price \(protocols.contains(.ouch42) ? "OUCH 4.2" : "ITCH 5.0") can carry")
            }
            if symbols.contains(where: { $0.name == symbolName }) { throw error(symbolNode, "duplicate symbol '\(symbolName)'") }
            symbols.append(SymbolConfig(name: symbolName, tickSize: tick, referencePrice: Price(reference)))
        }
        var venue = VenueConfig(name: name, symbols: symbols, serviceTime: serviceTime, selfTradePrevention: stp,
                                orderEntryProtocols: protocols, fixSessions: fixSessions)
        if let node = f["standby_gateway"] {
            let standby = try fields(node.value, allowed: ["takeover"], required: ["takeover"], what: "a standby gateway")
            venue.standbyTakeoverNs = try duration(standby["takeover"]!.value, positive: false, atMost: SimulationLimits.longestGatewayOutageNs,
                                                   what: "a standby's takeover time")
        }
        if let node = f["throttle"] {
            let throttle = try fields(node.value, allowed: ["messages", "per"], required: ["messages", "per"],
                                      what: "a throttle (a mapping such as { messages: 1000, per: 1s })")
            let messages = try integer(throttle["messages"]!.value, 1...1_000_000_000, "requests each session may send per interval")
            let intervalNs = try duration(throttle["per"]!.value, atMost: 3_600_000_000_000, what: "a throttle's interval")
            guard intervalNs >= messages else {
                throw error(node.value, "a throttle of \(messages) requests per \(formatDuration(intervalNs)) allows more than one per nanosecond, finer than the venue's clock; give a longer per or fewer messages")
            }
            venue.sessionMessageLimit = MessageRateLimit(messages: Int(messages), intervalNs: intervalNs)
        }
        return venue
    }

    func serviceTime(_ node: Node) throws(ScenarioError) -> ServiceTimeModel {
        guard case .mapping = node else { throw error(node, "expected a service time like { distribution: exponential, mean: 400ns }") }
        let kinds = ["constant", "exponential", "uniform", "lognormal"]
        let d = try fields(node, allowed: ["distribution", "value", "mean", "min", "max", "median", "sigma"], required: ["distribution"], what: "service_time")
        let kind = try choice(d["distribution"]!.value, kinds.map { ($0, $0) }, "distribution")
        func need(_ key: String) throws(ScenarioError) -> Node {
            guard let entry = d[key] else { throw error(node, "a \(kind) service time needs '\(key)'") }
            return entry.value
        }
        let allowedKeys: [String: [String]] = ["constant": ["value"], "exponential": ["mean"], "uniform": ["min", "max"], "lognormal": ["median", "sigma"]]
        for (key, entry) in d where key != "distribution" && !(allowedKeys[kind] ?? []).contains(key) {
            throw error(entry.key, "'\(key)' does not apply to a \(kind) service time; expected \((allowedKeys[kind] ?? []).joined(separator: ", "))")
        }
        let longest = SimulationLimits.longestServiceTimeNs
        switch kind {
        case "constant": return .constant(ns: try duration(try need("value"), positive: false, atMost: longest, what: "a service time"))
        case "exponential": return .exponential(meanNs: try duration(try need("mean"), atMost: longest, what: "a service time's mean"))
        case "uniform":
            let minNs = try duration(try need("min"), positive: false, atMost: longest, what: "a service time")
            let maxNs = try duration(try need("max"), positive: false, atMost: longest, what: "a service time")
            guard minNs <= maxNs else { throw error(try need("max"), "max is below min") }
            return .uniform(minNs: minNs, maxNs: maxNs)
        default:
            return .logNormal(medianNs: try duration(try need("median"), atMost: longest, what: "a service time's median"), sigma: try number(try need("sigma"), 0...5, "a shape sigma"))
        }
    }

    func flow(_ node: Node, venues: [VenueConfig]) throws(ScenarioError) -> FlowConfig {
        let f = try fields(node, allowed: ["name", "venue", "symbols", "rate", "participants", "mix", "price", "quantity", "max_open_orders", "protocol", "reconnect"],
                           required: ["name", "venue", "rate", "participants", "mix"], what: "a flow")
        let name = try string(f["name"]!.value, "a flow name")
        let venue = try knownVenue(f["venue"]!.value, among: venues)
        let venueName = venue.name
        var symbols: [String] = []
        if let list = f["symbols"] {
            for symbolNode in try sequence(list.value, "a list of symbol names") {
                let symbol = try string(symbolNode, "a symbol name")
                guard venue.symbols.contains(where: { $0.name == symbol }) else {
                    throw error(symbolNode, "venue '\(venueName)' has no symbol '\(symbol)'")
                }
                symbols.append(symbol)
            }
        }
        let rateText = try scalar(f["rate"]!.value, ScenarioValues.rateHint)
        guard let rate = ScenarioValues.rate(rateText) else { throw error(f["rate"]!.value, "'\(rateText)' is not \(ScenarioValues.rateHint) (greater than zero)") }
        guard rate <= SimulationLimits.highestRatePerSecond else {
            throw error(f["rate"]!.value, "\(rateText) is too high; a flow sends at most 1000M/s (the mean gap between arrivals must be at least 1 ns)")
        }
        let participants = try integer(f["participants"]!.value, 1...100_000, "a number of participants")

        let m = try fields(f["mix"]!.value, allowed: ["limit", "market", "ioc", "cancel", "replace"], required: [], what: "mix")
        func weight(_ key: String) throws(ScenarioError) -> Double {
            guard let entry = m[key] else { return 0 }
            return try number(entry.value, 0...1_000_000, "a weight")
        }
        let mix = OrderMix(limit: try weight("limit"), market: try weight("market"), immediateOrCancel: try weight("ioc"),
                           cancel: try weight("cancel"), replace: try weight("replace"))
        guard mix.total > 0 else { throw error(f["mix"]!.value, "mix weights are all zero") }

        var config = FlowConfig(name: name, venue: venueName, symbols: symbols, rateOrdersPerSecond: rate,
                                participants: Int(participants), mix: mix)
        if let priceNode = f["price"] {
            let p = try fields(priceNode.value, allowed: ["spread_ticks", "walk_ticks", "walk_interval"], required: [], what: "price")
            if let n = p["spread_ticks"] { config.priceSpreadTicks = try integer(n.value, 0...100_000, "a number of ticks") }
            if let n = p["walk_ticks"] { config.midWalkTicks = try number(n.value, 0...100_000, "ticks per step") }
            if let n = p["walk_interval"] { config.midStepIntervalNs = try duration(n.value) }
        }
        // The default band (10 ticks) must fit too, so this holds with or
        // without a `price` key.
        for symbol in venue.symbols where symbols.isEmpty || symbols.contains(symbol.name) {
            let largestTicks = venue.largestLimitPrice.rawValue / symbol.tickSize
            guard largestTicks >= 2 * (config.priceSpreadTicks + 1) else {
                let place = f["price"].map { priceNode in
                    ((try? fields(priceNode.value, allowed: ["spread_ticks", "walk_ticks", "walk_interval"], required: [], what: "price"))?["spread_ticks"]?.value) ?? priceNode.value
                } ?? node
                throw error(place, "a band of \(config.priceSpreadTicks) ticks either side of the mid does not fit below \(formatPrice(venue.largestLimitPrice.rawValue)), the largest price of \(symbol.name) (at most \(max(0, largestTicks / 2 - 1)) ticks; a larger tick leaves fewer)")
            }
        }
        if let quantityNode = f["quantity"] {
            let q = try fields(quantityNode.value, allowed: ["min", "max", "lot"], required: [], what: "quantity")
            if let n = q["lot"] { config.lotSize = try integer(n.value, 1...1_000_000_000, "a lot size") }
            if let n = q["min"] { config.minQuantity = try integer(n.value, 1...1_000_000_000, "a minimum quantity") }
            if let n = q["max"] { config.maxQuantity = try integer(n.value, 1...1_000_000_000, "a maximum quantity") }
            guard config.minQuantity <= config.maxQuantity else { throw error(quantityNode.value, "quantity min \(config.minQuantity) is above max \(config.maxQuantity)") }
            guard config.maxQuantity >= config.lotSize else { throw error(quantityNode.value, "quantity max is below one lot") }
        }
        if let n = f["protocol"] {
            let proto = try choice(n.value, OrderEntryProtocol.allCases.map { ($0.rawValue, $0) }, "order-entry protocol")
            guard venue.orderEntryProtocols.contains(proto) else {
                throw error(n.value, "venue '\(venueName)' does not accept \(proto.rawValue); its order_entry is: \(venue.orderEntryProtocols.map(\.rawValue).joined(separator: ", "))")
            }
            config.orderEntryProtocol = proto
        } else if !venue.orderEntryProtocols.contains(config.orderEntryProtocol) {
            throw error(node, "venue '\(venueName)' does not accept the default protocol ouch42; give this flow a 'protocol'")
        }
        if let n = f["max_open_orders"] {
            config.maxOpenOrdersPerParticipant = Int(try integer(n.value, 1...1_000_000, "open orders per participant"))
        }
        if let n = f["reconnect"] { config.reconnect = try reconnectBackoff(n.value) }
        return config
    }

    static let reconnectKeys = ["initial", "multiplier", "max", "jitter"]

    /// `reconnect: { initial: 1ms, multiplier: 2, max: 1s, jitter: 0.2 }`;
    /// a key left out takes the value shown (docs/network.md, "Reconnect backoff").
    func reconnectBackoff(_ node: Node) throws(ScenarioError) -> ReconnectBackoff {
        let r = try fields(node, allowed: Self.reconnectKeys, required: [], what: "reconnect (a mapping such as { initial: 1ms, multiplier: 2, max: 1s, jitter: 0.2 })")
        let longestNs = SimulationLimits.longestDurationNs
        let initialNs = try r["initial"].map { entry throws(ScenarioError) in
            try duration(entry.value, atMost: longestNs, what: "a reconnect wait")
        } ?? 1_000_000
        let multiplier = try r["multiplier"].map { entry throws(ScenarioError) in
            try number(entry.value, 1...16, "a factor by which each failed attempt lengthens the next wait")
        } ?? 2
        let maximumNs = try r["max"].map { entry throws(ScenarioError) in
            try duration(entry.value, atMost: longestNs, what: "a reconnect wait")
        } ?? max(initialNs, 1_000_000_000)
        guard maximumNs >= initialNs else {
            throw error(r["max"]!.value, "the longest reconnect wait, \(formatDuration(maximumNs)), is below the first, \(formatDuration(initialNs)); give max at least initial")
        }
        var jitter = 0.0
        if let entry = r["jitter"] {
            jitter = try number(entry.value, 0...1, "the largest fraction of a wait that jitter takes off")
            guard jitter < 1 else { throw error(entry.value, "a jitter of 1 could take a whole wait off and retry at once; expected a fraction below 1, such as 0.2") }
        }
        return ReconnectBackoff(initialNs: initialNs, multiplier: multiplier, maximumNs: maximumNs, jitter: jitter)
    }

    func phaseEvent(_ node: Node, venues: [VenueConfig], durationNs: Int64) throws(ScenarioError) -> PhaseEventConfig {
        let f = try fields(node, allowed: ["at", "venue", "symbol", "phase"], required: ["at", "venue", "symbol", "phase"], what: "a scheduled phase change")
        let at = try duration(f["at"]!.value, positive: false)
        guard at <= durationNs else {
            throw error(f["at"]!.value, "\(formatDuration(at)) is after the run's duration of \(formatDuration(durationNs)); a phase change must come within it")
        }
        let venue = try knownVenue(f["venue"]!.value, among: venues)
        let venueName = venue.name
        let symbol = try string(f["symbol"]!.value, "a symbol name")
        guard venue.symbols.contains(where: { $0.name == symbol }) else { throw error(f["symbol"]!.value, "venue '\(venueName)' has no symbol '\(symbol)'") }
        let phase = try choice(f["phase"]!.value, [("continuous", TradingPhase.continuous), ("halted", .halted), ("closed", .closed)], "trading phase")
        return PhaseEventConfig(atNs: at, venue: venueName, symbol: symbol, phase: phase)
    }
}
