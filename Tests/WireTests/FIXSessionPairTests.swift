import Testing
@testable import Wire

/// A participant (initiator) and a venue (acceptor) wired back to back, with
/// a test-controlled clock and a switch to lose messages in flight.
struct FIXSessionPair {
    var venue: FIXSession
    var participant: FIXSession
    var nowNs = fixTestEpochNs
    var venueDelivered: [(FIXApplicationMessage, possDup: Bool)] = []
    var participantDelivered: [(FIXApplicationMessage, possDup: Bool)] = []
    var venueDisconnect: FIXDisconnectReason?
    var participantDisconnect: FIXDisconnectReason?
    var venueTimerNs: Int64?
    var participantTimerNs: Int64?
    var wireLog: [String] = []
    /// Drop the next N messages the venue sends.
    var dropFromVenue = 0

    init(_ version: FIXVersion, heartbeatIntervalSeconds: Int = 30) {
        venue = FIXSession(configuration: FIXSessionConfiguration(
            role: .acceptor, version: version, senderCompID: "VENUE", targetCompID: "CLIENT",
            username: "trader", password: "secret"))
        participant = .participant(version, heartbeatIntervalSeconds: heartbeatIntervalSeconds)
    }

    mutating func fromParticipant(_ actions: [FIXSession.Action]) {
        var pending: [(toVenue: Bool, bytes: [UInt8])] = []
        absorb(actions, ofVenue: false, into: &pending)
        run(&pending)
    }

    mutating func fromVenue(_ actions: [FIXSession.Action]) {
        var pending: [(toVenue: Bool, bytes: [UInt8])] = []
        absorb(actions, ofVenue: true, into: &pending)
        run(&pending)
    }

    /// Advances the clock to `timeNs`, firing due timers in time order.
    mutating func advance(to timeNs: Int64) {
        while true {
            let next = [venueTimerNs, participantTimerNs].compactMap { $0 }.filter { $0 <= timeNs }.min()
            guard let due = next else { break }
            nowNs = due
            if venueTimerNs == due {
                venueTimerNs = nil
                fromVenue(venue.timerFired(nowNs: due))
            } else {
                participantTimerNs = nil
                fromParticipant(participant.timerFired(nowNs: due))
            }
        }
        nowNs = timeNs
    }

    private mutating func run(_ pending: inout [(toVenue: Bool, bytes: [UInt8])]) {
        var steps = 0
        while !pending.isEmpty {
            steps += 1
            precondition(steps < 10_000, "message storm")
            let (toVenue, bytes) = pending.removeFirst()
            wireLog.append((toVenue ? "P>V " : "V>P ") + FIXText.text(bytes))
            if toVenue {
                let actions = bytes.withUnsafeBytes { venue.received($0, nowNs: nowNs) }
                absorb(actions, ofVenue: true, into: &pending)
            } else {
                let actions = bytes.withUnsafeBytes { participant.received($0, nowNs: nowNs) }
                absorb(actions, ofVenue: false, into: &pending)
            }
        }
    }

    private mutating func absorb(
        _ actions: [FIXSession.Action], ofVenue: Bool, into pending: inout [(toVenue: Bool, bytes: [UInt8])]
    ) {
        for action in actions {
            switch action {
            case .send(let bytes):
                if ofVenue, dropFromVenue > 0 {
                    dropFromVenue -= 1
                    continue
                }
                pending.append((!ofVenue, bytes))
            case .deliver(let message, _, let possDup, _):
                if ofVenue { venueDelivered.append((message, possDup)) } else { participantDelivered.append((message, possDup)) }
            case .armTimer(let atNs):
                if ofVenue { venueTimerNs = atNs } else { participantTimerNs = atNs }
            case .disconnect(let reason):
                if ofVenue { venueDisconnect = reason } else { participantDisconnect = reason }
            case .established:
                break
            }
        }
    }
}

@Suite("FIX session: initiator and acceptor together")
struct FIXSessionPairTests {
    static let second: Int64 = 1_000_000_000

    static func loggedOnPair(_ version: FIXVersion) -> FIXSessionPair {
        var pair = FIXSessionPair(version)
        pair.fromParticipant(pair.participant.start(nowNs: pair.nowNs))
        return pair
    }

    @Test(arguments: FIXVersion.allCases)
    func logonOrderExecutionAndLogout(version: FIXVersion) {
        var pair = Self.loggedOnPair(version)
        #expect(pair.venue.isLoggedOn && pair.participant.isLoggedOn)
        #expect(pair.wireLog.count == 2)
        #expect(pair.wireLog[0].contains("553=trader|554=secret|"))

        pair.fromParticipant(pair.participant.sendApplication(.newOrderSingle(FIXSamples.newOrder), nowNs: pair.nowNs))
        pair.fromParticipant(pair.participant.sendApplication(.orderCancelRequest(FIXSamples.cancel), nowNs: pair.nowNs))
        pair.fromParticipant(pair.participant.sendApplication(
            .orderCancelReplaceRequest(FIXSamples.replace), nowNs: pair.nowNs))
        #expect(pair.venueDelivered.map(\.0) == [
            .newOrderSingle(FIXSamples.newOrder), .orderCancelRequest(FIXSamples.cancel),
            .orderCancelReplaceRequest(FIXSamples.replace),
        ])

        for message in FIXSamples.all.filter({ FIXApplicationMessage.participantBoundTypes.contains($0.msgType) }) {
            pair.fromVenue(pair.venue.sendApplication(message, nowNs: pair.nowNs))
        }
        #expect(pair.participantDelivered.map(\.0) == [
            .executionReport(FIXSamples.fill), .executionReport(FIXSamples.rejectReport),
            .executionReport(FIXSamples.statusReport), .orderCancelReject(FIXSamples.cancelReject),
            .businessMessageReject(FIXSamples.businessReject),
        ])

        pair.fromParticipant(pair.participant.logout(nowNs: pair.nowNs))
        #expect(pair.venueDisconnect == .loggedOut)
        #expect(pair.participantDisconnect == .loggedOut)
    }

    @Test func heartbeatsKeepAnIdlePairAliveForAnHour() {
        var pair = Self.loggedOnPair(.fix44)
        pair.advance(to: pair.nowNs + 3600 * Self.second)
        #expect(pair.venueDisconnect == nil && pair.participantDisconnect == nil)
        let heartbeats = pair.wireLog.filter { $0.contains("|35=0|") }.count
        // Each side sends one every 30 s of silence from its side.
        #expect(heartbeats >= 200 && heartbeats <= 242, "\(heartbeats)")
        #expect(!pair.wireLog.contains { $0.contains("|35=1|") }, "no TestRequest while heartbeats flow")
    }

    @Test func lostExecutionReportIsRecoveredAsPossibleDuplicate() {
        var pair = Self.loggedOnPair(.fix42)
        pair.dropFromVenue = 1
        pair.fromVenue(pair.venue.sendApplication(.executionReport(FIXSamples.fill), nowNs: pair.nowNs))
        #expect(pair.participantDelivered.isEmpty)
        pair.fromVenue(pair.venue.sendApplication(.orderCancelReject(FIXSamples.cancelReject), nowNs: pair.nowNs))
        // The second message revealed the gap; the resend filled it, then the queued one followed.
        #expect(pair.participantDelivered.map(\.0) == [
            .executionReport(FIXSamples.fill), .orderCancelReject(FIXSamples.cancelReject),
        ])
        #expect(pair.participantDelivered.map(\.possDup) == [true, false])
        #expect(pair.wireLog.contains { $0.hasPrefix("P>V") && $0.contains("|35=2|") && $0.contains("|7=2|16=0|") })
        #expect(pair.participant.nextExpectedMsgSeqNum == pair.venue.nextOutgoingMsgSeqNum)
    }

    /// An acceptor that lost its state (a gateway restarted without its
    /// store) answers the next Logon, whatever its MsgSeqNum, with
    /// ResetSeqNumFlag=Y: both sides start again from 1, with no
    /// ResendRequest for the numbers it forgot. What it numbered meanwhile
    /// is gone, and counted as sent.
    @Test(arguments: FIXVersion.allCases)
    func anAcceptorThatLostItsStateResetsBothSidesAtTheNextLogon(version: FIXVersion) {
        var pair = Self.loggedOnPair(version)
        pair.fromParticipant(pair.participant.sendApplication(.newOrderSingle(FIXSamples.newOrder), nowNs: pair.nowNs))
        pair.fromVenue(pair.venue.sendApplication(.executionReport(FIXSamples.fill), nowNs: pair.nowNs))
        pair.venue.connectionClosed()
        pair.participant.connectionClosed()
        pair.venue.loseState()
        pair.fromVenue(pair.venue.sendApplication(.executionReport(FIXSamples.fill), nowNs: pair.nowNs))
        #expect(pair.venue.messagesSent == 3 && pair.participant.messagesReceived == 2)

        pair.nowNs += Self.second
        pair.venue.connectionOpened()
        pair.participant.connectionOpened()
        pair.wireLog.removeAll()
        pair.fromParticipant(pair.participant.start(nowNs: pair.nowNs))
        #expect(pair.venue.isLoggedOn && pair.participant.isLoggedOn)
        #expect(pair.venueDisconnect == nil && pair.participantDisconnect == nil)
        // The report stored while away follows the Logon under the new numbers.
        #expect(pair.wireLog.count == 3, "\(pair.wireLog)")
        #expect(pair.wireLog[0].hasPrefix("P>V") && pair.wireLog[0].contains("|34=3|") && !pair.wireLog[0].contains("|141="))
        #expect(pair.wireLog[1].hasPrefix("V>P") && pair.wireLog[1].contains("|34=1|") && pair.wireLog[1].contains("|141=Y|"))
        #expect(pair.wireLog[2].hasPrefix("V>P") && pair.wireLog[2].contains("|35=8|") && pair.wireLog[2].contains("|34=2|")
                && !pair.wireLog[2].contains("|43="))
        #expect(pair.participant.nextOutgoingMsgSeqNum == 2 && pair.venue.nextExpectedMsgSeqNum == 2)
        #expect(pair.venue.nextOutgoingMsgSeqNum == 3 && pair.participant.nextExpectedMsgSeqNum == 3)

        #expect(pair.participantDelivered.map(\.0) == [.executionReport(FIXSamples.fill), .executionReport(FIXSamples.fill)])
        #expect(pair.participantDelivered.map(\.possDup) == [false, false])

        pair.participantDelivered.removeAll()
        pair.venueDelivered.removeAll()
        pair.fromParticipant(pair.participant.sendApplication(.orderCancelRequest(FIXSamples.cancel), nowNs: pair.nowNs))
        pair.fromVenue(pair.venue.sendApplication(.orderCancelReject(FIXSamples.cancelReject), nowNs: pair.nowNs))
        #expect(pair.venueDelivered.map(\.0) == [.orderCancelRequest(FIXSamples.cancel)])
        #expect(pair.participantDelivered.map(\.0) == [.orderCancelReject(FIXSamples.cancelReject)])
        #expect(!pair.wireLog.contains { $0.contains("|35=2|") || $0.contains("|35=5|") }, "\(pair.wireLog)")
        // Each side counts every message it numbered once, across the reset:
        // the venue its two Logons and three reports, the participant its two
        // Logons, the order and the cancel; nothing was lost.
        #expect(pair.venue.messagesSent == 5 && pair.participant.messagesReceived == 5)
        #expect(pair.participant.messagesSent == 4 && pair.venue.messagesReceived == 4)
    }

    @Test func silentVenueGetsTestRequestThenLogout() {
        var pair = Self.loggedOnPair(.fix44)
        pair.dropFromVenue = Int.max
        pair.advance(to: pair.nowNs + 200 * Self.second)
        #expect(pair.participantDisconnect == .heartbeatTimeout)
        #expect(pair.wireLog.contains { $0.hasPrefix("P>V") && $0.contains("|35=1|") })
    }

    @Test func initiatorGivesUpWithoutLogonReply() {
        var participant = FIXSession.participant()
        let actions = participant.start(nowNs: fixTestEpochNs)
        #expect(actions.sentMsgTypes == ["A"])
        #expect(actions.contains(.armTimer(atNs: fixTestEpochNs + 10 * Self.second)))
        #expect(participant.timerFired(nowNs: fixTestEpochNs + 10 * Self.second) == [.disconnect(.logonTimeout)])
    }

    @Test func initiatorRefusedWithLogoutDisconnects() {
        var pair = FIXSessionPair(.fix44)
        pair.venue = FIXSession(configuration: FIXSessionConfiguration(
            role: .acceptor, version: .fix44, senderCompID: "VENUE", targetCompID: "CLIENT",
            username: "trader", password: "other"))
        pair.fromParticipant(pair.participant.start(nowNs: pair.nowNs))
        #expect(pair.venueDisconnect == .authenticationFailed)
        #expect(pair.participantDisconnect == .logonRefused)
    }

    @Test func initiatorRequestsResendWhenTheLogonReplyIsAhead() {
        var participant = FIXSession.participant()
        _ = participant.start(nowNs: fixTestEpochNs)
        var venue = FIXCounterparty(senderCompID: "VENUE", targetCompID: "CLIENT")
        venue.nextSeqNum = 9
        let actions = participant.feed(venue.logon())
        #expect(actions.contains(.established))
        #expect(actions.sentMsgTypes == ["2"])
        #expect(fieldValue(actions.sent[0], 7) == "1")
    }

    @Test func initiatorRejectsUnsupportedAndMalformedReports() {
        var participant = FIXSession.participant()
        _ = participant.start(nowNs: fixTestEpochNs)
        var venue = FIXCounterparty(senderCompID: "VENUE", targetCompID: "CLIENT")
        _ = participant.feed(venue.logon())
        var actions = participant.feed(venue.make("D", "11=X|21=1|55=A|54=1|60=20260302-09:30:00|38=1|40=1|"))
        #expect(actions.sentMsgTypes == ["j"])
        actions = participant.feed(venue.make("8", "37=V|17=E|150=F|39=2|55=A|54=1|151=0|14=1|6=1|"))
        #expect(actions.sentMsgTypes == ["3"])
        #expect(fieldValue(actions.sent[0], 371) == "32")
        #expect(fieldValue(actions.sent[0], 373) == "1")
    }
}
