// Single-character code fields of ITCH 5.0.
//
// Each is an open set: a struct over the raw byte with the letters the spec
// defines today as constants. Nasdaq has added codes over the life of 5.0
// (new cross types, DLCR, issue sub-types), and a feed handler must pass an
// unfamiliar code through rather than drop the message, so decoding never
// fails on a code byte and every byte re-encodes unchanged. Whether a code is
// acceptable is the consumer's decision. Codes used by one field only, and
// rarely acted on, are plain `UInt8` fields documented with their letters.

/// Buy/Sell Indicator ('A', 'F', 'P').
public struct ITCHSide: RawRepresentable, Hashable, Sendable {
    public var rawValue: UInt8
    @inlinable public init(rawValue: UInt8) { self.rawValue = rawValue }

    public static let buy = ITCHSide(rawValue: UInt8(ascii: "B"))
    public static let sell = ITCHSide(rawValue: UInt8(ascii: "S"))
}

/// System Event Code ('S').
public struct ITCHSystemEventCode: RawRepresentable, Hashable, Sendable {
    public var rawValue: UInt8
    @inlinable public init(rawValue: UInt8) { self.rawValue = rawValue }

    public static let startOfMessages = ITCHSystemEventCode(rawValue: UInt8(ascii: "O"))
    public static let startOfSystemHours = ITCHSystemEventCode(rawValue: UInt8(ascii: "S"))
    public static let startOfMarketHours = ITCHSystemEventCode(rawValue: UInt8(ascii: "Q"))
    public static let endOfMarketHours = ITCHSystemEventCode(rawValue: UInt8(ascii: "M"))
    public static let endOfSystemHours = ITCHSystemEventCode(rawValue: UInt8(ascii: "E"))
    /// The last message of the day; historical-file readers stop here.
    public static let endOfMessages = ITCHSystemEventCode(rawValue: UInt8(ascii: "C"))
}

/// Trading State ('H').
public struct ITCHTradingState: RawRepresentable, Hashable, Sendable {
    public var rawValue: UInt8
    @inlinable public init(rawValue: UInt8) { self.rawValue = rawValue }

    public static let halted = ITCHTradingState(rawValue: UInt8(ascii: "H"))
    public static let paused = ITCHTradingState(rawValue: UInt8(ascii: "P"))
    public static let quotationOnly = ITCHTradingState(rawValue: UInt8(ascii: "Q"))
    public static let trading = ITCHTradingState(rawValue: UInt8(ascii: "T"))
}

/// Cross Type ('Q' and 'I').
public struct ITCHCrossType: RawRepresentable, Hashable, Sendable {
    public var rawValue: UInt8
    @inlinable public init(rawValue: UInt8) { self.rawValue = rawValue }

    public static let opening = ITCHCrossType(rawValue: UInt8(ascii: "O"))
    public static let closing = ITCHCrossType(rawValue: UInt8(ascii: "C"))
    /// IPO or halted security.
    public static let haltOrIPO = ITCHCrossType(rawValue: UInt8(ascii: "H"))
    public static let intraday = ITCHCrossType(rawValue: UInt8(ascii: "I"))
    /// Extended trading close ('I' only).
    public static let extendedTradingClose = ITCHCrossType(rawValue: UInt8(ascii: "A"))
}

/// Imbalance Direction ('I').
public struct ITCHImbalanceDirection: RawRepresentable, Hashable, Sendable {
    public var rawValue: UInt8
    @inlinable public init(rawValue: UInt8) { self.rawValue = rawValue }

    public static let buy = ITCHImbalanceDirection(rawValue: UInt8(ascii: "B"))
    public static let sell = ITCHImbalanceDirection(rawValue: UInt8(ascii: "S"))
    public static let noImbalance = ITCHImbalanceDirection(rawValue: UInt8(ascii: "N"))
    public static let insufficientOrders = ITCHImbalanceDirection(rawValue: UInt8(ascii: "O"))
    public static let paused = ITCHImbalanceDirection(rawValue: UInt8(ascii: "P"))
}
