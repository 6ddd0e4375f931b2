import Exchange
import Foundation
import Live
import MatchingEngine
import Testing
import Wire

/// A FIX venue served in-process: a Logon with this machine's UTC
/// SendingTime is accepted, an order is acknowledged and filled, and the
/// end of the day logs the session out.
@Suite struct LiveFIXSessionTests {
    static func venue() -> LiveVenueConfiguration {
        LiveVenueConfiguration(
            gateway: .init(name: "XLIVE", symbols: [SymbolConfig(name: "MSFT", tickSize: 100, referencePrice: Price(4_100_000))],
                           feedSession: MoldUDP64SessionID("LIVE000002")!),
            accounts: LiveAccounts(count: 2), ouchPort: nil, fixPort: 0, fixVersions: [.fix42, .fix44], feedDestination: nil)
    }

    func logOn(_ account: String, port: Int) throws -> LoopbackFIXClient {
        let client = try LoopbackFIXClient(port: port, beginString: "FIX.4.4", senderCompID: account, targetCompID: "XLIVE")
        try client.send("A", [(98, "0"), (108, "30"), (554, "exsim")])
        let logon = try client.expect("A")
        #expect(logon[tag: 49] == "XLIVE" && logon[tag: 56] == account)
        // Today's date, not the simulator's fixed one: the client's clock is the judge.
        #expect(logon[tag: 52]?.prefix(8) == LoopbackFIXClient.utcTimestamp().prefix(8), "SendingTime carries today's date")
        return client
    }

    func newOrder(_ client: LoopbackFIXClient, id: String, side: String, quantity: Int) throws {
        try client.send("D", [(11, id), (21, "1"), (55, "MSFT"), (54, side), (60, LoopbackFIXClient.utcTimestamp()),
                              (38, String(quantity)), (40, "2"), (44, "410.00"), (59, "0")])
    }

    @Test func aFIX44SessionTradesAndIsLoggedOutAtTheEndOfTheDay() throws {
        let server = try LiveServer.start(venues: [Self.venue()], host: "127.0.0.1")
        var shutDown = false
        defer { if !shutDown { _ = server.shutdown() } }
        let port = try #require(server.endpoints.first?.fixPort)

        let buyer = try logOn("P1", port: port)
        try newOrder(buyer, id: "B1", side: "1", quantity: 100)
        let new = try buyer.expect("8")
        #expect(new[tag: 150] == "0" && new[tag: 11] == "B1", "ExecutionReport New")

        let seller = try logOn("P2", port: port)
        try newOrder(seller, id: "S1", side: "2", quantity: 100)
        #expect(try seller.expect("8")[tag: 150] == "0")
        for (client, id) in [(seller, "S1"), (buyer, "B1")] {
            let fill = try client.expect("8")
            #expect(fill[tag: 150] == "F" && fill[tag: 11] == id, "FIX 4.4 ExecType Trade")
            #expect(fill[tag: 32] == "100")
        }

        // Shutdown sends each session a Logout; the reply ends the connection.
        let clients = [buyer, seller]
        let stopping = Thread { _ = server.shutdown() }
        stopping.start()
        shutDown = true
        for client in clients {
            _ = try client.expect("5")
            try client.send("5", [])
            #expect(try client.receive() == nil, "the venue closes after the Logout exchange")
        }
        // Shutdown is bounded by its drain timeout; this bound only keeps a broken one from hanging the run.
        let deadline = Date().addingTimeInterval(60)
        while !stopping.isFinished, Date() < deadline { usleep(10_000) }
        #expect(stopping.isFinished, "shutdown returned")
    }
}
