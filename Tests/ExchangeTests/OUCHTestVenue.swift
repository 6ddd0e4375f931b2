import MatchingEngine
import Testing
import Wire
@testable import Exchange

/// A venue with one engine and one desk, and two participants, each an
/// `OUCHClient` connected to its own `OUCHPort`, driven on a virtual clock:
/// the test is the driver that carries bytes, timers and closes. Every
/// message either side writes is decoded with the Wire types and kept.
struct OUCHTestVenue {
    static let symbols = [SymbolConfig(name: "AAPL", tickSize: 100, referencePrice: 1_900_000),
                          SymbolConfig(name: "MSFT", tickSize: 100, referencePrice: 4_000_000)]
    static let startOfDayNs: Int64 = 34_200_000_000_000
    static let usernames = ["ALICE", "BOB"]

    var engine = MatchingEngine(symbols: OUCHTestVenue.symbols)
    var desk = OrderEntryDesk()
    let directory = SymbolDirectory(symbols: OUCHTestVenue.symbols)
    var ports: [OUCHPort] = []
    var clients: [OUCHClient] = []
    var sessions: [Int32] = []
    var nowNs: Int64 = 0
    var connected = [false, false]
    var portTimerNs: [Int64?] = [nil, nil]
    var clientTimerNs: [Int64?] = [nil, nil]
    var portCloseReason: [String?] = [nil, nil]
    var clientCloseReason: [String?] = [nil, nil]

    /// OUCH messages each client received in Sequenced Data, in order.
    var wire: [[OUCHOutboundMessage]] = [[], []]
    /// SoupBinTCP packet types each port wrote.
    var venuePacketTypes: [[UInt8]] = [[], []]
    /// SoupBinTCP packet types each client wrote (raw bytes sent by a test excluded).
    var clientPacketTypes: [[UInt8]] = [[], []]
    /// OUCH messages each client sent.
    var sent: [[OUCHInboundMessage]] = [[], []]
    var events: [[OrderEntryClientEvent]] = [[], []]
    /// Splits deliveries into random chunks when set.
    var chunking: SplitMix64? = nil
    /// A connection that lost what the client writes, or what the port
    /// writes, without either end knowing: the bytes are recorded and lost.
    var lostToPort = [false, false]
    var lostToClient = [false, false]

    var engineEvents: [EngineEvent] = []
    var reports: [OrderEntryDesk.AddressedReport] = []

    init(passwords: [String] = ["alice", "bob"], resendsUnanswered: Bool = false) {
        for index in 0..<2 {
            sessions.append(desk.addSession(participant: ParticipantID(UInt32(index + 1))))
            let username = SoupBinTCPUsername(Self.usernames[index])!
            ports.append(OUCHPort(directory: directory, session: SoupBinTCPServerSession.Configuration(
                session: SoupBinTCPSessionName("OUCH\(index)")!, username: username,
                password: SoupBinTCPPassword(["alice", "bob"][index])!)))
            clients.append(OUCHClient(directory: directory, session: SoupBinTCPClientSession.Configuration(
                username: username, password: SoupBinTCPPassword(passwords[index])!), resendsUnanswered: resendsUnanswered))
        }
    }

    // MARK: Driving

    mutating func connect(_ index: Int) {
        connected[index] = true
        portCloseReason[index] = nil
        clientCloseReason[index] = nil
        var portOutput = ConnectionOutput()
        ports[index].connectionOpened(nowNs: nowNs, output: &portOutput)
        deliverToClient(index, portOutput)
        var clientOutput = ConnectionOutput()
        clients[index].connectionOpened(nowNs: nowNs, output: &clientOutput)
        deliverToPort(index, clientOutput)
    }

    mutating func connectBoth() {
        connect(0)
        connect(1)
    }

    /// The client sends a request through its `OUCHClient`.
    mutating func send(_ index: Int, _ request: OrderEntryRequest) {
        var output = ConnectionOutput()
        clients[index].send(request, nowNs: nowNs, output: &output)
        deliverToPort(index, output)
    }

    /// Bytes written straight onto the client's connection, bypassing its `OUCHClient`.
    mutating func sendRaw(_ index: Int, _ bytes: [UInt8]) {
        var output = ConnectionOutput()
        output.appendMessage(bytes)
        deliverToPort(index, output, recordClientPackets: false)
    }

    /// An OUCH inbound message framed as Unsequenced Data, bypassing the client.
    mutating func sendRaw(_ index: Int, _ message: OUCHInboundMessage) {
        sendRaw(index, Self.unsequenced(message))
    }

    static func unsequenced(_ message: OUCHInboundMessage) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: 3 + message.encodedLength)
        bytes.withUnsafeMutableBytes { frame in
            SoupBinTCP.encodeDataHeader(.unsequencedData, payloadByteCount: message.encodedLength, into: frame)
            message.encode(into: UnsafeMutableRawBufferPointer(rebasing: frame[3...]))
        }
        return bytes
    }

    mutating func deliverToPort(_ index: Int, _ output: ConnectionOutput, recordClientPackets: Bool = true) {
        if let atNs = output.timerAtNs { clientTimerNs[index] = atNs }
        if let reason = output.closeReason { clientCloseReason[index] = reason }
        if recordClientPackets {
            for message in 0..<output.messageCount {
                output.bytes[output.messageRange(message)].withUnsafeBytes { frame in
                    guard let packet = try? SoupBinTCPPacketView(decodingFrame: frame) else { return }
                    clientPacketTypes[index].append(packet.typeByte)
                    if packet.typeByte == SoupBinTCPPacketType.unsequencedData.rawValue,
                       let decoded = try? OUCHInboundMessage(decoding: packet.payload) {
                        sent[index].append(decoded)
                    }
                }
            }
        }
        guard connected[index], !lostToPort[index] else { return }
        var requests: [OrderEntryRequest] = []
        var portOutput = ConnectionOutput()
        for chunk in chunks(output.bytes) {
            output.bytes[chunk].withUnsafeBytes { bytes in
                ports[index].received(bytes, nowNs: nowNs, desk: &desk, session: sessions[index], requests: &requests,
                                      output: &portOutput)
            }
            if portOutput.closeReason != nil { break }
        }
        deliverToClient(index, portOutput)
        for request in requests {
            reports.removeAll()
            engineEvents.removeAll()
            desk.handle(request, from: sessions[index], engine: &engine, events: &engineEvents, reports: &reports)
            route(reports)
        }
        if output.closeReason != nil { disconnect(index) }
    }

    /// Hands desk reports to the ports of the sessions they are for.
    mutating func route(_ reports: [OrderEntryDesk.AddressedReport]) {
        for addressed in reports {
            let index = Int(addressed.session)
            var output = ConnectionOutput()
            ports[index].send(addressed.report, nowNs: nowNs, desk: desk, deskSession: addressed.session, output: &output)
            deliverToClient(index, output)
        }
    }

    mutating func deliverToClient(_ index: Int, _ output: ConnectionOutput) {
        if let atNs = output.timerAtNs { portTimerNs[index] = atNs }
        if let reason = output.closeReason { portCloseReason[index] = reason }
        for message in 0..<output.messageCount {
            output.bytes[output.messageRange(message)].withUnsafeBytes { frame in
                guard let packet = try? SoupBinTCPPacketView(decodingFrame: frame) else {
                    Issue.record("the port wrote a message that is not one SoupBinTCP packet")
                    return
                }
                venuePacketTypes[index].append(packet.typeByte)
                if packet.typeByte == SoupBinTCPPacketType.sequencedData.rawValue {
                    do {
                        wire[index].append(try OUCHOutboundMessage(decoding: packet.payload))
                    } catch {
                        Issue.record("the port sent a malformed OUCH message: \(error)")
                    }
                }
            }
        }
        guard connected[index], !lostToClient[index] else { return }
        var clientOutput = ConnectionOutput()
        for chunk in chunks(output.bytes) {
            output.bytes[chunk].withUnsafeBytes { bytes in
                clients[index].received(bytes, nowNs: nowNs, events: &events[index], output: &clientOutput)
            }
            if clientOutput.closeReason != nil { break }
        }
        if !clientOutput.isEmpty { deliverToPort(index, clientOutput) }
        if output.closeReason != nil { disconnect(index) }
    }

    /// The driver closes the TCP connection: both ends learn of it.
    mutating func disconnect(_ index: Int) {
        guard connected[index] else { return }
        connected[index] = false
        lostToPort[index] = false
        lostToClient[index] = false
        ports[index].connectionClosed()
        clients[index].connectionClosed()
        portTimerNs[index] = nil
        clientTimerNs[index] = nil
    }

    mutating func chunks(_ bytes: [UInt8]) -> [Range<Int>] {
        guard var random = chunking, !bytes.isEmpty else { return [0..<bytes.count] }
        var ranges: [Range<Int>] = []
        var start = 0
        while start < bytes.count {
            let end = min(bytes.count, start + 1 + random.below(40))
            ranges.append(start..<end)
            start = end
        }
        chunking = random
        return ranges
    }

    /// Moves the clock to `timeNs`, firing every due timer in time order;
    /// `muted` clients stop sending (their timers do not fire).
    mutating func advance(to timeNs: Int64, muted: Set<Int> = []) {
        precondition(timeNs >= nowNs)
        for _ in 0..<10_000 {
            var next: (Int64, Int, Bool)? = nil
            for index in 0..<2 where connected[index] {
                if let at = portTimerNs[index], at <= timeNs, next.map({ at < $0.0 }) ?? true { next = (at, index, true) }
                if !muted.contains(index), let at = clientTimerNs[index], at <= timeNs, next.map({ at < $0.0 }) ?? true {
                    next = (at, index, false)
                }
            }
            guard let (atNs, index, isPort) = next else { break }
            nowNs = max(nowNs, atNs)
            if isPort {
                portTimerNs[index] = nil
                var output = ConnectionOutput()
                ports[index].timerFired(nowNs: nowNs, output: &output)
                deliverToClient(index, output)
            } else {
                clientTimerNs[index] = nil
                var output = ConnectionOutput()
                clients[index].timerFired(nowNs: nowNs, output: &output)
                deliverToPort(index, output)
            }
        }
        nowNs = timeNs
    }

    /// Forgets what was captured so far.
    mutating func clearCapture() {
        wire = [[], []]
        venuePacketTypes = [[], []]
        clientPacketTypes = [[], []]
        sent = [[], []]
        events = [[], []]
    }

    // MARK: Checks

    /// The desk, the engine, the ports and the clients agree.
    func checkConsistency(_ comment: Comment? = nil) {
        #expect(engine.checkInvariants().isEmpty, comment)
        desk.checkInvariants()
        for index in 0..<2 {
            ports[index].checkInvariants()
            clients[index].checkInvariants()
        }
        for (id, record) in desk.orders {
            #expect(engine.openQuantity(of: id) == record.state.openQuantity, comment)
            let index = Int(record.session)
            if connected[index] && clients[index].isLoggedIn {
                #expect(clients[index].openQuantity(of: record.state.clientID) == record.state.openQuantity,
                        "client \(index)'s view of \(record.state.clientID): \(comment?.description ?? "")")
            }
        }
    }

    // MARK: Requests and expected messages

    var timestampNs: UInt64 { UInt64(nowNs + Self.startOfDayNs) }

    static func limit(
        _ id: String, _ side: Side, price: Int64, quantity: Int64, symbol: Int32 = 0,
        tif: TimeInForce = .day, type: OrderType = .limit, postOnly: Bool = false
    ) -> OrderEntryRequest {
        .new(NewOrderRequest(clientID: clientID(id), symbol: SymbolIndex(symbol), side: side, type: type, timeInForce: tif,
                             price: Price(price), quantity: Quantity(quantity), postOnly: postOnly))
    }

    static func enter(
        _ token: String, side: OUCHSide = .buy, shares: UInt32 = 100, stock: String = "AAPL", price: UInt32 = 1_900_000,
        tif: OUCHTimeInForce = .marketHours, display: UInt8 = UInt8(ascii: "Y"), minimumQuantity: UInt32 = 0,
        crossType: UInt8 = UInt8(ascii: "N")
    ) -> OUCHInboundMessage {
        .enterOrder(OUCHEnterOrder(
            token: OUCHToken(token)!, side: side, shares: shares, stock: Alpha8(stock)!, price: price, timeInForce: tif,
            firm: .blank, display: display, capacity: UInt8(ascii: "A"), intermarketSweepEligibility: UInt8(ascii: "N"),
            minimumQuantity: minimumQuantity, crossType: crossType, customerType: 0x20))
    }

    /// The Accepted this venue sends for an order entered by `OUCHClient`.
    func accepted(
        _ token: String, side: OUCHSide, shares: UInt32, price: UInt32, reference: UInt64, stock: String = "AAPL",
        tif: OUCHTimeInForce = .marketHours, display: UInt8 = UInt8(ascii: "Y"), minimumQuantity: UInt32 = 0
    ) -> OUCHOutboundMessage {
        .accepted(OUCHAccepted(
            timestampNs: timestampNs, token: OUCHToken(token)!, side: side, shares: shares, stock: Alpha8(stock)!,
            price: price, timeInForce: tif, firm: .blank, display: display, orderReferenceNumber: reference,
            capacity: UInt8(ascii: "A"), intermarketSweepEligibility: UInt8(ascii: "N"), minimumQuantity: minimumQuantity,
            crossType: UInt8(ascii: "N"), orderState: UInt8(ascii: "L"), bboWeightIndicator: 0x20))
    }

    func executed(_ token: String, shares: UInt32, price: UInt32, flag: Character, match: UInt64) -> OUCHOutboundMessage {
        .executed(OUCHExecuted(timestampNs: timestampNs, token: OUCHToken(token)!, executedShares: shares,
                               executionPrice: price, liquidityFlag: flag.asciiValue!, matchNumber: match))
    }

    func canceled(_ token: String, decrement: UInt32, reason: Character) -> OUCHOutboundMessage {
        .canceled(OUCHCanceled(timestampNs: timestampNs, token: OUCHToken(token)!, decrementShares: decrement,
                               reason: reason.asciiValue!))
    }

    func rejected(_ token: String, reason: Character) -> OUCHOutboundMessage {
        .rejected(OUCHRejected(timestampNs: timestampNs, token: OUCHToken(token)!, reason: reason.asciiValue!))
    }

    func cancelReject(_ token: String) -> OUCHOutboundMessage {
        .cancelReject(OUCHCancelReject(timestampNs: timestampNs, token: OUCHToken(token)!))
    }
}
