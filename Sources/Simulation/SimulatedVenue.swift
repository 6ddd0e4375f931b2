import DequeModule
import Exchange
import MatchingEngine
import SimKernel
import Wire

/// One venue in the simulated world: a venue gateway (engine, order-entry
/// ports, ITCH feed) behind a single server queue. Inbound messages wait in
/// arrival order; each occupies the venue for one sampled service time, and
/// the gateway acts on it when service ends.
struct SimulatedVenue {
    struct Inbound {
        var participant: Int32
        var message: Int32
        var arrivedNs: Nanoseconds
    }

    let name: String
    var gateway: VenueGateway
    var serviceTime: ServiceTimeSampler
    /// Messages waiting or in service; the head is in service while `busy`.
    var queue: Deque<Inbound> = []
    var busy = false
    var busySinceNs: Nanoseconds = 0
    /// The participant on each of the gateway's connections.
    var participantOfConnection: [Int32] = []
    var feedTimer = SessionTimer()

    var busyNs: Nanoseconds = 0
    var maxQueueDepth = 0
    var served: UInt64 = 0
    /// Time the messages that entered service waited in the queue first.
    var queueWaitNs: Nanoseconds = 0
    /// Writes the venue sent its participants at the fixed one-way latency
    /// (its order entry not modelled).
    var writesOut: UInt64 = 0

    /// `losesSessionState`: a crash of this venue restarts its gateway
    /// without its sessions' state, after which FIX clients send orders
    /// again with PossResend=Y; the gateway then keeps finished FIX orders
    /// to answer them.
    init(config: VenueConfig, index: Int, digestsEngineEvents: Bool = false, losesSessionState: Bool = false,
         random: RandomStream) {
        name = config.name
        var configuration = VenueGateway.Configuration(
            name: config.name, symbols: config.symbols, selfTradePrevention: config.selfTradePrevention,
            feedSession: SimulatedVenue.feedSession(venue: index), digestsEngineEvents: digestsEngineEvents)
        configuration.sessionMessageLimit = config.sessionMessageLimit
        configuration.keepsFinishedFIXOrders = losesSessionState
        gateway = VenueGateway(configuration: configuration)
        serviceTime = ServiceTimeSampler(model: config.serviceTime, random: random,
                                         longestSampleNs: SimulationLimits.longestServiceSampleNs)
    }

    /// The head of the queue goes into service: one access to the venue
    /// for what it notes.
    mutating func beginService(atNs nowNs: Nanoseconds) {
        queueWaitNs += nowNs - queue[0].arrivedNs
        busy = true
        busySinceNs = nowNs
    }

    /// A message arrives (one access to the venue); whether the venue was
    /// idle and must start serving it.
    mutating func enqueue(_ inbound: Inbound) -> Bool {
        queue.append(inbound)
        maxQueueDepth = max(maxQueueDepth, queue.count)
        return !busy
    }

    /// MoldUDP64 session names: "SIM" and the venue number, 10 characters.
    static func feedSession(venue: Int) -> MoldUDP64SessionID {
        let digits = String(venue + 1)
        return MoldUDP64SessionID("SIM" + String(repeating: "0", count: 7 - digits.count) + digits)!
    }
}
