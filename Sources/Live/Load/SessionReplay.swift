import Exchange
import MatchingEngine
import Measure
import NIOCore
import NIOPosix
import NIOSSL

/// Captured client sessions to play onto a venue's sockets (`exsim replay
/// --order-entry`): each logs in as an account of its own and sends its
/// requests at their planned offsets from the start, with the ids the
/// caller gave them.
public struct SessionReplayPlan: Sendable {
    public struct Session: Sendable {
        public var account: String
        public var orderEntry: LoadPlan.OrderEntry
        public var port: Int
        public var requests: [OrderEntryRequest]
        /// When each request is due, after the replay starts; never decreasing.
        public var plannedOffsetsNs: [Int64]

        public init(account: String, orderEntry: LoadPlan.OrderEntry, port: Int, requests: [OrderEntryRequest], plannedOffsetsNs: [Int64]) {
            precondition(requests.count == plannedOffsetsNs.count, "a planned time per request")
            self.account = account
            self.orderEntry = orderEntry
            self.port = port
            self.requests = requests
            self.plannedOffsetsNs = plannedOffsetsNs
        }
    }

    public var host: String
    public var password: String
    /// The venue's symbols: the clients name stocks by them.
    public var symbols: [SymbolConfig]
    public var sessions: [Session]
    /// How long to wait for the last answers after the last send.
    public var drainTimeoutNs: Int64
    public var tls: LiveTLSContext?

    /// The sessions' write buffering: where the replay holds its requests back.
    public var writeBuffering = LiveClientWriteBuffering()

    public init(host: String, password: String, symbols: [SymbolConfig], sessions: [Session], drainTimeoutNs: Int64) {
        self.host = host
        self.password = password
        self.symbols = symbols
        self.sessions = sessions
        self.drainTimeoutNs = drainTimeoutNs
    }
}

/// What a replay of captured sessions sent, and what the venue answered.
public struct SessionReplayResult: Sendable {
    public var ordersSent = 0
    public var cancelsSent = 0
    public var replacesSent = 0
    public var accepted = 0
    public var rejected = 0
    public var executions = 0
    public var cancelled = 0
    public var replaced = 0
    /// Cancels and replaces the venue refused.
    public var cancelRejected = 0
    /// New orders with no Accepted or Rejected by the end.
    public var unanswered = 0
    /// Each request's send time minus its planned time.
    public var sendErrors = LatencyRecorder(name: "send_error")
    /// The last request's error: what accumulated by the end.
    public var driftNs: Int64 = 0
    /// Turns, over all sessions, on which a session's socket was full (the
    /// venue reading slower than the replay sends) and its due requests
    /// waited; their send-time errors count the wait.
    public var heldBackTurns = 0
    /// Captured requests never sent: the run ended first (a venue that
    /// took nothing from a session for the drain timeout, or a lost connection).
    public var notSent = 0
    /// New order sent → Accepted or Rejected.
    public var orderToAck = LatencyRecorder(name: "order_ack_from_send")
    /// From the start to the last send.
    public var elapsedNs: Int64 = 0
    /// The last request's planned offset.
    public var plannedSpanNs: Int64 = 0
    public var failure: String?

    public init() {}

    public var requestsSent: Int { ordersSent + cancelsSent + replacesSent }
}

/// The JSON of `exsim replay --order-entry --json`: every count under its
/// own name, `requestsSent` beside them, the latencies as summaries.
extension SessionReplayResult: Encodable {
    enum CodingKeys: String, CodingKey {
        case requestsSent, ordersSent, cancelsSent, replacesSent, accepted, rejected, executions, cancelled, replaced
        case cancelRejected, unanswered, failure, elapsedNs, plannedSpanNs, driftNs, heldBackTurns
        case notSent = "requestsNotSent"
        case sendErrors, orderToAck
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(requestsSent, forKey: .requestsSent)
        try container.encode(ordersSent, forKey: .ordersSent)
        try container.encode(cancelsSent, forKey: .cancelsSent)
        try container.encode(replacesSent, forKey: .replacesSent)
        try container.encode(accepted, forKey: .accepted)
        try container.encode(rejected, forKey: .rejected)
        try container.encode(executions, forKey: .executions)
        try container.encode(cancelled, forKey: .cancelled)
        try container.encode(replaced, forKey: .replaced)
        try container.encode(cancelRejected, forKey: .cancelRejected)
        try container.encode(unanswered, forKey: .unanswered)
        try container.encodeIfPresent(failure, forKey: .failure)
        try container.encode(elapsedNs, forKey: .elapsedNs)
        try container.encode(plannedSpanNs, forKey: .plannedSpanNs)
        try container.encode(driftNs, forKey: .driftNs)
        try container.encode(heldBackTurns, forKey: .heldBackTurns)
        try container.encode(notSent, forKey: .notSent)
        try container.encode(sendErrors.summary, forKey: .sendErrors)
        try container.encode(orderToAck.summary, forKey: .orderToAck)
    }
}

/// One replayed session's connection: its captured requests and its answers.
final class SessionReplayConnection: LiveClientConnection {
    let session: SessionReplayPlan.Session
    var next = 0
    /// When each new order awaiting its answer was sent, by its id.
    var sentAtNs: [ClientOrderID: Int64] = [:]
    var result = SessionReplayResult()

    init(session: SessionReplayPlan.Session, plan: SessionReplayPlan, clock: LiveClock) {
        self.session = session
        super.init(account: session.account, password: plan.password, orderEntry: session.orderEntry,
                   directory: SymbolDirectory(symbols: plan.symbols), clock: clock)
        sentAtNs.reserveCapacity(1_024)
    }

    var isDone: Bool { next == session.requests.count }

    /// Sends every request due by now (at most a turn's worth, as the load
    /// client sends its orders); returns the planned time of the next, nil
    /// when none is left. The clock is read for each request, so that its
    /// send time includes the encoding of those before it. While the channel
    /// is over its high watermark nothing is sent: the requests wait, as
    /// the load client's orders do, and memory stays bounded.
    func sendDue(startNs: Int64, clock: LiveClock) -> Int64? {
        if next < session.requests.count,
           holdsBack(dueAtNs: startNs + session.plannedOffsetsNs[next], nowNs: clock.nowNs) {
            return startNs + session.plannedOffsetsNs[next]
        }
        var sent = 0
        while next < session.requests.count {
            let nowNs = clock.nowNs
            let plannedNs = startNs + session.plannedOffsetsNs[next]
            guard plannedNs <= nowNs, sent < Self.maximumRequestsPerTurn else { return plannedNs }
            sent += 1
            let request = session.requests[next]
            switch request {
            case .new(let order):
                sentAtNs[order.clientID] = nowNs
                result.ordersSent += 1
            case .cancel: result.cancelsSent += 1
            case .replace: result.replacesSent += 1
            }
            send(request, nowNs: nowNs)
            result.sendErrors.record(nowNs - plannedNs)
            result.driftNs = nowNs - plannedNs
            next += 1
        }
        return nil
    }

    override func apply(_ event: OrderEntryClientEvent, nowNs: Int64) {
        super.apply(event, nowNs: nowNs)
        switch event {
        case .accepted(let id, _, _):
            guard let sent = sentAtNs.removeValue(forKey: id) else { return }
            result.accepted += 1
            result.orderToAck.record(nowNs - sent)
        case .rejected(let id):
            guard let sent = sentAtNs.removeValue(forKey: id) else { return }
            result.rejected += 1
            result.orderToAck.record(nowNs - sent)
        case .executed: result.executions += 1
        case .cancelled: result.cancelled += 1
        case .replaced: result.replaced += 1
        case .cancelRejected: result.cancelRejected += 1
        case .loggedIn, .disconnected: break
        }
    }
}

/// Every replayed session on one event loop, and the turns that send their due requests.
final class SessionReplayDriver: LiveClientRun<SessionReplayConnection> {
    let plan: SessionReplayPlan
    var lastSendNs: Int64 = 0

    init(plan: SessionReplayPlan, clock: LiveClock, loop: any EventLoop) {
        self.plan = plan
        super.init(connections: plan.sessions.map { SessionReplayConnection(session: $0, plan: plan, clock: clock) },
                   clock: clock, loop: loop, runName: "replay")
    }

    var bound: NIOLoopBound<SessionReplayDriver> { NIOLoopBound(self, eventLoop: loop) }

    override func start() {
        // A connection closed between the logins and now has ended the run.
        guard !isFinished else { return }
        startNs = clock.nowNs
        sending = true
        sendDue()
    }

    /// One turn: each session's due requests in one write, then the next turn
    /// at the earliest planned time (after a short gap, so that the loop
    /// reads the venue's answers between turns, as `LoadDriver` does).
    func sendDue() {
        guard sending else { return }
        var next = LiveClientNextTurn()
        var sent = 0
        for connection in connections where !connection.closed {
            // A flush that closed a connection may have ended the run.
            guard sending else { return }
            let before = connection.result.requestsSent
            next.note(plannedNs: connection.sendDue(startNs: startNs, clock: clock), heldBack: connection.isHeldBack)
            sent += connection.result.requestsSent - before
            connection.flush(clock: clock)
        }
        let now = clock.nowNs
        if sent > 0 { lastSendNs = now }
        // A session whose venue took nothing for the drain timeout ends the
        // run: the requests it would not take are counted, never sent.
        if let stuck = connections.first(where: { $0.isHeldBack && now - $0.lastProgressNs > plan.drainTimeoutNs }) {
            finish(failure: "the venue took nothing from \(stuck.account)'s session for \(plan.drainTimeoutNs / 1_000_000) ms: its socket stayed full")
            return
        }
        let driver = bound
        guard next.plannedNs != nil else {
            sending = false
            drainDeadline = loop.scheduleTask(deadline: clock.deadline(atNs: now + plan.drainTimeoutNs)) { driver.value.finish(failure: nil) }
            finishIfAnswered()
            return
        }
        turn = loop.scheduleTask(deadline: clock.deadline(atNs: next.deadlineNs(nowNs: clock.nowNs))) {
            driver.value.sendDue()
        }
    }

    override var isAnswered: Bool { connections.allSatisfy { $0.isDone && $0.sentAtNs.isEmpty } }

    func result() -> SessionReplayResult {
        var total = SessionReplayResult()
        for connection in connections {
            let part = connection.result
            total.ordersSent += part.ordersSent
            total.cancelsSent += part.cancelsSent
            total.replacesSent += part.replacesSent
            total.accepted += part.accepted
            total.rejected += part.rejected
            total.executions += part.executions
            total.cancelled += part.cancelled
            total.replaced += part.replaced
            total.cancelRejected += part.cancelRejected
            total.heldBackTurns += connection.heldBackTurns
            total.notSent += connection.session.requests.count - connection.next
            total.unanswered += connection.sentAtNs.count
            total.sendErrors.merge(part.sendErrors)
            total.orderToAck.merge(part.orderToAck)
            total.plannedSpanNs = max(total.plannedSpanNs, connection.session.plannedOffsetsNs.last ?? 0)
        }
        total.failure = failure
        // The drift of the request planned last.
        total.driftNs = connections.max { ($0.session.plannedOffsetsNs.last ?? 0) < ($1.session.plannedOffsetsNs.last ?? 0) }?.result.driftNs ?? 0
        total.elapsedNs = max(0, lastSendNs - startNs)
        return total
    }
}

/// The replay of captured sessions: connects and logs in every session,
/// sends their requests on one event loop at their planned times, waits for
/// the answers (at most the drain timeout), logs out and returns what happened.
public enum SessionReplayRun {
    /// - Precondition: the plan has sessions, whose credentials fit their
    ///   protocol (`LiveClientConnection.credentialsProblem`).
    public static func run(_ plan: SessionReplayPlan) throws(LoadError) -> SessionReplayResult {
        try LiveClientConnections.run(plan.sessions.map { (plan.host, $0.port) }, tls: plan.tls, writeBuffering: plan.writeBuffering,
                                      making: { SessionReplayDriver(plan: plan, clock: $0, loop: $1) }, result: { $0.result() },
                                      orElse: SessionReplayResult())
    }
}

extension SessionReplayPlan {
    /// The first session whose account, the password or the venue's CompID
    /// do not fit the session's protocol, with what is wrong; nil when all do.
    public var credentialsProblem: String? {
        for session in sessions {
            if let problem = LiveClientConnection.credentialsProblem(account: session.account, password: password,
                                                                     orderEntry: session.orderEntry) {
                return problem
            }
        }
        return nil
    }
}
