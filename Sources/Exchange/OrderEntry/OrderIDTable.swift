import MatchingEngine

/// A map keyed by engine order ids, with a dictionary's interface and no
/// hashing: an engine assigns ids densely from 1, so an array indexed by id
/// holds each entry's slot in a pool of values, and a lookup is two array
/// reads. The index grows with the highest id seen (4 bytes per id); the
/// pool holds only live entries and reuses freed slots.
struct OrderIDTable<Value> {
    private var slotOfID: ContiguousArray<Int32> = []
    private var values: ContiguousArray<Value?> = []
    private var freeSlots: ContiguousArray<Int32> = []

    /// The index's first size: a few pages of ids.
    static var firstIndexCount: Int { 1_024 }

    init() {}

    /// Live entries.
    var count: Int { values.count - freeSlots.count }

    /// The pool slot of `id`, or -1 when absent.
    @inline(__always)
    func slot(of id: OrderID) -> Int {
        let index = Int(truncatingIfNeeded: id.rawValue)
        guard index >= 0, index < slotOfID.count else { return -1 }
        return Int(slotOfID[index])
    }

    /// Lets `body` change the value of `id` in place and returns its
    /// result, or nil when `id` is absent. One index read, and no copy of
    /// the value out and back as a get and a set would make.
    @inline(__always)
    mutating func modify<Result>(_ id: OrderID, _ body: (inout Value) -> Result) -> Result? {
        let slot = slot(of: id)
        guard slot >= 0 else { return nil }
        return body(&values[slot]!)
    }

    /// Removes `id`'s value, if any.
    mutating func remove(_ id: OrderID) {
        let index = Int(truncatingIfNeeded: id.rawValue)
        let slot = slot(of: id)
        guard slot >= 0 else { return }
        values[slot] = nil
        freeSlots.append(Int32(slot))
        slotOfID[index] = -1
    }

    subscript(id: OrderID) -> Value? {
        get {
            let index = Int(truncatingIfNeeded: id.rawValue)
            guard index >= 0, index < slotOfID.count else { return nil }
            let slot = slotOfID[index]
            return slot < 0 ? nil : values[Int(slot)]
        }
        set {
            let index = Int(truncatingIfNeeded: id.rawValue)
            precondition(index >= 0 && id.rawValue < UInt64(Int32.max), "order id \(id) out of range")
            if index >= slotOfID.count {
                guard newValue != nil else { return }
                // Ids arrive one above the last: growing the index by
                // doubling keeps that append off every insert.
                let newCount = Swift.max(index + 1, 2 * slotOfID.count, Self.firstIndexCount)
                slotOfID.append(contentsOf: repeatElement(-1, count: newCount - slotOfID.count))
            }
            let slot = slotOfID[index]
            switch (slot >= 0, newValue) {
            case (true, .some(let value)):
                values[Int(slot)] = value
            case (true, .none):
                values[Int(slot)] = nil
                freeSlots.append(slot)
                slotOfID[index] = -1
            case (false, .some(let value)):
                if let free = freeSlots.popLast() {
                    values[Int(free)] = value
                    slotOfID[index] = free
                } else {
                    values.append(value)
                    slotOfID[index] = Int32(values.count - 1)
                }
            case (false, .none):
                break
            }
        }
    }
}

extension OrderIDTable: Sequence {
    /// Entries in increasing order id. O(highest id): for checks and tests,
    /// not the hot path.
    func makeIterator() -> AnyIterator<(key: OrderID, value: Value)> {
        var index = 0
        let slots = slotOfID
        let values = values
        return AnyIterator {
            while index < slots.count {
                defer { index += 1 }
                let slot = slots[index]
                if slot >= 0, let value = values[Int(slot)] { return (OrderID(UInt64(index)), value) }
            }
            return nil
        }
    }
}
