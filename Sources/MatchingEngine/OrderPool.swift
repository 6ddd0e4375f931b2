// mmap: the pool's pages come from the kernel directly (see `PagedArray`).
#if canImport(Glibc)
import Glibc
#endif

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

/// Orders stored in pages of contiguous records, slots reused through an
/// intrusive free list, plus a dense map from engine-assigned order id to
/// slot. Engine ids are handed out from 1 without gaps, so the map is an
/// array indexed by id (paged like the records) and needs no hashing.
///
/// The records live in manually managed memory rather than a
/// `ContiguousArray`: an array checks that its buffer is unique on every
/// write, and a submit writes records a dozen times. The owner calls
/// `isUnique`/`makeUnique()` once per instruction instead (copy on write by
/// hand).
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
            return UnsafePointer(storage.records.address(Int(slot)))
        }
        nonmutating unsafeMutableAddress {
            precondition(UInt32(bitPattern: slot) < UInt32(truncatingIfNeeded: storage.recordCount), "slot \(slot) out of the pool")
            return storage.records.address(Int(slot))
        }
    }

    /// The address of the record in `slot`, for a function that reads and
    /// writes several of its fields: one range check and one address
    /// computation instead of one per field (the compiler cannot share them
    /// across the stores in between).
    @inline(__always)
    func record(_ slot: Int32) -> UnsafeMutablePointer<OrderRecord> {
        precondition(UInt32(bitPattern: slot) < UInt32(truncatingIfNeeded: storage.recordCount), "slot \(slot) out of the pool")
        return storage.records.address(Int(slot))
    }

    /// An order's bookkeeping, read and written in place.
    subscript(bookkeeping slot: Int32) -> OrderBookkeeping {
        unsafeAddress {
            precondition(UInt32(bitPattern: slot) < UInt32(truncatingIfNeeded: storage.recordCount), "slot \(slot) out of the pool")
            return UnsafePointer(storage.bookkeeping.address(Int(slot)))
        }
        nonmutating unsafeMutableAddress {
            precondition(UInt32(bitPattern: slot) < UInt32(truncatingIfNeeded: storage.recordCount), "slot \(slot) out of the pool")
            return storage.bookkeeping.address(Int(slot))
        }
    }

    /// Stores `record` in a free slot and maps its id to it.
    @inline(__always)
    mutating func allocate(_ record: OrderRecord, _ bookkeeping: OrderBookkeeping) -> Int32 {
        let storage = storage
        let slot: Int32
        if storage.freeHead >= 0 {
            slot = storage.freeHead
            storage.freeHead = storage.records.address(Int(slot)).pointee.next
        } else {
            if storage.recordCount == storage.records.capacity {
                storage.records.addPage()
                storage.bookkeeping.addPage()
            }
            precondition(storage.recordCount < Int(Int32.max), "order pool full")
            slot = Int32(truncatingIfNeeded: storage.recordCount)
            storage.recordCount += 1
        }
        storage.records.address(Int(slot)).pointee = record
        storage.bookkeeping.address(Int(slot)).pointee = bookkeeping
        let id = Int(record.id)
        if id >= storage.slotOfOrder.capacity { storage.growIDs(through: id) }
        storage.slotOfOrder.address(id).pointee = slot
        return slot
    }

    /// Returns `slot` to the free list and unmaps its id.
    @inline(__always)
    mutating func free(_ slot: Int32) {
        let storage = storage
        let id = Int(self[slot].id)
        precondition(id < storage.slotOfOrder.capacity && storage.slotOfOrder.address(id).pointee == slot, "order pool map out of step")
        storage.slotOfOrder.address(id).pointee = -1
        let record = storage.records.address(Int(slot))
        record.pointee.resting = false
        record.pointee.next = storage.freeHead
        storage.freeHead = slot
    }

    /// Extends the id map through `id`; unassigned ids map to no slot, as
    /// ids beyond the map do.
    mutating func reserveIDs(through id: UInt64) {
        precondition(id < UInt64(Int.max), "order id \(id) beyond any map")
        storage.growIDs(through: Int(id))
    }

    func slot(of id: UInt64) -> Int32? {
        guard id < UInt64(storage.slotOfOrder.capacity) else { return nil }
        let slot = storage.slotOfOrder.address(Int(id)).pointee
        return slot >= 0 ? slot : nil
    }
}

/// The pool's memory. Plain stored properties of a final class, read and
/// written only by `OrderPool` under the engine's copy-on-write discipline, so
/// the runtime exclusivity checks that class properties otherwise get are
/// switched off.
@usableFromInline
final class OrderPoolStorage: @unchecked Sendable {
    @exclusivity(unchecked) var records: PagedArray<OrderRecord>
    /// Parallel to `records`, same pages.
    @exclusivity(unchecked) var bookkeeping: PagedArray<OrderBookkeeping>
    @exclusivity(unchecked) var recordCount = 0
    /// Head of the free list threaded through `OrderRecord.next`; -1: empty.
    @exclusivity(unchecked) var freeHead: Int32 = -1
    /// Slot of each order id (index = id); -1 when the order is not in the pool.
    @exclusivity(unchecked) var slotOfOrder: PagedArray<Int32>

    init() {
        // Records start on a cache line, so that each fills exactly one.
        precondition(MemoryLayout<OrderRecord>.stride == 64, "an order record must fill one cache line")
        records = PagedArray(alignment: 64)
        bookkeeping = PagedArray(alignment: MemoryLayout<OrderBookkeeping>.alignment)
        slotOfOrder = PagedArray(alignment: MemoryLayout<Int32>.alignment)
    }

    private init(copying other: OrderPoolStorage) {
        records = other.records.clone(count: other.recordCount)
        bookkeeping = other.bookkeeping.clone(count: other.recordCount)
        recordCount = other.recordCount
        freeHead = other.freeHead
        slotOfOrder = other.slotOfOrder.clone(count: other.slotOfOrder.capacity)
    }

    deinit {
        records.deallocate()
        bookkeeping.deallocate()
        slotOfOrder.deallocate()
    }

    func clone() -> OrderPoolStorage { OrderPoolStorage(copying: self) }

    /// Makes `id` a valid index of the id map; new entries map to no slot.
    func growIDs(through id: Int) {
        while id >= slotOfOrder.capacity {
            let page = slotOfOrder.addPage()
            page.initialize(repeating: -1, count: PagedArray<Int32>.pageSize)
        }
    }
}

/// Elements in pages of a fixed size: growing adds a page and copies
/// nothing, so a pool that grows to millions of orders neither copies its
/// records nor holds them twice while it grows (doubling an array did both,
/// and the fresh pages' faults came on top). Elements are trivial values;
/// the owner tracks which are initialized.
///
/// Each page is mapped with its memory already in place (`MAP_POPULATE`):
/// a book that grows took one page fault per 4 KiB of fresh records, each
/// a trap into the kernel on the insert that first touched it, about 1 % of
/// inserts in `exsim bench engine --workload crossing-inserts`. Populating
/// a whole page in the call that adds it pays for the memory once, without
/// the traps: the bench's p99 per insert fell from 0.8–1 µs to 0.2 µs and
/// its throughput rose about 5 %. The price is the insert that adds a page,
/// one in 4,096 at most, which now waits for all 256 KiB of it (p99.99
/// 10 µs → 100 µs there; docs/benchmarks.md, "Figures, 2026-12-08").
///
/// - Complexity: element address O(1) (two dependent loads); adding a page
///   O(1) amortised.
@usableFromInline
struct PagedArray<Element> {
    static var pageShift: Int { 12 }
    static var pageSize: Int { 1 << pageShift }
    static var pageBytes: Int { pageSize * MemoryLayout<Element>.stride }

    @usableFromInline var pages: UnsafeMutablePointer<UnsafeMutablePointer<Element>>
    @usableFromInline var pageCount = 0
    var tableCapacity = 8
    let alignment: Int

    init(alignment: Int) {
        precondition(_isPOD(Element.self), "paged elements are never deinitialized, so they must be trivial")
        self.alignment = max(alignment, MemoryLayout<Element>.alignment)
        // A mapping starts on a memory page, which satisfies any smaller alignment.
        precondition(self.alignment <= 4096, "a paged array aligns its elements to at most 4096 bytes")
        pages = .allocate(capacity: tableCapacity)
    }

    /// Elements that have a place (whole pages).
    var capacity: Int { pageCount &<< Self.pageShift }

    /// The address of element `index`; the caller checks `index` < capacity.
    @inline(__always)
    func address(_ index: Int) -> UnsafeMutablePointer<Element> {
        pages[index &>> Self.pageShift] + (index & (Self.pageSize &- 1))
    }

    /// Adds one page (uninitialized) and returns it.
    @discardableResult
    mutating func addPage() -> UnsafeMutablePointer<Element> {
        if pageCount == tableCapacity {
            let grown = UnsafeMutablePointer<UnsafeMutablePointer<Element>>.allocate(capacity: tableCapacity * 2)
            grown.moveInitialize(from: pages, count: pageCount)
            pages.deallocate()
            pages = grown
            tableCapacity *= 2
        }
        let mapped = mmap(nil, Self.pageBytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0)
        guard let mapped, mapped != MAP_FAILED else { fatalError("out of memory: cannot map \(Self.pageBytes) bytes for the order pool") }
        let page = mapped.bindMemory(to: Element.self, capacity: Self.pageSize)
        (pages + pageCount).initialize(to: page)
        pageCount += 1
        return page
    }

    /// A copy with pages of its own, holding the first `count` elements.
    func clone(count: Int) -> PagedArray {
        var copy = PagedArray(alignment: alignment)
        for pageIndex in 0..<pageCount {
            let page = copy.addPage()
            let copied = min(Self.pageSize, max(0, count - pageIndex * Self.pageSize))
            page.initialize(from: pages[pageIndex], count: copied)
        }
        return copy
    }

    /// Elements are trivial: nothing to deinitialize.
    func deallocate() {
        for pageIndex in 0..<pageCount { munmap(pages[pageIndex], Self.pageBytes) }
        pages.deallocate()
    }
}
