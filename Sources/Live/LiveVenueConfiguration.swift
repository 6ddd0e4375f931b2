import Exchange
import SimKernel
import Wire

/// One venue to serve: its gateway, the accounts it accepts, and where its
/// sockets go. Port 0 asks the system for a free port.
public struct LiveVenueConfiguration: Sendable {
    /// The gateway's settings; the server replaces the day offset with its clock's.
    public var gateway: VenueGateway.Configuration
    public var accounts: LiveAccounts
    /// The OUCH 4.2 over SoupBinTCP socket's port, nil if the venue takes no OUCH.
    public var ouchPort: Int?
    /// The FIX acceptor socket's port, nil if the venue takes no FIX.
    public var fixPort: Int?
    /// The ITCH 5.0 over SoupBinTCP socket's port (0: any free port): a
    /// client logs in as an account and gets the feed from the sequence
    /// number it asks for, then live; nil: not served.
    public var itchPort: Int? = 0
    /// The FIX versions the venue accepts on `fixPort`.
    public var fixVersions: [FIXVersion]
    /// Where the ITCH 5.0 / MoldUDP64 feed is sent (unicast); nil: not sent.
    public var feedDestination: LiveAddress?
    /// For a multicast `feedDestination`: the IPv4 address of the interface
    /// the feed leaves by (nil: the interface of the address the server
    /// binds to, when that is an IPv4 address), and the datagrams' TTL.
    public var feedMulticastInterface: String?
    public var feedMulticastTTL = 1
    /// The UDP port of the MoldUDP64 re-request service (0: any free port),
    /// opened with the feed; nil: no re-requests are answered.
    public var feedRequestPort: Int? = 0
    /// Connections the venue holds open at once, on all its order-entry
    /// sockets together; one more is closed as soon as it is accepted.
    public var maximumConnections = LiveVenueConfiguration.defaultMaximumConnections
    /// Bytes a connection's output may have queued in the venue, beyond
    /// what its socket's kernel buffer took, before the venue ends the
    /// session as a slow consumer: a client that stops reading cannot
    /// make the venue's memory grow without bound.
    public var maximumQueuedOutputBytes = LiveVenueConfiguration.defaultMaximumQueuedOutputBytes
    /// Gets a copy of every byte the venue reads and writes; nil: none kept.
    public var recorder: (any LiveTrafficRecorder)?
    /// TLS on every TCP socket of the venue (order entry and ITCH over
    /// SoupBinTCP); nil: plain TCP.
    public var tls: LiveTLSContext?
    /// The venue's modelled service time, applied as a real delay: after
    /// a read, the venue stays busy for one draw per request carried out
    /// before it writes the answers, as the simulated venue serves one
    /// instruction at a time. Busy means the event loop spins, so the
    /// venue's other connections wait as they would behind one matching
    /// thread. nil: no delay, the bare gateway.
    public var serviceTime: ServiceTimeSampler?
    /// A captured ITCH feed the venue's books replay as the server's clock
    /// reaches each message's time; nil: none.
    public var feedReplay: LiveFeedReplay?

    public static let defaultMaximumConnections = 1_000
    public static let defaultMaximumQueuedOutputBytes = 16 * 1_024 * 1_024

    public init(gateway: VenueGateway.Configuration, accounts: LiveAccounts, ouchPort: Int?, fixPort: Int?,
                fixVersions: [FIXVersion], feedDestination: LiveAddress?) {
        precondition(fixPort == nil || !fixVersions.isEmpty, "a FIX socket needs a FIX version")
        precondition(maximumConnections > 0 && maximumQueuedOutputBytes > 0, "venue limits must be positive")
        self.gateway = gateway
        self.accounts = accounts
        self.ouchPort = ouchPort
        self.fixPort = fixPort
        self.fixVersions = fixVersions
        self.feedDestination = feedDestination
    }

    public var name: String { gateway.name }
}

/// A host and port, as given on the command line.
public struct LiveAddress: Sendable, Hashable, CustomStringConvertible {
    public var host: String
    public var port: Int

    public init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    /// `HOST:PORT`, the host an IPv4 address or name.
    public init?(parsing text: String) {
        guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]),
              (1...65_535).contains(port), colon != text.startIndex else { return nil }
        self.init(host: String(text[..<colon]), port: port)
    }

    public var description: String { "\(host):\(port)" }
}
