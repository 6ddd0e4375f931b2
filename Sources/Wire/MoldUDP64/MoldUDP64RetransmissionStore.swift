// The messages a MoldUDP64 server keeps for re-requests. Storage is one
// contiguous array of fixed-size slots, allocated once: message n lives in
// slot n % messageLimit, so appending evicts the oldest message in O(1)
// without allocating.

/// The most recent `messageLimit` published messages, by sequence number.
public struct MoldUDP64RetransmissionStore: Sendable {
    /// Messages kept by default: at ITCH sizes about 4 MiB of slots.
    public static let defaultMessageLimit = 65_536
    /// Slot size by default: the longest ITCH 5.0 message is 50 bytes.
    public static let defaultMaximumMessageBytes = 64

    public let messageLimit: Int
    public let maximumMessageBytes: Int
    /// The oldest message still held (equal to `nextSequenceNumber` when empty).
    public var firstSequenceNumber: UInt64 { _firstSequenceNumber }
    @usableFromInline var _firstSequenceNumber: UInt64
    /// The sequence number the next appended message gets.
    public var nextSequenceNumber: UInt64 { _nextSequenceNumber }
    @usableFromInline var _nextSequenceNumber: UInt64

    @usableFromInline var slots: [UInt8]
    @usableFromInline var lengths: [UInt16]

    /// - Precondition: `messageLimit` > 0, 0 < `maximumMessageBytes` <= 65,535,
    ///   and `firstSequenceNumber` >= 1.
    public init(
        firstSequenceNumber: UInt64 = 1,
        messageLimit: Int = defaultMessageLimit,
        maximumMessageBytes: Int = defaultMaximumMessageBytes
    ) {
        precondition(messageLimit > 0, "the store must hold at least one message")
        precondition(maximumMessageBytes > 0 && maximumMessageBytes <= messageBlockMaximumLength,
                     "a slot holds 1...65,535 bytes")
        precondition(firstSequenceNumber >= 1, "MoldUDP64 sequence numbers start at 1")
        let (slotBytes, overflow) = messageLimit.multipliedReportingOverflow(by: maximumMessageBytes)
        precondition(!overflow, "the store is too large")
        self.messageLimit = messageLimit
        self.maximumMessageBytes = maximumMessageBytes
        _firstSequenceNumber = firstSequenceNumber
        _nextSequenceNumber = firstSequenceNumber
        slots = [UInt8](repeating: 0, count: slotBytes)
        lengths = [UInt16](repeating: 0, count: messageLimit)
    }

    /// Messages held.
    @inlinable public var count: Int { Int(nextSequenceNumber - firstSequenceNumber) }

    @inlinable
    public func contains(sequenceNumber: UInt64) -> Bool {
        sequenceNumber >= firstSequenceNumber && sequenceNumber < nextSequenceNumber
    }

    /// Keeps a copy of `message` under the next sequence number, evicting the
    /// oldest message when full; returns the number assigned.
    /// - Precondition: `message` is at most `maximumMessageBytes` long.
    /// - Complexity: O(message length).
    @inlinable
    @discardableResult
    public mutating func append(_ message: UnsafeRawBufferPointer) -> UInt64 {
        precondition(message.count <= maximumMessageBytes, "the message is longer than a retransmission slot")
        let sequenceNumber = nextSequenceNumber
        let slot = Int(sequenceNumber % UInt64(messageLimit))
        let start = slot * maximumMessageBytes
        slots.withUnsafeMutableBytes { storage in
            if let source = message.baseAddress, !message.isEmpty {
                (storage.baseAddress! + start).copyMemory(from: source, byteCount: message.count)
            }
        }
        lengths[slot] = UInt16(message.count)
        _nextSequenceNumber += 1
        if count > messageLimit { _firstSequenceNumber += 1 }
        return sequenceNumber
    }

    /// The bytes of message `sequenceNumber`, or nil if it is not held. The
    /// slice shares the store's storage; nothing is copied.
    /// - Complexity: O(1).
    @inlinable
    public func message(sequenceNumber: UInt64) -> ArraySlice<UInt8>? {
        guard contains(sequenceNumber: sequenceNumber) else { return nil }
        let slot = Int(sequenceNumber % UInt64(messageLimit))
        let start = slot * maximumMessageBytes
        return slots[start..<start + Int(lengths[slot])]
    }

    public func checkInvariants() {
        precondition(firstSequenceNumber <= nextSequenceNumber, "the store's window is inverted")
        precondition(count <= messageLimit, "the store holds more than its limit")
        precondition(slots.count == messageLimit * maximumMessageBytes && lengths.count == messageLimit)
        for sequenceNumber in firstSequenceNumber..<nextSequenceNumber {
            precondition(Int(lengths[Int(sequenceNumber % UInt64(messageLimit))]) <= maximumMessageBytes)
        }
    }
}
