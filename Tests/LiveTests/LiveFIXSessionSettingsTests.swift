import Exchange
import Foundation
import Live
import MatchingEngine
import Testing
import Wire

/// Per-account FIX session settings (a scenario's `fix_sessions`) on a
/// served venue: CompIDs, BeginString, HeartBtInt, reset on logon,
/// Username and Password, each checked at Logon.
@Suite struct LiveFIXSessionSettingsTests {
    static func venue() -> LiveVenueConfiguration {
        var venue = LiveFIXSessionTests.venue()
        venue.accounts.fixSessions = [
            FIXSessionSettings(account: "P1", senderCompID: "XGW", targetCompID: "CLIENT1", version: .fix42,
                               heartbeatIntervalSeconds: 20, username: "alice", password: "s3cret"),
            FIXSessionSettings(account: "P2", targetCompID: "CLIENT2", resetOnLogon: true),
        ]
        return venue
    }

    func logOn(_ port: Int, beginString: String = "FIX.4.2", sender: String = "CLIENT1", target: String = "XGW",
               fields: [(Int, String)]) throws -> LoopbackFIXClient {
        let client = try LoopbackFIXClient(port: port, beginString: beginString, senderCompID: sender, targetCompID: target)
        try client.send("A", [(98, "0")] + fields)
        return client
    }

    @Test func theConfiguredSessionLogsOnAndItsChecksRefuseWhatDiffers() throws {
        let server = try LiveServer.start(venues: [Self.venue()], host: "127.0.0.1")
        defer { _ = server.shutdown() }
        let port = try #require(server.endpoints.first?.fixPort)
        let good: [(Int, String)] = [(108, "20"), (553, "alice"), (554, "s3cret")]

        // A wrong password: Logout with text, then close.
        let wrongPassword = try logOn(port, fields: [(108, "20"), (553, "alice"), (554, "exsim")])
        #expect(try wrongPassword.expect("5")[tag: 58] == "Invalid username or password")
        #expect(try wrongPassword.receive() == nil)
        // No Username.
        let noUsername = try logOn(port, fields: [(108, "20"), (554, "s3cret")])
        #expect(try noUsername.expect("5")[tag: 58] == "Invalid username or password")
        #expect(try noUsername.receive() == nil)
        // Another HeartBtInt.
        let otherHeartbeat = try logOn(port, fields: [(108, "30"), (553, "alice"), (554, "s3cret")])
        #expect(try otherHeartbeat.expect("5")[tag: 58] == "HeartBtInt must be 20")
        #expect(try otherHeartbeat.receive() == nil)
        // The venue's default CompID, or the account's name, is not this session's: closed without a reply.
        let wrongTarget = try logOn(port, target: "XLIVE", fields: good)
        #expect(try wrongTarget.receive() == nil, "no reply to a Logon for another CompID")
        let accountName = try logOn(port, sender: "P1", fields: good)
        #expect(try accountName.receive() == nil)
        // FIX.4.4 is not this session's BeginString.
        let otherVersion = try logOn(port, beginString: "FIX.4.4", fields: good)
        #expect(try otherVersion.receive() == nil)

        // The session as configured; the refused Logons used none of its numbers.
        let client = try logOn(port, fields: good)
        let logon = try client.expect("A")
        #expect(logon[tag: 49] == "XGW" && logon[tag: 56] == "CLIENT1" && logon[tag: 8] == "FIX.4.2")
        #expect(logon[tag: 108] == "20")
        #expect(logon[tag: 34] == "4", "the three Logouts took 1 to 3")
        try client.send("D", [(11, "B1"), (21, "1"), (55, "MSFT"), (54, "1"), (60, LoopbackFIXClient.utcTimestamp()),
                              (38, "100"), (40, "2"), (44, "410.00"), (59, "0")])
        let new = try client.expect("8")
        #expect(new[tag: 150] == "0" && new[tag: 39] == "0" && new[tag: 56] == "CLIENT1")
        // After logon, a message with another SenderCompID: Reject 373=9, then Logout.
        let impostor = LoopbackFIXClient(reusing: client, senderCompID: "CLIENT9")
        try impostor.send("0", [])
        let reject = try client.expect("3")
        #expect(reject[tag: 373] == "9")
        #expect(try client.expect("5")[tag: 58] == "CompID problem")
    }

    @Test func resetOnLogonStartsEveryLogonAtOne() throws {
        let server = try LiveServer.start(venues: [Self.venue()], host: "127.0.0.1")
        defer { _ = server.shutdown() }
        let port = try #require(server.endpoints.first?.fixPort)
        for round in 0..<2 {
            let client = try logOn(port, beginString: "FIX.4.4", sender: "CLIENT2", target: "XLIVE",
                                   fields: [(108, "30"), (554, "exsim")])
            let logon = try client.expect("A")
            #expect(logon[tag: 34] == "1" && logon[tag: 141] == "Y", "round \(round)")
            try client.send("5", [])
            _ = try client.expect("5")
            #expect(try client.receive() == nil)
        }
    }
}

extension LoopbackFIXClient {
    /// A client writing on `other`'s connection with another SenderCompID and `other`'s next sequence number.
    convenience init(reusing other: LoopbackFIXClient, senderCompID: String) {
        self.init(connection: other.connection, beginString: other.beginString, senderCompID: senderCompID,
                  targetCompID: other.targetCompID)
        nextSequenceNumber = other.nextSequenceNumber
    }
}
