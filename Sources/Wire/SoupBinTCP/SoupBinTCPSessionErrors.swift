/// What the peer did wrong when a session closes the connection on it.
public enum SoupBinTCPProtocolViolation: Equatable, Sendable {
    /// The byte stream could not be split into packets.
    case framing(SoupBinTCPFramingError)
    /// A packet of a known type with a wrong length or field, or of an unknown type.
    case malformedPacket(WireDecodingError)
    /// A well-formed packet this side never accepts in its current state
    /// (data before login, a second login, a server packet from a client).
    case unexpectedPacket(type: UInt8)
    /// Sequenced Data beyond sequence number 2^64 − 1.
    case sequenceNumberExhausted
}

/// A request the session cannot carry out in its current state; the caller's
/// mistake, reported instead of trapping.
public enum SoupBinTCPSessionError: Error, Equatable, Sendable {
    /// The connection is not logged in.
    case notLoggedIn
    /// The session has ended (End of Session was sent).
    case sessionEnded
    /// The message is larger than the configured maximum.
    case messageTooLarge(byteCount: Int, maximum: Int)
}

/// SoupBinTCP's timing rules, per connection: a heartbeat after this long
/// without output; drop after this long without input.
public struct SoupBinTCPTimers: Equatable, Sendable {
    /// Send a heartbeat after this long without other output (spec: about 1 s).
    public var heartbeatIntervalNs: Int64
    /// Drop the connection after this long without input (spec: about 15 s).
    public var idleTimeoutNs: Int64
    /// Drop a connection whose login is not settled within this long.
    public var loginTimeoutNs: Int64

    /// The spec's figures: heartbeat after 1 s, drop after 15 s.
    public static let standard = SoupBinTCPTimers(
        heartbeatIntervalNs: 1_000_000_000, idleTimeoutNs: 15_000_000_000, loginTimeoutNs: 15_000_000_000)

    public init(heartbeatIntervalNs: Int64, idleTimeoutNs: Int64, loginTimeoutNs: Int64) {
        precondition(heartbeatIntervalNs > 0 && idleTimeoutNs > 0 && loginTimeoutNs > 0, "timers must be positive")
        self.heartbeatIntervalNs = heartbeatIntervalNs
        self.idleTimeoutNs = idleTimeoutNs
        self.loginTimeoutNs = loginTimeoutNs
    }
}
