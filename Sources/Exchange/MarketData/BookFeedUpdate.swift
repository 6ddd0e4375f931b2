import MatchingEngine

/// One change to the public order-by-order book, in the vocabulary of
/// TotalView-ITCH but independent of its bytes: the feed publisher encodes
/// each as one ITCH message.
public enum BookFeedUpdate: Hashable, Sendable {
    /// An order now rests visibly (ITCH 'A').
    case add(reference: UInt64, symbol: SymbolIndex, side: Side, price: Price, quantity: Quantity)
    /// A resting order traded at its own price (ITCH 'E'); at zero open
    /// quantity it leaves the book without a delete.
    case executed(reference: UInt64, symbol: SymbolIndex, quantity: Quantity, matchID: UInt64)
    /// A resting order traded at another price, in an auction (ITCH 'C',
    /// not printable: the cross itself is printed by `crossTrade`).
    case executedWithPrice(reference: UInt64, symbol: SymbolIndex, quantity: Quantity, matchID: UInt64, price: Price)
    /// Part of a resting order was cancelled (ITCH 'X').
    case cancel(reference: UInt64, symbol: SymbolIndex, quantity: Quantity)
    /// A resting order left the book without trading (ITCH 'D').
    case delete(reference: UInt64, symbol: SymbolIndex)
    /// A resting order moved to a new price or quantity and lost its time
    /// priority under a new reference (ITCH 'U').
    case replace(originalReference: UInt64, symbol: SymbolIndex, newReference: UInt64, price: Price, quantity: Quantity)
    /// A symbol's trading state changed (ITCH 'H').
    case tradingState(symbol: SymbolIndex, phase: TradingPhase)
    /// The total of an uncrossing auction (ITCH 'Q').
    case crossTrade(symbol: SymbolIndex, quantity: Quantity, price: Price, matchID: UInt64)
}
