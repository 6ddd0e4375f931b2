import Foundation
import Testing

/// The shipped site-partition drill through `exsim run`: the partitioned
/// site's links are down together, the other site trades on, and TCP and
/// MoldUDP64 recover everything.
@Suite struct SitePartitionDrillCLITests {
    @Test func theSitePartitionDrillHoldsItsAssertions() throws {
        let directory = try ExsimProcess.temporaryDirectory("site-partition")
        defer { try? FileManager.default.removeItem(at: directory) }
        let run = try ExsimProcess.run(["run", "Scenarios/site-partition.yaml", "--check", "--out", directory.path])
        #expect(run.status == 0, "\(run.stdout)\(run.stderr)")
        #expect(run.stdout.contains("outages XNYB order_entry: 1 (longest 10.00 ms"), "\(run.stdout)")
        #expect(run.stdout.contains("outages XNYB market_data: 1 (longest 10.00 ms"), "\(run.stdout)")
        #expect(!run.stdout.contains("outages XNYA"), "the other site is untouched: \(run.stdout)")
        #expect(run.stdout.contains("assertion unrecovered_feed_gaps: 0 — measured 0: pass"), "\(run.stdout)")
        let validate = try ExsimProcess.run(["validate", "Scenarios/site-partition.yaml"])
        #expect(validate.status == 0, "\(validate.stderr)")
    }
}
