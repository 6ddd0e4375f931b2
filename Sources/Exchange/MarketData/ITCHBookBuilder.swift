import MatchingEngine
import Wire

/// A market-data consumer's copy of a venue's books, rebuilt from nothing
/// but TotalView-ITCH 5.0 order-by-order messages: what a feed handler on
/// the client side holds. Sans-I/O; as a `MoldUDP64MessageSink` it takes
/// the messages a `MoldUDP64Receiver` delivers in sequence.
///
/// Add Order ('A', 'F') puts an order on its stock's book under its Order
/// Reference Number; Order Executed ('E', 'C') and Order Cancel ('X') take
/// shares off it, and the order leaves the book at zero; Order Delete ('D')
/// removes it; Order Replace ('U') removes the original and adds the new
/// reference on the same side and stock. Every other message leaves the
/// books as they are: Trade ('P') and Cross Trade ('Q') print executions of
/// orders that were never displayed. A message that contradicts the book (a
/// reference that is unknown or already used, more shares executed or
/// cancelled than the order has) is counted and described in `problems`,
/// and the book keeps what it can: a feed handler cannot stop the feed.
public struct ITCHBookBuilder: MoldUDP64MessageSink {
    @usableFromInline struct Order {
        var stockLocate: UInt16
        var isBuy: Bool
        var price: UInt32
        var shares: UInt32
    }

    /// Orders on the books, by Order Reference Number (an `OrderID` here
    /// only for its hash). Never iterated in an order that reaches output:
    /// `depth` sorts what it gathers.
    @usableFromInline var orders = OpenAddressingMap<OrderID, Order>()
    /// Messages taken, valid or not.
    public private(set) var messagesApplied = 0
    /// Messages that contradicted the book, or were not ITCH 5.0.
    public private(set) var problemCount = 0
    /// The first problems, described.
    public private(set) var problems: [String] = []
    static let problemsKept = 20

    public init() {}

    /// Orders on every book.
    public var orderCount: Int { orders.count }

    public mutating func deliver(sequenceNumber: UInt64, message: UnsafeRawBufferPointer) {
        do {
            apply(try ITCHMessageView(validating: message))
        } catch {
            messagesApplied += 1
            problem("message \(sequenceNumber) is not ITCH 5.0: \(error)")
        }
    }

    /// Starts bringing the map slots that applying `message` will look up
    /// towards the cache (`OpenAddressingMap.prefetch`): a feed handler that
    /// holds several messages prefetches the slots of all of them first,
    /// then applies them, so that their cache misses overlap. Changes
    /// nothing; unchecked bytes are fine, as nothing is taken from them but
    /// where to look. `mutating` for the reason `OpenAddressingMap.prefetch` gives.
    @inlinable
    public mutating func prefetchOrders(of message: UnsafeRawBufferPointer) {
        let (first, second) = Self.orderReferences(of: message)
        if let first { orders.prefetch(OrderID(first)) }
        if let second { orders.prefetch(OrderID(second)) }
    }

    /// The Order Reference Numbers `message` names, unchecked: every message
    /// that names an order has its reference at byte 11 (after type, stock
    /// locate, tracking number, timestamp); Order Replace has the new one at
    /// 19. None for other messages, or bytes too short to hold them.
    @inlinable
    static func orderReferences(of message: UnsafeRawBufferPointer) -> (UInt64?, UInt64?) {
        guard message.count >= 19 else { return (nil, nil) }
        let first = message.readUInt64BE(at: 11)
        switch message[0] {
        case UInt8(ascii: "A"), UInt8(ascii: "F"), UInt8(ascii: "E"), UInt8(ascii: "C"), UInt8(ascii: "X"), UInt8(ascii: "D"):
            return (first, nil)
        case UInt8(ascii: "U"):
            guard message.count >= 27 else { return (nil, nil) }
            return (first, message.readUInt64BE(at: 19))
        default:
            return (nil, nil)
        }
    }

    /// Applies one message to the books.
    public mutating func apply(_ message: ITCHMessageView) {
        messagesApplied += 1
        switch message.kind {
        case .addOrder(let add):
            insert(add.orderReferenceNumber, Order(stockLocate: add.stockLocate, isBuy: add.side == .buy,
                                                  price: add.price, shares: add.shares))
        case .addOrderWithMPID(let add):
            insert(add.orderReferenceNumber, Order(stockLocate: add.stockLocate, isBuy: add.side == .buy,
                                                  price: add.price, shares: add.shares))
        case .orderExecuted(let executed):
            reduce(executed.orderReferenceNumber, by: executed.executedShares, what: "executed")
        case .orderExecutedWithPrice(let executed):
            reduce(executed.orderReferenceNumber, by: executed.executedShares, what: "executed")
        case .orderCancel(let cancel):
            reduce(cancel.orderReferenceNumber, by: cancel.cancelledShares, what: "cancelled")
        case .orderDelete(let delete):
            if orders.removeValue(forKey: OrderID(delete.orderReferenceNumber)) == nil {
                problem("delete of unknown order \(delete.orderReferenceNumber)")
            }
        case .orderReplace(let replace):
            guard let original = orders.removeValue(forKey: OrderID(replace.originalOrderReferenceNumber)) else {
                problem("replace of unknown order \(replace.originalOrderReferenceNumber)")
                return
            }
            insert(replace.newOrderReferenceNumber, Order(stockLocate: original.stockLocate, isBuy: original.isBuy,
                                                         price: replace.price, shares: replace.shares))
        default:
            break
        }
    }

    /// One side of a stock's book, best price first, as `MatchingEngine.depth`
    /// gives a venue's: ITCH prices are Price(4), as the engine's are.
    public func depth(stockLocate: UInt16, side: Side) -> [BookLevelSummary] {
        var levels: [UInt32: (shares: Int64, orders: Int)] = [:]
        orders.forEach { _, order in
            guard order.stockLocate == stockLocate, order.isBuy == (side == .buy) else { return }
            levels[order.price, default: (0, 0)].shares += Int64(order.shares)
            levels[order.price, default: (0, 0)].orders += 1
        }
        let prices = levels.keys.sorted(by: side == .buy ? (>) : (<))
        return prices.map { price in
            BookLevelSummary(price: Price(Int64(price)), quantity: Quantity(levels[price]!.shares), orders: levels[price]!.orders)
        }
    }

    mutating func insert(_ reference: UInt64, _ order: Order) {
        guard order.shares > 0 else {
            problem("add of order \(reference) with no shares")
            return
        }
        if !orders.insertIfAbsent(OrderID(reference), value: order) {
            problem("add of order \(reference), which is already on the book")
        }
    }

    mutating func reduce(_ reference: UInt64, by shares: UInt32, what: String) {
        let found: UInt32? = orders.modifyValue(forKey: OrderID(reference)) { order in
            guard let open = order?.shares else { return nil }
            // Too many shares is a problem of its own; the order leaves the book either way.
            order!.shares = shares < open ? open - shares : 0
            if order!.shares == 0 { order = nil }
            return open
        }
        guard let open = found else {
            problem("\(shares) shares \(what) of unknown order \(reference)")
            return
        }
        if shares > open { problem("\(shares) shares \(what) of order \(reference), which has \(open)") }
    }

    mutating func problem(_ description: String) {
        problemCount += 1
        if problems.count < Self.problemsKept { problems.append(description) }
    }
}

/// A client's market-data feed over MoldUDP64: datagrams in, a book out,
/// gaps re-requested by the receiver it holds.
public struct ITCHFeedHandler {
    public private(set) var receiver: MoldUDP64Receiver
    public private(set) var book = ITCHBookBuilder()

    public init(configuration: MoldUDP64Receiver.Configuration = .init()) {
        receiver = MoldUDP64Receiver(configuration: configuration)
    }

    /// A downstream datagram (multicast or a re-request answer) on `feed`
    /// (0 is A, 1 is B); the actions are the receiver's, for the driver to
    /// carry out.
    public mutating func received(_ datagram: UnsafeRawBufferPointer, feed: Int = 0, nowNs: Int64) -> [MoldUDP64Receiver.Action] {
        receiver.received(datagram, feed: feed, nowNs: nowNs, sink: &book)
    }

    public mutating func requestTimerFired(nowNs: Int64) -> [MoldUDP64Receiver.Action] {
        receiver.requestTimerFired(nowNs: nowNs, sink: &book)
    }
}
