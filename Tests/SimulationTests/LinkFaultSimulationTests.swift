import Foundation
import Testing
@testable import Simulation

@Suite struct LinkFaultSimulationTests {
    func flappingConfig(_ faults: [LinkFaultAction], at atNs: Int64 = 10_000_000) -> SimulationConfig {
        var config = smallConfig(rate: 20_000)
        let link = LinkDirectionConfig(propagationDelayNs: 2_000)
        config.venueLinks = [VenueLinksConfig(venue: "XTST", orderEntry: OrderEntryLinkConfig(
            toVenue: link, fromVenue: link,
            retransmission: TCPRetransmissionConfig(initialRTONs: 1_000_000, maxRTONs: 8_000_000, maxRetransmissions: 15)))]
        config.linkFaults = faults.map { LinkFaultConfig(atNs: atNs, venue: "XTST", link: .orderEntry, action: $0) }
        return config
    }

    /// Two 5 ms outages: TCP carries every order across them, late; the
    /// kernel's fault events mark the outages; the run is the same twice.
    @Test func aFlappingOrderEntryLinkDelaysOrdersButLosesNone() throws {
        let config = flappingConfig([.flap(periodNs: 10_000_000, count: 2)])
        let first = try run(config)
        let second = try run(config)
        #expect(first.traceDigest == second.traceDigest)
        #expect(first.traceDigest != (try run(flappingConfig([]))).traceDigest, "the faults change the run")
        #expect(first.linkOutages == [LinkOutageReport(venue: "XTST", link: .orderEntry, outages: [
            LinkOutage(startNs: 10_000_000, endNs: 15_000_000), LinkOutage(startNs: 20_000_000, endNs: 25_000_000),
        ])])
        #expect(first.invariantViolations.isEmpty, "\(first.invariantViolations.prefix(3))")
        #expect(first.connectionsBroken == 0 && first.sessionsClosedEarly == 0)
        #expect(first.counts.ordersAccepted + first.counts.ordersRejected == first.counts.ordersSent)
        let toVenue = try #require(first.links.first { $0.link == "order_entry.to_venue" })
        #expect(toVenue.statistics.droppedLinkDown > 50)
        #expect(toVenue.statistics.isBalanced)
        // An order sent at an outage's start waits 1 + 2 + 4 ms: 7 ms and the round trip.
        #expect(first.orderToAck.maxNs >= 5_000_000 && first.orderToAck.maxNs < 8_000_000, "\(first.orderToAck.maxNs)")
    }

    /// A link down for good, with few retries: TCP gives the connections up.
    @Test func anOutageLongerThanEveryRetryBreaksTheConnections() throws {
        var config = flappingConfig([.down])
        config.venueLinks[0].orderEntry!.retransmission.maxRetransmissions = 3
        let result = try run(config, check: false)
        #expect(result.connectionsBroken == 16, "every participant's connection")
        #expect(result.linkOutages.first?.outages == [LinkOutage(startNs: 10_000_000, endNs: nil)])
        #expect(result.counts.ordersAccepted + result.counts.ordersRejected < result.counts.ordersSent, "orders went unanswered")
        #expect(result.linkOutages.first?.outages.first?.lengthNs(runEndNs: result.endTimeNs) == result.endTimeNs - 10_000_000)
        #expect(result.sessionsReconnected == 0, "every attempt met the link down")
    }

    /// TCP gives the connections up, and the link comes back: every
    /// participant connects again and logs in where its session left off.
    @Test func aBrokenConnectionIsMadeAgainOnceTheLinkIsBack() throws {
        var config = flappingConfig([.down])
        config.linkFaults.append(LinkFaultConfig(atNs: 30_000_000, venue: "XTST", link: .orderEntry, action: .up))
        config.venueLinks[0].orderEntry!.retransmission.maxRetransmissions = 3
        let result = try run(config)
        #expect(result.connectionsBroken == 16, "every participant's connection")
        #expect(result.sessionsReconnected == 16, "every participant logged in again")
        #expect(result.invariantViolations.isEmpty, "\(result.invariantViolations.prefix(3))")
        #expect(result.numberedMessagesNotReceived == 0, "the venue replayed what each session missed")
        let again = try run(config)
        #expect(result.traceDigest == again.traceDigest)
    }

    /// TCP keeps retrying through 18 s of outage, but the sessions' own idle
    /// timeout (SoupBinTCP: 15 s without a byte from the peer) closes them first.
    @Test func aSessionWhosePeerStaysSilentPastItsTimeoutCloses() throws {
        var config = smallConfig(rate: 100)
        config.durationNs = 20_000_000_000
        config.flows[0].participants = 2
        let link = LinkDirectionConfig(propagationDelayNs: 2_000)
        config.venueLinks = [VenueLinksConfig(venue: "XTST", orderEntry: OrderEntryLinkConfig(
            toVenue: link, fromVenue: link,
            retransmission: TCPRetransmissionConfig(initialRTONs: 1_000_000, maxRTONs: 1_000_000_000, maxRetransmissions: 30)))]
        config.linkFaults = [LinkFaultConfig(atNs: 1_000_000_000, venue: "XTST", link: .orderEntry, action: .down),
                             LinkFaultConfig(atNs: 19_000_000_000, venue: "XTST", link: .orderEntry, action: .up)]
        let result = try run(config, check: false)
        #expect(result.connectionsBroken == 0, "TCP had retries left")
        #expect(result.sessionsClosedEarly == 2, "both clients timed their silent venue out")
        #expect(result.sessionsReconnected == 2, "both connected again once the link was back at 19 s")
    }
}
