import MatchingEngine
import Wire

/// Turns a captured TotalView-ITCH 5.0 feed into requests that rest the
/// capture's orders at a venue, so that simulated participants trade
/// against captured liquidity (a scenario's `replay:` section).
///
/// The captured orders enter through an order-entry desk session of their
/// own, as any client's would: they are checked, match and rest by the
/// venue's rules, and the venue's own feed publishes them. What the capture
/// says happens to an order next is applied to what is left of it here,
/// since simulated participants may have traded some or all of it first:
///
/// - Add Order (`A`, `F`): a day limit order for the captured shares and
///   price, in the stock of the same name (the Add names it).
/// - Order Executed (`E`, `C`) and Order Cancel (`X`): the captured shares
///   leave the order (a cancel down to what remains, or of all of it): the
///   capture's trades were with orders this venue never saw.
/// - Order Delete (`D`): a cancel of what remains.
/// - Order Replace (`U`): a cancel of what remains, then a new order for
///   the captured price and shares under the new reference, as ITCH
///   defines it (the new order has time priority of its own); a new order
///   the venue refuses leaves nothing behind.
///
/// Every other message (trades of non-displayed orders, crosses, system
/// events, the stock directory) changes no book and is counted only.
public struct CapturedFeedReplay: Sendable {
    /// The participant the captured orders trade as, in `exsim run` and
    /// `exsim serve` alike: a number no simulated participant and no live
    /// account takes, so self-trade prevention never takes a captured
    /// order for theirs, and the engine events of a served replay can be
    /// compared with a simulated one's (a venue replays one feed at most).
    public static let participant = ParticipantID(UInt32.max)

    public struct Statistics: Hashable, Sendable, Codable {
        /// Captured ITCH messages handed in.
        public var messages: UInt64 = 0
        public var ordersAdded: UInt64 = 0
        /// Executions and partial cancels, applied as reductions.
        public var ordersReduced: UInt64 = 0
        public var ordersDeleted: UInt64 = 0
        public var ordersReplaced: UInt64 = 0
        /// Messages naming an order of the capture that no longer rests
        /// here: simulated participants traded it away.
        public var ordersGone: UInt64 = 0
        /// Messages naming an order this venue never rested: the capture
        /// began after its Add, the Add was in a stock the venue does not
        /// list, or the venue refused it.
        public var ordersUnknown: UInt64 = 0
        /// Adds in a stock the venue does not list.
        public var unknownStocks: UInt64 = 0
        /// Requests the venue refused (a price off its tick, a halted book).
        public var refused: UInt64 = 0
        /// Trades at this venue with a captured order on at least one side
        /// (against a simulated participant's order, or another captured
        /// one when captured orders cross), each counted once.
        public var executions: UInt64 = 0
        public var executedQuantity: Int64 = 0
        /// Messages that change no book here: trades of non-displayed
        /// orders, crosses, system events, the stock directory and others.
        public var otherMessages: UInt64 = 0
        /// Messages that are not ITCH 5.0.
        public var malformed: UInt64 = 0

        public init() {}
    }

    let directory: SymbolDirectory
    /// Every captured order reference the venue rested (or that replaces
    /// one already traded away), to tell an order traded away here from
    /// one the venue never rested.
    var added: Set<UInt64> = []
    /// The match number of the last execution counted: both sides of a
    /// trade between two captured orders come to the replay session, one
    /// after the other.
    var lastMatchID: UInt64?
    public private(set) var statistics = Statistics()

    public init(directory: SymbolDirectory) {
        self.directory = directory
    }

    /// The client order id the replay session gives captured order `reference`.
    public static func clientID(_ reference: UInt64) -> ClientOrderID {
        var bigEndian = reference.bigEndian
        return withUnsafeBytes(of: &bigEndian) { ClientOrderID(bytes: $0)! }
    }

    /// Appends to `requests` what one captured message asks of the venue.
    /// `openOrder` gives the replay session's open order with an id, nil
    /// when it no longer rests.
    public mutating func requests(
        for message: UnsafeRawBufferPointer, openOrder: (ClientOrderID) -> OrderState?, into requests: inout [OrderEntryRequest]
    ) {
        statistics.messages += 1
        let view: ITCHMessageView
        do {
            view = try ITCHMessageView(validating: message)
        } catch {
            statistics.malformed += 1
            return
        }
        switch view.kind {
        case .addOrder(let add):
            addOrder(add.orderReferenceNumber, stock: add.stock, isBuy: add.side == .buy, shares: add.shares, price: add.price,
                     into: &requests)
        case .addOrderWithMPID(let add):
            addOrder(add.orderReferenceNumber, stock: add.stock, isBuy: add.side == .buy, shares: add.shares, price: add.price,
                     into: &requests)
        case .orderExecuted(let executed):
            reduce(executed.orderReferenceNumber, by: executed.executedShares, openOrder: openOrder, into: &requests)
        case .orderExecutedWithPrice(let executed):
            reduce(executed.orderReferenceNumber, by: executed.executedShares, openOrder: openOrder, into: &requests)
        case .orderCancel(let cancel):
            reduce(cancel.orderReferenceNumber, by: cancel.cancelledShares, openOrder: openOrder, into: &requests)
        case .orderDelete(let delete):
            guard let state = target(delete.orderReferenceNumber, openOrder: openOrder) else { return }
            statistics.ordersDeleted += 1
            requests.append(.cancel(target: state.clientID, requestID: nil, newOpenQuantity: Quantity(0)))
        case .orderReplace(let replace):
            guard let state = target(replace.originalOrderReferenceNumber, openOrder: openOrder) else {
                // Nothing left here to replace: what later names the new
                // reference finds it gone too.
                if added.contains(replace.originalOrderReferenceNumber) { added.insert(replace.newOrderReferenceNumber) }
                return
            }
            statistics.ordersReplaced += 1
            requests.append(.cancel(target: state.clientID, requestID: nil, newOpenQuantity: Quantity(0)))
            requests.append(.new(NewOrderRequest(
                clientID: Self.clientID(replace.newOrderReferenceNumber), symbol: state.symbol, side: state.side, type: .limit,
                timeInForce: .day, price: Price(Int64(replace.price)), quantity: Quantity(Int64(replace.shares)))))
        default:
            statistics.otherMessages += 1
        }
    }

    /// Counts what the venue answered the replay session.
    public mutating func note(_ report: OrderEntryReport) {
        switch report {
        case .rejected, .cancelRejected:
            statistics.refused += 1
        case .accepted(let state):
            if let reference = Self.reference(state.clientID) { added.insert(reference) }
        case .executed(_, let quantity, _, let matchID, _):
            guard matchID != lastMatchID else { return }
            lastMatchID = matchID
            statistics.executions += 1
            statistics.executedQuantity += quantity.rawValue
        case .cancelled, .replaced, .status:
            break
        }
    }

    /// The captured order reference a replay client order id stands for.
    static func reference(_ clientID: ClientOrderID) -> UInt64? {
        guard clientID.count == 8 else { return nil }
        return withUnsafeBytes(of: clientID.word0) { UInt64(bigEndian: $0.loadUnaligned(as: UInt64.self)) }
    }

    mutating func addOrder(_ reference: UInt64, stock: Alpha8, isBuy: Bool, shares: UInt32, price: UInt32,
                           into requests: inout [OrderEntryRequest]) {
        guard let symbol = directory.index(of: stock) else {
            statistics.unknownStocks += 1
            return
        }
        statistics.ordersAdded += 1
        requests.append(.new(NewOrderRequest(clientID: Self.clientID(reference), symbol: symbol, side: isBuy ? .buy : .sell,
                                             type: .limit, timeInForce: .day, price: Price(Int64(price)),
                                             quantity: Quantity(Int64(shares)))))
    }

    mutating func reduce(_ reference: UInt64, by shares: UInt32, openOrder: (ClientOrderID) -> OrderState?,
                         into requests: inout [OrderEntryRequest]) {
        guard let state = target(reference, openOrder: openOrder) else { return }
        statistics.ordersReduced += 1
        let remaining = max(0, state.openQuantity.rawValue - Int64(shares))
        requests.append(.cancel(target: state.clientID, requestID: nil, newOpenQuantity: Quantity(remaining)))
    }

    /// The open order a message names, or nil, counted as gone or unknown.
    mutating func target(_ reference: UInt64, openOrder: (ClientOrderID) -> OrderState?) -> OrderState? {
        if let state = openOrder(Self.clientID(reference)) { return state }
        if added.contains(reference) {
            statistics.ordersGone += 1
        } else {
            statistics.ordersUnknown += 1
        }
        return nil
    }
}
