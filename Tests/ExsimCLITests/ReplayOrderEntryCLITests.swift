import Foundation
import Testing

/// `exsim replay --order-entry`: the sample capture's client sessions, OUCH
/// and FIX, replayed onto `exsim serve` of the scenario that recorded them.
@Suite struct ReplayOrderEntryCLITests {
    static let sample = "Captures/two-venues.pcap.zst"

    static func venue(_ name: String, in report: URL) throws -> [String: Any] {
        let object = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: report)) as? [String: Any])
        return try #require((object["venues"] as? [[String: Any]])?.first { $0["name"] as? String == name })
    }

    /// Every captured request goes out, in its session, and every order is
    /// answered; the venue carries out exactly as many requests as were
    /// captured (1,955 OUCH, 2,008 FIX: `exsim capture inspect` counts
    /// 1,330 + 221 + 404 OUCH inbound messages). Replayed twice to the same
    /// venue, the second replay's rewritten ids clash with none of the first's.
    @Test func ouchAndFIXSessionsAreReplayedToServeAndAnswered() throws {
        let serve = try ServeTests.ServeProcess(["Scenarios/two-venues.yaml"])
        try serve.waitForPorts()
        let directory = try ExsimProcess.temporaryDirectory("replay-order-entry")
        defer { try? FileManager.default.removeItem(at: directory) }
        let json = directory.appendingPathComponent("ouch.json").path
        let ouch = try ExsimProcess.run(["replay", Self.sample, "--order-entry", "--ports-file", serve.portsFile.path, "--venue", "XOUCH",
                                         "--sessions", "ouch42", "--top-speed", "--json", json])
        #expect(ouch.status == 0, "\(ouch.stderr)")
        #expect(ouch.stdout.contains("sent: 1,955 requests (1,330 orders, 404 cancels, 221 replaces)"), "\(ouch.stdout)")
        #expect(ouch.stdout.contains("1,330 accepted, 0 rejected") && ouch.stdout.contains("0 orders unanswered"), "\(ouch.stdout)")
        let document = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: json))) as? [String: Any])
        #expect(document["sessions"] as? Int == 8 && document["unanswered"] as? Int == 0)
        // The run's description and the result's counts side by side, in one object.
        #expect(document["requestsSent"] as? Int == 1_955 && document["requestsNotSent"] as? Int == 0)
        #expect(document["heldBackTurns"] as? Int == 0 && document["failure"] == nil)
        #expect((document["sendErrors"] as? [String: Any])?["count"] as? Int == 1_955)
        #expect(document["machine"] is [String: Any] && document["pacing"] is String && document["venue"] as? String == "XOUCH")
        let again = try ExsimProcess.run(["replay", Self.sample, "--order-entry", "--ports-file", serve.portsFile.path, "--venue", "XOUCH",
                                          "--sessions", "ouch42", "--speed", "20"])
        #expect(again.status == 0, "\(again.stderr)")
        #expect(again.stdout.contains("1,330 accepted, 0 rejected"), "\(again.stdout)")
        let fix = try ExsimProcess.run(["replay", Self.sample, "--order-entry", "--ports-file", serve.portsFile.path, "--venue", "XFIX",
                                        "--sessions", "fix", "--speed", "10"])
        #expect(fix.status == 0, "\(fix.stderr)")
        #expect(fix.stdout.contains("(fix42, ") && fix.stdout.contains("(fix44, "), "\(fix.stdout)")
        #expect(fix.stdout.contains("sent: 2,008 requests") && fix.stdout.contains("1,504 accepted, 0 rejected"), "\(fix.stdout)")
        #expect(try serve.terminate() == 0, "\(serve.standardError)")
        let report = serve.outDirectory.appendingPathComponent("serve-report.json")
        #expect(try Self.venue("XOUCH", in: report)["requests"] as? Int == 2 * 1_955)
        #expect(try Self.venue("XFIX", in: report)["requests"] as? Int == 2_008)
    }

    @Test func mistakesAreClearErrors() throws {
        let serve = try ServeTests.ServeProcess(["Scenarios/two-venues.yaml", "--accounts", "2"])
        try serve.waitForPorts()
        let base = ["replay", Self.sample, "--order-entry", "--top-speed"]
        let cases: [([String], String)] = [
            (base, "--ports-file"),
            (base + ["--ports-file", serve.portsFile.path], "name one with --venue"),
            (base + ["--ports-file", serve.portsFile.path, "--venue", "NOPE"], "--venue NOPE"),
            (base + ["--ports-file", serve.portsFile.path, "--venue", "XOUCH", "--sessions", "itch"], "--sessions itch"),
            (base + ["--ports-file", serve.portsFile.path, "--venue", "XOUCH", "--sessions", "ouch42"], "--accounts 8"),
            (base + ["--ports-file", serve.portsFile.path, "--venue", "XOUCH", "--feed-to", "127.0.0.1:9"], "choose one"),
            (["replay", Self.sample, "--ports-file", serve.portsFile.path, "--feed-to", "127.0.0.1:9"], "go with --order-entry"),
            (["replay", Self.sample, "--sessions", "ouch42", "--feed-to", "127.0.0.1:9"], "go with --order-entry"),
            (base + ["--ports-file", serve.portsFile.path, "--venue", "XOUCH", "--spin", "20us"], "pace the feed's datagrams"),
        ]
        for (arguments, expected) in cases {
            let run = try ExsimProcess.run(arguments)
            #expect(run.status == 64, "\(arguments): \(run.stdout)")
            #expect(run.stderr.contains(expected), "\(arguments): \(run.stderr)")
        }
        // Ports files edited by hand: eight accounts, the first of them no SoupBinTCP username, or all good.
        let directory = try ExsimProcess.temporaryDirectory("replay-order-entry-bad")
        defer { try? FileManager.default.removeItem(at: directory) }
        func portsFile(accounts: [String]) throws -> String {
            var object = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: serve.portsFile)) as? [String: Any])
            let venues = try #require(object["venues"] as? [[String: Any]])
            object["venues"] = venues.map { venue -> [String: Any] in
                var venue = venue
                venue["accounts"] = accounts
                return venue
            }
            let file = directory.appendingPathComponent("ports-\(accounts[0]).json")
            try JSONSerialization.data(withJSONObject: object).write(to: file)
            return file.path
        }
        let eight = (2...8).map { "P\($0)" }
        let badAccount = try ExsimProcess.run(base + ["--ports-file", try portsFile(accounts: ["TRADER01"] + eight), "--venue", "XOUCH",
                                                      "--sessions", "ouch42"])
        #expect(badAccount.status == 64 && badAccount.stderr.contains("TRADER01"), "\(badAccount.stderr)")
        let good = try portsFile(accounts: ["P1"] + eight)
        #expect(try serve.terminate() == 0, "\(serve.standardError)")
        // The venue gone: its ports are closed.
        let gone = try ExsimProcess.run(base + ["--ports-file", good, "--venue", "XFIX", "--sessions", "fix"])
        #expect(gone.status == 69 && gone.stderr.contains("cannot connect"), "\(gone.stderr)")
    }

    /// To a venue that speaks TLS: refused without a way to trust it, replayed with its certificate.
    @Test(.enabled(if: ServeTLSTests.openssl != nil || CaptureOracleTests.required, "openssl is not installed: scripts/setup.sh installs it"))
    func aTLSVenueIsReplayedToWithItsCertificate() throws {
        let directory = try ExsimProcess.temporaryDirectory("replay-order-entry-tls")
        defer { try? FileManager.default.removeItem(at: directory) }
        let (certificate, key) = try ServeTLSTests.makeCertificate(in: directory)
        let serve = try ServeTests.ServeProcess(["Scenarios/two-venues.yaml", "--tls-certificate", certificate, "--tls-key", key])
        try serve.waitForPorts()
        let base = ["replay", Self.sample, "--order-entry", "--ports-file", serve.portsFile.path, "--venue", "XOUCH", "--sessions", "ouch42",
                    "--top-speed"]
        let untold = try ExsimProcess.run(base)
        #expect(untold.status == 64 && untold.stderr.contains("--tls-ca"), "\(untold.stderr)")
        let replay = try ExsimProcess.run(base + ["--tls-ca", certificate])
        #expect(replay.status == 0, "\(replay.stderr)")
        #expect(replay.stdout.contains("1,330 accepted, 0 rejected") && replay.stdout.contains("0 orders unanswered"), "\(replay.stdout)")
        #expect(try serve.terminate() == 0, "\(serve.standardError)")
    }
}
