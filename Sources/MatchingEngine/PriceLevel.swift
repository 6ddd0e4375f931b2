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
/// The levels live in a `LevelStorage`, which the engine copies by hand on
/// write (see `OrderPool`): a `BookSide` read out of the engine's books
/// shares it, and writes through it go to the engine's own levels.
@usableFromInline
struct BookSide: Sendable {
    @usableFromInline let side: Side
    @usableFromInline var levels: LevelStorage

    init(side: Side) {
        self.side = side
        levels = LevelStorage()
    }

    /// True when `a` is a better price than `b` for this side.
    func isBetter(_ a: Int64, than b: Int64) -> Bool {
        side == .buy ? a > b : a < b
    }

    /// Index of the level at `price`, or where it would be inserted.
    /// - Complexity: O(log levels).
    func search(_ price: Int64) -> (index: Int, found: Bool) {
        // Orient prices so that both sides ascend: a bid's rank is its
        // price, an ask's the negated price (x ^ m - m negates when m = -1).
        let orientation: Int64 = side == .buy ? 0 : -1
        let key = (price ^ orientation) &- orientation
        let count = levels.count
        guard count > 0 else { return (0, false) }
        let base = levels.base
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
    func levelIndex(creating price: Int64) -> Int {
        precondition(price > 0, "a resting price must be positive (the search relies on one sign per side)")
        let (index, found) = search(price)
        if !found { levels.insert(PriceLevel(price: price), at: index) }
        return index
    }

    var best: PriceLevel? { levels.count > 0 ? levels[levels.count - 1] : nil }

    /// The levels as an array, best last: for the cold paths (auction,
    /// invariant checks).
    var allLevels: [PriceLevel] { Array(UnsafeBufferPointer(start: levels.base, count: levels.count)) }
}

/// A side's levels in manually managed memory: writes to a level do not
/// check for a shared buffer each time as an array's do; the engine makes
/// the storage unique once per instruction instead.
@usableFromInline
final class LevelStorage: @unchecked Sendable {
    @exclusivity(unchecked) var base: UnsafeMutablePointer<PriceLevel>
    @exclusivity(unchecked) var count = 0
    @exclusivity(unchecked) var capacity: Int

    static let initialCapacity = 16

    init() {
        capacity = Self.initialCapacity
        base = .allocate(capacity: capacity)
    }

    private init(copying other: LevelStorage) {
        capacity = other.capacity
        base = .allocate(capacity: capacity)
        base.initialize(from: other.base, count: other.count)
        count = other.count
    }

    deinit { base.deallocate() }

    func clone() -> LevelStorage { LevelStorage(copying: self) }

    /// The level at `index`, read and written in place.
    subscript(index: Int) -> PriceLevel {
        unsafeAddress {
            precondition(UInt(bitPattern: index) < UInt(bitPattern: count), "level index \(index) out of range")
            return UnsafePointer(base + index)
        }
        unsafeMutableAddress {
            precondition(UInt(bitPattern: index) < UInt(bitPattern: count), "level index \(index) out of range")
            return base + index
        }
    }

    /// - Complexity: O(levels after `index`).
    func insert(_ level: PriceLevel, at index: Int) {
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
    func remove(at index: Int) {
        precondition(index >= 0 && index < count, "level remove at \(index) of \(count)")
        (base + index).moveInitialize(from: base + index + 1, count: count - index - 1)
        count -= 1
    }
}
