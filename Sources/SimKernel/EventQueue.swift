/// A priority queue of events ordered by (time, insertion sequence).
///
/// Entries live inline in one contiguous binary heap, so scheduling an event
/// allocates nothing beyond the array's amortised growth. Equal times are
/// delivered in the order they were scheduled, never by address or hash.
///
/// - Complexity: `push` and `popMin` are O(log n); `peekTime` is O(1).
public struct EventQueue<Payload> {
    public struct Entry {
        /// Time in the high 64 bits, insertion sequence in the low: one
        /// unsigned comparison orders entries by (time, sequence), which the
        /// compiler turns into a branch-free compare and select in the heap
        /// loops, where the winning child is a coin toss a branch would mispredict.
        @usableFromInline var key: UInt128
        public var payload: Payload

        @inlinable public var time: Nanoseconds { Nanoseconds(truncatingIfNeeded: UInt64(truncatingIfNeeded: key >> 64)) }
        @inlinable public var sequence: UInt64 { UInt64(truncatingIfNeeded: key) }

        @inlinable
        init(time: Nanoseconds, sequence: UInt64, payload: Payload) {
            precondition(time >= 0, "negative event time \(time)")
            self.key = UInt128(UInt64(time)) << 64 | UInt128(sequence)
            self.payload = payload
        }
    }

    @usableFromInline var heap: ContiguousArray<Entry> = []
    /// Starts at 1 so that 0 can mean "no event" to callers that track sequences.
    @usableFromInline var sequenceCounter: UInt64 = 1
    public var nextSequence: UInt64 { sequenceCounter }

    public init(reservingCapacity capacity: Int = 1024) {
        heap.reserveCapacity(capacity)
    }

    public var count: Int { heap.count }
    public var isEmpty: Bool { heap.isEmpty }
    public var peekTime: Nanoseconds? { heap.first?.time }

    /// Adds an event; returns its insertion sequence number.
    @inlinable
    @discardableResult
    public mutating func push(_ payload: Payload, at time: Nanoseconds) -> UInt64 {
        let sequence = sequenceCounter
        sequenceCounter &+= 1
        heap.append(Entry(time: time, sequence: sequence, payload: payload))
        siftUp(heap.count - 1)
        return sequence
    }

    /// Removes and returns the earliest event (lowest sequence among equal times).
    ///
    /// Floyd's bottom-up variant: the hole left at the root walks down to a
    /// leaf taking the earlier child (one comparison per level), then the last
    /// entry is placed there and sifted up, which rarely moves it far.
    @inlinable
    public mutating func popMin() -> Entry? {
        guard !heap.isEmpty else { return nil }
        let last = heap.removeLast()
        if heap.isEmpty { return last }
        return heap.withUnsafeMutableBufferPointer { buffer in
            let earliest = buffer[0]
            let count = buffer.count
            var hole = 0
            while true {
                var child = 2 * hole + 1
                if child >= count { break }
                if child + 1 < count {
                    child &+= (buffer[child + 1].key < buffer[child].key) ? 1 : 0
                }
                buffer[hole] = buffer[child]
                hole = child
            }
            while hole > 0 {
                let parent = (hole - 1) >> 1
                guard Self.precedes(last, buffer[parent]) else { break }
                buffer[hole] = buffer[parent]
                hole = parent
            }
            buffer[hole] = last
            return earliest
        }
    }

    @inlinable
    static func precedes(_ a: Entry, _ b: Entry) -> Bool {
        a.key < b.key
    }

    @inlinable
    mutating func siftUp(_ start: Int) {
        heap.withUnsafeMutableBufferPointer { buffer in
            var child = start
            let moving = buffer[child]
            while child > 0 {
                let parent = (child - 1) >> 1
                guard Self.precedes(moving, buffer[parent]) else { break }
                buffer[child] = buffer[parent]
                child = parent
            }
            buffer[child] = moving
        }
    }

    /// Checks the heap property; O(n). For tests.
    public func checkInvariants() -> Bool {
        for index in 1..<max(heap.count, 1) where Self.precedes(heap[index], heap[(index - 1) >> 1]) {
            return false
        }
        return true
    }
}
