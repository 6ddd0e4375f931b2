/// One symbol's book apart from its two sides: the phase, the last trade
/// price and the tick size. A plain value inside the engine's `BookTable`.
@usableFromInline
struct OrderBook: Sendable {
    @usableFromInline var phase: TradingPhase = .continuous
    @usableFromInline var lastPrice: Int64
    @usableFromInline let tickSize: Int64

    init(config: SymbolConfig) {
        tickSize = config.tickSize
        lastPrice = config.referencePrice.rawValue
    }
}

/// The engine's books in manually managed memory, fixed in number, so that a
/// pointer to a book or one of its sides stays valid for the table's life.
/// Copied on write by the engine together with its `OrderPool`.
@usableFromInline
final class BookTable: @unchecked Sendable {
    @usableFromInline let books: UnsafeMutablePointer<OrderBook>
    /// Two per book: the bids of book `s` at `2s`, its asks at `2s + 1`.
    @usableFromInline let sides: UnsafeMutablePointer<BookSide>
    @usableFromInline let count: Int

    init(symbols: [SymbolConfig]) {
        count = symbols.count
        books = .allocate(capacity: count)
        sides = .allocate(capacity: 2 * count)
        for (index, config) in symbols.enumerated() {
            (books + index).initialize(to: OrderBook(config: config))
            (sides + 2 * index).initialize(to: BookSide(side: .buy))
            (sides + 2 * index + 1).initialize(to: BookSide(side: .sell))
        }
    }

    private init(copying other: BookTable) {
        count = other.count
        books = .allocate(capacity: count)
        books.initialize(from: other.books, count: count)
        sides = .allocate(capacity: 2 * count)
        for index in 0..<2 * count { (sides + index).initialize(to: other.sides[index].clone()) }
    }

    deinit {
        for index in 0..<2 * count { sides[index].deallocate() }
        sides.deallocate()
        books.deallocate()
    }

    func clone() -> BookTable { BookTable(copying: self) }

    /// Book `symbol`, in place.
    subscript(symbol: Int) -> OrderBook {
        unsafeAddress {
            precondition(UInt(bitPattern: symbol) < UInt(bitPattern: count), "unknown symbol \(symbol)")
            return UnsafePointer(books + symbol)
        }
        unsafeMutableAddress {
            precondition(UInt(bitPattern: symbol) < UInt(bitPattern: count), "unknown symbol \(symbol)")
            return books + symbol
        }
    }

    /// Side `side` of book `symbol`, in place.
    func side(_ side: Side, of symbol: Int) -> UnsafeMutablePointer<BookSide> {
        precondition(UInt(bitPattern: symbol) < UInt(bitPattern: count), "unknown symbol \(symbol)")
        return sides + (symbol &* 2 &+ Int(side.rawValue))
    }
}
