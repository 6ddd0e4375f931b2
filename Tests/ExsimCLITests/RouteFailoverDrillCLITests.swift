import Foundation
import Testing

/// The shipped failover drills through `exsim run`: the route moves to the
/// backup path, the report gives order entry's availability with and
/// without it, and the assertions measure the path, not the primary link.
@Suite struct RouteFailoverDrillCLITests {
    func report(in directory: URL) throws -> [String: Any] {
        let data = try Data(contentsOf: directory.appendingPathComponent("report.json"))
        return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    @Test func theRouteFailoverDrillHoldsItsAssertions() throws {
        let directory = try ExsimProcess.temporaryDirectory("route-failover")
        defer { try? FileManager.default.removeItem(at: directory) }
        let run = try ExsimProcess.run(["run", "Scenarios/route-failover.yaml", "--check", "--out", directory.path])
        #expect(run.status == 0, "\(run.stdout)\(run.stderr)")
        // Only the 2 ms when both paths were down counts: not the primary's 40 ms.
        #expect(run.stdout.contains("assertion max_order_entry_outage: 2ms — measured 2ms: pass"), "\(run.stdout)")
        #expect(run.stdout.contains("assertion orders_unanswered: 0 — measured 0: pass"), "\(run.stdout)")
        #expect(run.stdout.contains("order-entry availability XFAIL: 86.0044% over the primary link alone, 99.2668% with the backup path (detection 200.00 µs"), "\(run.stdout)")
        #expect(run.stdout.contains("| XFAIL | order_entry_backup.to_venue |"), "\(run.stdout)")

        let network = try #require(try report(in: directory)["network"] as? [String: Any])
        let availability = try #require((network["orderEntryAvailability"] as? [[String: Any]])?.first)
        #expect(availability["withoutRedundancyPpm"] as? Int == 860_044 && availability["withRedundancyPpm"] as? Int == 992_668)
        #expect(availability["detectionNs"] as? Int == 200_000)
        let intervals = try #require(availability["pathOutages"] as? [[String: Any]])
        // The detection windows of both primary outages, the second merged with the time both were down.
        #expect(intervals.map { $0["startNs"] as? Int } == [60_000_000, 220_000_000])
        #expect(intervals.map { $0["endNs"] as? Int } == [60_200_000, 222_000_000])
        #expect(availability["totalPathOutageNs"] as? Int == 2_200_000 && availability["longestPathOutageNs"] as? Int == 2_000_000)
        #expect((availability["packetsOverBackup"] as? Int ?? 0) > 1_000)
    }

    @Test func theRedundantAvailabilityRunReportsBothFigures() throws {
        let directory = try ExsimProcess.temporaryDirectory("availability-redundant")
        defer { try? FileManager.default.removeItem(at: directory) }
        let run = try ExsimProcess.run(["run", "Scenarios/availability-redundant.yaml", "--check", "--out", directory.path])
        #expect(run.status == 0, "\(run.stdout)\(run.stderr)")
        // The same seed draws the primary's outages of Scenarios/availability.yaml.
        #expect(run.stdout.contains("order-entry availability XAVAIL: 99.9549% over the primary link alone, 99.9994% with the backup path"), "\(run.stdout)")
        #expect(run.stdout.contains("assertion order_entry_availability_at_least: 99.999% — measured 99.9994%: pass"), "\(run.stdout)")

        // Without the backup the same bound fails.
        let failing = try ExsimProcess.runVariant(of: "Scenarios/availability-redundant.yaml", [
            ("        backup:\n          latency: 30us\n          detection: 10us\n", ""),
            ("  - { at: 0s, venue: XAVAIL, link: order_entry_backup, action: random, mtbf: 5s, mttr: 1ms }\n", ""),
        ], named: "single", in: directory)
        #expect(failing.status == 1, "\(failing.stdout)\(failing.stderr)")
        #expect(failing.stdout.contains("assertion order_entry_availability_at_least: 99.999% — measured 99.9549%: FAIL"), "\(failing.stdout)")
    }
}
