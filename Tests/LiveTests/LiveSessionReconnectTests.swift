import Exchange
import Foundation
import Live
import MatchingEngine
import Testing
import Wire

/// An account's order-entry session outlives its TCP connection: a client
/// that reconnects continues its sequence numbers, and the reports of its
/// orders that were made while it was away reach it (FIX: resent on the
/// ResendRequest the next Logon's gap causes; SoupBinTCP: replayed from the
/// sequence number the Login Request asks for).
@Suite struct LiveSessionReconnectTests {
    /// Waits until the venue has seen its connections close: `count`
    /// sessions left. Bounded so that a broken venue fails instead of hanging.
    static func waitForSessions(_ server: LiveServer, count: Int) throws {
        for _ in 0..<1_000 {
            if try server.snapshots().first?.sessionsConnected == count { return }
            usleep(10_000)
        }
        throw LoopbackTCPSocket.Failure(description: "the venue still holds sessions other than \(count)")
    }

    // MARK: FIX

    static func fixVenue() -> LiveVenueConfiguration {
        LiveFIXSessionTests.venue()
    }

    func logOn(_ client: LoopbackFIXClient, extra: [(Int, String)] = []) throws {
        try client.send("A", [(98, "0"), (108, "30"), (554, "exsim")] + extra)
    }

    func newOrder(_ client: LoopbackFIXClient, id: String, side: String) throws {
        try client.send("D", [(11, id), (21, "1"), (55, "MSFT"), (54, side), (60, LoopbackFIXClient.utcTimestamp()),
                              (38, "100"), (40, "2"), (44, "410.00"), (59, "0")])
    }

    func client(_ port: Int, _ account: String, nextSequenceNumber: Int) throws -> LoopbackFIXClient {
        let client = try LoopbackFIXClient(port: port, beginString: "FIX.4.4", senderCompID: account, targetCompID: "XLIVE")
        client.nextSequenceNumber = nextSequenceNumber
        return client
    }

    @Test func aFIXSessionContinuesItsSequenceNumbersAcrossReconnectsAndLosesNoExecutionReport() throws {
        let server = try LiveServer.start(venues: [Self.fixVenue()], host: "127.0.0.1")
        defer { _ = server.shutdown() }
        let port = try #require(server.endpoints.first?.fixPort)

        // P1: Logon (1), an order (2); the venue's Logon is 1, its New 2.
        do {
            let buyer = try client(port, "P1", nextSequenceNumber: 1)
            try logOn(buyer)
            #expect(try buyer.expect("A")[tag: 34] == "1")
            try newOrder(buyer, id: "B1", side: "1")
            let new = try buyer.expect("8")
            #expect(new[tag: 150] == "0" && new[tag: 34] == "2")
            // The connection drops without a Logout.
        }
        try Self.waitForSessions(server, count: 0)

        // P2 trades against P1's order while P1 is away: P1's fill is
        // numbered 3 and kept for it.
        let seller = try client(port, "P2", nextSequenceNumber: 1)
        try logOn(seller)
        _ = try seller.expect("A")
        try newOrder(seller, id: "S1", side: "2")
        #expect(try seller.expect("8")[tag: 150] == "0")
        #expect(try seller.expect("8")[tag: 150] == "F")

        // A Logon with a MsgSeqNum below the expected 3 and no reset: Logout, then close.
        do {
            let stale = try client(port, "P1", nextSequenceNumber: 1)
            try logOn(stale)
            let logout = try stale.expect("5")
            #expect(logout[tag: 58] == "MsgSeqNum too low, expecting 3 but received 1")
            #expect(logout[tag: 34] == "4", "the Logout takes the number after the kept fill")
            #expect(try stale.receive() == nil, "the venue closes after the Logout")
        }
        try Self.waitForSessions(server, count: 1)

        // A Logon with MsgSeqNum 5, above the expected 3: the venue answers
        // with its Logon (5), then asks for 3 onwards.
        let buyer = try client(port, "P1", nextSequenceNumber: 5)
        try logOn(buyer)
        let logon = try buyer.expect("A")
        #expect(logon[tag: 34] == "5")
        let resendRequest = try buyer.expect("2")
        #expect(resendRequest[tag: 7] == "3" && resendRequest[tag: 16] == "0" && resendRequest[tag: 34] == "6")
        // The client has nothing to resend: a gap fill over 3 and 4 (its Logon was 5).
        buyer.nextSequenceNumber = 3
        try buyer.send("4", [(43, "Y"), (122, LoopbackFIXClient.utcTimestamp()), (123, "Y"), (36, "6")])
        buyer.nextSequenceNumber = 6
        // The client expected the venue's 3 and saw 5: it asks for 3 onwards.
        try buyer.send("2", [(7, "3"), (16, "0")])
        let resent = try buyer.expect("8")
        #expect(resent[tag: 34] == "3" && resent[tag: 43] == "Y" && resent[tag: 122] != nil, "the kept fill, resent")
        #expect(resent[tag: 150] == "F" && resent[tag: 11] == "B1" && resent[tag: 32] == "100")
        let gapFill = try buyer.expect("4")
        #expect(gapFill[tag: 34] == "4" && gapFill[tag: 123] == "Y" && gapFill[tag: 36] == "7",
                "the Logout, Logon and ResendRequest (4 to 6) are gap-filled")
        try newOrder(buyer, id: "B2", side: "1")
        let new = try buyer.expect("8")
        #expect(new[tag: 11] == "B2" && new[tag: 150] == "0" && new[tag: 34] == "7", "the sequence goes on")
        try buyer.send("5", [])
        _ = try buyer.expect("5")
        #expect(try buyer.receive() == nil)
        try Self.waitForSessions(server, count: 1)

        // ResetSeqNumFlag=Y starts both sides at 1 again.
        let reset = try client(port, "P1", nextSequenceNumber: 1)
        try logOn(reset, extra: [(141, "Y")])
        let resetLogon = try reset.expect("A")
        #expect(resetLogon[tag: 34] == "1" && resetLogon[tag: 141] == "Y")
        try newOrder(reset, id: "B3", side: "1")
        let afterReset = try reset.expect("8")
        #expect(afterReset[tag: 11] == "B3" && afterReset[tag: 34] == "2")

        let report = try #require(server.snapshots().first)
        #expect(report.requests == 4)
        #expect(report.trades == 1)
    }

    // MARK: SoupBinTCP

    /// A Login Request asking for `sequenceNumber`; returns the Login
    /// Accepted's next sequence number, or nil for another answer.
    func login(_ client: LoopbackSoupBinTCPClient, _ account: String, sequenceNumber: Int) throws -> Int? {
        let number = String(sequenceNumber)
        let payload = LoopbackSoupBinTCPClient.alpha(account, 6) + LoopbackSoupBinTCPClient.alpha("exsim", 10)
            + LoopbackSoupBinTCPClient.alpha("", 10)
            + Array((String(repeating: " ", count: 20 - number.count) + number).utf8)
        try client.sendPacket(type: "L", payload: payload)
        guard let packet = try client.readPacket(), packet.type == UInt8(ascii: "A") else { return nil }
        return Int(String(decoding: packet.payload[10..<30], as: UTF8.self).trimmingCharacters(in: .whitespaces))
    }

    /// The next Sequenced Data message's OUCH bytes, System Events included.
    func sequenced(_ client: LoopbackSoupBinTCPClient) throws -> [UInt8] {
        guard let packet = try client.readPacket() else { throw LoopbackTCPSocket.Failure(description: "closed") }
        guard packet.type == UInt8(ascii: "S") else {
            throw LoopbackTCPSocket.Failure(description: "expected Sequenced Data, got \(packet.type)")
        }
        return packet.payload
    }

    @Test func anOUCHSessionReplaysWhatItMissedFromTheRequestedSequenceNumber() throws {
        let server = try LiveServer.start(venues: [LiveOUCHSessionTests.venue()], host: "127.0.0.1")
        defer { _ = server.shutdown() }
        let port = try #require(server.endpoints.first?.ouchPort)
        let price = LiveOUCHSessionTests.price

        // P1 enters a buy and reads the stream up to its Accepted.
        var received: [[UInt8]] = []
        do {
            let buyer = try LoopbackSoupBinTCPClient(port: port)
            #expect(try login(buyer, "P1", sequenceNumber: 1) == 1)
            try buyer.enterOrder(token: "B1", side: "B", shares: 300, stock: "AAPL", price: price)
            repeat { received.append(try sequenced(buyer)) } while received.last?.first != UInt8(ascii: "A")
        }
        try Self.waitForSessions(server, count: 0)

        // P2 sells into it while P1 is away.
        let seller = try LoopbackSoupBinTCPClient(port: port)
        #expect(try login(seller, "P2", sequenceNumber: 1) != nil)
        try seller.enterOrder(token: "S1", side: "S", shares: 200, stock: "AAPL", price: price)
        #expect(try seller.readOUCH().first == UInt8(ascii: "A"))
        #expect(try seller.readOUCH().first == UInt8(ascii: "E"))

        // P1 asks for the message after the last it saw: the Executed.
        do {
            let buyer = try LoopbackSoupBinTCPClient(port: port)
            #expect(try login(buyer, "P1", sequenceNumber: received.count + 1) == received.count + 1)
            let executed = try sequenced(buyer)
            #expect(executed.first == UInt8(ascii: "E") && executed.count == 40, "the Executed made while away")
            #expect(Array(executed[9..<23]) == LoopbackSoupBinTCPClient.alpha("B1", 14))
            #expect(LoopbackSoupBinTCPClient.uint32(executed[23..<27]) == 200)
            received.append(executed)
            // The sequence goes on.
            try buyer.enterOrder(token: "B2", side: "B", shares: 100, stock: "AAPL", price: price - 100)
            let accepted = try sequenced(buyer)
            #expect(accepted.first == UInt8(ascii: "A") && Array(accepted[9..<23]) == LoopbackSoupBinTCPClient.alpha("B2", 14))
            received.append(accepted)
        }
        try Self.waitForSessions(server, count: 1)

        // Asking for 1 replays the whole stream, the same bytes.
        let replaying = try LoopbackSoupBinTCPClient(port: port)
        #expect(try login(replaying, "P1", sequenceNumber: 1) == 1)
        for expected in received {
            #expect(try sequenced(replaying) == expected)
        }
        let report = try #require(server.snapshots().first)
        #expect(report.requests == 3)
        #expect(report.trades == 1)
    }
}

/// One connection per session: a second login of an account whose session
/// is still connected is refused, and the first connection goes on.
@Suite struct LiveDuplicateLoginTests {
    @Test func aSecondOUCHLoginOfAConnectedAccountIsRejectedS() throws {
        let server = try LiveServer.start(venues: [LiveOUCHSessionTests.venue()], host: "127.0.0.1")
        defer { _ = server.shutdown() }
        let port = try #require(server.endpoints.first?.ouchPort)
        let first = try LoopbackSoupBinTCPClient(port: port)
        #expect(try first.login(username: "P1", password: "exsim")?.type == UInt8(ascii: "A"))
        let second = try LoopbackSoupBinTCPClient(port: port)
        let refusal = try #require(try second.login(username: "P1", password: "exsim"))
        #expect(refusal.type == UInt8(ascii: "J") && refusal.payload == [UInt8(ascii: "S")], "Login Rejected, session not available")
        #expect(try second.readPacket() == nil, "and closed")
        // Credentials come first: a wrong password gets Login Rejected `A`.
        let intruder = try LoopbackSoupBinTCPClient(port: port)
        let wrong = try #require(try intruder.login(username: "P1", password: "wrong"))
        #expect(wrong.type == UInt8(ascii: "J") && wrong.payload == [UInt8(ascii: "A")], "Login Rejected, not authorised")
        // The first connection keeps the session.
        try first.enterOrder(token: "B1", side: "B", shares: 100, stock: "AAPL", price: LiveOUCHSessionTests.price)
        #expect(try first.readOUCH().first == UInt8(ascii: "A"))
        // Another account logs in as usual.
        let other = try LoopbackSoupBinTCPClient(port: port)
        #expect(try other.login(username: "P2", password: "exsim")?.type == UInt8(ascii: "A"))
        #expect(try server.snapshots().first?.sessionsConnected == 2)
    }

    @Test func aSecondFIXLogonOfAConnectedSessionIsClosedWithoutAWord() throws {
        let server = try LiveServer.start(venues: [LiveSessionReconnectTests.fixVenue()], host: "127.0.0.1")
        var shutDown = false
        defer { if !shutDown { _ = server.shutdown() } }
        let port = try #require(server.endpoints.first?.fixPort)
        let reconnect = LiveSessionReconnectTests()
        let first = try reconnect.client(port, "P1", nextSequenceNumber: 1)
        try reconnect.logOn(first)
        #expect(try first.expect("A")[tag: 34] == "1")
        let second = try reconnect.client(port, "P1", nextSequenceNumber: 1)
        try reconnect.logOn(second)
        #expect(try second.receive() == nil, "closed without a Logon or a Logout")
        try reconnect.newOrder(first, id: "B1", side: "1")
        #expect(try first.expect("8")[tag: 150] == "0", "the first connection keeps trading")
        let reports = server.shutdown()
        shutDown = true
        #expect(reports.first?.duplicateLoginsRefused == 1)
    }
}
