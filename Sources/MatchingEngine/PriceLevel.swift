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
        // Most activity is near the best price, at the end of the array.
        var low = 0
        var high = levels.count
        while low < high {
            let middle = (low + high) >> 1
            let levelPrice = levels[middle].price
            if levelPrice == price { return (middle, true) }
            if isBetter(levelPrice, than: price) { high = middle } else { low = middle + 1 }
        }
        return (low, false)
    }

    @inlinable
    mutating func levelIndex(creating price: Int64) -> Int {
        let (index, found) = search(price)
        if !found { levels.insert(PriceLevel(price: price), at: index) }
        return index
    }

    @inlinable var best: PriceLevel? { levels.last }
}
