import Exchange
import MatchingEngine
import Measure
import NIOCore
import NIOPosix
import NIOSSL
import Wire

/// One order-entry client on a live connection: its OUCH or FIX client
/// state machine, its channel, the output it writes and its heartbeat
/// timer. Lives on one event loop; the channel handler and the timers call
/// it there. The load client and the replay of captured sessions each add
/// what they send and what they count.
class LiveClientConnection {
    /// One of the two, by the protocol; optionals so that each is mutated
    /// in place (an enum payload would be copied out per message).
    var ouch: OUCHClient?
    var fix: FIXClient?
    var channel: (any Channel)?
    var output = ConnectionOutput()
    var events: [OrderEntryClientEvent] = []
    /// The buffer the last write went out in, filled again in place once written.
    var writeBuffer = ReusedWriteBuffer(initialCapacity: 64 * 1_024)
    var loggedIn = false
    var closed = false
    var heartbeat = LoopTimer()
    /// The account it logs in as.
    let account: String

    /// Whether `account`, `password` and `orderEntry`'s CompID fit their
    /// protocol's fields (SoupBinTCP: 6 and 10 printable characters; FIX:
    /// printable, no SOH); nil when they do, else what does not.
    static func credentialsProblem(account: String, password: String, orderEntry: LoadPlan.OrderEntry) -> String? {
        switch orderEntry {
        case .ouch42:
            if SoupBinTCPUsername(account) == nil { return "account '\(account)' is not a SoupBinTCP username (1 to 6 printable characters)" }
            if SoupBinTCPPassword(password) == nil { return "the password is not a SoupBinTCP password (up to 10 printable characters)" }
        case .fix(_, let venueCompID):
            if account.isEmpty || FIXString(account) == nil { return "account '\(account)' is not a FIX SenderCompID" }
            if venueCompID.isEmpty || FIXString(venueCompID) == nil { return "'\(venueCompID)' is not a FIX TargetCompID" }
            if FIXString(password) == nil { return "the password is not a FIX Password (554)" }
        }
        return nil
    }

    /// - Precondition: `credentialsProblem` finds none.
    init(account: String, password: String, orderEntry: LoadPlan.OrderEntry, directory: SymbolDirectory, clock: LiveClock) {
        precondition(Self.credentialsProblem(account: account, password: password, orderEntry: orderEntry) == nil,
                     "credentials checked before the connection is made")
        self.account = account
        switch orderEntry {
        case .ouch42:
            ouch = OUCHClient(
                directory: directory,
                session: .init(username: SoupBinTCPUsername(account)!, password: SoupBinTCPPassword(password)!,
                               requestedSequenceNumber: 0))
        case .fix(let version, let venueCompID):
            // Each run is a new day for its accounts: a venue that kept
            // their sessions from an earlier run (serve does, across
            // reconnects) starts them again at sequence 1.
            var session = FIXSessionConfiguration(role: .initiator, version: version, senderCompID: FIXString(account)!,
                                                  targetCompID: FIXString(venueCompID)!, password: FIXString(password))
            session.resetOnLogon = true
            fix = FIXClient(
                directory: directory,
                session: session,
                startOfDayOffsetNs: clock.startOfDayOffsetNs, sessionDateEpochNs: clock.sessionDateEpochNs)
        }
        output.bytes.reserveCapacity(64 * 1_024)
        output.messageStarts.reserveCapacity(1_024)
        events.reserveCapacity(1_024)
    }

    /// Encodes a request into the output.
    func send(_ request: OrderEntryRequest, nowNs: Int64) {
        if ouch != nil {
            ouch!.send(request, nowNs: nowNs, output: &output)
        } else {
            fix!.send(request, nowNs: nowNs, output: &output)
        }
    }

    /// Venue bytes: each event the client makes of them goes to `apply`.
    func received(_ buffer: ByteBuffer, nowNs: Int64) {
        buffer.withUnsafeReadableBytes { bytes in
            if ouch != nil {
                ouch!.received(bytes, nowNs: nowNs, events: &events, output: &output)
            } else {
                fix!.received(bytes, nowNs: nowNs, events: &events, output: &output)
            }
        }
        for event in events { apply(event, nowNs: nowNs) }
        events.removeAll(keepingCapacity: true)
    }

    /// What an answer means to the subclass; the login and the close are noted here.
    func apply(_ event: OrderEntryClientEvent, nowNs: Int64) {
        switch event {
        case .loggedIn: loggedIn = true
        case .disconnected: closed = true
        default: break
        }
    }

    func connectionOpened(nowNs: Int64) {
        if ouch != nil { ouch!.connectionOpened(nowNs: nowNs, output: &output) } else { fix!.connectionOpened(nowNs: nowNs, output: &output) }
    }

    func timerFired(nowNs: Int64) {
        if ouch != nil { ouch!.timerFired(nowNs: nowNs, output: &output) } else { fix!.timerFired(nowNs: nowNs, output: &output) }
    }

    func logout(nowNs: Int64) {
        if ouch != nil { ouch!.logout(nowNs: nowNs, output: &output) } else { fix!.logout(nowNs: nowNs, output: &output) }
    }

    func stopTimers() {
        heartbeat.cancel()
    }

    /// Writes what the client produced, in one buffer and one flush, and
    /// keeps its heartbeat timer armed.
    func flush(clock: LiveClock) {
        if let atNs = output.timerAtNs, let channel {
            heartbeat.set(atNs: atNs) { scheduleHeartbeat(atNs: $0, on: channel.eventLoop, clock: clock) }
        }
        let close = output.closeReason != nil
        if !output.bytes.isEmpty, let channel {
            channel.writeAndFlush(writeBuffer.filled(with: output.bytes, allocator: channel.allocator), promise: nil)
        }
        output.removeAll()
        if close {
            closed = true
            channel?.close(promise: nil)
        }
    }

    // MARK: Holding back while the venue does not read

    /// Whether the last turn held this connection's requests back.
    var isHeldBack = false
    /// Turns on which the connection's socket was full (the venue reading
    /// slower than the run sends) and its due requests waited.
    var heldBackTurns = 0
    /// When the connection last made progress (it could send, or the venue
    /// took some of what NIO holds for it), and how many bytes NIO held at
    /// the last look while held back.
    var lastProgressNs: Int64 = 0
    var lastBufferedBytes = Int.max

    /// Requests one turn sends at most on a connection: one whose socket was
    /// full sends its backlog a turn at a time, and what waits in memory
    /// stays bounded by the channel's high watermark and one turn.
    static let maximumRequestsPerTurn = 4_096

    /// Whether this turn holds the connection's requests back: something is
    /// due (`dueAtNs` is at or before `nowNs`) but the channel is over its
    /// high watermark, as NIO holds what the socket did not take. The due
    /// requests then wait and keep their planned times. Notes the turn, and
    /// whether the venue took any of the held bytes since the last look.
    func holdsBack(dueAtNs: Int64, nowNs: Int64) -> Bool {
        guard let channel, !channel.isWritable, dueAtNs <= nowNs else {
            isHeldBack = false
            lastProgressNs = nowNs
            lastBufferedBytes = .max
            return false
        }
        isHeldBack = true
        heldBackTurns += 1
        // A venue that reads slowly still takes bytes: that is progress.
        if let buffered = (try? channel.syncOptions?.getOption(ChannelOptions.bufferedWritableBytes)) ?? nil {
            if buffered < lastBufferedBytes { lastProgressNs = nowNs }
            lastBufferedBytes = buffered
        }
        return true
    }

    func scheduleHeartbeat(atNs: Int64, on loop: any EventLoop, clock: LiveClock) -> Scheduled<Void> {
        let connection = NIOLoopBound(self, eventLoop: loop)
        return loop.scheduleTask(deadline: clock.deadline(atNs: atNs)) {
            connection.value.heartbeatTaskRan(on: loop, clock: clock)
        }
    }

    func heartbeatTaskRan(on loop: any EventLoop, clock: LiveClock) {
        let nowNs = clock.nowNs
        guard heartbeat.taskRan(nowNs: nowNs, schedule: { scheduleHeartbeat(atNs: $0, on: loop, clock: clock) }) else { return }
        timerFired(nowNs: nowNs)
        flush(clock: clock)
    }
}

/// One connection of the load client: its orders' planned and sent times,
/// and what the venue answered.
final class LoadConnection: LiveClientConnection {
    let index: Int
    let plan: LoadPlan
    var times: LoadOrderTimes
    let tokens: LoadToken

    /// Orders sent; the next order's number.
    var sent = 0
    var accepted = 0
    var rejected = 0
    var executedOrders = 0
    var executions = 0
    /// Set when sending starts.
    var schedule: LoadSchedule?
    var lastSentNs: Int64 = 0
    var ackFromPlanned = LatencyRecorder(name: LoadLatencyPath.ackFromPlanned)
    var ackFromSend = LatencyRecorder(name: LoadLatencyPath.ackFromSend)
    var fillFromPlanned = LatencyRecorder(name: LoadLatencyPath.fillFromPlanned)
    var fillFromSend = LatencyRecorder(name: LoadLatencyPath.fillFromSend)

    init(index: Int, plan: LoadPlan, clock: LiveClock) {
        self.index = index
        self.plan = plan
        times = LoadOrderTimes(capacity: plan.ordersPerConnection)
        tokens = LoadToken(epochMilliseconds: (clock.sessionDateEpochNs + clock.startOfDayOffsetNs + clock.nowNs) / 1_000_000)
        // Accounts are named as exsim serve names them (LiveAccounts).
        super.init(account: "P" + String(index + 1, radix: 36, uppercase: true), password: plan.password,
                   orderEntry: plan.orderEntry, directory: SymbolDirectory(symbols: [plan.symbol]), clock: clock)
    }

    var answered: Int { accepted + rejected }
    var isIdle: Bool { answered == sent }

    /// Appends every order whose planned time has passed and lies before
    /// `endNs` (at most a turn's worth); returns the planned time of the
    /// next one, nil once past the end. While the channel is over its high
    /// watermark (the venue reads slower than the plan sends, and NIO holds
    /// what the socket did not take) nothing is appended: the orders wait,
    /// keep their planned times, and go once the venue reads again, their
    /// latency from the planned time counting the wait.
    func appendDueOrders(nowNs: Int64, endNs: Int64) -> Int64? {
        guard var schedule else { preconditionFailure("sending has not started") }
        defer { self.schedule = schedule }
        if schedule.nextNs < endNs, holdsBack(dueAtNs: schedule.nextNs, nowNs: nowNs) { return schedule.nextNs }
        var appended = 0
        while true {
            let planned = schedule.nextNs
            guard planned < endNs else { return nil }
            guard planned <= nowNs, appended < Self.maximumRequestsPerTurn else { return planned }
            appendOrder(plannedNs: planned, nowNs: nowNs)
            schedule.advance()
            appended += 1
        }
    }

    /// Orders planned before `endNs` that were never sent: held back until
    /// the run ended.
    func ordersNotSent(endNs: Int64) -> Int {
        schedule?.remaining(before: endNs) ?? 0
    }

    /// Appends the next order planned now (`--ping`).
    func appendOrder(plannedNs: Int64, nowNs: Int64) {
        let number = sent
        // A token carries 10^8 order numbers a connection: at 40k round trips
        // a second, about 40 minutes of --ping. The connection stops there.
        guard number <= LoadToken.maximumNumber else { return }
        times.reserve(number)
        times.plannedNs[number] = plannedNs
        times.sentNs[number] = nowNs
        let order = plan.order(index: number, connection: index)
        let request = OrderEntryRequest.new(NewOrderRequest(
            clientID: tokens.id(number), symbol: SymbolIndex(0), side: order.side, price: order.price,
            quantity: Quantity(plan.quantity)))
        send(request, nowNs: nowNs)
        sent += 1
        lastSentNs = nowNs
    }

    /// Answers matched to their orders' times.
    override func apply(_ event: OrderEntryClientEvent, nowNs: Int64) {
        super.apply(event, nowNs: nowNs)
        switch event {
        case .loggedIn:
            break
        case .accepted(let id, _, _):
            guard let number = answer(id) else { return }
            accepted += 1
            ackFromPlanned.record(nowNs - times.plannedNs[number])
            ackFromSend.record(nowNs - times.sentNs[number])
        case .rejected(let id):
            guard answer(id) != nil else { return }
            rejected += 1
        case .executed(let id, _, _, _):
            executions += 1
            guard let number = tokens.number(id), number < sent, !times.filled[number] else { return }
            times.filled[number] = true
            executedOrders += 1
            fillFromPlanned.record(nowNs - times.plannedNs[number])
            fillFromSend.record(nowNs - times.sentNs[number])
        case .disconnected, .cancelled, .replaced, .cancelRejected:
            break
        }
    }

    /// Marks an order answered; nil for an unknown token or a second answer.
    func answer(_ id: ClientOrderID) -> Int? {
        guard let number = tokens.number(id), number < sent, times.answer[number] == LoadOrderTimes.unanswered else {
            return nil
        }
        times.answer[number] = LoadOrderTimes.answered
        return number
    }
}

/// The latency histograms of a load run, by name (also the .hgrm file names).
public enum LoadLatencyPath {
    public static let ackFromPlanned = "order_ack_from_planned"
    public static let ackFromSend = "order_ack_from_send"
    public static let fillFromPlanned = "order_fill_from_planned"
    public static let fillFromSend = "order_fill_from_send"
    public static let all = [ackFromPlanned, ackFromSend, fillFromPlanned, fillFromSend]
}

/// What drives a set of live client connections on one loop: the load
/// client, or the replay of captured sessions. Its channel handlers call it.
protocol LiveClientDriver: AnyObject {
    func opened(_ index: Int, channel: any Channel)
    func received(_ buffer: ByteBuffer, on index: Int)
    func closed(_ index: Int)
    /// A TLS failure on a connection, reported before its close.
    func tlsFailed(_ index: Int, reason: String)
}

/// The channel end of one client connection.
final class LiveClientChannelHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer

    let driver: any LiveClientDriver
    let index: Int

    init(driver: any LiveClientDriver, index: Int) {
        self.driver = driver
        self.index = index
    }

    func channelActive(context: ChannelHandlerContext) {
        driver.opened(index, channel: context.channel)
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        driver.received(unwrapInboundIn(data), on: index)
    }

    func channelInactive(context: ChannelHandlerContext) {
        driver.closed(index)
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        if error is NIOSSLError || error is BoringSSLError { driver.tlsFailed(index, reason: "\(error)") }
        context.close(promise: nil)
    }
}

/// How much a client connection buffers before it stops taking orders.
public struct LiveClientWriteBuffering: Sendable {
    /// Bytes NIO may hold for a connection beyond what its socket took
    /// before the channel reads as not writable (the load client then holds
    /// its orders back), and below which it is writable again.
    public var lowWaterMarkBytes = 256 * 1_024
    public var highWaterMarkBytes = 1_024 * 1_024
    /// The socket's send buffer (`SO_SNDBUF`); nil: the kernel's own, which
    /// grows to `net.ipv4.tcp_wmem`'s maximum.
    public var socketSendBufferBytes: Int?

    public init() {}
}

enum LiveClientConnections {
    /// Connects to every endpoint in order, each channel with TLS if given
    /// and a handler calling `driver`; on a failure, closes those opened
    /// and throws which endpoint could not be reached.
    static func connect<Driver: LiveClientDriver>(
        _ endpoints: [(host: String, port: Int)], on loop: any EventLoop, tls: LiveTLSContext?,
        writeBuffering: LiveClientWriteBuffering, driver: NIOLoopBound<Driver>
    ) throws(LoadError) -> [any Channel] {
        var channels: [any Channel] = []
        for (index, endpoint) in endpoints.enumerated() {
            var bootstrap = ClientBootstrap(group: loop)
                .channelOption(.socketOption(.tcp_nodelay), value: 1)
                .channelOption(.writeBufferWaterMark, value: ChannelOptions.Types.WriteBufferWaterMark(
                    low: writeBuffering.lowWaterMarkBytes, high: writeBuffering.highWaterMarkBytes))
            if let bytes = writeBuffering.socketSendBufferBytes {
                bootstrap = bootstrap.channelOption(.socketOption(.so_sndbuf), value: SocketOptionValue(bytes))
            }
            bootstrap = bootstrap
                .connectTimeout(.seconds(5))
                .channelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        // Writes before the handshake ends wait in the TLS handler.
                        if let tls { try channel.pipeline.syncOperations.addHandler(try tls.clientHandler()) }
                        try channel.pipeline.syncOperations.addHandler(LiveClientChannelHandler(driver: driver.value, index: index))
                    }
                }
            do {
                channels.append(try bootstrap.connect(host: endpoint.host, port: endpoint.port).wait())
            } catch {
                for channel in channels { try? channel.close().wait() }
                throw LoadError.unreachable(host: endpoint.host, port: endpoint.port, reason: "\(error)")
            }
        }
        return channels
    }

    /// Logout on every connection still open, then close; completes when all have closed.
    static func logOut(_ connections: [LiveClientConnection], clock: LiveClock, loop: any EventLoop) -> EventLoopFuture<Void> {
        var closes: [EventLoopFuture<Void>] = []
        for connection in connections {
            connection.stopTimers()
            guard let channel = connection.channel else { continue }
            if !connection.closed {
                connection.logout(nowNs: clock.nowNs)
                connection.output.closeReason = nil
                connection.flush(clock: clock)
                connection.stopTimers()
                channel.close(promise: nil)
            }
            closes.append(channel.closeFuture)
        }
        return EventLoopFuture.andAllComplete(closes, on: loop)
    }
}
