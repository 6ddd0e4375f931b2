import Exchange
import Testing
import Wire
@testable import Simulation

/// A small world: one venue, two symbols, one flow, a halt and a reopening.
func smallConfig(seed: UInt64 = 7, rate: Double = 200_000, flows extra: [FlowConfig] = []) -> SimulationConfig {
    let venue = VenueConfig(
        name: "XTST",
        symbols: [
            SymbolConfig(name: "AAA", tickSize: 100, referencePrice: Price(1_000_000)),
            SymbolConfig(name: "BBB", tickSize: 50, referencePrice: Price(500_000)),
        ],
        serviceTime: .exponential(meanNs: 800),
        selfTradePrevention: .cancelNewest)
    let flow = FlowConfig(
        name: "background", venue: "XTST", rateOrdersPerSecond: rate, participants: 16,
        mix: OrderMix(limit: 55, market: 5, immediateOrCancel: 10, cancel: 20, replace: 10),
        priceSpreadTicks: 8, midWalkTicks: 1, midStepIntervalNs: 1_000_000)
    return SimulationConfig(
        name: "small", seed: seed, durationNs: 50_000_000, oneWayLatencyNs: 2_000,
        venues: [venue], flows: [flow] + extra,
        phaseEvents: [
            PhaseEventConfig(atNs: 20_000_000, venue: "XTST", symbol: "AAA", phase: .halted),
            PhaseEventConfig(atNs: 25_000_000, venue: "XTST", symbol: "AAA", phase: .continuous),
        ])
}

func run(_ config: SimulationConfig, check: Bool = true) throws -> SimulationResult {
    var simulation = try Simulation(config: config, checkInvariants: check)
    return simulation.run()
}

@Suite struct SimulationTests {
    @Test func sameSeedGivesTheSameDigestAndCounts() throws {
        let first = try run(smallConfig())
        let second = try run(smallConfig())
        #expect(first.traceDigest == second.traceDigest)
        #expect(first.counts == second.counts)
        #expect(first.eventsDelivered == second.eventsDelivered)
        #expect(first.orderToAck.summary == second.orderToAck.summary)
    }

    @Test func anotherSeedGivesAnotherDigest() throws {
        let first = try run(smallConfig(seed: 7))
        let second = try run(smallConfig(seed: 8))
        #expect(first.traceDigest != second.traceDigest)
    }

    @Test func runTradesAndKeepsTheBookSound() throws {
        let result = try run(smallConfig())
        // 200k/s for 50 ms: about 10,000 instructions.
        #expect(result.counts.instructionsSent > 9_000 && result.counts.instructionsSent < 11_000)
        #expect(result.counts.trades > 0)
        #expect(result.counts.ordersAccepted > 0)
        #expect(result.counts.phaseChanges == 2)
        #expect(result.invariantsChecked)
        #expect(result.invariantViolations.isEmpty, "\(result.invariantViolations.prefix(3))")
        #expect(result.orderToAck.count == result.counts.ordersSent)
        // The venue served every message sent to it: the instructions and one login per participant.
        #expect(result.instructionsServed.total == result.wire.messagesToVenues)
        #expect(result.wire.messagesToVenues == result.counts.instructionsSent + 16)
    }

    @Test func ackLatencyIsAtLeastTheRoundTrip() throws {
        let result = try run(smallConfig())
        // Two one-way trips of 2 µs plus a service time.
        #expect(result.orderToAck.summary.minNs >= 4_000)
        #expect(result.orderToAck.summary.p50Ns < 50_000)
    }

    @Test func queueingGrowsAsLoadNearsCapacity() throws {
        // Mean service 800 ns: capacity 1.25M/s. 200k/s is light, 1.1M/s is near saturation.
        let light = try run(smallConfig(rate: 200_000), check: false)
        let heavy = try run(smallConfig(rate: 1_100_000), check: false)
        #expect(heavy.venues[0].utilisation > light.venues[0].utilisation * 3)
        #expect(heavy.orderToAck.summary.p99Ns > light.orderToAck.summary.p99Ns * 2)
        #expect(heavy.venues[0].maxQueueDepth > light.venues[0].maxQueueDepth)
    }

    @Test func addingAFlowLeavesAnotherFlowsRandomStreamUnchanged() throws {
        // A second flow at another venue cannot affect the first flow's draws:
        // its stream is derived from (seed, "flow.background") alone.
        var otherVenue = smallConfig()
        otherVenue.venues.append(VenueConfig(
            name: "XOTH", symbols: [SymbolConfig(name: "CCC", tickSize: 100, referencePrice: Price(2_000_000))],
            serviceTime: .constant(ns: 500)))
        otherVenue.flows.append(FlowConfig(
            name: "other", venue: "XOTH", rateOrdersPerSecond: 100_000, participants: 4,
            mix: OrderMix(limit: 60, market: 10, immediateOrCancel: 10, cancel: 10, replace: 10)))
        let alone = try run(smallConfig())
        let together = try run(otherVenue)
        #expect(together.venues[0].instructionsServed == alone.venues[0].instructionsServed)
        #expect(together.venues[0].busyNs == alone.venues[0].busyNs)
        #expect(together.traceDigest != alone.traceDigest, "the added flow's own events enter the digest")
    }

    @Test func unknownVenueInAFlowIsAnError() {
        var config = smallConfig()
        config.flows[0].venue = "NOPE"
        #expect(throws: SimulationConfigError.self) { try Simulation(config: config) }
    }
}

/// The books a client rebuilds from the venue's ITCH feed equal the venue's
/// own at every invariant check, and a difference is reported.
@Suite struct FeedBookInvariantTests {
    @Test func theFeedRebuildsTheVenuesBooks() throws {
        var simulation = try Simulation(config: smallConfig(), checkInvariants: true)
        let result = simulation.run()
        #expect(result.invariantViolations.isEmpty, "\(result.invariantViolations.prefix(3))")
        #expect(simulation.feedHandlers.count == 1)
        #expect(simulation.feedHandlers[0].book.messagesApplied > 1_000)
        #expect(simulation.feedHandlers[0].receiver.statistics.messagesDelivered == simulation.feedHandlers[0].book.messagesApplied)
    }

    @Test func aBookThatDriftsFromTheVenuesIsAViolation() throws {
        var config = smallConfig()
        config.durationNs = 10_000_000
        config.phaseEvents = []
        var simulation = try Simulation(config: config, checkInvariants: true)
        _ = simulation.run()
        simulation.invariantViolations = []
        // One order the venue never had, as a corrupted feed would show it.
        let add = ITCHMessage.addOrder(ITCHAddOrder(
            stockLocate: 1, trackingNumber: 0, timestampNs: 1, orderReferenceNumber: 1 << 40, side: .sell,
            shares: 100, stock: Alpha8("AAA")!, price: 2_000_000))
        var bytes = [UInt8](repeating: 0, count: add.encodedLength)
        _ = bytes.withUnsafeMutableBytes { add.encode(into: $0) }
        var book = simulation.feedHandlers[0].book
        bytes.withUnsafeBytes { book.deliver(sequenceNumber: 1, message: $0) }
        let differences = simulation.venues[0].gateway.feedBookDifferences(book)
        #expect(differences.count == 1)
        #expect(differences.first?.contains("AAA sell: the feed's book differs") == true, "\(differences)")
        #expect(simulation.venues[0].gateway.feedBookDifferences(simulation.feedHandlers[0].book).isEmpty)
    }
}
