import Wire

/// A venue's settings for one account's FIX session, as a scenario gives
/// them (`fix_sessions`); what is nil takes the venue's default: the
/// venue's name as its CompID, the account's name as the client's, any
/// version the venue takes, any HeartBtInt, the venue's password and no
/// Username.
public struct FIXSessionSettings: Hashable, Sendable {
    /// The account (`P1`, `P2`, …) whose orders the session enters: its participant.
    public var account: String
    /// The venue's CompID: SenderCompID (49) of what the venue sends, TargetCompID (56) of the client's messages.
    public var senderCompID: String?
    /// The client's CompID: SenderCompID of what it sends.
    public var targetCompID: String?
    /// The one version the session takes; nil: any of the venue's.
    public var version: FIXVersion?
    /// The HeartBtInt (108) the Logon must carry; nil: any.
    public var heartbeatIntervalSeconds: Int?
    /// Every Logon starts both sequences at 1 (QuickFIX's ResetOnLogon).
    public var resetOnLogon: Bool
    /// Username (553) the Logon must carry; nil: not checked.
    public var username: String?
    /// Password (554) the Logon must carry; nil: the venue's.
    public var password: String?

    public init(
        account: String, senderCompID: String? = nil, targetCompID: String? = nil, version: FIXVersion? = nil,
        heartbeatIntervalSeconds: Int? = nil, resetOnLogon: Bool = false, username: String? = nil, password: String? = nil
    ) {
        self.account = account
        self.senderCompID = senderCompID
        self.targetCompID = targetCompID
        self.version = version
        self.heartbeatIntervalSeconds = heartbeatIntervalSeconds
        self.resetOnLogon = resetOnLogon
        self.username = username
        self.password = password
    }

    /// The acceptor configuration of this session for `version`.
    public func configuration(
        version: FIXVersion, venueCompID: String, accountName: String, defaultPassword: String
    ) -> FIXSessionConfiguration {
        var configuration = FIXSessionConfiguration(
            role: .acceptor, version: version, senderCompID: FIXString(senderCompID ?? venueCompID)!,
            targetCompID: FIXString(targetCompID ?? accountName)!, username: username.flatMap { FIXString($0) },
            password: FIXString(password ?? defaultPassword))
        configuration.resetOnLogon = resetOnLogon
        configuration.requiredHeartbeatIntervalSeconds = heartbeatIntervalSeconds
        return configuration
    }
}
