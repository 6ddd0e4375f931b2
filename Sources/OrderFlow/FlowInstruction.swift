import MatchingEngine

/// An instruction a simulated participant sends to a venue. A cancel or a
/// replace names the order by the venue's id and by the participant's own
/// reference for it, given to the flow in `orderOpened`.
public enum FlowInstruction: Hashable, Sendable {
    case new(NewOrder)
    case cancel(OrderID, reference: UInt64, participant: ParticipantID, symbol: SymbolIndex)
    case replace(OrderID, reference: UInt64, participant: ParticipantID, symbol: SymbolIndex, price: Price, quantity: Quantity)

    public var participant: ParticipantID {
        switch self {
        case .new(let order): order.participant
        case .cancel(_, _, let participant, _), .replace(_, _, let participant, _, _, _): participant
        }
    }
}

/// A symbol as a flow sees it: where its book is and how it is priced.
public struct FlowSymbol: Hashable, Sendable {
    public var index: SymbolIndex
    public var tickSize: Int64
    public var referencePrice: Price
    /// The largest limit price the venue's wire formats carry; the flow's
    /// prices stay at or below it however far the mid walks.
    public var largestPrice: Price

    public init(index: SymbolIndex, tickSize: Int64, referencePrice: Price, largestPrice: Price) {
        precondition(tickSize > 0 && referencePrice.rawValue <= largestPrice.rawValue, "reference price above the largest price")
        // The mid's random walk is bounded in floating point, exact below 2^53.
        precondition(largestPrice.rawValue <= 1 << 53, "largest price beyond exact floating point")
        self.index = index
        self.tickSize = tickSize
        self.referencePrice = referencePrice
        self.largestPrice = largestPrice
    }

    /// The largest whole number of ticks at or below `largestPrice`.
    public var largestPriceTicks: Int64 { largestPrice.rawValue / tickSize }
}
