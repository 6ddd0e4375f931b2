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
/// - Order Replace (`U`): a replace to the captured price and shares under
///   the new reference.
///
/// Every other message (trades of non-displayed orders, crosses, system
/// events, the stock directory) changes no book and is counted only.
public struct CapturedFeedReplay: Sendable {
    public struct Statistics: Hashable, Sendable {
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
        /// Messages naming an order this venue never received: the capture
        /// began after its Add, or the Add was in a stock the venue does not list.
        public var ordersUnknown: UInt64 = 0
        /// Adds in a stock the venue does not list.
        public var unknownStocks: UInt64 = 0
        /// Requests the venue refused (a price off its tick, a halted book).
        public var refused: UInt64 = 0
        /// Executions of captured orders at this venue, against simulated
        /// participants' orders (or each other's, when a book's captured
        /// orders cross because participants moved it).
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
    /// Every order reference the capture added, to tell an order traded
    /// away here from one the capture never showed.
    var added: Set<UInt64> = []
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
            // The capture added the new reference even where this venue has
            // nothing left to replace: what later names it is gone too.
            added.insert(replace.newOrderReferenceNumber)
            guard let state = target(replace.originalOrderReferenceNumber, openOrder: openOrder) else { return }
            statistics.ordersReplaced += 1
            requests.append(.replace(target: state.clientID, replacementID: Self.clientID(replace.newOrderReferenceNumber),
                                     price: Price(Int64(replace.price)), quantity: Quantity(Int64(replace.shares)),
                                     quantityIncludesExecuted: false))
        default:
            statistics.otherMessages += 1
        }
    }

    /// Counts what the venue answered the replay session.
    public mutating func note(_ report: OrderEntryReport) {
        switch report {
        case .rejected, .cancelRejected:
            statistics.refused += 1
        case .executed(_, let quantity, _, _, _):
            statistics.executions += 1
            statistics.executedQuantity += quantity.rawValue
        case .accepted, .cancelled, .replaced:
            break
        }
    }

    mutating func addOrder(_ reference: UInt64, stock: Alpha8, isBuy: Bool, shares: UInt32, price: UInt32,
                           into requests: inout [OrderEntryRequest]) {
        guard let symbol = directory.index(of: stock) else {
            statistics.unknownStocks += 1
            return
        }
        added.insert(reference)
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
