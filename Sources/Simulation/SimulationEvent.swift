import SimKernel

/// Everything the simulated world schedules on the kernel. Payloads are small
/// integers; the bytes in flight wait in the message store.
enum SimulationEvent: TraceRecordable {
    /// A flow's next Poisson arrival: one of its participants sends an instruction.
    case flowArrival(flow: Int32)
    /// Bytes a participant sent reach its venue after the one-way latency.
    case toVenue(participant: Int32, message: Int32)
    /// A venue finished serving the message at the head of its queue.
    case serviceComplete(venue: Int32)
    /// Bytes a venue sent reach the participant after the one-way latency.
    case toParticipant(participant: Int32, message: Int32)
    /// The participant's order-entry client asked to be woken (heartbeats, timeouts).
    case clientTimer(participant: Int32)
    /// The venue's port for a participant asked to be woken.
    case portTimer(participant: Int32)
    /// A venue's market-data feed asked to be woken (heartbeats).
    case feedTimer(venue: Int32)
    /// A scheduled phase change (index into the configuration's phase events).
    case phaseChange(index: Int32)
    /// After the flows stop: end the day once nothing is in flight.
    case closeCheck
    /// A feed packet reaches the venue's subscriber over the market-data link.
    case feedToSubscriber(venue: Int32, message: Int32)
    /// A packet of the feed's B copy reaches the subscriber over the B link.
    case feedBToSubscriber(venue: Int32, message: Int32)
    /// A subscriber's MoldUDP64 re-request reaches the venue.
    case feedRequestToVenue(venue: Int32, message: Int32)
    /// A subscriber's re-request timer.
    case subscriberTimer(venue: Int32)
    /// A scheduled fault takes a link down or brings it up: the `transition`-th
    /// change of state of the `link`-th faulted link (`SimulatedNetwork.faultedLinks`).
    case linkFault(link: Int32, transition: Int32)

    /// The `index`-th of `SimulationConfig.gatewayCrashes`: the venue's gateway crashes.
    case gatewayCrash(venue: Int32, index: Int32)
    /// The reset of a connection the crash killed reaches the participant.
    case connectionReset(participant: Int32)
    /// The participant tries to connect again.
    case reconnectAttempt(participant: Int32)
    /// The attempt reaches the venue: a gateway that is up accepts it.
    case connectAtVenue(participant: Int32)
    /// The next messages of the `replay`-th captured feed (`SimulationConfig.feedReplays`) apply at their venue.
    case feedReplay(replay: Int32)
    /// A participant replaying a captured order-entry session sends its next captured requests.
    case orderEntryReplay(participant: Int32)

    func record(into digest: inout TraceDigest) {
        switch self {
        case .flowArrival(let flow):
            digest.absorb(UInt64(1) << 56 | UInt64(UInt32(bitPattern: flow)))
        case .toVenue(let participant, _):
            digest.absorb(UInt64(2) << 56 | UInt64(UInt32(bitPattern: participant)))
        case .serviceComplete(let venue):
            digest.absorb(UInt64(3) << 56 | UInt64(UInt32(bitPattern: venue)))
        case .toParticipant(let participant, _):
            digest.absorb(UInt64(4) << 56 | UInt64(UInt32(bitPattern: participant)))
        case .clientTimer(let participant):
            digest.absorb(UInt64(5) << 56 | UInt64(UInt32(bitPattern: participant)))
        case .portTimer(let participant):
            digest.absorb(UInt64(6) << 56 | UInt64(UInt32(bitPattern: participant)))
        case .feedTimer(let venue):
            digest.absorb(UInt64(7) << 56 | UInt64(UInt32(bitPattern: venue)))
        case .phaseChange(let index):
            digest.absorb(UInt64(8) << 56 | UInt64(UInt32(bitPattern: index)))
        case .closeCheck:
            digest.absorb(UInt64(9) << 56)
        case .feedToSubscriber(let venue, _):
            digest.absorb(UInt64(10) << 56 | UInt64(UInt32(bitPattern: venue)))
        case .feedRequestToVenue(let venue, _):
            digest.absorb(UInt64(11) << 56 | UInt64(UInt32(bitPattern: venue)))
        case .subscriberTimer(let venue):
            digest.absorb(UInt64(12) << 56 | UInt64(UInt32(bitPattern: venue)))
        case .linkFault(let link, let transition):
            digest.absorb(UInt64(13) << 56 | UInt64(UInt16(truncatingIfNeeded: link)) << 32 | UInt64(UInt32(bitPattern: transition)))
        case .feedBToSubscriber(let venue, _):
            digest.absorb(UInt64(14) << 56 | UInt64(UInt32(bitPattern: venue)))
        case .gatewayCrash(let venue, let index):
            digest.absorb(UInt64(15) << 56 | UInt64(UInt16(truncatingIfNeeded: venue)) << 32 | UInt64(UInt32(bitPattern: index)))
        case .connectionReset(let participant):
            digest.absorb(UInt64(16) << 56 | UInt64(UInt32(bitPattern: participant)))
        case .reconnectAttempt(let participant):
            digest.absorb(UInt64(17) << 56 | UInt64(UInt32(bitPattern: participant)))
        case .connectAtVenue(let participant):
            digest.absorb(UInt64(18) << 56 | UInt64(UInt32(bitPattern: participant)))
        case .feedReplay(let replay):
            digest.absorb(UInt64(19) << 56 | UInt64(UInt32(bitPattern: replay)))
        case .orderEntryReplay(let participant):
            digest.absorb(UInt64(20) << 56 | UInt64(UInt32(bitPattern: participant)))
        }
    }
}
