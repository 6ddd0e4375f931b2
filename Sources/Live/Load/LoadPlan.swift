import MatchingEngine
import Wire

/// What `exsim load` sends: where, how fast, for how long, and which orders.
public struct LoadPlan: Sendable {
    /// How orders are paced.
    public enum Pacing: Sendable, Equatable {
        /// Open loop: orders per second over all connections, each order with
        /// a planned send time whether or not earlier ones were answered.
        case openLoop(ratePerSecond: Double)
        /// One order at a time: the next is sent when the previous one is
        /// accepted or rejected (the pure round trip).
        case ping
    }

    /// The protocol orders go in.
    public enum OrderEntry: Sendable, Equatable {
        /// OUCH 4.2 over SoupBinTCP 3.0.
        case ouch42
        /// FIX 4.2 or 4.4 as an initiator towards the venue's CompID.
        case fix(FIXVersion, venueCompID: String)
    }

    public var orderEntry: OrderEntry
    /// Open loop: evenly spaced or Poisson send times.
    public var arrivals: LoadArrivals
    public var host: String
    public var port: Int
    public var pacing: Pacing
    public var durationNs: Int64
    /// Connections, logged in as accounts P1 ... P<connections>.
    public var connections: Int
    public var password: String
    public var symbol: SymbolConfig
    public var quantity: Int64
    /// How long to wait for the last answers once sending stopped.
    public var drainTimeoutNs: Int64
    /// TLS towards the venue; nil: plain TCP.
    public var tls: LiveTLSContext?
    /// The connections' write buffering: where the load holds its orders back.
    public var writeBuffering = LiveClientWriteBuffering()

    public init(host: String, port: Int, pacing: Pacing, durationNs: Int64, connections: Int, password: String = "exsim",
                symbol: SymbolConfig, quantity: Int64 = 100, drainTimeoutNs: Int64 = 5_000_000_000,
                arrivals: LoadArrivals = .constant, orderEntry: OrderEntry = .ouch42) {
        precondition(connections >= 1 && durationNs > 0 && quantity > 0)
        self.host = host
        self.port = port
        self.pacing = pacing
        self.durationNs = durationNs
        self.connections = connections
        self.password = password
        self.symbol = symbol
        self.quantity = quantity
        self.drainTimeoutNs = drainTimeoutNs
        self.arrivals = arrivals
        self.orderEntry = orderEntry
    }

    /// The gap between two planned sends on one connection; connections are
    /// offset by `spacingNs / connections` so that together they send evenly.
    var spacingNs: Double {
        guard case .openLoop(let rate) = pacing else { return 0 }
        return 1e9 * Double(connections) / rate
    }

    /// Orders one connection plans over the duration (the size of its
    /// table). Poisson arrivals vary around the mean; the table holds six
    /// standard deviations more and grows in the rare run that needs it.
    var ordersPerConnection: Int {
        guard case .openLoop = pacing else { return 1 << 16 }
        let mean = (Double(durationNs) / spacingNs).rounded(.up)
        let margin = arrivals == .constant ? 0 : 6 * mean.squareRoot() + 16
        return Int(mean + margin) + 1
    }

    /// Order `index` of a connection, at the reference price. Connections
    /// pair up as a buyer and a seller (different accounts, so a venue's
    /// self-trade prevention leaves their crosses alone) and fill each other
    /// at the same pace, which keeps the book small; an odd last connection,
    /// or a lone one, alternates sides.
    func order(index: Int, connection: Int) -> (side: Side, price: Price) {
        let alternates = connection == connections - 1 && connections % 2 == 1
        let buys = alternates ? index % 2 == 0 : connection % 2 == 0
        return (buys ? .buy : .sell, symbol.referencePrice)
    }
}

extension LoadPlan {
    /// What of the accounts (P1 … P<connections>), the password and the
    /// venue's CompID does not fit the plan's protocol; nil when all do.
    public var credentialsProblem: String? {
        for index in [0, max(0, connections - 1)] {
            let account = "P" + String(index + 1, radix: 36, uppercase: true)
            if let problem = LiveClientConnection.credentialsProblem(account: account, password: password, orderEntry: orderEntry) {
                return problem
            }
        }
        return nil
    }
}
