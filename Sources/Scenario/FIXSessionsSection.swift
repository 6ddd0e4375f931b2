import Exchange
import Simulation
import Wire
import Yams

// A venue's `fix_sessions:` — per-account FIX session settings that
// `exsim serve` applies (the simulator's participants keep their own).
extension ScenarioReader {
    static let fixSessionKeys = [
        "account", "sender_comp_id", "target_comp_id", "begin_string", "heartbeat_interval", "reset_on_logon",
        "username", "password",
    ]

    func fixSessions(_ node: Node, venueName: String, protocols: [OrderEntryProtocol]) throws(ScenarioError) -> [FIXSessionSettings] {
        let versions = FIXVersion.allCases.filter { protocols.contains($0 == .fix42 ? .fix42 : .fix44) }
        guard !versions.isEmpty else {
            throw error(node, "venue '\(venueName)' takes no FIX (its order_entry lists neither fix42 nor fix44); fix_sessions need one")
        }
        var sessions: [FIXSessionSettings] = []
        for item in try sequence(node, "a list of FIX sessions like { account: P1, target_comp_id: CLIENT1 }") {
            let f = try fields(item, allowed: Self.fixSessionKeys, required: ["account"], what: "a FIX session")
            let account = try string(f["account"]!.value, "an account like P1")
            guard Self.isAccountName(account) else {
                throw error(f["account"]!.value, "'\(account)' is not an account; expected P1, P2, … (P and a number in base 36, as exsim serve names its accounts)")
            }
            var session = FIXSessionSettings(account: account)
            session.senderCompID = try f["sender_comp_id"].map { entry throws(ScenarioError) in try fixValue(entry.value, "a CompID") }
            session.targetCompID = try f["target_comp_id"].map { entry throws(ScenarioError) in try fixValue(entry.value, "a CompID") }
            session.username = try f["username"].map { entry throws(ScenarioError) in try fixValue(entry.value, "a username") }
            session.password = try f["password"].map { entry throws(ScenarioError) in try fixValue(entry.value, "a password") }
            if let entry = f["begin_string"] {
                let version = try choice(entry.value, [("FIX.4.2", FIXVersion.fix42), ("FIX.4.4", .fix44)], "BeginString")
                guard versions.contains(version) else {
                    throw error(entry.value, "venue '\(venueName)' does not take \(version == .fix42 ? "FIX.4.2 (fix42)" : "FIX.4.4 (fix44)"); its order_entry is: \(protocols.map(\.rawValue).joined(separator: ", "))")
                }
                session.version = version
            }
            if let entry = f["heartbeat_interval"] {
                let ns = try duration(entry.value, atMost: 3_600_000_000_000, what: "a HeartBtInt")
                guard ns % 1_000_000_000 == 0 else { throw error(entry.value, "a HeartBtInt is whole seconds, like 30s") }
                session.heartbeatIntervalSeconds = Int(ns / 1_000_000_000)
            }
            if let entry = f["reset_on_logon"] {
                session.resetOnLogon = try choice(entry.value, [("true", true), ("false", false)], "boolean")
            }
            // The venue tells sessions apart by the Logon's SenderCompID and BeginString.
            let clientCompID = session.targetCompID ?? account
            for other in sessions where (other.targetCompID ?? other.account) == clientCompID
                && (other.version == nil || session.version == nil || other.version == session.version)
            {
                throw error(item, "a FIX session for the client CompID '\(clientCompID)'\(session.version.map { $0 == .fix42 ? " and FIX.4.2" : " and FIX.4.4" } ?? "") is listed twice (accounts \(other.account) and \(account))")
            }
            for other in sessions where other.account == account
                && (other.version == nil || session.version == nil || other.version == session.version)
            {
                throw error(item, "account \(account) has two FIX sessions for the same BeginString; give each a different begin_string")
            }
            sessions.append(session)
        }
        return sessions
    }

    /// A FIX field value: 1 to 64 printable ASCII characters without spaces.
    func fixValue(_ node: Node, _ what: String) throws(ScenarioError) -> String {
        let text = try string(node, what)
        guard text.utf8.count <= FIXString.capacity, text.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F }) else {
            throw error(node, "\(text.debugDescription) is not \(what): 1 to \(FIXString.capacity) printable ASCII characters without spaces")
        }
        return text
    }

    /// `P` and a positive number in upper-case base 36 (`P1` … `P7PS`).
    static func isAccountName(_ text: String) -> Bool {
        guard text.first == "P", let number = Int(text.dropFirst(), radix: 36), number >= 1, number <= 10_000 else { return false }
        return "P" + String(number, radix: 36, uppercase: true) == text
    }
}
