import Foundation
import Testing
@testable import Scenario
import Simulation

/// `network.sites` and the `partition` fault that cuts a site off.
@Suite struct SitePartitionSectionTests {
    /// `minimal` with XT in site NY5, an order-entry link, a feed with its
    /// B copy, and `extra` appended at the top level.
    func withSite(_ extra: String) -> String {
        replacing("network:\n  one_way_latency: 2us\n", with: """
            network:
              one_way_latency: 2us
              sites:
                - { name: NY5, venues: [XT] }
              venues:
                - venue: XT
                  order_entry: { latency: 2us, rto: 1ms, backup: { detection: 1us } }
                  market_data: { latency: 2us }
                  market_data_b: { latency: 3us, arbitration: 5us }

            """) + "\n" + extra
    }

    @Test func aPartitionTakesEveryLinkOfTheSiteDownAndUp() throws {
        let config = try ScenarioLoader.parse(yaml: withSite("faults:\n  - { at: 2ms, site: NY5, action: partition, for: 3ms }\n"), file: "s.yaml")
        #expect(config.firstProblem == nil)
        let links = Set(config.linkFaults.map(\.link))
        #expect(links == [.orderEntry, .orderEntryBackup, .marketData, .marketDataB])
        #expect(config.linkFaults.filter { $0.action == .down }.allSatisfy { $0.atNs == 2_000_000 && $0.venue == "XT" })
        #expect(config.linkFaults.filter { $0.action == .up }.allSatisfy { $0.atNs == 5_000_000 })
        #expect(config.linkFaults.count == 8)
    }

    @Test func siteAndPartitionMistakesNameTheLine() {
        let unknown = parseError(withSite("faults:\n  - { at: 2ms, site: LD4, action: partition, for: 3ms }\n"))
        #expect(unknown?.message == "unknown site 'LD4'; expected one of: NY5", "\(String(describing: unknown))")
        let late = parseError(withSite("faults:\n  - { at: 8ms, site: NY5, action: partition, for: 3ms }\n"))
        #expect(late?.message.contains("after the run's duration of 10ms") == true, "\(String(describing: late))")
        let noSites = parseError(minimal + "\nfaults:\n  - { at: 2ms, site: NY5, action: partition, for: 3ms }\n")
        #expect(noSites?.message.contains("the scenario has no network.sites") == true, "\(String(describing: noSites))")
        let twice = parseError(replacing("network:\n  one_way_latency: 2us\n",
                                         with: "network:\n  one_way_latency: 2us\n  sites:\n    - { name: A, venues: [XT] }\n    - { name: B, venues: [XT] }\n"))
        #expect(twice?.line == 8)
        #expect(twice?.message == "venue 'XT' is already in site 'A'; a venue is in one site", "\(String(describing: twice))")
        let unknownVenue = parseError(replacing("network:\n  one_way_latency: 2us\n",
                                                with: "network:\n  one_way_latency: 2us\n  sites:\n    - { name: A, venues: [XQ] }\n"))
        #expect(unknownVenue?.message.contains("unknown venue 'XQ'") == true, "\(String(describing: unknownVenue))")
        let noLinks = parseError(replacing("network:\n  one_way_latency: 2us\n",
                                           with: "network:\n  one_way_latency: 2us\n  sites:\n    - { name: A, venues: [XT] }\n")
            + "\nfaults:\n  - { at: 2ms, site: A, action: partition, for: 3ms }\n")
        #expect(noLinks?.message.contains("has no venue with modelled links") == true, "\(String(describing: noLinks))")
    }
}
