import MatchingEngine
import Testing
import Wire
@testable import Exchange

/// One FIX message as the tests read it: tag=value pairs in wire order.
struct FIXWireMessage: CustomStringConvertible {
    var fields: [(tag: Int, value: String)]

    init(_ bytes: some Collection<UInt8>) {
        fields = bytes.split(separator: 0x01).map { field in
            let parts = field.split(separator: 0x3D, maxSplits: 1, omittingEmptySubsequences: false)
            let tag = Int(String(decoding: parts[0], as: UTF8.self)) ?? -1
            return (tag, parts.count > 1 ? String(decoding: parts[1], as: UTF8.self) : "")
        }
    }

    subscript(tag: Int) -> String? { fields.first { $0.tag == tag }?.value }
    var msgType: String { self[35] ?? "" }
    func has(_ tag: Int) -> Bool { self[tag] != nil }
    var description: String { fields.map { "\($0.tag)=\($0.value)" }.joined(separator: "|") }
}

/// A venue (engine + desk + one FIXPort per participant) and the
/// participants' FIXClients, wired back to back on a virtual clock: every
/// message is delivered at once, one by one, as a driver would.
struct FIXVenueHarness {
    static let symbols = [
        SymbolConfig(name: "AAPL", tickSize: 100, referencePrice: 1_900_000),
        SymbolConfig(name: "MSFT", tickSize: 100, referencePrice: 4_000_000),
    ]
    static let aapl = SymbolIndex(0)
    /// Known to the clients only.
    static let unknownToVenue = SymbolIndex(2)

    let version: FIXVersion
    var engine = MatchingEngine(symbols: FIXVenueHarness.symbols)
    var desk = OrderEntryDesk()
    var ports: [FIXPort] = []
    var clients: [FIXClient] = []
    var deskSessions: [Int32] = []
    var portTimersNs: [Int64?] = []
    var clientTimersNs: [Int64?] = []
    var portClosed: [String?] = []
    var clientClosed: [String?] = []
    var toClient: [[FIXWireMessage]] = []
    var toVenue: [[FIXWireMessage]] = []
    var clientEvents: [[OrderEntryClientEvent]] = []
    var engineEvents: [EngineEvent] = []
    var nowNs: Int64 = 0
    /// Messages lost on the way, as on a connection about to die: the
    /// venue's to its clients, and the clients' to the venue.
    var losesToClient = false
    var losesToVenue = false
    /// Loses only the clients' messages this picks.
    var losesToVenueWhen: ((FIXWireMessage) -> Bool)? = nil
    /// The venue's messages of one output reach the client in one read, as
    /// one TCP segment carries them (a Logon reply and the reports kept
    /// for the session), instead of one read each.
    var deliversOutputInOneRead = false

    init(version: FIXVersion, participants: Int = 2, heartbeatSeconds: Int = 30, resendsUnanswered: Bool = false) {
        self.version = version
        let venueDirectory = SymbolDirectory(symbols: Self.symbols)
        let clientDirectory = SymbolDirectory(names: venueDirectory.names + [Alpha8("ZZZZ")!])
        for index in 0..<participants {
            let firm = FIXString("FIRM\(index)")!
            ports.append(FIXPort(directory: venueDirectory, session: FIXSessionConfiguration(
                role: .acceptor, version: version, senderCompID: "EXSIM", targetCompID: firm,
                username: "user", password: "secret")))
            clients.append(FIXClient(directory: clientDirectory, session: FIXSessionConfiguration(
                role: .initiator, version: version, senderCompID: firm, targetCompID: "EXSIM",
                heartbeatIntervalSeconds: heartbeatSeconds, username: "user", password: "secret"),
                resendsUnanswered: resendsUnanswered))
            // As a VenueGateway keeping finished FIX orders registers a FIX session.
            deskSessions.append(desk.addSession(participant: ParticipantID(UInt32(index + 1)), keepsFinishedOrders: true))
        }
        portTimersNs = Array(repeating: nil, count: participants)
        clientTimersNs = portTimersNs
        portClosed = Array(repeating: nil, count: participants)
        clientClosed = portClosed
        toClient = Array(repeating: [], count: participants)
        toVenue = toClient
        clientEvents = Array(repeating: [], count: participants)
    }

    /// Opens every connection and logs every client on.
    mutating func connectAll() {
        for index in ports.indices { connect(index) }
    }

    /// Opens participant `index`'s connection; its client logs on.
    mutating func connect(_ index: Int) {
        var output = ConnectionOutput()
        ports[index].connectionOpened(nowNs: nowNs, output: &output)
        applyPort(index, output)
        output = ConnectionOutput()
        clients[index].connectionOpened(nowNs: nowNs, output: &output)
        applyClient(index, output)
    }

    mutating func send(_ request: OrderEntryRequest, from index: Int) {
        var output = ConnectionOutput()
        clients[index].send(request, nowNs: nowNs, output: &output)
        applyClient(index, output)
    }

    mutating func takeEvents(_ index: Int) -> [OrderEntryClientEvent] {
        defer { clientEvents[index].removeAll() }
        return clientEvents[index]
    }

    /// Messages the venue sent to participant `index` since the last call.
    mutating func takeToClient(_ index: Int) -> [FIXWireMessage] {
        defer { toClient[index].removeAll() }
        return toClient[index]
    }

    mutating func takeToVenue(_ index: Int) -> [FIXWireMessage] {
        defer { toVenue[index].removeAll() }
        return toVenue[index]
    }

    /// The venue's gateway restarts without its sessions' state: participant
    /// `index`'s connection dies, its port loses its session, and the
    /// client connects and logs on again.
    mutating func restartWithoutState(_ index: Int, whileAway: (inout FIXVenueHarness) -> Void = { _ in }) {
        ports[index].connectionClosed()
        ports[index].loseSessionState()
        clients[index].connectionClosed()
        whileAway(&self)
        connect(index)
    }

    /// Raw bytes into port `index`, as if its client had written them.
    mutating func inject(_ bytes: [UInt8], into index: Int) {
        deliverToPort(index, bytes)
    }

    /// Fires due timers, earliest first, until `targetNs`.
    mutating func advance(to targetNs: Int64) {
        // Bounded: every firing moves time forward or disarms a timer.
        for _ in 0..<100_000 {
            var earliest: (timeNs: Int64, index: Int, isPort: Bool)? = nil
            for index in ports.indices {
                if portClosed[index] == nil, let time = portTimersNs[index], time <= targetNs,
                   time < earliest?.timeNs ?? .max { earliest = (time, index, true) }
                if clientClosed[index] == nil, let time = clientTimersNs[index], time <= targetNs,
                   time < earliest?.timeNs ?? .max { earliest = (time, index, false) }
            }
            guard let (time, index, isPort) = earliest else { break }
            nowNs = max(nowNs, time)
            var output = ConnectionOutput()
            if isPort {
                portTimersNs[index] = nil
                ports[index].timerFired(nowNs: nowNs, output: &output)
                applyPort(index, output)
            } else {
                clientTimersNs[index] = nil
                clients[index].timerFired(nowNs: nowNs, output: &output)
                applyClient(index, output)
            }
        }
        nowNs = targetNs
    }

    /// Closes every symbol (day orders are cancelled and reported), then logs every port out.
    mutating func endOfDay() {
        let first = engineEvents.count
        for symbol in Self.symbols.indices {
            engine.setPhase(.closed, symbol: SymbolIndex(Int32(symbol)), events: &engineEvents)
        }
        var reports: [OrderEntryDesk.AddressedReport] = []
        desk.absorbUnsolicited(engineEvents, from: first, reports: &reports)
        route(reports)
        for index in ports.indices {
            var output = ConnectionOutput()
            ports[index].endOfDay(nowNs: nowNs, output: &output)
            applyPort(index, output)
        }
    }

    // MARK: Delivery

    mutating func applyClient(_ index: Int, _ output: ConnectionOutput) {
        if let time = output.timerAtNs { clientTimersNs[index] = time }
        for message in 0..<output.messageCount where !losesToVenue {
            let bytes = Array(output.bytes[output.messageRange(message)])
            if losesToVenueWhen?(FIXWireMessage(bytes)) == true { continue }
            toVenue[index].append(FIXWireMessage(bytes))
            deliverToPort(index, bytes)
        }
        if let reason = output.closeReason { clientClosed[index] = reason }
    }

    mutating func applyPort(_ index: Int, _ output: ConnectionOutput) {
        if let time = output.timerAtNs { portTimersNs[index] = time }
        var read: [UInt8] = []
        for message in 0..<output.messageCount where !losesToClient {
            let bytes = Array(output.bytes[output.messageRange(message)])
            toClient[index].append(FIXWireMessage(bytes))
            if deliversOutputInOneRead { read += bytes } else { deliverToClient(index, bytes) }
        }
        if !read.isEmpty { deliverToClient(index, read) }
        if let reason = output.closeReason { portClosed[index] = reason }
    }

    mutating func deliverToPort(_ index: Int, _ bytes: [UInt8]) {
        guard portClosed[index] == nil else { return }
        var requests: [OrderEntryRequest] = []
        var output = ConnectionOutput()
        bytes.withUnsafeBytes { ports[index].received($0, nowNs: nowNs, requests: &requests, output: &output) }
        applyPort(index, output)
        for request in requests {
            var reports: [OrderEntryDesk.AddressedReport] = []
            desk.handle(request, from: deskSessions[index], engine: &engine, events: &engineEvents, reports: &reports)
            route(reports)
        }
    }

    mutating func route(_ reports: [OrderEntryDesk.AddressedReport]) {
        for addressed in reports {
            let index = deskSessions.firstIndex(of: addressed.session)!
            var output = ConnectionOutput()
            ports[index].send(addressed.report, nowNs: nowNs, output: &output)
            applyPort(index, output)
        }
    }

    mutating func deliverToClient(_ index: Int, _ bytes: [UInt8]) {
        guard clientClosed[index] == nil else { return }
        var events: [OrderEntryClientEvent] = []
        var output = ConnectionOutput()
        bytes.withUnsafeBytes { clients[index].received($0, nowNs: nowNs, events: &events, output: &output) }
        clientEvents[index].append(contentsOf: events)
        applyClient(index, output)
    }
}

func clOrdID(_ text: String) -> ClientOrderID { ClientOrderID(text)! }

func limitOrder(
    _ id: String, _ side: Side, price: Int64, quantity: Int64, timeInForce: TimeInForce = .day,
    symbol: SymbolIndex = FIXVenueHarness.aapl, postOnly: Bool = false
) -> OrderEntryRequest {
    .new(NewOrderRequest(clientID: clOrdID(id), symbol: symbol, side: side, timeInForce: timeInForce,
                         price: Price(price), quantity: Quantity(quantity), postOnly: postOnly))
}
