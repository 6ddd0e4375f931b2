import Exchange
import MatchingEngine
import Wire

/// The venue gateway alone, as a live server would drive it: SoupBinTCP-framed
/// OUCH 4.2 bytes in, session, desk and engine, OUCH replies and ITCH feed
/// packets out. The inbound stream is generated and encoded beforehand;
/// the timed loop only hands each frame to `VenueGateway.received` and empties
/// the outputs.
struct GatewayWorkload {
    let connectionCount: Int
    let messageCount: Int
    let seed: UInt64

    /// Enter Orders within this many ticks of the reference price, either side,
    /// so that about half cross.
    static let spreadTicks = 10
    /// Per thousand messages: Enter Order (limit, market hours), Enter Order
    /// (IOC), Cancel Order; the rest of a thousand is cancels.
    static let limitPerMille = 600
    static let immediateOrCancelPerMille = 100
    static let symbols = [
        SymbolConfig(name: "AAPL", tickSize: 100, referencePrice: Price(1_900_000)),
        SymbolConfig(name: "MSFT", tickSize: 100, referencePrice: Price(4_100_000)),
        SymbolConfig(name: "NVDA", tickSize: 100, referencePrice: Price(1_200_000)),
        SymbolConfig(name: "SPY", tickSize: 100, referencePrice: Price(5_600_000)),
    ]
    static let password = SoupBinTCPPassword("exsim")!
    /// Messages each session keeps for a re-login's catch-up: the simulator's
    /// figure, so that the bench sizes its stores as a simulated venue does.
    static let replayStoreMessages = 16_384

    /// The encoded inbound stream: frame `i` is `bytes[ends[i - 1]..<ends[i]]` on `connections[i]`.
    struct Stream {
        var bytes: [UInt8] = []
        var ends: [Int] = []
        var connections: [Int32] = []
        var enters = 0
        var cancels = 0
    }

    static func username(_ connection: Int) -> SoupBinTCPUsername {
        SoupBinTCPUsername("B" + String(connection, radix: 36, uppercase: true))!
    }

    static func token(_ index: Int) -> OUCHToken {
        var text: [UInt8] = Array("G".utf8)
        let digits = Array(String(index).utf8)
        text += Array(repeating: UInt8(ascii: "0"), count: max(0, 12 - digits.count)) + digits
        text += Array(repeating: 0x20, count: OUCHToken.byteCount - text.count)
        return text.withUnsafeBytes { OUCHToken(readingFrom: $0, at: 0) }
    }

    /// Enter and cancel frames, seeded; a cancel names an earlier order of
    /// the same connection (which may have traded or been cancelled already,
    /// as in real flow).
    func makeStream() -> Stream {
        var random = BenchRandom(seed: seed)
        var stream = Stream()
        stream.bytes.reserveCapacity(messageCount * (SoupBinTCP.headerByteCount + OUCHEnterOrder.length))
        stream.ends.reserveCapacity(messageCount)
        stream.connections.reserveCapacity(messageCount)
        var tokensOf: [[Int]] = Array(repeating: [], count: connectionCount)
        let stocks = Self.symbols.map { Alpha8($0.name)! }
        let firm = Alpha4("EXSM")!
        var frame = [UInt8](repeating: 0, count: SoupBinTCP.headerByteCount + OUCHEnterOrder.length)
        for index in 0..<messageCount {
            let connection = random.below(connectionCount)
            let roll = random.below(1000)
            let length: Int
            if roll >= Self.limitPerMille + Self.immediateOrCancelPerMille, !tokensOf[connection].isEmpty {
                let token = tokensOf[connection][random.below(tokensOf[connection].count)]
                let cancel = OUCHCancelOrder(token: Self.token(token), shares: 0)
                length = frame.withUnsafeMutableBytes { buffer in
                    _ = SoupBinTCP.encodeDataHeader(.unsequencedData, payloadByteCount: OUCHCancelOrder.length, into: buffer)
                    return SoupBinTCP.headerByteCount + cancel.encode(into: UnsafeMutableRawBufferPointer(rebasing: buffer[SoupBinTCP.headerByteCount...]))
                }
                stream.cancels += 1
            } else {
                let symbol = random.below(Self.symbols.count)
                let side: OUCHSide = random.below(2) == 0 ? .buy : .sell
                let offset = Int64(random.below(Self.spreadTicks + 1)) * (side == .buy ? -1 : 1) + Int64(side == .buy ? 2 : -2)
                let price = Self.symbols[symbol].referencePrice.rawValue + offset * Self.symbols[symbol].tickSize
                let order = OUCHEnterOrder(
                    token: Self.token(index), side: side, shares: UInt32(100 * (1 + random.below(10))), stock: stocks[symbol],
                    price: UInt32(price), timeInForce: roll < Self.limitPerMille ? .marketHours : .immediateOrCancel,
                    firm: firm, display: UInt8(ascii: "Y"), capacity: UInt8(ascii: "A"),
                    intermarketSweepEligibility: UInt8(ascii: "N"), minimumQuantity: 0, crossType: UInt8(ascii: "N"),
                    customerType: UInt8(ascii: " "))
                length = frame.withUnsafeMutableBytes { buffer in
                    _ = SoupBinTCP.encodeDataHeader(.unsequencedData, payloadByteCount: OUCHEnterOrder.length, into: buffer)
                    return SoupBinTCP.headerByteCount + order.encode(into: UnsafeMutableRawBufferPointer(rebasing: buffer[SoupBinTCP.headerByteCount...]))
                }
                if roll < Self.limitPerMille {
                    // Keep the last few resting candidates per connection as cancel targets.
                    if tokensOf[connection].count == 64 { tokensOf[connection].removeFirst() }
                    tokensOf[connection].append(index)
                }
                stream.enters += 1
            }
            stream.bytes.append(contentsOf: frame[0..<length])
            stream.ends.append(stream.bytes.count)
            stream.connections.append(Int32(connection))
        }
        return stream
    }

    /// A gateway with every connection logged in and the market open.
    func makeGateway() -> VenueGateway {
        var gateway = VenueGateway(configuration: .init(
            name: "XBENCH", symbols: Self.symbols, selfTradePrevention: .none, feedSession: MoldUDP64SessionID("XBENCH")!))
        var outputs = GatewayOutputs()
        for connection in 0..<connectionCount {
            let id = gateway.addConnection(
                .ouch42(.init(session: SoupBinTCPSessionName("XBENCH")!, username: Self.username(connection), password: Self.password,
                              storedMessageLimit: Self.replayStoreMessages)),
                participant: ParticipantID(UInt32(connection + 1)))
            precondition(Int(id) == connection, "connections are numbered from 0")
        }
        gateway.open(nowNs: 0, outputs: &outputs)
        var login = [UInt8](repeating: 0, count: SoupBinTCPLoginRequest.encodedByteCount)
        for connection in 0..<connectionCount {
            gateway.connectionOpened(Int32(connection), nowNs: 0, outputs: &outputs)
            login.withUnsafeMutableBytes { buffer in
                _ = SoupBinTCPLoginRequest(username: Self.username(connection), password: Self.password,
                                           requestedSession: .blank, requestedSequenceNumber: 0).encode(into: buffer)
            }
            login.withUnsafeBytes { gateway.received($0, on: Int32(connection), nowNs: 0, outputs: &outputs) }
            precondition(!gateway.isClosed(Int32(connection)), "the bench's login was refused")
        }
        return gateway
    }

    struct Tally {
        var outboundBytes = 0
        var feedPackets = 0
        var requests: UInt64 = 0
        var trades: UInt64 = 0
    }

    /// Feeds every frame, one `received` call each, 1 µs of driver clock
    /// apart, emptying the outputs after each as a driver would.
    static func drive(_ gateway: inout VenueGateway, _ stream: Stream, outputs: inout GatewayOutputs) -> Tally {
        var tally = Tally()
        stream.bytes.withUnsafeBytes { bytes in
            var start = 0
            for index in 0..<stream.ends.count {
                let end = stream.ends[index]
                gateway.received(UnsafeRawBufferPointer(rebasing: bytes[start..<end]), on: stream.connections[index],
                                 nowNs: 1_000 * Int64(index + 1), outputs: &outputs)
                for connection in outputs.touched { tally.outboundBytes &+= outputs.connections[Int(connection)].bytes.count }
                tally.feedPackets &+= outputs.feedPackets.count
                outputs.removeAll()
                InjectedDelay.perMessage()
                start = end
            }
        }
        tally.requests = gateway.statistics.requests
        tally.trades = gateway.statistics.trades
        return tally
    }
}
