/// Value types shared by every order book: prices, quantities, identifiers,
/// order instructions, and the events an engine emits.
///
/// Prices are fixed-point integers in *price units* (1/10,000 of the quote
/// currency, as in ITCH 5.0 `Price(4)`); each symbol has a tick size in the
/// same units, and a price that is not a multiple of it is rejected.

/// A price in price units (1/10,000 of the quote currency).
public struct Price: Hashable, Comparable, Sendable, ExpressibleByIntegerLiteral, CustomStringConvertible {
    public var rawValue: Int64
    @inlinable public init(_ rawValue: Int64) { self.rawValue = rawValue }
    @inlinable public init(integerLiteral value: Int64) { self.rawValue = value }
    @inlinable public static func < (lhs: Price, rhs: Price) -> Bool { lhs.rawValue < rhs.rawValue }
    public var description: String { String(rawValue) }
}

/// A number of shares (or contracts).
public struct Quantity: Hashable, Comparable, Sendable, ExpressibleByIntegerLiteral, CustomStringConvertible {
    public var rawValue: Int64
    @inlinable public init(_ rawValue: Int64) { self.rawValue = rawValue }
    @inlinable public init(integerLiteral value: Int64) { self.rawValue = value }
    @inlinable public static func < (lhs: Quantity, rhs: Quantity) -> Bool { lhs.rawValue < rhs.rawValue }
    @inlinable public static var zero: Quantity { Quantity(0) }
    public var description: String { String(rawValue) }
}

/// One price level of a book side: what a depth-of-book view shows.
public struct BookLevelSummary: Hashable, Sendable, CustomStringConvertible {
    public var price: Price
    public var quantity: Quantity
    public var orders: Int

    public init(price: Price, quantity: Quantity, orders: Int) {
        self.price = price
        self.quantity = quantity
        self.orders = orders
    }

    public var description: String { "\(quantity)@\(price) (\(orders))" }
}

/// An order identifier assigned by the engine, unique within one engine and
/// increasing in submission order (it doubles as the ITCH order reference).
public struct OrderID: Hashable, Comparable, Sendable, CustomStringConvertible {
    public var rawValue: UInt64
    @inlinable public init(_ rawValue: UInt64) { self.rawValue = rawValue }
    @inlinable public static func < (lhs: OrderID, rhs: OrderID) -> Bool { lhs.rawValue < rhs.rawValue }
    public var description: String { "#\(rawValue)" }
}

/// A trading participant (firm or session) at a venue; self-trade prevention
/// compares these.
public struct ParticipantID: Hashable, Comparable, Sendable, CustomStringConvertible {
    public var rawValue: UInt32
    @inlinable public init(_ rawValue: UInt32) { self.rawValue = rawValue }
    @inlinable public static func < (lhs: ParticipantID, rhs: ParticipantID) -> Bool { lhs.rawValue < rhs.rawValue }
    public var description: String { "P\(rawValue)" }
}

/// The index of a symbol's book inside one engine (0-based, in configuration order).
public struct SymbolIndex: Hashable, Comparable, Sendable, CustomStringConvertible {
    public var rawValue: Int32
    @inlinable public init(_ rawValue: Int32) { self.rawValue = rawValue }
    @inlinable public static func < (lhs: SymbolIndex, rhs: SymbolIndex) -> Bool { lhs.rawValue < rhs.rawValue }
    public var description: String { "S\(rawValue)" }
}

public enum Side: UInt8, Sendable, CaseIterable {
    case buy
    case sell

    @inlinable public var opposite: Side { self == .buy ? .sell : .buy }
}

public enum OrderType: UInt8, Sendable, CaseIterable {
    /// Executes at its limit price or better; the remainder rests (per time in force).
    case limit
    /// Executes against whatever the opposite side offers; never rests.
    case market
}

public enum TimeInForce: UInt8, Sendable, CaseIterable {
    /// Rests until cancelled or until the venue closes for the day.
    case day
    /// Good till cancelled: survives the daily close.
    case goodTillCancel
    /// Immediate or cancel: executes what it can, the rest is cancelled.
    case immediateOrCancel
    /// Fill or kill: executes in full at once, or not at all.
    case fillOrKill
}

/// What to do when an incoming order would trade with a resting order of the
/// same participant.
public enum SelfTradePrevention: UInt8, Sendable, CaseIterable {
    /// Self-trades are allowed.
    case none
    /// Cancel the incoming (newest) order's remaining quantity.
    case cancelNewest
    /// Cancel the resting (oldest) order, then continue matching.
    case cancelOldest
    /// Cancel both the incoming and the resting order.
    case cancelBoth
    /// Reduce both by the smaller quantity; cancel whichever reaches zero.
    case decrementAndCancel
}

/// A symbol's trading phase.
public enum TradingPhase: UInt8, Sendable, CaseIterable {
    /// No orders accepted; cancels are.
    case closed
    /// Orders match on arrival in price-time priority.
    case continuous
    /// Orders and cancels accepted, nothing matches; leaving runs an auction.
    case halted
}

/// A new order instruction.
public struct NewOrder: Hashable, Sendable {
    public var symbol: SymbolIndex
    public var participant: ParticipantID
    public var side: Side
    public var type: OrderType
    public var timeInForce: TimeInForce
    /// Ignored for market orders.
    public var price: Price
    public var quantity: Quantity
    /// Rejected (not re-priced) if any part would execute on arrival.
    public var postOnly: Bool

    public init(
        symbol: SymbolIndex, participant: ParticipantID, side: Side,
        type: OrderType = .limit, timeInForce: TimeInForce = .day,
        price: Price, quantity: Quantity, postOnly: Bool = false
    ) {
        self.symbol = symbol
        self.participant = participant
        self.side = side
        self.type = type
        self.timeInForce = timeInForce
        self.price = price
        self.quantity = quantity
        self.postOnly = postOnly
    }
}

/// Why the engine refused an instruction. Every reject carries one.
public enum RejectReason: UInt8, Sendable, CaseIterable {
    case unknownSymbol
    case unknownOrder
    case notOrderOwner
    case invalidQuantity
    case invalidPrice
    case priceNotOnTick
    case marketClosed
    case postOnlyWouldTake
    case fillOrKillNotFillable
    case marketOrderNotAllowedInPhase
    case immediateOrderNotAllowedInPhase
    case replaceWouldNotChange
    case reduceExceedsOpenQuantity
}

/// Why open quantity left the book without trading.
public enum CancelReason: UInt8, Sendable, CaseIterable {
    /// The owner asked (cancel, or the reduced part of a reduce).
    case requested
    /// An IOC or market order's unfilled remainder.
    case immediateOrCancel
    /// Self-trade prevention removed it.
    case selfTradePrevention
    /// A day order at the daily close.
    case endOfDay
    /// A market order with nothing left to trade against.
    case noLiquidity
}

/// One match between an incoming (aggressor) and a resting order, identified
/// by a match number unique within the engine; both sides share it.
public struct Execution: Hashable, Sendable {
    // Stored eight-byte fields first, then the four-byte ones, then the side:
    // 69 bytes instead of 88 with padding, which makes every `EngineEvent`
    // (the largest case sets its size) 72 bytes instead of 88.
    public var matchID: UInt64
    public var price: Price
    public var quantity: Quantity
    public var aggressor: OrderID
    public var aggressorRemaining: Quantity
    public var resting: OrderID
    public var restingRemaining: Quantity
    public var symbol: SymbolIndex
    public var aggressorParticipant: ParticipantID
    public var restingParticipant: ParticipantID
    /// The side of the aggressor (for auction executions: the buy side).
    public var aggressorSide: Side

    public init(
        matchID: UInt64, symbol: SymbolIndex, price: Price, quantity: Quantity, aggressorSide: Side,
        aggressor: OrderID, aggressorParticipant: ParticipantID, aggressorRemaining: Quantity,
        resting: OrderID, restingParticipant: ParticipantID, restingRemaining: Quantity
    ) {
        self.matchID = matchID
        self.symbol = symbol
        self.price = price
        self.quantity = quantity
        self.aggressorSide = aggressorSide
        self.aggressor = aggressor
        self.aggressorParticipant = aggressorParticipant
        self.aggressorRemaining = aggressorRemaining
        self.resting = resting
        self.restingParticipant = restingParticipant
        self.restingRemaining = restingRemaining
    }
}

/// What an engine reports, in the order things happened.
public enum EngineEvent: Hashable, Sendable {
    /// A new order passed validation (it may then trade, rest or be cancelled).
    case accepted(OrderID, symbol: SymbolIndex, participant: ParticipantID, side: Side, price: Price, quantity: Quantity)
    /// An instruction was refused; `order` is the new order's assigned id, or the
    /// id a cancel/reduce/replace named.
    case rejected(OrderID, symbol: SymbolIndex, reason: RejectReason)
    case executed(Execution)
    /// Open quantity removed without trading; `remaining` is what still rests.
    case cancelled(OrderID, symbol: SymbolIndex, quantity: Quantity, remaining: Quantity, reason: CancelReason)
    /// A replace took effect. A price change or a larger quantity loses time priority.
    case replaced(OrderID, symbol: SymbolIndex, price: Price, quantity: Quantity, keptPriority: Bool)
    /// The aggregate resting quantity at a price level changed (zero: level gone).
    case bookChanged(symbol: SymbolIndex, side: Side, price: Price, levelQuantity: Quantity)
    case phaseChanged(symbol: SymbolIndex, phase: TradingPhase)
}

/// A symbol's static configuration in an engine.
public struct SymbolConfig: Hashable, Sendable {
    /// Up to 8 ASCII characters (the ITCH Stock field).
    public var name: String
    /// Tick size in price units; every order price must be a multiple of it.
    public var tickSize: Int64
    /// The last price before any trade, used for auction tie-breaks.
    public var referencePrice: Price

    public init(name: String, tickSize: Int64, referencePrice: Price) {
        precondition(tickSize > 0, "tick size must be positive")
        self.name = name
        self.tickSize = tickSize
        self.referencePrice = referencePrice
    }
}
