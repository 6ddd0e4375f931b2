import NIOCore
import NIOPosix
import NIOSSL
import Measure

/// Why a load run could not be carried out.
public enum LoadError: Error, CustomStringConvertible, Equatable {
    /// No venue answered the connection (refused, unresolvable, timed out).
    case unreachable(host: String, port: Int, reason: String)
    /// The venue did not accept an account's login.
    case loginRefused(account: String)
    /// The TLS handshake with the venue failed (its certificate not
    /// trusted, or the venue does not speak TLS).
    case tlsFailed(account: String, reason: String)

    public var description: String {
        switch self {
        case .unreachable(let host, let port, let reason): "cannot connect to \(host):\(port): \(reason)"
        case .loginRefused(let account): "the venue did not accept the login of \(account) (password, account count?)"
        case .tlsFailed(let account, let reason):
            "TLS with the venue failed on \(account)'s connection: \(reason) (does the venue speak TLS, is --tls-ca its certificate or its CA, and does it ask for a client certificate, --tls-certificate?)"
        }
    }
}

/// What a load run did.
public struct LoadResult: Sendable {
    public var sent = 0
    public var accepted = 0
    public var rejected = 0
    /// Orders with at least one execution, and execution messages.
    public var executedOrders = 0
    public var executions = 0
    /// Orders planned within the duration that were never sent: held back
    /// while the venue did not read (its socket full) until the run ended.
    public var notSent = 0
    /// Turns, over all connections, on which a connection's socket was full
    /// and its due orders waited.
    public var heldBackTurns = 0
    /// From the first send to the last.
    public var sendingSeconds = 0.0
    /// In `LoadLatencyPath.all` order.
    public var latencies: [LatencyRecorder] = []
    /// Why the run ended early, if it did (a connection closed).
    public var failure: String?

    public init() {}

    public var answered: Int { accepted + rejected }
    public var unanswered: Int { sent - answered }
    public var achievedRatePerSecond: Double { sendingSeconds > 0 ? Double(max(0, sent - 1)) / sendingSeconds : 0 }
}

/// The load client: connects, logs in every account, sends the plan's
/// orders on one event loop, waits for the answers (at most the drain
/// timeout), logs out and returns what happened.
public enum LoadRun {
    public static let loginTimeoutNs: Int64 = 5_000_000_000

    public static func run(_ plan: LoadPlan) throws(LoadError) -> LoadResult {
        try LiveClientConnections.run(Array(repeating: (plan.host, plan.port), count: plan.connections), tls: plan.tls,
                                      writeBuffering: plan.writeBuffering, making: { LoadDriver(plan: plan, clock: $0, loop: $1) }, result: { $0.result() },
                                      orElse: LoadResult())
    }
}
