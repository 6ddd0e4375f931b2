import Wire

/// Which account a new connection logs in as, read from its first message
/// (a SoupBinTCP Login Request's username, a FIX Logon's SenderCompID and
/// BeginString). The venue's ports are per account, as in the simulator,
/// so a listening socket shared by every account must pick the port before
/// the first byte reaches it; the port itself then checks the login and
/// gives the protocol's answer. A login naming no account goes to the
/// first account's port, which refuses it (Login Rejected, or a FIX
/// disconnect) exactly as it refuses a wrong password.
public enum LoginRouter {
    /// The order-entry protocol of a listening socket.
    public enum Listener: Sendable, Equatable {
        case ouch42
        /// FIX, with the versions the venue accepts (the first for a Logon that names none of them).
        case fix([FIXVersion])
        /// ITCH 5.0 over SoupBinTCP: the feed replayed from any sequence number, then live.
        case itchOverSoupBinTCP
    }

    /// A port to bind the connection to.
    public struct Route: Sendable, Equatable {
        public var account: Int
        /// The FIX version of the session; nil for OUCH.
        public var fixVersion: FIXVersion?
        /// The login named an account of this venue (and, for FIX, a version it takes).
        public var recognised: Bool

        public init(account: Int, fixVersion: FIXVersion?, recognised: Bool) {
            self.account = account
            self.fixVersion = fixVersion
            self.recognised = recognised
        }
    }

    /// Bytes a first message may take before the router gives up reading it:
    /// a SoupBinTCP Login Request is 49 bytes, a FIX Logon a few hundred.
    public static let firstMessageLimitBytes = 4_096

    /// The route for a connection that has sent `bytes` so far, or nil
    /// while its first message is incomplete.
    public static func route(_ bytes: UnsafeRawBufferPointer, listener: Listener, accounts: LiveAccounts) -> Route? {
        switch listener {
        case .ouch42, .itchOverSoupBinTCP: return soupBinTCPRoute(bytes, accounts: accounts)
        case .fix(let versions): return fixRoute(bytes, versions: versions, accounts: accounts)
        }
    }

    static func fallback(_ version: FIXVersion?) -> Route { Route(account: 0, fixVersion: version, recognised: false) }

    /// SoupBinTCP 3.00: u16 length, 'L', Username 6 (alpha, space padded).
    static func soupBinTCPRoute(_ bytes: UnsafeRawBufferPointer, accounts: LiveAccounts) -> Route? {
        let usernameEnd = 3 + 6
        if bytes.count >= 3, bytes[2] != UInt8(ascii: "L") { return fallback(nil) }
        guard bytes.count >= usernameEnd else { return nil }
        let username = String(decoding: bytes[3..<usernameEnd], as: UTF8.self).trimmingSpaces()
        guard let account = accounts.index(named: username) else { return fallback(nil) }
        return Route(account: account, fixVersion: nil, recognised: true)
    }

    /// FIX: the first whole message (up to `10=nnn<SOH>`), its BeginString (8) and SenderCompID (49).
    static func fixRoute(_ bytes: UnsafeRawBufferPointer, versions: [FIXVersion], accounts: LiveAccounts) -> Route? {
        let first = versions.first ?? .fix44
        var fields: [(tag: Int, value: ArraySlice<UInt8>)] = []
        var start = 0
        var index = 0
        while index < bytes.count {
            if bytes[index] == 0x01 {
                let field = Array(bytes[start..<index])
                guard let equals = field.firstIndex(of: UInt8(ascii: "=")),
                      let tag = Int(String(decoding: field[..<equals], as: UTF8.self)) else { return fallback(first) }
                fields.append((tag, field[(equals + 1)...]))
                start = index + 1
                if tag == 10 { break }
            }
            index += 1
        }
        guard fields.last?.tag == 10 else {
            return bytes.count >= firstMessageLimitBytes ? fallback(first) : nil
        }
        let beginString = fields.first { $0.tag == 8 }.map { String(decoding: $0.value, as: UTF8.self) }
        guard let version = versions.first(where: { beginString == $0.beginString.description }) else { return fallback(first) }
        guard let sender = fields.first(where: { $0.tag == 49 }),
              let account = accounts.fixAccount(clientCompID: String(decoding: sender.value, as: UTF8.self), version: version)
        else { return fallback(version) }
        return Route(account: account, fixVersion: version, recognised: true)
    }
}

extension String {
    func trimmingSpaces() -> String {
        String(drop { $0 == " " }.reversed().drop { $0 == " " }.reversed())
    }
}
