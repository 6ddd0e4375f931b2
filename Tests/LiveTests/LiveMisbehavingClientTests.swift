import Exchange
import Foundation
import Live
import MatchingEngine
import Testing
import Wire

/// Misbehaving clients, many at once, against a venue on real sockets
/// while a well-behaved OUCH client keeps trading: each gets the
/// protocol's answer (a disconnect, a FIX Reject), the slow reader's
/// queue is bounded, the connection flood is refused past the venue's
/// limit, and every order the good client had acknowledged is still on
/// the book afterwards.
@Suite struct LiveMisbehavingClientTests {
    static let price: UInt32 = 1_900_000
    static let maximumConnections = 40
    static let maximumQueuedOutputBytes = 64 * 1_024
    /// The good client's orders: buys of 100 shares, all resting. One sell
    /// of their total must stay within OUCH's 1,000,000 shares.
    static let goodOrderLimit = 5_000

    static func venue() -> LiveVenueConfiguration {
        var venue = LiveVenueConfiguration(
            gateway: .init(name: "XMIS", symbols: [SymbolConfig(name: "AAPL", tickSize: 100, referencePrice: Price(1_900_000))],
                           feedSession: MoldUDP64SessionID("LIVE000003")!),
            accounts: LiveAccounts(count: 4), ouchPort: 0, fixPort: 0, fixVersions: [.fix44], feedDestination: nil)
        venue.maximumConnections = maximumConnections
        venue.maximumQueuedOutputBytes = maximumQueuedOutputBytes
        return venue
    }

    /// Account P1 entering buy orders one at a time, each waiting for its
    /// Accepted, until told to stop.
    final class GoodTrader: @unchecked Sendable {
        let client: LoopbackSoupBinTCPClient
        let lock = NSLock()
        private var stopRequested = false
        private(set) var acknowledged = 0
        private(set) var failure: String?
        let thread: Thread

        init(port: Int) throws {
            client = try LoopbackSoupBinTCPClient(port: port)
            guard try client.login(username: "P1", password: "exsim")?.type == UInt8(ascii: "A") else {
                throw LoopbackTCPSocket.Failure(description: "the good client's login was refused")
            }
            let box = Box()
            thread = Thread { box.trader?.run() }
            box.trader = self
            thread.start()
        }

        final class Box: @unchecked Sendable { weak var trader: GoodTrader? }

        func run() {
            var sent = 0
            while sent < LiveMisbehavingClientTests.goodOrderLimit, !lock.withLock({ stopRequested }) {
                let token = "G\(sent)"
                do {
                    try client.enterOrder(token: token, side: "B", shares: 100, stock: "AAPL",
                                          price: LiveMisbehavingClientTests.price - UInt32(100 * (sent % 50)))
                    sent += 1
                    let answer = try client.readOUCH()
                    guard answer.first == UInt8(ascii: "A"), Array(answer[9..<23]) == LoopbackSoupBinTCPClient.alpha(token, 14) else {
                        lock.withLock { failure = "order \(token) got \(answer.prefix(23))" }
                        break
                    }
                    lock.withLock { acknowledged += 1 }
                    usleep(100)  // a steady pace, so that it trades through the whole test
                } catch {
                    lock.withLock { failure = "order \(token): \(error)" }
                    break
                }
            }
            lock.withLock { stopRequested = true }
        }

        var isTrading: Bool { lock.withLock { !stopRequested } }

        /// Stops after the order in flight; returns the orders acknowledged.
        func stop() throws -> Int {
            lock.withLock { stopRequested = true }
            let deadline = Date().addingTimeInterval(30)
            while !thread.isFinished, Date() < deadline { usleep(1_000) }
            guard thread.isFinished else { throw LoopbackTCPSocket.Failure(description: "the good client did not stop") }
            return lock.withLock { acknowledged }
        }
    }

    static func loginPacket(_ username: String) -> [UInt8] {
        let payload = LoopbackSoupBinTCPClient.alpha(username, 6) + LoopbackSoupBinTCPClient.alpha("exsim", 10)
            + LoopbackSoupBinTCPClient.alpha("", 10) + Array(String(repeating: " ", count: 19).utf8) + Array("1".utf8)
        return [0, UInt8(1 + payload.count), UInt8(ascii: "L")] + payload
    }

    @Test func misbehavingClientsGetTheProtocolsAnswerWhileAGoodClientKeepsTrading() throws {
        let server = try LiveServer.start(venues: [Self.venue()], host: "127.0.0.1")
        var shutDown = false
        defer { if !shutDown { _ = server.shutdown() } }
        let ouchPort = try #require(server.endpoints.first?.ouchPort)
        let fixPort = try #require(server.endpoints.first?.fixPort)

        let good = try GoodTrader(port: ouchPort)

        // All at once: every misbehaving connection is open before any is judged.
        // Garbage where a Login Request should be: the first account's port refuses it.
        let garbage = try (0..<6).map { _ in try MisbehavingSocket(port: ouchPort) }
        // A SoupBinTCP length beyond what OUCH allows (1,024), before and after a login.
        let lyingLogins = try (0..<6).map { _ in try MisbehavingSocket(port: ouchPort) }
        let lyingAfterLogin = try MisbehavingSocket(port: ouchPort)
        // Half an Enter Order, then a hang-up.
        let halfMessages = try (0..<6).map { _ in try MisbehavingSocket(port: ouchPort) }
        // Garbled FIX, and a logged-on FIX session sending an order without a Symbol.
        let fixGarbage = try (0..<4).map { _ in try MisbehavingSocket(port: fixPort) }
        let fixClient = try LoopbackFIXClient(port: fixPort, beginString: "FIX.4.4", senderCompID: "P4", targetCompID: "XMIS")
        // A slow reader: a tiny receive buffer, and it never reads.
        let slowReader = try MisbehavingSocket(port: ouchPort, receiveBufferBytes: 2_048)

        for socket in garbage { #expect(socket.write([0x00, 0x10, UInt8(ascii: "X")] + Array(repeating: 0xAB, count: 16))) }
        for socket in lyingLogins {
            #expect(socket.write([0x7F, 0xFF, UInt8(ascii: "L")] + LoopbackSoupBinTCPClient.alpha("P2", 6) + Array(repeating: 0x20, count: 40)))
        }
        #expect(lyingAfterLogin.write(Self.loginPacket("P2")))
        #expect(lyingAfterLogin.read(timeoutMs: 10_000) != .quiet, "Login Accepted")
        #expect(lyingAfterLogin.write([0x10, 0x00, UInt8(ascii: "U")] + Array(repeating: 0x41, count: 49)))
        let order = LoopbackSoupBinTCPClient.enterOrderPacket(token: "H1", side: "B", shares: 100, stock: "AAPL", price: Self.price)
        for socket in halfMessages {
            #expect(socket.write(Self.loginPacket("P2") + order.prefix(20)))
            socket.hangUp()
        }
        // A framed Logon with a wrong CheckSum: garbled, and before a Logon that ends the connection.
        for socket in fixGarbage { #expect(socket.write(Array("8=FIX.4.4\u{1}9=10\u{1}35=A\u{1}34=1\u{1}10=000\u{1}".utf8))) }
        try fixClient.send("A", [(98, "0"), (108, "30"), (554, "exsim")])
        _ = try fixClient.expect("A")
        try fixClient.send("D", [(11, "F1"), (21, "1"), (54, "1"), (60, LoopbackFIXClient.utcTimestamp()), (38, "100"), (40, "2"),
                                 (44, "190.00"), (59, "0")])
        #expect(slowReader.write(Self.loginPacket("P3")))
        // Sells far above the good client's buys, so that nothing trades;
        // their acknowledgements pile up unread.
        var slowOrdersSent = 0
        var chunk: [UInt8] = []
        slowSending: while slowOrdersSent < 200_000 {
            chunk.removeAll(keepingCapacity: true)
            for index in slowOrdersSent..<(slowOrdersSent + 500) {
                chunk += LoopbackSoupBinTCPClient.enterOrderPacket(token: "S\(index)", side: "S", shares: 100, stock: "AAPL",
                                                                    price: Self.price + 10_000)
            }
            guard slowReader.write(chunk) else { break slowSending }
            slowOrdersSent += 500
        }

        // The answers.
        for socket in garbage { #expect(socket.drainUntilClosed(), "garbage before a login: disconnected") }
        for socket in lyingLogins { #expect(socket.drainUntilClosed(), "a login packet longer than OUCH allows: disconnected") }
        #expect(lyingAfterLogin.drainUntilClosed(), "a packet longer than OUCH allows after the login: disconnected")
        for socket in fixGarbage { #expect(socket.drainUntilClosed(), "FIX garbage before a Logon: disconnected") }
        let answer = try #require(try fixClient.receive(), "an answer to the order without a Symbol")
        #expect(answer.first { $0.tag == 35 }?.value == "3", "a session-level Reject: \(answer)")
        #expect(answer.first { $0.tag == 371 }?.value == "55", "naming the missing Symbol: \(answer)")
        #expect(answer.first { $0.tag == 373 }?.value == "1", "Required tag missing: \(answer)")
        try fixClient.send("5", [])
        _ = try fixClient.expect("5")
        #expect(try fixClient.receive() == nil, "the FIX session logged out cleanly after its Reject")
        #expect(slowReader.drainUntilClosed(), "the slow reader's session is ended")
        #expect(slowOrdersSent < 200_000, "the venue closed the slow reader before it sent everything")

        // A flood of connections past the venue's limit, while the good client trades.
        #expect(good.isTrading, "the good client is still trading")
        let acceptedBefore = try #require(try server.snapshots().first).connectionsAccepted
        let flood = try (0..<60).map { _ in try MisbehavingSocket(port: ouchPort) }
        // Until the venue has accepted all 60 and every close it made has arrived.
        var closed = Array(repeating: false, count: flood.count)
        let floodDeadline = Date().addingTimeInterval(10)
        while Date() < floodDeadline {
            let venue = try #require(try server.snapshots().first)
            for (index, socket) in flood.enumerated() where !closed[index] && socket.read(timeoutMs: 0) == .closed {
                closed[index] = true
            }
            if venue.connectionsAccepted - acceptedBefore == 60, UInt64(closed.filter { $0 }.count) == venue.connectionsRefused { break }
            usleep(20_000)
        }
        let refused = closed.filter { $0 }.count
        #expect(refused >= 60 - (Self.maximumConnections - 1), "connections past the limit are closed on arrival")
        #expect(refused < 60, "connections within the limit stay open")
        for socket in flood { socket.hangUp() }

        let acknowledged = try good.stop()
        let goodFailure = good.lock.withLock { good.failure }
        #expect(goodFailure == nil, "\(goodFailure ?? "")")
        #expect(acknowledged > 0)

        // Every acknowledged order is on the book: one sell of their total
        // fills each of them, and nothing else.
        usleep(200_000)  // the flood's hang-ups reach the venue
        let sweeper = try LoopbackSoupBinTCPClient(port: ouchPort)
        #expect(try sweeper.login(username: "P2", password: "exsim")?.type == UInt8(ascii: "A"))
        try sweeper.enterOrder(token: "SWEEP", side: "S", shares: UInt32(100 * acknowledged), stock: "AAPL",
                               price: Self.price - 100 * 49)
        #expect(try sweeper.readOUCH().first == UInt8(ascii: "A"))
        var executions = 0
        var executedShares = 0
        while executedShares < 100 * acknowledged {
            let message = try sweeper.readOUCH()
            guard message.first == UInt8(ascii: "E") else { break }
            executions += 1
            executedShares += Int(LoopbackSoupBinTCPClient.uint32(message[23..<27]))
        }
        #expect(executions == acknowledged, "one execution per acknowledged order")
        #expect(executedShares == 100 * acknowledged)
        // The good client reads its side of the fills: it is no slow reader.
        var goodExecutions = 0
        while goodExecutions < acknowledged, try good.client.readOUCH().first == UInt8(ascii: "E") { goodExecutions += 1 }
        #expect(goodExecutions == acknowledged)

        let report = try #require(server.shutdown().first)
        shutDown = true
        #expect(report.slowConsumersClosed == 1)
        #expect(report.connectionsRefused == UInt64(refused))
        #expect(report.trades == UInt64(acknowledged), "the sweep traded with the good client's orders only")
    }
}

