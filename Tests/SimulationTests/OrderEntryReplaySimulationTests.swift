import Capture
import Exchange
import Foundation
import MatchingEngine
import Scenario
import Testing
@testable import Simulation

/// Captured order entry re-submitted to a simulated venue (`replay:` with
/// `order_entry`).
@Suite struct OrderEntryReplaySimulationTests {
    static func venue(protocols: String) -> String {
        """
        venues:
          - name: XREC
            service_time: { distribution: constant, value: 1us }
            self_trade_prevention: cancel_oldest
            order_entry: \(protocols)
            symbols:
              - { name: AAPL, tick: 0.01, reference_price: 190.00 }
              - { name: NVDA, tick: 0.01, reference_price: 120.00 }
        """
    }

    /// A run whose sessions the tests record: OUCH and both FIX versions.
    static let recorded = """
        name: recorded
        seed: 21
        duration: 20ms
        network:
          one_way_latency: 10us
        \(venue(protocols: "[ouch42, fix42, fix44]"))
        flows:
          - { name: ouch, venue: XREC, protocol: ouch42, rate: 40k/s, participants: 4, mix: { limit: 55, market: 5, ioc: 10, cancel: 20, replace: 10 } }
          - { name: fix42, venue: XREC, protocol: fix42, rate: 10k/s, participants: 2, mix: { limit: 55, market: 5, ioc: 10, cancel: 20, replace: 10 } }
          - { name: fix44, venue: XREC, protocol: fix44, rate: 10k/s, participants: 2, mix: { limit: 55, market: 5, ioc: 10, cancel: 20, replace: 10 } }
        """

    static func replaying(_ capture: String, protocols: String = "[ouch42, fix42, fix44]", selection: String = "all",
                          extra: String = "") -> String {
        """
        name: replaying
        seed: 5
        duration: 25ms
        network:
          one_way_latency: 10us
        \(venue(protocols: protocols))
        flows: []
        replay:
          - { capture: \(capture), order_entry: \(selection), venue: XREC\(extra) }
        """
    }

    /// Records `recorded` into a capture in a fresh folder.
    static func record() throws -> (result: SimulationResult, books: [[BookLevelSummary]], capture: String, folder: URL) {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("oe-replay-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let capture = folder.appendingPathComponent("recorded.pcap").path
        var simulation = try Simulation(config: try ScenarioLoader.parse(yaml: recorded, file: "recorded.yaml"), checkInvariants: true)
        let result = simulation.run(capture: try CaptureWriter(path: capture, epochOffsetNs: TradingDay.epochNs(0)))
        #expect(result.captureError == nil)
        return (result, books(simulation), capture, folder)
    }

    static func books(_ simulation: Simulation) -> [[BookLevelSummary]] {
        (0..<2).flatMap { symbol in
            [Side.buy, .sell].map { simulation.venues[0].gateway.engine.depth(of: SymbolIndex(Int32(symbol)), side: $0) }
        }
    }

    /// Every session of a recorded run, replayed into the same venue at
    /// the recorded times, makes the venue do what it did: the same
    /// orders accepted, the same trades and shares, the same books at the
    /// end. Each session logs in afresh, so its FIX sequence numbers are
    /// its own; tokens and ClOrdIDs are the captured ones.
    @Test func replayingEverySessionReproducesTheRecordedVenue() throws {
        let (recorded, recordedBooks, capture, folder) = try Self.record()
        defer { try? FileManager.default.removeItem(at: folder) }
        #expect(recorded.counts.trades > 50)

        let config = try ScenarioLoader.parse(yaml: Self.replaying(capture, extra: ", start: 1ms"), file: "replaying.yaml")
        let replay = try #require(config.orderEntryReplays.first)
        #expect(replay.sessions.count == 8)
        #expect(replay.sessions.map(\.orderEntryProtocol.rawValue).sorted() == ["fix42", "fix42", "fix44", "fix44", "ouch42", "ouch42", "ouch42", "ouch42"])
        var simulation = try Simulation(config: config, checkInvariants: true)
        let result = simulation.run()
        #expect(result.invariantViolations.isEmpty, "\(result.invariantViolations)")
        #expect(result.counts.ordersSent == recorded.counts.ordersSent)
        #expect(result.counts.cancelsSent == recorded.counts.cancelsSent)
        #expect(result.counts.replacesSent == recorded.counts.replacesSent)
        #expect(result.counts.ordersAccepted == recorded.counts.ordersAccepted)
        #expect(result.counts.ordersRejected == recorded.counts.ordersRejected)
        // A flow's participant misses an OUCH replace refused with a Cancel
        // Reject on its target (docs/capture.md); a replayed session counts it.
        #expect(result.counts.instructionsRejected >= recorded.counts.instructionsRejected)
        #expect(result.counts.trades == recorded.counts.trades)
        #expect(result.counts.cancelled == recorded.counts.cancelled)
        #expect(result.wire.feedMessages == recorded.wire.feedMessages)
        #expect(Self.books(simulation) == recordedBooks)
        let counts = try #require(result.orderEntryReplays.first?.counts)
        #expect(counts.ordersSent == recorded.counts.ordersSent && counts.executions > 0)
        #expect(result.orderEntryReplays.first?.requestsPlanned == replay.sessions.reduce(0) { $0 + $1.count })
    }

    /// `order_entry: ouch42` takes the OUCH sessions alone; a venue that
    /// does not take a session's protocol, an empty choice and a feed key
    /// beside order_entry are mistakes named at their line.
    @Test func choosingSessionsAndMistakes() throws {
        let (_, _, capture, folder) = try Self.record()
        defer { try? FileManager.default.removeItem(at: folder) }
        let ouch = try ScenarioLoader.parse(yaml: Self.replaying(capture, selection: "ouch42"), file: "replaying.yaml")
        #expect(ouch.orderEntryReplays.first?.sessions.count == 4)
        #expect(ouch.orderEntryReplays.first?.sessions.allSatisfy { $0.orderEntryProtocol == .ouch42 } == true)
        let first = try #require(ouch.orderEntryReplays.first?.sessions.first?.timesNs.first)
        #expect(first == 0, "the first captured request is sent at start")

        func mistake(_ yaml: String) -> ScenarioError? {
            do {
                _ = try ScenarioLoader.parse(yaml: yaml, file: "replaying.yaml")
                return nil
            } catch {
                return error
            }
        }
        let unsupported = try #require(mistake(Self.replaying(capture, protocols: "[ouch42]", selection: "fix")))
        #expect(unsupported.message.contains("does not take fix4"), "\(unsupported)")
        let badChoice = try #require(mistake(Self.replaying(capture, selection: "itch")))
        #expect(badChoice.message.contains("expected one of: all, ouch42, fix"), "\(badChoice)")
        let both = try #require(mistake(Self.replaying(capture, extra: ", feed: SIM0000001")))
        #expect(both.message.contains("not both"), "\(both)")
        #expect(both.line == 16, "\(both)")
    }
}
