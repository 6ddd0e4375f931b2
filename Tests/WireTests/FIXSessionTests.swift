import Testing
@testable import Wire

/// One test per row of the session table in PROTOCOLS.md §5, against a
/// venue (acceptor) fed hand-built messages, plus initiator rows.
@Suite("FIX session: acceptor and initiator rules")
struct FIXSessionTests {
    static let second: Int64 = 1_000_000_000

    /// A venue that has accepted `client`'s Logon (MsgSeqNum 1 both ways).
    static func loggedOnVenue(_ version: FIXVersion = .fix44) -> (FIXSession, FIXCounterparty) {
        var venue = FIXSession.venue(version)
        var client = FIXCounterparty(beginString: version == .fix42 ? "FIX.4.2" : "FIX.4.4")
        let actions = venue.feed(client.logon())
        precondition(actions.sentMsgTypes == ["A"] && venue.isLoggedOn)
        return (venue, client)
    }

    static func expectReject(
        _ actions: [FIXSession.Action], refSeqNum: Int, reason: Int?, refTagID: Int?,
        sourceLocation: SourceLocation = #_sourceLocation
    ) {
        #expect(actions.sentMsgTypes == ["3"], "\(actions.sent)", sourceLocation: sourceLocation)
        guard let reject = actions.sent.first else { return }
        #expect(fieldValue(reject, 45) == String(refSeqNum), sourceLocation: sourceLocation)
        #expect(fieldValue(reject, 373) == reason.map(String.init), sourceLocation: sourceLocation)
        #expect(fieldValue(reject, 371) == refTagID.map(String.init), sourceLocation: sourceLocation)
        #expect(fieldValue(reject, 58) != nil, sourceLocation: sourceLocation)
        #expect(actions.disconnectReason == nil, sourceLocation: sourceLocation)
    }

    /// The message with BodyLength one too small, so the trailer is not where it says.
    static func shortenBodyLength(_ message: [UInt8]) -> [UInt8] {
        let length = Int(FIXText.value(message, 9)!)!
        return FIXText.bytes(FIXText.text(message).replacingFirst("|9=\(length)|", with: "|9=\(length - 1)|"))
    }

    // MARK: Logon

    @Test func logonIsAnsweredWithLogonAndHeartBtInt() {
        var venue = FIXSession.venue()
        var client = FIXCounterparty()
        let actions = venue.feed(client.logon(heartBtInt: 20))
        #expect(actions.sentMsgTypes == ["A"])
        let reply = actions.sent[0]
        #expect(fieldValue(reply, 8) == "FIX.4.4")
        #expect(fieldValue(reply, 49) == "VENUE")
        #expect(fieldValue(reply, 56) == "CLIENT")
        #expect(fieldValue(reply, 34) == "1")
        #expect(fieldValue(reply, 52) == "20260302-09:30:00.000")
        #expect(fieldValue(reply, 108) == "20")
        #expect(fieldValue(reply, 98) == "0")
        #expect(actions.contains(.established))
        #expect(actions.contains(.armTimer(atNs: fixTestEpochNs + 20 * Self.second)))
        #expect(venue.nextExpectedMsgSeqNum == 2)
        #expect(venue.nextOutgoingMsgSeqNum == 2)
    }

    @Test func firstMessageNotLogonDisconnectsWithoutLogout() {
        var venue = FIXSession.venue()
        var client = FIXCounterparty()
        let actions = venue.feed(client.make("0"))
        #expect(actions == [.disconnect(.firstMessageNotLogon)])
    }

    @Test func logonWithBadBeginStringCompIDSendingTimeOrBodyLengthGetsNoReply() {
        var client = FIXCounterparty()
        let badLogons: [[UInt8]] = [
            client.make("A", "98=0|108=30|", seq: 1, beginString: "FIX.4.2"),
            client.make("A", "98=0|108=30|", seq: 1, sender: "INTRUDER"),
            client.make("A", "98=0|108=30|", seq: 1, target: "OTHERVENUE"),
            client.make("A", "98=0|108=30|", seq: 1, sendingNs: fixTestEpochNs - 121 * Self.second),
            Self.shortenBodyLength(client.make("A", "98=0|108=30|", seq: 1)),
            client.make("A", "98=0|", seq: 1),
        ]
        for logon in badLogons {
            var venue = FIXSession.venue()
            let actions = venue.feed(logon)
            #expect(actions == [.disconnect(.invalidLogon)], "\(FIXText.text(logon))")
        }
    }

    @Test func badCredentialsGetLogoutWithTextThenDisconnect() {
        for extra in ["553=trader|554=wrong|", "553=other|554=secret|", "553=trader|"] {
            var client = FIXCounterparty()
            var venue = FIXSession.venue(username: "trader", password: "secret")
            let actions = venue.feed(client.logon(extra: extra))
            #expect(actions.sentMsgTypes == ["5"])
            #expect(fieldValue(actions.sent[0], 58) == "Invalid username or password")
            #expect(actions.disconnectReason == .authenticationFailed)
        }
        var client = FIXCounterparty()
        var venue = FIXSession.venue(username: "trader", password: "secret")
        #expect(venue.feed(client.logon(extra: "553=trader|554=secret|")).sentMsgTypes == ["A"])
    }

    @Test func secondLogonWithTheSameCompIDsDisconnectsTheNewcomer() {
        var registry = FIXLogonRegistry()
        var first = FIXSession.venue()
        var second = FIXSession.venue()
        var client = FIXCounterparty()
        let logon = client.logon()
        let firstActions = logon.withUnsafeBytes { first.received($0, nowNs: fixTestEpochNs, registry: &registry) }
        #expect(firstActions.sentMsgTypes == ["A"])
        let secondActions = logon.withUnsafeBytes { second.received($0, nowNs: fixTestEpochNs, registry: &registry) }
        #expect(secondActions == [.disconnect(.duplicateLogon)])
        #expect(first.isLoggedOn)
        registry.release(second)
        #expect(registry.count == 1)
        registry.release(first)
        #expect(registry.count == 0)
    }

    @Test func logonWithHigherMsgSeqNumIsAnsweredThenResendRequested() {
        var venue = FIXSession.venue()
        var client = FIXCounterparty()
        client.nextSeqNum = 5
        let actions = venue.feed(client.logon())
        #expect(actions.sentMsgTypes == ["A", "2"])
        #expect(fieldValue(actions.sent[1], 7) == "1")
        #expect(fieldValue(actions.sent[1], 16) == "0")
    }

    @Test func logonWithResetSeqNumFlagStartsBothSequencesAtOne() {
        var venue = FIXSession.venue()
        var fresh = FIXCounterparty()
        let actions = venue.feed(fresh.logon(extra: "141=Y|"))
        #expect(fieldValue(actions.sent[0], 141) == "Y")
        #expect(fieldValue(actions.sent[0], 34) == "1")
    }

    // MARK: Sequence numbers

    @Test func higherMsgSeqNumIsQueuedBehindAResendRequest() {
        var (venue, client) = Self.loggedOnVenue()
        let order = client.make("D", Self.orderBody, seq: 3)
        var actions = venue.feed(order)
        #expect(actions.sentMsgTypes == ["2"])
        #expect(fieldValue(actions.sent[0], 7) == "2")
        #expect(fieldValue(actions.sent[0], 16) == "0")
        #expect(actions.delivered.isEmpty)
        // A further message beyond the gap does not repeat the ResendRequest.
        actions = venue.feed(client.make("0", seq: 4))
        #expect(actions.sent.isEmpty)
        // Gap fill for 2, then the queued 3 and 4 are processed in order.
        actions = venue.feed(client.make("4", "123=Y|36=3|", seq: 2, possDup: true, origSendingNs: fixTestEpochNs))
        #expect(actions.delivered.count == 1)
        #expect(venue.nextExpectedMsgSeqNum == 5)
    }

    @Test func lowerMsgSeqNumWithoutPossDupLogsOutWithoutReject() {
        var (venue, client) = Self.loggedOnVenue()
        _ = venue.feed(client.make("0"))
        _ = venue.feed(client.make("0"))
        let actions = venue.feed(client.make("0", seq: 2))
        #expect(actions.sentMsgTypes == ["5"])
        #expect(fieldValue(actions.sent[0], 58) == "MsgSeqNum too low, expecting 4 but received 2")
        #expect(actions.disconnectReason == .msgSeqNumTooLow)
    }

    @Test func lowerMsgSeqNumWithPossDupIsIgnored() {
        var (venue, client) = Self.loggedOnVenue()
        _ = venue.feed(client.make("0"))
        let actions = venue.feed(client.make("0", seq: 2, possDup: true, origSendingNs: fixTestEpochNs))
        #expect(actions.sent.isEmpty)
        #expect(actions.disconnectReason == nil)
        #expect(venue.nextExpectedMsgSeqNum == 3)
    }

    @Test func possDupWithoutOrigSendingTimeIsRejected() {
        var (venue, client) = Self.loggedOnVenue()
        let actions = venue.feed(client.make("0", possDup: true))
        Self.expectReject(actions, refSeqNum: 2, reason: 1, refTagID: 122)
        #expect(venue.nextExpectedMsgSeqNum == 3)
    }

    @Test func possDupWithOrigSendingTimeAfterSendingTimeIsRejectedWithoutLogout() {
        var (venue, client) = Self.loggedOnVenue()
        let actions = venue.feed(client.make("0", possDup: true, origSendingNs: fixTestEpochNs + Self.second))
        Self.expectReject(actions, refSeqNum: 2, reason: 10, refTagID: 122)
    }

    @Test func sendingTimeOutsideTheWindowIsRejectedThenLoggedOut() {
        var (venue, client) = Self.loggedOnVenue()
        let actions = venue.feed(client.make("0", sendingNs: fixTestEpochNs + 121 * Self.second))
        #expect(actions.sentMsgTypes == ["3", "5"])
        #expect(fieldValue(actions.sent[0], 373) == "10")
        #expect(actions.disconnectReason == .sendingTimeAccuracy)
        var (inWindow, client2) = Self.loggedOnVenue()
        #expect(inWindow.feed(client2.make("0", sendingNs: fixTestEpochNs - 119 * Self.second)).sent.isEmpty)
    }

    @Test func garbledMessagesAreIgnoredWithoutSequenceIncrement() {
        var (venue, client) = Self.loggedOnVenue()
        var corrupt = client.make("1", "112=T|", seq: 2)
        corrupt[corrupt.count - 3] ^= 0x01  // checksum digit
        let wrongLength = Self.shortenBodyLength(client.make("1", "112=T|", seq: 2))
        let outOfOrder = FIXText.bytes("8=FIX.4.4|35=1|9=5|34=2|10=000|")
        let badSyntax = FIXText.message("35=1|49=CLIENT|56=VENUE|34=2|5x=1|")
        for garbled in [corrupt, wrongLength, outOfOrder, badSyntax] {
            let actions = venue.feed(garbled)
            #expect(actions.sent.isEmpty && actions.disconnectReason == nil)
        }
        #expect(venue.nextExpectedMsgSeqNum == 2)
        let actions = venue.feed(client.make("1", "112=T|", seq: 2))
        #expect(actions.sentMsgTypes == ["0"])
        #expect(venue.nextExpectedMsgSeqNum == 3)
    }

    @Test func beginStringChangeAfterLogonLogsOut() {
        var (venue, client) = Self.loggedOnVenue()
        let actions = venue.feed(client.make("0", beginString: "FIX.4.2"))
        #expect(actions.sentMsgTypes == ["5"])
        #expect(fieldValue(actions.sent[0], 58) == "Incorrect BeginString")
        #expect(actions.disconnectReason == .incorrectBeginString)
    }

    @Test func wrongCompIDAfterLogonIsRejectedThenLoggedOut() {
        for (sender, target) in [("INTRUDER", "VENUE"), ("CLIENT", "ELSEWHERE")] {
            var (venue, client) = Self.loggedOnVenue()
            let actions = venue.feed(client.make("0", sender: sender, target: target))
            #expect(actions.sentMsgTypes == ["3", "5"])
            #expect(fieldValue(actions.sent[0], 373) == "9")
            #expect(actions.disconnectReason == .compIDProblem)
        }
    }

    // MARK: Message validation

    static let orderBody = "11=ORD1|21=1|55=AAPL|54=1|60=20260302-09:30:00.000|38=100|40=2|44=101.25|"

    @Test func invalidMsgTypeIsRejected() {
        var (venue, client) = Self.loggedOnVenue()
        Self.expectReject(venue.feed(client.make("#")), refSeqNum: 2, reason: 11, refTagID: nil)
        #expect(venue.nextExpectedMsgSeqNum == 3)
    }

    @Test func supportedByTheDictionaryButNotByTheVenueGetsBusinessReject() {
        var (venue, client) = Self.loggedOnVenue()
        let actions = venue.feed(client.make("E", "66=LIST1|"))
        #expect(actions.sentMsgTypes == ["j"])
        #expect(fieldValue(actions.sent[0], 45) == "2")
        #expect(fieldValue(actions.sent[0], 372) == "E")
        #expect(fieldValue(actions.sent[0], 380) == "3")
        #expect(fieldValue(actions.sent[0], 58) == "Unsupported Message Type")
    }

    @Test(arguments: [
        ("11=ORD1|21=1|54=1|60=20260302-09:30:00.000|38=100|40=2|44=1|", 1, 55),
        ("11=ORD1|21=1|55=AAPL|54=1|60=20260302-09:30:00.000|38=100|40=2|44=1|150=0|", 2, 150),
        ("11=ORD1|21=1|55=AAPL|54=1|60=20260302-09:30:00.000|38=100|40=2|44=|", 4, 44),
        ("11=ORD1|21=1|55=AAPL|54=7|60=20260302-09:30:00.000|38=100|40=2|44=1|", 5, 54),
        ("11=ORD1|21=1|55=AAPL|54=1|60=20260302-09:30:00.000|38=1x0|40=2|44=1|", 6, 38),
        ("11=ORD1|21=1|55=AAPL|54=1|55=AAPL|60=20260302-09:30:00.000|38=100|40=2|44=1|", 13, 55),
        ("11=ORD1|21=1|55=AAPL|54=1|60=20260302-09:30:00.000|38=100|40=2|44=1|97=N|", 14, 97),
        ("11=ORD1|21=1|55=AAPL|54=1|60=20260302-09:30:00.000|38=100|40=2|44=1|453=3|448=A|447=D|452=1|", 16, 453),
    ])
    func invalidOrderFieldsGetRejectWithReasonAndTag(body: String, reason: Int, tag: Int) {
        var (venue, client) = Self.loggedOnVenue()
        let actions = venue.feed(client.make("D", body))
        Self.expectReject(actions, refSeqNum: 2, reason: reason, refTagID: tag)
        #expect(fieldValue(actions.sent[0], 372) == "D")
        #expect(actions.delivered.isEmpty)
        // The rejected message consumed its number; the Reject consumed ours.
        #expect(venue.nextExpectedMsgSeqNum == 3)
        #expect(venue.nextOutgoingMsgSeqNum == 3)
    }

    @Test func fix42RejectLeavesOutReasonCodesThatFIX42LacksButKeepsText() {
        var (venue, client) = Self.loggedOnVenue(.fix42)
        let body = "11=ORD1|21=1|55=AAPL|54=1|55=AAPL|60=20260302-09:30:00.000|38=100|40=2|44=1|"
        let actions = venue.feed(client.make("D", body))
        Self.expectReject(actions, refSeqNum: 2, reason: nil, refTagID: 55)
        #expect(fieldValue(actions.sent[0], 58) == "Tag appears more than once")
    }

    @Test(arguments: FIXVersion.allCases)
    func validOrderIsDelivered(version: FIXVersion) {
        var (venue, client) = Self.loggedOnVenue(version)
        let actions = venue.feed(client.make("D", Self.orderBody))
        #expect(actions.sent.isEmpty)
        guard case .deliver(.newOrderSingle(let order), let seq, let possDup, _)? = actions.first else {
            Issue.record("\(actions)")
            return
        }
        #expect(order.clOrdID == "ORD1" && order.price == 1_012_500 && seq == 2 && !possDup)
    }

    // MARK: SequenceReset

    @Test func gapFillWithLowMsgSeqNumAndNoPossDupLogsOut() {
        var (venue, client) = Self.loggedOnVenue()
        _ = venue.feed(client.make("0"))
        let actions = venue.feed(client.make("4", "123=Y|36=10|", seq: 2))
        #expect(actions.sentMsgTypes == ["5"])
        #expect(actions.disconnectReason == .msgSeqNumTooLow)
    }

    @Test func sequenceResetBelowExpectedIsRejected() {
        var (venue, client) = Self.loggedOnVenue()
        _ = venue.feed(client.make("0"))
        _ = venue.feed(client.make("0"))
        Self.expectReject(venue.feed(client.make("4", "36=2|", seq: 4)), refSeqNum: 4, reason: 5, refTagID: 36)
        #expect(venue.nextExpectedMsgSeqNum == 4)
    }

    @Test func sequenceResetResetIgnoresMsgSeqNum() {
        var (venue, client) = Self.loggedOnVenue()
        let actions = venue.feed(client.make("4", "123=N|36=50|", seq: 999))
        #expect(actions.sent.isEmpty)
        #expect(venue.nextExpectedMsgSeqNum == 50)
        var lowSeq = Self.loggedOnVenue()
        _ = lowSeq.0.feed(lowSeq.1.make("4", "36=20|", seq: 1))
        #expect(lowSeq.0.nextExpectedMsgSeqNum == 20)
    }

    @Test func gapFillAdvancesTheExpectedNumber() {
        var (venue, client) = Self.loggedOnVenue()
        let actions = venue.feed(client.make("4", "123=Y|36=7|"))
        #expect(actions.sent.isEmpty)
        #expect(venue.nextExpectedMsgSeqNum == 7)
    }

    // MARK: Heartbeats

    @Test func testRequestIsAnsweredWithHeartbeatEchoingTestReqID() {
        var (venue, client) = Self.loggedOnVenue()
        let actions = venue.feed(client.make("1", "112=PING-42|"))
        #expect(actions.sentMsgTypes == ["0"])
        #expect(fieldValue(actions.sent[0], 112) == "PING-42")
    }

    @Test func silenceBringsTestRequestThenLogout() {
        var (venue, client) = Self.loggedOnVenue()  // HeartBtInt 30
        var actions = venue.timerFired(nowNs: fixTestEpochNs + 30 * Self.second)
        #expect(actions.sentMsgTypes == ["0"], "our own heartbeat is due after 30 s")
        actions = venue.timerFired(nowNs: fixTestEpochNs + 36 * Self.second)
        #expect(actions.sentMsgTypes == ["1"], "30 s + 20% without traffic")
        let testReqID = fieldValue(actions.sent[0], 112)
        #expect(testReqID != nil)
        actions = venue.timerFired(nowNs: fixTestEpochNs + 72 * Self.second)
        #expect(actions.sentMsgTypes.last == "5")
        #expect(actions.disconnectReason == .heartbeatTimeout)
        _ = client
    }

    @Test func answerToTestRequestKeepsTheSessionUp() {
        var (venue, client) = Self.loggedOnVenue()
        var actions = venue.timerFired(nowNs: fixTestEpochNs + 36 * Self.second)
        #expect(actions.sentMsgTypes == ["1"], "the TestRequest is traffic, so no Heartbeat is due")
        let testReqID = fieldValue(actions.sent[0], 112)!
        actions = venue.feed(
            client.make("0", "112=\(testReqID)|", sendingNs: fixTestEpochNs + 37 * Self.second),
            nowNs: fixTestEpochNs + 37 * Self.second)
        #expect(actions.sent.isEmpty)
        actions = venue.timerFired(nowNs: fixTestEpochNs + 72 * Self.second)
        #expect(actions.disconnectReason == nil)
    }

    // MARK: ResendRequest

    @Test func resendRequestResendsApplicationMessagesAndGapFillsAdmin() {
        var (venue, client) = Self.loggedOnVenue()  // venue sent Logon as 1
        _ = venue.sendApplication(.executionReport(FIXSamples.fill), nowNs: fixTestEpochNs + 1)  // 2
        _ = venue.feed(client.make("1", "112=X|"))  // venue answers Heartbeat 3
        _ = venue.sendApplication(.orderCancelReject(FIXSamples.cancelReject), nowNs: fixTestEpochNs + 2)  // 4
        #expect(venue.timerFired(nowNs: fixTestEpochNs + 31 * Self.second).sentMsgTypes == ["0"])  // Heartbeat 5
        let later = fixTestEpochNs + 32 * Self.second
        let actions = venue.feed(client.make("2", "7=1|16=0|", sendingNs: later), nowNs: later)
        #expect(actions.sentMsgTypes == ["4", "8", "4", "9", "4"])
        let sent = actions.sent
        #expect(sent.map { fieldValue($0, 34) } == ["1", "2", "3", "4", "5"])
        #expect(fieldValue(sent[0], 123) == "Y" && fieldValue(sent[0], 36) == "2")
        #expect(fieldValue(sent[2], 36) == "4")
        #expect(fieldValue(sent[4], 36) == "6")
        for message in sent {
            #expect(fieldValue(message, 43) == "Y")
            #expect(fieldValue(message, 122) != nil)
        }
        #expect(fieldValue(sent[1], 122) == "20260302-09:30:00.000")
        #expect(fieldValue(sent[1], 52) == "20260302-09:30:32.000")
        #expect(fieldValue(sent[1], 17) == "E1")
        #expect(venue.nextOutgoingMsgSeqNum == 6, "resends do not consume new numbers")
    }

    @Test func resendRequestForEvictedMessagesGapFillsThem() {
        var venue = FIXSession.venue(outboundStoreCapacityMessages: 2)
        var client = FIXCounterparty()
        _ = venue.feed(client.logon())
        for _ in 0..<4 { _ = venue.sendApplication(.executionReport(FIXSamples.fill), nowNs: fixTestEpochNs) }
        let actions = venue.feed(client.make("2", "7=2|16=5|"))
        #expect(actions.sentMsgTypes == ["4", "8", "8"])
        #expect(fieldValue(actions.sent[0], 36) == "4")
    }

    // MARK: Logout

    @Test func logoutIsAnsweredThenDisconnected() {
        var (venue, client) = Self.loggedOnVenue()
        let actions = venue.feed(client.make("5"))
        #expect(actions.sentMsgTypes == ["5"])
        #expect(actions.disconnectReason == .loggedOut)
        #expect(venue.feed(client.make("0")).isEmpty, "no input after disconnect")
    }

    @Test func ourLogoutWaitsForTheReplyOrTimesOut() {
        var (venue, client) = Self.loggedOnVenue()
        var actions = venue.logout(text: "End of day", nowNs: fixTestEpochNs)
        #expect(actions.sentMsgTypes == ["5"])
        #expect(fieldValue(actions.sent[0], 58) == "End of day")
        actions = venue.feed(client.make("5"))
        #expect(actions.sent.isEmpty)
        #expect(actions.disconnectReason == .loggedOut)

        var (other, _) = Self.loggedOnVenue()
        _ = other.logout(nowNs: fixTestEpochNs)
        #expect(other.timerFired(nowNs: fixTestEpochNs + 10 * Self.second).disconnectReason == .logoutTimeout)
    }
}

/// A session outlives its connection: the next connection's Logon continues
/// the sequence numbers, and what was sent between connections is resent.
@Suite("FIX session: reconnects")
struct FIXSessionReconnectTests {
    @Test func reportsSentBetweenConnectionsAreNumberedAndResentAfterTheNextLogon() {
        var (venue, client) = FIXSessionTests.loggedOnVenue()
        #expect(venue.sendApplication(.executionReport(FIXSamples.fill), nowNs: fixTestEpochNs).sentMsgTypes == ["8"])  // 2
        venue.connectionClosed()
        #expect(venue.isDisconnected)
        // Between connections: numbered and kept, nothing written.
        #expect(venue.sendApplication(.executionReport(FIXSamples.rejectReport), nowNs: fixTestEpochNs + 5).isEmpty)  // 3
        #expect(venue.nextOutgoingMsgSeqNum == 4)

        venue.connectionOpened()
        let logon = venue.feed(client.logon())
        #expect(logon.sentMsgTypes == ["A"])
        #expect(fieldValue(logon.sent[0], 34) == "4", "the Logon continues the sequence")
        #expect(venue.nextExpectedMsgSeqNum == 3)
        let resent = venue.feed(client.make("2", "7=2|16=0|"))
        #expect(resent.sentMsgTypes == ["8", "8", "4"])
        #expect(fieldValue(resent.sent[1], 34) == "3" && fieldValue(resent.sent[1], 43) == "Y")
        #expect(fieldValue(resent.sent[1], 11) == "ORD-0009", "the report kept while away")
        #expect(fieldValue(resent.sent[1], 122) == fixTimestampText(fixTestEpochNs + 5))
        #expect(fieldValue(resent.sent[2], 36) == "5", "the Logon is gap-filled")
    }

    @Test func aReconnectLogonAboveTheExpectedNumberGetsLogonThenResendRequest() {
        var (venue, client) = FIXSessionTests.loggedOnVenue()
        venue.connectionClosed()
        venue.connectionOpened()
        client.nextSeqNum = 5
        let actions = venue.feed(client.logon())
        #expect(actions.sentMsgTypes == ["A", "2"])
        #expect(fieldValue(actions.sent[1], 7) == "2" && fieldValue(actions.sent[1], 16) == "0")
    }

    @Test func aReconnectLogonBelowTheExpectedNumberIsLoggedOut() {
        var (venue, client) = FIXSessionTests.loggedOnVenue()
        _ = venue.feed(client.make("0"))  // 2
        venue.connectionClosed()
        venue.connectionOpened()
        client.nextSeqNum = 2
        let actions = venue.feed(client.logon())
        #expect(actions.sentMsgTypes == ["5"])
        #expect(fieldValue(actions.sent[0], 58) == "MsgSeqNum too low, expecting 3 but received 2")
        #expect(actions.disconnectReason == .msgSeqNumTooLow)
    }

    @Test func resetSeqNumFlagOnAReconnectStartsBothSidesAtOne() {
        var (venue, client) = FIXSessionTests.loggedOnVenue()
        _ = venue.sendApplication(.executionReport(FIXSamples.fill), nowNs: fixTestEpochNs)
        venue.connectionClosed()
        venue.connectionOpened()
        client.nextSeqNum = 1
        let actions = venue.feed(client.logon(extra: "141=Y|"))
        #expect(actions.sentMsgTypes == ["A"])
        #expect(fieldValue(actions.sent[0], 34) == "1" && fieldValue(actions.sent[0], 141) == "Y")
        #expect(venue.nextExpectedMsgSeqNum == 2 && venue.nextOutgoingMsgSeqNum == 2)
    }

    @Test func aSessionNeverLoggedOnKeepsNothingBetweenConnections() {
        var venue = FIXSession.venue()
        venue.connectionClosed()
        #expect(venue.sendApplication(.executionReport(FIXSamples.fill), nowNs: fixTestEpochNs).isEmpty)
        #expect(venue.nextOutgoingMsgSeqNum == 1)
    }
}
