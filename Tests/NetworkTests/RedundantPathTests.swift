@testable import Network
import SimKernel
import Testing

@Suite struct RedundantPathTests {
    func schedule(_ outages: [(Int64, Int64?)], link: FaultedLink = .orderEntry) -> LinkFaultSchedule {
        var faults: [LinkFaultConfig] = []
        for (start, end) in outages {
            faults.append(LinkFaultConfig(atNs: start, venue: "X", link: link, action: .down))
            if let end { faults.append(LinkFaultConfig(atNs: end, venue: "X", link: link, action: .up)) }
        }
        return LinkFaultSchedule(faults: faults)
    }

    func outages(_ pairs: [(Int64, Int64?)]) -> [LinkOutage] { pairs.map { LinkOutage(startNs: $0.0, endNs: $0.1) } }

    @Test func theRouteMovesToTheBackupOnceTheFailureIsDetected() {
        let route = FailoverRoute(detectionNs: 200)
        let primary = schedule([(1_000, 2_000), (5_000, nil)])
        #expect(!route.usesBackup(at: 999, primary: primary))
        // Down, but nobody knows yet.
        #expect(!route.usesBackup(at: 1_000, primary: primary) && !route.usesBackup(at: 1_199, primary: primary))
        #expect(route.usesBackup(at: 1_200, primary: primary) && route.usesBackup(at: 1_999, primary: primary))
        // Back at once when the primary returns.
        #expect(!route.usesBackup(at: 2_000, primary: primary))
        #expect(route.usesBackup(at: 1_000_000, primary: primary), "an outage to the end of the run keeps the backup")
        // Detection 0: the backup from the first instant.
        #expect(FailoverRoute(detectionNs: 0).usesBackup(at: 1_000, primary: primary))
    }

    @Test func pathOutagesAreTheUndetectedWindowsAndWhereBothAreDown() {
        let route = FailoverRoute(detectionNs: 100)
        // A healthy backup: only the detection windows.
        #expect(route.pathOutages(primary: outages([(1_000, 2_000), (3_000, 3_050)]), backup: [])
            == outages([(1_000, 1_100), (3_000, 3_050)]))
        // The backup down across the detection: one merged outage until it returns.
        #expect(route.pathOutages(primary: outages([(1_000, 2_000)]), backup: outages([(900, 1_500)]))
            == outages([(1_000, 1_500)]))
        // The backup down later within the primary's outage, and beyond its end.
        #expect(route.pathOutages(primary: outages([(1_000, 2_000)]), backup: outages([(1_300, 1_400), (1_900, 2_500)]))
            == outages([(1_000, 1_100), (1_300, 1_400), (1_900, 2_000)]))
        // A backup outage spanning two primary outages counts in both.
        #expect(route.pathOutages(primary: outages([(1_000, 2_000), (3_000, 4_000)]), backup: outages([(1_500, 3_500)]))
            == outages([(1_000, 1_100), (1_500, 2_000), (3_000, 3_500)]))
        // Backup outages while the primary is up cost nothing.
        #expect(route.pathOutages(primary: outages([(5_000, 5_500)]), backup: outages([(1_000, 2_000)])) == outages([(5_000, 5_100)]))
        // Open outages stay open where both are down to the end.
        #expect(route.pathOutages(primary: outages([(1_000, nil)]), backup: outages([(2_000, nil)]))
            == outages([(1_000, 1_100), (2_000, nil)]))
        #expect(route.pathOutages(primary: outages([(1_000, nil)]), backup: []) == outages([(1_000, 1_100)]))
        // Detection longer than the outage: the whole outage.
        #expect(FailoverRoute(detectionNs: 10_000).pathOutages(primary: outages([(1_000, 2_000)]), backup: []) == outages([(1_000, 2_000)]))
        #expect(FailoverRoute(detectionNs: 0).pathOutages(primary: outages([(1_000, 2_000)]), backup: []).isEmpty)
    }

    /// The path algebra against a brute-force walk over every nanosecond.
    @Test func pathOutagesAgreeWithAPointByPointWalk() {
        var random = RandomStream(scenarioSeed: 3, component: "test.paths")
        for _ in 0..<200 {
            func draw() -> [(Int64, Int64?)] {
                var list: [(Int64, Int64?)] = []
                var time: Int64 = 0
                for _ in 0..<Int(random.next() % 4) {
                    time += 1 + Int64(random.next() % 60)
                    let end = time + 1 + Int64(random.next() % 40)
                    list.append((time, end < 400 ? end : nil))
                    guard end < 400 else { break }
                    time = end
                }
                return list
            }
            let primary = schedule(draw()), backup = schedule(draw(), link: .orderEntryBackup)
            let route = FailoverRoute(detectionNs: Int64(random.next() % 30))
            let path = route.pathOutages(primary: primary.outages, backup: backup.outages)
            let down = LinkFaultSchedule(faults: path.flatMap { outage in
                [LinkFaultConfig(atNs: outage.startNs, venue: "X", link: .orderEntry, action: .down)]
                    + (outage.endNs.map { [LinkFaultConfig(atNs: $0, venue: "X", link: .orderEntry, action: .up)] } ?? [])
            })
            #expect(down.outages == path, "the result is sorted, disjoint and merged")
            for t in Int64(0)..<500 {
                let carriesNothing = primary.isDown(at: t) && (!route.usesBackup(at: t, primary: primary) || backup.isDown(at: t))
                #expect(down.isDown(at: t) == carriesNothing, "t=\(t) primary \(primary.outages) backup \(backup.outages) detection \(route.detectionNs)")
            }
        }
    }

    @Test func aPacketCrossesTheLinkTheRouteChose() {
        let random = RandomStream(scenarioSeed: 1, component: "t")
        let primary = LinkDirection(config: LinkDirectionConfig(propagationDelayNs: 20_000), random: random, faults: schedule([(100_000, 200_000)]))
        let backup = LinkDirection(config: LinkDirectionConfig(propagationDelayNs: 35_000), random: random, faults: .none)
        var path = RedundantPath(primary: primary, backup: backup, route: FailoverRoute(detectionNs: 10_000))
        #expect(path.send(sizeBytes: 100, at: 50_000) == .delivered(atNs: 70_000))
        #expect(path.send(sizeBytes: 100, at: 105_000) == .dropped(.linkDown), "before the detection, lost on the primary")
        #expect(path.send(sizeBytes: 100, at: 110_000) == .delivered(atNs: 145_000), "then over the backup")
        #expect(path.resend(sizeBytes: 100, at: 150_000) == .delivered(atNs: 185_000))
        #expect(path.send(sizeBytes: 100, at: 200_000) == .delivered(atNs: 220_000), "back on the primary")
        #expect(path.packetsOverBackup == 2)
        #expect(path.primary.statistics.packetsSent == 3 && path.primary.statistics.droppedLinkDown == 1)
        #expect(path.backup?.statistics.packetsSent == 2)
    }

    @Test func tcpRetransmitsALostSegmentOverTheBackup() {
        let random = RandomStream(scenarioSeed: 1, component: "t")
        let primary = LinkDirection(config: LinkDirectionConfig(propagationDelayNs: 20_000), random: random, faults: schedule([(0, 50_000_000)]))
        let backup = LinkDirection(config: LinkDirectionConfig(propagationDelayNs: 35_000), random: random, faults: .none)
        var path = RedundantPath(primary: primary, backup: backup, route: FailoverRoute(detectionNs: 300_000))
        var stream = TCPStream(retransmission: TCPRetransmissionConfig(initialRTONs: 1_000_000, maxRTONs: 8_000_000, maxRetransmissions: 5))
        // Sent inside the detection window: lost, retransmitted a timeout later over the backup.
        #expect(stream.send(sizeBytes: 100, at: 100_000, over: &path) == .delivered(atNs: 1_135_000, retransmissions: 1))
        // Sent after the failover: straight over the backup, behind the retransmission in the stream.
        #expect(stream.send(sizeBytes: 100, at: 400_000, over: &path) == .delivered(atNs: 1_135_000, retransmissions: 0))
        #expect(stream.statistics.segmentsHeldForOrder == 1)
        // Without a backup the same segment waits for the primary: 1 + 2 + 4 + 8 + 8 ms is not enough.
        var alone = RedundantPath(primary: primary)
        var lonely = TCPStream(retransmission: TCPRetransmissionConfig(initialRTONs: 1_000_000, maxRTONs: 8_000_000, maxRetransmissions: 5))
        #expect(lonely.send(sizeBytes: 100, at: 100_000, over: &alone) == .broken)
    }
}
