import Testing
@testable import Simulation

/// Seeded random link configurations, each within what a session survives
/// (every delay far below the heartbeat timeouts): whatever the links do,
/// TCP must hand every session its bytes intact and in order.
@Suite struct RandomLinkTests {
    static func randomLink(_ random: inout RandomStream) -> LinkDirectionConfig {
        let jitters: [JitterModel] = [
            .none, .constant(ns: random.nextInt(in: 0...5_000)), .uniform(minNs: 0, maxNs: random.nextInt(in: 1...50_000)),
            .normal(meanNs: 5_000, standardDeviationNs: random.nextInt(in: 0...10_000)),
            .logNormal(medianNs: random.nextInt(in: 1...10_000), sigma: 1.5), .pareto(scaleNs: random.nextInt(in: 1...5_000), shape: 1.2),
        ]
        let losses: [LossModel] = [
            .none, .bernoulli(probability: random.nextUnitInterval() * 0.2),
            .gilbertElliott(goodToBad: random.nextUnitInterval() * 0.05, badToGood: 0.05 + random.nextUnitInterval() * 0.9,
                            lossInGood: random.nextUnitInterval() * 0.01, lossInBad: random.nextUnitInterval()),
        ]
        return LinkDirectionConfig(
            propagationDelayNs: random.nextInt(in: 0...100_000),
            bandwidthBitsPerSecond: [0, 100_000_000, 1_000_000_000][Int(random.nextBelow(3))],
            queueLimitBytes: [0, 1_518, 16_384][Int(random.nextBelow(3))],
            jitter: jitters[Int(random.nextBelow(UInt64(jitters.count)))],
            loss: losses[Int(random.nextBelow(UInt64(losses.count)))],
            duplicateProbability: random.nextUnitInterval() * 0.05,
            reorder: random.nextBelow(2) == 0 ? nil : ReorderModel(probability: random.nextUnitInterval() * 0.1, delayNs: random.nextInt(in: 0...200_000)))
    }

    @Test(arguments: 0..<24)
    func sessionsSurviveAnyLinkWithinTheirTimeouts(_ seed: Int) throws {
        var random = RandomStream(seed: UInt64(seed))
        // FIX counts every message (MsgSeqNum): a reordered or repeated
        // message is a session fault that OUCH might not notice.
        var fix = FlowConfig(
            name: "fix", venue: "XTST", rateOrdersPerSecond: 30_000, participants: 4,
            mix: OrderMix(limit: 60, market: 5, immediateOrCancel: 10, cancel: 15, replace: 10))
        fix.orderEntryProtocol = .fix44
        var config = smallConfig(seed: UInt64(seed), rate: 70_000, flows: [fix])
        config.durationNs = 20_000_000
        config.phaseEvents = []
        config.venueLinks = [VenueLinksConfig(
            venue: "XTST",
            orderEntry: OrderEntryLinkConfig(
                toVenue: Self.randomLink(&random), fromVenue: Self.randomLink(&random),
                retransmission: TCPRetransmissionConfig(initialRTONs: random.nextInt(in: 100_000...2_000_000), maxRTONs: 50_000_000,
                                                        maxRetransmissions: 30)),
            marketData: Self.randomLink(&random))]
        let setup = "\(config.venueLinks[0])"
        let result = try run(config)
        #expect(result.connectionsBroken == 0, "\(setup)")
        #expect(result.sessionsClosedEarly == 0, "\(setup)")
        #expect(result.invariantViolations.isEmpty, "\(result.invariantViolations.prefix(2)) \(setup)")
        #expect(result.counts.ordersSent > 0)
        #expect(result.counts.ordersAccepted + result.counts.ordersRejected == result.counts.ordersSent, "\(setup)")
        #expect(result.unsettledAtClose == 0 && !result.cutShort)
        #expect(result.links.allSatisfy { $0.statistics.isBalanced })
        #expect(try run(config).traceDigest == result.traceDigest)
    }
}
