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
/// reached, emptied and removed in O(1), others found by binary search.
///
/// The search runs over `rankKeys`, a dense copy of the levels' prices
/// oriented so that both sides ascend (a bid's rank is its price, an ask's
/// the negated price): eight bytes a level instead of a whole `PriceLevel`,
/// and one comparison per step that compiles to a conditional move. Prices
/// in a book are effectively random, so a branch per step would mispredict
/// half the time.
@usableFromInline
struct BookSide: Sendable {
    @usableFromInline let side: Side
    /// Insert and remove only through `levelIndex(creating:)` and
    /// `removeLevel(at:)`, which keep `rankKeys` in step.
    @usableFromInline var levels: ContiguousArray<PriceLevel> = []
    @usableFromInline var rankKeys: ContiguousArray<Int64> = []

    init(side: Side) { self.side = side }

    /// True when `a` is a better price than `b` for this side.
    @inlinable
    func isBetter(_ a: Int64, than b: Int64) -> Bool {
        side == .buy ? a > b : a < b
    }

    @inlinable
    func rank(_ price: Int64) -> Int64 {
        side == .buy ? price : 0 &- price
    }

    /// Index of the level at `price`, or where it would be inserted.
    @inlinable
    func search(_ price: Int64) -> (index: Int, found: Bool) {
        let key = rank(price)
        return rankKeys.withUnsafeBufferPointer { keys in
            guard !keys.isEmpty else { return (0, false) }
            // Branch-free lower bound: the window [base, base + length)
            // always holds the first key ≥ `key`, or its end does. The step
            // is masked with the sign of a difference rather than written
            // as a comparison, which the compiler would turn back into a
            // branch. All of a side's keys share one sign, so the
            // difference never overflows.
            var base = 0
            var length = keys.count
            while length > 1 {
                let half = length >> 1
                base &+= half & Int(truncatingIfNeeded: (keys[base &+ half &- 1] &- key) >> 63)
                length &-= half
            }
            if keys[base] < key { base &+= 1 }
            return (base, base < keys.count && keys[base] == key)
        }
    }

    @inlinable
    mutating func levelIndex(creating price: Int64) -> Int {
        let (index, found) = search(price)
        if !found {
            levels.insert(PriceLevel(price: price), at: index)
            rankKeys.insert(rank(price), at: index)
        }
        return index
    }

    @inlinable
    mutating func removeLevel(at index: Int) {
        levels.remove(at: index)
        rankKeys.remove(at: index)
    }

    @inlinable var best: PriceLevel? { levels.last }
}
