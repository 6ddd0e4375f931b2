import Exchange
import MatchingEngine
import Foundation
import Scenario
import Testing
@testable import Simulation

/// A captured ITCH feed replayed into a simulated venue (`replay:`).
@Suite struct FeedReplaySimulationTests {
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    /// Parsed as if it were a file in Scenarios/, so that the capture's path resolves as a shipped scenario's does.
    static let scenarioPath = packageRoot.appendingPathComponent("Scenarios/replay-test.yaml").path

    static func scenario(replay: String, symbols: String = "[AAPL, MSFT]", flows: String = "[]", duration: String = "60ms") -> String {
        let symbolLines = symbols.dropFirst().dropLast().split(separator: ",").map {
            "      - { name: \($0.trimmingCharacters(in: .whitespaces)), tick: 0.01, reference_price: 190.00 }"
        }.joined(separator: "\n")
        return """
            name: replay-test
            seed: 3
            duration: \(duration)
            venues:
              - name: XSIM
                service_time: { distribution: constant, value: 1us }
                symbols:
            \(symbolLines)
            flows: \(flows)
            replay:
              - \(replay)
            """
    }

    static func config(_ yaml: String) throws(ScenarioError) -> SimulationConfig {
        try ScenarioLoader.parse(yaml: yaml, file: scenarioPath)
    }

    static func error(_ yaml: String) -> ScenarioError? {
        do {
            _ = try config(yaml)
            return nil
        } catch {
            return error
        }
    }

    /// With nobody trading, the venue's books at the end are the capture's:
    /// the same levels, shares and order counts as a book rebuilt from the
    /// same feed by the feed handler's builder.
    @Test func withoutParticipantsTheVenueEndsWithTheCapturedBooks() throws {
        let config = try Self.config(Self.scenario(replay: "{ capture: ../Captures/two-venues.pcap.zst, feed: SIM0000001, venue: XSIM }"))
        let messages = try #require(config.feedReplays.first?.messages)
        #expect(messages.count == 2_397)
        var builder = ITCHBookBuilder()
        for index in 0..<messages.count {
            messages.withMessage(index) { builder.deliver(sequenceNumber: UInt64(index + 1), message: $0) }
        }
        #expect(builder.problemCount == 0)
        #expect(builder.orderCount > 100, "the capture leaves orders resting: \(builder.orderCount)")

        var simulation = try Simulation(config: config, checkInvariants: true)
        let result = simulation.run()
        #expect(result.invariantViolations.isEmpty, "\(result.invariantViolations)")
        let gateway = simulation.venues[0].gateway
        #expect(gateway.feedBookDifferences(builder).isEmpty, "\(gateway.feedBookDifferences(builder).prefix(4))")
        let resting = (0..<2).flatMap { symbol in
            [Side.buy, .sell].flatMap { gateway.engine.depth(of: SymbolIndex(Int32(symbol)), side: $0) }
        }.reduce(0) { $0 + $1.orders }
        #expect(resting == builder.orderCount)
        let statistics = try #require(result.venues[0].feedReplay)
        #expect(statistics.messages == 2_397)
        #expect(statistics.ordersGone == 0 && statistics.ordersUnknown == 0 && statistics.refused == 0)
        #expect(statistics.executions == 0)
    }

    /// The shipped scenario: participants trade against the captured
    /// orders, the capture's later messages find some of them gone, and
    /// the run is the same twice.
    @Test func participantsTradeAgainstTheCapturedOrders() throws {
        let drill = try ScenarioLoader.loadDrill(path: Self.packageRoot.appendingPathComponent("Scenarios/feed-replay.yaml").path)
        var first = try Simulation(config: drill.config, checkInvariants: true)
        let one = first.run()
        var second = try Simulation(config: drill.config, checkInvariants: true)
        let two = second.run()
        #expect(one.traceDigest == two.traceDigest)
        #expect(one.invariantViolations.isEmpty, "\(one.invariantViolations)")
        let statistics = try #require(one.venues[0].feedReplay)
        #expect(statistics.executions > 0 && statistics.executedQuantity > 0)
        #expect(statistics.ordersGone > 0, "some captured orders were traded away before the capture moved them")
        #expect(statistics.ordersUnknown == 0 && statistics.refused == 0)
        #expect(one.counts.trades > 0)
        for outcome in drill.assertions.map({ $0.evaluate(one) }) {
            #expect(outcome.passed, "\(outcome.statement): measured \(outcome.measuredText)")
        }
    }

    /// `speed` divides every recorded gap, `start` moves the first message,
    /// and messages planned past the run's end are dropped.
    @Test func pacingFollowsSpeedAndStart() throws {
        let capture = "capture: ../Captures/two-venues.pcap.zst, feed: SIM0000002, venue: XSIM"
        let recorded = try #require(try Self.config(Self.scenario(replay: "{ \(capture) }", symbols: "[AAPL, NVDA]")).feedReplays.first)
        let faster = try #require(try Self.config(Self.scenario(replay: "{ \(capture), speed: 2, start: 1ms }", symbols: "[AAPL, NVDA]")).feedReplays.first)
        #expect(recorded.messages.count == 2_336 && faster.messages.count == 2_336)
        #expect(recorded.messages.timesNs.first == 0 && faster.messages.timesNs.first == 1_000_000)
        let span = try #require(recorded.messages.timesNs.last)
        #expect(span > 40_000_000)
        #expect(faster.messages.timesNs.last == 1_000_000 + span / 2)
        let cut = try #require(try Self.config(Self.scenario(replay: "{ \(capture) }", symbols: "[AAPL, NVDA]", duration: "10ms")).feedReplays.first)
        #expect(cut.messages.count < 2_336 && cut.messages.timesNs.allSatisfy { $0 < 10_000_000 })
        #expect(cut.source.contains("of 2336 messages within the run"), "\(cut.source)")
    }

    /// Mistakes name the line and what was expected.
    @Test func mistakesNameTheLine() throws {
        let missing = try #require(Self.error(Self.scenario(replay: "{ capture: ../Captures/none.pcap, venue: XSIM }")))
        #expect(missing.line == 12 && missing.message.contains("cannot read the capture"), "\(missing)")
        let twoFeeds = try #require(Self.error(Self.scenario(replay: "{ capture: ../Captures/two-venues.pcap.zst, venue: XSIM }")))
        #expect(twoFeeds.message.contains("holds 2 ITCH feeds") && twoFeeds.message.contains("SIM0000001, SIM0000002"), "\(twoFeeds)")
        let unknownFeed = try #require(Self.error(Self.scenario(replay: "{ capture: ../Captures/two-venues.pcap.zst, feed: NOPE, venue: XSIM }")))
        #expect(unknownFeed.message.contains("has no feed 'NOPE'"), "\(unknownFeed)")
        let noStocks = try #require(Self.error(Self.scenario(
            replay: "{ capture: ../Captures/two-venues.pcap.zst, feed: SIM0000001, venue: XSIM }", symbols: "[IBM]")))
        #expect(noStocks.message.contains("lists none of the feed's stocks (AAPL, MSFT)"), "\(noStocks)")
        let late = try #require(Self.error(Self.scenario(
            replay: "{ capture: ../Captures/two-venues.pcap.zst, feed: SIM0000001, venue: XSIM, start: 60ms }")))
        #expect(late.message.contains("a replay must start within it"), "\(late)")
        let badSpeed = try #require(Self.error(Self.scenario(
            replay: "{ capture: ../Captures/two-venues.pcap.zst, feed: SIM0000001, venue: XSIM, speed: 0 }")))
        #expect(badSpeed.message.contains("is not a speed"), "\(badSpeed)")
        let unknownVenue = try #require(Self.error(Self.scenario(
            replay: "{ capture: ../Captures/two-venues.pcap.zst, feed: SIM0000001, venue: XNOPE }")))
        #expect(unknownVenue.message.contains("XNOPE"), "\(unknownVenue)")
    }
}
