import DequeModule
import MatchingEngine
import SimKernel

/// One venue in the simulated world: a matching engine behind a single
/// server queue. Instructions wait in arrival order; each occupies the venue
/// for one sampled service time, and the engine acts on it when service ends.
struct SimulatedVenue {
    let name: String
    let symbolNames: [String]
    var engine: MatchingEngine
    var serviceTime: ServiceTimeSampler
    /// Tickets waiting or in service; the head is in service while `busy`.
    var queue: Deque<Int32> = []
    var busy = false
    var busySinceNs: Nanoseconds = 0

    /// Owner of every order id the engine assigned (engine ids count from 1).
    var ownerOfOrder: ContiguousArray<ParticipantID> = [ParticipantID(0)]

    var busyNs: Nanoseconds = 0
    var maxQueueDepth = 0
    var served: UInt64 = 0

    init(config: VenueConfig, random: RandomStream) {
        name = config.name
        symbolNames = config.symbols.map(\.name)
        engine = MatchingEngine(symbols: config.symbols)
        serviceTime = ServiceTimeSampler(model: config.serviceTime, random: random)
    }

    mutating func recordOwner(_ order: OrderID, _ participant: ParticipantID) {
        let index = Int(order.rawValue)
        if index >= ownerOfOrder.count {
            ownerOfOrder.append(contentsOf: repeatElement(ParticipantID(0), count: index - ownerOfOrder.count + 1))
        }
        ownerOfOrder[index] = participant
    }

    func owner(of order: OrderID) -> ParticipantID {
        let index = Int(order.rawValue)
        return index < ownerOfOrder.count ? ownerOfOrder[index] : ParticipantID(0)
    }
}
