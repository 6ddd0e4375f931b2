import MatchingEngine
import Testing
import Wire
@testable import Exchange

/// OUCH 4.2 order entry end to end: `OUCHClient` → bytes → `OUCHPort` →
/// desk and engine → reports → `OUCHPort` → bytes → `OUCHClient`, checking
/// the exact OUCH messages on the wire and the client's events.
@Suite struct OUCHPortTests {
    var venue = OUCHTestVenue()

    init() {
        // Bytes arrive split at random points: every packet may straddle chunks.
        venue.chunking = SplitMix64(state: 0x0C0C)
        venue.connectBoth()
    }

    /// A port that lost its state names its new SoupBinTCP session after
    /// the old one, in the 10 bytes a name has, never the same twice running.
    @Test func aRestartedSessionGetsANewName() {
        func name(_ text: String, _ restart: Int) -> String {
            OUCHPort.sessionName(SoupBinTCPSessionName(text)!, restart: restart).trimmed
        }
        #expect(name("XGW", 1) == "XGW-1")
        #expect(name("XGW-1", 2) == "XGW-2")
        #expect(name("ABCDEFGHIJ", 1) == "ABCDEFGH-1")
        #expect(name("ABCDEFGHIJ", 12) == "ABCDEFG-12")
        #expect(name("ABCDEFGH-1", 1) == "ABCDEFGH-2")
    }

    @Test func loginIsAcceptedAndReported() {
        for index in 0..<2 {
            #expect(venue.venuePacketTypes[index] == [SoupBinTCPPacketType.loginAccepted.rawValue])
            #expect(venue.clientPacketTypes[index] == [SoupBinTCPPacketType.loginRequest.rawValue])
            #expect(venue.events[index] == [.loggedIn])
            #expect(venue.ports[index].isLoggedIn && venue.clients[index].isLoggedIn)
        }
    }

    @Test mutating func restingOrdersTradeAndBothOwnersSeeTheFill() throws {
        venue.clearCapture()
        venue.nowNs = 1_000
        venue.send(0, OUCHTestVenue.limit("S1", .sell, price: 1_900_000, quantity: 300))
        #expect(venue.sent[0] == [OUCHTestVenue.enter("S1", side: .sell, shares: 300)])
        #expect(venue.wire[0] == [venue.accepted("S1", side: .sell, shares: 300, price: 1_900_000, reference: 1)])
        #expect(venue.events[0] == [.accepted(clientID("S1"), order: OrderID(1), openQuantity: 300)])

        venue.nowNs = 2_000
        venue.send(1, OUCHTestVenue.limit("B1", .buy, price: 1_900_000, quantity: 100))
        #expect(venue.wire[1] == [venue.accepted("B1", side: .buy, shares: 100, price: 1_900_000, reference: 2),
                                  venue.executed("B1", shares: 100, price: 1_900_000, flag: "R", match: 1)])
        #expect(venue.wire[0].last == venue.executed("S1", shares: 100, price: 1_900_000, flag: "A", match: 1))
        #expect(venue.events[1] == [.accepted(clientID("B1"), order: OrderID(2), openQuantity: 100),
                                    .executed(clientID("B1"), quantity: 100, price: 1_900_000, openQuantity: 0)])
        #expect(venue.events[0].last == .executed(clientID("S1"), quantity: 100, price: 1_900_000, openQuantity: 200))
        #expect(venue.clients[0].openQuantity(of: clientID("S1")) == 200)
        #expect(venue.clients[1].openQuantity(of: clientID("B1")) == nil)
        venue.checkConsistency()
    }

    @Test mutating func acceptedBytesFollowTheOUCHLayout() throws {
        var output = ConnectionOutput()
        let state = OrderState(
            clientID: clientID("TOKEN-0000001"), order: OrderID(0x0102_0304_0506_0708), symbol: SymbolIndex(1), side: .sell,
            type: .limit, timeInForce: .day, price: 4_001_200, orderQuantity: 250, openQuantity: 250,
            executedQuantity: 0, executedNotional: 0, postOnly: false)
        venue.ports[0].send(.accepted(state), nowNs: 5, desk: venue.desk, deskSession: venue.sessions[0], output: &output)
        #expect(output.messageCount == 1)
        let timestamp: [UInt8] = [0x00, 0x00, 0x1F, 0x1A, 0xCE, 0xD9, 0xF0, 0x05] // 34,200,000,000,005
        let expected: [UInt8] = [0x00, 67, 0x53, 0x41] + timestamp + Array("TOKEN-0000001 ".utf8) + [0x53]
            + [0, 0, 0, 250] + Array("MSFT    ".utf8) + [0x00, 0x3D, 0x0D, 0xB0] + [0x00, 0x01, 0x86, 0x9E]
            + Array("    ".utf8) + [0x59] + [1, 2, 3, 4, 5, 6, 7, 8] + Array("AN".utf8) + [0, 0, 0, 0] + Array("NL ".utf8)
        #expect(output.bytes == expected)
    }

    @Test mutating func immediateOrCancelRemainderIsCanceledWithReasonI() {
        venue.send(0, OUCHTestVenue.limit("S1", .sell, price: 1_900_000, quantity: 100))
        venue.clearCapture()
        venue.send(1, OUCHTestVenue.limit("I1", .buy, price: 1_900_000, quantity: 300, tif: .immediateOrCancel))
        #expect(venue.wire[1] == [
            venue.accepted("I1", side: .buy, shares: 300, price: 1_900_000, reference: 2, tif: .immediateOrCancel),
            venue.executed("I1", shares: 100, price: 1_900_000, flag: "R", match: 1),
            venue.canceled("I1", decrement: 200, reason: "I"),
        ])
        #expect(venue.events[1] == [.accepted(clientID("I1"), order: OrderID(2), openQuantity: 300),
                                    .executed(clientID("I1"), quantity: 100, price: 1_900_000, openQuantity: 200),
                                    .cancelled(clientID("I1"), openQuantity: 0)])
        venue.checkConsistency()
    }

    @Test mutating func postOnlyRestsWithDisplayPOrIsRejectedWhenItWouldTake() {
        venue.send(0, OUCHTestVenue.limit("S1", .sell, price: 1_900_000, quantity: 100))
        venue.clearCapture()
        venue.send(1, OUCHTestVenue.limit("P1", .buy, price: 1_900_000, quantity: 100, postOnly: true))
        #expect(venue.wire[1] == [venue.rejected("P1", reason: "O")])
        #expect(venue.events[1] == [.rejected(clientID("P1"))])
        venue.send(1, OUCHTestVenue.limit("P2", .buy, price: 1_899_900, quantity: 100, postOnly: true))
        #expect(venue.wire[1].last == venue.accepted("P2", side: .buy, shares: 100, price: 1_899_900, reference: 3,
                                                     display: UInt8(ascii: "P")))
        #expect(venue.engine.bestBid(SymbolIndex(0)) == 1_899_900)
        venue.checkConsistency()
    }

    @Test mutating func fillOrKillIsMinimumQuantityEqualToSharesWithTIFZero() {
        venue.send(0, OUCHTestVenue.limit("S1", .sell, price: 1_900_000, quantity: 100))
        venue.clearCapture()
        venue.send(1, OUCHTestVenue.limit("F1", .buy, price: 1_900_000, quantity: 200, tif: .fillOrKill))
        #expect(venue.sent[1] == [OUCHTestVenue.enter("F1", shares: 200, tif: .immediateOrCancel, minimumQuantity: 200)])
        #expect(venue.wire[1] == [venue.rejected("F1", reason: "N")])
        venue.send(1, OUCHTestVenue.limit("F2", .buy, price: 1_900_000, quantity: 100, tif: .fillOrKill))
        #expect(venue.wire[1].suffix(2) == [
            venue.accepted("F2", side: .buy, shares: 100, price: 1_900_000, reference: 3, tif: .immediateOrCancel,
                           minimumQuantity: 100),
            venue.executed("F2", shares: 100, price: 1_900_000, flag: "R", match: 1),
        ])
        // A minimum quantity the venue cannot honour is refused, not dropped.
        venue.sendRaw(1, OUCHTestVenue.enter("F3", shares: 300, tif: .immediateOrCancel, minimumQuantity: 100))
        #expect(venue.wire[1].last == venue.rejected("F3", reason: "N"))
        venue.checkConsistency()
    }

    @Test mutating func cancelReducesOrCancelsAndUnknownTokensGetCancelReject() {
        venue.send(0, OUCHTestVenue.limit("O1", .buy, price: 1_890_000, quantity: 500))
        venue.clearCapture()
        venue.send(0, .cancel(target: clientID("O1"), requestID: nil, newOpenQuantity: 200))
        #expect(venue.sent[0] == [.cancelOrder(OUCHCancelOrder(token: OUCHToken("O1")!, shares: 200))])
        #expect(venue.wire[0] == [venue.canceled("O1", decrement: 300, reason: "U")])
        #expect(venue.events[0] == [.cancelled(clientID("O1"), openQuantity: 200)])
        #expect(venue.engine.openQuantity(of: OrderID(1)) == 200)

        venue.send(0, .cancel(target: clientID("O1"), requestID: nil, newOpenQuantity: 200))
        #expect(venue.wire[0].last == venue.cancelReject("O1"), "a size at the open quantity cancels nothing")
        venue.send(0, .cancel(target: clientID("O1"), requestID: nil, newOpenQuantity: 0))
        #expect(venue.wire[0].last == venue.canceled("O1", decrement: 200, reason: "U"))
        #expect(venue.events[0].last == .cancelled(clientID("O1"), openQuantity: 0))
        venue.send(0, .cancel(target: clientID("NOPE"), requestID: nil, newOpenQuantity: 0))
        #expect(venue.wire[0].last == venue.cancelReject("NOPE"))
        #expect(venue.events[0].last == .cancelRejected(clientID("NOPE")))
        #expect(venue.desk.openOrderCount == 0)
        venue.checkConsistency()
    }

    @Test mutating func replaceRenamesTheOrderAndAFailedReplaceIsRejectedOnTheReplacementToken() {
        venue.send(1, OUCHTestVenue.limit("S1", .sell, price: 1_900_000, quantity: 100))
        venue.send(0, OUCHTestVenue.limit("O1", .buy, price: 1_890_000, quantity: 500))
        venue.clearCapture()
        venue.send(0, .replace(target: clientID("O1"), replacementID: clientID("O2"), price: 1_890_100, quantity: 400,
                               quantityIncludesExecuted: false))
        #expect(venue.sent[0] == [.replaceOrder(OUCHReplaceOrder(
            existingToken: OUCHToken("O1")!, replacementToken: OUCHToken("O2")!, shares: 400, price: 1_890_100,
            timeInForce: .marketHours, display: UInt8(ascii: "Y"), intermarketSweepEligibility: UInt8(ascii: "N"),
            minimumQuantity: 0))])
        #expect(venue.wire[0] == [.replaced(OUCHReplaced(
            timestampNs: venue.timestampNs, replacementToken: OUCHToken("O2")!, side: .buy, shares: 400,
            stock: Alpha8("AAPL")!, price: 1_890_100, timeInForce: .marketHours, firm: .blank, display: UInt8(ascii: "Y"),
            orderReferenceNumber: 2, capacity: UInt8(ascii: "A"), intermarketSweepEligibility: UInt8(ascii: "N"),
            minimumQuantity: 0, crossType: UInt8(ascii: "N"), orderState: UInt8(ascii: "L"),
            previousToken: OUCHToken("O1")!, bboWeightIndicator: 0x20))])
        #expect(venue.events[0] == [.replaced(clientID("O2"), previous: clientID("O1"), openQuantity: 400)])

        // The old token is gone: replacing it fails, answered on the replacement token.
        venue.send(0, .replace(target: clientID("O1"), replacementID: clientID("O3"), price: 1_890_000, quantity: 100,
                               quantityIncludesExecuted: false))
        #expect(venue.wire[0].last == venue.rejected("O3", reason: "O"))
        #expect(venue.events[0].last == .cancelRejected(clientID("O1")))

        // A replace that crosses trades under the new token.
        venue.send(0, .replace(target: clientID("O2"), replacementID: clientID("O4"), price: 1_900_000, quantity: 400,
                               quantityIncludesExecuted: false))
        #expect(venue.wire[0].suffix(2).map(\.messageType) == [OUCHReplaced.messageType, OUCHExecuted.messageType])
        #expect(venue.wire[0].last == venue.executed("O4", shares: 100, price: 1_900_000, flag: "R", match: 1))
        #expect(venue.events[0].last == .executed(clientID("O4"), quantity: 100, price: 1_900_000, openQuantity: 300))

        // Replacing with a token that names a live order is refused on the existing token.
        venue.send(0, OUCHTestVenue.limit("L1", .buy, price: 1_880_000, quantity: 100))
        venue.send(0, .replace(target: clientID("O4"), replacementID: clientID("L1"), price: 1_880_000, quantity: 100,
                               quantityIncludesExecuted: false))
        #expect(venue.wire[0].last == venue.cancelReject("O4"))
        #expect(venue.events[0].last == .cancelRejected(clientID("O4")))
        #expect(venue.clients[0].openQuantity(of: clientID("L1")) == 100)
        venue.checkConsistency()
    }

    @Test mutating func duplicateTokenOfALiveOrderIsIgnoredAndOfAFinishedOneRejected() {
        venue.send(0, OUCHTestVenue.limit("D1", .buy, price: 1_890_000, quantity: 100))
        venue.clearCapture()
        venue.send(0, OUCHTestVenue.limit("D1", .buy, price: 1_880_000, quantity: 300))
        #expect(venue.wire[0].isEmpty, "a Rejected would tell the client its live D1 is dead")
        #expect(venue.desk.openOrder(session: venue.sessions[0], clientID: clientID("D1"))?.openQuantity == 100)
        #expect(venue.engine.bestBid(SymbolIndex(0)) == 1_890_000)

        venue.send(0, .cancel(target: clientID("D1"), requestID: nil, newOpenQuantity: 0))
        venue.clearCapture()
        venue.send(0, OUCHTestVenue.limit("D1", .buy, price: 1_880_000, quantity: 300))
        #expect(venue.wire[0] == [venue.rejected("D1", reason: "O")])
        #expect(venue.events[0] == [.rejected(clientID("D1"))])
        #expect(venue.engine.bestBid(SymbolIndex(0)) == nil)
        venue.checkConsistency()
    }

    @Test mutating func unknownStockIsRejectedWithoutReachingTheDesk() {
        venue.clearCapture()
        venue.sendRaw(0, OUCHTestVenue.enter("U1", stock: "ZZZZ"))
        #expect(venue.wire[0] == [venue.rejected("U1", reason: "S")])
        #expect(venue.events[0] == [.rejected(clientID("U1"))])
        // The desk never saw U1, so the token is still free for a real order.
        venue.send(0, OUCHTestVenue.limit("U1", .buy, price: 1_890_000, quantity: 100))
        #expect(venue.wire[0].last == venue.accepted("U1", side: .buy, shares: 100, price: 1_890_000, reference: 1))
        venue.checkConsistency()
    }

    @Test mutating func entriesTheVenueCannotHonourAreRejectedAtTheDoor() {
        venue.clearCapture()
        venue.sendRaw(0, OUCHTestVenue.enter("C1", crossType: UInt8(ascii: "O")))
        venue.sendRaw(0, OUCHTestVenue.enter("Z1", shares: 1_000_001))
        venue.sendRaw(0, OUCHTestVenue.enter("X1", price: 1_900_050))
        venue.sendRaw(0, OUCHTestVenue.enter("Q1", shares: 0))
        #expect(venue.wire[0] == [venue.rejected("C1", reason: "R"), venue.rejected("Z1", reason: "Z"),
                                  venue.rejected("X1", reason: "X"), venue.rejected("Q1", reason: "Z")])
        // Seconds and system hours are day orders; T and E sell.
        venue.sendRaw(0, OUCHTestVenue.enter("T1", side: .sellShort, tif: .seconds(60)))
        venue.sendRaw(0, OUCHTestVenue.enter("E1", side: .sellShortExempt, price: 1_900_100, tif: .systemHours))
        #expect(venue.engine.bestAsk(SymbolIndex(0)) == 1_900_000)
        guard case .accepted(let accepted) = venue.wire[0][4] else {
            Issue.record("expected Accepted, got \(venue.wire[0])")
            return
        }
        #expect(accepted.side == .sellShort && accepted.timeInForce == .seconds(60))
        venue.checkConsistency()
    }

    @Test mutating func modifyReducesOnTheSameSideAndAnythingElseIsCancelRejected() {
        venue.send(0, OUCHTestVenue.limit("M1", .sell, price: 1_900_000, quantity: 500))
        venue.clearCapture()
        venue.sendRaw(0, .modifyOrder(OUCHModifyOrder(token: OUCHToken("M1")!, side: .sell, shares: 200)))
        #expect(venue.wire[0] == [.orderModified(OUCHOrderModified(
            timestampNs: venue.timestampNs, token: OUCHToken("M1")!, side: .sell, shares: 200))])
        #expect(venue.events[0] == [.cancelled(clientID("M1"), openQuantity: 200)])
        #expect(venue.engine.openQuantity(of: OrderID(1)) == 200)

        venue.sendRaw(0, .modifyOrder(OUCHModifyOrder(token: OUCHToken("M1")!, side: .sellShort, shares: 100)))
        venue.sendRaw(0, .modifyOrder(OUCHModifyOrder(token: OUCHToken("M1")!, side: .sell, shares: 300)))
        venue.sendRaw(0, .modifyOrder(OUCHModifyOrder(token: OUCHToken("M9")!, side: .sell, shares: 100)))
        #expect(venue.wire[0].suffix(3) == [venue.cancelReject("M1"), venue.cancelReject("M1"), venue.cancelReject("M9")])
        #expect(venue.engine.openQuantity(of: OrderID(1)) == 200)
        // A Cancel Order in flight with a Modify is answered in request order.
        var bytes = OUCHTestVenue.unsequenced(.cancelOrder(OUCHCancelOrder(token: OUCHToken("M1")!, shares: 150)))
        bytes += OUCHTestVenue.unsequenced(.modifyOrder(OUCHModifyOrder(token: OUCHToken("M1")!, side: .sell, shares: 100)))
        venue.sendRaw(0, bytes)
        #expect(venue.wire[0].suffix(2) == [venue.canceled("M1", decrement: 50, reason: "U"), .orderModified(OUCHOrderModified(
            timestampNs: venue.timestampNs, token: OUCHToken("M1")!, side: .sell, shares: 100))])
        venue.checkConsistency()
    }

    @Test mutating func marketOrdersUseThePriceSentinel() {
        venue.send(0, OUCHTestVenue.limit("S1", .sell, price: 1_900_000, quantity: 100))
        venue.send(0, OUCHTestVenue.limit("S2", .sell, price: 1_900_100, quantity: 100))
        venue.clearCapture()
        venue.send(1, OUCHTestVenue.limit("K1", .buy, price: 0, quantity: 250, type: .market))
        #expect(venue.sent[1] == [OUCHTestVenue.enter("K1", shares: 250, price: 0x7FFF_FFFF)])
        #expect(venue.wire[1] == [
            venue.accepted("K1", side: .buy, shares: 250, price: 0x7FFF_FFFF, reference: 3),
            venue.executed("K1", shares: 100, price: 1_900_000, flag: "R", match: 1),
            venue.executed("K1", shares: 100, price: 1_900_100, flag: "R", match: 2),
            venue.canceled("K1", decrement: 50, reason: "I"),
        ])
        #expect(venue.events[1].last == .cancelled(clientID("K1"), openQuantity: 0))
        venue.checkConsistency()
    }

    @Test mutating func haltClosedAndEndOfDayCancelsMapToOUCHCodes() {
        var events: [EngineEvent] = []
        venue.send(0, OUCHTestVenue.limit("H1", .buy, price: 1_890_000, quantity: 100))
        venue.engine.setPhase(.halted, symbol: SymbolIndex(0), events: &events)
        venue.clearCapture()
        venue.send(1, OUCHTestVenue.limit("H2", .buy, price: 1_890_000, quantity: 100, tif: .immediateOrCancel))
        #expect(venue.wire[1] == [venue.rejected("H2", reason: "H")])
        // Reopening uncrosses in an auction: liquidity flag O.
        venue.send(1, OUCHTestVenue.limit("H3", .sell, price: 1_890_000, quantity: 100))
        events.removeAll()
        venue.reports.removeAll()
        venue.engine.setPhase(.continuous, symbol: SymbolIndex(0), events: &events)
        venue.desk.absorbUnsolicited(events, reports: &venue.reports)
        venue.route(venue.reports)
        #expect(venue.wire[0].last == venue.executed("H1", shares: 100, price: 1_890_000, flag: "O", match: 1))
        #expect(venue.wire[1].last == venue.executed("H3", shares: 100, price: 1_890_000, flag: "O", match: 1))

        venue.send(0, OUCHTestVenue.limit("H4", .buy, price: 1_880_000, quantity: 100))
        events.removeAll()
        venue.reports.removeAll()
        venue.engine.setPhase(.closed, symbol: SymbolIndex(0), events: &events)
        venue.desk.absorbUnsolicited(events, reports: &venue.reports)
        venue.route(venue.reports)
        #expect(venue.wire[0].last == venue.canceled("H4", decrement: 100, reason: "T"))
        #expect(venue.events[0].last == .cancelled(clientID("H4"), openQuantity: 0))
        venue.send(0, OUCHTestVenue.limit("H5", .buy, price: 1_880_000, quantity: 100))
        #expect(venue.wire[0].last == venue.rejected("H5", reason: "C"))
        venue.checkConsistency()
    }

    @Test mutating func selfTradePreventionCancelIsReasonQ() {
        venue.engine.setSelfTradePrevention(.cancelNewest, for: ParticipantID(1))
        venue.send(0, OUCHTestVenue.limit("A1", .sell, price: 1_900_000, quantity: 100))
        venue.clearCapture()
        venue.send(0, OUCHTestVenue.limit("A2", .buy, price: 1_900_000, quantity: 100))
        #expect(venue.wire[0].last == venue.canceled("A2", decrement: 100, reason: "Q"))
        venue.checkConsistency()
    }

    @Test mutating func heartbeatsFlowBothWaysAndASilentClientIsDropped() {
        venue.clearCapture()
        venue.advance(to: 3_500_000_000)
        let heartbeat = SoupBinTCPPacketType.serverHeartbeat.rawValue
        let clientHeartbeat = SoupBinTCPPacketType.clientHeartbeat.rawValue
        for index in 0..<2 {
            #expect(venue.venuePacketTypes[index] == [heartbeat, heartbeat, heartbeat])
            #expect(venue.clientPacketTypes[index] == [clientHeartbeat, clientHeartbeat, clientHeartbeat])
            #expect(venue.ports[index].isLoggedIn && venue.clients[index].isLoggedIn)
        }
        // Client 0 falls silent: its port drops it after 15 s; client 1 carries on.
        venue.advance(to: 20_000_000_000, muted: [0])
        #expect(venue.portCloseReason[0]?.contains("clientSilent") == true)
        #expect(!venue.ports[0].isLoggedIn && venue.ports[1].isLoggedIn)
        venue.send(1, OUCHTestVenue.limit("B1", .buy, price: 1_890_000, quantity: 100))
        #expect(venue.events[1].last == .accepted(clientID("B1"), order: OrderID(1), openQuantity: 100))
    }

    @Test mutating func endOfDaySendsSystemEventEThenEndOfSession() {
        venue.send(0, OUCHTestVenue.limit("R1", .buy, price: 1_890_000, quantity: 100))
        venue.clearCapture()
        venue.nowNs = 23_400_000_000_000 // 16:00
        var output = ConnectionOutput()
        venue.ports[0].endOfDay(nowNs: venue.nowNs, output: &output)
        #expect(output.messageCount == 2 && output.closeReason != nil)
        venue.deliverToClient(0, output)
        #expect(venue.wire[0] == [.systemEvent(OUCHSystemEvent(timestampNs: 57_600_000_000_000, eventCode: UInt8(ascii: "E")))])
        #expect(venue.venuePacketTypes[0] == [SoupBinTCPPacketType.sequencedData.rawValue, SoupBinTCPPacketType.endOfSession.rawValue])
        guard case .disconnected = venue.events[0].last, let reason = venue.clientCloseReason[0] else {
            Issue.record("the client must report the end: \(venue.events[0])")
            return
        }
        #expect(reason.contains("endOfSession"))
        // Reports after the end go nowhere, without a trap.
        var late = ConnectionOutput()
        let state = venue.desk.openOrder(session: venue.sessions[0], clientID: clientID("R1"))!
        venue.ports[0].send(.cancelled(state, decrement: 100, reason: .endOfDay, requestID: nil), nowNs: venue.nowNs,
                            desk: venue.desk, deskSession: venue.sessions[0], output: &late)
        #expect(late.isEmpty)
    }

    @Test mutating func malformedOUCHClosesOnlyThatSessionAndReplaysOnReconnect() {
        venue.send(0, OUCHTestVenue.limit("S1", .sell, price: 1_900_000, quantity: 300))
        venue.clearCapture()
        // A valid Enter Order, then a 'Q' that is no OUCH 4.2 inbound message, in one chunk.
        var bytes = OUCHTestVenue.unsequenced(OUCHTestVenue.enter("S2", side: .sell, price: 1_900_100))
        bytes += [0x00, 0x04, 0x55, 0x51, 0x01, 0x02]
        bytes += OUCHTestVenue.unsequenced(OUCHTestVenue.enter("S3", side: .sell, price: 1_900_200))
        venue.sendRaw(0, bytes)
        #expect(venue.portCloseReason[0]?.contains("malformed OUCH") == true)
        #expect(!venue.connected[0] && !venue.ports[0].isLoggedIn)
        #expect(venue.desk.openOrder(session: venue.sessions[0], clientID: clientID("S2")) != nil, "S2 came before the fault")
        #expect(venue.desk.openOrder(session: venue.sessions[0], clientID: clientID("S3")) == nil, "S3 came after it")

        // The other session trades on against session 0's resting order.
        venue.send(1, OUCHTestVenue.limit("B1", .buy, price: 1_900_000, quantity: 100))
        #expect(venue.events[1].last == .executed(clientID("B1"), quantity: 100, price: 1_900_000, openQuantity: 0))

        // Session 0 logs in again and gets what it missed, in order.
        venue.clearCapture()
        venue.connect(0)
        #expect(venue.events[0] == [.loggedIn, .accepted(clientID("S2"), order: OrderID(2), openQuantity: 100),
                                    .executed(clientID("S1"), quantity: 100, price: 1_900_000, openQuantity: 200)])
        venue.checkConsistency()
    }

    @Test mutating func framingErrorAndDataBeforeLoginClose() {
        venue.sendRaw(0, [0x00, 0x00, 0x55])
        #expect(venue.portCloseReason[0]?.contains("zeroPacketLength") == true)
        var fresh = OUCHTestVenue()
        var output = ConnectionOutput()
        fresh.ports[0].connectionOpened(nowNs: 0, output: &output)
        fresh.connected[0] = true
        fresh.sendRaw(0, OUCHTestVenue.unsequenced(OUCHTestVenue.enter("E1")))
        #expect(fresh.portCloseReason[0]?.contains("unexpectedPacket") == true)
        #expect(fresh.desk.openOrderCount == 0)
    }

    @Test func badLoginGetsLoginRejected() {
        var venue = OUCHTestVenue(passwords: ["wrong", "bob"])
        venue.connectBoth()
        #expect(venue.venuePacketTypes[0] == [SoupBinTCPPacketType.loginRejected.rawValue])
        #expect(venue.events[0] == [.disconnected])
        #expect(venue.clientCloseReason[0]?.contains("notAuthorized") == true)
        #expect(!venue.ports[0].isLoggedIn && venue.ports[1].isLoggedIn)
    }
}
