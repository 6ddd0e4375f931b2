import Exchange
import Live
import MatchingEngine
import SimKernel
import Testing
import Wire

/// A venue served in-process on an ephemeral loopback port, and clients
/// that speak SoupBinTCP and OUCH to it over real sockets.
@Suite struct LiveOUCHSessionTests {
    static let price: UInt32 = 1_900_000

    static func venue() -> LiveVenueConfiguration {
        LiveVenueConfiguration(
            gateway: .init(name: "XLIVE", symbols: [SymbolConfig(name: "AAPL", tickSize: 100, referencePrice: Price(1_900_000))],
                           feedSession: MoldUDP64SessionID("LIVE000001")!),
            accounts: LiveAccounts(count: 2), ouchPort: 0, fixPort: nil, fixVersions: [], feedDestination: nil)
    }

    @Test func anEnteredOrderIsAcceptedAndACrossingPairIsExecuted() throws {
        let server = try LiveServer.start(venues: [Self.venue()], host: "127.0.0.1")
        var shutDown = false
        defer { if !shutDown { _ = server.shutdown() } }
        let port = try #require(server.endpoints.first?.ouchPort)
        #expect(port > 0)

        let buyer = try LoopbackSoupBinTCPClient(port: port)
        let buyerLogin = try #require(try buyer.login(username: "P1", password: "exsim"))
        #expect(buyerLogin.type == UInt8(ascii: "A"), "Login Accepted")
        try buyer.enterOrder(token: "B1", side: "B", shares: 300, stock: "AAPL", price: Self.price)
        let accepted = try buyer.readOUCH()
        #expect(accepted.first == UInt8(ascii: "A") && accepted.count == 66, "OUCH Accepted")
        #expect(Array(accepted[9..<23]) == LoopbackSoupBinTCPClient.alpha("B1", 14))

        let seller = try LoopbackSoupBinTCPClient(port: port)
        #expect(try seller.login(username: "P2", password: "exsim")?.type == UInt8(ascii: "A"))
        try seller.enterOrder(token: "S1", side: "S", shares: 200, stock: "AAPL", price: Self.price)
        #expect(try seller.readOUCH().first == UInt8(ascii: "A"))
        let sellerExecuted = try seller.readOUCH()
        let buyerExecuted = try buyer.readOUCH()
        for executed in [sellerExecuted, buyerExecuted] {
            #expect(executed.first == UInt8(ascii: "E") && executed.count == 40, "OUCH Executed")
            #expect(LoopbackSoupBinTCPClient.uint32(executed[23..<27]) == 200, "executed shares")
            #expect(LoopbackSoupBinTCPClient.uint32(executed[27..<31]) == Self.price, "execution price")
        }
        #expect(buyerExecuted[32..<40] == sellerExecuted[32..<40], "one match number for both sides")

        // Shutdown ends the day: each client gets End of Session and a close.
        let reports = server.shutdown()
        shutDown = true
        for client in [buyer, seller] {
            var sawEndOfSession = false
            while let packet = try client.readPacket() {
                if packet.type == UInt8(ascii: "Z") { sawEndOfSession = true }
            }
            #expect(sawEndOfSession, "End of Session before the close")
        }
        let report = try #require(reports.first)
        #expect(report.requests == 2)
        #expect(report.trades == 1)
        #expect(report.answers.accepted == 2)
        #expect(report.answers.executions == 2)
        #expect(report.connectionsAccepted == 2)
    }

    /// A venue with a per-session throttle: a burst past it gets Rejected
    /// `O` for the excess, on the wall clock as in a simulated run, and the
    /// venue counts what it refused.
    @Test func aThrottledSessionGetsRejectedPastItsLimit() throws {
        var venue = Self.venue()
        // 5 at once, then one per 200 ms: the burst below fits in far less.
        venue.gateway.sessionMessageLimit = MessageRateLimit(messages: 5, intervalNs: 1_000_000_000)
        let server = try LiveServer.start(venues: [venue], host: "127.0.0.1")
        var shutDown = false
        defer { if !shutDown { _ = server.shutdown() } }
        let port = try #require(server.endpoints.first?.ouchPort)
        let client = try LoopbackSoupBinTCPClient(port: port)
        #expect(try client.login(username: "P1", password: "exsim")?.type == UInt8(ascii: "A"))
        for token in 1...8 {
            try client.enterOrder(token: "B\(token)", side: "B", shares: 100, stock: "AAPL", price: Self.price - 100)
        }
        var kinds: [UInt8] = []
        for _ in 1...8 { kinds.append(try client.readOUCH().first ?? 0) }
        #expect(kinds.filter { $0 == UInt8(ascii: "A") }.count >= 5, "\(kinds)")
        #expect(kinds.filter { $0 == UInt8(ascii: "J") }.count >= 1, "\(kinds)")
        let reports = server.shutdown()
        shutDown = true
        let report = try #require(reports.first)
        #expect(report.requestsThrottled == UInt64(kinds.filter { $0 == UInt8(ascii: "J") }.count))
        #expect(report.requests == UInt64(kinds.filter { $0 == UInt8(ascii: "A") }.count))
    }

    /// With the venue's service time applied, each answer leaves no sooner
    /// than a service time per request after the read, and the venue
    /// reports the time it spent busy.
    @Test func aModelledServiceTimeHoldsTheAnswers() throws {
        var venue = Self.venue()
        venue.serviceTime = ServiceTimeSampler(model: .constant(ns: 2_000_000),
                                               random: RandomStream(scenarioSeed: 1, component: "venue.XLIVE.service"),
                                               longestSampleNs: 60_000_000_000)
        let server = try LiveServer.start(venues: [venue], host: "127.0.0.1")
        var shutDown = false
        defer { if !shutDown { _ = server.shutdown() } }
        let port = try #require(server.endpoints.first?.ouchPort)
        let client = try LoopbackSoupBinTCPClient(port: port)
        #expect(try client.login(username: "P1", password: "exsim")?.type == UInt8(ascii: "A"))
        let clock = ContinuousClock()
        let sent = clock.now
        try client.enterOrder(token: "B1", side: "B", shares: 100, stock: "AAPL", price: Self.price - 100)
        #expect(try client.readOUCH().first == UInt8(ascii: "A"))
        #expect(clock.now - sent >= .milliseconds(2), "held for the 2 ms service time")
        let report = try #require(server.shutdown().first)
        shutDown = true
        #expect(report.requests == 1 && report.serviceTimeNs == 2_000_000)
    }

    @Test func gatewayTimeIsRecordedOncePerAcknowledgedOrder() throws {
        let server = try LiveServer.start(venues: [Self.venue()], host: "127.0.0.1")
        var shutDown = false
        defer { if !shutDown { _ = server.shutdown() } }
        let port = try #require(server.endpoints.first?.ouchPort)
        let client = try LoopbackSoupBinTCPClient(port: port)
        #expect(try client.login(username: "P1", password: "exsim")?.type == UInt8(ascii: "A"))
        // Three orders in one write (read together: one read time for all
        // three), then one on its own.
        var burst: [UInt8] = []
        for (token, price) in [("B1", Self.price - 100), ("B2", Self.price - 200), ("B3", Self.price - 300)] {
            burst += LoopbackSoupBinTCPClient.enterOrderPacket(token: token, side: "B", shares: 100, stock: "AAPL", price: price)
        }
        try client.connection.write(burst)
        for _ in 0..<3 { #expect(try client.readOUCH().first == UInt8(ascii: "A")) }
        try client.enterOrder(token: "B4", side: "B", shares: 100, stock: "AAPL", price: Self.price - 400)
        #expect(try client.readOUCH().first == UInt8(ascii: "A"))

        let report = try #require(server.shutdown().first)
        shutDown = true
        let orderAck = try #require(report.gatewayOrderAck, "the gateway's order→ack time is in the report")
        #expect(orderAck.count == 4, "one sample per acknowledged order")
        #expect(orderAck.minNs > 0, "reading, matching and writing take time")
        #expect(orderAck.maxNs < 1_000_000_000, "well under the client's round trip budget")
        #expect(orderAck.p50Ns <= orderAck.p99Ns && orderAck.p99Ns <= orderAck.maxNs)
        let flushed = try #require(report.gatewayOrderAckFlushed)
        #expect(flushed.count == 4)
        #expect(flushed.minNs >= orderAck.minNs && flushed.maxNs >= orderAck.maxNs, "each order's flush ends after its hand-over")
        let perRead = try #require(report.gatewayTime)
        #expect(perRead.count >= 2, "the login and the orders came in separate reads")
    }

    @Test func aLoginForAnUnknownAccountIsRejectedByTheSession() throws {
        let server = try LiveServer.start(venues: [Self.venue()], host: "127.0.0.1")
        defer { _ = server.shutdown() }
        let port = try #require(server.endpoints.first?.ouchPort)
        let client = try LoopbackSoupBinTCPClient(port: port)
        let answer = try #require(try client.login(username: "NOBODY", password: "exsim"))
        #expect(answer.type == UInt8(ascii: "J") && answer.payload == [UInt8(ascii: "A")], "Login Rejected: not authorised")
        #expect(try client.readPacket() == nil, "then the server closes")
    }

    @Test func theFeedSendsMoldUDP64DatagramsWithTheRestingOrder() throws {
        let receiver = try LoopbackUDPReceiver()
        var venue = Self.venue()
        venue.feedDestination = LiveAddress(host: "127.0.0.1", port: receiver.port)
        let server = try LiveServer.start(venues: [venue], host: "127.0.0.1")
        defer { _ = server.shutdown() }
        #expect(server.endpoints.first?.feedDestination == "127.0.0.1:\(receiver.port)")
        let port = try #require(server.endpoints.first?.ouchPort)
        let client = try LoopbackSoupBinTCPClient(port: port)
        #expect(try client.login(username: "P1", password: "exsim")?.type == UInt8(ascii: "A"))
        try client.enterOrder(token: "B1", side: "B", shares: 300, stock: "AAPL", price: Self.price)
        #expect(try client.readOUCH().first == UInt8(ascii: "A"))

        // MoldUDP64: Session 10, Sequence 8, Count 2, then u16-length blocks.
        // ITCH 5.0 Add Order 'A' (36 bytes): Shares at 20, Stock at 24, Price at 32.
        var expectedSequence: UInt64?
        var addOrder: [UInt8]?
        for _ in 0..<64 where addOrder == nil {
            let datagram = try receiver.receive()
            try #require(datagram.count >= 20)
            #expect(Array(datagram[0..<10]) == Array("LIVE000001".utf8), "the venue's MoldUDP64 session")
            let sequence = datagram[10..<18].reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
            let count = Int(datagram[18]) << 8 | Int(datagram[19])
            if let expectedSequence { #expect(sequence == expectedSequence, "no gap between packets") }
            var offset = 20
            for _ in 0..<(count == 0xFFFF ? 0 : count) {
                let length = Int(datagram[offset]) << 8 | Int(datagram[offset + 1])
                let message = Array(datagram[(offset + 2)..<(offset + 2 + length)])
                if message.first == UInt8(ascii: "A") { addOrder = message }
                offset += 2 + length
            }
            #expect(offset == datagram.count, "the blocks fill the datagram")
            expectedSequence = sequence + UInt64(count == 0xFFFF ? 0 : count)
        }
        let message = try #require(addOrder, "an ITCH Add Order for the resting buy")
        #expect(message.count == 36)
        #expect(LoopbackSoupBinTCPClient.uint32(message[20..<24]) == 300)
        #expect(Array(message[24..<32]) == LoopbackSoupBinTCPClient.alpha("AAPL", 8))
        #expect(LoopbackSoupBinTCPClient.uint32(message[32..<36]) == Self.price)
    }

    @Test func aPortInUseIsAClearError() throws {
        let first = try LiveServer.start(venues: [Self.venue()], host: "127.0.0.1")
        defer { _ = first.shutdown() }
        let port = try #require(first.endpoints.first?.ouchPort)
        var busy = Self.venue()
        busy.ouchPort = port
        #expect(throws: LiveStartError.addressInUse(LiveAddress(host: "127.0.0.1", port: port))) {
            _ = try LiveServer.start(venues: [busy], host: "127.0.0.1")
        }
    }
}
