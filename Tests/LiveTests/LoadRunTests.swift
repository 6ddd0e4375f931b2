import Exchange
import Live
import MatchingEngine
import Testing

/// The load client against a venue served in-process on loopback.
@Suite struct LoadRunTests {
    static let symbol = SymbolConfig(name: "AAPL", tickSize: 100, referencePrice: Price(1_900_000))

    static func plan(port: Int, pacing: LoadPlan.Pacing, durationNs: Int64, connections: Int) -> LoadPlan {
        LoadPlan(host: "127.0.0.1", port: port, pacing: pacing, durationNs: durationNs, connections: connections,
                 symbol: symbol)
    }

    @Test func anOpenLoopRunHasEveryOrderAnsweredAndSomeFilled() throws {
        let server = try LiveServer.start(venues: [LiveOUCHSessionTests.venue()], host: "127.0.0.1")
        let port = try #require(server.endpoints.first?.ouchPort)
        let result = try LoadRun.run(Self.plan(port: port, pacing: .openLoop(ratePerSecond: 20_000),
                                               durationNs: 500_000_000, connections: 2))
        let report = try #require(server.shutdown().first)

        #expect(result.failure == nil)
        // 20,000/s for 0.5 s: 10,000 planned times, all before the end.
        #expect(result.sent == 10_000)
        #expect(result.unanswered == 0)
        #expect(result.accepted + result.rejected == result.sent)
        #expect(result.rejected == 0, "every order is valid for the symbol")
        #expect(result.executedOrders > 0)
        #expect(result.executions >= result.executedOrders)
        let byName = Dictionary(uniqueKeysWithValues: result.latencies.map { ($0.name, $0) })
        #expect(byName[LoadLatencyPath.ackFromPlanned]?.count == UInt64(result.accepted))
        #expect(byName[LoadLatencyPath.ackFromSend]?.count == UInt64(result.accepted))
        #expect(byName[LoadLatencyPath.fillFromSend]?.count == UInt64(result.executedOrders))
        // Latency from the planned time includes any wait to be sent.
        let fromPlanned = try #require(byName[LoadLatencyPath.ackFromPlanned]?.summary)
        let fromSend = try #require(byName[LoadLatencyPath.ackFromSend]?.summary)
        #expect(fromPlanned.maxNs >= fromSend.minNs)

        // The venue saw the same orders, from two connections.
        #expect(report.requests == UInt64(result.sent))
        #expect(report.answers.accepted == UInt64(result.accepted))
        #expect(report.connectionsAccepted == 2)
    }

    @Test func pingSendsOneOrderAtATimeAndEveryOneIsAnswered() throws {
        let server = try LiveServer.start(venues: [LiveOUCHSessionTests.venue()], host: "127.0.0.1")
        defer { _ = server.shutdown() }
        let port = try #require(server.endpoints.first?.ouchPort)
        let result = try LoadRun.run(Self.plan(port: port, pacing: .ping, durationNs: 100_000_000, connections: 1))
        #expect(result.failure == nil)
        #expect(result.sent > 0)
        #expect(result.unanswered == 0)
        #expect(result.latencies.first { $0.name == LoadLatencyPath.ackFromSend }?.count == UInt64(result.accepted))
    }

    @Test func aPortWithNoVenueIsUnreachable() throws {
        // A port that was just free: bind a venue, note its port, stop it.
        let server = try LiveServer.start(venues: [LiveOUCHSessionTests.venue()], host: "127.0.0.1")
        let port = try #require(server.endpoints.first?.ouchPort)
        _ = server.shutdown()
        #expect {
            _ = try LoadRun.run(Self.plan(port: port, pacing: .ping, durationNs: 10_000_000, connections: 1))
        } throws: { error in
            if case .unreachable = error as? LoadError { true } else { false }
        }
    }

    @Test func anAccountTheVenueDoesNotHaveIsARefusedLogin() throws {
        let server = try LiveServer.start(venues: [LiveOUCHSessionTests.venue()], host: "127.0.0.1")
        defer { _ = server.shutdown() }
        let port = try #require(server.endpoints.first?.ouchPort)
        // The venue has accounts P1 and P2 only.
        #expect(throws: LoadError.loginRefused(account: "P3")) {
            _ = try LoadRun.run(Self.plan(port: port, pacing: .openLoop(ratePerSecond: 1_000), durationNs: 10_000_000,
                                          connections: 3))
        }
    }
}
