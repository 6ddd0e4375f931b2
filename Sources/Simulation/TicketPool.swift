import OrderFlow
import SimKernel

/// An instruction in flight, from the moment a participant sends it until its
/// acknowledgement reaches the participant again.
struct InstructionTicket {
    var instruction: FlowInstruction
    var flow: Int32
    var sentAtNs: Nanoseconds
}

/// Tickets stored contiguously and reused through a free list, so a steady
/// flow of instructions allocates nothing.
struct TicketPool {
    private var tickets: ContiguousArray<InstructionTicket> = []
    private var inUse: ContiguousArray<Bool> = []
    private var free: ContiguousArray<Int32> = []

    init() {}

    var liveCount: Int { tickets.count - free.count }

    mutating func issue(_ ticket: InstructionTicket) -> Int32 {
        if let slot = free.popLast() {
            tickets[Int(slot)] = ticket
            inUse[Int(slot)] = true
            return slot
        }
        tickets.append(ticket)
        inUse.append(true)
        return Int32(tickets.count - 1)
    }

    subscript(slot: Int32) -> InstructionTicket {
        precondition(inUse[Int(slot)], "ticket \(slot) is not in use")
        return tickets[Int(slot)]
    }

    mutating func release(_ slot: Int32) {
        precondition(inUse[Int(slot)], "ticket \(slot) released twice")
        inUse[Int(slot)] = false
        free.append(slot)
    }
}
