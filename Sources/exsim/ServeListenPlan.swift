import Exchange
import Live
import OrderFlow
import Scenario
import Simulation
import Wire

/// How `exsim serve` turns a scenario's venues and the command line's
/// `--port` and `--feed-to` values into the sockets to open.
struct ServeListenPlan {
    /// A mistake in a `--port` or `--feed-to` value, said as the user will read it.
    struct Mistake: Error, CustomStringConvertible {
        var description: String
    }

    /// One venue's sockets, before binding.
    var venues: [LiveVenueConfiguration]

    init(venues scenarioVenues: [VenueConfig], accounts: LiveAccounts, ports: [String], feedTo: [String]) throws(Mistake) {
        var venues: [LiveVenueConfiguration] = []
        for (index, venue) in scenarioVenues.enumerated() {
            let protocols = venue.orderEntryProtocols
            let fixVersions = FIXVersion.allCases.filter {
                protocols.contains($0 == .fix42 ? OrderEntryProtocol.fix42 : .fix44)
            }
            var gateway = VenueGateway.Configuration(
                name: venue.name, symbols: venue.symbols, selfTradePrevention: venue.selfTradePrevention,
                feedSession: Self.feedSession(venue: index))
            gateway.sessionMessageLimit = venue.sessionMessageLimit
            // The scenario's FIX sessions name accounts that --accounts must provide.
            for session in venue.fixSessions where accounts.index(named: session.account) == nil {
                throw Mistake(description: "venue \(venue.name): fix_sessions names account \(session.account), but serve has only \(accounts.name(0)) … \(accounts.name(accounts.count - 1)) (--accounts \(accounts.count))")
            }
            var venueAccounts = accounts
            venueAccounts.fixSessions = venue.fixSessions
            venues.append(LiveVenueConfiguration(
                gateway: gateway, accounts: venueAccounts,
                ouchPort: protocols.contains(.ouch42) ? 0 : nil,
                fixPort: fixVersions.isEmpty ? nil : 0,
                fixVersions: fixVersions, feedDestination: nil))
        }
        try Self.applyPorts(ports, to: &venues)
        try Self.applyFeedDestinations(feedTo, to: &venues)
        self.venues = venues
    }

    /// MoldUDP64 session names as the simulator gives them: "SIM" and the
    /// venue's number, 10 characters, so a feed handler sees the same session live.
    static func feedSession(venue: Int) -> MoldUDP64SessionID {
        let digits = String(venue + 1)
        return MoldUDP64SessionID("SIM" + String(repeating: "0", count: 7 - digits.count) + digits)!
    }

    /// `N` (the only listening socket) or `VENUE.ouch=N` / `VENUE.fix=N`.
    static func applyPorts(_ values: [String], to venues: inout [LiveVenueConfiguration]) throws(Mistake) {
        for value in values {
            guard let equals = value.firstIndex(of: "=") else {
                let sockets = venues.reduce(0) { $0 + ($1.ouchPort == nil ? 0 : 1) + ($1.fixPort == nil ? 0 : 1) }
                guard let port = Self.port(value) else { throw Mistake(description: "--port \(value): not a port number (0 to 65535)") }
                guard sockets == 1, let index = venues.indices.first else {
                    throw Mistake(description: "--port \(value): the scenario has \(sockets) order-entry sockets; name one, as VENUE.ouch=\(value) or VENUE.fix=\(value)")
                }
                if venues[index].ouchPort != nil { venues[index].ouchPort = port } else { venues[index].fixPort = port }
                continue
            }
            let target = value[..<equals]
            guard let port = Self.port(value[value.index(after: equals)...]) else {
                throw Mistake(description: "--port \(value): not a port number (0 to 65535) after '='")
            }
            guard let dot = target.lastIndex(of: "."),
                  let index = venues.firstIndex(where: { $0.name == target[..<dot] }) else {
                throw Mistake(description: "--port \(value): expected VENUE.ouch=PORT, VENUE.fix=PORT or VENUE.itch=PORT with a venue of the scenario (\(venues.map(\.name).joined(separator: ", ")))")
            }
            switch target[target.index(after: dot)...] {
            case "ouch" where venues[index].ouchPort != nil: venues[index].ouchPort = port
            case "fix" where venues[index].fixPort != nil: venues[index].fixPort = port
            case "itch": venues[index].itchPort = port
            default:
                throw Mistake(description: "--port \(value): venue \(venues[index].name) takes \(Self.protocols(of: venues[index]))")
            }
        }
    }

    /// `HOST:PORT` (every venue) or `VENUE=HOST:PORT`.
    static func applyFeedDestinations(_ values: [String], to venues: inout [LiveVenueConfiguration]) throws(Mistake) {
        for value in values {
            let venueName: Substring?
            let addressText: Substring
            if let equals = value.firstIndex(of: "=") {
                venueName = value[..<equals]
                addressText = value[value.index(after: equals)...]
            } else {
                venueName = nil
                addressText = value[...]
            }
            guard let address = LiveAddress(parsing: String(addressText)) else {
                throw Mistake(description: "--feed-to \(value): expected HOST:PORT or VENUE=HOST:PORT, the port 1 to 65535")
            }
            if let venueName {
                guard let index = venues.firstIndex(where: { $0.name == venueName }) else {
                    throw Mistake(description: "--feed-to \(value): no venue '\(venueName)' in the scenario (\(venues.map(\.name).joined(separator: ", ")))")
                }
                venues[index].feedDestination = address
            } else {
                for index in venues.indices where venues[index].feedDestination == nil { venues[index].feedDestination = address }
            }
        }
    }

    static func port(_ text: some StringProtocol) -> Int? {
        guard let port = Int(text), (0...65_535).contains(port) else { return nil }
        return port
    }

    static func protocols(of venue: LiveVenueConfiguration) -> String {
        var names: [String] = []
        if venue.ouchPort != nil { names.append("ouch") }
        if venue.fixPort != nil { names.append("fix") }
        names.append("itch")
        return names.joined(separator: " and ")
    }
}
