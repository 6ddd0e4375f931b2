import Foundation
import Scenario
import Testing
@testable import Simulation

let lossyLinkScenario = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("Scenarios/lossy-link.yaml").path

@Suite struct NetworkSimulationTests {
    static let lossyLinkDigest = "4b94378070595ce7d99efdb7bc27a518"

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
        // No login ever arrives: every participant's connection breaks on
        // its first write, and each one it makes again, once its TCP has
        // retried for 3 ms, breaks the same way.
        let attempts = result.connectionsBroken / 16
        #expect(result.connectionsBroken == 16 * attempts && attempts > 1, "\(result.connectionsBroken)")
        #expect(attempts <= Int(result.endTimeNs / 3_000_000) + 1, "one attempt per give-up at most: \(attempts)")
        #expect(result.counts.ordersSent == 0 && result.sessionsReconnected == 0)
        #expect(result.links[0].tcp?.breaks == UInt64(result.connectionsBroken))
        #expect(result.links[0].statistics.packetsSent == 3 * UInt64(result.connectionsBroken), "a login and its two retransmissions")
    }

    /// Links of one venue change nothing at another: its flows, sessions and
    /// random streams are its own.
    @Test func linksOfOneVenueLeaveAnotherAlone() throws {
        let twoVenues = URL(fileURLWithPath: lossyLinkScenario).deletingLastPathComponent().appendingPathComponent("two-venues.yaml").path
        let plain = try ScenarioLoader.load(path: twoVenues)
        var linked = plain
        let lossy = LinkDirectionConfig(propagationDelayNs: 30_000, jitter: .uniform(minNs: 0, maxNs: 5_000), loss: .bernoulli(probability: 0.01))
        linked.venueLinks = [VenueLinksConfig(venue: "XOUCH", orderEntry: OrderEntryLinkConfig(
            toVenue: lossy, fromVenue: lossy, retransmission: TCPRetransmissionConfig(initialRTONs: 500_000)))]
        let before = try run(plain)
        let after = try run(linked)
        #expect(before.traceDigest != after.traceDigest)
        // Utilisation is over the run's whole time, which the slower venue stretches.
        let untouched = try #require(before.venues.first { $0.name == "XFIX" })
        let xfix = try #require(after.venues.first { $0.name == "XFIX" })
        #expect(xfix.instructionsServed == untouched.instructionsServed && xfix.busyNs == untouched.busyNs
            && xfix.maxQueueDepth == untouched.maxQueueDepth)
        #expect(after.venues.first { $0.name == "XOUCH" } != before.venues.first { $0.name == "XOUCH" })
        #expect(after.links.allSatisfy { $0.venue == "XOUCH" } && after.links.count == 2)
        #expect(after.invariantViolations.isEmpty && after.sessionsClosedEarly == 0)
    }

    /// Bursts of feed loss: MoldUDP64 re-requests over the same lossy link
    /// recover every message, and the subscriber's books end equal to the venue's.
    @Test func theFeedSubscriberRecoversBurstsOfLoss() throws {
        var config = smallConfig()
        let bursty = LinkDirectionConfig(
            propagationDelayNs: 10_000, bandwidthBitsPerSecond: 1_000_000_000, jitter: .uniform(minNs: 0, maxNs: 3_000),
            loss: .gilbertElliott(goodToBad: 0.02, badToGood: 0.2, lossInGood: 0, lossInBad: 1), duplicateProbability: 0.01,
            reorder: ReorderModel(probability: 0.02, delayNs: 20_000))
        config.venueLinks = [VenueLinksConfig(venue: "XTST", marketData: bursty)]
        let result = try run(config)
        let feed = try #require(result.feeds.first)
        #expect(try #require(result.links.first).statistics.droppedLost > 100)
        #expect(feed.requestsSent > 50)
        #expect(feed.duplicateMessages > 0)
        #expect(feed.messagesLost == 0 && feed.messagesDelivered == feed.messagesPublished, "\(feed)")
        #expect(feed.booksMatchVenue)
        #expect(result.invariantViolations.isEmpty, "\(result.invariantViolations.prefix(2))")
        // Order entry is not modelled here: it runs as without links.
        #expect(result.counts == (try run(smallConfig())).counts)
    }

    /// A feed link that loses everything: the subscriber never hears of a
    /// message, so it has nothing to ask for, and the report says so.
    @Test func aFeedLinkThatLosesEverythingDeliversNothing() throws {
        var config = smallConfig()
        config.venueLinks = [VenueLinksConfig(venue: "XTST", marketData: LinkDirectionConfig(loss: .bernoulli(probability: 1)))]
        let result = try run(config)
        let feed = try #require(result.feeds.first)
        #expect(feed.messagesPublished > 0 && feed.messagesDelivered == 0 && feed.requestsSent == 0)
        #expect(!feed.booksMatchVenue)
        #expect(result.invariantViolations.isEmpty, "a subscriber that heard nothing is not checked against the venue")
    }

    /// The shipped drill: losses happen on every modelled link, TCP repairs
    /// them without a session fault, every order is answered, and the run
    /// is the same twice.
    @Test func lossyLinkScenarioLosesPacketsButNoOrder() throws {
        let config = try ScenarioLoader.load(path: lossyLinkScenario)
        let first = try run(config)
        let second = try run(config)
        #expect(first.traceDigest == second.traceDigest)
        #expect(first.counts == second.counts)
        // The release build's `exsim run Scenarios/lossy-link.yaml` prints
        // this digest too; a change to the link model changes it on purpose.
        #expect(first.traceDigest == Self.lossyLinkDigest)

        #expect(!first.cutShort && first.unsettledAtClose == 0)
        #expect(first.invariantsChecked && first.invariantViolations.isEmpty, "\(first.invariantViolations.prefix(3))")
        #expect(first.connectionsBroken == 0)
        #expect(first.sessionsClosedEarly == 0)
        #expect(first.counts.ordersSent > 25_000)
        #expect(first.counts.ordersAccepted + first.counts.ordersRejected == first.counts.ordersSent)
        #expect(first.orderToAck.count == first.counts.ordersSent)
        // The venue served every message sent: instructions and 24 logins.
        #expect(first.instructionsServed.total == first.wire.messagesToVenues)

        let byName = Dictionary(uniqueKeysWithValues: first.links.map { ($0.link, $0) })
        for name in ["order_entry.to_venue", "order_entry.from_venue"] {
            let link = try #require(byName[name])
            #expect(link.statistics.droppedLost > 10, "\(name)")
            #expect(link.statistics.packetsDuplicated > 0, "\(name)")
            let tcp = try #require(link.tcp)
            #expect(tcp.retransmissions > 10, "\(name)")
            #expect(tcp.segmentsHeldForOrder > 0, "\(name)")
            #expect(tcp.duplicatesDiscarded == link.statistics.packetsDuplicated, "\(name)")
            #expect(tcp.breaks == 0)
            #expect(link.statistics.isBalanced)
        }
        #expect(try #require(byName["market_data"]).statistics.droppedLost > 0)
        // The feed's subscriber re-requested every lost packet and holds the venue's books.
        let feed = try #require(first.feeds.first)
        #expect(feed.requestsSent > 0)
        #expect(feed.messagesLost == 0)
        #expect(feed.messagesDelivered == feed.messagesPublished)
        #expect(feed.booksMatchVenue)
        // A retransmission costs at least the 1 ms timeout: the slowest acks show it.
        #expect(first.orderToAck.summary.maxNs > 1_000_000)
    }
}
