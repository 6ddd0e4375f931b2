import Testing
@testable import Simulation

@Suite struct NetworkSimulationTests {

    /// Links that are nothing but the default latency deliver every message
    /// when the default network does, so the run is the same event for event.
    @Test func plainLinksRunExactlyLikeTheDefaultNetwork() throws {
        var linked = smallConfig()
        let plain = LinkDirectionConfig(propagationDelayNs: linked.oneWayLatencyNs)
        linked.venueLinks = [VenueLinksConfig(venue: "XTST", orderEntry: OrderEntryLinkConfig(toVenue: plain, fromVenue: plain))]
        let withLinks = try run(linked)
        let without = try run(smallConfig())
        #expect(withLinks.traceDigest == without.traceDigest)
        #expect(withLinks.counts == without.counts)
        #expect(without.links.isEmpty)
        #expect(withLinks.links.map(\.link) == ["order_entry.to_venue", "order_entry.from_venue"])
        let toVenue = try #require(withLinks.links.first)
        #expect(toVenue.statistics.packetsSent >= without.wire.messagesToVenues - 16)
        #expect(toVenue.statistics.droppedLost == 0 && toVenue.tcp?.retransmissions == 0)
    }

    @Test func linkDelayAndSerializationAddToTheAckLatency() throws {
        var config = smallConfig()
        // 100 µs each way and 10 Mb/s: an OUCH Enter Order (52 bytes + 58 of
        // headers) takes 88 µs to serialize.
        let slow = LinkDirectionConfig(propagationDelayNs: 100_000, bandwidthBitsPerSecond: 10_000_000)
        config.venueLinks = [VenueLinksConfig(venue: "XTST", orderEntry: OrderEntryLinkConfig(toVenue: slow, fromVenue: slow))]
        config.flows[0].rateOrdersPerSecond = 5_000
        let result = try run(config)
        #expect(result.orderToAck.summary.minNs >= 2 * 100_000 + 2 * 80_000)
        #expect(result.invariantViolations.isEmpty)
        #expect(result.counts.ordersAccepted + result.counts.ordersRejected == result.counts.ordersSent)
    }

    @Test func aConnectionWhoseSegmentsAreAllLostIsGivenUp() throws {
        var config = smallConfig()
        let black = LinkDirectionConfig(propagationDelayNs: 2_000, loss: .bernoulli(probability: 1))
        config.venueLinks = [VenueLinksConfig(
            venue: "XTST",
            orderEntry: OrderEntryLinkConfig(toVenue: black, fromVenue: LinkDirectionConfig(propagationDelayNs: 2_000),
                                             retransmission: TCPRetransmissionConfig(initialRTONs: 1_000_000, maxRTONs: 1_000_000, maxRetransmissions: 2)))]
        let result = try run(config)
        // No login ever arrives: every participant's connection breaks on its first write.
        #expect(result.connectionsBroken == 16)
        #expect(result.counts.ordersSent == 0)
        #expect(result.links[0].tcp?.breaks == 16)
        #expect(result.links[0].statistics.packetsSent == 16 * 3)
    }
}
