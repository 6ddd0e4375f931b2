import Foundation
import Testing

/// The shipped shared-trunk drill through `exsim run`: two venues cross one
/// trunk, which goes down; one fails over to its backup, the other waits
/// on TCP, and every packet either venue sent crossed the trunk first.
@Suite struct SharedTrunkDrillCLITests {
    static let drill = "Scenarios/shared-trunk.yaml"

    @Test func theSharedTrunkDrillHoldsItsAssertions() throws {
        let directory = try ExsimProcess.temporaryDirectory("shared-trunk")
        defer { try? FileManager.default.removeItem(at: directory) }
        let run = try ExsimProcess.run(["run", Self.drill, "--check", "--out", directory.path])
        #expect(run.status == 0, "\(run.stdout)\(run.stderr)")
        #expect(run.stdout.contains("outages XNYB+XNYC NY4-NY5: 1 (longest 20.00 ms"), "\(run.stdout)")
        #expect(!run.stdout.contains("outages XNYA"), "the venue of the other site is untouched: \(run.stdout)")
        // The trunk's part of each way, beneath the hop, for its venues only.
        #expect(run.stdout.components(separatedBy: "| of which on NY4-NY5 (shared) |").count == 5, "\(run.stdout)")
        #expect(!run.stdout.contains("| XNYA | of which"), "\(run.stdout)")
        // XNYB's route moves to the backup once the trunk's failure is detected; XNYC has none.
        #expect(run.stdout.contains("order-entry availability XNYB:") && run.stdout.contains("path outages: 1 (longest 1.00 ms"), "\(run.stdout)")
        #expect(run.stdout.contains("order-entry availability XNYC: 90.0292% over the primary link alone (no backup path); path outages: 1 (longest 20.00 ms"),
                "\(run.stdout)")

        // Every packet of the two venues' order entry (primary path) and
        // feeds crossed the trunk first: what it delivered each way is what
        // their own links were given.
        let report = try #require(try JSONSerialization.jsonObject(
            with: Data(contentsOf: directory.appendingPathComponent("report.json"))) as? [String: Any])
        let links = try #require((report["network"] as? [String: Any])?["links"] as? [[String: Any]])
        func packets(_ venue: String, _ link: String, _ key: String = "packetsSent") throws -> Int {
            let row = try #require(links.first { $0["venue"] as? String == venue && $0["link"] as? String == link }, "\(venue) \(link)")
            return try #require(row[key] as? Int)
        }
        let toVenues = try packets("XNYB", "order_entry.to_venue") + packets("XNYC", "order_entry.to_venue")
        #expect(try packets("XNYB+XNYC", "NY4-NY5.to_venue", "packetsDelivered") == toVenues)
        let fromVenues = try ["XNYB", "XNYC"].reduce(0) { sum, venue in
            try sum + packets(venue, "order_entry.from_venue") + packets(venue, "market_data")
        }
        #expect(try packets("XNYB+XNYC", "NY4-NY5.from_venue", "packetsDelivered") == fromVenues)
        #expect(try packets("XNYB", "order_entry_backup.to_venue") > 0, "the backup carried XNYB's order entry through the outage")

        let validate = try ExsimProcess.run(["validate", Self.drill])
        #expect(validate.status == 0, "\(validate.stderr)")
        #expect(validate.stdout.contains("11 modelled link direction(s), 1 shared link(s), 2 fault(s), 4 assertion(s)"), "\(validate.stdout)")
    }

    /// The drill with XNYC on a cross-connect of its own and a 2 ms bound
    /// on the longest order-entry outage: it holds with XNYB's backup path,
    /// and fails without it (the trunk's whole 20 ms).
    @Test func withoutItsBackupPathTheTrunkOutageBreaksTheBound() throws {
        let text = try String(contentsOfFile: Self.drill, encoding: .utf8)
        let tight = text
            .replacingOccurrences(of: "    - venue: XNYC\n      via: NY4-NY5\n", with: "    - venue: XNYC\n")
            .replacingOccurrences(of: "max_order_entry_outage: 20ms", with: "max_order_entry_outage: 2ms")
        let withoutBackup = tight.replacingOccurrences(of: "        backup: { latency: 400us, detection: 1ms }\n", with: "")
        #expect(tight != text && withoutBackup != tight)
        let directory = try ExsimProcess.temporaryDirectory("shared-trunk-variants")
        defer { try? FileManager.default.removeItem(at: directory) }
        for (name, yaml, status) in [("with-backup", tight, Int32(0)), ("without-backup", withoutBackup, Int32(1))] {
            let file = directory.appendingPathComponent("\(name).yaml")
            try yaml.write(to: file, atomically: true, encoding: .utf8)
            let run = try ExsimProcess.run(["run", file.path, "--check", "--quiet", "--out", directory.appendingPathComponent(name).path])
            #expect(run.status == status, "\(name): \(run.stdout)\(run.stderr)")
            let verdict = status == 0 ? "measured 1ms: pass" : "measured 20ms: FAIL"
            #expect(run.stdout.contains("assertion max_order_entry_outage: 2ms — \(verdict)"), "\(name): \(run.stdout)")
        }
    }
}
