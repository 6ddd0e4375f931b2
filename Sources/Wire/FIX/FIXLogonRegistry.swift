// The CompID pairs logged on at one acceptor, so that a second Logon with
// the same pair is refused while the first session stays up.

/// The set of CompID pairs with a live session at one venue.
///
/// A handful of sessions per venue: a linear scan keeps the order of
/// claims deterministic and costs nothing worth hashing for.
public struct FIXLogonRegistry {
    private var active: [(counterparty: FIXString, venue: FIXString)] = []

    public init() {}

    /// Claims the pair; false if a session already holds it.
    public mutating func claim(counterpartyCompID: FIXString, venueCompID: FIXString) -> Bool {
        if isClaimed(counterpartyCompID: counterpartyCompID, venueCompID: venueCompID) { return false }
        active.append((counterpartyCompID, venueCompID))
        return true
    }

    public func isClaimed(counterpartyCompID: FIXString, venueCompID: FIXString) -> Bool {
        active.contains { $0.counterparty == counterpartyCompID && $0.venue == venueCompID }
    }

    /// Releases the pair held by `session` when its connection closes; a
    /// refused newcomer holds nothing and releases nothing.
    public mutating func release(_ session: FIXSession) {
        guard session.holdsLogonClaim else { return }
        let counterparty = session.configuration.targetCompID
        let venue = session.configuration.senderCompID
        active.removeAll { $0.counterparty == counterparty && $0.venue == venue }
    }

    public var count: Int { active.count }
}
