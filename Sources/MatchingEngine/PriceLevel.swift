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
@usableFromInline
struct BookSide: Sendable {
    @usableFromInline let side: Side
    @usableFromInline var levels: ContiguousArray<PriceLevel> = []

    init(side: Side) { self.side = side }

    /// True when `a` is a better price than `b` for this side.
    @inlinable
    func isBetter(_ a: Int64, than b: Int64) -> Bool {
        side == .buy ? a > b : a < b
    }

    /// Index of the level at `price`, or where it would be inserted.
    @inlinable
    func search(_ price: Int64) -> (index: Int, found: Bool) {
        // Orient prices so that both sides ascend: a bid's rank is its
        // price, an ask's the negated price (x ^ m - m negates when m = -1).
        let orientation: Int64 = side == .buy ? 0 : -1
        let key = (price ^ orientation) &- orientation
        return levels.withUnsafeBufferPointer { levels in
            guard !levels.isEmpty else { return (0, false) }
            // Branch-free lower bound: the window [base, base + length)
            // always holds the first rank ≥ `key`, or its end does. The step
            // is masked with the sign of a difference rather than written
            // as a comparison, which the compiler would turn back into a
            // branch that mispredicts half the time. All of a side's ranks
            // share one sign, so the difference never overflows.
            var base = 0
            var length = levels.count
            while length > 1 {
                let half = length >> 1
                let rank = (levels[base &+ half &- 1].price ^ orientation) &- orientation
                base &+= half & Int(truncatingIfNeeded: (rank &- key) >> 63)
                length &-= half
            }
            if (levels[base].price ^ orientation) &- orientation < key { base &+= 1 }
            return (base, base < levels.count && levels[base].price == price)
        }
    }

    @inlinable
    mutating func levelIndex(creating price: Int64) -> Int {
        precondition(price > 0, "a resting price must be positive (the search relies on one sign per side)")
        let (index, found) = search(price)
        if !found { levels.insert(PriceLevel(price: price), at: index) }
        return index
    }

    @inlinable var best: PriceLevel? { levels.last }
}
