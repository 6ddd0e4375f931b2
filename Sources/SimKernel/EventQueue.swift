/// A priority queue of events ordered by (time, insertion sequence).
///
/// Every event has a 128-bit key: its time in the high 64 bits, then its
/// insertion sequence, then the slot holding its payload. Sequences are
/// unique, so one unsigned comparison of keys orders events by (time,
/// sequence) and the slot bits never decide. Equal times are delivered in
/// the order they were scheduled, never by address or hash.
///
/// Keys are kept in three tiers by *bucket number*, time >> `shift`:
///
/// - `bottom`, a small heap, holds the current bucket (and anything scheduled
///   at or before it), so whenever it holds anything it holds the earliest
///   event; it is refilled from the next occupied bucket at once when that
///   bucket is close, else when the next event is asked for;
/// - the *wheel*, `bucketCount` unsorted buckets, holds the next
///   `bucketCount - 1` bucket numbers: scheduling into it is O(1), and when
///   `bottom` runs dry the next occupied bucket is found in a bitmap and moved
///   into `bottom` whole;
/// - `far`, a heap, holds everything beyond the wheel; its entries move onto
///   the wheel as the wheel's window passes over them.
///
/// The bucket width adapts every `epochLength` deliveries (see `endEpoch`):
/// near twice the mean gap between delivered times, so a bucket holds one
/// or two events, but wide enough that the wheel reaches most of what is
/// scheduled. The width changes only how fast events are found, never
/// which comes first: every tier orders by the whole key.
///
/// Payloads wait in a side table of slots; a delivered event's slot serves
/// the next push, so after warm-up nothing is allocated per event.
///
/// Beside the tiers, an *in-order lane* (`pushInOrder`) takes events whose
/// times never decrease, such as every message over a link of fixed
/// latency: they are appended to a ring and delivered from its front, with
/// no bucket, heap or slot. Their keys come from the same sequence, and
/// `popMin` takes whichever of the lane's front and the tiers' earliest key
/// is lower, so the order of delivery is the same as if they had been
/// pushed like any other.
///
/// - Complexity: `push` is O(1) unless the event lands beyond the wheel
///   (O(log n) then); `popMin` is amortised O(1) when the width fits the
///   traffic and O(log n) at worst; `peekTime` is O(1) plus the length of a
///   bucket.
public struct EventQueue<Payload> {
    public struct Entry {
        public let time: Nanoseconds
        public let payload: Payload

        @inlinable
        init(time: Nanoseconds, payload: Payload) {
            self.time = time
            self.payload = payload
        }
    }

    /// Bits of a key's low word that hold the payload's slot.
    @inlinable static var slotBits: UInt64 { 24 }
    @inlinable static var slotMask: UInt64 { (1 << slotBits) - 1 }
    /// Events that may be pending at once in the tiers (the last slot
    /// number marks keys of the in-order lane).
    public static var maximumPending: Int { (1 << Int(slotBits)) - 1 }
    @inlinable static var laneSlot: UInt64 { slotMask }
    @inlinable static var bucketCount: UInt64 { 1 << 14 }
    @inlinable static var epochLength: Int { 8_192 }

    /// One per pending event, indexed by the slot in its key: the payload,
    /// and for an event on the wheel its key and the next slot in its bucket.
    /// A free slot's `next` links it into the free list instead.
    @usableFromInline
    struct Slot {
        @usableFromInline var key: UInt128
        @usableFromInline var next: Int32
        @usableFromInline var payload: Payload?

        @inlinable
        init(payload: Payload) {
            self.key = 0
            self.next = -1
            self.payload = payload
        }
    }

    @usableFromInline var slots: ContiguousArray<Slot> = []
    @usableFromInline var firstFreeSlot: Int32 = -1

    // The wheel: lists through the slots, one per bucket, and a bitmap of
    // the buckets that hold anything.
    @usableFromInline var bucketHeads: ContiguousArray<Int32>
    @usableFromInline var occupiedBuckets: ContiguousArray<UInt64>
    @usableFromInline var wheelCount = 0

    @usableFromInline var bottom = KeyHeap()
    @usableFromInline var far = KeyHeap()
    /// Bucket number of `bottom`: bottom holds numbers ≤ current, the wheel
    /// holds current+1 ..< current+bucketCount, `far` holds the rest.
    @usableFromInline var currentBucket: UInt64 = 0
    @usableFromInline var shift: UInt64 = 7
    @usableFromInline var pending = 0

    @usableFromInline var epochDeliveries = 0
    /// Time of the epoch's first delivery.
    @usableFromInline var epochStartTime: Nanoseconds = 0
    /// Pushes this epoch that landed beyond the wheel, and beyond a quarter of it.
    @usableFromInline var epochFarPushes = 0
    @usableFromInline var epochDistantPushes = 0

    @usableFromInline var lane = InOrderLane<Payload>()

    @usableFromInline var sequenceCounter: UInt64 = 0
    /// When the sequence reaches this, pending keys are renumbered from zero
    /// in their order (see `rebuild`). The 40 bits the key leaves it last for
    /// 10^12 pushes; tests lower it to exercise the renumbering.
    @usableFromInline var sequenceLimit: UInt64 = 1 << (64 - slotBits)

    public init(reservingCapacity capacity: Int = 1024) {
        slots.reserveCapacity(capacity)
        bucketHeads = ContiguousArray(repeating: -1, count: Int(Self.bucketCount))
        occupiedBuckets = ContiguousArray(repeating: 0, count: Int(Self.bucketCount) / 64)
    }

    public var count: Int { pending + lane.count }
    public var isEmpty: Bool { pending == 0 && lane.count == 0 }
    /// Time of the earliest event: the lane's front or the tiers' earliest,
    /// whichever is sooner.
    public var peekTime: Nanoseconds? {
        switch (tiersPeekTime, lane.first.map(Self.time(of:))) {
        case (let tiers?, let lane?): min(tiers, lane)
        case (let tiers, let lane): tiers ?? lane
        }
    }

    /// Time of the tiers' earliest event: in `bottom` when it holds
    /// anything, else in the next occupied bucket, else first in `far`.
    var tiersPeekTime: Nanoseconds? {
        if let earliest = bottom.minimum { return Self.time(of: earliest) }
        guard pending > 0 else { return nil }
        guard wheelCount > 0 else { return far.minimum.map(Self.time(of:)) }
        let index = Int(truncatingIfNeeded: nextOccupiedBucket() & (Self.bucketCount &- 1))
        var earliest = UInt128.max
        var slot = bucketHeads[index]
        while slot >= 0 {
            earliest = min(earliest, slots[Int(slot)].key)
            slot = slots[Int(slot)].next
        }
        return Self.time(of: earliest)
    }

    @inlinable
    static func time(of key: UInt128) -> Nanoseconds {
        Nanoseconds(truncatingIfNeeded: UInt64(truncatingIfNeeded: key >> 64))
    }

    @inlinable
    static func slot(of key: UInt128) -> Int {
        Int(truncatingIfNeeded: UInt64(truncatingIfNeeded: key) & slotMask)
    }

    @inlinable
    func bucketNumber(of key: UInt128) -> UInt64 {
        UInt64(truncatingIfNeeded: key >> 64) >> shift
    }

    /// Adds an event at `time`, after every event already queued at that time.
    @inlinable
    public mutating func push(_ payload: Payload, at time: Nanoseconds) {
        precondition(time >= 0, "negative event time \(time)")
        let slot: UInt64
        if firstFreeSlot >= 0 {
            slot = UInt64(firstFreeSlot)
            firstFreeSlot = slots[Int(firstFreeSlot)].next
            slots[Int(slot)].payload = payload
        } else {
            precondition(slots.count < Self.maximumPending, "more than \(Self.maximumPending) events pending")
            slot = UInt64(slots.count)
            slots.append(Slot(payload: payload))
        }
        if sequenceCounter >= sequenceLimit { rebuild(shift: shift, renumbering: true) }
        let key = UInt128(UInt64(time)) << 64 | UInt128(sequenceCounter << Self.slotBits | slot)
        sequenceCounter &+= 1
        if pending == 0 { currentBucket = bucketNumber(of: key) }
        pending &+= 1
        place(key, countingForTheEpoch: true)
    }

    /// Adds an event at `time` to the in-order lane, after every event
    /// already queued at that time. `time` must not be before the time of
    /// the lane's last event: a fixed delay after a clock that never goes
    /// back keeps to that.
    @inlinable
    public mutating func pushInOrder(_ payload: Payload, at time: Nanoseconds) {
        precondition(time >= 0, "negative event time \(time)")
        precondition(lane.last.map { Self.time(of: $0) <= time } ?? true, "in-order event before the lane's last")
        if sequenceCounter >= sequenceLimit { rebuild(shift: shift, renumbering: true) }
        lane.append(UInt128(UInt64(time)) << 64 | UInt128(sequenceCounter << Self.slotBits | Self.laneSlot), payload)
        sequenceCounter &+= 1
    }

    /// Puts a key in its tier. The caller keeps `pending` and `currentBucket`.
    /// A push counts where its key landed, for `endEpoch`; a rebuild does not.
    /// Always inlined, so that the push path is compiled with `counting` known.
    @inlinable @inline(__always)
    mutating func place(_ key: UInt128, countingForTheEpoch counting: Bool = false) {
        let bucket = bucketNumber(of: key)
        if bucket <= currentBucket {
            bottom.push(key)
        } else if bucket &- currentBucket < Self.bucketCount {
            if counting {
                // Counted without a branch: in steady traffic about half the
                // pushes land this far, and a branch would mispredict on them.
                epochDistantPushes &+= KeyHeap.bit(bucket &- currentBucket >= Self.bucketCount >> 2)
            }
            link(key, bucket: bucket)
        } else {
            if counting {
                epochDistantPushes &+= 1
                epochFarPushes &+= 1
            }
            far.push(key)
        }
    }

    @inlinable
    mutating func link(_ key: UInt128, bucket: UInt64) {
        let index = Int(truncatingIfNeeded: bucket & (Self.bucketCount &- 1))
        let slot = Self.slot(of: key)
        slots[slot].key = key
        slots[slot].next = bucketHeads[index]
        bucketHeads[index] = Int32(truncatingIfNeeded: slot)
        occupiedBuckets[index >> 6] |= 1 << UInt64(index & 63)
        wheelCount &+= 1
    }

    /// Removes and returns the earliest event (lowest sequence among equal times).
    @inlinable
    public mutating func popMin() -> Entry? {
        popMin(notAfter: .max)
    }

    /// Removes and returns the earliest event if it is due at or before
    /// `limit`; nil, leaving the queue as it is, when none is.
    ///
    /// `bottom` is refilled from a distant bucket only here, when the next
    /// event is asked for, and only from a bucket that starts by `limit`.
    /// Refilling from it as soon as `bottom` ran dry would move the current
    /// bucket up to that event, however far away, before the event just
    /// delivered had scheduled its successors; they would then all land in
    /// `bottom` and turn it into a plain heap until time reached that far
    /// event.
    @inlinable
    public mutating func popMin(notAfter limit: Nanoseconds) -> Entry? {
        // A queue whose lane is idle pays one test for it.
        if lane.count != 0 { return popMerging(notAfter: limit) }
        return popTiers(notAfter: limit)
    }

    /// `popMin` with events in the lane: the lower of the lane's front and
    /// the tiers' earliest key.
    @inlinable @inline(never)
    mutating func popMerging(notAfter limit: Nanoseconds) -> Entry? {
        // The lane's front is a bound like `limit`: a bucket that starts
        // after it cannot hold anything earlier, so it is not moved in yet.
        let laneKey = lane.front
        if bottom.isEmpty, pending > 0 {
            let next = wheelCount > 0 ? Self.nextOccupiedBucket(after: currentBucket, in: occupiedBuckets)
                : bucketNumber(of: far.minimum.unsafelyUnwrapped)
            // The first time in bucket `next`; bucket numbers stay below 2^63 >> shift.
            let start = Nanoseconds(truncatingIfNeeded: next << shift)
            if start <= limit, UInt128(UInt64(start)) << 64 <= laneKey { refillBottom(from: next) }
        }
        if let earliest = bottom.minimum, earliest < laneKey { return popTiers(notAfter: limit) }
        return popLane(laneKey, notAfter: limit)
    }

    /// `popMin` from the tiers alone.
    @inlinable @inline(__always)
    mutating func popTiers(notAfter limit: Nanoseconds) -> Entry? {
        if bottom.isEmpty {
            guard pending > 0 else { return nil }
            let next = wheelCount > 0 ? Self.nextOccupiedBucket(after: currentBucket, in: occupiedBuckets)
                : bucketNumber(of: far.minimum.unsafelyUnwrapped)
            // The first time in bucket `next`; bucket numbers stay below 2^63 >> shift.
            guard Nanoseconds(truncatingIfNeeded: next << shift) <= limit else { return nil }
            refillBottom(from: next)
        }
        guard let earliest = bottom.minimum, Self.time(of: earliest) <= limit else { return nil }
        let key = earliest
        bottom.removeMinimum()
        pending &-= 1
        if bottom.isEmpty, wheelCount > 0 {
            // A bucket close ahead is moved in now rather than on the next
            // call, so that reading it overlaps with the caller's handling
            // of this event. Close means within one bitmap word: the events
            // this one schedules before it are then few.
            let next = Self.nextOccupiedBucket(after: currentBucket, in: occupiedBuckets)
            if next &- currentBucket <= 64 { refillBottom(from: next) }
        }
        if epochDeliveries == 0 { epochStartTime = Self.time(of: key) }
        let slot = Self.slot(of: key)
        let payload = slots[slot].payload.take().unsafelyUnwrapped
        slots[slot].next = firstFreeSlot
        firstFreeSlot = Int32(truncatingIfNeeded: slot)
        let time = Self.time(of: key)
        epochDeliveries &+= 1
        if epochDeliveries == Self.epochLength { endEpoch(at: time) }
        return Entry(time: time, payload: payload)
    }

    /// Delivers the lane's front, whose key is `key` (`.max` when the lane is
    /// empty), if it is due by `limit`.
    @inlinable
    mutating func popLane(_ key: UInt128, notAfter limit: Nanoseconds) -> Entry? {
        guard key != .max, Self.time(of: key) <= limit else { return nil }
        return Entry(time: Self.time(of: key), payload: lane.removeFirst())
    }

    /// Makes `bucket`, the next occupied one, current: moves it into the
    /// empty `bottom` and lets the wheel's window take in what it now covers
    /// of `far`.
    @inlinable
    mutating func refillBottom(from bucket: UInt64) {
        currentBucket = bucket
        if wheelCount > 0 { drainBucket(bucket) }
        while let key = far.minimum {
            let bucket = bucketNumber(of: key)
            guard bucket &- currentBucket < Self.bucketCount else { break }
            far.removeMinimum()
            if bucket == currentBucket { bottom.push(key) } else { link(key, bucket: bucket) }
        }
    }

    /// The bucket number of the first occupied bucket after `currentBucket`;
    /// the wheel must not be empty.
    @inlinable
    func nextOccupiedBucket() -> UInt64 {
        Self.nextOccupiedBucket(after: currentBucket, in: occupiedBuckets)
    }

    /// Static, and given only the bitmap: a method on the whole queue, when
    /// not inlined, was handed a copy of it (176 bytes) on every refill.
    @inlinable
    static func nextOccupiedBucket(after currentBucket: UInt64, in occupiedBuckets: ContiguousArray<UInt64>) -> UInt64 {
        let mask = Self.bucketCount &- 1
        let start = Int(truncatingIfNeeded: (currentBucket &+ 1) & mask)
        let lastWord = occupiedBuckets.count &- 1
        var word = start >> 6
        var bits = occupiedBuckets[word] & (~0 << UInt64(start & 63))
        while bits == 0 {
            word = (word &+ 1) & lastWord
            bits = occupiedBuckets[word]
        }
        let index = UInt64(word << 6 | bits.trailingZeroBitCount)
        return currentBucket &+ ((index &- currentBucket) & mask)
    }

    @inlinable
    mutating func drainBucket(_ bucket: UInt64) {
        let index = Int(truncatingIfNeeded: bucket & (Self.bucketCount &- 1))
        var slot = bucketHeads[index]
        while slot >= 0 {
            bottom.push(slots[Int(slot)].key)
            wheelCount &-= 1
            slot = slots[Int(slot)].next
        }
        bucketHeads[index] = -1
        occupiedBuckets[index >> 6] &= ~(1 << UInt64(index & 63))
    }

    /// Chooses the bucket width for the next epoch from this one's traffic:
    ///
    /// - about twice the mean gap between deliveries, so a bucket holds one
    ///   or two events; moved only when 4× or more away, so it does not
    ///   rebuild back and forth;
    /// - but wide enough that the wheel reaches most of what is scheduled:
    ///   when more than a quarter of the pushes went beyond the wheel, the
    ///   width doubles, and it narrows only while few pushes went further
    ///   than a quarter of the wheel (which a 4× narrower wheel would miss).
    ///
    /// With many events pending over a long span, a wheel sized by the gap
    /// alone would send most of them through the far heap.
    @usableFromInline
    mutating func endEpoch(at time: Nanoseconds) {
        let gap = UInt64(max(time - epochStartTime, 0)) / UInt64(Self.epochLength)
        let gapTarget: UInt64 = gap == 0 ? 0 : UInt64(63 - (gap << 1).leadingZeroBitCount)
        let quarter = UInt64(Self.epochLength) >> 2
        var target = shift
        if epochFarPushes > quarter {
            target = shift + 1
        } else if gapTarget >= shift + 2 {
            target = gapTarget
        } else if gapTarget + 2 <= shift, epochDistantPushes <= quarter >> 1 {
            target = max(gapTarget, shift - 2)
        }
        if target != shift { rebuild(shift: min(target, 48), renumbering: false) }
        epochDeliveries = 0
        epochFarPushes = 0
        epochDistantPushes = 0
    }

    /// Takes every pending key out and places it again under a new width; when
    /// `renumbering`, first gives the keys the sequences 0, 1, 2, … in their
    /// order, so the counter goes on without ever wrapping.
    @usableFromInline
    mutating func rebuild(shift newShift: UInt64, renumbering: Bool) {
        var keys = bottom.keys
        keys.append(contentsOf: far.keys)
        for index in bucketHeads.indices {
            var slot = bucketHeads[index]
            while slot >= 0 {
                keys.append(slots[Int(slot)].key)
                slot = slots[Int(slot)].next
            }
            bucketHeads[index] = -1
        }
        for index in occupiedBuckets.indices { occupiedBuckets[index] = 0 }
        wheelCount = 0
        bottom = KeyHeap()
        far = KeyHeap()
        shift = newShift
        if renumbering {
            // The lane's keys are renumbered with the others and written
            // back in place: sorting keeps the lane's own order.
            keys.append(contentsOf: lane.keysInOrder)
            keys.sort()
            var laneKeys: [UInt128] = []
            for index in keys.indices {
                let key = keys[index]
                let slot = UInt64(truncatingIfNeeded: key) & Self.slotMask
                keys[index] = (key >> 64) << 64 | UInt128(UInt64(index) << Self.slotBits | slot)
                if slot == Self.laneSlot { laneKeys.append(keys[index]) }
            }
            sequenceCounter = UInt64(keys.count)
            lane.replaceKeys(with: laneKeys)
            keys.removeAll { UInt64(truncatingIfNeeded: $0) & Self.slotMask == Self.laneSlot }
        }
        guard let earliest = keys.min() else { return }
        currentBucket = bucketNumber(of: earliest)
        for key in keys { place(key) }
    }

    /// Checks every tier's rule, the counts and the slot table; O(n). For tests.
    public func checkInvariants() -> Bool {
        guard bottom.checkInvariants(), far.checkInvariants() else { return false }
        var live = bottom.keys + far.keys
        guard bottom.keys.allSatisfy({ bucketNumber(of: $0) <= currentBucket }),
              far.keys.allSatisfy({ bucketNumber(of: $0) > currentBucket && bucketNumber(of: $0) - currentBucket >= Self.bucketCount })
        else { return false }
        var linked = 0
        for index in bucketHeads.indices {
            let occupied = occupiedBuckets[index >> 6] & (1 << UInt64(index & 63)) != 0
            guard occupied == (bucketHeads[index] >= 0) else { return false }
            var slot = bucketHeads[index]
            while slot >= 0 {
                let key = slots[Int(slot)].key
                let bucket = bucketNumber(of: key)
                guard Self.slot(of: key) == Int(slot), bucket > currentBucket,
                      bucket - currentBucket < Self.bucketCount,
                      Int(bucket & (Self.bucketCount - 1)) == index
                else { return false }
                live.append(key)
                linked += 1
                slot = slots[Int(slot)].next
            }
        }
        var free = 0
        var slot = firstFreeSlot
        while slot >= 0, free <= slots.count {
            guard slots[Int(slot)].payload == nil else { return false }
            free += 1
            slot = slots[Int(slot)].next
        }
        let liveSlots = live.map(Self.slot(of:))
        let laneKeys = lane.keysInOrder
        guard zip(laneKeys, laneKeys.dropFirst()).allSatisfy({ $0 < $1 }),
              laneKeys.allSatisfy({ UInt64(truncatingIfNeeded: $0) & Self.slotMask == Self.laneSlot })
        else { return false }
        return linked == wheelCount
            && live.count == pending
            && Set(liveSlots).count == liveSlots.count
            && liveSlots.allSatisfy { slots[$0].payload != nil }
            && liveSlots.count + free == slots.count
    }
}

/// A 4-ary min-heap of 128-bit keys. The four children of a node are 64
/// contiguous bytes, so each level of a pop reads one or two cache lines
/// where a binary heap would go twice as deep.
@usableFromInline
struct KeyHeap {
    @usableFromInline var keys: ContiguousArray<UInt128> = []

    @inlinable init() {}

    @inlinable var isEmpty: Bool { keys.isEmpty }
    @inlinable var minimum: UInt128? { keys.first }

    @inlinable
    mutating func push(_ key: UInt128) {
        keys.append(key)
        keys.withUnsafeMutableBufferPointer { heap in
            Self.siftUp(key, from: heap.count &- 1, in: heap)
        }
    }

    /// Removes the earliest key; the heap must not be empty.
    @inlinable @inline(__always)
    mutating func removeMinimum() {
        let last = keys.removeLast()
        if !keys.isEmpty { replaceRoot(with: last) }
    }

    /// Floyd's bottom-up deletion: the hole left at the root walks down to a
    /// leaf taking the earliest child (three comparisons per level, no test
    /// against the moving key), then `last` goes there and sifts up, which
    /// rarely moves it far because it came from the bottom.
    @inlinable
    mutating func replaceRoot(with last: UInt128) {
        keys.withUnsafeMutableBufferPointer { heap in
            let count = heap.count
            var hole = 0
            while true {
                let first = 4 &* hole &+ 1
                if first &+ 3 < count {
                    // Index arithmetic on 0/1 comparison results, never a
                    // select of keys: the winner among four is a coin toss,
                    // and a branch on it would mispredict half the time.
                    let left = first &+ Self.bit(heap[first &+ 1] < heap[first])
                    let right = first &+ 2 &+ Self.bit(heap[first &+ 3] < heap[first &+ 2])
                    let child = left &+ Self.bit(heap[right] < heap[left]) &* (right &- left)
                    heap[hole] = heap[child]
                    hole = child
                } else {
                    if first >= count { break }
                    var child = first
                    var index = first &+ 1
                    while index < count {
                        if heap[index] < heap[child] { child = index }
                        index &+= 1
                    }
                    heap[hole] = heap[child]
                    hole = child
                    break
                }
            }
            Self.siftUp(last, from: hole, in: heap)
        }
    }

    @inlinable @inline(__always)
    static func bit(_ condition: Bool) -> Int {
        Int(truncatingIfNeeded: unsafeBitCast(condition, to: UInt8.self))
    }

    @inlinable
    static func siftUp(_ key: UInt128, from start: Int, in heap: UnsafeMutableBufferPointer<UInt128>) {
        var hole = start
        while hole > 0 {
            let parent = (hole &- 1) >> 2
            guard key < heap[parent] else { break }
            heap[hole] = heap[parent]
            hole = parent
        }
        heap[hole] = key
    }

    func checkInvariants() -> Bool {
        keys.indices.dropFirst().allSatisfy { keys[$0] >= keys[($0 - 1) >> 2] }
    }
}

/// A ring of events in the order of their keys, for `EventQueue`'s
/// in-order lane: append at the back, deliver from the front.
@usableFromInline
struct InOrderLane<Payload> {
    @usableFromInline var keys: ContiguousArray<UInt128> = []
    @usableFromInline var payloads: ContiguousArray<Payload?> = []
    @usableFromInline var head = 0
    @usableFromInline var count = 0
    /// The front's key, `.max` when the lane is empty: kept beside the ring
    /// so that `popMin` compares against it with no array access when the
    /// lane is not in use.
    @usableFromInline var front: UInt128 = .max

    @inlinable init() {}

    @inlinable var first: UInt128? { count > 0 ? front : nil }
    @inlinable var last: UInt128? { count > 0 ? keys[(head &+ count &- 1) & (keys.count &- 1)] : nil }

    @inlinable
    mutating func append(_ key: UInt128, _ payload: Payload) {
        if count == keys.count { grow() }
        let index = (head &+ count) & (keys.count &- 1)
        keys[index] = key
        payloads[index] = payload
        if count == 0 { front = key }
        count &+= 1
    }

    /// The front's payload, removed; the lane must not be empty.
    @inlinable
    mutating func removeFirst() -> Payload {
        let payload = payloads[head].take().unsafelyUnwrapped
        head = (head &+ 1) & (keys.count &- 1)
        count &-= 1
        front = count > 0 ? keys[head] : .max
        return payload
    }

    /// Doubles the ring (a power of two, so an index wraps with a mask),
    /// unrolling it to start at 0.
    @usableFromInline
    mutating func grow() {
        let capacity = max(64, keys.count * 2)
        var newKeys = ContiguousArray<UInt128>(repeating: 0, count: capacity)
        var newPayloads = ContiguousArray<Payload?>(repeating: nil, count: capacity)
        for offset in 0..<count {
            let index = (head + offset) & (keys.count - 1)
            newKeys[offset] = keys[index]
            newPayloads[offset] = payloads[index].take()
        }
        keys = newKeys
        payloads = newPayloads
        head = 0
    }

    var keysInOrder: [UInt128] {
        (0..<count).map { keys[(head + $0) & (keys.count - 1)] }
    }

    /// New keys for the events, front to back, in the same order.
    mutating func replaceKeys(with newKeys: [UInt128]) {
        precondition(newKeys.count == count, "a lane renumbered with \(newKeys.count) keys for \(count) events")
        for (offset, key) in newKeys.enumerated() { keys[(head + offset) & (keys.count - 1)] = key }
        front = newKeys.first ?? .max
    }
}
