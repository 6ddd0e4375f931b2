// Sent application messages kept for answering ResendRequest: a ring indexed
// by sequence number, whose slots keep their byte arrays between uses.

/// A bounded store of sent application messages (body fields only, since a
/// resend rewrites the header with PossDupFlag and OrigSendingTime; whether
/// the message went with PossResend, which the resend keeps).
///
/// A store may start smaller than its capacity and double, up to it, each
/// time the newest message would evict one: memory follows what a session
/// sends, so a client can keep a whole day's messages for resends, as a real
/// engine's file store does, and pay only for the ones it sent.
///
/// Invariant: a slot holds the message whose MsgSeqNum is congruent to its
/// index modulo the number of slots, or nothing (sequence number 0).
public struct FIXOutboundStore {
    @usableFromInline struct Slot {
        var msgSeqNum: Int64 = 0
        var msgType = FIXMsgType(0)
        var sendingTimeNs: Int64 = 0
        var possibleResend = false
        var body: [UInt8] = []
    }

    @usableFromInline var slots: [Slot]
    /// The most messages held; older ones are evicted.
    public let capacityMessages: Int

    /// A store of `capacityMessages` slots at once, or of `initialMessages`
    /// that doubles up to `capacityMessages` as messages come; the capacity
    /// is then the initial size times a power of two, so that each doubling
    /// keeps every held message in a slot of its own.
    public init(capacityMessages: Int, initialMessages: Int? = nil) {
        precondition(capacityMessages > 0 && (initialMessages ?? 1) > 0)
        if let initialMessages, initialMessages < capacityMessages {
            let ratio = capacityMessages / initialMessages
            precondition(capacityMessages % initialMessages == 0 && ratio & (ratio - 1) == 0,
                         "a growing store's capacity \(capacityMessages) must be \(initialMessages) times a power of two")
        }
        self.capacityMessages = capacityMessages
        slots = Array(repeating: Slot(), count: min(initialMessages ?? capacityMessages, capacityMessages))
    }

    /// Slots allocated so far.
    public var slotCount: Int { slots.count }

    /// Records a sent message, evicting the one `capacityMessages` earlier.
    public mutating func record(
        msgSeqNum: Int64, msgType: FIXMsgType, sendingTimeNs: Int64, possibleResend: Bool = false,
        body: UnsafeRawBufferPointer
    ) {
        precondition(msgSeqNum > 0)
        var index = Int(msgSeqNum % Int64(slots.count))
        // Admin messages take sequence numbers and are not stored, so the
        // held ones may lie further apart than the slots: grow until the
        // new one has a free slot, or the store is at its capacity and
        // evicts the message in its slot.
        while slots[index].msgSeqNum != 0, slots.count < capacityMessages {
            grow()
            index = Int(msgSeqNum % Int64(slots.count))
        }
        slots[index].msgSeqNum = msgSeqNum
        slots[index].msgType = msgType
        slots[index].sendingTimeNs = sendingTimeNs
        slots[index].possibleResend = possibleResend
        slots[index].body.removeAll(keepingCapacity: true)
        slots[index].body.append(contentsOf: body)
    }

    /// Whether the message `msgSeqNum` is still held.
    public func contains(_ msgSeqNum: Int64) -> Bool {
        msgSeqNum > 0 && slots[Int(msgSeqNum % Int64(slots.count))].msgSeqNum == msgSeqNum
    }

    /// The held message's type, original SendingTime, PossResend and body;
    /// nil if evicted or never stored.
    func message(_ msgSeqNum: Int64) -> (msgType: FIXMsgType, sendingTimeNs: Int64, possibleResend: Bool, body: [UInt8])? {
        guard contains(msgSeqNum) else { return nil }
        let slot = slots[Int(msgSeqNum % Int64(slots.count))]
        return (slot.msgType, slot.sendingTimeNs, slot.possibleResend, slot.body)
    }

    /// Twice the slots (at most `capacityMessages`, a doubling too). The
    /// messages held have distinct sequence numbers modulo the old count,
    /// so distinct modulo twice it: each keeps a slot of its own.
    private mutating func grow() {
        var grown = Array(repeating: Slot(), count: slots.count * 2)
        for slot in slots where slot.msgSeqNum != 0 {
            grown[Int(slot.msgSeqNum % Int64(grown.count))] = slot
        }
        slots = grown
    }

    /// Forgets everything (a sequence reset).
    public mutating func removeAll() {
        for index in slots.indices { slots[index].msgSeqNum = 0 }
    }

    public func checkInvariants() {
        for (index, slot) in slots.enumerated() where slot.msgSeqNum != 0 {
            precondition(Int(slot.msgSeqNum % Int64(slots.count)) == index)
        }
        precondition(slots.count <= capacityMessages, "\(slots.count) slots above a capacity of \(capacityMessages)")
    }
}
