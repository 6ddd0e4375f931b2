import Foundation
import Testing
@testable import Scenario
import Simulation

/// `market_data_b`: the B copy of a venue's feed and the faults that hit it.
@Suite struct FeedBSectionTests {
    @Test func theBFeedStartsFromTheALink() throws {
        let config = try ScenarioLoader.parse(yaml: withLinks("""
              market_data: { latency: 20us, bandwidth: 10Gbps, loss: 0.01 }
              market_data_b: { latency: 22us, arbitration: 50us }

        """), file: "s.yaml")
        #expect(config.firstProblem == nil)
        let feedB = try #require(config.venueLinks.first?.marketDataB)
        #expect(feedB.arbitrationWindowNs == 50_000)
        #expect(feedB.link == LinkDirectionConfig(propagationDelayNs: 22_000, bandwidthBitsPerSecond: 10_000_000_000, loss: .bernoulli(probability: 0.01)))
    }

    @Test func bFeedMistakesNameTheLine() {
        // The venue entry is line 7; the B feed line 8 (or 9 after market_data).
        let alone = parseError(withLinks("      market_data_b: { arbitration: 50us }\n"))
        #expect(alone?.line == 8)
        #expect(alone?.message.contains("market_data_b without market_data") == true, "\(String(describing: alone))")
        let noWindow = parseError(withLinks("      market_data: { latency: 2us }\n      market_data_b: { latency: 3us }\n"))
        #expect(noWindow?.line == 9)
        #expect(noWindow?.message.contains("arbitration") == true, "\(String(describing: noWindow))")
        let tooLong = parseError(withLinks("      market_data: { latency: 2us }\n      market_data_b: { arbitration: 2s }\n"))
        #expect(tooLong?.line == 9, "\(String(describing: tooLong))")
        let stray = parseError(withLinks("      market_data: { latency: 2us }\n      market_data_b: { arbitration: 1us, rto: 1ms }\n"))
        #expect(stray?.message.contains("'rto'") == true, "\(String(describing: stray))")
    }

    @Test func aFaultOnTheBFeedNeedsOne() throws {
        let unmodelled = parseError(withLinks("      market_data: { latency: 2us }\n")
            + "\nfaults:\n  - { at: 1ms, venue: XT, link: market_data_b, action: down }\n")
        #expect(unmodelled?.message.contains("no modelled market_data_b link") == true, "\(String(describing: unmodelled))")
        let config = try ScenarioLoader.load(path: packageRoot.appendingPathComponent("Scenarios/feed-arbitration.yaml").path)
        #expect(config.linkFaults.filter { $0.link == .marketDataB }.count == 3)
        #expect(config.firstProblem == nil)
    }
}
