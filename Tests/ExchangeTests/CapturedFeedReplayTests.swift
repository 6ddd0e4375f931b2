import MatchingEngine
import Testing
import Wire
@testable import Exchange

/// A captured ITCH feed replayed into a venue: its orders rest there, a
/// client trades against them, and what the capture does next applies to
/// what the client left.
@Suite struct CapturedFeedReplayTests {
    static let aapl = Alpha8("AAPL")!

    static func bytes(_ message: ITCHMessage) -> [UInt8] {
        var buffer = [UInt8](repeating: 0, count: message.encodedLength)
        _ = buffer.withUnsafeMutableBytes { message.encode(into: $0) }
        return buffer
    }

    static func add(_ reference: UInt64, _ side: ITCHSide, _ shares: UInt32, _ price: UInt32, stock: Alpha8 = aapl) -> [UInt8] {
        bytes(.addOrder(ITCHAddOrder(stockLocate: 1, trackingNumber: 0, timestampNs: 0, orderReferenceNumber: reference,
                                     side: side, shares: shares, stock: stock, price: price)))
    }

    static func levels(_ gateway: VenueGateway, _ side: Side) -> [String] {
        gateway.engine.depth(of: SymbolIndex(0), side: side).map { "\($0.price.rawValue)x\($0.quantity.rawValue)/\($0.orders)" }
    }

    @Test func capturedOrdersRestTradeAndFollowTheCapture() throws {
        var harness = VenueGatewayTests.Harness()
        harness.start()
        let feedBefore = harness.feedMessages.count
        func replay(_ message: [UInt8]) { harness.replay(message) }
        replay(Self.add(10, .buy, 300, 1_899_900))
        replay(Self.add(11, .sell, 200, 1_900_100))
        replay(Self.add(12, .sell, 100, 1_900_100, stock: Alpha8("ZZZZ")!))
        #expect(Self.levels(harness.gateway, .buy) == ["1899900x300/1"])
        #expect(Self.levels(harness.gateway, .sell) == ["1900100x200/1"])
        // The venue's own feed publishes the captured orders it rests.
        let published = harness.feedMessages[feedBefore...].map { $0.first }
        #expect(published.filter { $0 == UInt8(ascii: "A") }.count == 2, "\(published)")

        // The capture's execution and partial cancel take their shares off.
        replay(Self.bytes(.orderExecuted(ITCHOrderExecuted(stockLocate: 1, trackingNumber: 0, timestampNs: 0,
                                                           orderReferenceNumber: 10, executedShares: 100, matchNumber: 1))))
        replay(Self.bytes(.orderCancel(ITCHOrderCancel(stockLocate: 1, trackingNumber: 0, timestampNs: 0,
                                                       orderReferenceNumber: 10, cancelledShares: 50))))
        #expect(Self.levels(harness.gateway, .buy) == ["1899900x150/1"])

        // A client takes the captured offer whole; the capture's delete of it then finds nothing.
        var output = ConnectionOutput()
        harness.client.send(.new(NewOrderRequest(clientID: ClientOrderID("T1")!, symbol: SymbolIndex(0), side: .buy,
                                                 price: Price(1_900_100), quantity: Quantity(200))),
                            nowNs: harness.nowNs, output: &output)
        harness.exchange(output.bytes)
        #expect(Self.levels(harness.gateway, .sell).isEmpty)
        replay(Self.bytes(.orderDelete(ITCHOrderDelete(stockLocate: 1, trackingNumber: 0, timestampNs: 0, orderReferenceNumber: 11))))

        // A replace moves the bid under its new reference; a delete of an order never added is counted apart.
        replay(Self.bytes(.orderReplace(ITCHOrderReplace(stockLocate: 1, trackingNumber: 0, timestampNs: 0, originalOrderReferenceNumber: 10,
                                                         newOrderReferenceNumber: 13, shares: 400, price: 1_899_800))))
        #expect(Self.levels(harness.gateway, .buy) == ["1899800x400/1"])
        replay(Self.bytes(.orderDelete(ITCHOrderDelete(stockLocate: 1, trackingNumber: 0, timestampNs: 0, orderReferenceNumber: 99))))
        replay(Self.bytes(.trade(ITCHTrade(stockLocate: 1, trackingNumber: 0, timestampNs: 0, orderReferenceNumber: 0, side: .buy,
                                           shares: 100, stock: Self.aapl, price: 1_899_900, matchNumber: 2))))
        replay([UInt8(ascii: "A"), 0, 1])
        // A price off the venue's tick is refused by the venue's own rule;
        // the capture's later delete of that order names one the venue never rested.
        replay(Self.add(14, .buy, 100, 1_899_950))
        replay(Self.bytes(.orderDelete(ITCHOrderDelete(stockLocate: 1, trackingNumber: 0, timestampNs: 0, orderReferenceNumber: 14))))
        replay(Self.bytes(.orderDelete(ITCHOrderDelete(stockLocate: 1, trackingNumber: 0, timestampNs: 0, orderReferenceNumber: 13))))
        #expect(Self.levels(harness.gateway, .buy).isEmpty)
        // Two captured orders that cross here trade once, counted once.
        replay(Self.add(20, .buy, 100, 1_900_500))
        replay(Self.add(21, .sell, 100, 1_900_500))
        #expect(Self.levels(harness.gateway, .buy).isEmpty && Self.levels(harness.gateway, .sell).isEmpty)

        let statistics = try #require(harness.gateway.feedReplayStatistics)
        #expect(statistics.messages == 15)
        #expect(statistics.ordersAdded == 5 && statistics.unknownStocks == 1)
        #expect(statistics.ordersReduced == 2 && statistics.ordersDeleted == 1 && statistics.ordersReplaced == 1)
        #expect(statistics.ordersGone == 1 && statistics.ordersUnknown == 2)
        #expect(statistics.executions == 2 && statistics.executedQuantity == 300)
        #expect(statistics.otherMessages == 1 && statistics.malformed == 1)
        #expect(statistics.refused == 1)
        // The client's order filled against the captured one, reported as usual.
        #expect(harness.gateway.desk.openOrderCount == 0)
    }
}

extension VenueGatewayTests.Harness {
    /// Hands one captured ITCH message to the gateway's feed replay.
    mutating func replay(_ message: [UInt8]) {
        message.withUnsafeBytes {
            gateway.replayCapturedFeed($0, nowNs: nowNs, outputs: &outputs)
        }
        _ = drain()
    }
}
