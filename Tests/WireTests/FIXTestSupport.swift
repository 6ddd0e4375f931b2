import Testing
@testable import Wire

/// A tiny seeded generator for the FIX robustness tests.
struct FIXSplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476C_E484_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Builds and reads FIX text in tests, independently of the writer: `|`
/// stands for SOH, and BodyLength and CheckSum are computed here.
enum FIXText {
    static func bytes(_ text: String) -> [UInt8] {
        text.utf8.map { $0 == UInt8(ascii: "|") ? 0x01 : $0 }
    }

    static func text(_ bytes: some Sequence<UInt8>) -> String {
        String(decoding: bytes.map { $0 == 0x01 ? UInt8(ascii: "|") : $0 }, as: UTF8.self)
    }

    /// `8=<begin>|9=<n>|<body>10=<sum>|` for a body such as `35=0|49=A|...|`.
    static func message(_ body: String, beginString: String = "FIX.4.4") -> [UInt8] {
        let bodyBytes = bytes(body)
        var message = bytes("8=\(beginString)|9=\(bodyBytes.count)|") + bodyBytes
        let sum = message.reduce(0) { ($0 + Int($1)) % 256 }
        let digits = String(sum)
        message += bytes("10=\(String(repeating: "0", count: 3 - digits.count))\(digits)|")
        return message
    }

    /// The fields of one message, in order.
    static func fields(_ bytes: [UInt8]) -> [(tag: Int, value: String)] {
        var result: [(Int, String)] = []
        for field in bytes.split(separator: 0x01) {
            let text = String(decoding: field, as: UTF8.self)
            let parts = text.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            result.append((Int(parts[0]) ?? -1, parts.count > 1 ? String(parts[1]) : ""))
        }
        return result
    }

    static func value(_ bytes: [UInt8], _ tag: Int) -> String? {
        fields(bytes).first { $0.tag == tag }?.value
    }
}

/// A fixed instant for session tests: 2026-03-02 09:30:00 UTC.
let fixTestEpochNs: Int64 = 1_772_443_800 * 1_000_000_000

func fixTimestampText(_ ns: Int64) -> String {
    var buffer = [UInt8](repeating: 0, count: FIXUTCTimestamp.millisecondTextBytes)
    buffer.withUnsafeMutableBytes { FIXUTCTimestamp.writeMillisecondText(ns, into: $0) }
    return String(decoding: buffer, as: UTF8.self)
}

extension FIXSession.Action {
    var sentBytes: [UInt8]? {
        if case .send(let bytes) = self { return bytes }
        return nil
    }
}

extension Array where Element == FIXSession.Action {
    /// The messages sent, as field lists.
    var sent: [[(tag: Int, value: String)]] { compactMap(\.sentBytes).map(FIXText.fields) }
    var sentMsgTypes: [String] { sent.map { fields in fields.first { $0.tag == 35 }?.value ?? "?" } }
    var disconnectReason: FIXDisconnectReason? {
        for action in self { if case .disconnect(let reason) = action { return reason } }
        return nil
    }
    var delivered: [FIXApplicationMessage] {
        compactMap { if case .deliver(let message, _, _, _) = $0 { return message } else { return nil } }
    }
}

func fieldValue(_ fields: [(tag: Int, value: String)], _ tag: Int) -> String? {
    fields.first { $0.tag == tag }?.value
}

/// A counterparty written by hand: builds the raw messages a test feeds a
/// session under test, with its own sequence numbers.
struct FIXCounterparty {
    var senderCompID = "CLIENT"
    var targetCompID = "VENUE"
    var beginString = "FIX.4.4"
    var nextSeqNum: Int64 = 1

    /// A message with the standard header; `seq` overrides (and does not
    /// advance) the counterparty's sequence.
    mutating func make(
        _ msgType: String, _ body: String = "", seq: Int64? = nil, sendingNs: Int64 = fixTestEpochNs,
        possDup: Bool = false, origSendingNs: Int64? = nil, sender: String? = nil, target: String? = nil,
        beginString overrideBegin: String? = nil
    ) -> [UInt8] {
        let msgSeqNum = seq ?? nextSeqNum
        if seq == nil { nextSeqNum += 1 }
        var header = "35=\(msgType)|49=\(sender ?? senderCompID)|56=\(target ?? targetCompID)|34=\(msgSeqNum)|"
        if possDup { header += "43=Y|" }
        header += "52=\(fixTimestampText(sendingNs))|"
        if let origSendingNs { header += "122=\(fixTimestampText(origSendingNs))|" }
        return FIXText.message(header + body, beginString: overrideBegin ?? beginString)
    }

    mutating func logon(heartBtInt: Int = 30, extra: String = "", sendingNs: Int64 = fixTestEpochNs) -> [UInt8] {
        make("A", "98=0|108=\(heartBtInt)|\(extra)", sendingNs: sendingNs)
    }
}

extension FIXSession {
    mutating func feed(_ bytes: [UInt8], nowNs: Int64 = fixTestEpochNs) -> [Action] {
        bytes.withUnsafeBytes { received($0, nowNs: nowNs) }
    }

    static func venue(
        _ version: FIXVersion = .fix44, username: FIXString? = nil, password: FIXString? = nil,
        outboundStoreCapacityMessages: Int = 1024
    ) -> FIXSession {
        FIXSession(configuration: FIXSessionConfiguration(
            role: .acceptor, version: version, senderCompID: "VENUE", targetCompID: "CLIENT",
            username: username, password: password, outboundStoreCapacityMessages: outboundStoreCapacityMessages))
    }

    static func participant(_ version: FIXVersion = .fix44, heartbeatIntervalSeconds: Int = 30) -> FIXSession {
        FIXSession(configuration: FIXSessionConfiguration(
            role: .initiator, version: version, senderCompID: "CLIENT", targetCompID: "VENUE",
            heartbeatIntervalSeconds: heartbeatIntervalSeconds, username: "trader", password: "secret"))
    }
}

/// Sample application messages for both directions.
enum FIXSamples {
    static let newOrder = FIXNewOrderSingle(
        clOrdID: "ORD-0001", account: "ACC1", symbol: "AAPL", side: .buy, transactTimeNs: fixTestEpochNs,
        orderQuantity: 100, orderType: .limit, price: 1_012_500, timeInForce: .day)
    /// Post-only, with ExecInst (18) as a MultipleValueString.
    static let postOnlyOrder = FIXNewOrderSingle(
        clOrdID: "ORD-0005", symbol: "MSFT", side: .sell, transactTimeNs: fixTestEpochNs + 500_000_000,
        orderQuantity: 300, orderType: .limit, price: 4_100_100, timeInForce: .goodTillCancel, execInst: "6 E")
    static let cancel = FIXOrderCancelRequest(
        origClOrdID: "ORD-0001", clOrdID: "ORD-0002", orderID: "V1", symbol: "AAPL", side: .buy,
        transactTimeNs: fixTestEpochNs + 1_000_000, orderQuantity: 100)
    static let replace = FIXOrderCancelReplaceRequest(
        origClOrdID: "ORD-0001", clOrdID: "ORD-0003", orderID: "V1", account: "ACC1", symbol: "AAPL", side: .buy,
        transactTimeNs: fixTestEpochNs + 2_000_000, orderQuantity: 200, orderType: .limit, price: 1_013_000,
        timeInForce: .goodTillCancel, execInst: "6")
    static let fill = FIXExecutionReport(
        orderID: "V1", clOrdID: "ORD-0001", execID: "E1", execType: .trade, orderStatus: .partiallyFilled,
        symbol: "AAPL", side: .buy, orderQuantity: 100, orderType: .limit, price: 1_012_500, timeInForce: .day,
        lastQuantity: 40, lastPrice: 1_012_500, leavesQuantity: 60, cumulativeQuantity: 40, averagePrice: 1_012_500,
        transactTimeNs: fixTestEpochNs + 3_000_000)
    static let rejectReport = FIXExecutionReport(
        orderID: "NONE", clOrdID: "ORD-0009", execID: "E2", execType: .rejected, orderStatus: .rejected,
        orderRejectReason: 1, symbol: "ZZZZ", side: .sell, leavesQuantity: 0, cumulativeQuantity: 0,
        averagePrice: 0, text: "Unknown symbol")
    /// The answer to a NewOrderSingle sent again (PossResend=Y): ExecType I
    /// in 4.4, ExecTransType 3 with ExecType 2 in 4.2.
    static let statusReport = FIXExecutionReport(
        orderID: "V2", clOrdID: "ORD-0002", execID: "E3", execType: .orderStatus, orderStatus: .filled,
        symbol: "AAPL", side: .sell, orderQuantity: 300, orderType: .limit, price: 1_012_500, timeInForce: .goodTillCancel,
        leavesQuantity: 0, cumulativeQuantity: 300, averagePrice: 1_012_500, transactTimeNs: fixTestEpochNs + 5_000_000)
    static let cancelReject = FIXOrderCancelReject(
        orderID: "V1", clOrdID: "ORD-0004", origClOrdID: "ORD-0001", orderStatus: .filled,
        responseTo: .cancelRequest, cancelRejectReason: 0, transactTimeNs: fixTestEpochNs + 4_000_000,
        text: "Too late to cancel")
    static let businessReject = FIXBusinessMessageReject(
        refSeqNum: 7, refMsgType: FIXMsgType(0x45), businessRejectRefID: "X1", reason: .unsupportedMessageType,
        text: "Unsupported Message Type")

    static let all: [FIXApplicationMessage] = [
        .newOrderSingle(newOrder), .newOrderSingle(postOnlyOrder), .orderCancelRequest(cancel), .orderCancelReplaceRequest(replace),
        .executionReport(fill), .executionReport(rejectReport), .executionReport(statusReport), .orderCancelReject(cancelReject),
        .businessMessageReject(businessReject),
    ]
}
