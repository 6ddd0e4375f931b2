/// Writes scenario files from a stream of choices: every key of the format
/// (docs/scenarios.md), each drawn from its typical values, its boundaries
/// and the first values past them, so that the fuzzer reaches every limit
/// `exsim validate` enforces and every value just inside it.
///
/// A choice stream that runs dry keeps choosing 0, the first and most
/// ordinary value, so a short input still makes a whole scenario.
public struct ScenarioSketch {
    var choices: ChoiceStream
    /// Every sketch gets links and faults: most generated scenarios break
    /// some rule before them, so a focused run reaches them far more often.
    let alwaysFaults: Bool

    public init(_ choices: ChoiceStream, alwaysFaults: Bool = false) {
        self.choices = choices
        self.alwaysFaults = alwaysFaults
    }

    /// The scenario text, YAML as a person would write it.
    public mutating func yaml() -> String {
        var lines: [String] = []
        lines.append("name: fuzz")
        lines.append("seed: \(pick(["1", "42", "0", "18446744073709551615", "18446744073709551616", "-1"]))")
        let duration = pick(["2ms", "1ms", "250us", "1ns", "1s", "50400s", "50400000000001ns", "0ns", "1.5ns"])
        lines.append("duration: \(duration)")
        var networkEnd: Int? = nil
        if flip() {
            lines.append("network:")
            lines.append("  one_way_latency: \(pick(["5us", "0ns", "1ns", "1ms", "1s", "1000000001ns"]))")
            networkEnd = lines.count
        }

        let venueCount = 1 + choose(2)
        var venueSymbols: [[String]] = []
        lines.append("venues:")
        for venue in 0..<venueCount {
            let name = pick([venue == 0 ? "XSIM" : "XV\(venue)", "A-B_C.D", "ABCDEFGHIJKLMNOP", "ABCDEFGHIJKLMNOPQ", "X Y", "Xü", "\"X\\x01\""])
            lines.append("  - name: \(name)")
            lines.append("    service_time: \(serviceTime())")
            if flip() { lines.append("    standby_gateway: { takeover: \(pick(["200us", "0ns", "1h", "2h"])) }") }
            if flip() {
                lines.append("    self_trade_prevention: \(pick(["cancel_newest", "none", "cancel_oldest", "cancel_both", "decrement_and_cancel"]))")
            }
            if flip() {
                lines.append("    order_entry: \(pick(["[ouch42]", "[fix42, fix44]", "[fix44]", "[ouch42, fix42, fix44]", "[]"]))")
            }
            lines.append("    symbols:")
            var symbols: [String] = []
            for index in 0..<(1 + choose(3)) {
                let symbol = pick(["S\(index)", "ABCDEFGH", "A", "ABCDEFGHI", "\"A B\"", "\"A\\x01\"", "\"!~\""])
                let tick = pick(["0.01", "0.0001", "1", "100", "214748.3646", "0"])
                let reference = pick(["190.00", "1", "0.0001", "214748.3646", "214748.3647", "429496.7295", "429496.7296", "922337203685477.5807"])
                lines.append("      - { name: \(symbol), tick: \(tick), reference_price: \(reference) }")
                symbols.append(symbol)
            }
            venueSymbols.append(symbols)
        }

        // Usually one flow; sometimes none (a venue that only opens and
        // closes), sometimes two.
        let flowCount = [1, 0, 2][choose(3)]
        lines.append(flowCount == 0 ? "flows: []" : "flows:")
        for flow in 0..<flowCount {
            let venue = choose(venueCount)
            lines.append("  - name: f\(flow)")
            lines.append("    venue: \(venue == 0 ? "XSIM" : "XV\(venue)")")
            lines.append("    rate: \(pick(["100k/s", "1M/s", "1/s", "1k/s", "250k/s", "10M/s", "1000M/s", "1001M/s", "1000000M/s", "0/s"]))")
            lines.append("    participants: \(pick(["4", "1", "64", "1000", "5000", "0", "100001"]))")
            let weights = ["55", "0", "1", "1000000", "1000001"]
            lines.append("    mix: { limit: \(pick(weights)), market: \(pick(weights)), ioc: \(pick(weights)), cancel: \(pick(weights)), replace: \(pick(weights)) }")
            if flip() {
                lines.append("    price: { spread_ticks: \(pick(["10", "0", "1", "100000", "100001"])), walk_ticks: \(pick(["1.0", "0", "100000", "1e9"])), walk_interval: \(pick(["1ms", "1ns", "50400s", "0ns"])) }")
            }
            if flip() {
                let quantities = ["100", "1", "150", "1000", "1000000000", "1000000001"]
                lines.append("    quantity: { min: \(pick(quantities)), max: \(pick(quantities)), lot: \(pick(quantities)) }")
            }
            if flip() { lines.append("    max_open_orders: \(pick(["256", "1", "1000000", "0"]))") }
            if flip() { lines.append("    protocol: \(pick(["ouch42", "fix42", "fix44", "ouch"]))") }
            if flip(), let symbols = venueSymbols.indices.contains(venue) ? venueSymbols[venue] : nil {
                lines.append("    symbols: [\(symbols[choose(symbols.count)])]")
            }
        }

        let entries = choose(4)
        if entries > 0 {
            lines.append("schedule:")
            for _ in 0..<entries {
                let at = pick(["0ns", duration, "1ns", "1us", "100us", "1s", "50400s"])
                let symbols = venueSymbols[0]
                lines.append("  - { at: \(at), venue: XSIM, symbol: \(symbols[choose(symbols.count)]), phase: \(pick(["halted", "continuous", "closed"])) }")
            }
        }
        // Links are drawn last, so that the choices of every key before
        // them stay what they were before links existed.
        if flip() || alwaysFaults {
            // Focused on faults: links of the first venue, every kind of them.
            let venue = pick(["XSIM", "XV1", "NOPE"]), kinds = choose(3)
            var links = ["  venues:", "    - venue: \(alwaysFaults ? "XSIM" : venue)"]
            let which = alwaysFaults ? 2 : kinds
            if which != 1 { links.append("      order_entry: \(link(orderEntry: true))") }
            if which != 0 { links.append("      market_data: \(link(orderEntry: false))") }
            if which != 0, flip() || alwaysFaults {
                var feedB = ["arbitration: \(pick(["50us", "0ns", "1s", "2s"]))"]
                if flip() { feedB.append("latency: \(pick(["22us", "0ns", "1s"]))") }
                if flip() { feedB.append("loss: \(pick(["0.01", "1", "-1"]))") }
                links.append("      market_data_b: { " + feedB.joined(separator: ", ") + " }")
            }
            if let networkEnd {
                lines.insert(contentsOf: links, at: networkEnd)
            } else {
                lines.append("network:")
                lines.append(contentsOf: links)
            }
            if flip() || alwaysFaults { lines += faults() }
            // A reconnect backoff for the first flow, drawn after everything
            // else so that the earlier choices stay what they were.
            if let flowStart = lines.firstIndex(of: "  - name: f0"), flip() || alwaysFaults {
                var keys: [String] = []
                if flip() { keys.append("initial: \(pick(["1ms", "1ns", "0ns", "1h"]))") }
                if flip() { keys.append("multiplier: \(pick(["2", "1", "16", "0.5", "17"]))") }
                if flip() { keys.append("max: \(pick(["1s", "1ns", "1ms"]))") }
                if flip() { keys.append("jitter: \(pick(["0.2", "0", "0.999", "1", "-0.1"]))") }
                lines.insert("    reconnect: { " + keys.joined(separator: ", ") + " }", at: flowStart + 1)
            }
            // A shared link the venue goes via, and a fault of it, drawn
            // after everything else for the same reason.
            if flip() || alwaysFaults, let venuesAt = lines.firstIndex(of: "  venues:") {
                var keys = ["name: T0", "latency: \(pick(["150us", "0ns", "1s", "2s"]))"]
                if flip() { keys.append("bandwidth: \(pick(["1Gbps", "9600bps"]))") }
                if flip() { keys.append("queue_bytes: \(pick(["262144", "1518", "1517"]))") }
                if flip() { keys.append("loss: \(pick(["0.01", "1"]))") }
                if flip() { keys.append("jitter: { distribution: uniform, min: 0ns, max: \(pick(["5us", "1s"])) }") }
                if flip() { keys.append("reorder: { probability: 0.1, delay: 10us }") }
                lines.insert("      via: \(pick(["T0", "T1"]))", at: venuesAt + 2)
                lines.insert(contentsOf: ["  links:", "    - { " + keys.joined(separator: ", ") + " }"], at: venuesAt)
                if flip() || alwaysFaults {
                    if !lines.contains("faults:") { lines.append("faults:") }
                    let action = switch choose(4) {
                    case 0: "action: down"
                    case 1: "action: flap, period: \(pick(["2ms", "1ns"])), count: \(pick(["2", "10001"]))"
                    case 2: "action: degrade, delay: 10us, loss: \(pick(["0.5", "1"])), for: 1ms"
                    default: "action: random, mtbf: \(pick(["500us", "1ns"])), mttr: 50us"
                    }
                    lines.append("  - { at: \(pick(["1ms", "0ns", "2s"])), link: \(pick(["T0", "T1"])), \(action) }")
                }
            }
        }
        // A per-session throttle on the first venue, drawn last for the same reason.
        // Venues come before flows: the first list item named is the first venue.
        if let venueStart = lines.firstIndex(where: { $0.hasPrefix("  - name: ") }), flip() {
            lines.insert("    throttle: { messages: \(pick(["20", "1", "0", "1000000000", "1000000001"])), per: \(pick(["1ms", "1ns", "0ns", "1h", "2h"])) }",
                         at: venueStart + 1)
        }
        // A replay of the shipped capture, drawn last for the same reason.
        // Its path is the repository's, relative to where the fuzzer runs
        // (the package root); run elsewhere, validate reports it missing.
        // Usually valid, so that replays run: the capture's stock AAPL on
        // the first venue, which the replay names.
        if choose(4) == 3 {
            if choose(4) != 3, let symbol = lines.firstIndex(where: { $0.hasPrefix("      - { name: ") }) {
                lines[symbol] = "      - { name: \(pick(["AAPL", "AAPL", "NVDA"])), tick: \(pick(["0.01", "0.01", "1"])), reference_price: 190.00 }"
            }
            var keys = ["capture: \(pick(["Captures/two-venues.pcap.zst", "Captures/two-venues.pcap.zst", "Captures/none.pcap"]))",
                        "venue: \(pick(["XSIM", "XSIM", "NOPE"]))"]
            switch choose(3) {
            case 0: keys.append("feed: \(pick(["SIM0000001", "SIM0000002", "NOPE"]))")
            case 1: keys.append("order_entry: \(pick(["ouch42", "all", "fix", "itch"]))")
            default: keys.append("feed: SIM0000002")
            }
            if flip() { keys.append("speed: \(pick(["10", "1", "0.001", "1e6", "0"]))") }
            if flip() { keys.append("start: \(pick(["100us", "0ns", duration, "1s"]))") }
            if flip() { keys.append("compress_gaps: \(pick(["10us", "0ns", "1ns"]))") }
            lines.append("replay:")
            lines.append("  - { " + keys.joined(separator: ", ") + " }")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// A link's keys (docs/network.md), each usually ordinary, sometimes at
    /// or past a bound.
    mutating func link(orderEntry: Bool) -> String {
        var keys = ["latency: \(pick(["20us", "0ns", "1s", "1000000001ns"]))"]
        if flip() { keys.append("bandwidth: \(pick(["1Gbps", "9600bps", "1Tbps", "1001Gbps", "0bps", "fast"]))") }
        if flip() { keys.append("queue_bytes: \(pick(["65536", "1518", "1073741824", "1517"]))") }
        if flip() {
            keys.append("jitter: " + pick([
                "{ distribution: pareto, scale: 1us, shape: 2.5 }", "{ distribution: uniform, min: 0ns, max: 1s }",
                "{ distribution: normal, mean: 0ns, stddev: 1s }", "{ distribution: lognormal, median: 1s, sigma: 5 }",
                "{ distribution: pareto, scale: 1s, shape: 0.1 }", "{ distribution: constant, value: 1000000001ns }",
            ]))
        }
        if flip() {
            keys.append("loss: " + pick([
                "0.01", "0", "1", "1.01", "{ model: gilbert_elliott, good_to_bad: 0.01, bad_to_good: 0.3, loss_bad: 0.5 }",
                "{ model: gilbert_elliott, good_to_bad: 1, bad_to_good: 1e-9 }", "{ model: gilbert_elliott, good_to_bad: 0.1, bad_to_good: 0 }",
            ]))
        }
        if flip() { keys.append("duplicate: \(pick(["0.01", "0", "1", "-0.1"]))") }
        if flip() { keys.append("reorder: { probability: \(pick(["0.01", "1", "1.5"])), delay: \(pick(["40us", "0ns", "1s", "2s"])) }") }
        if orderEntry {
            if flip() { keys.append("rto: \(pick(["1ms", "1ns", "120s", "121s", "0ns"]))") }
            if flip() { keys.append("max_rto: \(pick(["16ms", "1ns", "120s"]))") }
            if flip() { keys.append("max_retransmissions: \(pick(["15", "0", "30", "31"]))") }
            if flip() || alwaysFaults {
                var backup = ["detection: \(pick(["200us", "0ns", "60s", "61s", "-1us"]))"]
                if flip() { backup.append("latency: \(pick(["35us", "0ns", "1s", "2s"]))") }
                if flip() { backup.append("loss: \(pick(["0.01", "1", "2"]))") }
                if flip() { backup.append("bandwidth: \(pick(["1Gbps", "9600bps"]))") }
                keys.append("backup: { " + backup.joined(separator: ", ") + " }")
            }
        }
        return "{ " + keys.joined(separator: ", ") + " }"
    }

    /// A `faults:` section of one to three entries on the venue's links.
    mutating func faults() -> [String] {
        var lines = ["faults:"]
        for _ in 0...choose(3) {
            let venue = pick(["XSIM", "NOPE"])
            let link = pick(["order_entry", "order_entry_backup", "market_data", "market_data_b", "feed"])
            // Focused: every entry on one of the links the sketch made.
            let head = "at: \(pick(["1ms", "0ns", "250us", "2s"])), venue: \(alwaysFaults ? "XSIM" : venue), "
                + "link: \(alwaysFaults && link == "feed" ? "market_data" : link)"
            let action = switch choose(6) {
            case 0: "action: down"
            case 1: "action: up"
            case 2: "action: flap, period: \(pick(["200us", "1ns", "2ns", "1h"])), count: \(pick(["2", "1", "10000", "10001", "0"]))"
            case 3: "action: degrade, delay: \(pick(["10us", "0ns", "1s", "2s"])), loss: \(pick(["0.1", "0", "1", "1.1"])), for: \(pick(["100us", "1ns", "1h"]))"
            case 4: "action: random, mtbf: \(pick(["500us", "1ns", "1h"])), mttr: \(pick(["50us", "1ns", "1h"]))"
            default: "action: \(pick(["explode", "down, period: 1ms"]))"
            }
            if choose(4) == 3 {
                // A gateway crash names no link.
                let at = pick(["1ms", "0ns", "250us", "2s"])
                lines.append("  - { at: \(at), venue: \(alwaysFaults ? "XSIM" : venue), action: \(pick(["gateway_crash", "host_crash"])), for: \(pick(["500us", "1ns", "1h", "0ns"])) }")
                continue
            }
            lines.append("  - { \(head), \(action) }")
        }
        return lines
    }

    mutating func serviceTime() -> String {
        switch choose(4) {
        case 0: "{ distribution: exponential, mean: \(pick(["450ns", "1ns", "10us", "1s", "1000000001ns", "0ns"])) }"
        case 1: "{ distribution: constant, value: \(pick(["450ns", "0ns", "1ns", "1ms", "1s", "2s"])) }"
        case 2: "{ distribution: uniform, min: \(pick(["0ns", "100ns", "1s"])), max: \(pick(["1us", "0ns", "1s", "2s"])) }"
        default: "{ distribution: lognormal, median: \(pick(["400ns", "1ns", "1s"])), sigma: \(pick(["0.5", "0", "5", "5.1"])) }"
        }
    }

    mutating func choose(_ count: Int) -> Int { choices.next(below: count) }
    mutating func pick(_ options: [String]) -> String { options[choose(options.count)] }
    /// False more often than true: optional keys are usually left out.
    mutating func flip() -> Bool { choose(3) == 2 }
}

/// Where a sketch's decisions come from: the fuzzer's input bytes, or a
/// seeded generator for the test suite. Once the bytes run out every
/// choice is 0.
public struct ChoiceStream {
    enum Source {
        case bytes([UInt8], offset: Int)
        /// `boldness`: one draw in 2^boldness leaves the ordinary value.
        case seeded(state: UInt64, boldness: UInt64)
    }
    var source: Source

    public init(bytes: UnsafeRawBufferPointer) { source = .bytes(Array(bytes), offset: 0) }

    /// Seeded choices for the test suite. A scenario has some thirty keys;
    /// if each strayed often, nearly every scenario would break some rule
    /// and few would run, so seeds differ in how far they stray: from one
    /// key in two to one in sixteen.
    public init(seed: UInt64) { source = .seeded(state: seed, boldness: 1 + seed % 4) }

    /// A choice in 0..<count. Values early in a list are the likelier ones:
    /// the ordinary value first, the boundaries after it.
    public mutating func next(below count: Int) -> Int {
        precondition(count > 0)
        switch source {
        case .bytes(let bytes, let offset):
            guard offset < bytes.count else { return 0 }
            source = .bytes(bytes, offset: offset + 1)
            return Int(bytes[offset]) % count
        case .seeded(var state, let boldness):
            // SplitMix64 (Steele, Lea, Flood 2014).
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            z ^= z >> 31
            source = .seeded(state: state, boldness: boldness)
            let strays = z & ((1 << boldness) - 1) == 0
            return strays ? Int((z >> 8) % UInt64(count)) : 0
        }
    }
}
