@testable import Network
import SimKernel
import Testing

@Suite struct LinkFaultTests {
    func fault(_ atNs: Int64, _ action: LinkFaultAction) -> LinkFaultConfig {
        LinkFaultConfig(atNs: atNs, venue: "X", link: .orderEntry, action: action)
    }

    @Test func aFlapIsCountOutagesOfHalfAPeriod() {
        let schedule = LinkFaultSchedule(faults: [fault(100, .flap(periodNs: 20, count: 3))])
        #expect(schedule.outages == [LinkOutage(startNs: 100, endNs: 110), LinkOutage(startNs: 120, endNs: 130), LinkOutage(startNs: 140, endNs: 150)])
        #expect(schedule.transitions.map(\.atNs) == [100, 110, 120, 130, 140, 150])
        #expect(schedule.transitions.map(\.isDown) == [true, false, true, false, true, false])
        // Down over [start, end).
        #expect(!schedule.isDown(at: 99) && schedule.isDown(at: 100) && schedule.isDown(at: 109) && !schedule.isDown(at: 110))
        #expect(schedule.isDown(at: 145) && !schedule.isDown(at: 150) && !schedule.isDown(at: 1_000))
    }

    @Test func downAndUpApplyInTimeThenFileOrder() {
        // A down while down and an up while up change nothing; a down
        // without an up lasts to the end.
        let schedule = LinkFaultSchedule(faults: [
            fault(50, .up), fault(10, .down), fault(20, .down), fault(30, .up), fault(40, .up), fault(60, .down),
        ])
        #expect(schedule.outages == [LinkOutage(startNs: 10, endNs: 30), LinkOutage(startNs: 60, endNs: nil)])
        #expect(schedule.isDown(at: 1_000_000_000))
        #expect(LinkOutage(startNs: 60, endNs: nil).lengthNs(runEndNs: 100) == 40)
        // Down and up at the same instant make no outage.
        #expect(LinkFaultSchedule(faults: [fault(10, .down), fault(10, .up)]).outages.isEmpty)
    }

    @Test func aLinkThatIsDownDropsEverythingAndDrawsNothing() {
        let config = LinkDirectionConfig(propagationDelayNs: 1_000, loss: .bernoulli(probability: 0.1))
        let random = RandomStream(scenarioSeed: 9, component: "test.fault")
        var faulted = LinkDirection(config: config, random: random, faults: LinkFaultSchedule(faults: [fault(5_000, .down), fault(10_000, .up)]))
        var plain = LinkDirection(config: config, random: random)
        var plainOutcomes: [LinkOutcome] = []
        var faultedOutcomes: [LinkOutcome] = []
        for index in 0..<20 {
            let now = Int64(index) * 1_000
            let outcome = faulted.send(sizeBytes: 100, at: now)
            if (5_000..<10_000).contains(now) {
                #expect(outcome == .dropped(.linkDown), "at \(now)")
            } else {
                faultedOutcomes.append(outcome)
                plainOutcomes.append(plain.send(sizeBytes: 100, at: now))
            }
        }
        // Outside the outage the faulted link's fates are the plain link's:
        // the outage took no draw from its stream.
        #expect(faultedOutcomes == plainOutcomes)
        #expect(faulted.statistics.droppedLinkDown == 5)
        faulted.checkInvariants()
    }

    @Test func tcpRetransmitsThroughAnOutageWithBackoff() {
        let retransmission = TCPRetransmissionConfig(initialRTONs: 1_000_000, maxRTONs: 8_000_000, maxRetransmissions: 5)
        let outage = LinkFaultSchedule(faults: [fault(0, .down), fault(10_000_000, .up)])
        var link = LinkDirection(config: LinkDirectionConfig(propagationDelayNs: 20_000), random: RandomStream(scenarioSeed: 1, component: "t"), faults: outage)
        var stream = TCPStream(retransmission: retransmission)
        // Sent at 0 into a 10 ms outage: retries at 1, 3, 7 ms are dropped,
        // the one at 15 ms gets through.
        #expect(stream.send(sizeBytes: 100, at: 0, over: &link) == .delivered(atNs: 15_020_000, retransmissions: 4))
        #expect(link.statistics.droppedLinkDown == 4)
        // A segment sent behind it waits for it (in order).
        #expect(stream.send(sizeBytes: 100, at: 12_000_000, over: &link) == .delivered(atNs: 15_020_000, retransmissions: 0))

        // An outage longer than every retry gives the connection up.
        let long = LinkFaultSchedule(faults: [fault(0, .down)])
        var dead = LinkDirection(config: LinkDirectionConfig(propagationDelayNs: 20_000), random: RandomStream(scenarioSeed: 1, component: "t"), faults: long)
        var broken = TCPStream(retransmission: retransmission)
        #expect(broken.send(sizeBytes: 100, at: 0, over: &dead) == .broken)
        #expect(broken.statistics.breaks == 1 && dead.statistics.droppedLinkDown == 6)
    }

    @Test func aDegradationAddsDelayAndLossForItsDuration() {
        let degrade = LinkFaultSchedule(faults: [fault(1_000, .degrade(addedDelayNs: 500, addedLoss: 1, durationNs: 1_000)),
                                                 fault(3_000, .degrade(addedDelayNs: 700, addedLoss: 0, durationNs: 1_000))])
        var link = LinkDirection(config: LinkDirectionConfig(propagationDelayNs: 100), random: RandomStream(scenarioSeed: 2, component: "t"), faults: degrade)
        #expect(link.send(sizeBytes: 10, at: 0) == .delivered(atNs: 100))
        #expect(link.send(sizeBytes: 10, at: 1_500) == .dropped(.lost))
        #expect(link.send(sizeBytes: 10, at: 3_000) == .delivered(atNs: 3_800))
        #expect(link.send(sizeBytes: 10, at: 4_000) == .delivered(atNs: 4_100))
        #expect(degrade.degradation(at: 1_999).addedDelayNs == 500 && degrade.degradation(at: 1_999).addedLoss == 1)
        #expect(degrade.degradation(at: 2_000).addedDelayNs == 0 && degrade.degradation(at: 2_000).addedLoss == 0)
    }

    @Test func faultProblemsAreNamed() {
        #expect(fault(0, .flap(periodNs: 1, count: 3)).firstProblem != nil)
        #expect(fault(0, .flap(periodNs: 10, count: 0)).firstProblem != nil)
        #expect(fault(0, .degrade(addedDelayNs: 0, addedLoss: 1.5, durationNs: 10)).firstProblem != nil)
        #expect(fault(-1, .down).firstProblem != nil)
        #expect(fault(100, .flap(periodNs: 20, count: 3)).lastEffectNs == 150)
    }
}
