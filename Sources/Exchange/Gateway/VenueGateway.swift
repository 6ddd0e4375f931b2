import MatchingEngine
import Wire

/// A venue as its clients see it: a matching engine behind order-entry ports
/// (OUCH 4.2 over SoupBinTCP, FIX 4.2 and 4.4) and a TotalView-ITCH 5.0 feed
/// over MoldUDP64.
///
/// Sans-I/O and clock-agnostic: bytes and time go in, bytes, packets and
/// timer deadlines come out in `GatewayOutputs`. The simulator's kernel and
/// the live NIO server drive the same gateway.
public struct VenueGateway {
    public struct Configuration: Sendable {
        public var name: String
        public var symbols: [SymbolConfig]
        public var selfTradePrevention: SelfTradePrevention
        public var feedSession: MoldUDP64SessionID
        /// Added to the driver's clock for wire timestamps (nanoseconds since midnight).
        public var startOfDayOffsetNs: Int64
        /// UNIX-epoch nanoseconds of the trading day's midnight, for FIX
        /// SendingTime: the simulator's fixed date, or today when live.
        public var sessionDateEpochNs: Int64
        /// Fold every engine event into `engineEventDigest` (off by default:
        /// it costs a few instructions per event on the hot path).
        public var digestsEngineEvents: Bool
        /// How fast each order-entry session may send requests; faster ones
        /// are refused (`OrderEntryRejectReason.throttled`). nil: no limit.
        public var sessionMessageLimit: MessageRateLimit? = nil
        /// Keep each FIX session's finished orders for the day, so that a
        /// NewOrderSingle sent again (PossResend=Y) is answered with the
        /// order's final status; without it only an open order's status is
        /// known, and a finished one's resend is refused as a duplicate.
        /// Costs a record per order for the day: on where a client may
        /// resend after the venue lost its sessions' state.
        public var keepsFinishedFIXOrders = false

        public init(
            name: String, symbols: [SymbolConfig], selfTradePrevention: SelfTradePrevention = .none,
            feedSession: MoldUDP64SessionID, startOfDayOffsetNs: Int64 = TradingDay.marketOpenNs,
            sessionDateEpochNs: Int64 = TradingDay.sessionDateEpochNs, digestsEngineEvents: Bool = false
        ) {
            self.name = name
            self.symbols = symbols
            self.selfTradePrevention = selfTradePrevention
            self.feedSession = feedSession
            self.startOfDayOffsetNs = startOfDayOffsetNs
            self.sessionDateEpochNs = sessionDateEpochNs
            self.digestsEngineEvents = digestsEngineEvents
        }
    }

    /// The protocol of an order-entry connection and its session settings.
    public enum PortKind: Sendable {
        case ouch42(SoupBinTCPServerSession.Configuration)
        case fix(FIXSessionConfiguration)
    }

    /// Where a connection's port lives. Ports sit in one array per protocol
    /// and are mutated in place there: taking one out of an enum payload
    /// to mutate it would copy its session stores on every message.
    enum PortSlot {
        case ouch(Int)
        case fix(Int)
        /// An ITCH recovery connection: no desk session.
        case recovery(Int)
    }

    public let configuration: Configuration
    public let directory: SymbolDirectory
    public private(set) var engine: MatchingEngine
    var desk = OrderEntryDesk()
    var translator = BookFeedTranslator()
    var feed: ITCHFeedPublisher
    var slots: [PortSlot] = []
    var ouchPorts: [OUCHPort] = []
    var fixPorts: [FIXPort] = []
    var recoveryPorts: [ITCHRecoveryPort] = []
    /// Connections of the recovery ports, to send them what the feed publishes.
    var recoveryConnections: [Int32] = []
    var feedRequestServer: MoldUDP64RequestServer
    /// The desk session of each connection.
    var sessionOfConnection: [Int32] = []
    /// Connections whose port asked to close; their input is ignored.
    var closed: [Bool] = []
    var connectionOfSession: [Int32] = []
    /// By connection, with a `sessionMessageLimit`: its requests' rate so far.
    var throttles: [SessionThrottle] = []
    /// A captured feed's orders, entered by `replayCapturedFeed` through a
    /// desk session with no connection; nil until the first message.
    var feedReplay: CapturedFeedReplay?
    var feedReplaySession: Int32 = -1

    // Scratch, reused across calls so that the hot path does not allocate.
    var requests: [OrderEntryRequest] = []
    var engineEvents: [EngineEvent] = []
    var reports: [OrderEntryDesk.AddressedReport] = []
    var updates: [BookFeedUpdate] = []

    /// What the venue has done since it started.
    public private(set) var statistics = Statistics()
    /// Every engine event of the requests and phase changes carried out,
    /// when the configuration asks for it; nil otherwise.
    public private(set) var engineEventDigest: EngineEventDigest?

    public struct Statistics: Hashable, Sendable {
        /// Requests carried out (new orders, cancels, replaces).
        public var requests: UInt64 = 0
        /// Requests refused for coming faster than `sessionMessageLimit`.
        public var requestsThrottled: UInt64 = 0
        /// Whole order-entry messages received (SoupBinTCP packets, FIX
        /// messages, the ITCH recovery service's excluded).
        public var messagesIn: UInt64 = 0
        public var engineEvents: UInt64 = 0
        public var trades: UInt64 = 0
        public var executedQuantity: Int64 = 0
        public var bookChanges: UInt64 = 0
        public var phaseChanges: UInt64 = 0
    }

    public init(configuration: Configuration) {
        self.configuration = configuration
        if configuration.digestsEngineEvents { engineEventDigest = EngineEventDigest() }
        directory = SymbolDirectory(symbols: configuration.symbols)
        engine = MatchingEngine(symbols: configuration.symbols)
        feed = ITCHFeedPublisher(symbols: directory.names, session: configuration.feedSession,
                                 startOfDayOffsetNs: configuration.startOfDayOffsetNs)
        feedRequestServer = MoldUDP64RequestServer(session: configuration.feedSession)
        // An empty array shares the runtime's empty buffer, which is never
        // uniquely referenced: every in-place access to a port list with no
        // ports yet (a venue without FIX connections) copied it per report.
        ouchPorts.reserveCapacity(1)
        fixPorts.reserveCapacity(1)
        recoveryPorts.reserveCapacity(1)
    }

    public var connectionCount: Int { slots.count }

    /// Whether a connection was closed by its port (logout, end of session,
    /// a protocol violation). A driver drops what still arrives on it.
    public func isClosed(_ connection: Int32) -> Bool { closed[Int(connection)] }
    /// `endOfDay` has run: instructions are no longer carried out.
    public private(set) var dayHasEnded = false
    /// Messages the port of `connection` has numbered for its client: the
    /// SoupBinTCP sequenced stream, or every FIX message; 0 for a feed recovery connection.
    public func messagesNumbered(on connection: Int32) -> UInt64 {
        switch slots[Int(connection)] {
        case .ouch(let index): ouchPorts[index].messagesNumbered
        case .fix(let index): fixPorts[index].messagesNumbered
        case .recovery: 0
        }
    }
    public var feedMessageCount: UInt64 { feed.messageCount }

    /// Adds an order-entry connection for `participant`; returns its number.
    /// Self-trade prevention compares participants, not connections.
    public mutating func addConnection(_ kind: PortKind, participant: ParticipantID) -> Int32 {
        switch kind {
        case .ouch42(let session):
            slots.append(.ouch(ouchPorts.count))
            ouchPorts.append(OUCHPort(directory: directory, session: session,
                                      startOfDayOffsetNs: configuration.startOfDayOffsetNs))
        case .fix(let session):
            slots.append(.fix(fixPorts.count))
            fixPorts.append(FIXPort(directory: directory, session: session,
                                    startOfDayOffsetNs: configuration.startOfDayOffsetNs,
                                    sessionDateEpochNs: configuration.sessionDateEpochNs))
        }
        // A FIX client may send a new order again, PossResend=Y, and is then
        // told the order's status, finished or not.
        let isFIX = if case .fix = kind { true } else { false }
        let session = desk.addSession(participant: participant,
                                      keepsFinishedOrders: isFIX && configuration.keepsFinishedFIXOrders)
        if configuration.selfTradePrevention != .none {
            engine.setSelfTradePrevention(configuration.selfTradePrevention, for: participant)
        }
        let connection = Int32(slots.count - 1)
        sessionOfConnection.append(session)
        closed.append(false)
        if let limit = configuration.sessionMessageLimit {
            while throttles.count < slots.count { throttles.append(SessionThrottle(limit: limit)) }
        }
        while connectionOfSession.count <= Int(session) { connectionOfSession.append(-1) }
        connectionOfSession[Int(session)] = connection
        return connection
    }

    /// Adds a connection to the ITCH recovery service (ITCH over SoupBinTCP,
    /// replaying the feed from any retained sequence number).
    public mutating func addRecoveryConnection(username: SoupBinTCPUsername, password: SoupBinTCPPassword) -> Int32 {
        let session = SoupBinTCPSessionName(configuration.feedSession.description) ?? .blank
        slots.append(.recovery(recoveryPorts.count))
        recoveryPorts.append(ITCHRecoveryPort(session: session, username: username, password: password))
        sessionOfConnection.append(-1)
        closed.append(false)
        let connection = Int32(slots.count - 1)
        recoveryConnections.append(connection)
        return connection
    }

    /// A MoldUDP64 re-request datagram: the answer packets, to be sent back to
    /// the requester, go to `outputs.feedRetransmissions`. Malformed, foreign
    /// or unservable requests get no answer, as the protocol has none.
    public mutating func receivedFeedRequest(_ datagram: UnsafeRawBufferPointer, outputs: inout GatewayOutputs) {
        for action in feedRequestServer.received(datagram, store: feed.publisher.store) {
            if case .send(let packet) = action { outputs.feedRetransmissions.append(packet) }
        }
    }

    /// Opens the market: every symbol continuous, and the feed's start of day.
    public mutating func open(nowNs: Int64, outputs: inout GatewayOutputs) {
        outputs.ensureCapacity(connections: slots.count)
        engineEvents.removeAllReusingCapacity()
        for index in 0..<configuration.symbols.count {
            engine.setPhase(.continuous, symbol: SymbolIndex(Int32(index)), events: &engineEvents)
        }
        let phases = (0..<configuration.symbols.count).map { engine.phase(of: SymbolIndex(Int32($0))) }
        outputs.absorb(feed.start(phases: phases, nowNs: nowNs))
        // The start of day leaves at once: a feed handler that joins at the
        // open sees the directory before the first order, not with it.
        feed.flush(nowNs: nowNs, sendingTo: &outputs)
    }

    /// A transport connection for `connection` opened: the first, or a
    /// reconnect after `connectionClosed`, which continues the port's
    /// session (its sequence numbers, and the reports kept while away).
    public mutating func connectionOpened(_ connection: Int32, nowNs: Int64, outputs: inout GatewayOutputs) {
        outputs.ensureCapacity(connections: slots.count)
        closed[Int(connection)] = false
        outputs.withOutput(of: connection) { output in
            switch slots[Int(connection)] {
            case .ouch(let index): ouchPorts[index].connectionOpened(nowNs: nowNs, output: &output)
            case .recovery(let index): recoveryPorts[index].connectionOpened(nowNs: nowNs, output: &output)
            case .fix(let index): fixPorts[index].connectionOpened(nowNs: nowNs, output: &output)
            }
        }
        noteClosures(in: &outputs)
    }

    /// The transport connection of `connection` went away, closed by either
    /// side. The port keeps its desk session, its orders and its session
    /// state: reports for it are kept (FIX: numbered in the outbound store,
    /// SoupBinTCP: sequenced in the replay store) for the next login of the
    /// same account, which `connectionOpened` starts.
    public mutating func connectionClosed(_ connection: Int32) {
        closed[Int(connection)] = true
        switch slots[Int(connection)] {
        case .ouch(let index): ouchPorts[index].connectionClosed()
        case .fix(let index): fixPorts[index].connectionClosed()
        case .recovery: break
        }
    }

    /// The gateway came back without its session state (a restart with no
    /// journal to recover from): every order-entry port starts its session
    /// again, OUCH as a new SoupBinTCP session numbered from 1 under a new
    /// name, FIX with a sequence reset at the next Logon, and what the
    /// ports had stored for their clients is gone. A connection still open
    /// is closed first. The books, the orders and the desk's tokens and
    /// ClOrdIDs stay: the matching engine behind the gateway keeps them.
    public mutating func loseSessionState() {
        for connection in slots.indices {
            if case .recovery = slots[connection] { continue }
            if !closed[connection] { connectionClosed(Int32(connection)) }
            switch slots[connection] {
            case .ouch(let index): ouchPorts[index].startNewSession()
            case .fix(let index): fixPorts[index].loseSessionState()
            case .recovery: break
            }
        }
    }

    /// Bytes from a client; every whole request in them is carried out.
    public mutating func received(
        _ bytes: UnsafeRawBufferPointer, on connection: Int32, nowNs: Int64, outputs: inout GatewayOutputs
    ) {
        outputs.ensureCapacity(connections: slots.count)
        requests.removeAllReusingCapacity()
        guard !closed[Int(connection)] else { return }
        let session = sessionOfConnection[Int(connection)]
        outputs.withOutput(of: connection) { output in
            switch slots[Int(connection)] {
            case .ouch(let index):
                let before = ouchPorts[index].packetsReceived
                ouchPorts[index].received(bytes, nowNs: nowNs, desk: &desk, session: session, requests: &requests,
                                          output: &output)
                statistics.messagesIn &+= ouchPorts[index].packetsReceived &- before
            case .recovery(let index):
                recoveryPorts[index].received(bytes, nowNs: nowNs, store: feed.publisher.store, output: &output)
            case .fix(let index):
                let before = fixPorts[index].messagesReceived
                fixPorts[index].received(bytes, nowNs: nowNs, requests: &requests, output: &output)
                statistics.messagesIn &+= fixPorts[index].messagesReceived &- before
            }
        }
        if requests.count > 1 { desk.prefetchClientIDs(of: requests, from: session) }
        // After the end of day the venue is closed: an instruction that
        // still arrives (a retransmission the drain did not wait for, on a
        // session whose client never logged out) is not carried out.
        if dayHasEnded { requests.removeAllReusingCapacity() }
        let throttled = configuration.sessionMessageLimit != nil
        for request in requests {
            engineEvents.removeAllReusingCapacity()
            reports.removeAllReusingCapacity()
            if throttled, !throttles[Int(connection)].admit(nowNs: nowNs) {
                desk.refuse(request, from: session, reason: .throttled, reports: &reports)
                statistics.requestsThrottled += 1
            } else {
                desk.handle(request, from: session, engine: &engine, events: &engineEvents, reports: &reports)
                statistics.requests += 1
            }
            settle(nowNs: nowNs, outputs: &outputs)
        }
        noteClosures(in: &outputs)
    }

    /// What a captured feed replayed into this venue did; nil when none was.
    public var feedReplayStatistics: CapturedFeedReplay.Statistics? { feedReplay?.statistics }

    /// One message of a captured ITCH feed: the orders it adds, reduces,
    /// deletes or replaces are carried out now (`CapturedFeedReplay`), in a
    /// desk session of their own trading as `CapturedFeedReplay.participant`,
    /// whose reports go nowhere but into the replay's statistics.
    public mutating func replayCapturedFeed(_ message: UnsafeRawBufferPointer, nowNs: Int64, outputs: inout GatewayOutputs) {
        if feedReplay == nil {
            feedReplay = CapturedFeedReplay(directory: directory)
            feedReplaySession = desk.addSession(participant: CapturedFeedReplay.participant)
            while connectionOfSession.count <= Int(feedReplaySession) { connectionOfSession.append(-1) }
        }
        guard !dayHasEnded else { return }
        outputs.ensureCapacity(connections: slots.count)
        requests.removeAllReusingCapacity()
        let session = feedReplaySession
        // Out of `self` while it reads the desk, so that the two accesses do not overlap.
        var replay = feedReplay.take()!
        replay.requests(for: message, openOrder: { desk.openOrder(session: session, clientID: $0) }, into: &requests)
        // Consumed, not copied: a copy alive beside `feedReplay` would share
        // its sets, and `settle`'s notes would copy them whole, once per order.
        feedReplay = consume replay
        for request in requests {
            engineEvents.removeAllReusingCapacity()
            reports.removeAllReusingCapacity()
            desk.handle(request, from: session, engine: &engine, events: &engineEvents, reports: &reports)
            settle(nowNs: nowNs, outputs: &outputs)
        }
        noteClosures(in: &outputs)
    }

    /// A connection's timer expired.
    public mutating func timerFired(_ connection: Int32, nowNs: Int64, outputs: inout GatewayOutputs) {
        outputs.ensureCapacity(connections: slots.count)
        outputs.withOutput(of: connection) { output in
            switch slots[Int(connection)] {
            case .ouch(let index): ouchPorts[index].timerFired(nowNs: nowNs, output: &output)
            case .recovery(let index): recoveryPorts[index].timerFired(nowNs: nowNs, output: &output)
            case .fix(let index): fixPorts[index].timerFired(nowNs: nowNs, output: &output)
            }
        }
        noteClosures(in: &outputs)
    }

    public mutating func feedTimerFired(nowNs: Int64, outputs: inout GatewayOutputs) {
        outputs.absorb(feed.heartbeatTimerFired(nowNs: nowNs))
    }

    /// Moves a symbol to another phase (halt, reopen with an auction, close).
    public mutating func setPhase(_ phase: TradingPhase, symbol: SymbolIndex, nowNs: Int64, outputs: inout GatewayOutputs) {
        outputs.ensureCapacity(connections: slots.count)
        engineEvents.removeAllReusingCapacity()
        reports.removeAllReusingCapacity()
        engine.setPhase(phase, symbol: symbol, events: &engineEvents)
        desk.absorbUnsolicited(engineEvents, reports: &reports)
        settle(nowNs: nowNs, outputs: &outputs)
        noteClosures(in: &outputs)
    }

    /// Ends the day: order-entry sessions get their end of day, the feed its end of session.
    public mutating func endOfDay(nowNs: Int64, outputs: inout GatewayOutputs) {
        dayHasEnded = true
        outputs.ensureCapacity(connections: slots.count)
        for connection in slots.indices {
            outputs.withOutput(of: Int32(connection)) { output in
                switch slots[connection] {
                case .ouch(let index): ouchPorts[index].endOfDay(nowNs: nowNs, output: &output)
                case .recovery: break
                case .fix(let index): fixPorts[index].endOfDay(nowNs: nowNs, output: &output)
                }
            }
        }
        outputs.absorb(feed.end(nowNs: nowNs))
        feedAdvanced(nowNs: nowNs, outputs: &outputs)
        for (index, connection) in recoveryConnections.enumerated() {
            outputs.withOutput(of: connection) { recoveryPorts[index].endOfDay(nowNs: nowNs, output: &$0) }
        }
        noteClosures(in: &outputs)
    }

    /// Sends recovery clients what the feed has published since.
    mutating func feedAdvanced(nowNs: Int64, outputs: inout GatewayOutputs) {
        for (index, connection) in recoveryConnections.enumerated() where recoveryPorts[index].isLoggedIn {
            let store = feed.publisher.store
            outputs.withOutput(of: connection) { recoveryPorts[index].catchUp(nowNs: nowNs, store: store, output: &$0) }
        }
    }

    /// Notes connections whose port closed them in this call. `inout` only
    /// so that the outputs are read in place: passed by value, their five
    /// buffers were retained and released per input.
    mutating func noteClosures(in outputs: inout GatewayOutputs) {
        for connection in outputs.touched where outputs.connections[Int(connection)].closeReason != nil {
            closed[Int(connection)] = true
        }
    }

    /// Checks the engine's invariants; empty when all hold.
    public func checkInvariants() -> [String] { engine.checkInvariants() }

    /// Where a book rebuilt from this venue's feed differs from the venue's
    /// own books, level by level (empty when they agree), with the problems
    /// the rebuilt book met on the way. Both are whole only after the feed's
    /// packets up to now have been applied.
    public func feedBookDifferences(_ book: ITCHBookBuilder) -> [String] {
        var differences = book.problems.map { "feed: \($0)" }
        if book.problemCount > book.problems.count {
            differences.append("feed: \(book.problemCount - book.problems.count) more problems")
        }
        for index in configuration.symbols.indices {
            let symbol = SymbolIndex(Int32(index))
            for side in [Side.buy, .sell] {
                let venue = engine.depth(of: symbol, side: side)
                let rebuilt = book.depth(stockLocate: feed.locate(symbol), side: side)
                guard venue != rebuilt else { continue }
                let first = zip(venue, rebuilt).enumerated().first { $0.element.0 != $0.element.1 }?.offset ?? min(venue.count, rebuilt.count)
                func level(_ levels: [BookLevelSummary]) -> String { first < levels.count ? levels[first].description : "none" }
                differences.append("\(configuration.symbols[index].name) \(side): the feed's book differs at level \(first + 1): "
                    + "venue \(level(venue)), feed \(level(rebuilt)) (\(venue.count) and \(rebuilt.count) levels)")
            }
        }
        return differences
    }

    /// Sends the reports of one engine call to their sessions and the book
    /// changes to the feed, then flushes the feed so that one venue event
    /// leaves as one burst of packets.
    mutating func settle(nowNs: Int64, outputs: inout GatewayOutputs) {
        statistics.engineEvents += UInt64(engineEvents.count)
        if engineEventDigest != nil {
            for event in engineEvents { engineEventDigest!.fold(event) }
        }
        for addressed in reports {
            let connection = connectionOfSession[Int(addressed.session)]
            guard connection >= 0 else {
                // The replay session's: counted, sent nowhere.
                feedReplay?.note(addressed.report)
                continue
            }
            outputs.withOutput(of: connection) { output in
                switch slots[Int(connection)] {
                case .ouch(let index):
                    ouchPorts[index].send(addressed.report, nowNs: nowNs, desk: desk, deskSession: addressed.session,
                                          output: &output)
                case .recovery: preconditionFailure("a report addressed to a recovery connection")
                case .fix(let index): fixPorts[index].send(addressed.report, nowNs: nowNs, output: &output)
                }
            }
        }
        updates.removeAllReusingCapacity()
        // Also counts trades, book and phase changes into the statistics.
        translator.translate(engineEvents, engine: engine, into: &updates, counting: &statistics)
        if !updates.isEmpty {
            // Packets go straight into the outputs' reused buffers.
            feed.publish(updates, nowNs: nowNs, sendingTo: &outputs)
            feed.flush(nowNs: nowNs, sendingTo: &outputs)
            if !recoveryConnections.isEmpty { feedAdvanced(nowNs: nowNs, outputs: &outputs) }
        }
    }
}
