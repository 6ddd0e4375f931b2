@testable import Wire

/// One message of every ITCH 5.0 type, each field distinct and non-trivial so
/// that a field read from the wrong offset or width cannot go unnoticed.
enum ITCHSamples {
    static func stock(_ text: String) -> Alpha8 { Alpha8(text)! }
    static func alpha4(_ text: String) -> Alpha4 { Alpha4(text)! }
    static func ascii(_ character: Character) -> UInt8 { character.asciiValue! }

    static let all: [ITCHMessage] = [
        .systemEvent(ITCHSystemEvent(
            stockLocate: 0, trackingNumber: 0x0102, timestampNs: 0x0000_1234_5678_9ABC,
            eventCode: .startOfMessages)),
        .stockDirectory(ITCHStockDirectory(
            stockLocate: 0x0A0B, trackingNumber: 0x0C0D, timestampNs: 0x1F1A_CEE1_5003,
            stock: stock("ZVZZT"), marketCategory: ascii("Q"), financialStatusIndicator: ascii("N"),
            roundLotSize: 100, roundLotsOnly: ascii("N"), issueClassification: ascii("C"),
            issueSubType: 0x5A20, authenticity: ascii("T"), shortSaleThresholdIndicator: ascii("N"),
            ipoFlag: ascii(" "), luldReferencePriceTier: ascii("1"), etpFlag: ascii("Y"),
            etpLeverageFactor: 0x0102_0304, inverseIndicator: ascii("Y"))),
        .stockTradingAction(ITCHStockTradingAction(
            stockLocate: 17, trackingNumber: 2, timestampNs: 34_200_000_000_123,
            stock: stock("AAPL"), tradingState: .halted, reserved: 0x20, reason: alpha4("LUDP"))),
        .regSHORestriction(ITCHRegSHORestriction(
            stockLocate: 18, trackingNumber: 3, timestampNs: 25_200_000_000_001,
            stock: stock("MSFT"), regSHOAction: ascii("1"))),
        .marketParticipantPosition(ITCHMarketParticipantPosition(
            stockLocate: 19, trackingNumber: 4, timestampNs: 25_200_000_000_002,
            mpid: alpha4("GSCO"), stock: stock("IBM"), primaryMarketMaker: ascii("Y"),
            marketMakerMode: ascii("N"), marketParticipantState: ascii("A"))),
        .mwcbDeclineLevel(ITCHMWCBDeclineLevel(
            stockLocate: 0, trackingNumber: 5, timestampNs: 30_000_000_000_000,
            level1Price: 0x0000_0041_8A5C_E600, level2Price: 0x0000_003B_9ACA_0000, level3Price: 0x1122_3344_5566_7788)),
        .mwcbStatus(ITCHMWCBStatus(
            stockLocate: 0, trackingNumber: 6, timestampNs: 36_000_000_000_000, breachedLevel: ascii("2"))),
        .ipoQuotingPeriodUpdate(ITCHIPOQuotingPeriodUpdate(
            stockLocate: 20, trackingNumber: 7, timestampNs: 37_000_000_000_000,
            stock: stock("NEWCO"), ipoQuotationReleaseTimeSeconds: 43_200, ipoQuotationReleaseQualifier: ascii("A"),
            ipoPrice: 215_000)),
        .luldAuctionCollar(ITCHLULDAuctionCollar(
            stockLocate: 21, trackingNumber: 8, timestampNs: 38_000_000_000_000,
            stock: stock("TSLA"), auctionCollarReferencePrice: 2_501_234, upperAuctionCollarPrice: 2_626_296,
            lowerAuctionCollarPrice: 2_376_172, auctionCollarExtension: 3)),
        .operationalHalt(ITCHOperationalHalt(
            stockLocate: 22, trackingNumber: 9, timestampNs: 39_000_000_000_000,
            stock: stock("QQQ"), marketCode: ascii("Q"), operationalHaltAction: ascii("H"))),
        .addOrder(ITCHAddOrder(
            stockLocate: 23, trackingNumber: 10, timestampNs: 40_000_000_000_001,
            orderReferenceNumber: 0x0102_0304_0506_0708, side: .buy, shares: 0x0A0B_0C0D,
            stock: stock("AMZN"), price: 1_785_500)),
        .addOrderWithMPID(ITCHAddOrderWithMPID(
            stockLocate: 24, trackingNumber: 11, timestampNs: 40_000_000_000_002,
            orderReferenceNumber: 0xF0E0_D0C0_B0A0_9080, side: .sell, shares: 4_294_967_295,
            stock: stock("GOOGL"), price: 0x7735_9400, attribution: alpha4("NSDQ"))),
        .orderExecuted(ITCHOrderExecuted(
            stockLocate: 25, trackingNumber: 12, timestampNs: 40_000_000_000_003,
            orderReferenceNumber: 123_456_789_012, executedShares: 250, matchNumber: 0x00AB_CDEF_0123_4567)),
        .orderExecutedWithPrice(ITCHOrderExecutedWithPrice(
            stockLocate: 26, trackingNumber: 13, timestampNs: 40_000_000_000_004,
            orderReferenceNumber: 123_456_789_013, executedShares: 75, matchNumber: 987_654_321,
            printable: ascii("N"), executionPrice: 1_000_100)),
        .orderCancel(ITCHOrderCancel(
            stockLocate: 27, trackingNumber: 14, timestampNs: 40_000_000_000_005,
            orderReferenceNumber: 0x7FFF_FFFF_FFFF_FFFF, cancelledShares: 65_537)),
        .orderDelete(ITCHOrderDelete(
            stockLocate: 28, trackingNumber: 15, timestampNs: 40_000_000_000_006,
            orderReferenceNumber: 0x8000_0000_0000_0001)),
        .orderReplace(ITCHOrderReplace(
            stockLocate: 29, trackingNumber: 16, timestampNs: 40_000_000_000_007,
            originalOrderReferenceNumber: 555_000_111, newOrderReferenceNumber: 555_000_222,
            shares: 300, price: 999_900)),
        .trade(ITCHTrade(
            stockLocate: 30, trackingNumber: 17, timestampNs: 40_000_000_000_008,
            orderReferenceNumber: 0, side: .buy, shares: 1_000, stock: stock("SPY"), price: 4_501_200,
            matchNumber: 0x1234_5678_9ABC_DEF0)),
        .crossTrade(ITCHCrossTrade(
            stockLocate: 31, trackingNumber: 18, timestampNs: 57_600_000_000_000,
            shares: 0x0000_0001_0000_0002, stock: stock("BAC-Q"), crossPrice: 312_500, matchNumber: 15_971,
            crossType: .closing)),
        .brokenTrade(ITCHBrokenTrade(
            stockLocate: 32, trackingNumber: 19, timestampNs: 57_600_000_000_001, matchNumber: 0xDEAD_BEEF_CAFE)),
        .noii(ITCHNOII(
            stockLocate: 33, trackingNumber: 20, timestampNs: 57_000_000_000_000,
            pairedShares: 0x0000_0002_0000_0003, imbalanceShares: 0x0000_0004_0000_0005,
            imbalanceDirection: .sell, stock: stock("NVDA"), farPrice: 0x7FFF_FFFF, nearPrice: 1_234_500,
            currentReferencePrice: 1_234_400, crossType: .closing, priceVariationIndicator: ascii("3"))),
        .retailPriceImprovementIndicator(ITCHRetailPriceImprovementIndicator(
            stockLocate: 34, trackingNumber: 21, timestampNs: 41_000_000_000_000,
            stock: stock("F"), interestFlag: ascii("A"))),
        .dlcrPriceDiscovery(ITCHDLCRPriceDiscovery(
            stockLocate: 35, trackingNumber: 22, timestampNs: 42_000_000_000_000,
            stock: stock("DLCR"), openEligibilityStatus: ascii("Y"), minimumAllowablePrice: 100_000,
            maximumAllowablePrice: 200_000, nearExecutionPrice: 150_000, nearExecutionTimeNs: 0x0001_0203_0405_0607,
            lowerPriceRangeCollar: 135_000, upperPriceRangeCollar: 165_000)),
    ]

    static func bytes(of message: some ITCHEncodable) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: message.encodedLength)
        let written = bytes.withUnsafeMutableBytes { message.encode(into: $0) }
        precondition(written == bytes.count)
        return bytes
    }

    /// The messages as a BinaryFILE stream: u16 length + message each.
    static func blockStream(_ messages: [ITCHMessage]) -> [UInt8] {
        var stream = [UInt8](repeating: 0, count: messages.reduce(0) { $0 + 2 + $1.encodedLength })
        stream.withUnsafeMutableBytes { buffer in
            var offset = 0
            for message in messages {
                offset += message.encodeBlock(into: UnsafeMutableRawBufferPointer(rebasing: buffer[offset...]))
            }
        }
        return stream
    }
}

extension Array where Element == UInt8 {
    init(itchHex hex: String) {
        let digits = hex.filter(\.isHexDigit)
        precondition(digits.count % 2 == 0)
        var bytes: [UInt8] = []
        var index = digits.startIndex
        while index < digits.endIndex {
            let next = digits.index(index, offsetBy: 2)
            bytes.append(UInt8(digits[index..<next], radix: 16)!)
            index = next
        }
        self = bytes
    }
}
