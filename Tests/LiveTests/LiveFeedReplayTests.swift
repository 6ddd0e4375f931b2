import Exchange
import Foundation
import Live
import MatchingEngine
import Testing
import Wire

/// A served venue whose books replay a captured ITCH feed on the wall
/// clock: a client over OUCH trades against a captured order, and what the
/// capture does to that order later applies, when its time comes, to what
/// the client left of it.
@Suite struct LiveFeedReplayTests {
    static let price: UInt32 = 1_900_000

    static func bytes(_ message: ITCHMessage) -> [UInt8] {
        var buffer = [UInt8](repeating: 0, count: message.encodedLength)
        _ = buffer.withUnsafeMutableBytes { message.encode(into: $0) }
        return buffer
    }

    /// At 0: a captured sell of 300 at the price; at `deleteAtNs`: its delete.
    static func capturedFeed(deleteAtNs: Int64) -> CapturedFeedMessages {
        var messages = CapturedFeedMessages()
        let add = bytes(.addOrder(ITCHAddOrder(stockLocate: 1, trackingNumber: 0, timestampNs: 0, orderReferenceNumber: 7,
                                               side: .sell, shares: 300, stock: Alpha8("AAPL")!, price: price)))
        let delete = bytes(.orderDelete(ITCHOrderDelete(stockLocate: 1, trackingNumber: 0, timestampNs: 0, orderReferenceNumber: 7)))
        add.withUnsafeBytes { messages.append($0, atNs: 0) }
        delete.withUnsafeBytes { messages.append($0, atNs: deleteAtNs) }
        return messages
    }

    /// Waits until the venue's replay has applied `count` messages.
    static func waitForReplay(_ server: LiveServer, messages count: UInt64) throws {
        let deadline = Date().addingTimeInterval(60)
        while try server.snapshots().first?.feedReplayMessages ?? 0 < count {
            guard Date() < deadline else { throw LiveFeedReplayFailure(description: "the replay did not reach \(count) messages") }
            usleep(5_000)
        }
    }

    struct LiveFeedReplayFailure: Error, CustomStringConvertible {
        var description: String
    }

    @Test func aClientTradesAgainstACapturedOrderAndTheCapturesDeleteFollowsOnTheWallClock() throws {
        var venue = LiveOUCHSessionTests.venue()
        // Far enough on for a loaded machine to connect, log in and buy first.
        let deleteAtNs: Int64 = 3_000_000_000
        venue.feedReplay = LiveFeedReplay(source: "hand-made", messages: Self.capturedFeed(deleteAtNs: deleteAtNs))
        let startedAt = Date()
        let server = try LiveServer.start(venues: [venue], host: "127.0.0.1")
        var shutDown = false
        defer { if !shutDown { _ = server.shutdown() } }
        let port = try #require(server.endpoints.first?.ouchPort)

        let buyer = try LoopbackSoupBinTCPClient(port: port)
        #expect(try buyer.login(username: "P1", password: "exsim")?.type == UInt8(ascii: "A"))
        try buyer.enterOrder(token: "B1", side: "B", shares: 200, stock: "AAPL", price: Self.price)
        #expect(try buyer.readOUCH().first == UInt8(ascii: "A"), "OUCH Accepted")
        let executed = try buyer.readOUCH()
        #expect(executed.first == UInt8(ascii: "E"), "the captured sell rests at the venue and fills the buy")
        #expect(LoopbackSoupBinTCPClient.uint32(executed[23..<27]) == 200)
        // The test only holds if the buy came before the delete's time.
        #expect(Date().timeIntervalSince(startedAt) < Double(deleteAtNs) / 1e9, "the buy raced the captured delete")

        // After the captured delete, the 100 shares the buy left are gone:
        // a second buy rests instead of trading.
        try Self.waitForReplay(server, messages: 2)
        try buyer.enterOrder(token: "B2", side: "B", shares: 100, stock: "AAPL", price: Self.price)
        #expect(try buyer.readOUCH().first == UInt8(ascii: "A"), "OUCH Accepted")

        let reports = server.shutdown()
        shutDown = true
        let report = try #require(reports.first)
        let replay = try #require(report.feedReplay)
        #expect(replay.source == "hand-made")
        #expect(replay.messagesPlanned == 2 && replay.statistics.messages == 2)
        #expect(replay.statistics.ordersAdded == 1 && replay.statistics.ordersDeleted == 1 && replay.statistics.ordersGone == 0)
        #expect(replay.statistics.executions == 1 && replay.statistics.executedQuantity == 200)
        #expect(report.trades == 1, "the second buy found nothing to trade with")
        #expect(replay.lateness?.count == 2)
    }

    /// A replay behind its plan catches up a turn of the loop at a time,
    /// and the venue's sessions are served between the turns: a client's
    /// order is answered while hundreds of thousands of captured orders,
    /// all due at once, are still being applied.
    @Test func aReplayCatchingUpLeavesTheSessionsTheirTurn() throws {
        let count = 400_000
        var add = Self.bytes(.addOrder(ITCHAddOrder(stockLocate: 1, trackingNumber: 0, timestampNs: 0, orderReferenceNumber: 0,
                                                    side: .sell, shares: 100, stock: Alpha8("AAPL")!, price: Self.price)))
        var messages = CapturedFeedMessages()
        for reference in 1...count {
            add.withUnsafeMutableBytes { $0.storeBytes(of: UInt64(reference).bigEndian, toByteOffset: 11, as: UInt64.self) }
            add.withUnsafeBytes { messages.append($0, atNs: 0) }
        }
        var venue = LiveOUCHSessionTests.venue()
        venue.feedReplay = LiveFeedReplay(source: "hand-made", messages: messages)
        let server = try LiveServer.start(venues: [venue], host: "127.0.0.1")
        var shutDown = false
        defer { if !shutDown { _ = server.shutdown() } }
        let port = try #require(server.endpoints.first?.ouchPort)
        try Self.waitForReplay(server, messages: 1)

        let client = try LoopbackSoupBinTCPClient(port: port)
        #expect(try client.login(username: "P1", password: "exsim")?.type == UInt8(ascii: "A"))
        try client.enterOrder(token: "B1", side: "B", shares: 100, stock: "AAPL", price: Self.price - 10_000)
        #expect(try client.readOUCH().first == UInt8(ascii: "A"), "OUCH Accepted")
        let applied = try #require(try server.snapshots().first?.feedReplayMessages)
        #expect(applied < UInt64(count), "answered while the replay was still catching up (\(applied) applied)")

        try Self.waitForReplay(server, messages: UInt64(count))
        let report = try #require(server.shutdown().first)
        shutDown = true
        #expect(report.feedReplay?.statistics.ordersAdded == UInt64(count))
    }

    @Test func aVenueThatClosesBeforeTheCapturesEndReportsWhatItReached() throws {
        var venue = LiveOUCHSessionTests.venue()
        venue.feedReplay = LiveFeedReplay(source: "hand-made", messages: Self.capturedFeed(deleteAtNs: 3_600_000_000_000))
        let server = try LiveServer.start(venues: [venue], host: "127.0.0.1")
        // The add applies at once; the delete, an hour on, never.
        let deadline = Date().addingTimeInterval(30)
        while try server.snapshots().first?.feedReplayMessages ?? 0 < 1, Date() < deadline { usleep(10_000) }
        let report = try #require(server.shutdown().first)
        let replay = try #require(report.feedReplay)
        #expect(replay.messagesPlanned == 2 && replay.statistics.messages == 1)
        #expect(replay.statistics.ordersAdded == 1 && replay.statistics.ordersDeleted == 0)
    }
}
