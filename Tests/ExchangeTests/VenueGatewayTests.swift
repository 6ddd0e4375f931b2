import MatchingEngine
import Testing
import Wire
@testable import Exchange

/// The whole venue gateway, driven as the simulator drives it: an OUCH
/// participant trades through its port, the feed goes out as MoldUDP64, a
/// recovery client replays the feed over SoupBinTCP, and a MoldUDP64
/// re-request is answered from the feed's store.
@Suite struct VenueGatewayTests {
    static let feedSession = MoldUDP64SessionID("GWTEST0001")!

    struct Harness {
        var gateway = VenueGateway(configuration: .init(
            name: "XGW", symbols: [SymbolConfig(name: "AAPL", tickSize: 100, referencePrice: 1_900_000)],
            feedSession: VenueGatewayTests.feedSession))
        var outputs = GatewayOutputs()
        var client: OUCHClient
        var trader: Int32 = -1
        var nowNs: Int64 = 0
        /// Every ITCH message the feed multicast, in sequence order.
        var feedMessages: [[UInt8]] = []
        var nextFeedSequence: UInt64 = 1
        var nextToken = 1
        /// Every byte each connection was sent, in order.
        var received: [Int32: [UInt8]] = [:]

        init(sessionMessageLimit: MessageRateLimit? = nil) {
            if let sessionMessageLimit {
                var configuration = gateway.configuration
                configuration.sessionMessageLimit = sessionMessageLimit
                gateway = VenueGateway(configuration: configuration)
            }
            let username = SoupBinTCPUsername("TRADER")!
            let password = SoupBinTCPPassword("secret")!
            client = OUCHClient(directory: SymbolDirectory(symbols: gateway.configuration.symbols),
                                session: .init(username: username, password: password))
            trader = gateway.addConnection(
                .ouch42(.init(session: SoupBinTCPSessionName("XGW")!, username: username, password: password)),
                participant: ParticipantID(1))
        }

        /// Collects the feed's packets and returns each connection's bytes.
        mutating func drain() -> [Int32: [UInt8]] {
            var bytes: [Int32: [UInt8]] = [:]
            for connection in outputs.touched {
                bytes[connection] = outputs.connections[Int(connection)].bytes
                received[connection, default: []] += outputs.connections[Int(connection)].bytes
            }
            for packet in outputs.feedPackets {
                packet.withUnsafeBytes { raw in
                    guard let view = try? MoldUDP64PacketView(validating: raw), case .messages = view.kind else { return }
                    #expect(view.sequenceNumber == nextFeedSequence)
                    var iterator = view.messages
                    while let block = iterator.next() {
                        feedMessages.append(Array(block))
                        nextFeedSequence += 1
                    }
                }
            }
            outputs.removeAll()
            return bytes
        }

        /// Carries bytes from the OUCH client to the gateway and back until quiet.
        mutating func exchange(_ clientBytes: [UInt8]) {
            var pending = clientBytes
            var events: [OrderEntryClientEvent] = []
            while !pending.isEmpty {
                pending.withUnsafeBytes { gateway.received($0, on: trader, nowNs: nowNs, outputs: &outputs) }
                pending = []
                let answer = drain()[trader] ?? []
                var output = ConnectionOutput()
                answer.withUnsafeBytes { client.received($0, nowNs: nowNs, events: &events, output: &output) }
                pending = output.bytes
            }
        }

        mutating func order(_ side: Side, price: Int64, quantity: Int64) {
            nowNs += 1_000
            var output = ConnectionOutput()
            let id = ClientOrderID("T\(nextToken)")!
            nextToken += 1
            client.send(.new(NewOrderRequest(clientID: id, symbol: SymbolIndex(0), side: side, price: Price(price),
                                             quantity: Quantity(quantity))), nowNs: nowNs, output: &output)
            exchange(output.bytes)
        }

        mutating func start() {
            gateway.open(nowNs: 0, outputs: &outputs)
            gateway.connectionOpened(trader, nowNs: 0, outputs: &outputs)
            _ = drain()
            var output = ConnectionOutput()
            client.connectionOpened(nowNs: 0, output: &output)
            exchange(output.bytes)
            #expect(client.isLoggedIn)
        }

        /// Logs a recovery client in; returns what the gateway answered.
        mutating func recoveryLogin(_ connection: Int32, password: String = "feed", session: String = "",
                                    sequence: UInt64) -> [UInt8] {
            gateway.connectionOpened(connection, nowNs: nowNs, outputs: &outputs)
            _ = drain()
            let request = SoupBinTCPLoginRequest(
                username: SoupBinTCPUsername("READER")!, password: SoupBinTCPPassword(password)!,
                requestedSession: SoupBinTCPSessionName(session)!, requestedSequenceNumber: sequence)
            var bytes = [UInt8](repeating: 0, count: SoupBinTCPLoginRequest.encodedByteCount)
            _ = bytes.withUnsafeMutableBytes { request.encode(into: $0) }
            bytes.withUnsafeBytes { gateway.received($0, on: connection, nowNs: nowNs, outputs: &outputs) }
            return drain()[connection] ?? []
        }
    }

    /// Splits a SoupBinTCP byte stream into (type, payload) packets.
    static func packets(_ stream: [UInt8]) -> [(type: UInt8, payload: [UInt8])] {
        var result: [(UInt8, [UInt8])] = []
        var offset = 0
        while offset + 3 <= stream.count {
            let length = Int(stream[offset]) << 8 | Int(stream[offset + 1])
            result.append((stream[offset + 2], Array(stream[(offset + 3)..<(offset + 2 + length)])))
            offset += 2 + length
        }
        #expect(offset == stream.count, "whole packets only")
        return result
    }

    @Test func recoveryReplaysTheFeedFromAnySequenceThenStreamsLive() throws {
        var harness = Harness()
        let reader = harness.gateway.addRecoveryConnection(username: SoupBinTCPUsername("READER")!,
                                                           password: SoupBinTCPPassword("feed")!)
        harness.start()
        for step in 0..<10 {
            harness.order(step % 2 == 0 ? .sell : .buy, price: 1_900_000 + Int64(step % 3) * 100, quantity: 100)
        }
        let published = harness.feedMessages
        #expect(published.count > 10)

        // From sequence 5: Login Accepted naming the feed's session, then messages 5... as Sequenced Data.
        let answer = Self.packets(harness.recoveryLogin(reader, sequence: 5))
        let accepted = try #require(answer.first)
        #expect(accepted.type == UInt8(ascii: "A"))
        let acceptedPacket = try ([accepted.type] + accepted.payload).withUnsafeBytes {
            try SoupBinTCPLoginAccepted(decoding: $0)
        }
        #expect(acceptedPacket.session == SoupBinTCPSessionName("GWTEST0001")!)
        #expect(acceptedPacket.nextSequenceNumber == 5)
        let replayed = answer.dropFirst()
        #expect(replayed.allSatisfy { $0.type == UInt8(ascii: "S") })
        #expect(replayed.map(\.payload) == Array(published[4...]))

        // New trading reaches the recovery client live, in feed order: all it
        // received after the login is the feed from 5 on, byte for byte.
        harness.order(.buy, price: 1_900_200, quantity: 300)
        harness.order(.sell, price: 1_900_000, quantity: 500)
        #expect(harness.feedMessages.count > published.count)
        let stream = Self.packets(harness.received[reader] ?? []).dropFirst()
        #expect(stream.map(\.payload) == Array(harness.feedMessages[4...]))
        #expect(harness.gateway.recoveryPorts[0].nextSequenceNumber == harness.nextFeedSequence)

        // End of day: End of Session after the last messages.
        harness.gateway.endOfDay(nowNs: harness.nowNs + 1, outputs: &harness.outputs)
        let endOfDay = harness.outputs.connections[Int(reader)].bytes
        _ = harness.drain()
        let last = try #require(Self.packets(endOfDay).last)
        #expect(last.type == UInt8(ascii: "Z"))
        #expect(harness.gateway.isClosed(reader))
    }

    @Test func recoveryRefusesBadLoginsAndSequenceZeroMeansNow() {
        var harness = Harness()
        let wrongPassword = harness.gateway.addRecoveryConnection(username: SoupBinTCPUsername("READER")!,
                                                                  password: SoupBinTCPPassword("feed")!)
        let wrongSession = harness.gateway.addRecoveryConnection(username: SoupBinTCPUsername("READER")!,
                                                                 password: SoupBinTCPPassword("feed")!)
        let fromNow = harness.gateway.addRecoveryConnection(username: SoupBinTCPUsername("READER")!,
                                                            password: SoupBinTCPPassword("feed")!)
        harness.start()
        harness.order(.sell, price: 1_900_000, quantity: 100)

        let refused = Self.packets(harness.recoveryLogin(wrongPassword, password: "guess", sequence: 1))
        #expect(refused.map(\.type) == [UInt8(ascii: "J")] && refused.first?.payload == [UInt8(ascii: "A")])
        #expect(harness.gateway.isClosed(wrongPassword))
        let unknown = Self.packets(harness.recoveryLogin(wrongSession, session: "OTHER", sequence: 1))
        #expect(unknown.first?.payload == [UInt8(ascii: "S")])

        let now = Self.packets(harness.recoveryLogin(fromNow, sequence: 0))
        #expect(now.map(\.type) == [UInt8(ascii: "A")], "nothing to replay from the current position")
        harness.order(.buy, price: 1_900_000, quantity: 100)
        #expect(harness.gateway.recoveryPorts[2].nextSequenceNumber == harness.nextFeedSequence)
    }

    @Test func moldUDP64ReRequestIsAnsweredFromTheFeedStore() throws {
        var harness = Harness()
        harness.start()
        for step in 0..<6 { harness.order(step % 2 == 0 ? .sell : .buy, price: 1_900_000, quantity: 100) }
        let published = harness.feedMessages
        let request = MoldUDP64RequestPacket(session: Self.feedSession, sequenceNumber: 3, requestedMessageCount: 4)
        request.bytes.withUnsafeBytes { harness.gateway.receivedFeedRequest($0, outputs: &harness.outputs) }
        let answer = try #require(harness.outputs.feedRetransmissions.first)
        #expect(harness.outputs.feedPackets.isEmpty, "a retransmission is not multicast")
        try answer.withUnsafeBytes { raw in
            let view = try MoldUDP64PacketView(validating: raw)
            #expect(view.sequenceNumber == 3)
            var iterator = view.messages
            var resent: [[UInt8]] = []
            while let block = iterator.next() { resent.append(Array(block)) }
            #expect(resent == Array(published[2..<6]))
        }
        // A request for another session is not answered.
        harness.outputs.removeAll()
        let foreign = MoldUDP64RequestPacket(session: MoldUDP64SessionID("ELSEWHERE1")!, sequenceNumber: 1, requestedMessageCount: 1)
        foreign.bytes.withUnsafeBytes { harness.gateway.receivedFeedRequest($0, outputs: &harness.outputs) }
        #expect(harness.outputs.feedRetransmissions.isEmpty)
    }
}

@Suite struct EngineEventDigestTests {
    static let execution = Execution(
        matchID: 1, symbol: SymbolIndex(0), price: Price(100), quantity: Quantity(10), aggressorSide: .buy,
        aggressor: OrderID(2), aggressorParticipant: ParticipantID(1), aggressorRemaining: Quantity(0),
        resting: OrderID(1), restingParticipant: ParticipantID(2), restingRemaining: Quantity(5))

    static func digest(_ events: [EngineEvent]) -> EngineEventDigest {
        var digest = EngineEventDigest()
        for event in events { digest.fold(event) }
        return digest
    }

    @Test func everyFieldAndTheOrderOfEventsChangeTheDigest() {
        let accepted = EngineEvent.accepted(OrderID(1), symbol: SymbolIndex(0), participant: ParticipantID(1), side: .buy,
                                            price: Price(100), quantity: Quantity(10))
        let base = Self.digest([accepted, .executed(Self.execution)])
        #expect(base.eventCount == 2)
        #expect(base.description.count == 16)
        #expect(Self.digest([accepted, .executed(Self.execution)]) == base, "a pure function of the events")
        #expect(Self.digest([.executed(Self.execution), accepted]) != base, "order matters")
        var changed = Self.execution
        changed.restingRemaining = Quantity(6)
        #expect(Self.digest([accepted, .executed(changed)]) != base)
        changed = Self.execution
        changed.restingParticipant = ParticipantID(3)
        #expect(Self.digest([accepted, .executed(changed)]) != base)
        let sell = EngineEvent.accepted(OrderID(1), symbol: SymbolIndex(0), participant: ParticipantID(1), side: .sell,
                                        price: Price(100), quantity: Quantity(10))
        #expect(Self.digest([sell, .executed(Self.execution)]) != base)
        #expect(Self.digest([.cancelled(OrderID(1), symbol: SymbolIndex(0), quantity: Quantity(1), remaining: Quantity(0), reason: .requested)])
                != Self.digest([.cancelled(OrderID(1), symbol: SymbolIndex(0), quantity: Quantity(0), remaining: Quantity(1), reason: .requested)]))
    }
}
