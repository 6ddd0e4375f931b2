import MatchingEngine
import Testing
import Wire
@testable import Exchange

@Suite struct ITCHBookBuilderTests {
    static let stock = Alpha8("AAPL")!

    static func deliver(_ messages: [ITCHMessage], to book: inout ITCHBookBuilder) {
        for (index, message) in messages.enumerated() {
            var bytes = [UInt8](repeating: 0, count: message.encodedLength)
            _ = bytes.withUnsafeMutableBytes { message.encode(into: $0) }
            bytes.withUnsafeBytes { book.deliver(sequenceNumber: UInt64(index + 1), message: $0) }
        }
    }

    static func add(_ reference: UInt64, _ side: ITCHSide, _ shares: UInt32, at price: UInt32, locate: UInt16 = 1) -> ITCHMessage {
        .addOrder(ITCHAddOrder(stockLocate: locate, trackingNumber: 0, timestampNs: 1, orderReferenceNumber: reference,
                               side: side, shares: shares, stock: stock, price: price))
    }

    /// Every message that moves an order, applied as a feed handler would:
    /// the levels come out best first, summed per price.
    @Test func buildsLevelsFromOrderByOrderMessages() {
        var book = ITCHBookBuilder()
        Self.deliver([
            Self.add(1, .buy, 100, at: 1_000_000),
            Self.add(2, .buy, 300, at: 1_000_000),
            Self.add(3, .buy, 50, at: 1_000_100),
            Self.add(4, .sell, 200, at: 1_000_300),
            Self.add(5, .sell, 70, at: 1_000_200, locate: 2),
            .orderExecuted(ITCHOrderExecuted(stockLocate: 1, trackingNumber: 0, timestampNs: 2,
                                             orderReferenceNumber: 2, executedShares: 100, matchNumber: 1)),
            .orderExecutedWithPrice(ITCHOrderExecutedWithPrice(stockLocate: 1, trackingNumber: 0, timestampNs: 2,
                                                               orderReferenceNumber: 3, executedShares: 50, matchNumber: 2,
                                                               printable: UInt8(ascii: "Y"), executionPrice: 1_000_100)),
            .orderCancel(ITCHOrderCancel(stockLocate: 1, trackingNumber: 0, timestampNs: 3, orderReferenceNumber: 4, cancelledShares: 20)),
            .orderReplace(ITCHOrderReplace(stockLocate: 1, trackingNumber: 0, timestampNs: 4, originalOrderReferenceNumber: 1,
                                           newOrderReferenceNumber: 6, shares: 400, price: 999_900)),
            .orderDelete(ITCHOrderDelete(stockLocate: 2, trackingNumber: 0, timestampNs: 5, orderReferenceNumber: 5)),
        ], to: &book)
        #expect(book.problems.isEmpty, "\(book.problems)")
        #expect(book.messagesApplied == 10)
        #expect(book.orderCount == 3)
        #expect(book.depth(stockLocate: 1, side: .buy) == [
            BookLevelSummary(price: 1_000_000, quantity: 200, orders: 1),
            BookLevelSummary(price: 999_900, quantity: 400, orders: 1),
        ])
        #expect(book.depth(stockLocate: 1, side: .sell) == [BookLevelSummary(price: 1_000_300, quantity: 180, orders: 1)])
        #expect(book.depth(stockLocate: 2, side: .sell).isEmpty)
    }

    /// A feed that contradicts itself is described, never trusted blindly,
    /// and never stops the handler.
    @Test func contradictionsAreCountedAndDescribed() {
        var book = ITCHBookBuilder()
        Self.deliver([
            Self.add(1, .buy, 100, at: 1_000_000),
            Self.add(1, .sell, 100, at: 1_000_100),
            .orderExecuted(ITCHOrderExecuted(stockLocate: 1, trackingNumber: 0, timestampNs: 2,
                                             orderReferenceNumber: 1, executedShares: 150, matchNumber: 1)),
            .orderDelete(ITCHOrderDelete(stockLocate: 1, trackingNumber: 0, timestampNs: 3, orderReferenceNumber: 9)),
        ], to: &book)
        [UInt8](repeating: 0x7A, count: 5).withUnsafeBytes { book.deliver(sequenceNumber: 5, message: $0) }
        #expect(book.problemCount == 4)
        #expect(book.problems[0].contains("already on the book"))
        #expect(book.problems[1].contains("150 shares executed of order 1, which has 100"))
        #expect(book.problems[2].contains("unknown order 9"))
        #expect(book.problems[3].contains("not ITCH 5.0"))
        #expect(book.orderCount == 0, "an over-executed order leaves the book")
    }

    /// The prefetch ahead of a message looks for each order the message
    /// names (the reference at byte 11, a replace's new one at 19), and for
    /// none in other messages or bytes too short to hold one.
    @Test func orderReferencesAreThoseTheMessageNames() {
        func bytes(_ message: ITCHMessage) -> [UInt8] {
            var bytes = [UInt8](repeating: 0, count: message.encodedLength)
            _ = bytes.withUnsafeMutableBytes { message.encode(into: $0) }
            return bytes
        }
        func references(_ bytes: [UInt8]) -> [UInt64?] {
            let (first, second) = bytes.withUnsafeBytes { ITCHBookBuilder.orderReferences(of: $0) }
            return [first, second]
        }
        func references(_ message: ITCHMessage) -> [UInt64?] { references(bytes(message)) }
        #expect(references(Self.add(77, .buy, 100, at: 1)) == [77, nil])
        #expect(references(.addOrderWithMPID(ITCHAddOrderWithMPID(
            stockLocate: 1, trackingNumber: 0, timestampNs: 2, orderReferenceNumber: 78, side: .sell, shares: 1,
            stock: Self.stock, price: 1, attribution: Alpha4("EXSM")!))) == [78, nil])
        #expect(references(.orderExecuted(ITCHOrderExecuted(stockLocate: 1, trackingNumber: 0, timestampNs: 2,
                                                            orderReferenceNumber: 150, executedShares: 1, matchNumber: 1))) == [150, nil])
        #expect(references(.orderExecutedWithPrice(ITCHOrderExecutedWithPrice(
            stockLocate: 1, trackingNumber: 0, timestampNs: 2, orderReferenceNumber: 151, executedShares: 1, matchNumber: 2,
            printable: UInt8(ascii: "Y"), executionPrice: 1))) == [151, nil])
        #expect(references(.orderCancel(ITCHOrderCancel(stockLocate: 1, trackingNumber: 0, timestampNs: 2, orderReferenceNumber: 3,
                                                        cancelledShares: 1))) == [3, nil])
        #expect(references(.orderDelete(ITCHOrderDelete(stockLocate: 1, trackingNumber: 0, timestampNs: 2, orderReferenceNumber: 199))) == [199, nil])
        let replace = bytes(.orderReplace(ITCHOrderReplace(stockLocate: 1, trackingNumber: 0, timestampNs: 2, originalOrderReferenceNumber: 12,
                                                           newOrderReferenceNumber: 150, shares: 1, price: 1)))
        #expect(references(replace) == [12, 150])
        // A replace too short to hold its new reference names neither.
        #expect(references(Array(replace[0..<26])) == [nil, nil])
        #expect(references([UInt8(ascii: "P")] + [UInt8](repeating: 1, count: 43)) == [nil, nil],
                "a Trade names no order on the book")
        #expect(references([UInt8](repeating: UInt8(ascii: "D"), count: 18)) == [nil, nil])
    }
}
