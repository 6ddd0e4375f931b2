import Dispatch
import Exchange
import Foundation
@testable import Live
import MatchingEngine
import Wire
import Testing
#if canImport(Glibc)
import Glibc
#endif

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

    @Test(arguments: [FIXVersion.fix42, .fix44])
    func aFIXRunHasEveryOrderAcknowledgedByExecutionReports(version: FIXVersion) throws {
        var venue = LiveFIXSessionTests.venue()
        venue.accounts = LiveAccounts(count: 11)
        let server = try LiveServer.start(venues: [venue], host: "127.0.0.1")
        let port = try #require(server.endpoints.first?.fixPort)
        // Eleven connections: accounts P1 ... P9, PA, PB, named as the venue names them.
        var plan = LoadPlan(host: "127.0.0.1", port: port, pacing: .openLoop(ratePerSecond: 11_000), durationNs: 200_000_000,
                            connections: 11, symbol: SymbolConfig(name: "MSFT", tickSize: 100, referencePrice: Price(4_100_000)))
        plan.orderEntry = .fix(version, venueCompID: "XLIVE")
        let result = try LoadRun.run(plan)
        let report = try #require(server.shutdown().first)
        #expect(result.failure == nil)
        #expect(result.sent == 2_200)
        #expect(result.unanswered == 0)
        #expect(result.rejected == 0)
        #expect(result.executedOrders > 0, "buyers and sellers cross")
        #expect(report.requests == UInt64(result.sent))
        #expect(report.answers.accepted == UInt64(result.accepted), "ExecType 0 counted by the venue")
        #expect(report.connectionsAccepted == 11)
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

    /// A venue that logs the client in and then never reads: the load
    /// client's socket fills, and its orders wait (counted as never sent)
    /// instead of piling up in memory at the plan's rate.
    @Test func aVenueThatStopsReadingHoldsTheOrdersBackInBoundedMemory() throws {
        let venue = try SilentSoupBinTCPVenue()
        defer { venue.stop() }
        // Small buffers on both sides, so that the hold starts after a few
        // hundred orders whatever the machine's speed and its tcp_wmem.
        var plan = Self.plan(port: venue.port, pacing: .openLoop(ratePerSecond: 100_000), durationNs: 500_000_000,
                             connections: 1)
        plan.writeBuffering = Self.smallWriteBuffers(highWaterMarkBytes: 16 * 1_024)
        plan.drainTimeoutNs = 200_000_000
        let result = try LoadRun.run(plan)
        #expect(result.failure == nil)
        #expect(result.heldBackTurns > 0, "the socket filled and the orders waited")
        #expect(result.sent + result.notSent == 50_000, "100k/s for 0.5 s: every planned order sent or counted as not sent")
        // The two sockets' buffers and NIO's 16 KiB hold a few thousand
        // 52-byte orders, and a turn appends at most 4,096 more.
        #expect(result.sent < 20_000, "\(result.sent) orders written to a venue that reads nothing")
        #expect(result.accepted == 0 && result.unanswered == result.sent)
    }

    /// The replay of a captured session holds its requests back in the same
    /// way, and a venue that takes nothing for the drain timeout ends it,
    /// the requests left counted as never sent.
    @Test func aReplayedSessionHoldsItsRequestsBackAndEndsWhenTheVenueTakesNothing() throws {
        let venue = try SilentSoupBinTCPVenue()
        defer { venue.stop() }
        let count = 50_000
        let plan = Self.replayPlan(orders: count, port: venue.port, drainTimeoutNs: 300_000_000, highWaterMarkBytes: 16 * 1_024)
        let result = try SessionReplayRun.run(plan)
        #expect(result.heldBackTurns > 0)
        #expect(result.failure?.contains("the venue took nothing from P1's session for 300 ms") == true, "\(result.failure ?? "no failure")")
        #expect(result.notSent > 0 && result.requestsSent + result.notSent == count)
        #expect(result.requestsSent < 20_000, "\(result.requestsSent) requests written to a venue that reads nothing")
        #expect(result.sendErrors.count == UInt64(result.requestsSent))
        #expect(result.elapsedNs < 300_000_000, "from the start to the last send, not to the end of the wait")
    }

    /// A venue that reads, however slowly, is waited for: the replay holds
    /// back and goes on as it takes bytes, and sends every request.
    @Test func aReplayedSessionWaitsForAVenueThatReadsSlowly() throws {
        // A read every 20 ms through a 4 KiB receive window: a few hundred
        // KB/s, the 10,000 orders' 520 KB in a second or two. The 128 KiB
        // NIO may hold drains to its 8 KiB low watermark in longer than the
        // drain timeout, so a venue that is reading must be told by the
        // bytes it takes, not by the channel turning writable (checked: with
        // only the latter, the run ends as if the venue read nothing).
        let venue = try SilentSoupBinTCPVenue(readsBytes: 64 * 1_024, everyMilliseconds: 20)
        defer { venue.stop() }
        let count = 10_000
        // A drain timeout shorter than the whole send, longer than any one pause.
        let plan = Self.replayPlan(orders: count, port: venue.port, drainTimeoutNs: 200_000_000, highWaterMarkBytes: 128 * 1_024)
        let result = try SessionReplayRun.run(plan)
        #expect(result.heldBackTurns > 0, "the venue read slower than the replay sent")
        #expect(result.failure == nil, "\(result.failure ?? "")")
        #expect(result.requestsSent == count && result.notSent == 0)
    }

    /// Write buffers small enough that a venue that does not read holds the
    /// client back after a few hundred orders, whatever the machine's
    /// tcp_wmem: a 16 KiB socket send buffer and NIO's watermarks.
    static func smallWriteBuffers(highWaterMarkBytes: Int) -> LiveClientWriteBuffering {
        var buffering = LiveClientWriteBuffering()
        buffering.lowWaterMarkBytes = 8 * 1_024
        buffering.highWaterMarkBytes = highWaterMarkBytes
        buffering.socketSendBufferBytes = 16 * 1_024
        return buffering
    }

    /// One captured OUCH session of `orders` buy orders, all planned at the
    /// start, replayed to `port` through small write buffers.
    static func replayPlan(orders count: Int, port: Int, drainTimeoutNs: Int64, highWaterMarkBytes: Int) -> SessionReplayPlan {
        let tokens = LoadToken(epochMilliseconds: 0)
        let requests = (0..<count).map { number in
            OrderEntryRequest.new(NewOrderRequest(clientID: tokens.id(number), symbol: SymbolIndex(0), side: .buy,
                                                  price: Price(1_890_000), quantity: Quantity(100)))
        }
        let session = SessionReplayPlan.Session(account: "P1", orderEntry: .ouch42, port: port, requests: requests,
                                                plannedOffsetsNs: Array(repeating: 0, count: count))
        var plan = SessionReplayPlan(host: "127.0.0.1", password: "exsim", symbols: [symbol], sessions: [session],
                                     drainTimeoutNs: drainTimeoutNs)
        plan.writeBuffering = smallWriteBuffers(highWaterMarkBytes: highWaterMarkBytes)
        return plan
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

@Suite struct LoadScheduleTests {
    static func gaps(_ arrivals: LoadArrivals, count: Int, spacingNs: Double = 50_000, connection: Int = 0) -> [Int64] {
        var schedule = LoadSchedule(firstNs: 1_000, spacingNs: spacingNs, arrivals: arrivals, connection: connection)
        var gaps: [Int64] = []
        for _ in 0..<count {
            let before = schedule.nextNs
            schedule.advance()
            gaps.append(schedule.nextNs - before)
        }
        return gaps
    }

    @Test(arguments: [(50_000.0, 0), (333.3, 7), (1_000_000.0 / 3, 100), (10.0, 0)])
    func theOrdersLeftBeforeTheEndAreCountedAsTheScheduleWouldPlanThem(spacingNs: Double, advanced: Int) {
        for arrivals in [LoadArrivals.constant, .poisson(seed: 3)] {
            var schedule = LoadSchedule(firstNs: 1_234, spacingNs: spacingNs, arrivals: arrivals, connection: 0)
            for _ in 0..<advanced { schedule.advance() }
            for endNs in [Int64(0), 1_234, 1_235, 5_000_000, 10_000_001] {
                var walked = schedule
                var count = 0
                while walked.nextNs < endNs {
                    count += 1
                    walked.advance()
                }
                #expect(schedule.remaining(before: endNs) == count, "\(arrivals), spacing \(spacingNs), end \(endNs)")
            }
        }
    }

    @Test func constantArrivalsAreEvenlySpacedWithoutDrift() {
        var schedule = LoadSchedule(firstNs: 7, spacingNs: 1e9 / 3, arrivals: .constant, connection: 0)
        for _ in 0..<3_000 { schedule.advance() }
        #expect(schedule.nextNs == 7 + 1_000_000_000_000, "3,000 gaps of a third of a second")
        #expect(Set(Self.gaps(.constant, count: 100)) == [50_000])
    }

    @Test func poissonGapsAreExponentialWithTheSameMeanAndRepeatForASeed() {
        let gaps = Self.gaps(.poisson(seed: 42), count: 200_000)
        let mean = Double(gaps.reduce(0, +)) / Double(gaps.count)
        let variance = gaps.reduce(0.0) { $0 + (Double($1) - mean) * (Double($1) - mean) } / Double(gaps.count)
        // Mean within 1 % of the spacing (the standard error is 0.22 %), and the
        // coefficient of variation of an exponential distribution is 1.
        #expect(abs(mean / 50_000 - 1) < 0.01, "mean gap \(mean)")
        #expect(abs(variance.squareRoot() / mean - 1) < 0.02, "coefficient of variation")
        // P(gap > mean) = 1/e for an exponential distribution.
        let above = Double(gaps.filter { Double($0) > mean }.count) / Double(gaps.count)
        #expect(abs(above - 0.3679) < 0.01, "share above the mean \(above)")
        #expect(gaps.allSatisfy { $0 >= 0 })

        #expect(Self.gaps(.poisson(seed: 42), count: 1_000) == Array(gaps.prefix(1_000)), "same seed, same times")
        #expect(Self.gaps(.poisson(seed: 43), count: 1_000) != Array(gaps.prefix(1_000)))
        #expect(Self.gaps(.poisson(seed: 42), count: 1_000, connection: 1) != Array(gaps.prefix(1_000)),
                "each connection its own stream")
    }

    @Test func aPoissonRunSendsAboutTheRateAndHasEveryOrderAnswered() throws {
        let server = try LiveServer.start(venues: [LiveOUCHSessionTests.venue()], host: "127.0.0.1")
        let port = try #require(server.endpoints.first?.ouchPort)
        var plan = LoadRunTests.plan(port: port, pacing: .openLoop(ratePerSecond: 20_000), durationNs: 500_000_000,
                                     connections: 2)
        plan.arrivals = .poisson(seed: 7)
        let result = try LoadRun.run(plan)
        _ = server.shutdown()
        #expect(result.failure == nil)
        // 10,000 expected; a Poisson count's standard deviation is 100.
        #expect(abs(result.sent - 10_000) < 600, "\(result.sent) sent")
        #expect(result.sent != 10_000, "not the constant schedule")
        #expect(result.unanswered == 0)
    }
}

/// A SoupBinTCP "venue" on a loopback port that accepts one connection,
/// answers its Login Request with Login Accepted, and then reads nothing
/// more (or a little now and then), with a receive buffer as small as the
/// kernel allows.
final class SilentSoupBinTCPVenue: @unchecked Sendable {
    let listener: Int32
    let port: Int
    let done = DispatchSemaphore(value: 0)
    let finished = DispatchSemaphore(value: 0)
    /// After the login: read this many bytes every so often (0: read nothing).
    let readBytes: Int
    let readIntervalMilliseconds: Int

    init(readsBytes: Int = 0, everyMilliseconds: Int = 0) throws {
        readBytes = readsBytes
        readIntervalMilliseconds = everyMilliseconds
        let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var small: Int32 = 4_096
        setsockopt(listener, SOL_SOCKET, SO_RCVBUF, &small, socklen_t(MemoryLayout<Int32>.size))
        port = try LoopbackTCPSocket.bindToFreeLoopbackPort(listener, listening: true, what: "listen on a loopback port")
        self.listener = listener
        let thread = Thread { [self] in serve() }
        thread.start()
    }

    func serve() {
        let connection = accept(listener, nil, nil)
        defer {
            if connection >= 0 { close(connection) }
            finished.signal()
        }
        guard connection >= 0 else { return }
        // The Login Request: a 2-byte length, then that many bytes.
        var header = [UInt8](repeating: 0, count: 2)
        guard recv(connection, &header, 2, Int32(MSG_WAITALL)) == 2 else { return }
        var request = [UInt8](repeating: 0, count: Int(header[0]) << 8 | Int(header[1]))
        guard recv(connection, &request, request.count, Int32(MSG_WAITALL)) == request.count else { return }
        // Login Accepted: 'A', session (10, left-justified), sequence number (20, right-justified).
        let payload = Array(("A" + "XLIVE".padding(toLength: 10, withPad: " ", startingAt: 0)
                             + String(repeating: " ", count: 19) + "1").utf8)
        let packet = [UInt8(payload.count >> 8), UInt8(payload.count & 0xFF)] + payload
        _ = send(connection, packet, packet.count, 0)
        guard readBytes > 0 else {
            done.wait()
            return
        }
        var buffer = [UInt8](repeating: 0, count: readBytes)
        while done.wait(timeout: .now() + .milliseconds(readIntervalMilliseconds)) == .timedOut {
            _ = recv(connection, &buffer, readBytes, Int32(MSG_DONTWAIT))
        }
    }

    /// Ends the connection and stops listening; an `accept` still waiting
    /// for a client returns at the listener's shutdown.
    func stop() {
        shutdown(listener, Int32(SHUT_RDWR))
        done.signal()
        _ = finished.wait(timeout: .now() + 10)
        close(listener)
    }
}
