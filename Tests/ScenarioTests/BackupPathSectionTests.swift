import Foundation
import Testing
@testable import Scenario
import Simulation

/// `order_entry.backup`: the redundant path and the faults that hit it.
@Suite struct BackupPathSectionTests {
    @Test func aBackupInheritsThePrimaryDirectionByDirection() throws {
        let config = try ScenarioLoader.parse(yaml: withLinks("""
              order_entry:
                latency: 20us
                bandwidth: 1Gbps
                from_venue: { loss: 0.01 }
                backup:
                  latency: 35us
                  detection: 200us
                  to_venue: { jitter: { distribution: constant, value: 1us } }

        """), file: "s.yaml")
        #expect(config.firstProblem == nil)
        let oe = try #require(config.venueLinks.first?.orderEntry)
        let backup = try #require(oe.backup)
        #expect(backup.route == FailoverRoute(detectionNs: 200_000))
        // The primary's bandwidth, the backup's latency, each direction's own extras.
        #expect(backup.toVenue == LinkDirectionConfig(propagationDelayNs: 35_000, bandwidthBitsPerSecond: 1_000_000_000, jitter: .constant(ns: 1_000)))
        #expect(backup.fromVenue == LinkDirectionConfig(propagationDelayNs: 35_000, bandwidthBitsPerSecond: 1_000_000_000, loss: .bernoulli(probability: 0.01)))
        #expect(oe.toVenue.propagationDelayNs == 20_000, "the primary keeps its own")
    }

    @Test func backupMistakesNameTheLine() {
        // The venue entry is line 7, order_entry line 8, backup line 9.
        let noDetection = parseError(withLinks("      order_entry:\n        backup: { latency: 30us }\n"))
        #expect(noDetection?.line == 9)
        #expect(noDetection?.message.contains("detection") == true, "\(String(describing: noDetection))")
        let stray = parseError(withLinks("      order_entry:\n        backup: { detection: 1us, rto: 1ms }\n"))
        #expect(stray?.line == 9)
        #expect(stray?.message.contains("'rto'") == true, "\(String(describing: stray))")
        let negative = parseError(withLinks("      order_entry:\n        backup: { detection: -1us }\n"))
        #expect(negative?.line == 9, "\(String(describing: negative))")
        let slow = parseError(withLinks("      order_entry:\n        backup: { detection: 61s }\n"))
        #expect(slow != nil, "a detection time above a minute is refused")
    }

    @Test func aFaultOnTheBackupNeedsOne() throws {
        let unmodelled = parseError(withFaultableLink("faults:\n  - { at: 1ms, venue: XT, link: order_entry_backup, action: down }\n"))
        #expect(unmodelled?.line == 21)
        #expect(unmodelled?.message.contains("no modelled order_entry_backup link") == true, "\(String(describing: unmodelled))")
        #expect(unmodelled?.message.contains("a `backup:` under the `order_entry:` entry") == true, "\(String(describing: unmodelled))")

        let config = try ScenarioLoader.parse(yaml: withLinks("      order_entry: { latency: 2us, rto: 1ms, backup: { detection: 5us } }\n")
            + "\nfaults:\n  - { at: 1ms, venue: XT, link: order_entry_backup, action: flap, period: 2ms, count: 2 }\n", file: "s.yaml")
        #expect(config.linkFaults.map(\.link) == [.orderEntryBackup])
        #expect(config.firstProblem == nil)
    }

    @Test func theShippedFailoverScenariosParse() throws {
        for name in ["route-failover", "availability-redundant"] {
            let config = try ScenarioLoader.load(path: packageRoot.appendingPathComponent("Scenarios/\(name).yaml").path)
            #expect(config.venueLinks.first?.orderEntry?.backup != nil, "\(name)")
            #expect(config.linkFaults.contains { $0.link == .orderEntryBackup }, "\(name)")
            #expect(config.firstProblem == nil, "\(name)")
        }
    }
}
