import Foundation
import Testing
@testable import Wire

/// Our ITCH encoder against an independent decoder: PyPI `itchfeed` (module
/// `itch`), which parses all 23 ITCH 5.0 types including 'O' (DLCR).
@Suite struct ITCHOracleTests {
    enum OracleValue: Decodable, Equatable, CustomStringConvertible {
        case int(UInt64)
        case text([UInt8])

        init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            if let number = try? container.decode(UInt64.self) {
                self = .int(number)
            } else {
                // The script writes byte fields as Latin-1 text: one scalar per byte.
                self = .text(try container.decode(String.self).unicodeScalars.map { UInt8($0.value) })
            }
        }

        var description: String {
            switch self {
            case .int(let value): return "\(value)"
            case .text(let bytes): return "text\(bytes)"
            }
        }
    }

    static func bytes(_ value: UInt64, width: Int) -> [UInt8] {
        (0..<width).map { UInt8(truncatingIfNeeded: value >> (8 * UInt64(width - 1 - $0))) }
    }

    /// What itchfeed must report for `message`, under its attribute names.
    static func expectedFields(_ message: ITCHMessage) -> [String: OracleValue] {
        var fields: [String: OracleValue]
        switch message {
        case .systemEvent(let m):
            fields = [
                "event_code": .text([m.eventCode.rawValue]),
            ]
        case .stockDirectory(let m):
            fields = [
                "stock": .text(bytes(m.stock.rawValue, width: 8)),
                "market_category": .text([m.marketCategory]),
                "financial_status_indicator": .text([m.financialStatusIndicator]),
                "round_lot_size": .int(UInt64(m.roundLotSize)),
                "round_lots_only": .text([m.roundLotsOnly]),
                "issue_classification": .text([m.issueClassification]),
                "issue_sub_type": .text(bytes(UInt64(m.issueSubType), width: 2)),
                "authenticity": .text([m.authenticity]),
                "short_sale_threshold_indicator": .text([m.shortSaleThresholdIndicator]),
                "ipo_flag": .text([m.ipoFlag]),
                "luld_ref": .text([m.luldReferencePriceTier]),
                "etp_flag": .text([m.etpFlag]),
                "etp_leverage_factor": .int(UInt64(m.etpLeverageFactor)),
                "inverse_indicator": .text([m.inverseIndicator]),
            ]
        case .stockTradingAction(let m):
            fields = [
                "stock": .text(bytes(m.stock.rawValue, width: 8)),
                "trading_state": .text([m.tradingState.rawValue]),
                "reserved": .text([m.reserved]),
                "reason": .text(bytes(UInt64(m.reason.rawValue), width: 4)),
            ]
        case .regSHORestriction(let m):
            fields = [
                "stock": .text(bytes(m.stock.rawValue, width: 8)),
                "reg_sho_action": .text([m.regSHOAction]),
            ]
        case .marketParticipantPosition(let m):
            fields = [
                "mpid": .text(bytes(UInt64(m.mpid.rawValue), width: 4)),
                "stock": .text(bytes(m.stock.rawValue, width: 8)),
                "primary_market_maker": .text([m.primaryMarketMaker]),
                "market_maker_mode": .text([m.marketMakerMode]),
                "market_participant_state": .text([m.marketParticipantState]),
            ]
        case .mwcbDeclineLevel(let m):
            fields = [
                "level1_price": .int(UInt64(m.level1Price)),
                "level2_price": .int(UInt64(m.level2Price)),
                "level3_price": .int(UInt64(m.level3Price)),
            ]
        case .mwcbStatus(let m):
            fields = [
                "breached_level": .text([m.breachedLevel]),
            ]
        case .ipoQuotingPeriodUpdate(let m):
            fields = [
                "stock": .text(bytes(m.stock.rawValue, width: 8)),
                "ipo_release_time": .int(UInt64(m.ipoQuotationReleaseTimeSeconds)),
                "ipo_release_qualifier": .text([m.ipoQuotationReleaseQualifier]),
                "ipo_price": .int(UInt64(m.ipoPrice)),
            ]
        case .luldAuctionCollar(let m):
            fields = [
                "stock": .text(bytes(m.stock.rawValue, width: 8)),
                "auction_collar_reference_price": .int(UInt64(m.auctionCollarReferencePrice)),
                "upper_auction_collar_price": .int(UInt64(m.upperAuctionCollarPrice)),
                "lower_auction_collar_price": .int(UInt64(m.lowerAuctionCollarPrice)),
                "auction_collar_extention": .int(UInt64(m.auctionCollarExtension)),
            ]
        case .operationalHalt(let m):
            fields = [
                "stock": .text(bytes(m.stock.rawValue, width: 8)),
                "market_code": .text([m.marketCode]),
                "operational_halt_action": .text([m.operationalHaltAction]),
            ]
        case .addOrder(let m):
            fields = [
                "order_reference_number": .int(UInt64(m.orderReferenceNumber)),
                "buy_sell_indicator": .text([m.side.rawValue]),
                "shares": .int(UInt64(m.shares)),
                "stock": .text(bytes(m.stock.rawValue, width: 8)),
                "price": .int(UInt64(m.price)),
            ]
        case .addOrderWithMPID(let m):
            fields = [
                "order_reference_number": .int(UInt64(m.orderReferenceNumber)),
                "buy_sell_indicator": .text([m.side.rawValue]),
                "shares": .int(UInt64(m.shares)),
                "stock": .text(bytes(m.stock.rawValue, width: 8)),
                "price": .int(UInt64(m.price)),
                "attribution": .text(bytes(UInt64(m.attribution.rawValue), width: 4)),
            ]
        case .orderExecuted(let m):
            fields = [
                "order_reference_number": .int(UInt64(m.orderReferenceNumber)),
                "executed_shares": .int(UInt64(m.executedShares)),
                "match_number": .int(UInt64(m.matchNumber)),
            ]
        case .orderExecutedWithPrice(let m):
            fields = [
                "order_reference_number": .int(UInt64(m.orderReferenceNumber)),
                "executed_shares": .int(UInt64(m.executedShares)),
                "match_number": .int(UInt64(m.matchNumber)),
                "printable": .text([m.printable]),
                "execution_price": .int(UInt64(m.executionPrice)),
            ]
        case .orderCancel(let m):
            fields = [
                "order_reference_number": .int(UInt64(m.orderReferenceNumber)),
                "cancelled_shares": .int(UInt64(m.cancelledShares)),
            ]
        case .orderDelete(let m):
            fields = [
                "order_reference_number": .int(UInt64(m.orderReferenceNumber)),
            ]
        case .orderReplace(let m):
            fields = [
                "order_reference_number": .int(UInt64(m.originalOrderReferenceNumber)),
                "new_order_reference_number": .int(UInt64(m.newOrderReferenceNumber)),
                "shares": .int(UInt64(m.shares)),
                "price": .int(UInt64(m.price)),
            ]
        case .trade(let m):
            fields = [
                "order_reference_number": .int(UInt64(m.orderReferenceNumber)),
                "buy_sell_indicator": .text([m.side.rawValue]),
                "shares": .int(UInt64(m.shares)),
                "stock": .text(bytes(m.stock.rawValue, width: 8)),
                "price": .int(UInt64(m.price)),
                "match_number": .int(UInt64(m.matchNumber)),
            ]
        case .crossTrade(let m):
            fields = [
                "shares": .int(UInt64(m.shares)),
                "stock": .text(bytes(m.stock.rawValue, width: 8)),
                "cross_price": .int(UInt64(m.crossPrice)),
                "match_number": .int(UInt64(m.matchNumber)),
                "cross_type": .text([m.crossType.rawValue]),
            ]
        case .brokenTrade(let m):
            fields = [
                "match_number": .int(UInt64(m.matchNumber)),
            ]
        case .noii(let m):
            fields = [
                "paired_shares": .int(UInt64(m.pairedShares)),
                "imbalance_shares": .int(UInt64(m.imbalanceShares)),
                "imbalance_direction": .text([m.imbalanceDirection.rawValue]),
                "stock": .text(bytes(m.stock.rawValue, width: 8)),
                "far_price": .int(UInt64(m.farPrice)),
                "near_price": .int(UInt64(m.nearPrice)),
                "current_reference_price": .int(UInt64(m.currentReferencePrice)),
                "cross_type": .text([m.crossType.rawValue]),
                "variation_indicator": .text([m.priceVariationIndicator]),
            ]
        case .retailPriceImprovementIndicator(let m):
            fields = [
                "stock": .text(bytes(m.stock.rawValue, width: 8)),
                "interest_flag": .text([m.interestFlag]),
            ]
        case .dlcrPriceDiscovery(let m):
            fields = [
                "stock": .text(bytes(m.stock.rawValue, width: 8)),
                "open_eligibility_status": .text([m.openEligibilityStatus]),
                "minimum_allowable_price": .int(UInt64(m.minimumAllowablePrice)),
                "maximum_allowable_price": .int(UInt64(m.maximumAllowablePrice)),
                "near_execution_price": .int(UInt64(m.nearExecutionPrice)),
                "near_execution_time": .int(UInt64(m.nearExecutionTimeNs)),
                "lower_price_range_collar": .int(UInt64(m.lowerPriceRangeCollar)),
                "upper_price_range_collar": .int(UInt64(m.upperPriceRangeCollar)),
            ]
        }
        fields["stock_locate"] = .int(UInt64(message.stockLocate))
        fields["tracking_number"] = .int(UInt64(message.trackingNumber))
        fields["timestamp"] = .int(message.timestampNs)
        fields["message_type"] = .text([message.messageType.rawValue])
        fields["message_size"] = .int(UInt64(message.encodedLength))
        return fields
    }

    /// The samples, then seeded random messages of every type: random bytes
    /// behind a valid type byte decode to a message whose every field is random.
    static func oracleMessages() throws -> [ITCHMessage] {
        var generator = SplitMix64(seed: 0x17C4_50F0_0D)
        var messages = ITCHSamples.all
        for _ in 0..<4 {
            for type in ITCHMessageType.allCases {
                var bytes = (0..<type.length).map { _ in UInt8(truncatingIfNeeded: generator.next()) }
                bytes[0] = type.rawValue
                // itchfeed stops reading a file at System Event 'C' (end of messages).
                if type == .systemEvent && bytes[11] == UInt8(ascii: "C") { bytes[11] = UInt8(ascii: "Q") }
                messages.append(try bytes.withUnsafeBytes { try ITCHMessage(decoding: $0) })
            }
        }
        return messages
    }

    @Test(Oracle.pythonTrait) func itchfeedDecodesEveryFieldWeEncode() throws {
        let messages = try Self.oracleMessages()
        let file = Oracle.temporaryFile("itch-all-types.itch50")
        defer { try? FileManager.default.removeItem(at: file) }
        try Data(ITCHSamples.blockStream(messages)).write(to: file)

        let output = try Oracle.runPython("itch_decode.py", [file.path])
        try #require(output.status == 0, "itch_decode.py failed: \(output.standardError)")
        let lines = output.standardOutput.split(separator: "\n")
        try #require(lines.count == messages.count, "itchfeed decoded \(lines.count) of \(messages.count) messages")

        var typesSeen = Set<UInt8>()
        for (line, message) in zip(lines, messages) {
            let decoded = try JSONDecoder().decode([String: OracleValue].self, from: Data(line.utf8))
            let expected = Self.expectedFields(message)
            #expect(decoded == expected, "type \(message.messageType): itchfeed \(decoded) vs ours \(expected)")
            typesSeen.insert(message.messageType.rawValue)
        }
        #expect(typesSeen.count == ITCHMessageType.allCases.count)
    }
}

/// SplitMix64 (Steele, Lea, Flood 2014): a tiny seeded generator, so a failing
/// input can be reproduced from its seed.
private struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
