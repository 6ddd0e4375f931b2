// What a FIX session needs to know before the first byte: who it is, whom it
// talks to, which version, and its limits.

/// Which end of the session this is.
public enum FIXSessionRole: Sendable, Equatable {
    /// The venue: waits for the counterparty's Logon and checks it.
    case acceptor
    /// The participant: sends the Logon.
    case initiator
}

/// Settings of one FIX session.
public struct FIXSessionConfiguration: Sendable {
    public var role: FIXSessionRole
    public var version: FIXVersion
    /// Our CompID: SenderCompID (49) of what we send.
    public var senderCompID: FIXString
    /// The counterparty's CompID: TargetCompID (56) of what we send.
    public var targetCompID: FIXString
    /// HeartBtInt (108) the initiator proposes; the acceptor adopts the
    /// counterparty's value.
    public var heartbeatIntervalSeconds: Int
    /// Acceptor: the Username (553) a Logon must carry (nil: not checked).
    /// Initiator: the Username sent on Logon (nil: none).
    public var username: FIXString?
    /// Like `username`, for Password (554).
    public var password: FIXString?
    /// Acceptor: every Logon starts both sequences at 1, whether or not it
    /// carries ResetSeqNumFlag (141) (QuickFIX's ResetOnLogon).
    /// Initiator: the Logon carries ResetSeqNumFlag=Y, so an acceptor that
    /// kept the session from an earlier connection starts it afresh.
    public var resetOnLogon: Bool = false
    /// Acceptor: the HeartBtInt (108) a Logon must carry; nil: any.
    public var requiredHeartbeatIntervalSeconds: Int? = nil
    /// How far SendingTime (52) may be from our clock.
    public var sendingTimeToleranceNs: Int64
    /// How many sent application messages are kept for ResendRequest; older
    /// ones are answered with SequenceReset-GapFill.
    public var outboundStoreCapacityMessages: Int
    /// The store's first size, doubling up to its capacity as messages are
    /// sent (`FIXOutboundStore`); 0: the whole capacity from the start.
    public var outboundStoreInitialMessages = 0
    /// How many messages received ahead of a sequence gap are held until the
    /// gap is filled; more are dropped and requested again later.
    public var inboundQueueCapacityMessages: Int
    /// Implied decimals of every price the application exchanges.
    public var priceDecimals: Int
    /// How long to wait for the Logout reply (and, initiator, for the Logon reply).
    public var logoutTimeoutNs: Int64
    public var logonTimeoutNs: Int64
    public var maximumMessageBytes: Int

    public init(
        role: FIXSessionRole, version: FIXVersion, senderCompID: FIXString, targetCompID: FIXString,
        heartbeatIntervalSeconds: Int = 30, username: FIXString? = nil, password: FIXString? = nil,
        sendingTimeToleranceNs: Int64 = 120 * 1_000_000_000, outboundStoreCapacityMessages: Int = 1024,
        inboundQueueCapacityMessages: Int = 1024, priceDecimals: Int = 4,
        logoutTimeoutNs: Int64 = 10 * 1_000_000_000, logonTimeoutNs: Int64 = 10 * 1_000_000_000,
        maximumMessageBytes: Int = FIXFramer.defaultMaximumMessageBytes
    ) {
        precondition(!senderCompID.isEmpty && !targetCompID.isEmpty)
        precondition(heartbeatIntervalSeconds >= 0 && outboundStoreCapacityMessages > 0 && inboundQueueCapacityMessages > 0)
        precondition(priceDecimals >= 0 && priceDecimals <= 9)
        self.role = role
        self.version = version
        self.senderCompID = senderCompID
        self.targetCompID = targetCompID
        self.heartbeatIntervalSeconds = heartbeatIntervalSeconds
        self.username = username
        self.password = password
        self.sendingTimeToleranceNs = sendingTimeToleranceNs
        self.outboundStoreCapacityMessages = outboundStoreCapacityMessages
        self.inboundQueueCapacityMessages = inboundQueueCapacityMessages
        self.priceDecimals = priceDecimals
        self.logoutTimeoutNs = logoutTimeoutNs
        self.logonTimeoutNs = logonTimeoutNs
        self.maximumMessageBytes = maximumMessageBytes
    }
}

/// Why a session asked its driver to close the connection.
public enum FIXDisconnectReason: Equatable, Sendable {
    /// The first message was not a Logon (no Logout is sent).
    case firstMessageNotLogon
    /// A Logon with a bad BeginString, CompID, SendingTime, BodyLength or
    /// HeartBtInt (no reply is sent).
    case invalidLogon
    /// Username or password did not match (after a Logout with text).
    case authenticationFailed
    /// The Logon's HeartBtInt is not the one the acceptor requires (after a Logout with text).
    case heartbeatIntervalRefused
    /// Another session with the same CompIDs is already logged on.
    case duplicateLogon
    /// The counterparty answered our Logon with a Logout.
    case logonRefused
    /// No Logon reply in time (initiator).
    case logonTimeout
    /// The Logout exchange finished.
    case loggedOut
    /// No Logout reply in time.
    case logoutTimeout
    /// MsgSeqNum lower than expected without PossDupFlag=Y.
    case msgSeqNumTooLow
    /// BeginString changed after logon.
    case incorrectBeginString
    /// SenderCompID or TargetCompID changed after logon.
    case compIDProblem
    /// SendingTime too far from our clock.
    case sendingTimeAccuracy
    /// Neither traffic nor an answer to our TestRequest.
    case heartbeatTimeout
    /// A second Logon on an active session.
    case unexpectedLogon
}
