import MatchingEngine
import Wire

/// A venue's TotalView-ITCH 5.0 feed over MoldUDP64: encodes book feed
/// updates as ITCH messages and packs them into downstream packets.
///
/// Sans-I/O: the returned actions say which packets to multicast and when to
/// call `heartbeatTimerFired`. Timestamps are nanoseconds since midnight, the
/// driver's clock plus `startOfDayOffsetNs` (a simulated run starts at the
/// market open by default).
public struct ITCHFeedPublisher {
    public typealias Action = MoldUDP64Publisher.Action

    /// 09:30:00, the US equity market open, in nanoseconds since midnight.
    public static let marketOpenNs: Int64 = TradingDay.marketOpenNs
    static let nanosecondsPerDay: Int64 = TradingDay.nanosecondsPerDay

    public let symbols: [Alpha8]
    public let startOfDayOffsetNs: Int64
    public private(set) var publisher: MoldUDP64Publisher
    /// ITCH messages published so far.
    public private(set) var messageCount: UInt64 = 0

    /// `symbols[i]` is the book of `SymbolIndex(i)` and gets stock locate i + 1.
    public init(symbols: [Alpha8], session: MoldUDP64SessionID, startOfDayOffsetNs: Int64 = marketOpenNs,
                heartbeatIntervalNs: Int64 = 1_000_000_000) {
        precondition(!symbols.isEmpty && symbols.count < Int(UInt16.max), "a feed carries 1 to 65,534 symbols")
        precondition(startOfDayOffsetNs >= 0 && startOfDayOffsetNs < Self.nanosecondsPerDay)
        self.symbols = symbols
        self.startOfDayOffsetNs = startOfDayOffsetNs
        publisher = MoldUDP64Publisher(configuration: .init(session: session, heartbeatIntervalNs: heartbeatIntervalNs))
    }

    /// Opens the feed: start of messages, a stock directory entry and the
    /// trading state of every symbol, then start of system and market hours.
    public mutating func start(phases: [TradingPhase], nowNs: Int64) -> [Action] {
        precondition(phases.count == symbols.count, "one phase per symbol")
        var actions = publisher.start(nowNs: nowNs)
        let time = timestamp(nowNs)
        actions += emit(ITCHSystemEvent(stockLocate: 0, trackingNumber: 0, timestampNs: time, eventCode: .startOfMessages), nowNs)
        for (index, stock) in symbols.enumerated() {
            let directory = ITCHStockDirectory(
                stockLocate: UInt16(index + 1), trackingNumber: 0, timestampNs: time, stock: stock,
                marketCategory: UInt8(ascii: "Q"), financialStatusIndicator: UInt8(ascii: "N"), roundLotSize: 100,
                roundLotsOnly: UInt8(ascii: "N"), issueClassification: UInt8(ascii: "C"),
                issueSubType: UInt16(UInt8(ascii: "Z")) << 8 | UInt16(UInt8(ascii: " ")),
                authenticity: UInt8(ascii: "T"), shortSaleThresholdIndicator: UInt8(ascii: "N"),
                ipoFlag: UInt8(ascii: "N"), luldReferencePriceTier: UInt8(ascii: "1"), etpFlag: UInt8(ascii: "N"),
                etpLeverageFactor: 0, inverseIndicator: UInt8(ascii: "N"))
            actions += emit(directory, nowNs)
        }
        actions += emit(ITCHSystemEvent(stockLocate: 0, trackingNumber: 0, timestampNs: time, eventCode: .startOfSystemHours), nowNs)
        for (index, phase) in phases.enumerated() {
            actions += emit(tradingAction(symbol: index, phase: phase, time: time), nowNs)
        }
        actions += emit(ITCHSystemEvent(stockLocate: 0, trackingNumber: 0, timestampNs: time, eventCode: .startOfMarketHours), nowNs)
        return actions
    }

    /// Publishes one instruction's worth of updates. They wait in the open
    /// packet; call `flush` when the instruction is done so that they leave
    /// together, as one venue event does on a real feed.
    public mutating func publish(_ updates: [BookFeedUpdate], from first: Int = 0, nowNs: Int64) -> [Action] {
        var actions: [Action] = []
        publish(updates, from: first, nowNs: nowNs, into: &actions)
        return actions
    }

    /// As `publish(_:from:nowNs:)`, appending to `actions`, so a gateway
    /// reuses one list instead of allocating one per instruction.
    public mutating func publish(_ updates: [BookFeedUpdate], from first: Int = 0, nowNs: Int64, into actions: inout [Action]) {
        var sink = ActionSink()
        swap(&sink.actions, &actions)
        publish(updates, from: first, nowNs: nowNs, sendingTo: &sink)
        swap(&sink.actions, &actions)
    }

    /// As `publish(_:from:nowNs:)`, handing any packet that fills up to
    /// `sink`: a gateway passes its outputs, which reuse their packet buffers.
    public mutating func publish<Sink: MoldUDP64PacketSink>(
        _ updates: [BookFeedUpdate], from first: Int = 0, nowNs: Int64, sendingTo actions: inout Sink
    ) {
        let time = timestamp(nowNs)
        for update in updates[first...] {
            switch update {
            case .add(let reference, let symbol, let side, let price, let quantity):
                emit(ITCHAddOrder(
                    stockLocate: locate(symbol), trackingNumber: 0, timestampNs: time, orderReferenceNumber: reference,
                    side: side == .buy ? .buy : .sell, shares: shares(quantity), stock: symbols[Int(symbol.rawValue)],
                    price: price4(price)), nowNs, into: &actions)
            case .executed(let reference, let symbol, let quantity, let matchID):
                emit(ITCHOrderExecuted(
                    stockLocate: locate(symbol), trackingNumber: 0, timestampNs: time, orderReferenceNumber: reference,
                    executedShares: shares(quantity), matchNumber: matchID), nowNs, into: &actions)
            case .executedWithPrice(let reference, let symbol, let quantity, let matchID, let price):
                // Not printable: the auction prints once, as the cross trade.
                emit(ITCHOrderExecutedWithPrice(
                    stockLocate: locate(symbol), trackingNumber: 0, timestampNs: time, orderReferenceNumber: reference,
                    executedShares: shares(quantity), matchNumber: matchID, printable: UInt8(ascii: "N"),
                    executionPrice: price4(price)), nowNs, into: &actions)
            case .cancel(let reference, let symbol, let quantity):
                emit(ITCHOrderCancel(
                    stockLocate: locate(symbol), trackingNumber: 0, timestampNs: time, orderReferenceNumber: reference,
                    cancelledShares: shares(quantity)), nowNs, into: &actions)
            case .delete(let reference, let symbol):
                emit(ITCHOrderDelete(stockLocate: locate(symbol), trackingNumber: 0, timestampNs: time,
                                     orderReferenceNumber: reference), nowNs, into: &actions)
            case .replace(let original, let symbol, let new, let price, let quantity):
                emit(ITCHOrderReplace(
                    stockLocate: locate(symbol), trackingNumber: 0, timestampNs: time, originalOrderReferenceNumber: original,
                    newOrderReferenceNumber: new, shares: shares(quantity), price: price4(price)), nowNs, into: &actions)
            case .tradingState(let symbol, let phase):
                emit(tradingAction(symbol: Int(symbol.rawValue), phase: phase, time: time), nowNs, into: &actions)
            case .crossTrade(let symbol, let quantity, let price, let matchID):
                emit(ITCHCrossTrade(
                    stockLocate: locate(symbol), trackingNumber: 0, timestampNs: time,
                    shares: UInt64(quantity.rawValue), stock: symbols[Int(symbol.rawValue)], crossPrice: price4(price),
                    matchNumber: matchID, crossType: .haltOrIPO), nowNs, into: &actions)
            }
        }
    }

    /// Sends the open packet, if any.
    public mutating func flush(nowNs: Int64) -> [Action] { publisher.flush(nowNs: nowNs) }

    /// As `flush(nowNs:)`, appending to `actions`.
    public mutating func flush(nowNs: Int64, into actions: inout [Action]) { publisher.flush(nowNs: nowNs, into: &actions) }

    /// As `flush(nowNs:)`, handing the packet to `sink`.
    public mutating func flush<Sink: MoldUDP64PacketSink>(nowNs: Int64, sendingTo sink: inout Sink) {
        publisher.flush(nowNs: nowNs, sendingTo: &sink)
    }

    public mutating func heartbeatTimerFired(nowNs: Int64) -> [Action] { publisher.heartbeatTimerFired(nowNs: nowNs) }

    /// End of market and system hours, end of messages, then MoldUDP64's end of session.
    public mutating func end(nowNs: Int64) -> [Action] {
        let time = timestamp(nowNs)
        var actions: [Action] = []
        for code in [ITCHSystemEventCode.endOfMarketHours, .endOfSystemHours, .endOfMessages] {
            actions += emit(ITCHSystemEvent(stockLocate: 0, trackingNumber: 0, timestampNs: time, eventCode: code), nowNs)
        }
        return actions + publisher.endSession(nowNs: nowNs)
    }

    // MARK: Encoding helpers

    mutating func emit<Message: ITCHEncodable>(_ message: Message, _ nowNs: Int64) -> [Action] {
        messageCount += 1
        return publisher.publish(message, nowNs: nowNs)
    }

    mutating func emit<Message: ITCHEncodable, Sink: MoldUDP64PacketSink>(_ message: Message, _ nowNs: Int64, into sink: inout Sink) {
        messageCount += 1
        publisher.publish(message, nowNs: nowNs, sendingTo: &sink)
    }

    /// Collects packets as `.send` actions, for the action-returning calls.
    struct ActionSink: MoldUDP64PacketSink {
        var actions: [Action] = []
        mutating func send(packet: UnsafeRawBufferPointer) { actions.append(.send(Array(packet))) }
    }

    func timestamp(_ nowNs: Int64) -> UInt64 {
        UInt64((startOfDayOffsetNs + nowNs) % Self.nanosecondsPerDay)
    }

    func locate(_ symbol: SymbolIndex) -> UInt16 { UInt16(symbol.rawValue + 1) }

    func tradingAction(symbol index: Int, phase: TradingPhase, time: UInt64) -> ITCHStockTradingAction {
        // Halted here means orders are taken for the reopening auction:
        // ITCH's quotation-only period. Closed takes no orders: halted.
        let state: ITCHTradingState = switch phase {
        case .continuous: .trading
        case .halted: .quotationOnly
        case .closed: .halted
        }
        return ITCHStockTradingAction(stockLocate: UInt16(index + 1), trackingNumber: 0, timestampNs: time,
                                      stock: symbols[index], tradingState: state, reserved: UInt8(ascii: " "),
                                      reason: Alpha4.blank)
    }

    /// ITCH Shares fields are 32 bits; the engine never holds an order above that.
    func shares(_ quantity: Quantity) -> UInt32 {
        precondition(quantity.rawValue >= 0 && quantity.rawValue <= Int64(UInt32.max), "quantity \(quantity) does not fit ITCH Shares")
        return UInt32(quantity.rawValue)
    }

    /// The engine's prices are already Price(4) units.
    func price4(_ price: Price) -> UInt32 {
        precondition(price.rawValue >= 0 && price.rawValue <= Int64(UInt32.max), "price \(price) does not fit ITCH Price(4)")
        return UInt32(price.rawValue)
    }
}
