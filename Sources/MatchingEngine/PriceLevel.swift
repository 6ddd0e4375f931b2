/// All resting orders at one price on one side, oldest first.
@usableFromInline
struct PriceLevel: Sendable {
    @usableFromInline var price: Int64
    @usableFromInline var head: Int32 = -1
    @usableFromInline var tail: Int32 = -1
    @usableFromInline var quantity: Int64 = 0
    @usableFromInline var count: Int32 = 0

    @usableFromInline init(price: Int64) { self.price = price }
}

/// One side of a book: levels in a contiguous array sorted so that the best
/// price is last (bids ascending, asks descending); the best level is
/// reached, emptied and removed in O(1), others found by a branch-free
/// binary search (prices in a book are effectively random, so a branch per
/// step would mispredict half the time).
///
/// A plain value over manually managed memory: the engine's `BookTable`
/// owns the memory and copies it on write (see `OrderPool`), and the engine
/// reaches a side through a pointer into the table, so that a level access
/// neither retains a buffer nor checks that it is unique.
@usableFromInline
struct BookSide {
    @usableFromInline let side: Side
    @usableFromInline var base: UnsafeMutablePointer<PriceLevel>
    @usableFromInline var count = 0
    @usableFromInline var capacity: Int

    static let initialCapacity = 16

    init(side: Side) {
        self.side = side
        capacity = Self.initialCapacity
        base = .allocate(capacity: capacity)
    }

    /// The same levels in memory of its own (the copy-on-write step).
    func clone() -> BookSide {
        var copy = self
        copy.base = .allocate(capacity: capacity)
        copy.base.initialize(from: base, count: count)
        return copy
    }

    /// Levels are trivial values: nothing to deinitialize.
    func deallocate() { base.deallocate() }

    /// True when `a` is a better price than `b` for this side.
    func isBetter(_ a: Int64, than b: Int64) -> Bool {
        side == .buy ? a > b : a < b
    }

    /// The level at `index`, read and written in place.
    subscript(index: Int) -> PriceLevel {
        unsafeAddress {
            precondition(UInt(bitPattern: index) < UInt(bitPattern: count), "level index \(index) out of range")
            return UnsafePointer(base + index)
        }
        nonmutating unsafeMutableAddress {
            precondition(UInt(bitPattern: index) < UInt(bitPattern: count), "level index \(index) out of range")
            return base + index
        }
    }

    /// Index of the level at `price`, or where it would be inserted.
    /// - Complexity: O(log levels).
    @inline(__always)
    func search(_ price: Int64) -> (index: Int, found: Bool) {
        // Orient prices so that both sides ascend: a bid's rank is its
        // price, an ask's the negated price (x ^ m - m negates when m = -1).
        let orientation: Int64 = side == .buy ? 0 : -1
        let key = (price ^ orientation) &- orientation
        guard count > 0 else { return (0, false) }
        // Branch-free lower bound: the window [start, start + length)
        // always holds the first rank ≥ `key`, or its end does. The step
        // is masked with the sign of a difference rather than written
        // as a comparison, which the compiler would turn back into a
        // branch that mispredicts half the time. All of a side's ranks
        // share one sign, so the difference never overflows.
        var start = 0
        var length = count
        while length > 1 {
            let half = length &>> 1
            let rank = (base[start &+ half &- 1].price ^ orientation) &- orientation
            start &+= half & Int(truncatingIfNeeded: (rank &- key) &>> 63)
            length &-= half
        }
        if (base[start].price ^ orientation) &- orientation < key { start &+= 1 }
        return (start, start < count && base[start].price == price)
    }

    /// Index of the level at `price`, inserting an empty one if there is none.
    @inline(__always)
    mutating func levelIndex(creating price: Int64) -> Int {
        precondition(price > 0, "a resting price must be positive (the search relies on one sign per side)")
        let (index, found) = search(price)
        if !found { insert(PriceLevel(price: price), at: index) }
        return index
    }

    var best: PriceLevel? { count > 0 ? base[count - 1] : nil }

    /// The levels as an array, best last: for the cold paths (auction,
    /// invariant checks).
    var allLevels: [PriceLevel] { Array(UnsafeBufferPointer(start: base, count: count)) }

    /// - Complexity: O(levels after `index`).
    mutating func insert(_ level: PriceLevel, at index: Int) {
        precondition(index >= 0 && index <= count, "level insert at \(index) of \(count)")
        if count == capacity {
            let grown = UnsafeMutablePointer<PriceLevel>.allocate(capacity: capacity * 2)
            grown.moveInitialize(from: base, count: count)
            base.deallocate()
            base = grown
            capacity *= 2
        }
        (base + index + 1).moveInitialize(from: base + index, count: count - index)
        (base + index).initialize(to: level)
        count += 1
    }

    /// - Complexity: O(levels after `index`); O(1) for the best level.
    mutating func remove(at index: Int) {
        precondition(index >= 0 && index < count, "level remove at \(index) of \(count)")
        (base + index).moveInitialize(from: base + index + 1, count: count - index - 1)
        count -= 1
    }
}
