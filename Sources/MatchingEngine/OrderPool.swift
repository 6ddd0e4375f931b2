/// One order's slot in the pool. Links are pool indices (-1: none), so a
/// price level is an intrusive doubly linked FIFO with no allocation per order.
@usableFromInline
struct OrderRecord: Sendable {
    // Stored with the one-byte fields together at the end: 80 bytes a
    // record instead of 88, and a book of resting orders is mostly records.
    @usableFromInline var id: UInt64 = 0
    @usableFromInline var participant: UInt32 = 0
    @usableFromInline var symbol: Int32 = 0
    @usableFromInline var price: Int64 = 0
    @usableFromInline var open: Int64 = 0
    /// Accounting: every quantity ever entered is filled, cancelled or open.
    @usableFromInline var entered: Int64 = 0
    @usableFromInline var filled: Int64 = 0
    @usableFromInline var cancelled: Int64 = 0
    /// Time priority: lower is earlier; renewed when priority is lost.
    @usableFromInline var priority: UInt64 = 0
    @usableFromInline var previous: Int32 = -1
    @usableFromInline var next: Int32 = -1
    @usableFromInline var side: Side = .buy
    @usableFromInline var timeInForce: TimeInForce = .day
    @usableFromInline var postOnly = false
    @usableFromInline var resting = false

    @usableFromInline init() {}
}

/// Orders stored contiguously, slots reused through a free list, plus a dense
/// map from engine-assigned order id to slot.
///
/// - Complexity: allocate, free and lookup by id are O(1).
@usableFromInline
struct OrderPool: Sendable {
    @usableFromInline var records: ContiguousArray<OrderRecord> = []
    @usableFromInline var freeSlots: ContiguousArray<Int32> = []
    /// Slot of each order id (index = id); -1 once the order has left the book.
    @usableFromInline var slotOfOrder: ContiguousArray<Int32> = [-1]

    init() {}

    @inlinable
    mutating func allocate(_ record: OrderRecord) -> Int32 {
        let slot: Int32
        if let free = freeSlots.popLast() {
            slot = free
            records[Int(slot)] = record
        } else {
            slot = Int32(records.count)
            records.append(record)
        }
        let id = Int(record.id)
        while slotOfOrder.count <= id { slotOfOrder.append(-1) }
        slotOfOrder[id] = slot
        return slot
    }

    @inlinable
    mutating func free(_ slot: Int32) {
        let id = Int(records[Int(slot)].id)
        precondition(slotOfOrder[id] == slot, "order pool map out of step")
        slotOfOrder[id] = -1
        records[Int(slot)].resting = false
        freeSlots.append(slot)
    }

    /// Extends the id map through `id`; unassigned ids map to no slot, as
    /// ids beyond the map do.
    mutating func reserveIDs(through id: UInt64) {
        let needed = Int(id) + 1 - slotOfOrder.count
        if needed > 0 { slotOfOrder.append(contentsOf: repeatElement(-1, count: needed)) }
    }

    @inlinable
    func slot(of id: UInt64) -> Int32? {
        guard id < UInt64(slotOfOrder.count) else { return nil }
        let slot = slotOfOrder[Int(id)]
        return slot >= 0 ? slot : nil
    }
}
