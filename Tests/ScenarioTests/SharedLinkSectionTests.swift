import Foundation
import Testing
@testable import Scenario
@testable import Simulation

/// `network.links`, a venue's `via`, and faults of a shared link.
@Suite struct SharedLinkSectionTests {
    /// `minimal` with a second venue XU, both venues via shared link T,
    /// `links` in place of the default shared link, and `extra` appended.
    func withTrunk(links: String = "    - { name: T, latency: 100us, bandwidth: 1Gbps, queue_bytes: 65536, from_venue: { latency: 120us } }\n",
                   via: String = "T", orderEntry: String = "{ latency: 2us, rto: 1ms }", extra: String = "") -> String {
        replacing("network:\n  one_way_latency: 2us\n", with: """
            network:
              one_way_latency: 2us
              links:
            \(links)  venues:
                - venue: XT
                  via: \(via)
                  order_entry: \(orderEntry)
                  market_data: { latency: 2us }

            """) + "\n" + extra
    }

    @Test func aVenueGoesViaASharedLinkWhoseDirectionsTakeTheirOwnKeys() throws {
        let config = try ScenarioLoader.parse(yaml: withTrunk(extra: "faults:\n  - { at: 2ms, link: T, action: flap, period: 1ms, count: 2 }\n"),
                                              file: "s.yaml")
        #expect(config.firstProblem == nil)
        let trunk = try #require(config.sharedLinks.first)
        #expect(config.sharedLinks.count == 1 && trunk.name == "T")
        #expect(trunk.toVenue.propagationDelayNs == 100_000 && trunk.fromVenue.propagationDelayNs == 120_000)
        #expect(trunk.toVenue.bandwidthBitsPerSecond == 1_000_000_000 && trunk.fromVenue.queueLimitBytes == 65_536)
        #expect(config.venueLinks.first?.via == "T")
        #expect(config.sharedLinkFaults == [SharedLinkFaultConfig(atNs: 2_000_000, link: "T", action: .flap(periodNs: 1_000_000, count: 2))])
        #expect(config.linkFaults.isEmpty)
        // A run over it: the trunk carries every packet of the venue's primary path.
        var simulation = try Simulation(config: config, checkInvariants: true)
        let result = simulation.run()
        #expect(result.invariantViolations.isEmpty, "\(result.invariantViolations)")
        let toVenue = try #require(result.links.first { $0.link == "T.to_venue" })
        let own = try #require(result.links.first { $0.venue == "XT" && $0.link == "order_entry.to_venue" })
        #expect(toVenue.venue == "XT" && toVenue.statistics.packetsDelivered == own.statistics.packetsSent)
        #expect(toVenue.statistics.droppedLinkDown > 0, "the flap dropped packets on the trunk")
        #expect(result.sharedLinkOutages.map(\.outages) == [[LinkOutage(startNs: 2_000_000, endNs: 2_500_000),
                                                             LinkOutage(startNs: 3_000_000, endNs: 3_500_000)]])
        // The attribution lists the trunk's part of each way apart: every
        // write crossed it (there is no backup), at its latency each way.
        let attribution = try #require(result.latencyAttribution.first)
        #expect(attribution.sharedLink == "T")
        for (whole, trunk, latencyNs) in [(attribution.toVenue, attribution.toVenueShared, Int64(100_000)),
                                          (attribution.fromVenue, attribution.fromVenueShared, 120_000)] {
            #expect(trunk.writes == whole.writes && trunk.writes > 0)
            #expect(trunk.sum.propagationNs == Int64(trunk.writes) * latencyNs)
            #expect(trunk.sum.serializationNs > 0 && trunk.sum.totalNs < whole.sum.totalNs)
        }
    }

    /// What the simulator sends outside the links' packets crosses the
    /// shared link's latency too: a connection attempt or reset, and a
    /// feed re-request (whose timeout is its round trip plus 1 ms).
    @Test func connectionAttemptsAndFeedReRequestsCrossTheSharedLinksLatency() throws {
        let config = try ScenarioLoader.parse(yaml: withTrunk(), file: "s.yaml")
        let simulation = try Simulation(config: config)
        #expect(simulation.oneWayDelayNs(venue: 0, toVenue: true) == 102_000)
        // A reset comes back over the trunk's 120 µs from the venue.
        #expect(simulation.oneWayDelayNs(venue: 0, toVenue: false) == 122_000)
        #expect(simulation.network.feedRequestDelayNs(venue: 0) == 102_000)
        // 2 µs each way on the feed link, 100 µs to the venue and 120 µs back on the trunk.
        #expect(simulation.network.feedRoundTripNs(venue: 0) == 224_000)
        #expect(Simulation.subscriberRequestTimeoutNs(roundTripNs: 224_000) == 1_224_000)
    }

    /// With a backup path, the writes the route sends over it while the
    /// trunk is down bypass the trunk: the attribution counts only those
    /// that crossed it, and a reset or an attempt then takes the backup's
    /// latency alone.
    @Test func writesOverTheBackupBypassTheTrunkInTheAttributionAndTheResets() throws {
        let yaml = withTrunk(orderEntry: "{ latency: 2us, rto: 1ms, backup: { latency: 50us, detection: 100us } }",
                             extra: "faults:\n  - { at: 2ms, link: T, action: down }\n  - { at: 6ms, link: T, action: up }\n")
        let config = try ScenarioLoader.parse(yaml: yaml, file: "s.yaml")
        var simulation = try Simulation(config: config, checkInvariants: true)
        for (atNs, toVenue, expected) in [(Int64(1_000_000), true, Int64(102_000)), (2_050_000, true, 102_000),
                                          (3_000_000, true, 50_000), (3_000_000, false, 50_000), (7_000_000, false, 122_000)] {
            #expect(simulation.network.orderEntryPropagationNs(venue: 0, toVenue: toVenue, at: atNs) == expected, "\(atNs) \(toVenue)")
        }
        let result = simulation.run()
        #expect(result.invariantViolations.isEmpty, "\(result.invariantViolations)")
        let attribution = try #require(result.latencyAttribution.first)
        for (whole, trunk, latencyNs) in [(attribution.toVenue, attribution.toVenueShared, Int64(100_000)),
                                          (attribution.fromVenue, attribution.fromVenueShared, 120_000)] {
            #expect(trunk.writes > 0 && trunk.writes < whole.writes, "\(trunk.writes) of \(whole.writes)")
            #expect(trunk.sum.propagationNs == Int64(trunk.writes) * latencyNs)
        }
    }

    @Test func randomFaultsOfASharedLinkAreDrawnFromTheSeed() throws {
        let yaml = withTrunk(extra: "faults:\n  - { at: 0ms, link: T, action: random, mtbf: 2ms, mttr: 100us }\n")
        let first = try ScenarioLoader.parse(yaml: yaml, file: "s.yaml")
        let again = try ScenarioLoader.parse(yaml: yaml, file: "s.yaml")
        #expect(!first.sharedLinkFaults.isEmpty && first.sharedLinkFaults == again.sharedLinkFaults)
        #expect(first.sharedLinkFaults.allSatisfy { $0.link == "T" && $0.atNs < 10_000_000 })
    }

    @Test func sharedLinkMistakesNameTheLine() {
        func message(_ yaml: String) -> String { parseError(yaml).map { "\($0.line): \($0.message)" } ?? "accepted" }
        #expect(message(withTrunk(via: "Q")) == "10: unknown shared link 'Q'; expected one of: T")
        #expect(message(withTrunk(links: "    - { name: T, bandwidth: 1Gbps, queue_bytes: 65536 }\n")).contains("7: a shared link lacks the required key 'latency'"))
        #expect(message(withTrunk(links: "    - { name: T, latency: 1us, bandwidth: 1Gbps }\n"))
                == "7: \(SharedLinkConfig.queueProblem)")
        #expect(message(withTrunk(links: "    - { name: T, latency: 1us, from_venue: { reorder: { probability: 0.1, delay: 1us } } }\n"))
                == "7: \(SharedLinkConfig.reorderProblem)")
        #expect(message(withTrunk(links: "    - { name: T, latency: 1us }\n    - { name: T, latency: 2us }\n"))
                == "8: shared link 'T' is listed twice")
        #expect(message(withTrunk(links: "    - { name: T, latency: 1us }\n    - { name: U, latency: 2us }\n"))
                .contains("8: no venue goes via shared link 'U'"))
        #expect(message(withTrunk(extra: "faults:\n  - { at: 2ms, link: U, action: down }\n")).contains("unknown shared link 'U'; expected one of: T"))
        // Without its venue a fault of a venue's link kind is still read as one.
        #expect(message(withTrunk(extra: "faults:\n  - { at: 2ms, link: order_entry, action: down }\n"))
                .contains("a fault lacks the required key 'venue'"))
        #expect(message(withTrunk(extra: "faults:\n  - { at: 2ms, vneue: XT, link: order_entry, action: down }\n"))
                .contains("unknown key 'vneue'"))
        #expect(message(withTrunk(links: "    - { name: market_data, latency: 1us }\n", via: "market_data"))
                == "7: 'market_data' names a venue's link; give the shared link another name (NY4-NY5, say)")
        #expect(message(withTrunk(extra: "faults:\n  - { at: 2ms, link: T, action: gateway_crash, for: 1ms }\n"))
                .contains("does not hit a link"))
        #expect(message(withTrunk(extra: "faults:\n  - { at: 9ms, link: T, action: flap, period: 2ms, count: 2 }\n"))
                .contains("after the run's duration"))
        let viaWithoutLinks = replacing("network:\n  one_way_latency: 2us\n", with: """
            network:
              one_way_latency: 2us
              links:
                - { name: T, latency: 1us }
              venues:
                - venue: XT
                  via: T
                  market_data_b: { latency: 2us, arbitration: 1us }

            """)
        #expect(message(viaWithoutLinks) == "10: venue 'XT' goes via 'T' but has neither order_entry nor market_data to carry over it (a B feed does not cross a shared link)")
    }
}
