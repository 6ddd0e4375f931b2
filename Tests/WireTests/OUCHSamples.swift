@testable import Wire

/// One message of every OUCH 4.2 type, with distinct field values, for round
/// trips and the tshark oracle; and random ones for the robustness tests.
enum OUCHSamples {
    static func token(_ text: String) -> OUCHToken { OUCHToken(text)! }
    static let stock = Alpha8("AAPL")!
    static let firm = Alpha4("EXSM")!

    static let inbound: [OUCHInboundMessage] = [
        .enterOrder(OUCHEnterOrder(
            token: token("ORD00000000001"), side: .buy, shares: 300, stock: stock, price: 1_234_500,
            timeInForce: .marketHours, firm: firm, display: UInt8(ascii: "Y"), capacity: UInt8(ascii: "A"),
            intermarketSweepEligibility: UInt8(ascii: "N"), minimumQuantity: 0, crossType: UInt8(ascii: "N"),
            customerType: UInt8(ascii: "R"))),
        .replaceOrder(OUCHReplaceOrder(
            existingToken: token("ORD00000000001"), replacementToken: token("ORD00000000002"), shares: 200,
            price: 1_234_600, timeInForce: .systemHours, display: UInt8(ascii: "Y"),
            intermarketSweepEligibility: UInt8(ascii: "N"), minimumQuantity: 0)),
        .cancelOrder(OUCHCancelOrder(token: token("ORD00000000002"), shares: 0)),
        .modifyOrder(OUCHModifyOrder(token: token("ORD3"), side: .sellShort, shares: 150)),
    ]

    static let timestampNs: UInt64 = 34_200_000_000_123

    static let outbound: [OUCHOutboundMessage] = [
        .systemEvent(OUCHSystemEvent(timestampNs: timestampNs, eventCode: UInt8(ascii: "S"))),
        .accepted(OUCHAccepted(
            timestampNs: timestampNs + 1, token: token("ORD00000000001"), side: .buy, shares: 300, stock: stock,
            price: 1_234_500, timeInForce: .marketHours, firm: firm, display: UInt8(ascii: "Y"),
            orderReferenceNumber: 9_000_001, capacity: UInt8(ascii: "A"), intermarketSweepEligibility: UInt8(ascii: "N"),
            minimumQuantity: 0, crossType: UInt8(ascii: "N"), orderState: UInt8(ascii: "L"),
            bboWeightIndicator: UInt8(ascii: " "))),
        .replaced(OUCHReplaced(
            timestampNs: timestampNs + 2, replacementToken: token("ORD00000000002"), side: .buy, shares: 200,
            stock: stock, price: 1_234_600, timeInForce: .systemHours, firm: firm, display: UInt8(ascii: "Y"),
            orderReferenceNumber: 9_000_002, capacity: UInt8(ascii: "A"), intermarketSweepEligibility: UInt8(ascii: "N"),
            minimumQuantity: 0, crossType: UInt8(ascii: "N"), orderState: UInt8(ascii: "L"),
            previousToken: token("ORD00000000001"), bboWeightIndicator: UInt8(ascii: "1"))),
        .canceled(OUCHCanceled(
            timestampNs: timestampNs + 3, token: token("ORD00000000002"), decrementShares: 200, reason: UInt8(ascii: "U"))),
        .aiqCanceled(OUCHAIQCanceled(
            timestampNs: timestampNs + 4, token: token("ORD4"), decrementShares: 100, reason: UInt8(ascii: "Q"),
            quantityPreventedFromTrading: 100, executionPrice: 1_000_000, liquidityFlag: UInt8(ascii: "A"))),
        .executed(OUCHExecuted(
            timestampNs: timestampNs + 5, token: token("ORD5"), executedShares: 50, executionPrice: 1_230_000,
            liquidityFlag: UInt8(ascii: "R"), matchNumber: 77_000_001)),
        .executedWithReferencePrice(OUCHExecutedWithReferencePrice(
            timestampNs: timestampNs + 6, token: token("ORD6"), executedShares: 60, executionPrice: 1_230_100,
            liquidityFlag: UInt8(ascii: "A"), matchNumber: 77_000_002, referencePrice: 1_230_050,
            referencePriceType: UInt8(ascii: "O"))),
        .brokenTrade(OUCHBrokenTrade(
            timestampNs: timestampNs + 7, token: token("ORD5"), matchNumber: 77_000_001, reason: UInt8(ascii: "E"))),
        .tradeCorrection(OUCHTradeCorrection(
            timestampNs: timestampNs + 8, token: token("ORD6"), executedShares: 55, executionPrice: 1_230_200,
            liquidityFlag: UInt8(ascii: "A"), matchNumber: 77_000_002, reason: UInt8(ascii: "S"))),
        .priceCorrection(OUCHPriceCorrection(
            timestampNs: timestampNs + 9, token: token("ORD6"), matchNumber: 77_000_002, newExecutionPrice: 1_230_300,
            reason: UInt8(ascii: "S"))),
        .rejected(OUCHRejected(timestampNs: timestampNs + 10, token: token("ORD7"), reason: UInt8(ascii: "X"))),
        .cancelPending(OUCHCancelPending(timestampNs: timestampNs + 11, token: token("ORD8"))),
        .cancelReject(OUCHCancelReject(timestampNs: timestampNs + 12, token: token("ORD9"))),
        .orderPriorityUpdate(OUCHOrderPriorityUpdate(
            timestampNs: timestampNs + 13, token: token("ORD10"), price: 1_229_900, display: UInt8(ascii: "Y"),
            orderReferenceNumber: 9_000_010)),
        .orderModified(OUCHOrderModified(timestampNs: timestampNs + 14, token: token("ORD3"), side: .sell, shares: 150)),
    ]

    static func bytes(of message: OUCHInboundMessage) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: message.encodedLength)
        let written = bytes.withUnsafeMutableBytes { message.encode(into: $0) }
        precondition(written == bytes.count)
        return bytes
    }

    static func bytes(of message: OUCHOutboundMessage) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: message.encodedLength)
        let written = bytes.withUnsafeMutableBytes { message.encode(into: $0) }
        precondition(written == bytes.count)
        return bytes
    }

    /// A random valid message of the given layout: random bytes with the type
    /// byte and every Side byte fixed up.
    static func randomValidBytes(type: UInt8, length: Int, sideOffsets: [Int], next: () -> UInt64) -> [UInt8] {
        var bytes = (0..<length).map { _ in UInt8(truncatingIfNeeded: next()) }
        bytes[0] = type
        for offset in sideOffsets {
            bytes[offset] = OUCHSide.allCases[Int(next() % 4)].rawValue
        }
        return bytes
    }

    /// (type, length, Side offsets) of every inbound and outbound layout.
    static let inboundLayouts: [(UInt8, Int, [Int])] = [
        (UInt8(ascii: "O"), 49, [15]), (UInt8(ascii: "U"), 47, []), (UInt8(ascii: "X"), 19, []),
        (UInt8(ascii: "M"), 20, [15]),
    ]
    static let outboundLayouts: [(UInt8, Int, [Int])] = [
        (UInt8(ascii: "S"), 10, []), (UInt8(ascii: "A"), 66, [23]), (UInt8(ascii: "U"), 80, [23]),
        (UInt8(ascii: "C"), 28, []), (UInt8(ascii: "D"), 37, []), (UInt8(ascii: "E"), 40, []),
        (UInt8(ascii: "G"), 45, []), (UInt8(ascii: "B"), 32, []), (UInt8(ascii: "F"), 41, []),
        (UInt8(ascii: "K"), 36, []), (UInt8(ascii: "J"), 24, []), (UInt8(ascii: "P"), 23, []),
        (UInt8(ascii: "I"), 23, []), (UInt8(ascii: "T"), 36, []), (UInt8(ascii: "M"), 28, [23]),
    ]
}
