/// The sequenced messages a SoupBinTCP server keeps for replay, oldest
/// dropped first once `messageLimit` are held.
///
/// Messages lie back to back in one byte ring, and a second ring holds where
/// each one starts, so storing a message is one copy of its bytes (two when
/// it wraps past the ring's end) and an offset write: no slot to zero, no
/// per-message bookkeeping beyond the offset. Both rings grow by doubling,
/// from nothing, up to what `messageLimit` messages need: most simulated
/// sessions store little, and a venue holds many of them. The store is read
/// only at login, to replay; a message that wraps is then copied out once.
///
/// Positions count bytes since the session's first message (a stream
/// position); byte `p` lives at `p & byteMask` in `ring`.
///
/// - Complexity: append O(message size) amortized; fetching a message O(1)
///   plus its size when it wraps.
public struct SoupBinTCPMessageStore {
    /// Most messages kept.
    public let messageLimit: Int
    /// Largest message accepted.
    public let maximumMessageByteCount: Int

    /// Sequence number of the oldest message still held.
    public private(set) var oldestSequenceNumber: UInt64
    /// Sequence number the next stored message gets.
    public private(set) var nextSequenceNumber: UInt64

    /// The byte ring's size when the first message arrives; it doubles from there.
    static let firstByteCapacity = 512

    /// The first sequence number ever stored; offset slot 0 holds it.
    @usableFromInline let baseSequenceNumber: UInt64
    /// Message bytes, a power-of-two count of them (empty until the first message).
    @usableFromInline var ring: [UInt8] = []
    /// `ring.count - 1`, or 0 while the ring is empty.
    @usableFromInline var byteMask = 0
    /// The stream position where each held message starts: message `n` in
    /// slot `(n - baseSequenceNumber) % messageLimit`. It fills in order
    /// the first time round, so it grows by appending until `messageLimit`.
    @usableFromInline var starts: [UInt64] = []
    /// The slot of `nextSequenceNumber`, and of `oldestSequenceNumber`.
    @usableFromInline var nextSlot = 0
    @usableFromInline var oldestSlot = 0
    /// The stream position after the newest message's last byte.
    @usableFromInline var endPosition: UInt64 = 0

    public init(firstSequenceNumber: UInt64 = 1, messageLimit: Int, maximumMessageByteCount: Int) {
        precondition(firstSequenceNumber >= 1, "SoupBinTCP sequence numbers start at 1")
        precondition(messageLimit >= 1 && maximumMessageByteCount >= 0)
        precondition(maximumMessageByteCount <= SoupBinTCP.maximumPayloadByteCount)
        let (bound, overflow) = messageLimit.multipliedReportingOverflow(by: maximumMessageByteCount)
        precondition(!overflow && bound <= Int(Int32.max), "the store's byte bound must fit in memory")
        self.messageLimit = messageLimit
        self.maximumMessageByteCount = maximumMessageByteCount
        baseSequenceNumber = firstSequenceNumber
        oldestSequenceNumber = firstSequenceNumber
        nextSequenceNumber = firstSequenceNumber
    }

    /// Messages held.
    @inlinable
    public var count: Int { Int(nextSequenceNumber - oldestSequenceNumber) }

    /// Bytes of the messages held.
    public var byteCount: Int { Int(endPosition - oldestPosition) }

    /// The size of the byte ring (0 until the first message).
    public var byteCapacity: Int { ring.count }

    /// Whether the message numbered `sequenceNumber` can still be replayed.
    @inlinable
    public func contains(_ sequenceNumber: UInt64) -> Bool {
        sequenceNumber >= oldestSequenceNumber && sequenceNumber < nextSequenceNumber
    }

    /// Where the oldest held message starts (`endPosition` when none is held).
    @usableFromInline
    var oldestPosition: UInt64 { count == 0 ? endPosition : starts[oldestSlot] }

    /// Stores a copy of `message` and returns its sequence number.
    /// - Complexity: O(message size) amortized: one or two copies, plus a
    ///   doubling of the ring now and then while the session warms up.
    public mutating func append(_ message: UnsafeRawBufferPointer) -> UInt64 {
        precondition(message.count <= maximumMessageByteCount, "message larger than the store allows")
        if count == messageLimit {
            // Full: the oldest message makes room, and its slot is the one the new message takes.
            oldestSequenceNumber += 1
            oldestSlot = oldestSlot + 1 == messageLimit ? 0 : oldestSlot + 1
        }
        let start = endPosition
        let held = Int(truncatingIfNeeded: start &- oldestPosition)
        if held &+ message.count > ring.count { growRing(toHold: held + message.count) }
        if let source = message.baseAddress {
            let offset = Int(truncatingIfNeeded: start) & byteMask
            ring.withUnsafeMutableBytes { storage in
                // One copy unless the message wraps past the ring's end.
                let base = storage.baseAddress.unsafelyUnwrapped
                let firstPart = min(message.count, storage.count &- offset)
                (base + offset).copyMemory(from: source, byteCount: firstPart)
                if firstPart < message.count {
                    base.copyMemory(from: source + firstPart, byteCount: message.count &- firstPart)
                }
            }
        }
        if nextSlot == starts.count {
            starts.append(start)
        } else {
            starts[nextSlot] = start
        }
        let sequenceNumber = nextSequenceNumber
        endPosition = start + UInt64(message.count)
        nextSequenceNumber += 1
        nextSlot = nextSlot + 1 == messageLimit ? 0 : nextSlot + 1
        return sequenceNumber
    }

    /// Calls `body` with the stored message numbered `sequenceNumber`, which
    /// must be held (`contains`).
    public func withMessage<Result>(
        _ sequenceNumber: UInt64, _ body: (UnsafeRawBufferPointer) -> Result
    ) -> Result {
        precondition(contains(sequenceNumber), "message \(sequenceNumber) is not stored")
        let slot = Int((sequenceNumber - baseSequenceNumber) % UInt64(messageLimit))
        let start = starts[slot]
        let end = sequenceNumber + 1 == nextSequenceNumber ? endPosition : starts[slot + 1 == messageLimit ? 0 : slot + 1]
        let length = Int(end - start)
        let offset = Int(truncatingIfNeeded: start) & byteMask
        return ring.withUnsafeBytes { storage in
            if offset + length <= storage.count {
                return body(UnsafeRawBufferPointer(rebasing: storage[offset..<offset + length]))
            }
            // Wraps past the ring's end: only replays read the store, so a copy is fine.
            return withUnsafeTemporaryAllocation(byteCount: length, alignment: 1) { copy in
                let firstPart = storage.count - offset
                copy.baseAddress!.copyMemory(from: storage.baseAddress! + offset, byteCount: firstPart)
                (copy.baseAddress! + firstPart).copyMemory(from: storage.baseAddress!, byteCount: length - firstPart)
                return body(UnsafeRawBufferPointer(copy))
            }
        }
    }

    /// Copies `bytes` into the ring at stream position `position`, wrapping at its end.
    mutating func write(_ bytes: UnsafeRawBufferPointer, at position: UInt64) {
        let offset = Int(truncatingIfNeeded: position) & byteMask
        ring.withUnsafeMutableBytes { storage in
            let firstPart = min(bytes.count, storage.count - offset)
            (storage.baseAddress! + offset).copyMemory(from: bytes.baseAddress!, byteCount: firstPart)
            if firstPart < bytes.count {
                storage.baseAddress!.copyMemory(from: bytes.baseAddress! + firstPart, byteCount: bytes.count - firstPart)
            }
        }
    }

    /// Doubles the ring until it holds `byteCount` bytes, keeping every held
    /// message at its stream position.
    mutating func growRing(toHold byteCount: Int) {
        var capacity = max(ring.count, Self.firstByteCapacity)
        while capacity < byteCount { capacity *= 2 }
        let oldRing = ring
        let oldMask = byteMask
        let first = oldestPosition
        let held = Int(endPosition - first)
        // UInt8 needs no initialization: every byte read was written first.
        ring = [UInt8](unsafeUninitializedCapacity: capacity) { _, initialized in initialized = capacity }
        byteMask = capacity - 1
        guard held > 0 else { return }
        oldRing.withUnsafeBytes { old in
            let offset = Int(truncatingIfNeeded: first) & oldMask
            let firstPart = min(held, old.count - offset)
            write(UnsafeRawBufferPointer(rebasing: old[offset..<offset + firstPart]), at: first)
            if firstPart < held {
                write(UnsafeRawBufferPointer(rebasing: old[0..<held - firstPart]), at: first + UInt64(firstPart))
            }
        }
    }

    /// Traps if the rings and sequence numbers disagree.
    public func checkInvariants() {
        precondition(oldestSequenceNumber <= nextSequenceNumber)
        precondition(count <= messageLimit)
        precondition(starts.count <= messageLimit)
        precondition(ring.isEmpty || ring.count & byteMask == 0 && byteMask == ring.count - 1, "the ring is a power of two")
        precondition(byteCount <= ring.count, "held bytes exceed the ring")
        precondition(nextSlot == Int((nextSequenceNumber - baseSequenceNumber) % UInt64(messageLimit)))
        precondition(oldestSlot == Int((oldestSequenceNumber - baseSequenceNumber) % UInt64(messageLimit)))
        var position = oldestPosition
        for sequenceNumber in oldestSequenceNumber..<nextSequenceNumber {
            let start = starts[Int((sequenceNumber - baseSequenceNumber) % UInt64(messageLimit))]
            precondition(start == position || sequenceNumber == oldestSequenceNumber, "messages are not back to back")
            precondition(start <= endPosition)
            position = start
            let length = withMessage(sequenceNumber) { $0.count }
            precondition(length <= maximumMessageByteCount, "message \(sequenceNumber) is too long")
            position += UInt64(length)
        }
        precondition(position == endPosition, "the newest message does not end at the end position")
    }
}
