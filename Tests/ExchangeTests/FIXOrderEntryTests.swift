import MatchingEngine
import Testing
import Wire
@testable import Exchange

/// FIXClient ⇄ FIXPort ⇄ OrderEntryDesk ⇄ MatchingEngine, two participants,
/// in FIX 4.2 and 4.4: the messages on the wire and the clients' events.
@Suite struct FIXOrderEntryTests {
    static let versions: [FIXVersion] = [.fix42, .fix44]

    static func loggedOnVenue(_ version: FIXVersion, resendsUnanswered: Bool = false) -> FIXVenueHarness {
        var venue = FIXVenueHarness(version: version, resendsUnanswered: resendsUnanswered)
        venue.connectAll()
        for index in 0..<2 {
            _ = venue.takeToClient(index)
            _ = venue.takeToVenue(index)
            _ = venue.takeEvents(index)
        }
        return venue
    }

    /// The one message of `type` among `messages`.
    static func only(_ type: String, in messages: [FIXWireMessage]) throws -> FIXWireMessage {
        let matching = messages.filter { $0.msgType == type }
        try #require(matching.count == 1, "expected one 35=\(type) in \(messages)")
        return matching[0]
    }

    static func tradeExecType(_ version: FIXVersion, filled: Bool) -> String {
        version == .fix44 ? "F" : (filled ? "2" : "1")
    }

    @Test(arguments: versions)
    func logonIsAnsweredAndBothSidesAreLoggedIn(version: FIXVersion) throws {
        var venue = FIXVenueHarness(version: version)
        venue.connectAll()
        for index in 0..<2 {
            #expect(venue.ports[index].isLoggedIn && venue.clients[index].isLoggedIn)
            #expect(venue.takeEvents(index) == [.loggedIn])
            let logon = try Self.only("A", in: venue.takeToVenue(index))
            #expect(logon[8] == (version == .fix44 ? "FIX.4.4" : "FIX.4.2"))
            #expect(logon[553] == "user" && logon[554] == "secret" && logon[49] == "FIRM\(index)")
            let reply = try Self.only("A", in: venue.takeToClient(index))
            #expect(reply[108] == "30" && reply[49] == "EXSIM" && reply[56] == "FIRM\(index)")
            // SendingTime is on the simulated trading day, 09:30 at driver time 0.
            #expect(reply[52] == "20260105-09:30:00.000")
        }
    }

    @Test(arguments: versions)
    func restingOrdersTradeWithRunningTotalsOnBothSides(version: FIXVersion) throws {
        var venue = Self.loggedOnVenue(version)
        venue.send(limitOrder("S1", .sell, price: 1_900_000, quantity: 100), from: 0)
        venue.send(limitOrder("S2", .sell, price: 1_900_200, quantity: 100), from: 0)
        #expect(venue.takeEvents(0) == [
            .accepted(clOrdID("S1"), order: OrderID(1), openQuantity: 100),
            .accepted(clOrdID("S2"), order: OrderID(2), openQuantity: 100),
        ])
        let newOrder = try Self.only("D", in: venue.takeToVenue(0).prefix(1).map { $0 })
        #expect(newOrder[11] == "S1" && newOrder[55] == "AAPL" && newOrder[54] == "2" && newOrder[38] == "100")
        #expect(newOrder[40] == "2" && newOrder[44] == "190" && newOrder[59] == "0" && !newOrder.has(18))
        let acks = venue.takeToClient(0)
        #expect(acks.count == 2)
        let ack = acks[0]
        #expect(ack.msgType == "8" && ack[150] == "0" && ack[39] == "0" && ack[37] == "1" && ack[11] == "S1")
        #expect(ack[151] == "100" && ack[14] == "0" && ack[6] == "0" && ack[38] == "100" && ack[44] == "190")
        #expect(ack[55] == "AAPL" && ack[54] == "2" && ack.has(60) && ack.has(17))
        #expect(ack[20] == (version == .fix42 ? "0" : nil))
        #expect(acks[1][17] != ack[17], "ExecID is unique per session")

        venue.send(limitOrder("B1", .buy, price: 1_900_500, quantity: 150), from: 1)
        #expect(venue.takeEvents(1) == [
            .accepted(clOrdID("B1"), order: OrderID(3), openQuantity: 150),
            .executed(clOrdID("B1"), quantity: 100, price: 1_900_000, openQuantity: 50),
            .executed(clOrdID("B1"), quantity: 50, price: 1_900_200, openQuantity: 0),
        ])
        let buyerReports = venue.takeToClient(1)
        #expect(buyerReports.count == 3)
        let partial = buyerReports[1]
        #expect(partial[150] == Self.tradeExecType(version, filled: false) && partial[39] == "1")
        #expect(partial[32] == "100" && partial[31] == "190" && partial[151] == "50" && partial[14] == "100")
        #expect(partial[6] == "190")
        let full = buyerReports[2]
        #expect(full[150] == Self.tradeExecType(version, filled: true) && full[39] == "2")
        #expect(full[32] == "50" && full[31] == "190.02" && full[151] == "0" && full[14] == "150")
        // (100 × 190.00 + 50 × 190.02) / 150 = 190.00666… → 190.0067
        #expect(full[6] == "190.0067")

        #expect(venue.takeEvents(0) == [
            .executed(clOrdID("S1"), quantity: 100, price: 1_900_000, openQuantity: 0),
            .executed(clOrdID("S2"), quantity: 50, price: 1_900_200, openQuantity: 50),
        ])
        let sellerReports = venue.takeToClient(0)
        #expect(sellerReports.map { $0[39] } == ["2", "1"])
        #expect(sellerReports[1][151] == "50" && sellerReports[1][14] == "50" && sellerReports[1][6] == "190.02")
    }

    @Test(arguments: versions)
    func immediateOrCancelRemainderIsCancelledWithItsReason(version: FIXVersion) throws {
        var venue = Self.loggedOnVenue(version)
        venue.send(limitOrder("S1", .sell, price: 1_900_000, quantity: 100), from: 0)
        venue.send(limitOrder("B1", .buy, price: 1_900_000, quantity: 300, timeInForce: .immediateOrCancel), from: 1)
        #expect(venue.takeEvents(1) == [
            .accepted(clOrdID("B1"), order: OrderID(2), openQuantity: 300),
            .executed(clOrdID("B1"), quantity: 100, price: 1_900_000, openQuantity: 200),
            .cancelled(clOrdID("B1"), openQuantity: 0),
        ])
        #expect(try Self.only("D", in: venue.takeToVenue(1))[59] == "3")
        let cancel = try #require(venue.takeToClient(1).last)
        #expect(cancel[150] == "4" && cancel[39] == "4" && cancel[11] == "B1" && !cancel.has(41))
        #expect(cancel[151] == "0" && cancel[14] == "100" && cancel[6] == "190" && cancel[59] == "3")
        #expect(cancel[58] == "Immediate or cancel remainder")
    }

    @Test(arguments: versions)
    func fillOrKillFillsWhollyOrIsRejected(version: FIXVersion) throws {
        var venue = Self.loggedOnVenue(version)
        venue.send(limitOrder("S1", .sell, price: 1_900_000, quantity: 100), from: 0)
        venue.send(limitOrder("F1", .buy, price: 1_900_000, quantity: 200, timeInForce: .fillOrKill), from: 1)
        #expect(venue.takeEvents(1) == [.rejected(clOrdID("F1"))])
        let reject = try Self.only("8", in: venue.takeToClient(1))
        #expect(reject[150] == "8" && reject[39] == "8" && reject[103] == (version == .fix44 ? "99" : "0"))
        #expect(reject[58] == "Fill or kill not fillable" && reject[37] == "2" && reject[59] == "4")
        venue.send(limitOrder("F2", .buy, price: 1_900_000, quantity: 100, timeInForce: .fillOrKill), from: 1)
        #expect(venue.takeEvents(1) == [
            .accepted(clOrdID("F2"), order: OrderID(3), openQuantity: 100),
            .executed(clOrdID("F2"), quantity: 100, price: 1_900_000, openQuantity: 0),
        ])
    }

    @Test(arguments: versions)
    func postOnlyTravelsAsExecInstAndIsRejectedWhenItWouldTake(version: FIXVersion) throws {
        var venue = Self.loggedOnVenue(version)
        venue.send(limitOrder("S1", .sell, price: 1_900_000, quantity: 100), from: 0)
        _ = venue.takeEvents(0)
        venue.send(limitOrder("P1", .buy, price: 1_900_000, quantity: 100, postOnly: true), from: 1)
        let order = try Self.only("D", in: venue.takeToVenue(1))
        #expect(order[18] == "6")
        #expect(venue.takeEvents(1) == [.rejected(clOrdID("P1"))])
        let reject = try Self.only("8", in: venue.takeToClient(1))
        #expect(reject[150] == "8" && reject[58] == "Post-only order would take liquidity")
        venue.send(limitOrder("P2", .buy, price: 1_899_900, quantity: 100, postOnly: true), from: 1)
        #expect(venue.takeEvents(1) == [.accepted(clOrdID("P2"), order: OrderID(3), openQuantity: 100)])
        #expect(venue.engine.bestBid(FIXVenueHarness.aapl) == Price(1_899_900))
        #expect(venue.takeEvents(0).isEmpty, "nothing traded")
    }

    @Test(arguments: versions)
    func cancelReportsTheOrderUnderItsOwnClOrdID(version: FIXVersion) throws {
        var venue = Self.loggedOnVenue(version)
        venue.send(limitOrder("O1", .buy, price: 1_890_000, quantity: 100), from: 0)
        venue.send(limitOrder("O2", .sell, price: 1_910_000, quantity: 200), from: 0)
        _ = venue.takeEvents(0)
        _ = venue.takeToVenue(0)
        _ = venue.takeToClient(0)
        venue.send(.cancel(target: clOrdID("O1"), requestID: nil, newOpenQuantity: 0), from: 0)
        let request = try Self.only("F", in: venue.takeToVenue(0))
        #expect(request[41] == "O1" && request[55] == "AAPL" && request[54] == "1" && request[38] == "100")
        let generated = try #require(request[11])
        #expect(generated.hasPrefix("C") && generated.utf8.count <= 24)
        #expect(venue.takeEvents(0) == [.cancelled(clOrdID("O1"), openQuantity: 0)])
        let report = try Self.only("8", in: venue.takeToClient(0))
        #expect(report[150] == "4" && report[39] == "4" && report[11] == generated && report[41] == "O1")
        #expect(report[151] == "0" && report[14] == "0" && report[37] == "1" && !report.has(58))

        venue.send(.cancel(target: clOrdID("O2"), requestID: clOrdID("K2"), newOpenQuantity: 0), from: 0)
        let second = try Self.only("F", in: venue.takeToVenue(0))
        #expect(second[11] == "K2" && second[54] == "2" && second[38] == "200")
        #expect(venue.takeEvents(0) == [.cancelled(clOrdID("O2"), openQuantity: 0)])
        #expect(venue.desk.openOrderCount == 0)
    }

    @Test(arguments: versions)
    func replaceChangesPriceAndQuantityCountingExecutions(version: FIXVersion) throws {
        var venue = Self.loggedOnVenue(version)
        venue.send(limitOrder("O1", .buy, price: 1_890_000, quantity: 100), from: 0)
        _ = venue.takeToVenue(0)
        _ = venue.takeToClient(0)
        _ = venue.takeEvents(0)
        venue.send(.replace(target: clOrdID("O1"), replacementID: clOrdID("O2"), price: Price(1_895_000),
                            quantity: 100, quantityIncludesExecuted: false), from: 0)
        let request = try Self.only("G", in: venue.takeToVenue(0))
        #expect(request[41] == "O1" && request[11] == "O2" && request[38] == "100" && request[44] == "189.5")
        #expect(request[40] == "2" && request[54] == "1" && request[55] == "AAPL")
        #expect(venue.takeEvents(0) == [.replaced(clOrdID("O2"), previous: clOrdID("O1"), openQuantity: 100)])
        let replaced = try Self.only("8", in: venue.takeToClient(0))
        #expect(replaced[150] == "5" && replaced[39] == "0" && replaced[11] == "O2" && replaced[41] == "O1")
        #expect(replaced[44] == "189.5" && replaced[151] == "100" && replaced[37] == "1")

        // A partly filled sell, then a smaller open quantity: OrderQty counts the 100 executed.
        venue.send(limitOrder("S1", .sell, price: 1_900_000, quantity: 300), from: 1)
        venue.send(limitOrder("B1", .buy, price: 1_900_000, quantity: 100), from: 0)
        _ = venue.takeToVenue(1)
        _ = venue.takeToClient(1)
        #expect(venue.takeEvents(1).last == .executed(clOrdID("S1"), quantity: 100, price: 1_900_000, openQuantity: 200))
        venue.send(.replace(target: clOrdID("S1"), replacementID: clOrdID("S2"), price: Price(1_900_000),
                            quantity: 50, quantityIncludesExecuted: false), from: 1)
        #expect(try Self.only("G", in: venue.takeToVenue(1))[38] == "150")
        #expect(venue.takeEvents(1) == [.replaced(clOrdID("S2"), previous: clOrdID("S1"), openQuantity: 50)])
        let reduced = try Self.only("8", in: venue.takeToClient(1))
        #expect(reduced[150] == "5" && reduced[39] == "1" && reduced[38] == "150" && reduced[151] == "50")
        #expect(reduced[14] == "100" && reduced[6] == "190")
        // The client now knows the order as S2, with OrderQty 150.
        venue.send(.cancel(target: clOrdID("S2"), requestID: nil, newOpenQuantity: 0), from: 1)
        #expect(try Self.only("F", in: venue.takeToVenue(1))[38] == "150")
        #expect(venue.takeEvents(1) == [.cancelled(clOrdID("S2"), openQuantity: 0)])
    }

    @Test(arguments: versions)
    func duplicateClOrdIDAndUnknownSymbolAreRejected(version: FIXVersion) throws {
        var venue = Self.loggedOnVenue(version)
        venue.send(limitOrder("D1", .buy, price: 1_890_000, quantity: 100), from: 0)
        venue.send(limitOrder("D1", .buy, price: 1_880_000, quantity: 100), from: 0)
        #expect(venue.takeEvents(0) == [
            .accepted(clOrdID("D1"), order: OrderID(1), openQuantity: 100), .rejected(clOrdID("D1")),
        ])
        let duplicate = try #require(venue.takeToClient(0).last)
        #expect(duplicate[150] == "8" && duplicate[103] == "6" && duplicate[37] == "NONE")
        #expect(duplicate[58] == "Duplicate ClOrdID" && duplicate[44] == "188")
        // The first D1 is still open, and the client still knows its terms.
        venue.send(.cancel(target: clOrdID("D1"), requestID: nil, newOpenQuantity: 0), from: 0)
        #expect(try Self.only("F", in: venue.takeToVenue(0))[38] == "100")
        #expect(venue.takeEvents(0) == [.cancelled(clOrdID("D1"), openQuantity: 0)])

        venue.send(limitOrder("U1", .buy, price: 1_890_000, quantity: 100, symbol: FIXVenueHarness.unknownToVenue), from: 1)
        #expect(venue.takeEvents(1) == [.rejected(clOrdID("U1"))])
        let unknown = try Self.only("8", in: venue.takeToClient(1))
        #expect(unknown[150] == "8" && unknown[39] == "8" && unknown[103] == "1" && unknown[55] == "ZZZZ")
        #expect(unknown[58] == "Unknown symbol" && unknown[37] == "NONE")
    }

    @Test(arguments: versions)
    func cancelOrReplaceOfAnUnknownOrderGetsOrderCancelReject(version: FIXVersion) throws {
        var venue = Self.loggedOnVenue(version)
        venue.send(.cancel(target: clOrdID("NOPE"), requestID: clOrdID("K1"), newOpenQuantity: 0), from: 0)
        #expect(venue.takeEvents(0) == [.cancelRejected(clOrdID("NOPE"))])
        let reject = try Self.only("9", in: venue.takeToClient(0))
        #expect(reject[434] == "1" && reject[102] == "1" && reject[37] == "NONE" && reject[39] == "8")
        #expect(reject[11] == "K1" && reject[41] == "NOPE" && reject[58] == "Unknown order")

        venue.send(.replace(target: clOrdID("NOPE"), replacementID: clOrdID("R1"), price: Price(1_890_000),
                            quantity: 100, quantityIncludesExecuted: false), from: 0)
        #expect(venue.takeEvents(0) == [.cancelRejected(clOrdID("R1"))])
        let replaceReject = try Self.only("9", in: venue.takeToClient(0))
        #expect(replaceReject[434] == "2" && replaceReject[102] == "1" && replaceReject[11] == "R1")

        // An open order whose replace changes nothing: refused by the engine, order kept.
        venue.send(limitOrder("O1", .buy, price: 1_890_000, quantity: 100), from: 0)
        _ = venue.takeToClient(0)
        _ = venue.takeEvents(0)
        venue.send(.replace(target: clOrdID("O1"), replacementID: clOrdID("O2"), price: Price(1_890_000),
                            quantity: 100, quantityIncludesExecuted: false), from: 0)
        #expect(venue.takeEvents(0) == [.cancelRejected(clOrdID("O2"))])
        let unchanged = try Self.only("9", in: venue.takeToClient(0))
        #expect(unchanged[102] == (version == .fix44 ? "99" : "2") && unchanged[39] == "0" && unchanged[37] == "1")
        #expect(unchanged[58] == "Replace would not change the order")
        // The desk refuses a reused ClOrdID for a cancel: 6 in 4.4, 2 in 4.2.
        venue.send(.cancel(target: clOrdID("O1"), requestID: clOrdID("O1"), newOpenQuantity: 0), from: 0)
        let duplicate = try Self.only("9", in: venue.takeToClient(0))
        #expect(duplicate[102] == (version == .fix44 ? "6" : "2") && duplicate[58] == "Duplicate ClOrdID")
        #expect(venue.takeEvents(0) == [.cancelRejected(clOrdID("O1"))])
    }

    @Test(arguments: versions)
    func endOfDayCancelsDayOrdersThenLogsOut(version: FIXVersion) throws {
        var venue = Self.loggedOnVenue(version)
        venue.send(limitOrder("DAY", .buy, price: 1_890_000, quantity: 100), from: 0)
        venue.send(limitOrder("GTC", .buy, price: 1_880_000, quantity: 100, timeInForce: .goodTillCancel), from: 0)
        _ = venue.takeToClient(0)
        _ = venue.takeEvents(0)
        venue.advance(to: 5_000_000_000)
        venue.endOfDay()
        let messages = venue.takeToClient(0)
        let cancel = try Self.only("8", in: messages)
        #expect(cancel[11] == "DAY" && cancel[150] == "4" && cancel[58] == "End of day")
        let logout = try Self.only("5", in: messages)
        #expect(logout[58] == "End of day")
        #expect(try Self.only("5", in: venue.takeToVenue(0)).msgType == "5", "the client answers the Logout")
        let events = venue.takeEvents(0)
        #expect(events.first == .cancelled(clOrdID("DAY"), openQuantity: 0))
        guard case .disconnected = events.last else {
            Issue.record("expected a disconnect, got \(events)")
            return
        }
        #expect(venue.portClosed[0] != nil && venue.clientClosed[0] != nil)
        #expect(!venue.ports[0].isLoggedIn && !venue.clients[0].isLoggedIn)
        #expect(venue.desk.openOrderCount == 1, "the GTC order survives the close")
    }

    @Test(arguments: versions)
    func clientLogoutClosesBothEnds(version: FIXVersion) throws {
        var venue = Self.loggedOnVenue(version)
        var output = ConnectionOutput()
        venue.clients[1].logout(nowNs: venue.nowNs, output: &output)
        venue.applyClient(1, output)
        #expect(try Self.only("5", in: venue.takeToClient(1)).msgType == "5")
        #expect(venue.portClosed[1] != nil && venue.clientClosed[1] != nil)
        guard case .disconnected = try #require(venue.takeEvents(1).last) else {
            Issue.record("expected a disconnect")
            return
        }
        #expect(venue.ports[0].isLoggedIn, "the other session carries on")
    }

    @Test(arguments: versions)
    func heartbeatsFlowAfterSilenceAndASilentClientIsLoggedOut(version: FIXVersion) throws {
        var venue = Self.loggedOnVenue(version)
        #expect(venue.portTimersNs[0] == 30_000_000_000, "timers are in driver time")
        venue.advance(to: 31_000_000_000)
        #expect(try Self.only("0", in: venue.takeToClient(0))[52] == "20260105-09:30:30.000")
        #expect(try Self.only("0", in: venue.takeToVenue(0)).msgType == "0")
        venue.advance(to: 95_000_000_000)
        #expect(venue.ports[0].isLoggedIn && venue.clients[0].isLoggedIn)
        #expect(venue.takeToClient(0).allSatisfy { $0.msgType == "0" })

        // Participant 1 stops answering: TestRequest, then Logout and close.
        venue.clientClosed[1] = "unplugged"
        _ = venue.takeToClient(1)
        venue.advance(to: 200_000_000_000)
        let messages = venue.takeToClient(1)
        #expect(messages.contains { $0.msgType == "1" })
        #expect(messages.last?.msgType == "5" && messages.last?[58] == "Heartbeat timeout")
        #expect(venue.portClosed[1] != nil)
        #expect(venue.ports[0].isLoggedIn)
    }

    @Test func portClosesAConnectionThatNeverLogsOn() {
        var venue = FIXVenueHarness(version: .fix44, participants: 1)
        var output = ConnectionOutput()
        venue.ports[0].connectionOpened(nowNs: 0, output: &output)
        venue.applyPort(0, output)
        #expect(venue.portTimersNs[0] == 10_000_000_000)
        venue.advance(to: 11_000_000_000)
        #expect(venue.portClosed[0] == "no Logon in time")
    }

    @Test(arguments: versions)
    func garbageFromOneClientIsIgnoredAndTradingCarriesOn(version: FIXVersion) throws {
        var venue = Self.loggedOnVenue(version)
        venue.send(limitOrder("S1", .sell, price: 1_900_000, quantity: 100), from: 0)
        _ = venue.takeEvents(0)
        _ = venue.takeToClient(0)
        // Noise, a message with a bad checksum, one with a wrong BodyLength.
        var garbage: [UInt8] = Array("hello\u{01}8=FIX.4.4\u{01}garbage".utf8)
        let beginString = version == .fix44 ? "FIX.4.4" : "FIX.4.2"
        garbage += Array("8=\(beginString)\u{01}9=5\u{01}35=0\u{01}10=000\u{01}".utf8)
        garbage += Array("8=\(beginString)\u{01}9=99\u{01}35=D\u{01}34=2\u{01}10=123\u{01}".utf8)
        var generator = SplitMix64(state: 7)
        for _ in 0..<500 { garbage.append(UInt8(truncatingIfNeeded: generator.next())) }
        venue.inject(garbage, into: 1)
        #expect(venue.takeToClient(1).isEmpty, "garbled input gets no reply")
        #expect(venue.ports[1].isLoggedIn && venue.portClosed[1] == nil)
        venue.send(limitOrder("B1", .buy, price: 1_900_000, quantity: 100), from: 1)
        #expect(venue.takeEvents(1).last == .executed(clOrdID("B1"), quantity: 100, price: 1_900_000, openQuantity: 0))
        #expect(venue.takeEvents(0) == [.executed(clOrdID("S1"), quantity: 100, price: 1_900_000, openQuantity: 0)])
    }
}
