import MatchingEngine
import Testing
import Wire
@testable import Exchange

/// A FIXPort facing a bare initiator FIXSession, so that tests can send what
/// a FIXClient never would (stop orders, long ClOrdIDs, ExecutionReports).
struct RawFIXConnection {
    let version: FIXVersion
    var port: FIXPort
    var participant: FIXSession
    var nowNs: Int64 = 0
    let clock = FIXSessionClock(startOfDayOffsetNs: TradingDay.marketOpenNs)
    var requests: [OrderEntryRequest] = []
    var fromVenue: [FIXWireMessage] = []
    var closeReason: String? = nil

    static let directory = SymbolDirectory(symbols: FIXVenueHarness.symbols)

    init(version: FIXVersion) {
        self.version = version
        port = FIXPort(directory: Self.directory, session: FIXSessionConfiguration(
            role: .acceptor, version: version, senderCompID: "EXSIM", targetCompID: "FIRM0"))
        participant = FIXSession(configuration: FIXSessionConfiguration(
            role: .initiator, version: version, senderCompID: "FIRM0", targetCompID: "EXSIM"))
        var output = ConnectionOutput()
        port.connectionOpened(nowNs: nowNs, output: &output)
        deliver(participant.start(nowNs: clock.sessionNs(nowNs)))
    }

    var sessionNs: Int64 { clock.sessionNs(nowNs) }

    /// The participant's outbound bytes, without delivering them.
    static func bytes(of actions: [FIXSession.Action]) -> [UInt8] {
        actions.flatMap { action -> [UInt8] in
            if case .send(let bytes) = action { return bytes }
            return []
        }
    }

    mutating func deliver(_ actions: [FIXSession.Action]) {
        let bytes = Self.bytes(of: actions)
        if !bytes.isEmpty { receive(bytes) }
    }

    mutating func send(_ message: FIXApplicationMessage) {
        deliver(participant.sendApplication(message, nowNs: sessionNs))
    }

    mutating func receive(_ bytes: [UInt8]) {
        var output = ConnectionOutput()
        bytes.withUnsafeBytes { port.received($0, nowNs: nowNs, requests: &requests, output: &output) }
        if let reason = output.closeReason { closeReason = reason }
        for index in 0..<output.messageCount {
            let message = Array(output.bytes[output.messageRange(index)])
            fromVenue.append(FIXWireMessage(message))
            let answer = message.withUnsafeBytes { participant.received($0, nowNs: sessionNs) }
            deliver(answer)
        }
    }

    mutating func takeFromVenue() -> [FIXWireMessage] {
        defer { fromVenue.removeAll() }
        return fromVenue
    }

    mutating func takeRequests() -> [OrderEntryRequest] {
        defer { requests.removeAll() }
        return requests
    }
}

@Suite struct FIXPortRequestTests {
    static let versions: [FIXVersion] = [.fix42, .fix44]

    static func order(
        _ id: FIXString, side: FIXSide = .buy, symbol: FIXString = "AAPL", quantity: Int64 = 100,
        type: FIXOrdType = .limit, price: Int64? = 1_902_500, stopPrice: Int64? = nil,
        timeInForce: FIXTimeInForce? = nil
    ) -> FIXApplicationMessage {
        .newOrderSingle(FIXNewOrderSingle(
            clOrdID: id, symbol: symbol, side: side, transactTimeNs: 0, orderQuantity: quantity, orderType: type,
            price: price, stopPrice: stopPrice, timeInForce: timeInForce))
    }

    @Test(arguments: versions)
    func applicationMessagesBecomeDeskRequests(version: FIXVersion) {
        var connection = RawFIXConnection(version: version)
        #expect(connection.port.isLoggedIn)
        _ = connection.takeFromVenue()
        connection.send(Self.order("N1", side: .sellShort))
        connection.send(Self.order("N2", side: .sellShortExempt, type: .market, price: nil, timeInForce: .immediateOrCancel))
        connection.send(Self.order("N3", symbol: "MSFT", timeInForce: .goodTillCancel))
        connection.send(.orderCancelRequest(FIXOrderCancelRequest(
            origClOrdID: "N1", clOrdID: "X1", symbol: "AAPL", side: .sell, transactTimeNs: 0, orderQuantity: 100)))
        connection.send(.orderCancelReplaceRequest(FIXOrderCancelReplaceRequest(
            origClOrdID: "N3", clOrdID: "N4", symbol: "MSFT", side: .buy, transactTimeNs: 0, orderQuantity: 150,
            orderType: .limit, price: 4_000_100)))
        #expect(connection.takeRequests() == [
            .new(NewOrderRequest(clientID: clOrdID("N1"), symbol: SymbolIndex(0), side: .sell, type: .limit,
                                 timeInForce: .day, price: 1_902_500, quantity: 100)),
            .new(NewOrderRequest(clientID: clOrdID("N2"), symbol: SymbolIndex(0), side: .sell, type: .market,
                                 timeInForce: .immediateOrCancel, price: 0, quantity: 100)),
            .new(NewOrderRequest(clientID: clOrdID("N3"), symbol: SymbolIndex(1), side: .buy, type: .limit,
                                 timeInForce: .goodTillCancel, price: 1_902_500, quantity: 100)),
            .cancel(target: clOrdID("N1"), requestID: clOrdID("X1"), newOpenQuantity: 0),
            .replace(target: clOrdID("N3"), replacementID: clOrdID("N4"), price: 4_000_100, quantity: 150,
                     quantityIncludesExecuted: true),
        ])
        #expect(connection.takeFromVenue().isEmpty, "the desk answers, not the port")
    }

    @Test(arguments: versions)
    func requestsTheDeskCannotTakeAreRefusedByThePort(version: FIXVersion) throws {
        var connection = RawFIXConnection(version: version)
        _ = connection.takeFromVenue()
        let other: String = version == .fix44 ? "99" : "0"
        let unsupported: String = version == .fix44 ? "11" : "0"
        let longID = FIXString(String(repeating: "L", count: 30))!
        connection.send(Self.order("R1", type: .stop, price: nil, stopPrice: 1_900_000))
        connection.send(Self.order("R2", timeInForce: .atTheOpening))
        connection.send(Self.order(longID))
        connection.send(Self.order("R4", symbol: "TOOLONGSYM"))
        connection.send(Self.order("R5", symbol: "IBM"))
        connection.send(Self.order("R6", quantity: 200_000_000))
        connection.send(Self.order("R7", price: 20_000_000_000))
        #expect(connection.takeRequests().isEmpty)
        let reports = connection.takeFromVenue()
        try #require(reports.count == 7)
        #expect(reports.allSatisfy { $0.msgType == "8" && $0[150] == "8" && $0[39] == "8" && $0[37] == "NONE" })
        #expect(reports.map { $0[103] } == [unsupported, unsupported, other, "1", "1", "3", other])
        #expect(reports.map { $0[58] } == [
            "Unsupported OrdType", "Unsupported TimeInForce", "ClOrdID longer than 24 bytes", "Unknown symbol",
            "Unknown symbol", "Order exceeds quantity limit", "Price exceeds limit",
        ])
        #expect(reports[2][11] == longID.description && reports[3][55] == "TOOLONGSYM" && reports[0][40] == "3")

        connection.send(.orderCancelRequest(FIXOrderCancelRequest(
            origClOrdID: longID, clOrdID: "X1", symbol: "AAPL", side: .buy, transactTimeNs: 0)))
        connection.send(.orderCancelRequest(FIXOrderCancelRequest(
            origClOrdID: "N1", clOrdID: longID, symbol: "AAPL", side: .buy, transactTimeNs: 0)))
        connection.send(.orderCancelReplaceRequest(FIXOrderCancelReplaceRequest(
            origClOrdID: "N1", clOrdID: "N2", symbol: "AAPL", side: .buy, transactTimeNs: 0, orderQuantity: 100,
            orderType: .market)))
        #expect(connection.takeRequests().isEmpty)
        let rejects = connection.takeFromVenue()
        try #require(rejects.count == 3)
        #expect(rejects.allSatisfy { $0.msgType == "9" && $0[37] == "NONE" && $0[39] == "8" })
        #expect(rejects.map { $0[434] } == ["1", "1", "2"])
        #expect(rejects.map { $0[102] } == ["1", version == .fix44 ? "99" : "2", version == .fix44 ? "99" : "2"])
        #expect(rejects[2][58] == "Replace must be a limit order")
    }

    @Test(arguments: versions)
    func executionReportFromAClientGetsBusinessMessageReject(version: FIXVersion) throws {
        var connection = RawFIXConnection(version: version)
        _ = connection.takeFromVenue()
        connection.send(.executionReport(FIXExecutionReport(
            orderID: "1", execID: "1", execType: .new, orderStatus: .new, symbol: "AAPL", side: .buy,
            leavesQuantity: 100, cumulativeQuantity: 0, averagePrice: 0)))
        let reject = try #require(connection.takeFromVenue().first)
        #expect(reject.msgType == "j" && reject[380] == "3" && reject[372] == "8")
        #expect(connection.takeRequests().isEmpty && connection.port.isLoggedIn)
    }

    @Test(arguments: versions)
    func portRefusalsFollowTheSessionsOwnRepliesInSequence(version: FIXVersion) throws {
        var connection = RawFIXConnection(version: version)
        _ = connection.takeFromVenue()
        // One chunk: a refused order, then a message the session itself rejects.
        var chunk = RawFIXConnection.bytes(of: connection.participant.sendApplication(
            Self.order("R1", type: .stop, price: nil, stopPrice: 1_900_000), nowNs: connection.sessionNs))
        chunk += RawFIXConnection.bytes(of: connection.participant.sendApplication(.executionReport(FIXExecutionReport(
            orderID: "1", execID: "1", execType: .new, orderStatus: .new, symbol: "AAPL", side: .buy,
            leavesQuantity: 100, cumulativeQuantity: 0, averagePrice: 0)), nowNs: connection.sessionNs))
        chunk += RawFIXConnection.bytes(of: connection.participant.sendApplication(
            Self.order("N1"), nowNs: connection.sessionNs))
        connection.receive(chunk)
        let replies = connection.takeFromVenue()
        #expect(replies.map(\.msgType) == ["j", "8"])
        let sequence = replies.compactMap { $0[34].flatMap { Int($0) } }
        #expect(sequence == sequence.sorted() && Set(sequence).count == sequence.count)
        #expect(connection.participant.isLoggedOn, "the participant saw no sequence problem")
        #expect(connection.takeRequests().count == 1)
    }

    @Test func execInstIsReadAsAMultipleValueString() {
        func postOnly(_ text: String) -> Bool {
            Array(text.utf8).withUnsafeBytes { FIXExecInst.contains(FIXExecInst.participateDontInitiate, in: $0) }
        }
        #expect(postOnly("6") && postOnly("1 6") && postOnly("6 G") && postOnly("E 6 1"))
        #expect(!postOnly("") && !postOnly("66") && !postOnly("1") && !postOnly("16 61"))
    }
}
