import Foundation
import Simulation
import Yams

/// The `network:` section of a scenario (docs/network.md): the default
/// one-way latency, and per venue the order-entry and market-data links.
extension ScenarioReader {
    static let linkKeys = ["latency", "bandwidth", "queue_bytes", "jitter", "loss", "duplicate", "reorder"]
    static let orderEntryKeys = linkKeys + ["rto", "max_rto", "max_retransmissions", "to_venue", "from_venue", "backup"]
    static let backupKeys = linkKeys + ["detection", "to_venue", "from_venue"]
    /// A queue must hold one full-size TCP segment with its headers (1,460 + 58 bytes).
    static let smallestQueueBytes: Int64 = 1_518
    static let largestQueueBytes: Int64 = 1 << 30

    func network(_ node: Node, venues: [VenueConfig], flows: [FlowConfig])
        throws(ScenarioError) -> (latencyNs: Int64, links: [VenueLinksConfig], sites: [ScenarioSite], sharedLinks: [SharedLinkConfig])
    {
        let n = try fields(node, allowed: ["one_way_latency", "links", "venues", "sites"], required: [], what: "network")
        var latencyNs: Int64 = 0
        if let entry = n["one_way_latency"] {
            latencyNs = try duration(entry.value, positive: false, atMost: SimulationLimits.longestLatencyNs, what: "a one-way latency")
        }
        var sharedLinks: [SharedLinkConfig] = []
        var sharedLinkNodes: [Node] = []
        if let entry = n["links"] {
            for item in try sequence(entry.value, "a list of shared links like { name: NY4-NY5, latency: 150us }") {
                let link = try sharedLink(item, among: sharedLinks)
                sharedLinks.append(link)
                sharedLinkNodes.append(item)
            }
        }
        var links: [VenueLinksConfig] = []
        if let entry = n["venues"] {
            for item in try sequence(entry.value, "a list of venue links") {
                let v = try fields(item, allowed: ["venue", "via", "order_entry", "market_data", "market_data_b"], required: ["venue"], what: "a venue's links")
                let name = try knownVenue(v["venue"]!.value, among: venues).name
                guard !links.contains(where: { $0.venue == name }) else { throw error(v["venue"]!.value, "venue '\(name)' has links listed twice") }
                guard v["order_entry"] != nil || v["market_data"] != nil || v["market_data_b"] != nil else {
                    throw error(item, "venue '\(name)' lists no link; expected 'order_entry', 'market_data' or both")
                }
                var config = VenueLinksConfig(venue: name)
                if let via = v["via"] {
                    let linkName = try string(via.value, "the name of a shared link under network.links")
                    guard sharedLinks.contains(where: { $0.name == linkName }) else {
                        let known = sharedLinks.isEmpty ? "the scenario has no network.links" : "expected one of: \(sharedLinks.map(\.name).joined(separator: ", "))"
                        throw error(via.value, "unknown shared link '\(linkName)'; \(known)")
                    }
                    guard v["order_entry"] != nil || v["market_data"] != nil else {
                        throw error(via.key, "venue '\(name)' goes via '\(linkName)' but has neither order_entry nor market_data to carry over it (a B feed does not cross a shared link)")
                    }
                    config.via = linkName
                }
                if let oe = v["order_entry"] {
                    let link = try orderEntryLink(oe.value, latencyNs: latencyNs)
                    try checkCapacity(link, of: venues.first { $0.name == name }!, flows: flows, node: oe.value)
                    config.orderEntry = link
                }
                if let md = v["market_data"] {
                    let m = try fields(md.value, allowed: Self.linkKeys, required: [], what: "a market-data link")
                    config.marketData = try linkDirection(m, base: LinkDirectionConfig(propagationDelayNs: latencyNs))
                }
                if let mdB = v["market_data_b"] {
                    // The B copy starts from the A link and takes its own keys over it.
                    guard let feedA = config.marketData else {
                        throw error(mdB.key, "venue '\(name)' has market_data_b without market_data; the B feed is a second copy of the A feed")
                    }
                    let b = try fields(mdB.value, allowed: Self.linkKeys + ["arbitration"], required: ["arbitration"], what: "a B feed's link")
                    let window = try duration(b["arbitration"]!.value, positive: false, atMost: FeedBConfig.longestArbitrationWindowNs,
                                              what: "an arbitration window")
                    config.marketDataB = FeedBConfig(link: try linkDirection(b, base: feedA), arbitrationWindowNs: window)
                }
                links.append(config)
            }
        }
        for (link, item) in zip(sharedLinks, sharedLinkNodes) where !links.contains(where: { $0.via == link.name }) {
            throw error(item, "no venue goes via shared link '\(link.name)'; give a venue under network.venues `via: \(link.name)`, or remove the link")
        }
        var sites: [ScenarioSite] = []
        if let entry = n["sites"] {
            for item in try sequence(entry.value, "a list of sites like { name: NY4, venues: [XNAS] }") {
                let s = try fields(item, allowed: ["name", "venues"], required: ["name", "venues"], what: "a site")
                let name = try string(s["name"]!.value, "a site name")
                guard !sites.contains(where: { $0.name == name }) else { throw error(s["name"]!.value, "site '\(name)' is listed twice") }
                var members: [String] = []
                for venueNode in try sequence(s["venues"]!.value, "a list of venue names") {
                    let venue = try knownVenue(venueNode, among: venues).name
                    if let other = sites.first(where: { $0.venues.contains(venue) }) {
                        throw error(venueNode, "venue '\(venue)' is already in site '\(other.name)'; a venue is in one site")
                    }
                    guard !members.contains(venue) else { throw error(venueNode, "venue '\(venue)' is listed twice in site '\(name)'") }
                    members.append(venue)
                }
                guard !members.isEmpty else { throw error(s["venues"]!.value, "site '\(name)' has no venue") }
                sites.append(ScenarioSite(name: name, venues: members))
            }
        }
        return (latencyNs, links, sites, sharedLinks)
    }

    /// One entry of `network.links`: a link several venues cross (`via`).
    /// Its link keys apply to both directions, then `to_venue` / `from_venue`
    /// over them, as for a venue's order entry. Its `latency` is required:
    /// it adds to each venue's own.
    func sharedLink(_ node: Node, among earlier: [SharedLinkConfig]) throws(ScenarioError) -> SharedLinkConfig {
        let l = try fields(node, allowed: ["name"] + Self.linkKeys + ["to_venue", "from_venue"], required: ["name", "latency"], what: "a shared link")
        let name = try string(l["name"]!.value, "a shared link's name")
        guard !earlier.contains(where: { $0.name == name }) else { throw error(l["name"]!.value, "shared link '\(name)' is listed twice") }
        // A fault names a shared link where it names a venue's link kind.
        guard FaultedLink(rawValue: name) == nil else {
            throw error(l["name"]!.value, "'\(name)' names a venue's link; give the shared link another name (NY4-NY5, say)")
        }
        let both = try linkDirection(l, base: LinkDirectionConfig(propagationDelayNs: 0))
        var directions: [LinkDirectionConfig] = []
        for key in ["to_venue", "from_venue"] {
            guard let entry = l[key] else {
                directions.append(both)
                continue
            }
            let d = try fields(entry.value, allowed: Self.linkKeys, required: [], what: "'\(key)' of a shared link")
            if let reorder = d["reorder"] { throw error(reorder.key, SharedLinkConfig.reorderProblem) }
            let direction = try linkDirection(d, base: both)
            if direction.bandwidthBitsPerSecond > 0, direction.queueLimitBytes == 0 {
                throw error(d["bandwidth"]?.value ?? l["bandwidth"]?.value ?? entry.value, SharedLinkConfig.queueProblem)
            }
            directions.append(direction)
        }
        if let reorder = l["reorder"] { throw error(reorder.key, SharedLinkConfig.reorderProblem) }
        for direction in directions where direction.bandwidthBitsPerSecond > 0 && direction.queueLimitBytes == 0 {
            throw error(l["bandwidth"]?.value ?? node, SharedLinkConfig.queueProblem)
        }
        return SharedLinkConfig(name: name, toVenue: directions[0], fromVenue: directions[1])
    }

    func orderEntryLink(_ node: Node, latencyNs: Int64) throws(ScenarioError) -> OrderEntryLinkConfig {
        let o = try fields(node, allowed: Self.orderEntryKeys, required: [], what: "an order-entry link")
        let shared = try linkDirection(o, base: LinkDirectionConfig(propagationDelayNs: latencyNs))
        func direction(_ key: String) throws(ScenarioError) -> LinkDirectionConfig {
            guard let entry = o[key] else { return shared }
            let d = try fields(entry.value, allowed: Self.linkKeys, required: [], what: "'\(key)'")
            return try linkDirection(d, base: shared)
        }
        var retransmission = TCPRetransmissionConfig()
        let longestRTO = TCPStream.longestRTONs
        if let entry = o["rto"] {
            retransmission.initialRTONs = try duration(entry.value, atMost: longestRTO, what: "a retransmission timeout")
            retransmission.maxRTONs = max(retransmission.maxRTONs, retransmission.initialRTONs)
        }
        if let entry = o["max_rto"] {
            retransmission.maxRTONs = try duration(entry.value, atMost: longestRTO, what: "the largest retransmission timeout")
            guard retransmission.maxRTONs >= retransmission.initialRTONs else {
                throw error(entry.value, "max_rto is below rto (\(formatDuration(retransmission.initialRTONs))); the timeout only grows")
            }
        }
        if let entry = o["max_retransmissions"] {
            retransmission.maxRetransmissions = Int(try integer(entry.value, 0...Int64(TCPStream.mostRetransmissions), "a number of retransmissions"))
        }
        let toVenue = try direction("to_venue"), fromVenue = try direction("from_venue")
        var backup: BackupPathConfig? = nil
        if let entry = o["backup"] {
            backup = try backupPath(entry.value, primaryToVenue: toVenue, primaryFromVenue: fromVenue)
        }
        return OrderEntryLinkConfig(toVenue: toVenue, fromVenue: fromVenue, retransmission: retransmission, backup: backup)
    }

    /// `backup:` under an order-entry link: the redundant path. Each of its
    /// directions starts from the primary's same direction, takes the
    /// backup's own link keys over it, then its `to_venue` / `from_venue`.
    func backupPath(_ node: Node, primaryToVenue: LinkDirectionConfig, primaryFromVenue: LinkDirectionConfig) throws(ScenarioError) -> BackupPathConfig {
        let b = try fields(node, allowed: Self.backupKeys, required: ["detection"], what: "a backup order-entry path")
        func direction(_ key: String, primary: LinkDirectionConfig) throws(ScenarioError) -> LinkDirectionConfig {
            let shared = try linkDirection(b, base: primary)
            guard let entry = b[key] else { return shared }
            let d = try fields(entry.value, allowed: Self.linkKeys, required: [], what: "'\(key)' of the backup path")
            return try linkDirection(d, base: shared)
        }
        let detectionNs = try duration(b["detection"]!.value, positive: false, atMost: BackupPathConfig.longestDetectionNs,
                                       what: "a failover detection time")
        return BackupPathConfig(toVenue: try direction("to_venue", primary: primaryToVenue),
                                fromVenue: try direction("from_venue", primary: primaryFromVenue),
                                route: FailoverRoute(detectionNs: detectionNs))
    }

    /// A link without a queue limit that is slower than its traffic queues
    /// without bound: the run's memory and its delays grow for ever.
    func checkCapacity(_ link: OrderEntryLinkConfig, of venue: VenueConfig, flows: [FlowConfig], node: Node) throws(ScenarioError) {
        let least = SimulationLimits.leastOrderEntryBitsPerSecond(of: venue, flows: flows)
        var directions = [("to_venue", link.toVenue, false), ("from_venue", link.fromVenue, false)]
        if let backup = link.backup { directions += [("to_venue", backup.toVenue, true), ("from_venue", backup.fromVenue, true)] }
        for (name, direction, onBackup) in directions
        where direction.queueLimitBytes == 0 && direction.bandwidthBitsPerSecond > 0 && Double(direction.bandwidthBitsPerSecond) <= least {
            // The bandwidth that applies: the direction's own, else the
            // shared one (the backup's, then the primary's).
            let primary = try fields(node, allowed: Self.orderEntryKeys, required: [], what: "an order-entry link")
            let backupNode = onBackup ? primary["backup"]?.value : nil
            let backup = try backupNode.map { n throws(ScenarioError) in try fields(n, allowed: Self.backupKeys, required: [], what: "a backup order-entry path") }
            let own = try (onBackup ? backup : primary)?[name].map { entry throws(ScenarioError) in
                try fields(entry.value, allowed: Self.linkKeys, required: [], what: "'\(name)'")
            }
            let place = own?["bandwidth"]?.value ?? backup?["bandwidth"]?.value ?? primary["bandwidth"]?.value ?? node
            let path = onBackup ? "the backup path's \(name)" : name
            throw error(place, "venue '\(venue.name)''s order-entry link (\(path)) cannot carry its traffic: \(formatRate(SimulationLimits.offeredRate(of: venue, flows: flows))) messages/s, each at least \(SimulationLimits.smallestOrderEntryPacketBytes) bytes on the wire, need more than \(formatBandwidth(least)); its queue would grow without bound (raise the bandwidth, or set queue_bytes so that the queue drops at its tail)")
        }
    }

    /// The link keys present in `f`, applied over `base`.
    func linkDirection(_ f: [String: (key: Node, value: Node)], base: LinkDirectionConfig) throws(ScenarioError) -> LinkDirectionConfig {
        var link = base
        let longest = LinkLimits.longestDelayNs
        if let entry = f["latency"] {
            link.propagationDelayNs = try duration(entry.value, positive: false, atMost: longest, what: "a link's latency")
        }
        if let entry = f["bandwidth"] {
            let text = try scalar(entry.value, ScenarioValues.bandwidthHint)
            guard let bps = ScenarioValues.bandwidth(text), bps > 0 else { throw error(entry.value, "'\(text)' is not \(ScenarioValues.bandwidthHint)") }
            guard bps <= ScenarioValues.highestBandwidthBitsPerSecond else { throw error(entry.value, "\(text) is too fast; a link carries at most 1Tbps") }
            link.bandwidthBitsPerSecond = bps
        }
        if let entry = f["queue_bytes"] {
            link.queueLimitBytes = try integer(entry.value, Self.smallestQueueBytes...Self.largestQueueBytes,
                                               "a queue size in bytes (at least one full-size segment with its headers)")
        }
        if let entry = f["jitter"] { link.jitter = try jitter(entry.value) }
        if let entry = f["loss"] { link.loss = try loss(entry.value) }
        if let entry = f["duplicate"] { link.duplicateProbability = try number(entry.value, 0...1, "a probability") }
        if let entry = f["reorder"] {
            let r = try fields(entry.value, allowed: ["probability", "delay"], required: ["probability", "delay"], what: "reorder")
            link.reorder = ReorderModel(probability: try number(r["probability"]!.value, 0...1, "a probability"),
                                        delayNs: try duration(r["delay"]!.value, atMost: longest, what: "a reorder hold-back"))
        }
        return link
    }

    func jitter(_ node: Node) throws(ScenarioError) -> JitterModel {
        guard case .mapping = node else { throw error(node, "expected a jitter like { distribution: uniform, min: 0ns, max: 2us }") }
        let keysOf: [(String, [String])] = [
            ("constant", ["value"]), ("uniform", ["min", "max"]), ("normal", ["mean", "stddev"]),
            ("lognormal", ["median", "sigma"]), ("pareto", ["scale", "shape"]), ("empirical", ["file"]),
        ]
        let d = try fields(node, allowed: ["distribution", "value", "min", "max", "mean", "stddev", "median", "sigma", "scale", "shape", "file"],
                           required: ["distribution"], what: "jitter")
        let kind = try choice(d["distribution"]!.value, keysOf.map { ($0.0, $0.0) }, "jitter distribution")
        let allowed = keysOf.first { $0.0 == kind }!.1
        for key in d.keys.sorted() where key != "distribution" && !allowed.contains(key) {
            throw error(d[key]!.key, "'\(key)' does not apply to \(kind) jitter; expected \(allowed.joined(separator: ", "))")
        }
        func need(_ key: String) throws(ScenarioError) -> Node {
            guard let entry = d[key] else { throw error(node, "\(kind) jitter needs '\(key)'") }
            return entry.value
        }
        let longest = LinkLimits.longestDelayNs
        switch kind {
        case "constant": return .constant(ns: try duration(try need("value"), positive: false, atMost: longest, what: "jitter"))
        case "uniform":
            let minNs = try duration(try need("min"), positive: false, atMost: longest, what: "jitter")
            let maxNs = try duration(try need("max"), positive: false, atMost: longest, what: "jitter")
            guard minNs <= maxNs else { throw error(try need("max"), "max is below min") }
            return .uniform(minNs: minNs, maxNs: maxNs)
        case "normal":
            return .normal(meanNs: try duration(try need("mean"), positive: false, atMost: longest, what: "jitter's mean"),
                           standardDeviationNs: try duration(try need("stddev"), positive: false, atMost: longest, what: "jitter's standard deviation"))
        case "empirical":
            return .empirical(samplesNs: try jitterSamples(try need("file")))
        case "lognormal":
            return .logNormal(medianNs: try duration(try need("median"), atMost: longest, what: "jitter's median"),
                              sigma: try number(try need("sigma"), 0...5, "a shape sigma"))
        default:
            return .pareto(scaleNs: try duration(try need("scale"), atMost: longest, what: "jitter's scale"),
                           shape: try number(try need("shape"), 0.1...100, "a Pareto shape (tail index)"))
        }
    }

    /// The delays in a file of samples, one a line: a duration (`850ns`,
    /// `1.2us`) or whole nanoseconds; blank lines and `#` comments are
    /// skipped. A relative path is taken from the scenario file's directory.
    func jitterSamples(_ node: Node) throws(ScenarioError) -> [Int64] {
        let name = try string(node, "a file of delay samples")
        let path = name.hasPrefix("/") ? name : URL(fileURLWithPath: file).deletingLastPathComponent().appendingPathComponent(name).path
        guard let data = FileManager.default.contents(atPath: path) else {
            throw error(node, "cannot read the jitter samples file '\(name)' (looked for \(path))")
        }
        let longest = LinkLimits.longestDelayNs
        var samples: [Int64] = []
        for (index, rawLine) in String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = String(rawLine.prefix { $0 != "#" }).trimmingCharacters(in: .whitespaces)
            guard !line.isEmpty else { continue }
            guard let value = Int64(line) ?? ScenarioValues.duration(line), (0...longest).contains(value) else {
                throw ScenarioError(file: path, line: index + 1, column: 1,
                                    message: "'\(line)' is not a delay sample; expected \(ScenarioValues.durationHint), or whole nanoseconds, from 0 to 1s (the samples file is named at \(file):\(node.mark?.line ?? 1))")
            }
            guard samples.count < JitterModel.mostEmpiricalSamples else {
                throw ScenarioError(file: path, line: index + 1, column: 1, message: "more than \(JitterModel.mostEmpiricalSamples) samples")
            }
            samples.append(value)
        }
        guard !samples.isEmpty else { throw error(node, "the jitter samples file '\(name)' holds no sample") }
        return samples
    }

    /// `loss: 0.01` (Bernoulli) or a mapping naming the model.
    func loss(_ node: Node) throws(ScenarioError) -> LossModel {
        if case .scalar = node { return .bernoulli(probability: try number(node, 0...1, "a loss probability")) }
        let l = try fields(node, allowed: ["model", "probability", "good_to_bad", "bad_to_good", "loss_good", "loss_bad"],
                           required: ["model"], what: "loss")
        let model = try choice(l["model"]!.value, [("bernoulli", "bernoulli"), ("gilbert_elliott", "gilbert_elliott")], "loss model")
        let allowed = model == "bernoulli" ? ["probability"] : ["good_to_bad", "bad_to_good", "loss_good", "loss_bad"]
        for key in l.keys.sorted() where key != "model" && !allowed.contains(key) {
            throw error(l[key]!.key, "'\(key)' does not apply to \(model) loss; expected \(allowed.joined(separator: ", "))")
        }
        func probability(_ key: String, default value: Double?) throws(ScenarioError) -> Double {
            guard let entry = l[key] else {
                guard let value else { throw error(node, "\(model) loss needs '\(key)'") }
                return value
            }
            return try number(entry.value, 0...1, "a probability")
        }
        if model == "bernoulli" { return .bernoulli(probability: try probability("probability", default: nil)) }
        let badToGood = try probability("bad_to_good", default: nil)
        guard badToGood > 0 else { throw error(l["bad_to_good"]!.value, "bad_to_good must be above 0, or the link never leaves the bad state") }
        return .gilbertElliott(goodToBad: try probability("good_to_bad", default: nil), badToGood: badToGood,
                               lossInGood: try probability("loss_good", default: 0), lossInBad: try probability("loss_bad", default: 1))
    }
}

/// A co-location site of the scenario's `network.sites`: the venues hosted
/// there, whose links a `partition` fault cuts all at once.
public struct ScenarioSite: Hashable, Sendable {
    public var name: String
    public var venues: [String]
}
