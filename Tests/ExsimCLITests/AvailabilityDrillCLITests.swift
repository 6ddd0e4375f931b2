import Foundation
import Testing

/// The shipped availability run through `exsim run`: random outages drawn
/// from the seed, the availability they leave measured against the
/// drill's bound; made stricter than what the seed draws, it fails.
@Suite struct AvailabilityDrillCLITests {
    @Test func theAvailabilityRunHoldsItsBoundAndAStricterOneFails() throws {
        let directory = try ExsimProcess.temporaryDirectory("availability")
        defer { try? FileManager.default.removeItem(at: directory) }
        let run = try ExsimProcess.run(["run", "Scenarios/availability.yaml", "--check", "--out", directory.appendingPathComponent("held").path])
        #expect(run.status == 0, "\(run.stdout)\(run.stderr)")
        #expect(run.stdout.contains("assertion order_entry_availability_at_least: 99.9% — measured 99.9549%: pass"), "\(run.stdout)")
        #expect(run.stdout.contains("outages XAVAIL order_entry: 11 ("), "\(run.stdout)")
        let data = try Data(contentsOf: directory.appendingPathComponent("held/report.json"))
        let report = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let availability = try #require((report["assertions"] as? [[String: Any]])?.first)
        #expect(availability["unit"] as? String == "ppm" && availability["boundValue"] as? Int == 999_000)
        #expect(availability["measuredValue"] as? Int == 999_549)
        // The outages' total agrees with the availability: 9.02 ms of 20 s down.
        let outages = try #require(((report["network"] as? [String: Any])?["outages"] as? [[String: Any]])?.first)
        let totalNs = try #require(outages["totalNs"] as? Int)
        #expect(1_000_000 - totalNs * 1_000_000 / 20_000_000_000 - 1 <= 999_549 && 999_549 <= 1_000_000 - totalNs * 1_000_000 / 20_000_000_000)

        let failing = try ExsimProcess.runVariant(
            of: "Scenarios/availability.yaml",
            [("  order_entry_availability_at_least: 99.9%\n", "  order_entry_availability_at_least: 99.99%\n")],
            named: "strict", in: directory)
        #expect(failing.status == 1, "\(failing.stdout)\(failing.stderr)")
        #expect(failing.stdout.contains("assertion order_entry_availability_at_least: 99.99% — measured 99.9549%: FAIL"), "\(failing.stdout)")
    }
}
