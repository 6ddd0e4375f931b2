import SimKernel
import Simulation
import Yams

/// The `faults:` section of a scenario (docs/network.md, "Faults"): link
/// outages, flaps and degradations at given times, and random outages
/// drawn from the scenario's seed.
extension ScenarioReader {
    static let faultKeys = ["at", "venue", "link", "action", "period", "count", "delay", "loss", "for", "mtbf", "mttr", "state"]
    static let faultActionKeys: [(String, [String])] = [
        ("down", []), ("up", []), ("flap", ["period", "count"]), ("degrade", ["delay", "loss", "for"]), ("random", ["mtbf", "mttr"]),
        ("gateway_crash", ["for", "state"]), ("host_crash", ["for", "state"]), ("partition", ["for"]),
    ]

    func faults(_ node: Node, seed: UInt64, durationNs: Int64, venues: [VenueConfig], links: [VenueLinksConfig], sites: [ScenarioSite] = [],
                sharedLinks: [SharedLinkConfig] = [])
        throws(ScenarioError) -> (links: [LinkFaultConfig], gatewayCrashes: [GatewayCrashConfig], sharedLinks: [SharedLinkFaultConfig])
    {
        var faults: [LinkFaultConfig] = []
        var crashes: [GatewayCrashConfig] = []
        var sharedFaults: [SharedLinkFaultConfig] = []
        for (index, item) in try sequence(node, "a list of faults like { at: 50ms, venue: XNAS, link: order_entry, action: down }").enumerated() {
            // A link that is no venue's link kind, and no venue: a shared link's fault.
            if case .mapping(let mapping) = item, mapping["venue"] == nil, mapping["site"] == nil,
               let link = mapping["link"]?.string, FaultedLink(rawValue: link) == nil {
                sharedFaults += try sharedLinkFaults(item, index: index, seed: seed, durationNs: durationNs, sharedLinks: sharedLinks)
            } else if case .mapping(let mapping) = item, mapping["action"]?.string == "random" {
                faults += try randomFaults(item, index: index, seed: seed, durationNs: durationNs, venues: venues, links: links)
            } else if case .mapping(let mapping) = item, mapping["action"]?.string == "partition" {
                faults += try partition(item, durationNs: durationNs, links: links, sites: sites)
            } else if case .mapping(let mapping) = item, let action = mapping["action"]?.string,
                      action == "gateway_crash" || action == "host_crash" {
                crashes.append(try gatewayCrash(item, durationNs: durationNs, venues: venues, earlier: crashes, silent: action == "host_crash"))
            } else {
                faults.append(try fault(item, durationNs: durationNs, venues: venues, links: links))
            }
        }
        return (faults, crashes, sharedFaults)
    }

    /// `{ at, link: <shared link>, action }`, without a venue: a fault of a
    /// shared link (network.links), which every venue that goes via it
    /// meets. Takes the actions a venue's link takes, `random` included.
    func sharedLinkFaults(_ node: Node, index: Int, seed: UInt64, durationNs: Int64, sharedLinks: [SharedLinkConfig])
        throws(ScenarioError) -> [SharedLinkFaultConfig]
    {
        let f = try fields(node, allowed: Self.faultKeys.filter { $0 != "venue" && $0 != "state" }, required: ["at", "link", "action"],
                           what: "a shared link's fault")
        let name = try string(f["link"]!.value, "a shared link's name")
        guard sharedLinks.contains(where: { $0.name == name }) else {
            let known = sharedLinks.isEmpty ? "the scenario has no network.links" : "expected one of: \(sharedLinks.map(\.name).joined(separator: ", "))"
            let kinds = FaultedLink.allCases.map(\.rawValue).joined(separator: ", ")
            throw error(f["link"]!.value, "unknown shared link '\(name)'; \(known) (a fault of a venue's \(kinds) link names its `venue`)")
        }
        let atNs = try faultTime(f["at"]!.value, durationNs: durationNs)
        let actionName = try choice(f["action"]!.value, Self.faultActionKeys.map { ($0.0, $0.0) }, "fault action")
        guard !["gateway_crash", "host_crash", "partition"].contains(actionName) else {
            throw error(f["action"]!.value, "a \(actionName) fault does not hit a link; expected down, up, flap, degrade or random for shared link '\(name)'")
        }
        try refuseKeysOtherThan(action: actionName, in: f)
        if actionName == "random" {
            return try randomOutages(f, node: node, index: index, seed: seed, startNs: atNs, durationNs: durationNs).map {
                SharedLinkFaultConfig(atNs: $0.atNs, link: name, action: $0.isDown ? .down : .up)
            }
        }
        let fault = SharedLinkFaultConfig(atNs: atNs, link: name, action: try faultAction(actionName, f, node: node))
        try requireEnd(fault.lastEffectNs, of: actionName, withinRun: durationNs, at: node)
        return [fault]
    }

    /// `{ at, site, action: partition, for }`: the site is cut off from the
    /// participants for `for`: every modelled link of every venue it hosts
    /// (order entry, its backup, the feed and its B copy) goes down at `at`
    /// and comes back at its end, as that many downs and ups.
    func partition(_ node: Node, durationNs: Int64, links: [VenueLinksConfig], sites: [ScenarioSite]) throws(ScenarioError) -> [LinkFaultConfig] {
        let f = try fields(node, allowed: ["at", "site", "action", "for"], required: ["at", "site", "action", "for"], what: "a partition")
        let atNs = try duration(f["at"]!.value, positive: false, what: "a partition's time")
        let name = try string(f["site"]!.value, "a site name")
        guard let site = sites.first(where: { $0.name == name }) else {
            let known = sites.isEmpty ? "the scenario has no network.sites" : "expected one of: \(sites.map(\.name).joined(separator: ", "))"
            throw error(f["site"]!.value, "unknown site '\(name)'; \(known)")
        }
        let lengthNs = try duration(f["for"]!.value, atMost: LinkLimits.longestFaultNs, what: "a partition")
        try requireEnd(atNs + lengthNs, of: "partition", withinRun: durationNs, at: node)
        var faults: [LinkFaultConfig] = []
        for venue in site.venues {
            guard let venueLinks = links.first(where: { $0.venue == venue }) else { continue }
            for link in FaultedLink.allCases where venueLinks.models(link) {
                faults.append(LinkFaultConfig(atNs: atNs, venue: venue, link: link, action: .down))
                faults.append(LinkFaultConfig(atNs: atNs + lengthNs, venue: venue, link: link, action: .up))
            }
        }
        guard !faults.isEmpty else {
            throw error(f["site"]!.value, "site '\(name)' has no venue with modelled links; a partition cuts links listed under network.venues")
        }
        return faults
    }

    /// `{ at, venue, action: gateway_crash, for }`: the venue's order-entry
    /// gateway crashes and restarts `for` later (no `link`: it hits every
    /// connection of the venue). `host_crash` (`silent`): its host dies, and
    /// no reset tells the participants. `state: lost` (default `kept`): it
    /// restarts without its sessions' state.
    func gatewayCrash(_ node: Node, durationNs: Int64, venues: [VenueConfig], earlier: [GatewayCrashConfig], silent: Bool)
        throws(ScenarioError) -> GatewayCrashConfig
    {
        let action = silent ? "host_crash" : "gateway_crash"
        let f = try fields(node, allowed: ["at", "venue", "action", "for", "state"], required: ["at", "venue", "action", "for"],
                           what: silent ? "a host crash" : "a gateway crash")
        var keepsState = true
        if let state = f["state"] {
            keepsState = try choice(state.value, [("kept", true), ("lost", false)], "session state after the restart")
        }
        let atNs = try duration(f["at"]!.value, positive: false, what: "a crash's time")
        guard atNs < durationNs else {
            throw error(f["at"]!.value, "\(formatDuration(atNs)) is not before the run's duration of \(formatDuration(durationNs)); a crash must come within it")
        }
        let venueName = try knownVenue(f["venue"]!.value, among: venues).name
        let restartNs = try duration(f["for"]!.value, atMost: SimulationLimits.longestGatewayOutageNs, what: "the time a crashed gateway takes to restart")
        try requireEnd(atNs + restartNs, of: action, withinRun: durationNs, at: node)
        // One crash at a time per venue: a gateway that is down cannot crash.
        if let previous = earlier.last(where: { $0.venue == venueName }), atNs < previous.atNs + previous.restartAfterNs {
            throw error(f["at"]!.value, "venue '\(venueName)''s gateway is still down at \(formatDuration(atNs)) from the crash at \(formatDuration(previous.atNs)); crashes of one venue must not overlap and come in time order")
        }
        return GatewayCrashConfig(atNs: atNs, venue: venueName, restartAfterNs: restartNs, silent: silent, keepsSessionState: keepsState)
    }

    /// A `random` entry: from `at` to the end of the run, outages whose
    /// starts are a Poisson process of mean gap `mtbf` (the time between
    /// failures, counted from the last repair) and whose lengths are
    /// exponential of mean `mttr`, drawn from the scenario's seed (stream
    /// `faults.<index>`) when the scenario is read: the run sees a plain
    /// list of downs and ups. An outage still open at the end lasts to it.
    func randomFaults(_ node: Node, index: Int, seed: UInt64, durationNs: Int64, venues: [VenueConfig], links: [VenueLinksConfig])
        throws(ScenarioError) -> [LinkFaultConfig]
    {
        let f = try fields(node, allowed: Self.faultKeys, required: ["at", "venue", "link", "action", "mtbf", "mttr"], what: "a random fault")
        let (startNs, venue, link) = try faultTarget(f, durationNs: durationNs, venues: venues, links: links)
        try refuseKeysOtherThan(action: "random", in: f)
        return try randomOutages(f, node: node, index: index, seed: seed, startNs: startNs, durationNs: durationNs).map {
            LinkFaultConfig(atNs: $0.atNs, venue: venue, link: link, action: $0.isDown ? .down : .up)
        }
    }

    /// The downs and ups of a `random` entry, as `randomFaults` describes.
    func randomOutages(_ f: [String: (key: Node, value: Node)], node: Node, index: Int, seed: UInt64, startNs: Int64, durationNs: Int64)
        throws(ScenarioError) -> [LinkTransition]
    {
        guard let mtbf = f["mtbf"], let mttr = f["mttr"] else { throw error(node, "a random fault needs 'mtbf' and 'mttr'") }
        let longest = LinkLimits.longestFaultNs
        let mtbfNs = try duration(mtbf.value, atMost: longest, what: "a mean time between failures")
        let mttrNs = try duration(mttr.value, atMost: longest, what: "a mean time to repair")
        var stream = RandomStream(scenarioSeed: seed, component: "faults.\(index)")
        var transitions: [LinkTransition] = []
        var timeNs = startNs
        while true {
            timeNs += max(1, Int64(stream.nextExponential(mean: Double(mtbfNs)).rounded()))
            guard timeNs < durationNs else { break }
            guard transitions.count < 2 * LinkFaultConfig.mostFlaps else {
                throw error(node, "mtbf \(formatDuration(mtbfNs)) draws more than \(LinkFaultConfig.mostFlaps) outages before the run's end; lengthen mtbf or shorten the run")
            }
            transitions.append(LinkTransition(atNs: timeNs, isDown: true))
            timeNs += max(1, Int64(stream.nextExponential(mean: Double(mttrNs)).rounded()))
            guard timeNs < durationNs else { break }
            transitions.append(LinkTransition(atNs: timeNs, isDown: false))
        }
        return transitions
    }

    func fault(_ node: Node, durationNs: Int64, venues: [VenueConfig], links: [VenueLinksConfig]) throws(ScenarioError) -> LinkFaultConfig {
        let f = try fields(node, allowed: Self.faultKeys, required: ["at", "venue", "link", "action"], what: "a fault")
        let (atNs, venueName, link) = try faultTarget(f, durationNs: durationNs, venues: venues, links: links)
        let actionName = try choice(f["action"]!.value, Self.faultActionKeys.map { ($0.0, $0.0) }, "fault action")
        guard actionName != "random", actionName != "gateway_crash", actionName != "host_crash", actionName != "partition" else { preconditionFailure("random faults and gateway crashes are read on their own") }
        try refuseKeysOtherThan(action: actionName, in: f)
        let fault = LinkFaultConfig(atNs: atNs, venue: venueName, link: link, action: try faultAction(actionName, f, node: node))
        try requireEnd(fault.lastEffectNs, of: actionName, withinRun: durationNs, at: node)
        return fault
    }

    /// A `down`, `up`, `flap` or `degrade` action with its keys.
    func faultAction(_ actionName: String, _ f: [String: (key: Node, value: Node)], node: Node) throws(ScenarioError) -> LinkFaultAction {
        func need(_ key: String) throws(ScenarioError) -> Node {
            guard let entry = f[key] else { throw error(node, "a \(actionName) fault needs '\(key)'") }
            return entry.value
        }
        let longest = LinkLimits.longestFaultNs
        let action: LinkFaultAction
        switch actionName {
        case "down": action = .down
        case "up": action = .up

        case "flap":
            let periodNs = try duration(try need("period"), atMost: longest, what: "a flap's period")
            guard periodNs >= 2 else { throw error(try need("period"), "a flap's period must be at least 2ns (down half of it, up the other half)") }
            let count = Int(try integer(try need("count"), 1...Int64(LinkFaultConfig.mostFlaps), "a number of outages"))
            action = .flap(periodNs: periodNs, count: count)
        default:
            action = .degrade(addedDelayNs: try duration(try need("delay"), positive: false, atMost: LinkLimits.longestDelayNs, what: "an added delay"),
                              addedLoss: try number(try need("loss"), 0...1, "an added loss probability"),
                              durationNs: try duration(try need("for"), atMost: longest, what: "a degradation"))
        }
        return action
    }

    /// Refuses a key of the fault that neither every fault nor `action` takes.
    func refuseKeysOtherThan(action: String, in f: [String: (key: Node, value: Node)]) throws(ScenarioError) {
        let allowed = Self.faultActionKeys.first { $0.0 == action }!.1
        for key in f.keys.sorted() where !["at", "venue", "link", "action"].contains(key) && !allowed.contains(key) {
            let expected = allowed.isEmpty ? "it takes no other key" : "expected \(allowed.joined(separator: ", "))"
            throw error(f[key]!.key, "'\(key)' does not apply to a \(action) fault; \(expected)")
        }
    }

    /// A fault's `at`, which must come within the run.
    func faultTime(_ node: Node, durationNs: Int64) throws(ScenarioError) -> Int64 {
        let atNs = try duration(node, positive: false, what: "a fault's time")
        guard atNs <= durationNs else {
            throw error(node, "\(formatDuration(atNs)) is after the run's duration of \(formatDuration(durationNs)); a fault must come within it")
        }
        return atNs
    }

    /// A fault's `at`, `venue` and `link`, checked against the run and the
    /// scenario's modelled links.
    func faultTarget(_ f: [String: (key: Node, value: Node)], durationNs: Int64, venues: [VenueConfig], links: [VenueLinksConfig])
        throws(ScenarioError) -> (atNs: Int64, venue: String, link: FaultedLink)
    {
        let atNs = try faultTime(f["at"]!.value, durationNs: durationNs)
        let venueName = try knownVenue(f["venue"]!.value, among: venues).name
        let link = try choice(f["link"]!.value, FaultedLink.allCases.map { ($0.rawValue, $0) }, "link")
        guard links.first(where: { $0.venue == venueName })?.models(link) ?? false else {
            let entry = link == .orderEntryBackup ? "a `backup:` under the `order_entry:` entry" : "a `\(link.rawValue):` entry"
            throw error(f["link"]!.value, "venue '\(venueName)' has no modelled \(link.rawValue) link; a fault needs one under network.venues (\(entry) for '\(venueName)')")
        }
        return (atNs, venueName, link)
    }
}
