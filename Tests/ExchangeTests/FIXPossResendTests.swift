import MatchingEngine
import Testing
import Wire
@testable import Exchange

/// A venue that restarts without its FIX sessions' state resets the
/// sequence numbers in its Logon reply and will ask for nothing it missed:
/// the client sends every unanswered request again, PossResend (97)=Y, and
/// the venue answers a NewOrderSingle it already took with the order's
/// status, open or finished, and takes one it never saw as new.
@Suite struct FIXPossResendTests {
    static func order(_ id: String, _ side: Side, price: Int64 = 1_900_000, quantity: Int64 = 100) -> OrderEntryRequest {
        .new(NewOrderRequest(clientID: ClientOrderID(id)!, symbol: FIXVenueHarness.aapl, side: side,
                             timeInForce: .goodTillCancel, price: Price(price), quantity: Quantity(quantity)))
    }

    static func loggedOnVenue(_ version: FIXVersion, resendsUnanswered: Bool = true) -> FIXVenueHarness {
        FIXOrderEntryTests.loggedOnVenue(version, resendsUnanswered: resendsUnanswered)
    }

    /// ExecType of an order status report: I in 4.4; in 4.2, ExecTransType 3
    /// and the OrdStatus byte.
    static func isStatus(_ message: FIXWireMessage, _ version: FIXVersion) -> Bool {
        version == .fix44 ? message[150] == "I" && !message.has(20)
            : message[20] == "3" && message[150] == message[39]
    }

    @Test(arguments: FIXOrderEntryTests.versions)
    func unansweredRequestsGoAgainAndAreAnsweredWithTheOrdersStatus(version: FIXVersion) throws {
        var venue = Self.loggedOnVenue(version)
        // Answered before the trouble: not sent again.
        venue.send(Self.order("A1", .buy, price: 1_890_000), from: 0)
        // Taken by the venue, its answers lost up to the restart: one open,
        // one filled meanwhile.
        venue.losesToClient = true
        venue.send(Self.order("B1", .buy, price: 1_880_000), from: 0)
        venue.send(Self.order("F1", .sell, price: 1_910_000, quantity: 300), from: 0)
        venue.send(Self.order("X1", .buy, price: 1_910_000, quantity: 300), from: 1)
        // Swallowed on the way: the venue never saw it.
        venue.losesToVenue = true
        venue.send(Self.order("S1", .buy, price: 1_870_000), from: 0)
        venue.losesToVenue = false
        venue.losesToClient = false
        #expect(venue.clients[0].unansweredRequestCount == 3)
        _ = venue.takeToClient(0)
        _ = venue.takeToVenue(0)
        _ = venue.takeEvents(0)

        venue.restartWithoutState(0)

        let sent = venue.takeToVenue(0)
        let received = venue.takeToClient(0)
        let logonReply = try FIXOrderEntryTests.only("A", in: received)
        #expect(logonReply[141] == "Y" && logonReply[34] == "1")
        let resent = sent.filter { $0.msgType == "D" }
        #expect(resent.map { $0[11] } == ["B1", "F1", "S1"], "in the order first sent, and not A1: \(sent) \(received)")
        #expect(resent.allSatisfy { $0[97] == "Y" && !$0.has(43) })
        #expect(resent.map { $0[34] } == ["2", "3", "4"], "numbered after the Logon, which is 1")

        let answers = received.filter { $0.msgType == "8" }
        try #require(answers.count == 3, "\(answers)")
        #expect(Self.isStatus(answers[0], version) && answers[0][11] == "B1" && answers[0][39] == "0")
        #expect(answers[0][151] == "100" && answers[0][14] == "0")
        // Finished while its answers were lost: its final state.
        #expect(Self.isStatus(answers[1], version) && answers[1][11] == "F1" && answers[1][39] == "2")
        #expect(answers[1][151] == "0" && answers[1][14] == "300")
        // Never seen: taken as a new order.
        #expect(answers[2][150] == "0" && answers[2][11] == "S1" && answers[2][39] == "0")

        let events = venue.takeEvents(0)
        #expect(events.first == .loggedIn)
        let accepted = events.compactMap { event -> (String, Int64)? in
            if case .accepted(let id, _, let open) = event { return (id.description, open.rawValue) } else { return nil }
        }
        #expect(accepted.map(\.0) == ["B1", "F1", "S1"])
        #expect(accepted.map(\.1) == [100, 300, 100], "open when accepted, before what executed since")
        // What executed while the answers were lost, in one.
        let executed = events.compactMap { event -> (String, Int64, Int64)? in
            if case .executed(let id, let quantity, _, let open) = event { return (id.description, quantity.rawValue, open.rawValue) }
            return nil
        }
        #expect(executed.map(\.0) == ["F1"] && executed.map(\.1) == [300] && executed.map(\.2) == [0])
        #expect(venue.clients[0].unansweredRequestCount == 0)
        #expect(venue.clients[0].requestsResent == 3)
    }

    @Test(arguments: FIXOrderEntryTests.versions)
    func aFillThatArrivesBeforeTheResendAnswersTheOrder(version: FIXVersion) throws {
        var venue = Self.loggedOnVenue(version)
        venue.losesToClient = true
        venue.send(Self.order("B1", .buy, price: 1_880_000, quantity: 300), from: 0)
        venue.losesToClient = false
        _ = venue.takeEvents(0)
        // Filled in part while its client is away: the fill is kept for the
        // new session and comes in the same read as the Logon reply, before
        // the client could send anything again.
        venue.deliversOutputInOneRead = true
        venue.restartWithoutState(0) { venue in
            venue.send(Self.order("X1", .sell, price: 1_880_000, quantity: 100), from: 1)
        }
        #expect(venue.takeToVenue(0).filter { $0[97] == "Y" }.isEmpty, "answered by the fill: nothing to send again")
        let events = venue.takeEvents(0)
        try #require(events.count == 3, "\(events)")
        #expect(events[0] == .loggedIn)
        guard case .accepted(let id, _, let open) = events[1], case .executed(let filled, let quantity, _, let left) = events[2] else {
            Issue.record("expected accepted then executed: \(events)")
            return
        }
        #expect(id == ClientOrderID("B1")! && open.rawValue == 300)
        #expect(filled == id && quantity.rawValue == 100 && left.rawValue == 200)
        #expect(venue.clients[0].unansweredRequestCount == 0)
    }

    @Test(arguments: FIXOrderEntryTests.versions)
    func aCancelOrReplaceSentAgainAfterItWasCarriedOutIsAnswered(version: FIXVersion) throws {
        var venue = Self.loggedOnVenue(version)
        venue.send(Self.order("B1", .buy, price: 1_880_000), from: 0)
        venue.send(Self.order("B2", .buy, price: 1_870_000), from: 0)
        _ = venue.takeEvents(0)
        _ = venue.takeToClient(0)
        // The first copies are carried out; their answers are lost.
        venue.losesToClient = true
        venue.send(.cancel(target: ClientOrderID("B1")!, requestID: ClientOrderID("C1")!, newOpenQuantity: .zero), from: 0)
        venue.send(.replace(target: ClientOrderID("B2")!, replacementID: ClientOrderID("R2")!, price: Price(1_860_000),
                            quantity: Quantity(100), quantityIncludesExecuted: false), from: 0)
        venue.losesToClient = false
        _ = venue.takeToVenue(0)
        venue.restartWithoutState(0)

        let resent = venue.takeToVenue(0).filter { $0[97] == "Y" }
        #expect(resent.map(\.msgType) == ["F", "G"])
        let answers = venue.takeToClient(0).filter { $0.msgType == "9" || $0.msgType == "8" }
        try #require(answers.count == 2, "\(answers)")
        // The cancel finds no open order under B1: refused, CxlRejReason 1.
        #expect(answers[0].msgType == "9" && answers[0][102] == "1")
        // The replace's new ClOrdID names the order: its status.
        #expect(Self.isStatus(answers[1], version) && answers[1][11] == "R2" && answers[1][39] == "0" && answers[1][44] == "186")
        // The cancel's order is not open: cancelled. The replace was carried out.
        #expect(venue.takeEvents(0) == [
            .loggedIn, .cancelled(ClientOrderID("B1")!, openQuantity: .zero),
            .replaced(ClientOrderID("R2")!, previous: ClientOrderID("B2")!, openQuantity: Quantity(100)),
        ])
        #expect(venue.clients[0].unansweredRequestCount == 0)
        // The client knows the order by its new ClOrdID: a cancel of R2 goes through.
        venue.send(.cancel(target: ClientOrderID("R2")!, requestID: ClientOrderID("C2")!, newOpenQuantity: .zero), from: 0)
        #expect(venue.takeEvents(0) == [.cancelled(ClientOrderID("R2")!, openQuantity: .zero)])
    }

    @Test(arguments: FIXOrderEntryTests.versions)
    func aReplaceSentAgainReportsWhatExecutedSinceTheClientLastHeard(version: FIXVersion) throws {
        var venue = Self.loggedOnVenue(version)
        venue.send(Self.order("B1", .buy, price: 1_880_000, quantity: 300), from: 0)
        venue.send(Self.order("X1", .sell, price: 1_880_000, quantity: 50), from: 1)
        _ = venue.takeEvents(0)
        #expect(venue.clients[0].orders[ClientOrderID("B1")!]?.executedQuantity == 50)
        // Replaced, then filled in part; every answer lost.
        venue.losesToClient = true
        venue.send(.replace(target: ClientOrderID("B1")!, replacementID: ClientOrderID("R1")!, price: Price(1_870_000),
                            quantity: Quantity(250), quantityIncludesExecuted: false), from: 0)
        venue.send(Self.order("X2", .sell, price: 1_870_000, quantity: 100), from: 1)
        venue.losesToClient = false
        venue.restartWithoutState(0)

        let events = venue.takeEvents(0)
        try #require(events.count == 3, "\(events)")
        // Open when replaced: 150 still open plus the 100 executed since.
        #expect(events[1] == .replaced(ClientOrderID("R1")!, previous: ClientOrderID("B1")!, openQuantity: Quantity(250)))
        guard case .executed(let id, let quantity, _, let open) = events[2] else {
            Issue.record("expected what executed since: \(events)")
            return
        }
        #expect(id == ClientOrderID("R1")! && quantity.rawValue == 100 && open.rawValue == 150)
        #expect(venue.clients[0].orders[ClientOrderID("R1")!]?.executedQuantity == 150)
        #expect(venue.clients[0].unansweredRequestCount == 0)
    }

    @Test func aReplaceWhoseReplacementIsUnknownIsRefusedWithoutPossResend() {
        // Without PossResend a replace of an order no longer open is refused,
        // even though its replacement id names the order.
        var engine = MatchingEngine(symbols: FIXVenueHarness.symbols)
        var desk = OrderEntryDesk()
        let session = desk.addSession(participant: ParticipantID(1), keepsFinishedOrders: true)
        var events: [EngineEvent] = []
        var reports: [OrderEntryDesk.AddressedReport] = []
        guard case .new(let order) = Self.order("B1", .buy) else { return }
        desk.handle(.new(order), from: session, engine: &engine, events: &events, reports: &reports)
        func replace(possibleResend: Bool) -> OrderEntryReport? {
            reports.removeAll()
            desk.handle(.replace(target: ClientOrderID("B1")!, replacementID: ClientOrderID("R1")!, price: Price(1_870_000),
                                 quantity: Quantity(100), quantityIncludesExecuted: false, possibleResend: possibleResend),
                        from: session, engine: &engine, events: &events, reports: &reports)
            return reports.first?.report
        }
        guard case .replaced? = replace(possibleResend: false) else {
            Issue.record("the first replace is carried out: \(reports)")
            return
        }
        guard case .cancelRejected(_, _, true, nil, .unknownClientID)? = replace(possibleResend: false) else {
            Issue.record("expected an unknown order's refusal: \(reports)")
            return
        }
        guard case .status(let state)? = replace(possibleResend: true) else {
            Issue.record("expected the order's status: \(reports)")
            return
        }
        #expect(state.clientID == ClientOrderID("R1")! && state.price == Price(1_870_000))
    }

    @Test(arguments: FIXOrderEntryTests.versions)
    func aFillOfAReplacementAwaitingItsAnswerReportsTheReplace(version: FIXVersion) throws {
        var venue = Self.loggedOnVenue(version)
        venue.send(Self.order("B1", .buy, price: 1_880_000, quantity: 300), from: 0)
        _ = venue.takeEvents(0)
        venue.losesToClient = true
        venue.send(.replace(target: ClientOrderID("B1")!, replacementID: ClientOrderID("R1")!, price: Price(1_870_000),
                            quantity: Quantity(300), quantityIncludesExecuted: false), from: 0)
        venue.losesToClient = false
        venue.deliversOutputInOneRead = true
        venue.restartWithoutState(0) { venue in
            venue.send(Self.order("X1", .sell, price: 1_870_000, quantity: 100), from: 1)
        }
        let events = venue.takeEvents(0)
        try #require(events.count == 3, "\(events)")
        #expect(events[1] == .replaced(ClientOrderID("R1")!, previous: ClientOrderID("B1")!, openQuantity: Quantity(300)))
        guard case .executed(let id, _, _, let open) = events[2] else {
            Issue.record("expected the fill after the replace: \(events)")
            return
        }
        #expect(id == ClientOrderID("R1")! && open.rawValue == 200)
    }

    @Test(arguments: FIXOrderEntryTests.versions)
    func aCopySentAgainAndLostIsResentStillMarkedPossResend(version: FIXVersion) throws {
        var venue = Self.loggedOnVenue(version)
        venue.losesToClient = true
        venue.send(Self.order("B1", .buy, price: 1_880_000), from: 0)
        venue.losesToClient = false
        // The PossResend copy is lost in its turn; the next order shows the
        // venue the gap, and its ResendRequest brings the copy back.
        venue.losesToVenueWhen = { $0[97] == "Y" && $0[43] == nil }
        venue.restartWithoutState(0)
        venue.losesToVenueWhen = nil
        _ = venue.takeToVenue(0)
        _ = venue.takeToClient(0)
        venue.send(Self.order("B2", .buy, price: 1_870_000), from: 0)
        let resent = try FIXOrderEntryTests.only("D", in: venue.takeToVenue(0).filter { $0[43] == "Y" && $0[11] == "B1" })
        #expect(resent[11] == "B1" && resent[97] == "Y", "\(resent)")
        let status = venue.takeToClient(0).filter { $0.msgType == "8" && $0[11] == "B1" }
        #expect(status.count == 1 && Self.isStatus(status[0], version), "\(status)")
        #expect(venue.clients[0].unansweredRequestCount == 0)
    }

    @Test(arguments: FIXOrderEntryTests.versions)
    func aUsedClOrdIDWithoutPossResendIsStillADuplicate(version: FIXVersion) throws {
        var venue = Self.loggedOnVenue(version)
        venue.send(Self.order("A1", .buy), from: 0)
        _ = venue.takeToClient(0)
        venue.send(Self.order("A1", .buy), from: 0)
        let reject = try FIXOrderEntryTests.only("8", in: venue.takeToClient(0))
        #expect(reject[150] == "8" && reject[103] == "6")
    }

    @Test func aStatusReportAnsweringNothingAwaitedIsDropped() throws {
        // A client that does not resend keeps nothing: a status it did not
        // ask for says nothing about a request of its own.
        var venue = Self.loggedOnVenue(.fix44, resendsUnanswered: false)
        venue.losesToClient = true
        venue.send(Self.order("B1", .buy), from: 0)
        venue.losesToClient = false
        _ = venue.takeEvents(0)
        _ = venue.takeToVenue(0)
        venue.restartWithoutState(0)
        #expect(venue.takeToVenue(0).filter { $0.msgType == "D" }.isEmpty)
        #expect(venue.takeEvents(0) == [.loggedIn])
        #expect(venue.clients[0].requestsResent == 0)
    }

    @Test func aFinishedOrderIsKeptOnlyForSessionsThatAskIt() {
        var engine = MatchingEngine(symbols: FIXVenueHarness.symbols)
        var desk = OrderEntryDesk()
        let keeping = desk.addSession(participant: ParticipantID(1), keepsFinishedOrders: true)
        let plain = desk.addSession(participant: ParticipantID(2))
        var events: [EngineEvent] = []
        var reports: [OrderEntryDesk.AddressedReport] = []
        for (session, id) in [(keeping, "K1"), (plain, "P1")] {
            let cancelled = NewOrderRequest(clientID: ClientOrderID(id)!, symbol: FIXVenueHarness.aapl, side: .buy,
                                            timeInForce: .immediateOrCancel, price: Price(1_800_000), quantity: Quantity(100))
            desk.handle(.new(cancelled), from: session, engine: &engine, events: &events, reports: &reports)
            var again = cancelled
            again.possibleResend = true
            reports.removeAll()
            desk.handle(.new(again), from: session, engine: &engine, events: &events, reports: &reports)
            if session == keeping {
                guard case .status(let state)? = reports.first?.report else {
                    Issue.record("expected a status, got \(reports)")
                    continue
                }
                #expect(state.clientID == ClientOrderID(id)! && state.openQuantity == .zero)
            } else {
                guard case .rejected(_, _, .duplicateClientID)? = reports.first?.report else {
                    Issue.record("expected a duplicate's reject, got \(reports)")
                    continue
                }
            }
            reports.removeAll()
        }
        #expect(desk.finished.count == 1)
    }
}
