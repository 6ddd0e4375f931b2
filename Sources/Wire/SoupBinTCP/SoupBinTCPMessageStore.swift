/// The sequenced messages a SoupBinTCP server keeps for replay, oldest
/// dropped first once `messageLimit` are held.
///
/// Messages sit in fixed slots of `maximumMessageByteCount` bytes, so storing
/// and fetching are O(1) and the memory bound is
/// `messageLimit * maximumMessageByteCount`, reached lazily.
public struct SoupBinTCPMessageStore {
    /// Most messages kept.
    public let messageLimit: Int
    /// Largest message accepted.
    public let maximumMessageByteCount: Int

    /// Sequence number of the oldest message still held.
    public private(set) var oldestSequenceNumber: UInt64
    /// Sequence number the next stored message gets.
    public private(set) var nextSequenceNumber: UInt64

    /// Slots added when the first message arrives; each later batch doubles.
    static let firstSlotBatch = 4

    /// The first sequence number ever stored; slot 0 holds it.
    @usableFromInline let baseSequenceNumber: UInt64
    @usableFromInline var slotBytes: [UInt8] = []
    @usableFromInline var slotLengths: [Int32] = []

    public init(firstSequenceNumber: UInt64 = 1, messageLimit: Int, maximumMessageByteCount: Int) {
        precondition(firstSequenceNumber >= 1, "SoupBinTCP sequence numbers start at 1")
        precondition(messageLimit >= 1 && maximumMessageByteCount >= 0)
        precondition(maximumMessageByteCount <= SoupBinTCP.maximumPayloadByteCount)
        self.messageLimit = messageLimit
        self.maximumMessageByteCount = maximumMessageByteCount
        baseSequenceNumber = firstSequenceNumber
        oldestSequenceNumber = firstSequenceNumber
        nextSequenceNumber = firstSequenceNumber
    }

    /// Messages held.
    @inlinable
    public var count: Int { Int(nextSequenceNumber - oldestSequenceNumber) }

    /// Whether the message numbered `sequenceNumber` can still be replayed.
    @inlinable
    public func contains(_ sequenceNumber: UInt64) -> Bool {
        sequenceNumber >= oldestSequenceNumber && sequenceNumber < nextSequenceNumber
    }

    /// Stores a copy of `message` and returns its sequence number.
    /// - Complexity: O(message size).
    public mutating func append(_ message: UnsafeRawBufferPointer) -> UInt64 {
        precondition(message.count <= maximumMessageByteCount, "message larger than the store's slots")
        let sequenceNumber = nextSequenceNumber
        let slot = Int((sequenceNumber - baseSequenceNumber) % UInt64(messageLimit))
        if slot >= slotLengths.count {
            // Slots fill in order the first time round, so `slot` is the next
            // one. They are added in doubling batches: one slot at a time
            // cost a zero-fill call per message while a session warmed up.
            // A session that stores little (most simulated sessions store
            // only the end of day) stays small: with many sessions, slots
            // reserved or zeroed ahead cost memory that is never used.
            let slotCount = min(messageLimit, max(slotLengths.count * 2, Self.firstSlotBatch))
            slotLengths.append(contentsOf: repeatElement(0, count: slotCount - slotLengths.count))
            slotBytes.append(contentsOf: repeatElement(0, count: slotCount * maximumMessageByteCount - slotBytes.count))
        }
        slotLengths[slot] = Int32(message.count)
        if !message.isEmpty {
            slotBytes.withUnsafeMutableBytes { storage in
                storage.baseAddress!.advanced(by: slot * maximumMessageByteCount)
                    .copyMemory(from: message.baseAddress!, byteCount: message.count)
            }
        }
        nextSequenceNumber += 1
        if count > messageLimit { oldestSequenceNumber += 1 }
        return sequenceNumber
    }

    /// Calls `body` with the stored message numbered `sequenceNumber`, which
    /// must be held (`contains`).
    @inlinable
    public func withMessage<Result>(
        _ sequenceNumber: UInt64, _ body: (UnsafeRawBufferPointer) -> Result
    ) -> Result {
        precondition(contains(sequenceNumber), "message \(sequenceNumber) is not stored")
        let slot = Int((sequenceNumber - baseSequenceNumber) % UInt64(messageLimit))
        let length = Int(slotLengths[slot])
        return slotBytes.withUnsafeBytes { storage in
            body(UnsafeRawBufferPointer(rebasing: storage[(slot * maximumMessageByteCount)..<(slot * maximumMessageByteCount + length)]))
        }
    }

    /// Traps if the slots and sequence numbers disagree.
    public func checkInvariants() {
        precondition(oldestSequenceNumber <= nextSequenceNumber)
        precondition(count <= messageLimit)
        precondition(slotLengths.count <= messageLimit)
        precondition(slotBytes.count == slotLengths.count * maximumMessageByteCount)
        precondition(slotLengths.allSatisfy { $0 >= 0 && Int($0) <= maximumMessageByteCount })
    }
}
