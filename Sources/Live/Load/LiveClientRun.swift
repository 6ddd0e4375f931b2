import NIOCore
import NIOPosix

/// What the load client and the replay of captured sessions share: their
/// connections on one event loop, the login of all of them, and the end of
/// the run. Subclasses say what they send and when (`start`), what they send
/// in reply to an answer, and when every answer is in. All of it runs on
/// the loop.
class LiveClientRun<Connection: LiveClientConnection>: LiveClientDriver {
    let clock: LiveClock
    let loop: any EventLoop
    let connections: [Connection]
    /// Every connection logged in, or the first refusal.
    let loggedIn: EventLoopPromise<Void>
    /// The run is over: everything answered, the drain timed out, or a connection lost.
    let finished: EventLoopPromise<Void>
    /// What a lost connection ended, in its message ("run", "replay").
    let runName: String
    var loginSettled = false
    /// The first connection whose TLS failed, and why.
    var tlsFailure: (connection: Int, reason: String)?
    /// When sending started; 0 before.
    var startNs: Int64 = 0
    var sending = false
    var isFinished = false
    /// Why the run ended early, if it did.
    var failure: String?
    var turn: Scheduled<Void>?
    var drainDeadline: Scheduled<Void>?

    init(connections: [Connection], clock: LiveClock, loop: any EventLoop, runName: String) {
        self.connections = connections
        self.clock = clock
        self.loop = loop
        self.runName = runName
        loggedIn = loop.makePromise()
        finished = loop.makePromise()
    }

    // MARK: For subclasses

    /// Starts sending, once every connection is logged in.
    func start() { preconditionFailure("a subclass starts the run") }

    /// Every request sent has its answer.
    var isAnswered: Bool { preconditionFailure("a subclass says when every answer is in") }

    /// Just after `connection` took in the venue's bytes, before its flush:
    /// what to send in reply. Nothing by default.
    func answered(on connection: Connection) {}

    // MARK: Channel events

    func opened(_ index: Int, channel: any Channel) {
        let connection = connections[index]
        connection.channel = channel
        connection.connectionOpened(nowNs: clock.nowNs)
        connection.flush(clock: clock)
    }

    func received(_ buffer: ByteBuffer, on index: Int) {
        let connection = connections[index]
        let wasLoggedIn = connection.loggedIn
        connection.received(buffer, nowNs: clock.nowNs)
        answered(on: connection)
        connection.flush(clock: clock)
        if !wasLoggedIn && connection.loggedIn && connections.allSatisfy(\.loggedIn) { settleLogin(nil) }
        if !sending && !isFinished && startNs > 0 { finishIfAnswered() }
    }

    func tlsFailed(_ index: Int, reason: String) {
        if tlsFailure == nil { tlsFailure = (index, reason) }
    }

    func closed(_ index: Int) {
        let connection = connections[index]
        connection.closed = true
        connection.stopTimers()
        guard !isFinished else { return }
        if !connection.loggedIn {
            if let tlsFailure, tlsFailure.connection == index {
                settleLogin(.tlsFailed(account: connection.account, reason: tlsFailure.reason))
            } else {
                settleLogin(.loginRefused(account: connection.account))
            }
        }
        finish(failure: "the venue closed connection \(connection.account) before the \(runName) ended")
    }

    // MARK: The run's ends

    /// The run ends before it started: every promise is settled.
    func abandon(_ error: LoadError) {
        settleLogin(error)
        finish(failure: error.description)
    }

    /// The first account still waiting for Login Accepted is refused.
    func loginTimedOut() {
        let waiting = connections.firstIndex { !$0.loggedIn } ?? 0
        settleLogin(.loginRefused(account: connections[waiting].account))
    }

    /// Completes `loggedIn` once: nil when every connection is logged in.
    func settleLogin(_ error: LoadError?) {
        guard !loginSettled else { return }
        loginSettled = true
        if let error { loggedIn.fail(error) } else { loggedIn.succeed(()) }
    }

    func finishIfAnswered() {
        if isAnswered { finish(failure: nil) }
    }

    func finish(failure: String?) {
        guard !isFinished else { return }
        isFinished = true
        sending = false
        self.failure = failure
        turn?.cancel()
        drainDeadline?.cancel()
        finished.succeed(())
    }

    /// Logout Request on every connection, then close.
    func logOut() -> EventLoopFuture<Void> {
        LiveClientConnections.logOut(connections, clock: clock, loop: loop)
    }
}

/// When a run's next turn comes, from what this turn found on each
/// connection: the planned time of its next request, and whether it was
/// held back (its socket full).
///
/// NIO runs every task that has come due before it polls the sockets
/// again, so a turn that is already due when this one ends would run at
/// once, and again, and starve the reads of the venue's answers for as long
/// as sending lags its plan. The next turn therefore waits at least
/// `minimumGapNs` past the end of this one: the loop polls its sockets
/// between any two turns, and a turn sends everything that came due
/// meanwhile in one write per connection. Connections not held back keep
/// their plan; one whose socket is full is looked at again a little later
/// (`heldBackPollNs`), not at every poll.
struct LiveClientNextTurn {
    /// The earliest planned time over every connection; nil when none has a request left.
    private(set) var plannedNs: Int64?
    /// The earliest planned time over the connections not held back.
    private(set) var activePlannedNs: Int64?
    private(set) var anyHeldBack = false

    /// Long enough that the next turn is still in the future when the loop
    /// decides whether to poll (a few hundred nanoseconds after the turn).
    static let minimumGapNs: Int64 = 2_000
    /// How soon a turn after one that held a connection back comes.
    static let heldBackPollNs: Int64 = 100_000

    /// Notes one connection: the planned time of its next request, nil when
    /// it has none left.
    mutating func note(plannedNs next: Int64?, heldBack: Bool) {
        if let next {
            plannedNs = min(plannedNs ?? next, next)
            if !heldBack { activePlannedNs = min(activePlannedNs ?? next, next) }
        }
        anyHeldBack = anyHeldBack || heldBack
    }

    /// When the next turn runs, for a turn that ended at `nowNs`.
    /// - Precondition: some connection has a request left.
    func deadlineNs(nowNs: Int64) -> Int64 {
        precondition(plannedNs != nil, "no request left to plan a turn for")
        let deadline = max(activePlannedNs ?? .max, nowNs + Self.minimumGapNs)
        return anyHeldBack ? min(deadline, nowNs + Self.heldBackPollNs) : deadline
    }
}

extension LiveClientConnections {
    /// A whole run on a loop of its own: connects to every endpoint, waits
    /// until every connection is logged in (at most `LoadRun.loginTimeoutNs`),
    /// starts, waits for the end, logs out and returns `result` of the run.
    static func run<Connection, Run: LiveClientRun<Connection>, Result: Sendable>(
        _ endpoints: [(host: String, port: Int)], tls: LiveTLSContext?, writeBuffering: LiveClientWriteBuffering = LiveClientWriteBuffering(),
        making make: @escaping @Sendable (LiveClock, any EventLoop) -> Run,
        result: @escaping @Sendable (Run) -> Result, orElse empty: Result
    ) throws(LoadError) -> Result {
        precondition(!endpoints.isEmpty, "a run of no connection")
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        defer { try? group.syncShutdownGracefully() }
        let loop = group.next()
        let clock = LiveClock.startingNow()
        let run: NIOLoopBound<Run>
        do {
            run = try loop.submit { NIOLoopBound(make(clock, loop), eventLoop: loop) }.wait()
        } catch {
            preconditionFailure("the client loop refused work at start: \(error)")
        }
        let channels: [any Channel]
        do {
            channels = try connect(endpoints, on: loop, tls: tls, writeBuffering: writeBuffering, driver: run)
        } catch {
            try? loop.submit { run.value.abandon(error) }.wait()
            throw error
        }
        let loginTimeout = loop.scheduleTask(in: .nanoseconds(LoadRun.loginTimeoutNs)) { run.value.loginTimedOut() }
        do {
            try loop.submit { run.value.loggedIn.futureResult }.wait().wait()
        } catch {
            let first = (try? loop.submit { run.value.connections[0].account }.wait()) ?? ""
            let refused = (error as? LoadError) ?? .loginRefused(account: first)
            loginTimeout.cancel()
            try? loop.submit { run.value.abandon(refused) }.wait()
            for channel in channels { try? channel.close().wait() }
            throw refused
        }
        loginTimeout.cancel()
        try? loop.submit { run.value.start() }.wait()
        try? loop.submit { run.value.finished.futureResult }.wait().wait()
        try? loop.flatSubmit { run.value.logOut() }.wait()
        return (try? loop.submit { result(run.value) }.wait()) ?? empty
    }
}
