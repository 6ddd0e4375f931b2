import Foundation
import Testing

/// The shipped A/B feed drill through `exsim run`: B fills what A loses
/// without re-requests, and what both lose is re-requested and recovered;
/// the same run without the B feed re-requests every loss.
@Suite struct FeedArbitrationDrillCLITests {
    func feed(in directory: URL) throws -> [String: Any] {
        let data = try Data(contentsOf: directory.appendingPathComponent("report.json"))
        let report = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        return try #require(((report["network"] as? [String: Any])?["feeds"] as? [[String: Any]])?.first)
    }

    @Test func theBFeedSparesTheReRequestsOfWhatOnlyALost() throws {
        let directory = try ExsimProcess.temporaryDirectory("feed-arbitration")
        defer { try? FileManager.default.removeItem(at: directory) }
        let run = try ExsimProcess.run(["run", "Scenarios/feed-arbitration.yaml", "--check", "--out", directory.appendingPathComponent("ab").path])
        #expect(run.status == 0, "\(run.stdout)\(run.stderr)")
        #expect(run.stdout.contains("assertion unrecovered_feed_gaps: 0 — measured 0: pass"), "\(run.stdout)")
        #expect(run.stdout.contains("feed XARB A/B arbitration (window 50.00 µs): "), "\(run.stdout)")
        #expect(run.stdout.contains("| XARB | market_data_b |"), "\(run.stdout)")
        let withB = try feed(in: directory.appendingPathComponent("ab"))
        let arbitration = try #require(withB["arbitration"] as? [String: Any])
        let published = try #require(withB["messagesPublished"] as? Int)
        #expect(withB["messagesDelivered"] as? Int == published && withB["booksMatchVenue"] as? Bool == true)
        let firstOnB = try #require(arbitration["messagesFirstOnB"] as? Int)
        #expect(firstOnB > 100, "B filled A's losses")
        #expect(arbitration["messagesFirstOnA"] as? Int == published - firstOnB)
        let requestsWithB = try #require(withB["requestsSent"] as? Int)
        #expect(requestsWithB >= 1, "what both lost is re-requested")

        // The same drill without the B feed (and its faults).
        let drill = try String(contentsOf: ExsimProcess.packageRoot.appendingPathComponent("Scenarios/feed-arbitration.yaml"), encoding: .utf8)
        let single = drill.split(separator: "\n", omittingEmptySubsequences: false)
            .filter { !$0.contains("market_data_b") && !$0.contains("latency: 22us") && !$0.contains("arbitration: 50us") }
            .joined(separator: "\n")
        #expect(!single.contains("market_data_b"))
        let file = directory.appendingPathComponent("single.yaml")
        try single.write(to: file, atomically: true, encoding: .utf8)
        let alone = try ExsimProcess.run(["run", file.path, "--check", "--out", directory.appendingPathComponent("a").path])
        #expect(alone.status == 0, "\(alone.stdout)\(alone.stderr)")
        let withoutB = try feed(in: directory.appendingPathComponent("a"))
        #expect(withoutB["arbitration"] == nil)
        let requestsWithoutB = try #require(withoutB["requestsSent"] as? Int)
        #expect(requestsWithoutB > 10 * requestsWithB, "without B every loss is re-requested: \(requestsWithoutB) against \(requestsWithB)")
    }
}
