import Exchange
import MatchingEngine
import Wire

/// The accounts a live venue accepts, named as the simulator names its
/// participants: account `k` (1-based) is participant `k`, with OUCH
/// username and FIX SenderCompID `"P"` + `k` in base 36 and password
/// `"exsim"`. The venue's FIX CompID and SoupBinTCP session name are the
/// venue's name.
public struct LiveAccounts: Sendable {
    /// How many accounts each venue accepts: `P1` … `P<count>`.
    public var count: Int
    public var password: String
    /// Per-account FIX session settings (a scenario's `fix_sessions`); an
    /// account without one takes the defaults above.
    public var fixSessions: [FIXSessionSettings] = []

    /// The most accounts a venue takes: a username is at most 6 characters.
    public static let maximumCount = 10_000

    public init(count: Int, password: String = "exsim") {
        precondition(count >= 1 && count <= Self.maximumCount, "accounts: 1 to \(Self.maximumCount)")
        self.count = count
        self.password = password
    }

    /// The name of account `index` (0-based): its OUCH username and FIX CompID.
    public func name(_ index: Int) -> String {
        "P" + String(index + 1, radix: 36, uppercase: true)
    }

    public func participant(_ index: Int) -> ParticipantID { ParticipantID(UInt32(index + 1)) }

    /// The account with this name, if any.
    public func index(named name: some StringProtocol) -> Int? {
        guard name.first == "P", let number = Int(name.dropFirst(), radix: 36), number >= 1, number <= count,
              self.name(number - 1) == name.uppercased() else { return nil }
        return number - 1
    }

    /// The venue port of an OUCH 4.2 over SoupBinTCP connection of account `index`.
    public func ouchPort(_ index: Int, venue: String) -> VenueGateway.PortKind {
        .ouch42(.init(session: SoupBinTCPSessionName(String(venue.prefix(10))) ?? .blank,
                      username: SoupBinTCPUsername(name(index))!,
                      password: SoupBinTCPPassword(password)!))
    }

    /// The settings of account `index`'s FIX session for `version`, if the scenario gave some.
    public func fixSettings(_ index: Int, version: FIXVersion) -> FIXSessionSettings? {
        let account = name(index)
        return fixSessions.first { $0.account == account && ($0.version == nil || $0.version == version) }
    }

    /// The account whose FIX session a Logon with this SenderCompID and
    /// version logs on to: the session whose client CompID it is, or else
    /// the account of that name.
    public func fixAccount(clientCompID: some StringProtocol, version: FIXVersion) -> Int? {
        if let settings = fixSessions.first(where: {
            ($0.targetCompID ?? $0.account) == clientCompID && ($0.version == nil || $0.version == version)
        }) {
            return index(named: settings.account)
        }
        return index(named: clientCompID)
    }

    /// The venue port of a FIX acceptor session of account `index`.
    public func fixPort(_ index: Int, version: FIXVersion, venue: String) -> VenueGateway.PortKind {
        if let settings = fixSettings(index, version: version) {
            return .fix(settings.configuration(version: version, venueCompID: venue, accountName: name(index),
                                               defaultPassword: password))
        }
        return .fix(FIXSessionConfiguration(role: .acceptor, version: version, senderCompID: FIXString(venue)!,
                                            targetCompID: FIXString(name(index))!, password: FIXString(password)))
    }
}
