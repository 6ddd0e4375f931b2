import MatchingEngine

/// An instruction a simulated participant sends to a venue.
public enum FlowInstruction: Hashable, Sendable {
    case new(NewOrder)
    case cancel(OrderID, participant: ParticipantID, symbol: SymbolIndex)
    case replace(OrderID, participant: ParticipantID, symbol: SymbolIndex, price: Price, quantity: Quantity)

    public var participant: ParticipantID {
        switch self {
        case .new(let order): order.participant
        case .cancel(_, let participant, _), .replace(_, let participant, _, _, _): participant
        }
    }
}

/// A symbol as a flow sees it: where its book is and how it is priced.
public struct FlowSymbol: Hashable, Sendable {
    public var index: SymbolIndex
    public var tickSize: Int64
    public var referencePrice: Price

    public init(index: SymbolIndex, tickSize: Int64, referencePrice: Price) {
        self.index = index
        self.tickSize = tickSize
        self.referencePrice = referencePrice
    }
}
