/// One order's slot in the pool. Links are pool indices (-1: none), so a
/// price level is an intrusive doubly linked FIFO with no allocation per order.
@usableFromInline
struct OrderRecord: Sendable {
    // 64 bytes, one cache line (the pool aligns records to 64): matching
    // reads the head order of a level, usually long out of cache, and a
    // record across two lines cost two misses. What only the end of an
    // order or the invariant check reads lives apart, in `OrderBookkeeping`.
    @usableFromInline var id: UInt64 = 0
    @usableFromInline var price: Int64 = 0
    @usableFromInline var open: Int64 = 0
    /// Accounting: every quantity ever entered is filled, cancelled or open.
    @usableFromInline var filled: Int64 = 0
    @usableFromInline var cancelled: Int64 = 0
    @usableFromInline var participant: UInt32 = 0
    @usableFromInline var symbol: Int32 = 0
    /// On a level: the neighbours. On the free list: `next` is the next free slot.
    @usableFromInline var previous: Int32 = -1
    @usableFromInline var next: Int32 = -1
    @usableFromInline var side: Side = .buy
    @usableFromInline var timeInForce: TimeInForce = .day
    @usableFromInline var postOnly = false
    @usableFromInline var resting = false

    @usableFromInline init() {}
}

/// The part of an order that matching does not read, in a parallel array.
@usableFromInline
struct OrderBookkeeping: Sendable {
    /// All quantity ever entered: filled + cancelled + open.
    @usableFromInline var entered: Int64
    /// Time priority: lower is earlier; renewed when priority is lost.
    @usableFromInline var priority: UInt64
}

/// Orders stored contiguously, slots reused through an intrusive free list,
/// plus a dense map from engine-assigned order id to slot. Engine ids are
/// handed out from 1 without gaps, so the map is a plain array indexed by id.
///
/// The records live in manually managed memory rather than a
/// `ContiguousArray`: an array checks that its buffer is unique on every
/// write, and a submit writes records a dozen times. The owner calls
/// `isUnique`/`clone()` once per instruction instead (copy on write by hand).
///
/// - Complexity: allocate, free and lookup by id are O(1).
@usableFromInline
struct OrderPool: Sendable {
    @usableFromInline var storage: OrderPoolStorage

    init() { storage = OrderPoolStorage() }

    /// True when no other engine value shares this pool.
    mutating func isUnique() -> Bool { isKnownUniquelyReferenced(&storage) }

    /// Gives this pool its own copy of the storage (the copy-on-write step).
    mutating func makeUnique() { storage = storage.clone() }

    /// Slots handed out so far (live or free).
    var slotCount: Int { storage.recordCount }

    /// The record in `slot`, read and written in place.
    subscript(slot: Int32) -> OrderRecord {
        unsafeAddress {
            // Memory safety: a slot comes from a level link or the id map,
            // both kept in step by the engine; a wrong one must trap.
            precondition(UInt32(bitPattern: slot) < UInt32(truncatingIfNeeded: storage.recordCount), "slot \(slot) out of the pool")
            return UnsafePointer(storage.records + Int(slot))
        }
        nonmutating unsafeMutableAddress {
            precondition(UInt32(bitPattern: slot) < UInt32(truncatingIfNeeded: storage.recordCount), "slot \(slot) out of the pool")
            return storage.records + Int(slot)
        }
    }

    /// An order's bookkeeping, read and written in place.
    subscript(bookkeeping slot: Int32) -> OrderBookkeeping {
        unsafeAddress {
            precondition(UInt32(bitPattern: slot) < UInt32(truncatingIfNeeded: storage.recordCount), "slot \(slot) out of the pool")
            return UnsafePointer(storage.bookkeeping + Int(slot))
        }
        nonmutating unsafeMutableAddress {
            precondition(UInt32(bitPattern: slot) < UInt32(truncatingIfNeeded: storage.recordCount), "slot \(slot) out of the pool")
            return storage.bookkeeping + Int(slot)
        }
    }

    /// Stores `record` in a free slot and maps its id to it.
    @inline(__always)
    mutating func allocate(_ record: OrderRecord, _ bookkeeping: OrderBookkeeping) -> Int32 {
        let storage = storage
        let slot: Int32
        if storage.freeHead >= 0 {
            slot = storage.freeHead
            storage.freeHead = storage.records[Int(slot)].next
        } else {
            if storage.recordCount == storage.recordCapacity { storage.growRecords() }
            precondition(storage.recordCount < Int(Int32.max), "order pool full")
            slot = Int32(truncatingIfNeeded: storage.recordCount)
            storage.recordCount += 1
        }
        storage.records[Int(slot)] = record
        storage.bookkeeping[Int(slot)] = bookkeeping
        let id = Int(record.id)
        if id >= storage.idCapacity { storage.growIDs(through: id) }
        storage.slotOfOrder[id] = slot
        return slot
    }

    /// Returns `slot` to the free list and unmaps its id.
    @inline(__always)
    mutating func free(_ slot: Int32) {
        let storage = storage
        let id = Int(self[slot].id)
        precondition(id < storage.idCapacity && storage.slotOfOrder[id] == slot, "order pool map out of step")
        storage.slotOfOrder[id] = -1
        storage.records[Int(slot)].resting = false
        storage.records[Int(slot)].next = storage.freeHead
        storage.freeHead = slot
    }

    /// Extends the id map through `id`; unassigned ids map to no slot, as
    /// ids beyond the map do.
    mutating func reserveIDs(through id: UInt64) {
        precondition(id < UInt64(Int.max), "order id \(id) beyond any map")
        if Int(id) >= storage.idCapacity { storage.growIDs(through: Int(id), exactly: true) }
    }

    func slot(of id: UInt64) -> Int32? {
        guard id < UInt64(storage.idCapacity) else { return nil }
        let slot = storage.slotOfOrder[Int(id)]
        return slot >= 0 ? slot : nil
    }
}

/// The pool's memory. Plain stored properties of a final class, read and
/// written only by `OrderPool` under the engine's copy-on-write discipline, so
/// the runtime exclusivity checks that class properties otherwise get are
/// switched off.
@usableFromInline
final class OrderPoolStorage: @unchecked Sendable {
    @exclusivity(unchecked) var records: UnsafeMutablePointer<OrderRecord>
    /// Parallel to `records`, same capacity.
    @exclusivity(unchecked) var bookkeeping: UnsafeMutablePointer<OrderBookkeeping>
    @exclusivity(unchecked) var recordCapacity: Int
    @exclusivity(unchecked) var recordCount = 0
    /// Head of the free list threaded through `OrderRecord.next`; -1: empty.
    @exclusivity(unchecked) var freeHead: Int32 = -1
    /// Slot of each order id (index = id); -1 when the order is not in the pool.
    @exclusivity(unchecked) var slotOfOrder: UnsafeMutablePointer<Int32>
    @exclusivity(unchecked) var idCapacity: Int

    static let initialRecordCapacity = 64
    static let initialIDCapacity = 64

    /// Records start on a cache line, so that each fills exactly one.
    static let recordAlignment = 64

    static func allocateRecords(capacity: Int) -> UnsafeMutablePointer<OrderRecord> {
        UnsafeMutableRawPointer.allocate(byteCount: capacity * MemoryLayout<OrderRecord>.stride, alignment: recordAlignment)
            .bindMemory(to: OrderRecord.self, capacity: capacity)
    }

    init() {
        precondition(MemoryLayout<OrderRecord>.stride == Self.recordAlignment, "an order record must fill one cache line")
        recordCapacity = Self.initialRecordCapacity
        records = Self.allocateRecords(capacity: recordCapacity)
        bookkeeping = .allocate(capacity: recordCapacity)
        idCapacity = Self.initialIDCapacity
        slotOfOrder = .allocate(capacity: idCapacity)
        slotOfOrder.initialize(repeating: -1, count: idCapacity)
    }

    private init(copying other: OrderPoolStorage) {
        recordCapacity = other.recordCapacity
        records = Self.allocateRecords(capacity: recordCapacity)
        records.initialize(from: other.records, count: other.recordCount)
        bookkeeping = .allocate(capacity: recordCapacity)
        bookkeeping.initialize(from: other.bookkeeping, count: other.recordCount)
        recordCount = other.recordCount
        freeHead = other.freeHead
        idCapacity = other.idCapacity
        slotOfOrder = .allocate(capacity: idCapacity)
        slotOfOrder.initialize(from: other.slotOfOrder, count: idCapacity)
    }

    deinit {
        // Records and slots are trivial values: nothing to deinitialize.
        records.deallocate()
        bookkeeping.deallocate()
        slotOfOrder.deallocate()
    }

    func clone() -> OrderPoolStorage { OrderPoolStorage(copying: self) }

    func growRecords() {
        let capacity = recordCapacity * 2
        let grown = Self.allocateRecords(capacity: capacity)
        grown.moveInitialize(from: records, count: recordCount)
        records.deallocate()
        records = grown
        let grownBookkeeping = UnsafeMutablePointer<OrderBookkeeping>.allocate(capacity: capacity)
        grownBookkeeping.moveInitialize(from: bookkeeping, count: recordCount)
        bookkeeping.deallocate()
        bookkeeping = grownBookkeeping
        recordCapacity = capacity
    }

    /// Makes `id` a valid index: doubling (amortised O(1) per new id), or
    /// exactly through `id` when reserving ahead.
    func growIDs(through id: Int, exactly: Bool = false) {
        let capacity = exactly ? id + 1 : max(id + 1, idCapacity * 2)
        let grown = UnsafeMutablePointer<Int32>.allocate(capacity: capacity)
        grown.moveInitialize(from: slotOfOrder, count: idCapacity)
        (grown + idCapacity).initialize(repeating: -1, count: capacity - idCapacity)
        slotOfOrder.deallocate()
        slotOfOrder = grown
        idCapacity = capacity
    }
}
