import MatchingEngine
import SimKernel

/// Everything the simulated world schedules on the kernel. Payloads are small
/// integers; instructions themselves wait in the ticket pool.
enum SimulationEvent: TraceRecordable {
    /// A flow's next Poisson arrival: it generates and sends one instruction.
    case flowArrival(flow: Int32)
    /// An instruction reaches a venue after the one-way latency.
    case instructionArrival(venue: Int32, ticket: Int32)
    /// A venue finished serving the instruction at the head of its queue.
    case serviceComplete(venue: Int32)
    /// A venue's response reaches a flow's participant.
    case response(flow: Int32, message: ParticipantMessage)
    /// A scheduled phase change (index into the configuration's phase events).
    case phaseChange(index: Int32)

    func record(into digest: inout TraceDigest) {
        switch self {
        case .flowArrival(let flow):
            digest.absorb(UInt64(1) << 56 | UInt64(UInt32(bitPattern: flow)))
        case .instructionArrival(let venue, let ticket):
            digest.absorb(UInt64(2) << 56 | UInt64(UInt32(bitPattern: venue)) << 24 | UInt64(UInt32(bitPattern: ticket)))
        case .serviceComplete(let venue):
            digest.absorb(UInt64(3) << 56 | UInt64(UInt32(bitPattern: venue)))
        case .response(let flow, let message):
            digest.absorb(UInt64(4) << 56 | UInt64(UInt32(bitPattern: flow)))
            message.record(into: &digest)
        case .phaseChange(let index):
            digest.absorb(UInt64(5) << 56 | UInt64(UInt32(bitPattern: index)))
        }
    }
}

/// What a venue tells a participant.
enum ParticipantMessage {
    /// The answer to the instruction held by `ticket`: accepted (or done, for
    /// a cancel or replace) or rejected. `order` is the id the venue assigned
    /// or the one the instruction named.
    case acknowledged(ticket: Int32, order: OrderID, accepted: Bool)
    /// A fill. `sentAtNs` is when the aggressing new order was sent, or -1
    /// when the filled order was resting.
    case filled(OrderID, remaining: Quantity, sentAtNs: Nanoseconds)
    /// Open quantity removed without a request of the owner (IOC remainder,
    /// self-trade prevention, end of day).
    case cancelled(OrderID, remaining: Quantity)

    func record(into digest: inout TraceDigest) {
        switch self {
        case .acknowledged(let ticket, let order, let accepted):
            digest.absorb(UInt64(accepted ? 1 : 2) << 56 | UInt64(UInt32(bitPattern: ticket)))
            digest.absorb(order.rawValue)
        case .filled(let order, let remaining, let sentAtNs):
            digest.absorb(UInt64(3) << 56 | UInt64(bitPattern: remaining.rawValue))
            digest.absorb(order.rawValue)
            digest.absorb(sentAtNs)
        case .cancelled(let order, let remaining):
            digest.absorb(UInt64(4) << 56 | UInt64(bitPattern: remaining.rawValue))
            digest.absorb(order.rawValue)
        }
    }
}
