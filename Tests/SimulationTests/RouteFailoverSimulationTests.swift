import Foundation
import Testing
@testable import Simulation

/// A venue's order entry with a backup path: the route fails over once the
/// primary's failure is detected, and the run reports both availabilities.
@Suite struct RouteFailoverSimulationTests {
    func config(backupFaults: [LinkFaultAction] = [], detectionNs: Int64 = 100_000, rate: Double = 20_000,
                backupLatencyNs: Int64 = 7_000, primaryDownAtNs: Int64 = 10_000_000) -> SimulationConfig {
        var config = smallConfig(rate: rate)
        let primary = LinkDirectionConfig(propagationDelayNs: 2_000)
        let backup = LinkDirectionConfig(propagationDelayNs: backupLatencyNs)
        config.venueLinks = [VenueLinksConfig(venue: "XTST", orderEntry: OrderEntryLinkConfig(
            toVenue: primary, fromVenue: primary,
            retransmission: TCPRetransmissionConfig(initialRTONs: 1_000_000, maxRTONs: 8_000_000, maxRetransmissions: 3),
            backup: BackupPathConfig(toVenue: backup, fromVenue: backup, route: FailoverRoute(detectionNs: detectionNs))))]
        // The primary is down from 10 ms to the end: without the backup,
        // three retries would break every connection.
        config.linkFaults = [LinkFaultConfig(atNs: primaryDownAtNs, venue: "XTST", link: .orderEntry, action: .down)]
            + backupFaults.map { LinkFaultConfig(atNs: 20_000_000, venue: "XTST", link: .orderEntryBackup, action: $0) }
        return config
    }

    @Test func theBackupCarriesOrderEntryThroughThePrimarysFailure() throws {
        let first = try run(config())
        let second = try run(config())
        #expect(first.traceDigest == second.traceDigest)
        #expect(first.invariantViolations.isEmpty, "\(first.invariantViolations.prefix(3))")
        #expect(first.connectionsBroken == 0 && first.sessionsClosedEarly == 0)
        #expect(first.counts.ordersAccepted + first.counts.ordersRejected == first.counts.ordersSent, "every order answered")
        let backupToVenue = try #require(first.links.first { $0.link == "order_entry_backup.to_venue" })
        #expect(backupToVenue.statistics.packetsSent > 100 && backupToVenue.statistics.isBalanced)
        let path = try #require(first.orderEntryPaths.first)
        #expect(path.venue == "XTST" && path.detectionNs == 100_000)
        #expect(path.primaryOutages == [LinkOutage(startNs: 10_000_000, endNs: nil)])
        #expect(path.pathOutages == [LinkOutage(startNs: 10_000_000, endNs: 10_100_000)], "only the detection window")
        #expect(path.packetsOverBackup >= backupToVenue.statistics.packetsSent)
        // Over the backup an order takes 2 × 7 µs, not 2 × 2 µs: the tail shows the move.
        #expect(first.orderToAck.maxNs >= 1_000_000, "a segment lost before the detection waits one timeout")
        #expect(first.orderToAck.maxNs < 2_000_000, "and then gets through at the first retransmission")
    }

    /// A crash while the route is on a far slower backup: the resets, the
    /// connection attempts and the logins all cross the backup, so the
    /// sessions are back no sooner than four of its one-way delays.
    @Test func aCrashAfterFailoverIsRecoveredOverTheBackup() throws {
        var config = config(rate: 2_000, backupLatencyNs: 3_000_000, primaryDownAtNs: 5_000_000)
        config.venues[0].standbyTakeoverNs = 100_000
        config.gatewayCrashes = [GatewayCrashConfig(atNs: 10_000_000, venue: "XTST", restartAfterNs: 8_000_000)]
        let result = try run(config)
        #expect(result.invariantViolations.isEmpty, "\(result.invariantViolations.prefix(3))")
        let crash = try #require(result.gatewayCrashes.first)
        #expect(crash.sessionsReset == 16 && crash.sessionsRecovered == 16)
        // The reset and the attempt over the backup take 6 ms: the standby,
        // up after 0.1 ms, takes every first attempt.
        #expect(crash.connectionAttempts == 16, "\(crash.connectionAttempts)")
        let recovery = try #require(crash.recoveryNs)
        // Reset, attempt, login and its answer: four crossings of 3 ms.
        #expect(recovery >= 12_000_000 && recovery < 13_000_000, "\(recovery)")
    }

    @Test func bothPathsDownIsAnOutageNoRedundancyHides() throws {
        let result = try run(config(backupFaults: [.down]), check: false)
        let path = try #require(result.orderEntryPaths.first)
        #expect(path.pathOutages == [LinkOutage(startNs: 10_000_000, endNs: 10_100_000), LinkOutage(startNs: 20_000_000, endNs: nil)])
        #expect(result.connectionsBroken > 0, "with both paths down for good, TCP gives up")
        #expect(OrderEntryPathReport.availabilityPartsPerMillion(path.pathOutages, runEndNs: 40_000_000) == 497_500)
    }
}

/// Where a round trip's time went, hop by hop.
@Suite struct LatencyAttributionTests {
    @Test func overTheFixedLatencyTheHopsAddUpToTheRoundTrip() throws {
        let result = try run(smallConfig(rate: 50_000))
        let venue = try #require(result.latencyAttribution.first)
        #expect(venue.venue == "XTST")
        #expect(venue.toVenue.writes > 0 && venue.toVenue.sum == TransitTiming(propagationNs: Int64(venue.toVenue.writes) * 2_000))
        #expect(venue.fromVenue.sum.totalNs == Int64(venue.fromVenue.writes) * 2_000)
        #expect(venue.messagesServed == venue.toVenue.writes, "every write served")
        let served = Double(venue.messagesServed)
        // 800 ns of mean service, some queueing.
        #expect(abs(Double(venue.serviceNs) / served - 800) < 40, "\(Double(venue.serviceNs) / served)")
        let roundTrip = 4_000 + Double(venue.queueWaitNs + venue.serviceNs) / served
        // Each order's own round trip is exactly these four hops; the means
        // cover every write, cancels and heartbeats too, so they agree closely.
        #expect(abs(roundTrip - result.orderToAck.meanNs) < 0.05 * result.orderToAck.meanNs, "\(roundTrip) against \(result.orderToAck.meanNs)")
    }

    @Test func overModelledLinksThePartsShowRetransmissions() throws {
        let result = try run(RouteFailoverSimulationTests().config())
        let venue = try #require(result.latencyAttribution.first)
        #expect(venue.toVenue.sum.retransmissionNs > 0, "the writes caught in the detection window were retransmitted")
        #expect(venue.toVenue.sum.propagationNs > Int64(venue.toVenue.writes) * 2_000, "some went over the 7 µs backup")
    }
}

/// A venue's gateway crashes: the sessions reconnect, log in where they
/// left off, and no numbered message is lost.
@Suite struct GatewayCrashSimulationTests {
    func config(standbyNs: Int64?) -> SimulationConfig {
        var config = smallConfig(rate: 20_000)
        config.venues[0].standbyTakeoverNs = standbyNs
        config.gatewayCrashes = [GatewayCrashConfig(atNs: 10_000_000, venue: "XTST", restartAfterNs: 8_000_000)]
        return config
    }

    @Test func everySessionComesBackWhereItLeftOff() throws {
        for standby in [Int64?.none, 2_000_000] {
            let first = try run(config(standbyNs: standby))
            let second = try run(config(standbyNs: standby))
            #expect(first.traceDigest == second.traceDigest)
            #expect(first.invariantViolations.isEmpty, "\(first.invariantViolations.prefix(3))")
            let crash = try #require(first.gatewayCrashes.first)
            #expect(crash.sessionsReset == 16 && crash.sessionsRecovered == 16)
            let downNs = standby ?? 8_000_000
            #expect(crash.acceptsAgainAtNs == 10_000_000 + downNs && crash.byStandby == (standby != nil))
            let recovery = try #require(crash.recoveryNs)
            // Back once the venue takes connections, within a retry and a login's round trips.
            #expect(recovery >= downNs && recovery < downNs + 1_100_000, "\(recovery)")
            #expect(crash.connectionAttempts > 16, "refused attempts were retried")
            #expect(first.numberedMessagesNotReceived == 0, "every report reached its client")
            #expect(first.sessionsClosedEarly == 0 && first.connectionsBroken == 0)
        }
    }

    /// The host dies: no reset, so each OUCH session finds out only when it
    /// has heard nothing for SoupBinTCP's 15 s, then comes back to the standby.
    @Test func aSilentHostCrashIsFoundByTheSessionsTimeouts() throws {
        var config = smallConfig(rate: 200)
        config.durationNs = 20_000_000_000
        config.venues[0].standbyTakeoverNs = 2_000_000
        config.gatewayCrashes = [GatewayCrashConfig(atNs: 1_000_000_000, venue: "XTST", restartAfterNs: 8_000_000, silent: true)]
        let result = try run(config)
        #expect(result.invariantViolations.isEmpty, "\(result.invariantViolations.prefix(3))")
        let crash = try #require(result.gatewayCrashes.first)
        #expect(crash.silent && crash.sessionsReset == 16 && crash.sessionsRecovered == 16)
        let recovery = try #require(crash.recoveryNs)
        // The idle timeout runs from the last byte each session heard,
        // before the crash, and is checked on the session's heartbeat timer.
        #expect(recovery > 13_900_000_000 && recovery < 15_100_000_000, "\(recovery)")
        #expect(result.sessionsClosedEarly == 16, "each session timed the silence out")
        #expect(result.sessionsReconnected == 0, "counted as the crash's recoveries")
        #expect(result.numberedMessagesNotReceived == 0)
        var reset = config
        reset.gatewayCrashes[0].silent = false
        #expect(try #require(try run(reset).gatewayCrashes.first?.recoveryNs) < 2_100_000, "a reset is heard at once")
    }

    /// What the crash swallowed (orders on the wire, in the gateway's
    /// queue) goes out again at the login: every order is answered once.
    @Test func requestsTheCrashSwallowedAreSentAgain() throws {
        // Busy enough that the gateway dies with requests in hand.
        var busy = smallConfig(rate: 400_000)
        busy.venues[0].standbyTakeoverNs = 2_000_000
        busy.gatewayCrashes = [GatewayCrashConfig(atNs: 10_000_000, venue: "XTST", restartAfterNs: 8_000_000)]
        let result = try run(busy)
        #expect(result.invariantViolations.isEmpty, "\(result.invariantViolations.prefix(3))")
        #expect(result.requestsResent > 0)
        #expect(result.numberedMessagesNotReceived == 0)
        #expect(result.counts.ordersAccepted + result.counts.ordersRejected == result.counts.ordersSent, "every order answered")
        #expect(result.cancelToAck.count == result.counts.cancelsSent, "every cancel answered")
    }

    /// A FIX client writes into a dead host's connection until its session
    /// times the silence out, 72 s later; its store keeps all of it, and the
    /// standby's ResendRequest at the login gets every order back.
    @Test func fixOrdersWrittenIntoADeadHostAreResentFromTheStore() throws {
        var config = smallConfig(rate: 1)
        config.flows.append(FlowConfig(
            name: "fix", venue: "XTST", rateOrdersPerSecond: 200, participants: 2,
            mix: OrderMix(limit: 60, market: 5, immediateOrCancel: 10, cancel: 15, replace: 10), orderEntryProtocol: .fix44))
        config.durationNs = 80_000_000_000
        config.phaseEvents = []
        config.venues[0].standbyTakeoverNs = 2_000_000
        config.gatewayCrashes = [GatewayCrashConfig(atNs: 1_000_000_000, venue: "XTST", restartAfterNs: 8_000_000, silent: true)]
        let result = try run(config)
        #expect(result.invariantViolations.isEmpty, "\(result.invariantViolations.prefix(3))")
        let crash = try #require(result.gatewayCrashes.first)
        #expect(crash.sessionsRecovered == crash.sessionsReset)
        // 72 s of 200/s instructions, more than the 1,024 a fixed store holds.
        #expect(result.requestsResent > 10_000, "\(result.requestsResent)")
        #expect(result.counts.ordersAccepted + result.counts.ordersRejected == result.counts.ordersSent, "every order answered")
        #expect(result.numberedMessagesNotReceived == 0)
    }

    @Test func withoutACrashNothingChanges() throws {
        var crashless = config(standbyNs: nil)
        crashless.gatewayCrashes = []
        let result = try run(crashless)
        #expect(result.traceDigest == (try run(smallConfig(rate: 20_000))).traceDigest)
        #expect(result.gatewayCrashes.isEmpty && result.numberedMessagesNotReceived == 0)
    }
}
