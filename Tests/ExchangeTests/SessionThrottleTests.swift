import MatchingEngine
import Testing
import Wire
@testable import Exchange

/// A venue's per-session request limit.
@Suite struct SessionThrottleTests {
    @Test func aBurstOfTheLimitPassesThenOneRequestPerInterval() {
        // 5 per millisecond: one every 200 µs, up to 5 at once.
        var throttle = SessionThrottle(limit: MessageRateLimit(messages: 5, intervalNs: 1_000_000))
        func admits(_ times: [Int64]) -> [Bool] { times.map { throttle.admit(nowNs: $0) } }
        #expect(admits([0, 0, 0, 0, 0, 0, 199_999]) == [true, true, true, true, true, false, false])
        #expect(admits([200_000, 200_000]) == [true, false], "one emission interval later, one more")
        // Refusals move nothing: a client sending over the limit still gets
        // its allowance as time passes; after a quiet interval, a full burst.
        #expect(admits(Array(repeating: 10_000_000, count: 6)) == [true, true, true, true, true, false])
        // A steady stream at the limit is never refused.
        var steady = SessionThrottle(limit: MessageRateLimit(messages: 1_000, intervalNs: 1_000_000_000))
        #expect((0..<10_000).allSatisfy { steady.admit(nowNs: Int64($0) * 1_000_000) })
        // And one at twice the limit gets half through, after its burst.
        var fast = SessionThrottle(limit: MessageRateLimit(messages: 1_000, intervalNs: 1_000_000_000))
        let passed = (0..<20_000).filter { fast.admit(nowNs: Int64($0) * 500_000) }.count
        #expect(passed >= 10_000 && passed <= 10_000 + 1_000, "\(passed)")
    }

    /// Through the gateway: eight Enter Orders in one read against a limit of
    /// five at once: five Accepted, three Rejected `O`, and the tokens of the
    /// refused ones stay free for a later try.
    @Test func theGatewayRefusesWhatComesFasterAndCountsIt() throws {
        var harness = VenueGatewayTests.Harness(sessionMessageLimit: MessageRateLimit(messages: 5, intervalNs: 1_000_000))
        harness.start()
        harness.nowNs = 1_000
        var output = ConnectionOutput()
        for token in 1...8 {
            harness.client.send(.new(NewOrderRequest(
                clientID: ClientOrderID("B\(token)")!, symbol: SymbolIndex(0), side: .buy, price: Price(1_890_000),
                quantity: Quantity(100))), nowNs: harness.nowNs, output: &output)
        }
        harness.exchange(output.bytes)
        let answers = VenueGatewayTests.packets(harness.received[harness.trader] ?? []).filter { $0.type == UInt8(ascii: "S") }
        let kinds = answers.map { $0.payload.first }
        #expect(kinds.filter { $0 == UInt8(ascii: "A") }.count == 5, "\(kinds)")
        let rejected = try answers.filter { $0.payload.first == UInt8(ascii: "J") }.map { packet in
            try packet.payload.withUnsafeBytes { try OUCHRejected(decoding: $0) }
        }
        #expect(rejected.map(\.token) == ["B6", "B7", "B8"].map { OUCHToken($0)! })
        #expect(rejected.allSatisfy { $0.reason == UInt8(ascii: "O") })
        #expect(harness.gateway.statistics.requestsThrottled == 3 && harness.gateway.statistics.requests == 5)
        // A millisecond later the allowance is back, and a refused token may be sent again.
        harness.nowNs += 1_000_000
        var retry = ConnectionOutput()
        harness.client.send(.new(NewOrderRequest(
            clientID: ClientOrderID("B6")!, symbol: SymbolIndex(0), side: .buy, price: Price(1_890_000),
            quantity: Quantity(100))), nowNs: harness.nowNs, output: &retry)
        harness.exchange(retry.bytes)
        #expect(harness.gateway.statistics.requests == 6)
        #expect(harness.gateway.desk.openOrderCount == 6)
    }
}
