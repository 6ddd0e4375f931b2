@testable import Network
import SimKernel
import Testing

/// A shared link is the first hop of every venue path that goes via it:
/// the venues' packets queue behind one another on it, then go on over
/// each venue's own link.
@Suite struct SharedLinkTests {
    let random = RandomStream(scenarioSeed: 1, component: "test.shared")

    func schedule(_ outages: [(Int64, Int64?)]) -> LinkFaultSchedule {
        var faults: [LinkFaultConfig] = []
        for (start, end) in outages {
            faults.append(LinkFaultConfig(atNs: start, venue: "X", link: .orderEntry, action: .down))
            if let end { faults.append(LinkFaultConfig(atNs: end, venue: "X", link: .orderEntry, action: .up)) }
        }
        return LinkFaultSchedule(faults: faults)
    }

    /// 1 Gb/s: a 1,000-byte packet takes 8 µs to serialize.
    var trunk: LinkDirection {
        LinkDirection(config: LinkDirectionConfig(propagationDelayNs: 150_000, bandwidthBitsPerSecond: 1_000_000_000, queueLimitBytes: 2_500),
                      random: random)
    }

    func venuePath(latencyNs: Int64) -> RedundantPath {
        RedundantPath(primary: LinkDirection(config: LinkDirectionConfig(propagationDelayNs: latencyNs), random: random))
    }

    @Test func twoVenuesQueueBehindEachOtherOnTheSharedLinkThenTakeTheirOwn() {
        var shared = trunk
        var toB = venuePath(latencyNs: 2_000)
        var toC = venuePath(latencyNs: 5_000)
        let retransmission = TCPRetransmissionConfig(initialRTONs: 1_000_000, maxRTONs: 8_000_000, maxRetransmissions: 3)
        var streamB = TCPStream(retransmission: retransmission), streamC = TCPStream(retransmission: retransmission)
        // Serialized 0–8 µs, 150 µs across, 2 µs more on B's own link; both hops' parts add up.
        #expect(streamB.send(sizeBytes: 1_000, at: 0, over: &toB, via: &shared) == .delivered(atNs: 160_000, retransmissions: 0))
        #expect(streamB.lastTiming == TransitTiming(serializationNs: 8_000, propagationNs: 152_000))
        // C's packet, sent at the same instant, waits for B's on the shared transmitter.
        #expect(streamC.send(sizeBytes: 1_000, at: 0, over: &toC, via: &shared) == .delivered(atNs: 171_000, retransmissions: 0))
        #expect(streamC.lastTiming == TransitTiming(queueingNs: 8_000, serializationNs: 8_000, propagationNs: 155_000))
        // A third would take the queue past 2,500 bytes: tail drop on the shared link, for whichever venue.
        #expect(toB.send(sizeBytes: 1_000, at: 0, via: &shared) == .dropped(.queueFull))
        #expect(shared.statistics.packetsSent == 3 && shared.statistics.droppedQueueFull == 1)
        #expect(toB.primary.statistics.packetsSent == 1, "a packet dropped on the shared link never reaches the venue's own")
        shared.checkInvariants()
    }

    @Test func aSegmentLostOnTheSharedLinkIsRetransmittedOverBothHops() {
        var shared = LinkDirection(config: LinkDirectionConfig(propagationDelayNs: 100_000), random: random, faults: schedule([(0, 500_000)]))
        var path = venuePath(latencyNs: 2_000)
        var stream = TCPStream(retransmission: TCPRetransmissionConfig(initialRTONs: 1_000_000, maxRTONs: 8_000_000, maxRetransmissions: 3))
        // Down at the send: the retransmission a timeout later crosses both links.
        #expect(stream.send(sizeBytes: 100, at: 0, over: &path, via: &shared) == .delivered(atNs: 1_102_000, retransmissions: 1))
        #expect(stream.lastTiming.retransmissionNs == 1_000_000 && stream.lastTiming.propagationNs == 102_000)
        #expect(shared.statistics.droppedLinkDown == 1 && path.primary.statistics.packetsSent == 1)
    }

    @Test func theBackupBypassesTheSharedLinkAndTheRouteWatchesBoth() {
        let sharedFaults = schedule([(100_000, 300_000)])
        var shared = LinkDirection(config: LinkDirectionConfig(propagationDelayNs: 100_000), random: random, faults: sharedFaults)
        let backup = LinkDirection(config: LinkDirectionConfig(propagationDelayNs: 250_000), random: random)
        var path = RedundantPath(primary: LinkDirection(config: LinkDirectionConfig(propagationDelayNs: 2_000), random: random),
                                 backup: backup, route: FailoverRoute(detectionNs: 50_000), sharedLinkFaults: sharedFaults)
        #expect(path.send(sizeBytes: 100, at: 0, via: &shared) == .delivered(atNs: 102_000))
        // The shared link is down and the failure not yet detected: lost on it.
        #expect(path.isCutOff(at: 120_000))
        #expect(path.send(sizeBytes: 100, at: 120_000, via: &shared) == .dropped(.linkDown))
        // Detected: straight over the backup, which does not cross the shared link.
        #expect(!path.isCutOff(at: 150_000))
        #expect(path.send(sizeBytes: 100, at: 150_000, via: &shared) == .delivered(atNs: 400_000))
        #expect(path.lastTiming == TransitTiming(propagationNs: 250_000))
        #expect(shared.statistics.packetsSent == 2 && path.packetsOverBackup == 1)
        // Back when the shared link is.
        #expect(path.send(sizeBytes: 100, at: 300_000, via: &shared) == .delivered(atNs: 402_000))
    }

    @Test func outagesOfTwoLinksMergeIntoThePathsOutages() {
        let a = schedule([(100, 200), (500, 600), (900, nil)])
        let b = schedule([(150, 300), (300, 350), (700, 800), (1_000, 1_100)])
        let merged = a.outagesMerged(with: b)
        #expect(merged.outages == [LinkOutage(startNs: 100, endNs: 350), LinkOutage(startNs: 500, endNs: 600),
                                   LinkOutage(startNs: 700, endNs: 800), LinkOutage(startNs: 900, endNs: nil)])
        #expect(merged.transitions.count == 7)
        for timeNs in stride(from: Int64(0), through: 1_200, by: 10) {
            #expect(merged.isDown(at: timeNs) == (a.isDown(at: timeNs) || b.isDown(at: timeNs)), "at \(timeNs)")
        }
        #expect(a.outagesMerged(with: .none).outages == a.outages)
    }

    @Test func aCopyMadeOnEitherHopArrivesJustBehind() {
        #expect(LinkOutcome.afterTwoHops(first: .duplicated(atNs: 5), second: .delivered(atNs: 9)) == .duplicated(atNs: 9))
        #expect(LinkOutcome.afterTwoHops(first: .delivered(atNs: 5), second: .duplicated(atNs: 9)) == .duplicated(atNs: 9))
        #expect(LinkOutcome.afterTwoHops(first: .duplicated(atNs: 5), second: .dropped(.lost)) == .dropped(.lost))
    }

    @Test func aSharedLinkRefusesReorderAndAnUnboundedQueueBehindABandwidth() {
        let fine = LinkDirectionConfig(propagationDelayNs: 1_000)
        #expect(SharedLinkConfig(name: "T", toVenue: fine, fromVenue: fine).firstProblem == nil)
        var reordering = fine
        reordering.reorder = ReorderModel(probability: 0.1, delayNs: 10)
        #expect(SharedLinkConfig(name: "T", toVenue: fine, fromVenue: reordering).firstProblem?.contains("in order") == true)
        var unbounded = fine
        unbounded.bandwidthBitsPerSecond = 1_000_000_000
        #expect(SharedLinkConfig(name: "T", toVenue: unbounded, fromVenue: fine).firstProblem?.contains("queue_bytes") == true)
    }
}
