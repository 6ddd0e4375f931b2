// Sent application messages kept for answering ResendRequest: a ring indexed
// by sequence number, whose slots keep their byte arrays between uses.

/// A bounded store of sent application messages (body fields only, since a
/// resend rewrites the header with PossDupFlag and OrigSendingTime).
///
/// Invariant: a slot holds the message whose MsgSeqNum is congruent to its
/// index modulo the capacity, or nothing (sequence number 0).
public struct FIXOutboundStore {
    @usableFromInline struct Slot {
        var msgSeqNum: Int64 = 0
        var msgType = FIXMsgType(0)
        var sendingTimeNs: Int64 = 0
        var body: [UInt8] = []
    }

    @usableFromInline var slots: [Slot]

    public init(capacityMessages: Int) {
        precondition(capacityMessages > 0)
        slots = Array(repeating: Slot(), count: capacityMessages)
    }

    public var capacityMessages: Int { slots.count }

    /// Records a sent message, evicting the one `capacityMessages` earlier.
    public mutating func record(
        msgSeqNum: Int64, msgType: FIXMsgType, sendingTimeNs: Int64, body: UnsafeRawBufferPointer
    ) {
        precondition(msgSeqNum > 0)
        let index = Int(msgSeqNum % Int64(slots.count))
        slots[index].msgSeqNum = msgSeqNum
        slots[index].msgType = msgType
        slots[index].sendingTimeNs = sendingTimeNs
        slots[index].body.removeAll(keepingCapacity: true)
        slots[index].body.append(contentsOf: body)
    }

    /// Whether the message `msgSeqNum` is still held.
    public func contains(_ msgSeqNum: Int64) -> Bool {
        msgSeqNum > 0 && slots[Int(msgSeqNum % Int64(slots.count))].msgSeqNum == msgSeqNum
    }

    /// The held message's type, original SendingTime and body; nil if evicted or never stored.
    func message(_ msgSeqNum: Int64) -> (msgType: FIXMsgType, sendingTimeNs: Int64, body: [UInt8])? {
        guard contains(msgSeqNum) else { return nil }
        let slot = slots[Int(msgSeqNum % Int64(slots.count))]
        return (slot.msgType, slot.sendingTimeNs, slot.body)
    }

    /// Forgets everything (a sequence reset).
    public mutating func removeAll() {
        for index in slots.indices { slots[index].msgSeqNum = 0 }
    }

    public func checkInvariants() {
        for (index, slot) in slots.enumerated() where slot.msgSeqNum != 0 {
            precondition(Int(slot.msgSeqNum % Int64(slots.count)) == index)
        }
    }
}
