// The ITCH 5.0 message types, their fixed lengths, and the two ways of
// holding any message: a value (`ITCHMessage`) and a view over the buffer
// (`ITCHMessageView`).

/// An ITCH 5.0 message type byte. Every type has one fixed length, so the type
/// byte and the length together validate a message's framing.
public enum ITCHMessageType: UInt8, CaseIterable, Sendable {
    /// 'S' System Event, 12 bytes.
    case systemEvent = 0x53
    /// 'R' Stock Directory, 39 bytes.
    case stockDirectory = 0x52
    /// 'H' Stock Trading Action, 25 bytes.
    case stockTradingAction = 0x48
    /// 'Y' Reg SHO Short Sale Price Test Restriction, 20 bytes.
    case regSHORestriction = 0x59
    /// 'L' Market Participant Position, 26 bytes.
    case marketParticipantPosition = 0x4C
    /// 'V' Market-Wide Circuit Breaker Decline Level, 35 bytes.
    case mwcbDeclineLevel = 0x56
    /// 'W' Market-Wide Circuit Breaker Status, 12 bytes.
    case mwcbStatus = 0x57
    /// 'K' IPO Quoting Period Update, 28 bytes.
    case ipoQuotingPeriodUpdate = 0x4B
    /// 'J' LULD Auction Collar, 35 bytes.
    case luldAuctionCollar = 0x4A
    /// 'h' Operational Halt, 21 bytes.
    case operationalHalt = 0x68
    /// 'A' Add Order, no MPID attribution, 36 bytes.
    case addOrder = 0x41
    /// 'F' Add Order with MPID attribution, 40 bytes.
    case addOrderWithMPID = 0x46
    /// 'E' Order Executed, 31 bytes.
    case orderExecuted = 0x45
    /// 'C' Order Executed With Price, 36 bytes.
    case orderExecutedWithPrice = 0x43
    /// 'X' Order Cancel, 23 bytes.
    case orderCancel = 0x58
    /// 'D' Order Delete, 19 bytes.
    case orderDelete = 0x44
    /// 'U' Order Replace, 35 bytes.
    case orderReplace = 0x55
    /// 'P' Trade (non-cross), 44 bytes.
    case trade = 0x50
    /// 'Q' Cross Trade, 40 bytes.
    case crossTrade = 0x51
    /// 'B' Broken Trade, 19 bytes.
    case brokenTrade = 0x42
    /// 'I' Net Order Imbalance Indicator, 50 bytes.
    case noii = 0x49
    /// 'N' Retail Price Improvement Indicator, 20 bytes.
    case retailPriceImprovementIndicator = 0x4E
    /// 'O' Direct Listing with Capital Raise Price Discovery, 48 bytes.
    case dlcrPriceDiscovery = 0x4F

    /// The message's length in bytes, type byte included (not the u16 block prefix).
    @inlinable
    public var length: Int {
        switch self {
        case .systemEvent: return 12
        case .stockDirectory: return 39
        case .stockTradingAction: return 25
        case .regSHORestriction: return 20
        case .marketParticipantPosition: return 26
        case .mwcbDeclineLevel: return 35
        case .mwcbStatus: return 12
        case .ipoQuotingPeriodUpdate: return 28
        case .luldAuctionCollar: return 35
        case .operationalHalt: return 21
        case .addOrder: return 36
        case .addOrderWithMPID: return 40
        case .orderExecuted: return 31
        case .orderExecutedWithPrice: return 36
        case .orderCancel: return 23
        case .orderDelete: return 19
        case .orderReplace: return 35
        case .trade: return 44
        case .crossTrade: return 40
        case .brokenTrade: return 19
        case .noii: return 50
        case .retailPriceImprovementIndicator: return 20
        case .dlcrPriceDiscovery: return 48
        }
    }
}

extension ITCHMessageType {
    /// The length of a message whose first byte is `typeByte`, type byte
    /// included; 0 when the byte names no ITCH 5.0 type.
    ///
    /// One load from a constant table with no branch. A `switch` here (or
    /// `init(rawValue:)` followed by `length`) gets merged by the optimiser
    /// with the caller's length check into a jump table, which costs a
    /// mispredicted indirect branch per message on top of the caller's own
    /// dispatch on the type.
    @inlinable @inline(__always)
    public static func length(ofTypeByte typeByte: UInt8) -> Int {
        // Row n holds type bytes 16n..<16n+16; each length is one character
        // code. A string literal is the one constant table an inlined function
        // can carry into another module without a lazily initialised global.
        let lengths: StaticString = """
        \0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\
        \0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\
        \0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\
        \0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\
        \0\u{24}\u{13}\u{24}\u{13}\u{1F}\u{28}\0\u{19}\u{32}\u{23}\u{1C}\u{1A}\0\u{14}\u{30}\
        \u{2C}\u{28}\u{27}\u{C}\0\u{23}\u{23}\u{C}\u{17}\u{14}\0\0\0\0\0\0\
        \0\0\0\0\0\0\0\0\u{15}\0\0\0\0\0\0\0\
        \0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\
        \0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\
        \0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\
        \0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\
        \0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\
        \0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\
        \0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\
        \0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\
        \0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0
        """
        return Int(lengths.utf8Start[Int(typeByte)])
    }
}

/// Any ITCH 5.0 message, as a value.
public enum ITCHMessage: ITCHEncodable, Hashable, Sendable {
    case systemEvent(ITCHSystemEvent)
    case stockDirectory(ITCHStockDirectory)
    case stockTradingAction(ITCHStockTradingAction)
    case regSHORestriction(ITCHRegSHORestriction)
    case marketParticipantPosition(ITCHMarketParticipantPosition)
    case mwcbDeclineLevel(ITCHMWCBDeclineLevel)
    case mwcbStatus(ITCHMWCBStatus)
    case ipoQuotingPeriodUpdate(ITCHIPOQuotingPeriodUpdate)
    case luldAuctionCollar(ITCHLULDAuctionCollar)
    case operationalHalt(ITCHOperationalHalt)
    case addOrder(ITCHAddOrder)
    case addOrderWithMPID(ITCHAddOrderWithMPID)
    case orderExecuted(ITCHOrderExecuted)
    case orderExecutedWithPrice(ITCHOrderExecutedWithPrice)
    case orderCancel(ITCHOrderCancel)
    case orderDelete(ITCHOrderDelete)
    case orderReplace(ITCHOrderReplace)
    case trade(ITCHTrade)
    case crossTrade(ITCHCrossTrade)
    case brokenTrade(ITCHBrokenTrade)
    case noii(ITCHNOII)
    case retailPriceImprovementIndicator(ITCHRetailPriceImprovementIndicator)
    case dlcrPriceDiscovery(ITCHDLCRPriceDiscovery)

    /// Decodes one message: the type byte must be known and the buffer exactly that type's length.
    @inlinable
    public init(decoding bytes: UnsafeRawBufferPointer) throws(WireDecodingError) {
        self = try ITCHMessageView(validating: bytes).message
    }

    @inlinable
    public var messageType: ITCHMessageType {
        switch self {
        case .systemEvent: return .systemEvent
        case .stockDirectory: return .stockDirectory
        case .stockTradingAction: return .stockTradingAction
        case .regSHORestriction: return .regSHORestriction
        case .marketParticipantPosition: return .marketParticipantPosition
        case .mwcbDeclineLevel: return .mwcbDeclineLevel
        case .mwcbStatus: return .mwcbStatus
        case .ipoQuotingPeriodUpdate: return .ipoQuotingPeriodUpdate
        case .luldAuctionCollar: return .luldAuctionCollar
        case .operationalHalt: return .operationalHalt
        case .addOrder: return .addOrder
        case .addOrderWithMPID: return .addOrderWithMPID
        case .orderExecuted: return .orderExecuted
        case .orderExecutedWithPrice: return .orderExecutedWithPrice
        case .orderCancel: return .orderCancel
        case .orderDelete: return .orderDelete
        case .orderReplace: return .orderReplace
        case .trade: return .trade
        case .crossTrade: return .crossTrade
        case .brokenTrade: return .brokenTrade
        case .noii: return .noii
        case .retailPriceImprovementIndicator: return .retailPriceImprovementIndicator
        case .dlcrPriceDiscovery: return .dlcrPriceDiscovery
        }
    }

    @inlinable
    public var encodedLength: Int { messageType.length }

    /// Writes the message at the start of `buffer` and returns its length.
    /// - Precondition: `buffer` holds at least `encodedLength` bytes.
    @inlinable
    public func encode(into buffer: UnsafeMutableRawBufferPointer) -> Int {
        switch self {
        case .systemEvent(let message): return message.encode(into: buffer)
        case .stockDirectory(let message): return message.encode(into: buffer)
        case .stockTradingAction(let message): return message.encode(into: buffer)
        case .regSHORestriction(let message): return message.encode(into: buffer)
        case .marketParticipantPosition(let message): return message.encode(into: buffer)
        case .mwcbDeclineLevel(let message): return message.encode(into: buffer)
        case .mwcbStatus(let message): return message.encode(into: buffer)
        case .ipoQuotingPeriodUpdate(let message): return message.encode(into: buffer)
        case .luldAuctionCollar(let message): return message.encode(into: buffer)
        case .operationalHalt(let message): return message.encode(into: buffer)
        case .addOrder(let message): return message.encode(into: buffer)
        case .addOrderWithMPID(let message): return message.encode(into: buffer)
        case .orderExecuted(let message): return message.encode(into: buffer)
        case .orderExecutedWithPrice(let message): return message.encode(into: buffer)
        case .orderCancel(let message): return message.encode(into: buffer)
        case .orderDelete(let message): return message.encode(into: buffer)
        case .orderReplace(let message): return message.encode(into: buffer)
        case .trade(let message): return message.encode(into: buffer)
        case .crossTrade(let message): return message.encode(into: buffer)
        case .brokenTrade(let message): return message.encode(into: buffer)
        case .noii(let message): return message.encode(into: buffer)
        case .retailPriceImprovementIndicator(let message): return message.encode(into: buffer)
        case .dlcrPriceDiscovery(let message): return message.encode(into: buffer)
        }
    }
}

extension ITCHMessage {
    /// The header's stock locate code.
    @inlinable
    public var stockLocate: UInt16 {
        switch self {
        case .systemEvent(let message): return message.stockLocate
        case .stockDirectory(let message): return message.stockLocate
        case .stockTradingAction(let message): return message.stockLocate
        case .regSHORestriction(let message): return message.stockLocate
        case .marketParticipantPosition(let message): return message.stockLocate
        case .mwcbDeclineLevel(let message): return message.stockLocate
        case .mwcbStatus(let message): return message.stockLocate
        case .ipoQuotingPeriodUpdate(let message): return message.stockLocate
        case .luldAuctionCollar(let message): return message.stockLocate
        case .operationalHalt(let message): return message.stockLocate
        case .addOrder(let message): return message.stockLocate
        case .addOrderWithMPID(let message): return message.stockLocate
        case .orderExecuted(let message): return message.stockLocate
        case .orderExecutedWithPrice(let message): return message.stockLocate
        case .orderCancel(let message): return message.stockLocate
        case .orderDelete(let message): return message.stockLocate
        case .orderReplace(let message): return message.stockLocate
        case .trade(let message): return message.stockLocate
        case .crossTrade(let message): return message.stockLocate
        case .brokenTrade(let message): return message.stockLocate
        case .noii(let message): return message.stockLocate
        case .retailPriceImprovementIndicator(let message): return message.stockLocate
        case .dlcrPriceDiscovery(let message): return message.stockLocate
        }
    }

    /// The header's tracking number.
    @inlinable
    public var trackingNumber: UInt16 {
        switch self {
        case .systemEvent(let message): return message.trackingNumber
        case .stockDirectory(let message): return message.trackingNumber
        case .stockTradingAction(let message): return message.trackingNumber
        case .regSHORestriction(let message): return message.trackingNumber
        case .marketParticipantPosition(let message): return message.trackingNumber
        case .mwcbDeclineLevel(let message): return message.trackingNumber
        case .mwcbStatus(let message): return message.trackingNumber
        case .ipoQuotingPeriodUpdate(let message): return message.trackingNumber
        case .luldAuctionCollar(let message): return message.trackingNumber
        case .operationalHalt(let message): return message.trackingNumber
        case .addOrder(let message): return message.trackingNumber
        case .addOrderWithMPID(let message): return message.trackingNumber
        case .orderExecuted(let message): return message.trackingNumber
        case .orderExecutedWithPrice(let message): return message.trackingNumber
        case .orderCancel(let message): return message.trackingNumber
        case .orderDelete(let message): return message.trackingNumber
        case .orderReplace(let message): return message.trackingNumber
        case .trade(let message): return message.trackingNumber
        case .crossTrade(let message): return message.trackingNumber
        case .brokenTrade(let message): return message.trackingNumber
        case .noii(let message): return message.trackingNumber
        case .retailPriceImprovementIndicator(let message): return message.trackingNumber
        case .dlcrPriceDiscovery(let message): return message.trackingNumber
        }
    }

    /// The header's timestamp, nanoseconds since midnight.
    @inlinable
    public var timestampNs: UInt64 {
        switch self {
        case .systemEvent(let message): return message.timestampNs
        case .stockDirectory(let message): return message.timestampNs
        case .stockTradingAction(let message): return message.timestampNs
        case .regSHORestriction(let message): return message.timestampNs
        case .marketParticipantPosition(let message): return message.timestampNs
        case .mwcbDeclineLevel(let message): return message.timestampNs
        case .mwcbStatus(let message): return message.timestampNs
        case .ipoQuotingPeriodUpdate(let message): return message.timestampNs
        case .luldAuctionCollar(let message): return message.timestampNs
        case .operationalHalt(let message): return message.timestampNs
        case .addOrder(let message): return message.timestampNs
        case .addOrderWithMPID(let message): return message.timestampNs
        case .orderExecuted(let message): return message.timestampNs
        case .orderExecutedWithPrice(let message): return message.timestampNs
        case .orderCancel(let message): return message.timestampNs
        case .orderDelete(let message): return message.timestampNs
        case .orderReplace(let message): return message.timestampNs
        case .trade(let message): return message.timestampNs
        case .crossTrade(let message): return message.timestampNs
        case .brokenTrade(let message): return message.timestampNs
        case .noii(let message): return message.timestampNs
        case .retailPriceImprovementIndicator(let message): return message.timestampNs
        case .dlcrPriceDiscovery(let message): return message.timestampNs
        }
    }
}

/// A zero-copy view of one validated ITCH 5.0 message of any type: the fast
/// path for a feed handler. Validation is exactly "type known and length
/// matches"; code fields such as `ITCHSide` are open
/// sets and are not checked.
///
/// The fastest way to read it is one dispatch on `kind`, which hands out the
/// typed view of the message's own type without checking anything again.
public struct ITCHMessageView {
    public let bytes: UnsafeRawBufferPointer
    /// The type byte as it was validated. Held apart from `bytes` so that the
    /// typed views stay within the length that was checked even if the caller
    /// overwrites the buffer afterwards.
    public let typeByte: UInt8

    @inlinable
    public init(validating bytes: UnsafeRawBufferPointer) throws(WireDecodingError) {
        guard let first = bytes.first else { throw .truncated(needed: 1, available: 0) }
        let expected = ITCHMessageType.length(ofTypeByte: first)
        // A table lookup and one compare instead of a branch per type: unknown
        // bytes map to 0, which no non-empty buffer matches.
        guard bytes.count == expected else {
            if expected == 0 { throw .unknownMessageType(first) }
            throw .wrongLength(messageType: first, expected: expected, actual: bytes.count)
        }
        self.bytes = bytes
        self.typeByte = first
    }

    /// For framers that have already matched the length against
    /// `ITCHMessageType.length(ofTypeByte:)`.
    /// - Precondition (unchecked): `typeByte` is a known type and `bytes` is exactly its length.
    @inlinable @inline(__always)
    init(unchecked bytes: UnsafeRawBufferPointer, typeByte: UInt8) {
        self.bytes = bytes
        self.typeByte = typeByte
    }

    @inlinable
    public var messageType: ITCHMessageType {
        // Validation admitted only known type bytes.
        ITCHMessageType(rawValue: typeByte).unsafelyUnwrapped
    }

    @inlinable public var stockLocate: UInt16 { bytes.readUInt16BE(at: 1) }
    @inlinable public var trackingNumber: UInt16 { bytes.readUInt16BE(at: 3) }
    @inlinable public var timestampNs: UInt64 { bytes.readUInt48BE(at: 5) }

    /// The 'S' view, or nil for another type.
    @inlinable public var systemEvent: ITCHSystemEventView? {
        typeByte == ITCHMessageType.systemEvent.rawValue ? ITCHSystemEventView(unchecked: bytes) : nil
    }
    /// The 'R' view, or nil for another type.
    @inlinable public var stockDirectory: ITCHStockDirectoryView? {
        typeByte == ITCHMessageType.stockDirectory.rawValue ? ITCHStockDirectoryView(unchecked: bytes) : nil
    }
    /// The 'H' view, or nil for another type.
    @inlinable public var stockTradingAction: ITCHStockTradingActionView? {
        typeByte == ITCHMessageType.stockTradingAction.rawValue ? ITCHStockTradingActionView(unchecked: bytes) : nil
    }
    /// The 'Y' view, or nil for another type.
    @inlinable public var regSHORestriction: ITCHRegSHORestrictionView? {
        typeByte == ITCHMessageType.regSHORestriction.rawValue ? ITCHRegSHORestrictionView(unchecked: bytes) : nil
    }
    /// The 'L' view, or nil for another type.
    @inlinable public var marketParticipantPosition: ITCHMarketParticipantPositionView? {
        typeByte == ITCHMessageType.marketParticipantPosition.rawValue ? ITCHMarketParticipantPositionView(unchecked: bytes) : nil
    }
    /// The 'V' view, or nil for another type.
    @inlinable public var mwcbDeclineLevel: ITCHMWCBDeclineLevelView? {
        typeByte == ITCHMessageType.mwcbDeclineLevel.rawValue ? ITCHMWCBDeclineLevelView(unchecked: bytes) : nil
    }
    /// The 'W' view, or nil for another type.
    @inlinable public var mwcbStatus: ITCHMWCBStatusView? {
        typeByte == ITCHMessageType.mwcbStatus.rawValue ? ITCHMWCBStatusView(unchecked: bytes) : nil
    }
    /// The 'K' view, or nil for another type.
    @inlinable public var ipoQuotingPeriodUpdate: ITCHIPOQuotingPeriodUpdateView? {
        typeByte == ITCHMessageType.ipoQuotingPeriodUpdate.rawValue ? ITCHIPOQuotingPeriodUpdateView(unchecked: bytes) : nil
    }
    /// The 'J' view, or nil for another type.
    @inlinable public var luldAuctionCollar: ITCHLULDAuctionCollarView? {
        typeByte == ITCHMessageType.luldAuctionCollar.rawValue ? ITCHLULDAuctionCollarView(unchecked: bytes) : nil
    }
    /// The 'h' view, or nil for another type.
    @inlinable public var operationalHalt: ITCHOperationalHaltView? {
        typeByte == ITCHMessageType.operationalHalt.rawValue ? ITCHOperationalHaltView(unchecked: bytes) : nil
    }
    /// The 'A' view, or nil for another type.
    @inlinable public var addOrder: ITCHAddOrderView? {
        typeByte == ITCHMessageType.addOrder.rawValue ? ITCHAddOrderView(unchecked: bytes) : nil
    }
    /// The 'F' view, or nil for another type.
    @inlinable public var addOrderWithMPID: ITCHAddOrderWithMPIDView? {
        typeByte == ITCHMessageType.addOrderWithMPID.rawValue ? ITCHAddOrderWithMPIDView(unchecked: bytes) : nil
    }
    /// The 'E' view, or nil for another type.
    @inlinable public var orderExecuted: ITCHOrderExecutedView? {
        typeByte == ITCHMessageType.orderExecuted.rawValue ? ITCHOrderExecutedView(unchecked: bytes) : nil
    }
    /// The 'C' view, or nil for another type.
    @inlinable public var orderExecutedWithPrice: ITCHOrderExecutedWithPriceView? {
        typeByte == ITCHMessageType.orderExecutedWithPrice.rawValue ? ITCHOrderExecutedWithPriceView(unchecked: bytes) : nil
    }
    /// The 'X' view, or nil for another type.
    @inlinable public var orderCancel: ITCHOrderCancelView? {
        typeByte == ITCHMessageType.orderCancel.rawValue ? ITCHOrderCancelView(unchecked: bytes) : nil
    }
    /// The 'D' view, or nil for another type.
    @inlinable public var orderDelete: ITCHOrderDeleteView? {
        typeByte == ITCHMessageType.orderDelete.rawValue ? ITCHOrderDeleteView(unchecked: bytes) : nil
    }
    /// The 'U' view, or nil for another type.
    @inlinable public var orderReplace: ITCHOrderReplaceView? {
        typeByte == ITCHMessageType.orderReplace.rawValue ? ITCHOrderReplaceView(unchecked: bytes) : nil
    }
    /// The 'P' view, or nil for another type.
    @inlinable public var trade: ITCHTradeView? {
        typeByte == ITCHMessageType.trade.rawValue ? ITCHTradeView(unchecked: bytes) : nil
    }
    /// The 'Q' view, or nil for another type.
    @inlinable public var crossTrade: ITCHCrossTradeView? {
        typeByte == ITCHMessageType.crossTrade.rawValue ? ITCHCrossTradeView(unchecked: bytes) : nil
    }
    /// The 'B' view, or nil for another type.
    @inlinable public var brokenTrade: ITCHBrokenTradeView? {
        typeByte == ITCHMessageType.brokenTrade.rawValue ? ITCHBrokenTradeView(unchecked: bytes) : nil
    }
    /// The 'I' view, or nil for another type.
    @inlinable public var noii: ITCHNOIIView? {
        typeByte == ITCHMessageType.noii.rawValue ? ITCHNOIIView(unchecked: bytes) : nil
    }
    /// The 'N' view, or nil for another type.
    @inlinable public var retailPriceImprovementIndicator: ITCHRetailPriceImprovementIndicatorView? {
        typeByte == ITCHMessageType.retailPriceImprovementIndicator.rawValue ? ITCHRetailPriceImprovementIndicatorView(unchecked: bytes) : nil
    }
    /// The 'O' view, or nil for another type.
    @inlinable public var dlcrPriceDiscovery: ITCHDLCRPriceDiscoveryView? {
        typeByte == ITCHMessageType.dlcrPriceDiscovery.rawValue ? ITCHDLCRPriceDiscoveryView(unchecked: bytes) : nil
    }

    /// The message copied into a value.
    @inlinable
    public var message: ITCHMessage {
        switch messageType {
        case .systemEvent: return .systemEvent(ITCHSystemEventView(unchecked: bytes).message)
        case .stockDirectory: return .stockDirectory(ITCHStockDirectoryView(unchecked: bytes).message)
        case .stockTradingAction: return .stockTradingAction(ITCHStockTradingActionView(unchecked: bytes).message)
        case .regSHORestriction: return .regSHORestriction(ITCHRegSHORestrictionView(unchecked: bytes).message)
        case .marketParticipantPosition: return .marketParticipantPosition(ITCHMarketParticipantPositionView(unchecked: bytes).message)
        case .mwcbDeclineLevel: return .mwcbDeclineLevel(ITCHMWCBDeclineLevelView(unchecked: bytes).message)
        case .mwcbStatus: return .mwcbStatus(ITCHMWCBStatusView(unchecked: bytes).message)
        case .ipoQuotingPeriodUpdate: return .ipoQuotingPeriodUpdate(ITCHIPOQuotingPeriodUpdateView(unchecked: bytes).message)
        case .luldAuctionCollar: return .luldAuctionCollar(ITCHLULDAuctionCollarView(unchecked: bytes).message)
        case .operationalHalt: return .operationalHalt(ITCHOperationalHaltView(unchecked: bytes).message)
        case .addOrder: return .addOrder(ITCHAddOrderView(unchecked: bytes).message)
        case .addOrderWithMPID: return .addOrderWithMPID(ITCHAddOrderWithMPIDView(unchecked: bytes).message)
        case .orderExecuted: return .orderExecuted(ITCHOrderExecutedView(unchecked: bytes).message)
        case .orderExecutedWithPrice: return .orderExecutedWithPrice(ITCHOrderExecutedWithPriceView(unchecked: bytes).message)
        case .orderCancel: return .orderCancel(ITCHOrderCancelView(unchecked: bytes).message)
        case .orderDelete: return .orderDelete(ITCHOrderDeleteView(unchecked: bytes).message)
        case .orderReplace: return .orderReplace(ITCHOrderReplaceView(unchecked: bytes).message)
        case .trade: return .trade(ITCHTradeView(unchecked: bytes).message)
        case .crossTrade: return .crossTrade(ITCHCrossTradeView(unchecked: bytes).message)
        case .brokenTrade: return .brokenTrade(ITCHBrokenTradeView(unchecked: bytes).message)
        case .noii: return .noii(ITCHNOIIView(unchecked: bytes).message)
        case .retailPriceImprovementIndicator: return .retailPriceImprovementIndicator(ITCHRetailPriceImprovementIndicatorView(unchecked: bytes).message)
        case .dlcrPriceDiscovery: return .dlcrPriceDiscovery(ITCHDLCRPriceDiscoveryView(unchecked: bytes).message)
        }
    }
}

/// A validated message as the typed view of its own type: what
/// `ITCHMessageView.kind` returns, so that a feed handler dispatches once.
public enum ITCHMessageViewKind {
    case systemEvent(ITCHSystemEventView)
    case stockDirectory(ITCHStockDirectoryView)
    case stockTradingAction(ITCHStockTradingActionView)
    case regSHORestriction(ITCHRegSHORestrictionView)
    case marketParticipantPosition(ITCHMarketParticipantPositionView)
    case mwcbDeclineLevel(ITCHMWCBDeclineLevelView)
    case mwcbStatus(ITCHMWCBStatusView)
    case ipoQuotingPeriodUpdate(ITCHIPOQuotingPeriodUpdateView)
    case luldAuctionCollar(ITCHLULDAuctionCollarView)
    case operationalHalt(ITCHOperationalHaltView)
    case addOrder(ITCHAddOrderView)
    case addOrderWithMPID(ITCHAddOrderWithMPIDView)
    case orderExecuted(ITCHOrderExecutedView)
    case orderExecutedWithPrice(ITCHOrderExecutedWithPriceView)
    case orderCancel(ITCHOrderCancelView)
    case orderDelete(ITCHOrderDeleteView)
    case orderReplace(ITCHOrderReplaceView)
    case trade(ITCHTradeView)
    case crossTrade(ITCHCrossTradeView)
    case brokenTrade(ITCHBrokenTradeView)
    case noii(ITCHNOIIView)
    case retailPriceImprovementIndicator(ITCHRetailPriceImprovementIndicatorView)
    case dlcrPriceDiscovery(ITCHDLCRPriceDiscoveryView)
}

extension ITCHMessageView {
    /// The typed view of this message. Inlined into a `switch`, the type byte
    /// is dispatched on once: the enum is never materialised and no view
    /// re-checks the length the validation already matched.
    @inlinable @inline(__always)
    public var kind: ITCHMessageViewKind {
        switch typeByte {
        case ITCHMessageType.systemEvent.rawValue: return .systemEvent(ITCHSystemEventView(unchecked: bytes))
        case ITCHMessageType.stockDirectory.rawValue: return .stockDirectory(ITCHStockDirectoryView(unchecked: bytes))
        case ITCHMessageType.stockTradingAction.rawValue: return .stockTradingAction(ITCHStockTradingActionView(unchecked: bytes))
        case ITCHMessageType.regSHORestriction.rawValue: return .regSHORestriction(ITCHRegSHORestrictionView(unchecked: bytes))
        case ITCHMessageType.marketParticipantPosition.rawValue: return .marketParticipantPosition(ITCHMarketParticipantPositionView(unchecked: bytes))
        case ITCHMessageType.mwcbDeclineLevel.rawValue: return .mwcbDeclineLevel(ITCHMWCBDeclineLevelView(unchecked: bytes))
        case ITCHMessageType.mwcbStatus.rawValue: return .mwcbStatus(ITCHMWCBStatusView(unchecked: bytes))
        case ITCHMessageType.ipoQuotingPeriodUpdate.rawValue: return .ipoQuotingPeriodUpdate(ITCHIPOQuotingPeriodUpdateView(unchecked: bytes))
        case ITCHMessageType.luldAuctionCollar.rawValue: return .luldAuctionCollar(ITCHLULDAuctionCollarView(unchecked: bytes))
        case ITCHMessageType.operationalHalt.rawValue: return .operationalHalt(ITCHOperationalHaltView(unchecked: bytes))
        case ITCHMessageType.addOrder.rawValue: return .addOrder(ITCHAddOrderView(unchecked: bytes))
        case ITCHMessageType.addOrderWithMPID.rawValue: return .addOrderWithMPID(ITCHAddOrderWithMPIDView(unchecked: bytes))
        case ITCHMessageType.orderExecuted.rawValue: return .orderExecuted(ITCHOrderExecutedView(unchecked: bytes))
        case ITCHMessageType.orderExecutedWithPrice.rawValue: return .orderExecutedWithPrice(ITCHOrderExecutedWithPriceView(unchecked: bytes))
        case ITCHMessageType.orderCancel.rawValue: return .orderCancel(ITCHOrderCancelView(unchecked: bytes))
        case ITCHMessageType.orderDelete.rawValue: return .orderDelete(ITCHOrderDeleteView(unchecked: bytes))
        case ITCHMessageType.orderReplace.rawValue: return .orderReplace(ITCHOrderReplaceView(unchecked: bytes))
        case ITCHMessageType.trade.rawValue: return .trade(ITCHTradeView(unchecked: bytes))
        case ITCHMessageType.crossTrade.rawValue: return .crossTrade(ITCHCrossTradeView(unchecked: bytes))
        case ITCHMessageType.brokenTrade.rawValue: return .brokenTrade(ITCHBrokenTradeView(unchecked: bytes))
        case ITCHMessageType.noii.rawValue: return .noii(ITCHNOIIView(unchecked: bytes))
        case ITCHMessageType.retailPriceImprovementIndicator.rawValue: return .retailPriceImprovementIndicator(ITCHRetailPriceImprovementIndicatorView(unchecked: bytes))
        case ITCHMessageType.dlcrPriceDiscovery.rawValue: return .dlcrPriceDiscovery(ITCHDLCRPriceDiscoveryView(unchecked: bytes))
        default: preconditionFailure("an ITCHMessageView holds a validated type byte")
        }
    }
}
