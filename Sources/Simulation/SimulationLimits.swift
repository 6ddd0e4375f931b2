import Exchange
import MatchingEngine
import Network
import OrderFlow
import SimKernel

/// The bounds a run stays within, so that every configuration `exsim
/// validate` accepts runs to completion: values a wire format cannot carry,
/// times that would overflow the clock or the trading day, and load a venue
/// cannot serve (docs/scenarios.md, "Limits").
public enum SimulationLimits {
    /// The simulated day opens at 09:30 and ITCH timestamps count
    /// nanoseconds since midnight: 14 hours of flow still end before it.
    public static let longestDurationNs: Int64 = 14 * 3_600 * 1_000_000_000
    /// The one-way latency between a participant and a venue.
    public static let longestLatencyNs: Int64 = 1_000_000_000
    /// The longest a crashed gateway may stay down, and a standby's takeover time.
    public static let longestGatewayOutageNs: Int64 = 3_600 * 1_000_000_000
    /// A service time's constant value, mean, median or maximum.
    public static let longestServiceTimeNs: Int64 = 1_000_000_000
    /// A single service-time draw is cut here, so that a heavy lognormal
    /// tail cannot overflow the clock.
    public static let longestServiceSampleNs: Int64 = 60 * 1_000_000_000
    /// Above a billion instructions a second the mean gap between arrivals
    /// is under a nanosecond, which integer time cannot express.
    public static let highestRatePerSecond: Double = 1e9
    /// A venue offered this much work or more never drains its queue: the
    /// backlog, and the run's memory and wall time, grow without bound.
    public static let highestOfferedLoad = 1.0
    /// ITCH's Stock Locate is 16 bits and 0 is reserved.
    public static let mostSymbolsPerVenue = 65_534
    /// Venue names become FIX CompIDs, SoupBinTCP session names and report
    /// keys: 1 to 16 letters, digits, '-', '_' or '.'.
    public static let longestVenueName = 16

    public static func isValidVenueName(_ name: String) -> Bool {
        !name.isEmpty && name.utf8.count <= longestVenueName
            && name.utf8.allSatisfy { $0.isASCIILetterOrDigit || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: ".") }
    }

    /// Symbols travel as 8-byte alpha fields (ITCH, OUCH) and FIX values:
    /// 1 to 8 printable ASCII characters, no space.
    public static func isValidSymbolName(_ name: String) -> Bool {
        !name.isEmpty && name.utf8.count <= 8 && name.utf8.allSatisfy { $0 > 0x20 && $0 < 0x7F }
    }

    /// The mean of a service-time model, in nanoseconds.
    public static func meanServiceTimeNs(_ model: ServiceTimeModel) -> Double {
        switch model {
        case .constant(let ns): Double(ns)
        case .exponential(let meanNs): Double(meanNs)
        case .uniform(let minNs, let maxNs): (Double(minNs) + Double(maxNs)) / 2
        case .logNormal(let medianNs, let sigma): Double(medianNs) * PortableMath.exp(sigma * sigma / 2)
        }
    }

    /// An idle session sends at most one keepalive a second (SoupBinTCP's
    /// client heartbeat; FIX's is rarer), and each takes the venue a
    /// service time like any other message.
    public static let sessionMessagesPerSecond = 1.0

    /// Messages a second the venue is sent: its flows' instructions and, at
    /// most, a keepalive a second from each of their participants.
    public static func offeredRate(of venue: VenueConfig, flows: [FlowConfig]) -> Double {
        flows.filter { $0.venue == venue.name }.reduce(0) {
            $0 + $1.rateOrdersPerSecond + Double($1.participants) * sessionMessagesPerSecond
        }
    }

    /// The fraction of its time a venue would spend serving what it is sent
    /// (the utilisation of a single-server queue, ρ = λ·E[S]).
    public static func offeredLoad(of venue: VenueConfig, flows: [FlowConfig]) -> Double {
        offeredRate(of: venue, flows: flows) * meanServiceTimeNs(venue.serviceTime) / 1e9
    }

    /// The smallest packet an order-entry session sends: a SoupBinTCP
    /// heartbeat (3 bytes) with TCP/IPv4/Ethernet headers.
    public static let smallestOrderEntryPacketBytes = 3 + WireOverhead.tcpIPv4Bytes

    /// Bits per second that a venue's order-entry link must carry at the
    /// very least, each way: every message the venue is sent (and at least
    /// one answer to each) as the smallest packet. A link without a queue
    /// limit that is slower than this queues without bound.
    public static func leastOrderEntryBitsPerSecond(of venue: VenueConfig, flows: [FlowConfig]) -> Double {
        offeredRate(of: venue, flows: flows) * Double(smallestOrderEntryPacketBytes) * 8
    }

    /// The longest the day waits, after the flows stop, for what is still
    /// queued or in flight. Within the limits above everything arrives
    /// well before; keepalives over a slow link, which are always in
    /// flight, would otherwise keep the day open for ever.
    public static let longestDrainNs: Int64 = 10 * 1_000_000_000
}

extension VenueConfig {
    /// The largest limit price this venue's protocols can carry.
    public var largestLimitPrice: Price {
        WirePriceLimits.largestLimitPrice(acceptsOUCH: orderEntryProtocols.contains(.ouch42))
    }
}

extension UInt8 {
    var isASCIILetterOrDigit: Bool {
        (self >= 0x30 && self <= 0x39) || (self >= 0x41 && self <= 0x5A) || (self >= 0x61 && self <= 0x7A)
    }
}

extension SimulationConfig {
    /// The first way this configuration breaks `SimulationLimits`, or the
    /// engine's and flows' own preconditions; nil when it can run. Scenario
    /// files are checked key by key with file:line first; this catches
    /// configurations built in code, so that they fail with an error and
    /// never trap.
    public var firstProblem: String? {
        let limits = SimulationLimits.self
        guard durationNs > 0, durationNs <= limits.longestDurationNs else {
            return "duration must be in 1 ns ... \(limits.longestDurationNs) ns"
        }
        guard oneWayLatencyNs >= 0, oneWayLatencyNs <= limits.longestLatencyNs else {
            return "latency must be in 0 ... \(limits.longestLatencyNs) ns"
        }
        guard !venues.isEmpty, venues.count < 250 else { return "a run needs 1 to 249 venues" }
        for venue in venues {
            guard limits.isValidVenueName(venue.name) else {
                return "venue name '\(venue.name)' must be 1 to \(limits.longestVenueName) letters, digits, '-', '_' or '.'"
            }
            if let problem = venue.serviceTime.problem { return "venue '\(venue.name)': \(problem)" }
            guard !venue.symbols.isEmpty, venue.symbols.count <= limits.mostSymbolsPerVenue else {
                return "venue '\(venue.name)' needs 1 to \(limits.mostSymbolsPerVenue) symbols"
            }
            for symbol in venue.symbols {
                guard limits.isValidSymbolName(symbol.name) else {
                    return "venue '\(venue.name)': symbol '\(symbol.name)' must be 1 to 8 printable ASCII characters without spaces"
                }
                guard symbol.tickSize > 0, symbol.referencePrice.rawValue > 0,
                      symbol.referencePrice.rawValue % symbol.tickSize == 0,
                      symbol.referencePrice <= venue.largestLimitPrice else {
                    return "venue '\(venue.name)': symbol '\(symbol.name)' needs a positive tick and a reference price that is a multiple of it, at most \(venue.largestLimitPrice.rawValue) price units"
                }
            }
            let load = limits.offeredLoad(of: venue, flows: flows)
            guard load < limits.highestOfferedLoad else {
                return "venue '\(venue.name)' is offered \(load) of its capacity; below 1 is needed for its queue to drain"
            }
        }
        for flow in flows {
            guard let venue = venues.first(where: { $0.name == flow.venue }) else {
                return "flow '\(flow.name)' names unknown venue '\(flow.venue)'"
            }
            if let problem = flow.problem(at: venue) { return "flow '\(flow.name)': \(problem)" }
        }
        for event in phaseEvents {
            guard event.atNs >= 0, event.atNs <= durationNs else {
                return "a phase change at \(event.atNs) ns falls outside the run's duration (0 ... \(durationNs) ns)"
            }
        }
        for (index, shared) in sharedLinks.enumerated() {
            if let problem = shared.firstProblem { return problem }
            guard !sharedLinks[..<index].contains(where: { $0.name == shared.name }) else { return "shared link '\(shared.name)' is listed twice" }
            guard venueLinks.contains(where: { $0.via == shared.name }) else { return "no venue goes via shared link '\(shared.name)'" }
        }
        for (index, links) in venueLinks.enumerated() {
            guard venues.contains(where: { $0.name == links.venue }) else { return "links name unknown venue '\(links.venue)'" }
            if let via = links.via, !sharedLinks.contains(where: { $0.name == via }) {
                return "venue '\(links.venue)' goes via unknown shared link '\(via)'"
            }
            guard !venueLinks[..<index].contains(where: { $0.venue == links.venue }) else { return "venue '\(links.venue)' has links listed twice" }
            if let problem = links.firstProblem { return problem }
            if let oe = links.orderEntry, let venue = venues.first(where: { $0.name == links.venue }) {
                let least = limits.leastOrderEntryBitsPerSecond(of: venue, flows: flows)
                let directions = [oe.toVenue, oe.fromVenue] + (oe.backup.map { [$0.toVenue, $0.fromVenue] } ?? [])
                for direction in directions where direction.queueLimitBytes == 0 && direction.bandwidthBitsPerSecond > 0 {
                    guard Double(direction.bandwidthBitsPerSecond) > least else {
                        return "venue '\(links.venue)': an order-entry link of \(direction.bandwidthBitsPerSecond) b/s without a queue limit cannot carry \(Int64(least)) b/s"
                    }
                }
            }
        }
        for (index, crash) in gatewayCrashes.enumerated() {
            guard venues.contains(where: { $0.name == crash.venue }) else { return "a gateway crash names unknown venue '\(crash.venue)'" }
            guard crash.atNs >= 0, crash.restartAfterNs > 0, crash.restartAfterNs <= SimulationLimits.longestGatewayOutageNs,
                  crash.atNs + crash.restartAfterNs <= durationNs else {
                return "a gateway crash of venue '\(crash.venue)' must start and end within the run, and last 1 ns ... \(SimulationLimits.longestGatewayOutageNs) ns"
            }
            if let previous = gatewayCrashes[..<index].last(where: { $0.venue == crash.venue }), crash.atNs < previous.atNs + previous.restartAfterNs {
                return "gateway crashes of venue '\(crash.venue)' overlap or are out of time order"
            }
        }
        for venue in venues {
            if let takeover = venue.standbyTakeoverNs, !(0...SimulationLimits.longestGatewayOutageNs).contains(takeover) {
                return "venue '\(venue.name)': a standby's takeover time must be in 0 ... \(SimulationLimits.longestGatewayOutageNs) ns"
            }
        }
        for fault in sharedLinkFaults {
            if let problem = fault.firstProblem { return "fault on shared link '\(fault.link)': \(problem)" }
            guard sharedLinks.contains(where: { $0.name == fault.link }) else { return "a fault hits unknown shared link '\(fault.link)'" }
            guard fault.lastEffectNs <= durationNs else {
                return "a fault on shared link '\(fault.link)' lasts until \(fault.lastEffectNs) ns, after the run's duration"
            }
        }
        for fault in linkFaults {
            if let problem = fault.firstProblem { return "fault on venue '\(fault.venue)': \(problem)" }
            guard let links = venueLinks.first(where: { $0.venue == fault.venue }), links.models(fault.link) else {
                return "a fault hits venue '\(fault.venue)''s \(fault.link.rawValue) link, which network.venues does not model"
            }
            guard fault.lastEffectNs <= durationNs else {
                return "a fault on venue '\(fault.venue)' lasts until \(fault.lastEffectNs) ns, after the run's duration"
            }
        }
        return nil
    }
}

extension ServiceTimeModel {
    var problem: String? {
        let longest = SimulationLimits.longestServiceTimeNs
        switch self {
        case .constant(let ns):
            return (0...longest).contains(ns) ? nil : "a constant service time must be in 0 ... \(longest) ns"
        case .exponential(let meanNs):
            return (1...longest).contains(meanNs) ? nil : "an exponential mean must be in 1 ... \(longest) ns"
        case .uniform(let minNs, let maxNs):
            return minNs >= 0 && minNs <= maxNs && maxNs <= longest ? nil : "a uniform service time needs 0 ≤ min ≤ max ≤ \(longest) ns"
        case .logNormal(let medianNs, let sigma):
            return (1...longest).contains(medianNs) && sigma >= 0 && sigma <= 5 ? nil : "a lognormal needs a median in 1 ... \(longest) ns and sigma in 0 ... 5"
        }
    }
}

extension FlowConfig {
    func problem(at venue: VenueConfig) -> String? {
        guard rateOrdersPerSecond > 0, rateOrdersPerSecond <= SimulationLimits.highestRatePerSecond else {
            return "the rate must be above 0 and at most \(Int64(SimulationLimits.highestRatePerSecond))/s"
        }
        guard participants > 0, mix.total > 0, mix.total.isFinite else { return "needs participants and a non-zero mix" }
        guard lotSize > 0, minQuantity > 0, minQuantity <= maxQuantity, maxQuantity >= lotSize,
              maxQuantity <= Int64(UInt32.max) else {
            return "quantities need 1 ≤ lot ≤ max, min ≤ max ≤ \(UInt32.max)"
        }
        guard priceSpreadTicks >= 0, midWalkTicks >= 0, midWalkTicks.isFinite, midStepIntervalNs > 0,
              maxOpenOrdersPerParticipant > 0 else {
            return "spread, walk and open-order limits must be positive"
        }
        if let problem = reconnect.problem { return "reconnect: \(problem)" }
        for symbol in venue.symbols where symbols.isEmpty || symbols.contains(symbol.name) {
            let largestTicks = venue.largestLimitPrice.rawValue / symbol.tickSize
            guard largestTicks >= 2 * (priceSpreadTicks + 1) else {
                return "a band of \(priceSpreadTicks) ticks either side does not fit below the largest price of \(symbol.name)"
            }
        }
        return nil
    }
}
