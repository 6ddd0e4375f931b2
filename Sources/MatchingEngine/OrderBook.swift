/// One symbol's book: two sides, a phase, and the last trade price.
@usableFromInline
struct OrderBook: Sendable {
    @usableFromInline let config: SymbolConfig
    @usableFromInline var bids = BookSide(side: .buy)
    @usableFromInline var asks = BookSide(side: .sell)
    @usableFromInline var phase: TradingPhase = .continuous
    @usableFromInline var lastPrice: Int64

    init(config: SymbolConfig) {
        self.config = config
        lastPrice = config.referencePrice.rawValue
    }
}
