@testable import Network
import SimKernel
import Testing

/// Where a packet's time went: the parts add up to its delivery time.
@Suite struct TransitTimingTests {
    @Test func aPacketsPartsAddUpToItsTransit() {
        let config = LinkDirectionConfig(propagationDelayNs: 20_000, bandwidthBitsPerSecond: 1_000_000_000,
                                         jitter: .uniform(minNs: 0, maxNs: 5_000))
        var link = LinkDirection(config: config, random: RandomStream(scenarioSeed: 4, component: "t"))
        var sawQueueing = false
        for index in 0..<200 {
            let now = Int64(index) * 500
            guard case .delivered(let arrivalNs) = link.send(sizeBytes: 1_000, at: now) else {
                Issue.record("a link without loss lost a packet")
                continue
            }
            let timing = link.lastTiming
            #expect(timing.totalNs == arrivalNs - now, "packet \(index)")
            #expect(timing.serializationNs == 8_000 && timing.propagationNs == 20_000)
            sawQueueing = sawQueueing || timing.queueingNs > 0
        }
        #expect(sawQueueing, "1,000 bytes every 500 ns on 1 Gbps queue up")
        if case .delivered(let arrivalNs) = link.resend(sizeBytes: 1_000, at: 1_000_000) {
            #expect(link.lastTiming.queueingNs == 0 && link.lastTiming.totalNs == arrivalNs - 1_000_000)
        }
    }

    @Test func aTCPSegmentsTimeIncludesItsRetransmissionsAndItsWaitForOrder() {
        let outage = LinkFaultSchedule(faults: [
            LinkFaultConfig(atNs: 0, venue: "X", link: .orderEntry, action: .down),
            LinkFaultConfig(atNs: 1_500_000, venue: "X", link: .orderEntry, action: .up),
        ])
        var link = LinkDirection(config: LinkDirectionConfig(propagationDelayNs: 20_000), random: RandomStream(scenarioSeed: 1, component: "t"), faults: outage)
        var stream = TCPStream(retransmission: TCPRetransmissionConfig(initialRTONs: 1_000_000, maxRTONs: 8_000_000, maxRetransmissions: 5))
        // Lost at 100 µs and at 1.1 ms, through at 3.1 ms.
        #expect(stream.send(sizeBytes: 100, at: 100_000, over: &link) == .delivered(atNs: 3_120_000, retransmissions: 2))
        #expect(stream.lastTiming.retransmissionNs == 3_000_000 && stream.lastTiming.propagationNs == 20_000)
        #expect(stream.lastTiming.totalNs == 3_020_000)
        // Sent after the outage, it arrives first and waits for the lost one.
        #expect(stream.send(sizeBytes: 100, at: 2_000_000, over: &link) == .delivered(atNs: 3_120_000, retransmissions: 0))
        #expect(stream.lastTiming.heldForOrderNs == 1_100_000 && stream.lastTiming.totalNs == 1_120_000)
    }
}
