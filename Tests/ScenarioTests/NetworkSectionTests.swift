import Foundation
import Testing
@testable import Scenario
import Simulation

/// `minimal` with a `network:` section whose venue entry (line 7) is
/// followed by `links` (from line 8, indented under `- venue: XT`).
func withLinks(_ links: String) -> String {
    replacing("network:\n  one_way_latency: 2us\n", with: "network:\n  one_way_latency: 2us\n  venues:\n    - venue: XT\n" + links)
}

@Suite struct NetworkSectionTests {
    @Test func withoutLinksTheConfigHasNone() throws {
        let config = try ScenarioLoader.parse(yaml: minimal, file: "s.yaml")
        #expect(config.venueLinks.isEmpty)
        #expect(config.oneWayLatencyNs == 2_000)
    }

    @Test func everyLinkKeyParses() throws {
        let yaml = withLinks("""
              order_entry:
                latency: 25us
                bandwidth: 2.5Gbps
                queue_bytes: 65536
                jitter: { distribution: pareto, scale: 1us, shape: 2.5 }
                loss: { model: gilbert_elliott, good_to_bad: 0.01, bad_to_good: 0.25, loss_bad: 0.5 }
                duplicate: 0.001
                reorder: { probability: 0.01, delay: 40us }
                rto: 1ms
                max_rto: 16ms
                max_retransmissions: 8
                from_venue: { loss: 0.02, jitter: { distribution: normal, mean: 3us, stddev: 1us } }
              market_data: { bandwidth: 10Gbps, loss: { model: bernoulli, probability: 0.001 } }

        """)
        let config = try ScenarioLoader.parse(yaml: yaml, file: "s.yaml")
        #expect(config.firstProblem == nil)
        let links = try #require(config.venueLinks.first)
        #expect(links.venue == "XT")
        let oe = try #require(links.orderEntry)
        let toVenue = LinkDirectionConfig(
            propagationDelayNs: 25_000, bandwidthBitsPerSecond: 2_500_000_000, queueLimitBytes: 65_536,
            jitter: .pareto(scaleNs: 1_000, shape: 2.5),
            loss: .gilbertElliott(goodToBad: 0.01, badToGood: 0.25, lossInGood: 0, lossInBad: 0.5),
            duplicateProbability: 0.001, reorder: ReorderModel(probability: 0.01, delayNs: 40_000))
        #expect(oe.toVenue == toVenue)
        // from_venue overrides two keys and inherits the rest.
        var fromVenue = toVenue
        fromVenue.loss = .bernoulli(probability: 0.02)
        fromVenue.jitter = .normal(meanNs: 3_000, standardDeviationNs: 1_000)
        #expect(oe.fromVenue == fromVenue)
        #expect(oe.retransmission == TCPRetransmissionConfig(initialRTONs: 1_000_000, maxRTONs: 16_000_000, maxRetransmissions: 8))
        // The market-data link's latency defaults to the one-way latency.
        #expect(links.marketData == LinkDirectionConfig(propagationDelayNs: 2_000, bandwidthBitsPerSecond: 10_000_000_000,
                                                        loss: .bernoulli(probability: 0.001)))
    }

    @Test func theShippedLossyLinkScenarioParses() throws {
        let config = try ScenarioLoader.load(path: packageRoot.appendingPathComponent("Scenarios/lossy-link.yaml").path)
        #expect(config.venueLinks.count == 1)
        #expect(config.venueLinks[0].orderEntry?.toVenue.loss != config.venueLinks[0].orderEntry?.fromVenue.loss)
        #expect(config.firstProblem == nil)
    }

    struct Case: Sendable, CustomStringConvertible {
        var links: String
        var line: Int
        var says: String
        var description: String { says }
    }

    @Test(arguments: [
        Case(links: "      order_entry: { loss: 1.5 }\n", line: 8, says: "1.5 is out of range; expected a loss probability in 0.0...1.0"),
        Case(links: "      order_entry: { bandwidth: fast }\n", line: 8, says: "'fast' is not a bandwidth like 9600bps"),
        Case(links: "      order_entry: { bandwidth: 2Tbps }\n", line: 8, says: "at most 1Tbps"),
        Case(links: "      order_entry: { queue_bytes: 100 }\n", line: 8, says: "expected a queue size in bytes"),
        Case(links: "      order_entry: { latency: -5us }\n", line: 8, says: "is not a duration"),
        Case(links: "      order_entry: { latency: 2s }\n", line: 8, says: "at most 1s"),
        Case(links: "      order_entry: { lattency: 5us }\n", line: 8, says: "did you mean 'latency'?"),
        Case(links: "      order_entry: { jitter: { distribution: pareto, scale: 1us } }\n", line: 8, says: "pareto jitter needs 'shape'"),
        Case(links: "      order_entry: { jitter: { distribution: uniform, min: 1us, max: 2us, sigma: 1 } }\n", line: 8, says: "'sigma' does not apply to uniform jitter"),
        Case(links: "      order_entry: { jitter: { distribution: gamma } }\n", line: 8, says: "'gamma' is not a jitter distribution"),
        Case(links: "      order_entry: { loss: { model: gilbert_elliott, good_to_bad: 0.1, bad_to_good: 0 } }\n", line: 8, says: "bad_to_good must be above 0"),
        Case(links: "      order_entry: { loss: { model: bernoulli, good_to_bad: 0.1 } }\n", line: 8, says: "'good_to_bad' does not apply to bernoulli loss"),
        Case(links: "      order_entry: { rto: 10ms, max_rto: 1ms }\n", line: 8, says: "max_rto is below rto"),
        Case(links: "      order_entry: { max_retransmissions: 99 }\n", line: 8, says: "expected a number of retransmissions in 0...30"),
        Case(links: "      order_entry: { reorder: { probability: 0.1 } }\n", line: 8, says: "reorder lacks the required key 'delay'"),
        Case(links: "      market_data: { rto: 1ms }\n", line: 8, says: "unknown key 'rto' in a market-data link"),
        Case(links: "", line: 7, says: "venue 'XT' lists no link"),
    ])
    func badLinkValuesNameTheirLine(_ c: Case) throws {
        let error = try #require(parseError(withLinks(c.links)))
        #expect(error.line == c.line, "\(error)")
        #expect(error.description.contains(c.says), "\(error)")
    }

    @Test func linksOfAnUnknownVenueAreAnError() throws {
        let yaml = replacing("network:\n  one_way_latency: 2us\n",
                             with: "network:\n  venues:\n    - venue: XQ\n      market_data: { loss: 0.1 }\n")
        let error = try #require(parseError(yaml))
        #expect(error.line == 6)
        #expect(error.description.contains("unknown venue 'XQ'; expected one of: XT"), "\(error)")
    }
}

@Suite struct LinkCapacityTests {
    /// `minimal` sends 10k/s from 4 participants: 10,004 messages/s of at
    /// least 61 bytes is 4.88 Mb/s.
    @Test func aLinkSlowerThanItsTrafficWithoutAQueueLimitIsRefused() throws {
        let error = try #require(parseError(withLinks("      order_entry: { latency: 5us, bandwidth: 4Mbps }\n")))
        #expect(error.line == 8 && error.column == 47, "\(error)")
        #expect(error.description.contains("cannot carry its traffic"), "\(error)")
        #expect(error.description.contains("need more than 5Mbps"), "\(error)")
    }

    @Test func theDirectionsOwnBandwidthIsNamed() throws {
        let error = try #require(parseError(withLinks("      order_entry:\n        bandwidth: 1Gbps\n        from_venue: { bandwidth: 1Mbps }\n")))
        #expect(error.line == 10, "\(error)")
        #expect(error.description.contains("(from_venue)"), "\(error)")
    }

    @Test func aQueueLimitOrEnoughBandwidthIsAccepted() throws {
        #expect(parseError(withLinks("      order_entry: { bandwidth: 4Mbps, queue_bytes: 65536 }\n")) == nil)
        #expect(parseError(withLinks("      order_entry: { bandwidth: 5Mbps }\n")) == nil)
        // Configurations built in code meet the same rule.
        var config = try ScenarioLoader.parse(yaml: minimal, file: "s.yaml")
        config.venueLinks = [VenueLinksConfig(venue: "XT", orderEntry: OrderEntryLinkConfig(
            toVenue: LinkDirectionConfig(bandwidthBitsPerSecond: 4_000_000), fromVenue: LinkDirectionConfig()))]
        #expect(config.firstProblem?.contains("cannot carry") == true)
    }
}

@Suite struct EmpiricalJitterTests {
    /// A scenario and a samples file side by side in a fresh directory.
    func write(samples: String) throws -> (scenario: String, samples: String) {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("exsim-empirical-\(ProcessInfo.processInfo.processIdentifier)-\(UInt32.random(in: 0...UInt32.max))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let samplesFile = directory.appendingPathComponent("delays.txt")
        try samples.write(to: samplesFile, atomically: true, encoding: .utf8)
        let scenario = directory.appendingPathComponent("s.yaml")
        try withLinks("      order_entry: { jitter: { distribution: empirical, file: delays.txt } }\n")
            .write(to: scenario, atomically: true, encoding: .utf8)
        return (scenario.path, samplesFile.path)
    }

    @Test func samplesAreReadBesideTheScenario() throws {
        let files = try write(samples: "# measured one-way extra delay\n850ns\n1.5us\n\n2000  # bare nanoseconds\n")
        defer { try? FileManager.default.removeItem(atPath: URL(fileURLWithPath: files.scenario).deletingLastPathComponent().path) }
        let config = try ScenarioLoader.load(path: files.scenario)
        #expect(config.venueLinks.first?.orderEntry?.toVenue.jitter == .empirical(samplesNs: [850, 1_500, 2_000]))
    }

    @Test func aBadSampleNamesItsFileAndLine() throws {
        let files = try write(samples: "850ns\n\nsoon\n")
        defer { try? FileManager.default.removeItem(atPath: URL(fileURLWithPath: files.scenario).deletingLastPathComponent().path) }
        do {
            _ = try ScenarioLoader.load(path: files.scenario)
            Issue.record("a bad sample was accepted")
        } catch {
            #expect(error.file == files.samples && error.line == 3, "\(error)")
            #expect(error.description.contains("'soon' is not a delay sample"), "\(error)")
            #expect(error.description.contains("s.yaml:8"), "\(error)")
        }
    }

    @Test func aMissingOrEmptySamplesFileIsNamedAtTheScenarioLine() throws {
        let missing = try #require(parseError(withLinks("      order_entry: { jitter: { distribution: empirical, file: nowhere.txt } }\n")))
        #expect(missing.line == 8 && missing.description.contains("cannot read the jitter samples file 'nowhere.txt'"), "\(missing)")
        let files = try write(samples: "# nothing\n")
        defer { try? FileManager.default.removeItem(atPath: URL(fileURLWithPath: files.scenario).deletingLastPathComponent().path) }
        #expect(throws: ScenarioError.self) { try ScenarioLoader.load(path: files.scenario) }
    }
}
