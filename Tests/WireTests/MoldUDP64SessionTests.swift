import Testing
@testable import Wire

/// Collects what a receiver delivers.
struct CollectedMessages: MoldUDP64MessageSink {
    var sequenceNumbers: [UInt64] = []
    var messages: [[UInt8]] = []

    mutating func deliver(sequenceNumber: UInt64, message: UnsafeRawBufferPointer) {
        sequenceNumbers.append(sequenceNumber)
        messages.append(Array(message))
    }
}

@Suite struct MoldUDP64SessionTests {
    static let session = MoldUDP64SessionID("SESSION001")!

    static func addOrder(_ index: Int) -> ITCHAddOrder {
        ITCHAddOrder(
            stockLocate: 7, trackingNumber: UInt16(truncatingIfNeeded: index), timestampNs: 34_200_000_000_000 + UInt64(index),
            orderReferenceNumber: UInt64(index), side: index % 2 == 0 ? .buy : .sell, shares: 100,
            stock: Alpha8("AAPL")!, price: 1_000_000 + UInt32(index))
    }

    static func sentPackets(_ actions: [MoldUDP64Publisher.Action]) -> [[UInt8]] {
        actions.compactMap { if case .send(let bytes) = $0 { bytes } else { nil } }
    }

    static func header(_ bytes: [UInt8]) throws -> MoldUDP64Header {
        try bytes.withUnsafeBytes { try MoldUDP64PacketView(validating: $0).header }
    }

    /// The datagram carrying `messages` from `sequenceNumber` on.
    static func packet(_ sequenceNumber: UInt64, _ messages: [[UInt8]], session: MoldUDP64SessionID = session) -> [UInt8] {
        var storage = [UInt8](repeating: 0, count: 1400)
        let length = storage.withUnsafeMutableBytes { buffer in
            var builder = MoldUDP64PacketBuilder(buffer: buffer, session: session, sequenceNumber: sequenceNumber)
            for message in messages {
                let appended = message.withUnsafeBytes { builder.append($0) }
                precondition(appended)
            }
            return builder.finish()
        }
        return Array(storage[0..<length])
    }

    static func countOnly(_ header: MoldUDP64Header) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: 20)
        _ = bytes.withUnsafeMutableBytes { header.encode(into: $0) }
        return bytes
    }

    static func message(_ sequenceNumber: UInt64) -> [UInt8] { [UInt8(truncatingIfNeeded: sequenceNumber), 0xAB] }

    // MARK: Publisher

    @Test func publisherPacksMessagesAndNumbersThemInOrder() throws {
        var publisher = MoldUDP64Publisher(configuration: .init(session: Self.session, retransmissionLimitMessages: 1_000))
        let start = publisher.start(nowNs: 0)
        #expect(start.count == 2)
        #expect(try Self.header(Self.sentPackets(start)[0]) == .heartbeat(session: Self.session, nextSequenceNumber: 1))
        #expect(start[1] == .armHeartbeatTimer(atNs: 1_000_000_000))

        var packets: [[UInt8]] = []
        for index in 0..<100 {
            packets += Self.sentPackets(publisher.publish(Self.addOrder(index), nowNs: 10))
        }
        packets += Self.sentPackets(publisher.flush(nowNs: 20))
        #expect(publisher.flush(nowNs: 21).isEmpty)
        // (1400 - 20) / (2 + 36) = 36 Add Orders per packet.
        #expect(packets.map { try! Self.header($0).messageCount } == [36, 36, 28])
        #expect(packets.map { try! Self.header($0).sequenceNumber } == [1, 37, 73])
        #expect(packets.allSatisfy { $0.count <= 1400 })
        #expect(publisher.nextSequenceNumber == 101)

        var decoded: [ITCHMessage] = []
        for packet in packets {
            try packet.withUnsafeBytes { buffer in
                var messages = try MoldUDP64PacketView(validating: buffer).messages
                while let message = messages.next() { decoded.append(try ITCHMessage(decoding: message)) }
            }
        }
        #expect(decoded == (0..<100).map { .addOrder(Self.addOrder($0)) })
        let stored = try #require(publisher.store.message(sequenceNumber: 50))
        #expect(Array(stored) == ITCHSamples.bytes(of: Self.addOrder(49)))
        publisher.checkInvariants()
    }

    @Test func publisherHeartbeatsWhenIdleAndFlushesOnTheTimer() throws {
        var publisher = MoldUDP64Publisher(configuration: .init(
            session: Self.session, heartbeatIntervalNs: 1_000, retransmissionLimitMessages: 16))
        _ = publisher.start(nowNs: 0)
        _ = publisher.publish(Self.addOrder(0), nowNs: 500)
        // Pending messages leave on the timer rather than wait for more.
        let first = publisher.heartbeatTimerFired(nowNs: 1_000)
        #expect(try Self.header(Self.sentPackets(first)[0]).messageCount == 1)
        #expect(first.last == .armHeartbeatTimer(atNs: 2_000))
        // Silent for a whole interval: heartbeat carrying the next sequence number.
        let second = publisher.heartbeatTimerFired(nowNs: 2_000)
        #expect(try Self.header(Self.sentPackets(second)[0]) == .heartbeat(session: Self.session, nextSequenceNumber: 2))
        #expect(second.last == .armHeartbeatTimer(atNs: 3_000))
        // A packet went out since: no heartbeat, timer moves to a full interval after it.
        _ = publisher.publish(Self.addOrder(1), nowNs: 2_400)
        _ = publisher.flush(nowNs: 2_500)
        #expect(publisher.heartbeatTimerFired(nowNs: 3_000) == [.armHeartbeatTimer(atNs: 3_500)])
    }

    @Test func publisherEndsTheSessionWithRepeatedEndOfSessionPackets() throws {
        var publisher = MoldUDP64Publisher(configuration: .init(
            session: Self.session, heartbeatIntervalNs: 1_000, retransmissionLimitMessages: 16, endOfSessionRepeatCount: 3))
        _ = publisher.start(nowNs: 0)
        _ = publisher.publish(Self.addOrder(0), nowNs: 10)
        let ending = publisher.endSession(nowNs: 20)
        let sent = Self.sentPackets(ending)
        #expect(sent.count == 2)
        #expect(try Self.header(sent[0]).messageCount == 1)
        #expect(try Self.header(sent[1]) == .endOfSession(session: Self.session, nextSequenceNumber: 2))
        #expect(ending.last == .armHeartbeatTimer(atNs: 1_020))
        #expect(Self.sentPackets(publisher.heartbeatTimerFired(nowNs: 1_020)).count == 1)
        let last = publisher.heartbeatTimerFired(nowNs: 2_020)
        #expect(last.count == 1 && Self.sentPackets(last).count == 1)
        #expect(publisher.heartbeatTimerFired(nowNs: 3_020).isEmpty)
    }

    @Test func storeKeepsOnlyTheNewestMessages() {
        var store = MoldUDP64RetransmissionStore(firstSequenceNumber: 1, messageLimit: 10, maximumMessageBytes: 4)
        for index in 1...25 {
            let sequenceNumber = [UInt8](repeating: UInt8(index), count: index % 5).withUnsafeBytes { store.append($0) }
            #expect(sequenceNumber == UInt64(index))
        }
        #expect(store.firstSequenceNumber == 16 && store.nextSequenceNumber == 26 && store.count == 10)
        #expect(store.message(sequenceNumber: 15) == nil)
        #expect(store.message(sequenceNumber: 26) == nil)
        #expect(store.message(sequenceNumber: 17).map(Array.init) == [17, 17])
        #expect(store.message(sequenceNumber: 20).map(Array.init) == [])
        store.checkInvariants()
    }

    // MARK: Re-request server

    static func storeWith(_ count: Int, limit: Int = 10_000) -> MoldUDP64RetransmissionStore {
        var store = MoldUDP64RetransmissionStore(messageLimit: limit, maximumMessageBytes: 64)
        for index in 0..<count {
            ITCHSamples.bytes(of: addOrder(index)).withUnsafeBytes { _ = store.append($0) }
        }
        return store
    }

    static func answeredSequenceNumbers(_ actions: [MoldUDP64RequestServer.Action]) throws -> [UInt64] {
        var numbers: [UInt64] = []
        for action in actions {
            guard case .send(let bytes) = action else { continue }
            try bytes.withUnsafeBytes { buffer in
                let packet = try MoldUDP64PacketView(validating: buffer)
                var messages = packet.messages
                var sequenceNumber = packet.sequenceNumber
                while let message = messages.next() {
                    #expect(try ITCHAddOrder(decoding: message) == addOrder(Int(sequenceNumber) - 1))
                    numbers.append(sequenceNumber)
                    sequenceNumber += 1
                }
            }
        }
        return numbers
    }

    @Test func serverAnswersFromTheStoreWithinItsBound() throws {
        let store = Self.storeWith(500)
        var server = MoldUDP64RequestServer(session: Self.session, maximumMessagesPerAnswer: 100)
        let answer = server.answer(.init(session: Self.session, sequenceNumber: 10, requestedMessageCount: 50), store: store)
        #expect(answer.count == 2, "50 Add Orders take two 1400-byte packets")
        #expect(try Self.answeredSequenceNumbers(answer) == Array(10..<60))
        let capped = server.answer(.init(session: Self.session, sequenceNumber: 300, requestedMessageCount: 1_000), store: store)
        #expect(try Self.answeredSequenceNumbers(capped) == Array(300..<400))
        let tail = server.answer(.init(session: Self.session, sequenceNumber: 490, requestedMessageCount: 50), store: store)
        #expect(try Self.answeredSequenceNumbers(tail) == Array(490...500))
        #expect(server.requestsAnswered == 3 && server.messagesResent == 161)
    }

    @Test func serverIgnoresRequestsItCannotAnswer() throws {
        let store = Self.storeWith(30, limit: 20)
        var server = MoldUDP64RequestServer(session: Self.session)
        let other = MoldUDP64SessionID("OTHER")!
        #expect(server.answer(.init(session: other, sequenceNumber: 15, requestedMessageCount: 1), store: store)
                == [.ignore(.wrongSession(other))])
        #expect(server.answer(.init(session: Self.session, sequenceNumber: 15, requestedMessageCount: 0), store: store)
                == [.ignore(.zeroMessagesRequested)])
        #expect(server.answer(.init(session: Self.session, sequenceNumber: 31, requestedMessageCount: 5), store: store)
                == [.ignore(.notYetPublished(nextSequenceNumber: 31))])
        #expect(server.answer(.init(session: Self.session, sequenceNumber: 1, requestedMessageCount: 10), store: store)
                == [.ignore(.noLongerRetained(firstRetainedSequenceNumber: 11))])
        // Partly evicted: what is still held is sent.
        let partial = server.answer(.init(session: Self.session, sequenceNumber: 5, requestedMessageCount: 10), store: store)
        #expect(try Self.answeredSequenceNumbers(partial) == Array(11..<15))
        let malformed = [UInt8](repeating: 0x20, count: 19).withUnsafeBytes { server.received($0, store: store) }
        #expect(malformed == [.ignore(.malformed(.truncated(needed: 20, available: 19)))])
        let request = MoldUDP64RequestPacket(session: Self.session, sequenceNumber: 29, requestedMessageCount: 9).bytes
        let answer = request.withUnsafeBytes { server.received($0, store: store) }
        #expect(try Self.answeredSequenceNumbers(answer) == [29, 30])
        #expect(server.requestsIgnored == 5)
    }

    // MARK: Receiver

    @Test func receiverDeliversInOrderAndDropsDuplicates() {
        var receiver = MoldUDP64Receiver()
        var sink = CollectedMessages()
        let first = Self.packet(1, (1...3).map(Self.message))
        #expect(first.withUnsafeBytes { receiver.received($0, nowNs: 0, sink: &sink) }.isEmpty)
        #expect(first.withUnsafeBytes { receiver.received($0, nowNs: 1, sink: &sink) }.isEmpty)
        let overlapping = Self.packet(3, (3...5).map(Self.message))
        #expect(overlapping.withUnsafeBytes { receiver.received($0, nowNs: 2, sink: &sink) }.isEmpty)
        #expect(sink.sequenceNumbers == [1, 2, 3, 4, 5])
        #expect(sink.messages == (1...5).map(Self.message))
        #expect(receiver.statistics.duplicateMessages == 4)
        #expect(receiver.session == Self.session)
        receiver.checkInvariants()
    }

    @Test func receiverRequestsAGapAndFillsItFromTheAnswer() {
        var receiver = MoldUDP64Receiver(configuration: .init(requestTimeoutNs: 1_000))
        var sink = CollectedMessages()
        _ = Self.packet(1, [Self.message(1)]).withUnsafeBytes { receiver.received($0, nowNs: 0, sink: &sink) }
        let afterGap = Self.packet(4, [Self.message(4), Self.message(5)]).withUnsafeBytes {
            receiver.received($0, nowNs: 10, sink: &sink)
        }
        #expect(afterGap == [
            .sendRequest(.init(session: Self.session, sequenceNumber: 2, requestedMessageCount: 2)),
            .armRequestTimer(atNs: 1_010),
        ])
        #expect(sink.sequenceNumbers == [1])
        #expect(receiver.bufferedMessageCount == 2)
        receiver.checkInvariants()
        // More traffic while the request is out: no second request.
        let more = Self.packet(6, [Self.message(6)]).withUnsafeBytes { receiver.received($0, nowNs: 20, sink: &sink) }
        #expect(more.isEmpty)
        let answer = Self.packet(2, [Self.message(2), Self.message(3)]).withUnsafeBytes {
            receiver.received($0, nowNs: 30, sink: &sink)
        }
        #expect(answer.isEmpty)
        #expect(sink.sequenceNumbers == Array(1...6))
        #expect(sink.messages == (1...6).map(Self.message))
        #expect(!receiver.hasGap && receiver.bufferedMessageCount == 0)
        // The timer that was armed finds nothing to do.
        #expect(receiver.requestTimerFired(nowNs: 1_010, sink: &sink).isEmpty)
        receiver.checkInvariants()
    }

    @Test func receiverSeesAGapFromAHeartbeatAndAsksAgainAfterTheTimeout() {
        var receiver = MoldUDP64Receiver(configuration: .init(requestTimeoutNs: 1_000, requestAttemptLimit: 3))
        var sink = CollectedMessages()
        _ = Self.packet(1, (1...5).map(Self.message)).withUnsafeBytes { receiver.received($0, nowNs: 0, sink: &sink) }
        let heartbeat = Self.countOnly(.heartbeat(session: Self.session, nextSequenceNumber: 9))
        let request = MoldUDP64RequestPacket(session: Self.session, sequenceNumber: 6, requestedMessageCount: 3)
        #expect(heartbeat.withUnsafeBytes { receiver.received($0, nowNs: 100, sink: &sink) }
                == [.sendRequest(request), .armRequestTimer(atNs: 1_100)])
        #expect(receiver.requestTimerFired(nowNs: 500, sink: &sink).isEmpty, "early timer")
        #expect(receiver.requestTimerFired(nowNs: 1_100, sink: &sink) == [.sendRequest(request), .armRequestTimer(atNs: 2_100)])
        #expect(receiver.requestTimerFired(nowNs: 2_100, sink: &sink) == [.sendRequest(request), .armRequestTimer(atNs: 3_100)])
        // Third attempt unanswered: the range is given up and the session moves on.
        #expect(receiver.requestTimerFired(nowNs: 3_100, sink: &sink) == [.messagesLost(firstSequenceNumber: 6, count: 3)])
        #expect(receiver.nextExpectedSequenceNumber == 9)
        #expect(receiver.statistics.messagesLost == 3 && receiver.statistics.requestsSent == 3)
        _ = Self.packet(9, [Self.message(9)]).withUnsafeBytes { receiver.received($0, nowNs: 3_200, sink: &sink) }
        #expect(sink.sequenceNumbers == [1, 2, 3, 4, 5, 9])
        receiver.checkInvariants()
    }

    @Test func receiverBoundsItsOutOfOrderBufferAndRecoversTheRest() {
        var receiver = MoldUDP64Receiver(configuration: .init(outOfOrderLimitMessages: 4, maximumRequestMessages: 100))
        var sink = CollectedMessages()
        _ = Self.packet(1, [Self.message(1)]).withUnsafeBytes { receiver.received($0, nowNs: 0, sink: &sink) }
        let ahead = Self.packet(3, (3...10).map(Self.message)).withUnsafeBytes { receiver.received($0, nowNs: 1, sink: &sink) }
        // Slots for 3, 4, 5 (2 is the gap); 6...10 do not fit.
        #expect(receiver.bufferedMessageCount == 3)
        #expect(receiver.statistics.messagesDroppedBeyondBuffer == 5)
        #expect(ahead.first == .sendRequest(.init(session: Self.session, sequenceNumber: 2, requestedMessageCount: 1)))
        receiver.checkInvariants()
        // The answer fills 2; 3...5 drain; 6...10 are asked for at once.
        let filled = Self.packet(2, [Self.message(2)]).withUnsafeBytes { receiver.received($0, nowNs: 2, sink: &sink) }
        #expect(filled.first == .sendRequest(.init(session: Self.session, sequenceNumber: 6, requestedMessageCount: 5)))
        _ = Self.packet(6, (6...10).map(Self.message)).withUnsafeBytes { receiver.received($0, nowNs: 3, sink: &sink) }
        #expect(sink.sequenceNumbers == Array(1...10))
        receiver.checkInvariants()
    }

    @Test func receiverReportsTheEndOfSessionOnceCaughtUp() {
        var receiver = MoldUDP64Receiver()
        var sink = CollectedMessages()
        _ = Self.packet(1, [Self.message(1)]).withUnsafeBytes { receiver.received($0, nowNs: 0, sink: &sink) }
        let end = Self.countOnly(.endOfSession(session: Self.session, nextSequenceNumber: 3))
        let first = end.withUnsafeBytes { receiver.received($0, nowNs: 1, sink: &sink) }
        #expect(first.first == .sendRequest(.init(session: Self.session, sequenceNumber: 2, requestedMessageCount: 1)))
        #expect(receiver.endOfSessionSeen)
        let caughtUp = Self.packet(2, [Self.message(2)]).withUnsafeBytes { receiver.received($0, nowNs: 2, sink: &sink) }
        #expect(caughtUp == [.endOfSession(nextSequenceNumber: 3)])
        #expect(end.withUnsafeBytes { receiver.received($0, nowNs: 3, sink: &sink) }.isEmpty)
    }

    @Test func receiverIgnoresOtherSessionsAndMalformedDatagrams() {
        var receiver = MoldUDP64Receiver(configuration: .init(session: Self.session))
        var sink = CollectedMessages()
        let foreign = Self.packet(1, [Self.message(1)], session: MoldUDP64SessionID("OTHER")!)
        #expect(foreign.withUnsafeBytes { receiver.received($0, nowNs: 0, sink: &sink) }.isEmpty)
        let broken = Self.packet(1, [Self.message(1)]).dropLast()
        #expect(Array(broken).withUnsafeBytes { receiver.received($0, nowNs: 0, sink: &sink) }.isEmpty)
        #expect(sink.messages.isEmpty)
        #expect(receiver.statistics.foreignSessionPackets == 1 && receiver.statistics.malformedPackets == 1)
    }

    /// Hostile datagrams (random sequence numbers up to 2^64 - 1, counts,
    /// truncations) and timer firings never trap the receiver, and whatever
    /// it delivers stays in strictly increasing sequence order.
    @Test func receiverSurvivesHostileDatagrams() {
        var generator = SplitMix64(seed: 0x3D0_0002)
        var delivered = 0
        var lost: UInt64 = 0
        // A forged far-ahead heartbeat rightly moves a receiver past everything
        // else, so each receiver lives for a bounded number of datagrams.
        for _ in 0..<40 {
            var receiver = MoldUDP64Receiver(configuration: .init(
                requestTimeoutNs: 10, outOfOrderLimitMessages: 16, maximumRequestMessages: 8, requestAttemptLimit: 2))
            var sink = CollectedMessages()
            var nowNs: Int64 = 0
            for _ in 0..<500 {
                nowNs += Int64(generator.next() % 20)
                let base: UInt64
                switch generator.next() % 64 {
                case 0: base = generator.next()
                case 1: base = UInt64.max - generator.next() % 64
                default: base = receiver.nextExpectedSequenceNumber &+ generator.next() % 40
                }
                var datagram: [UInt8]
                switch generator.next() % 4 {
                case 0:
                    datagram = Self.countOnly(MoldUDP64Header(
                        session: Self.session, sequenceNumber: base, messageCount: generator.next() % 2 == 0 ? 0 : 0xFFFF))
                default:
                    let count = 1 + generator.next() % 6
                    datagram = base <= UInt64.max - count
                        ? Self.packet(base, (0..<count).map { Self.message(base + $0) })
                        : Self.countOnly(MoldUDP64Header(session: Self.session, sequenceNumber: base, messageCount: UInt16(count)))
                }
                if generator.next() % 8 == 0 { datagram[Int(generator.next() % UInt64(datagram.count))] ^= 0x5A }
                _ = datagram.withUnsafeBytes { receiver.received($0, nowNs: nowNs, sink: &sink) }
                if generator.next() % 3 == 0 { _ = receiver.requestTimerFired(nowNs: nowNs, sink: &sink) }
            }
            receiver.checkInvariants()
            #expect(zip(sink.sequenceNumbers, sink.sequenceNumbers.dropFirst()).allSatisfy { $0 < $1 })
            delivered += sink.sequenceNumbers.count
            lost = lost &+ receiver.statistics.messagesLost
        }
        #expect(delivered > 2_000)
        #expect(lost > 0)
    }
}

/// SplitMix64 (Steele, Lea, Flood 2014): a tiny seeded generator, so a failing
/// input can be reproduced from its seed.
private struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// A receiver arbitrating between an A and a B copy of the feed.
@Suite struct MoldUDP64FeedArbitrationTests {
    typealias T = MoldUDP64SessionTests

    func receiver(windowNs: Int64 = 500) -> MoldUDP64Receiver {
        MoldUDP64Receiver(configuration: .init(requestTimeoutNs: 10_000, feeds: 2, arbitrationWindowNs: windowNs))
    }

    func send(_ receiver: inout MoldUDP64Receiver, _ first: UInt64, _ count: UInt64, feed: Int, at nowNs: Int64,
              into sink: inout CollectedMessages) -> [MoldUDP64Receiver.Action] {
        T.packet(first, (first..<first + count).map(T.message)).withUnsafeBytes { receiver.received($0, feed: feed, nowNs: nowNs, sink: &sink) }
    }

    @Test func theFirstCopyWinsAndTheOtherFeedFillsAGapWithoutARequest() {
        var receiver = receiver()
        var sink = CollectedMessages()
        #expect(send(&receiver, 1, 2, feed: 0, at: 0, into: &sink).isEmpty)
        #expect(send(&receiver, 1, 2, feed: 1, at: 2, into: &sink).isEmpty, "B's copies are duplicates")
        // A loses 3...4: a gap that only A has passed waits for B.
        #expect(send(&receiver, 5, 1, feed: 0, at: 100, into: &sink) == [.armRequestTimer(atNs: 600)])
        #expect(send(&receiver, 3, 2, feed: 1, at: 102, into: &sink).isEmpty, "B fills it")
        #expect(send(&receiver, 5, 1, feed: 1, at: 104, into: &sink).isEmpty)
        #expect(sink.sequenceNumbers == Array(1...5))
        // The timer armed for the wait finds nothing to do.
        #expect(receiver.requestTimerFired(nowNs: 600, sink: &sink).isEmpty)
        #expect(receiver.statistics.requestsSent == 0 && receiver.statistics.gapsFilledWhileArbitrating == 1)
        #expect(receiver.statistics.firstCopiesByFeed == [3, 2])
        #expect(receiver.statistics.duplicateMessages == 3)
        receiver.checkInvariants()
    }

    @Test func aGapOnBothFeedsIsRequestedAtOnce() {
        var receiver = receiver()
        var sink = CollectedMessages()
        _ = send(&receiver, 1, 1, feed: 0, at: 0, into: &sink)
        _ = send(&receiver, 1, 1, feed: 1, at: 1, into: &sink)
        #expect(send(&receiver, 4, 1, feed: 0, at: 100, into: &sink) == [.armRequestTimer(atNs: 600)])
        // B passes the gap too: both lost 2...3.
        #expect(send(&receiver, 4, 1, feed: 1, at: 102, into: &sink) == [
            .sendRequest(.init(session: T.session, sequenceNumber: 2, requestedMessageCount: 2)),
            .armRequestTimer(atNs: 10_102),
        ])
        #expect(send(&receiver, 2, 2, feed: 0, at: 300, into: &sink).isEmpty, "the answer")
        #expect(sink.sequenceNumbers == Array(1...4) && !receiver.hasGap)
        #expect(receiver.statistics.requestsSent == 1)
    }

    @Test func aSilentOtherFeedCostsTheWindowThenARequest() {
        var receiver = receiver()
        var sink = CollectedMessages()
        _ = send(&receiver, 1, 1, feed: 0, at: 0, into: &sink)
        // B is down: it never passes the gap.
        #expect(send(&receiver, 3, 1, feed: 0, at: 100, into: &sink) == [.armRequestTimer(atNs: 600)])
        #expect(send(&receiver, 4, 1, feed: 0, at: 200, into: &sink).isEmpty, "still waiting for the same gap")
        #expect(receiver.requestTimerFired(nowNs: 599, sink: &sink).isEmpty, "not yet")
        #expect(receiver.requestTimerFired(nowNs: 600, sink: &sink) == [
            .sendRequest(.init(session: T.session, sequenceNumber: 2, requestedMessageCount: 1)),
            .armRequestTimer(atNs: 10_600),
        ])
        #expect(send(&receiver, 2, 1, feed: 0, at: 700, into: &sink).isEmpty)
        #expect(sink.sequenceNumbers == Array(1...4))
        // A later gap waits afresh.
        #expect(send(&receiver, 6, 1, feed: 0, at: 800, into: &sink) == [.armRequestTimer(atNs: 1_300)])
        receiver.checkInvariants()
    }

    @Test func withoutAWindowEveryGapIsRequestedAtOnce() {
        var receiver = receiver(windowNs: 0)
        var sink = CollectedMessages()
        _ = send(&receiver, 1, 1, feed: 0, at: 0, into: &sink)
        let actions = send(&receiver, 3, 1, feed: 0, at: 100, into: &sink)
        #expect(actions.first == .sendRequest(.init(session: T.session, sequenceNumber: 2, requestedMessageCount: 1)))
    }
}
