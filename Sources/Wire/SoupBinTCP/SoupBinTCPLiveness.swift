/// The liveness rule both ends of a SoupBinTCP connection follow: send a
/// heartbeat after `heartbeatIntervalNs` without output, give up on the peer
/// after `idleTimeoutNs` without input. One copy of the rule for the server
/// and client sessions and any other SoupBinTCP server (the ITCH recovery
/// port), so they cannot drift apart.
public struct SoupBinTCPLiveness: Equatable, Sendable {
    public let timers: SoupBinTCPTimers
    public private(set) var lastSentNs: Int64 = 0
    public private(set) var lastReceivedNs: Int64 = 0

    /// What a timer expiry calls for.
    public enum Due: Equatable, Sendable {
        case nothing
        /// Send a heartbeat; it is already counted as output.
        case heartbeat
        /// The peer has been silent for the idle timeout: close.
        case peerSilent
    }

    public init(timers: SoupBinTCPTimers) { self.timers = timers }

    /// A connection starts: both directions count as active now.
    public mutating func reset(nowNs: Int64) {
        lastSentNs = nowNs
        lastReceivedNs = nowNs
    }

    public mutating func noteSent(nowNs: Int64) { lastSentNs = nowNs }

    public mutating func noteReceived(nowNs: Int64) { lastReceivedNs = nowNs }

    /// At a timer expiry on a logged-in connection: silence first, then a
    /// heartbeat if one is due.
    public mutating func check(nowNs: Int64) -> Due {
        if nowNs - lastReceivedNs >= timers.idleTimeoutNs { return .peerSilent }
        if nowNs - lastSentNs >= timers.heartbeatIntervalNs {
            lastSentNs = nowNs
            return .heartbeat
        }
        return .nothing
    }

    /// When the timer should next fire: the earlier of the heartbeat and the
    /// idle deadline.
    public var nextDeadlineNs: Int64 {
        min(lastSentNs + timers.heartbeatIntervalNs, lastReceivedNs + timers.idleTimeoutNs)
    }
}
