import Foundation
import Testing

/// Every shipped drill over eight seeds besides its own, through
/// `exsim sweep`: each seed must keep every invariant and assertion the
/// drill states. The runs are deterministic, so a seed that fails here
/// fails the same way for whoever reruns the command the sweep prints.
@Suite struct DrillSweepCLITests {
    static let drills = [
        "lossy-link", "link-flap", "availability", "route-failover", "availability-redundant", "feed-arbitration",
        "gateway-failover", "site-partition", "shared-trunk", "host-crash", "gateway-cold-restart", "reconnect-backoff",
    ]

    @Test(arguments: drills)
    func theDrillHoldsItsAssertionsOverEightMoreSeeds(_ name: String) throws {
        let sweep = try ExsimProcess.run(["sweep", "Scenarios/\(name).yaml", "--seeds", "8", "--first-seed", "1000", "--jobs", "1"])
        #expect(sweep.status == 0, "\(name): \(sweep.stdout)\(sweep.stderr)")
        #expect(sweep.stdout.contains("seeds: 8 pass, 0 assertion-failed, 0 invariant-broken, 0 crashed · 8 distinct trace digests"),
                "\(name): \(sweep.stdout)")
    }
}
