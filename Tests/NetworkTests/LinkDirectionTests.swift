import Network
import SimKernel
import XCTest

final class LinkDirectionTests: XCTestCase {
    func link(_ config: LinkDirectionConfig, seed: UInt64 = 7) -> LinkDirection {
        LinkDirection(config: config, random: RandomStream(scenarioSeed: seed, component: "test.link"))
    }

    func testSerializationDelayIsBitsOverBandwidthRoundedUp() {
        // 1,500 bytes = 12,000 bits at 1 Gb/s: 12 µs exactly.
        XCTAssertEqual(LinkDirection.serializationDelayNs(sizeBytes: 1_500, bandwidthBitsPerSecond: 1_000_000_000), 12_000)
        // 64 bytes at 10 Gb/s is 51.2 ns: a started nanosecond counts.
        XCTAssertEqual(LinkDirection.serializationDelayNs(sizeBytes: 64, bandwidthBitsPerSecond: 10_000_000_000), 52)
        // 1 byte at 3 b/s: 8/3 s = 2,666,666,666.67 ns.
        XCTAssertEqual(LinkDirection.serializationDelayNs(sizeBytes: 1, bandwidthBitsPerSecond: 3), 2_666_666_667)
        // The largest packet at 1 b/s stays far inside Int64.
        XCTAssertEqual(LinkDirection.serializationDelayNs(sizeBytes: LinkLimits.largestPacketBytes, bandwidthBitsPerSecond: 1),
                       Int64(LinkLimits.largestPacketBytes) * 8_000_000_000)
        XCTAssertEqual(LinkDirection.serializationDelayNs(sizeBytes: 1_500, bandwidthBitsPerSecond: 0), 0)
    }

    func testPacketsSentTogetherSerializeOneAfterAnother() {
        var l = link(LinkDirectionConfig(propagationDelayNs: 5_000, bandwidthBitsPerSecond: 1_000_000_000))
        XCTAssertEqual(l.send(sizeBytes: 1_000, at: 0), .delivered(atNs: 8_000 + 5_000))
        XCTAssertEqual(l.send(sizeBytes: 1_000, at: 0), .delivered(atNs: 16_000 + 5_000))
        XCTAssertEqual(l.send(sizeBytes: 500, at: 1_000), .delivered(atNs: 20_000 + 5_000))
        // An idle transmitter starts at once.
        XCTAssertEqual(l.send(sizeBytes: 125, at: 100_000), .delivered(atNs: 101_000 + 5_000))
        XCTAssertEqual(l.statistics.queueHighWaterBytes, 2_500)
        l.checkInvariants()
    }

    func testTailDropAtTheByteLimit() {
        // 1,000-byte packets take 8 µs each; the queue holds 3,000 bytes,
        // the packet being serialized included.
        var l = link(LinkDirectionConfig(bandwidthBitsPerSecond: 1_000_000_000, queueLimitBytes: 3_000))
        XCTAssertEqual(l.send(sizeBytes: 1_000, at: 0), .delivered(atNs: 8_000))
        XCTAssertEqual(l.send(sizeBytes: 1_000, at: 0), .delivered(atNs: 16_000))
        // Exactly at the limit is still accepted.
        XCTAssertEqual(l.send(sizeBytes: 1_000, at: 0), .delivered(atNs: 24_000))
        XCTAssertEqual(l.send(sizeBytes: 1, at: 0), .dropped(.queueFull))
        XCTAssertEqual(l.send(sizeBytes: 1_000, at: 7_999), .dropped(.queueFull))
        // The first packet is on the wire at 8 µs: 1,000 bytes are free again.
        XCTAssertEqual(l.send(sizeBytes: 1_000, at: 8_000), .delivered(atNs: 32_000))
        XCTAssertEqual(l.send(sizeBytes: 1_000, at: 8_000), .dropped(.queueFull))
        XCTAssertEqual(l.statistics.droppedQueueFull, 3)
        XCTAssertEqual(l.statistics.drops(.queueFull), 3)
        XCTAssertEqual(l.statistics.packetsDelivered, 4)
        XCTAssertEqual(l.statistics.queueHighWaterBytes, 3_000)
        XCTAssertEqual(l.queuedBytesAtLastSend, 3_000)
        l.checkInvariants()
    }

    func testUnlimitedBandwidthNeverQueues() {
        var l = link(LinkDirectionConfig(propagationDelayNs: 10, queueLimitBytes: 100))
        for _ in 0..<1_000 { XCTAssertEqual(l.send(sizeBytes: 100, at: 0), .delivered(atNs: 10)) }
        XCTAssertEqual(l.statistics.queueHighWaterBytes, 0)
    }

    func testJitterNeverReordersWithoutReordering() {
        var l = link(LinkDirectionConfig(propagationDelayNs: 1_000, jitter: .uniform(minNs: 0, maxNs: 10_000)))
        var previous = Int64.min
        var distinctDelays = Set<Int64>()
        var heldBack = 0
        for index in 0..<20_000 {
            let now = Int64(index) * 100
            guard case .delivered(let atNs) = l.send(sizeBytes: 100, at: now) else { return XCTFail("nothing should be lost") }
            XCTAssertGreaterThanOrEqual(atNs, previous, "packet \(index) overtook the one before")
            XCTAssertGreaterThanOrEqual(atNs, now + 1_000)
            if atNs == previous { heldBack += 1 }
            distinctDelays.insert(atNs - now)
            previous = atNs
        }
        // The jitter is real: delays vary, and FIFO had work to do.
        XCTAssertGreaterThan(distinctDelays.count, 1_000)
        XCTAssertGreaterThan(heldBack, 100)
    }

    func testReorderingLetsLaterPacketsOvertake() {
        var l = link(LinkDirectionConfig(propagationDelayNs: 1_000, reorder: ReorderModel(probability: 0.1, delayNs: 5_000)))
        var arrivals: [Int64] = []
        for index in 0..<10_000 {
            arrivals.append(l.send(sizeBytes: 100, at: Int64(index) * 100).arrivalNs!)
        }
        let overtaken = zip(arrivals, arrivals.dropFirst()).filter { $0 > $1 }.count
        XCTAssertGreaterThan(overtaken, 500)
        let reordered = Double(l.statistics.packetsReordered) / 10_000
        XCTAssertEqual(reordered, 0.1, accuracy: 0.015)
        // The others keep their order among themselves: constant delay, so exactly 1 µs.
        let inOrder = arrivals.enumerated().filter { $0.element == Int64($0.offset) * 100 + 1_000 }.count
        XCTAssertEqual(inOrder, 10_000 - Int(l.statistics.packetsReordered))
    }

    func testBernoulliLossRate() {
        var l = link(LinkDirectionConfig(loss: .bernoulli(probability: 0.02)))
        for index in 0..<200_000 { _ = l.send(sizeBytes: 64, at: Int64(index)) }
        let rate = Double(l.statistics.droppedLost) / 200_000
        XCTAssertEqual(rate, 0.02, accuracy: 0.002)
        l.checkInvariants()
    }

    func testGilbertElliottLongRunLossRateAndBurstLength() {
        let model = LossModel.gilbertElliott(goodToBad: 0.01, badToGood: 0.25, lossInGood: 0, lossInBad: 1)
        // π_bad = p / (p + r) = 0.01 / 0.26.
        XCTAssertEqual(model.longRunLossRate, 0.01 / 0.26, accuracy: 1e-12)
        var l = link(LinkDirectionConfig(loss: model))
        let packets = 400_000
        var bursts = 0
        var previousLost = false
        for index in 0..<packets {
            let lost = l.send(sizeBytes: 64, at: Int64(index)) == .dropped(.lost)
            if lost, !previousLost { bursts += 1 }
            previousLost = lost
        }
        let rate = Double(l.statistics.droppedLost) / Double(packets)
        XCTAssertEqual(rate, model.longRunLossRate, accuracy: model.longRunLossRate * 0.1)
        // The bad state lasts 1 / r = 4 packets on average, and loses them all.
        let meanBurst = Double(l.statistics.droppedLost) / Double(bursts)
        XCTAssertEqual(meanBurst, 4, accuracy: 0.4)
    }

    func testGilbertElliottWithPartialLossInBothStates() {
        let model = LossModel.gilbertElliott(goodToBad: 0.05, badToGood: 0.2, lossInGood: 0.01, lossInBad: 0.5)
        var l = link(LinkDirectionConfig(loss: model), seed: 99)
        for index in 0..<400_000 { _ = l.send(sizeBytes: 64, at: Int64(index)) }
        let rate = Double(l.statistics.droppedLost) / 400_000
        // 0.8 · 0.01 + 0.2 · 0.5 = 0.108
        XCTAssertEqual(model.longRunLossRate, 0.108, accuracy: 1e-12)
        XCTAssertEqual(rate, 0.108, accuracy: 0.008)
    }

    func testDuplicationRate() {
        var l = link(LinkDirectionConfig(propagationDelayNs: 50, duplicateProbability: 0.05))
        var duplicates = 0
        for index in 0..<100_000 {
            if case .duplicated(let atNs) = l.send(sizeBytes: 64, at: Int64(index)) {
                duplicates += 1
                XCTAssertEqual(atNs, Int64(index) + 50)
            }
        }
        XCTAssertEqual(Double(duplicates) / 100_000, 0.05, accuracy: 0.004)
        XCTAssertEqual(l.statistics.packetsDuplicated, UInt64(duplicates))
        XCTAssertEqual(l.statistics.packetsDelivered, 100_000)
    }

    func testSameSeedSameOutcomesAndAnotherSeedOthers() {
        let config = LinkDirectionConfig(
            propagationDelayNs: 2_000, bandwidthBitsPerSecond: 100_000_000, queueLimitBytes: 20_000,
            jitter: .logNormal(medianNs: 3_000, sigma: 0.8),
            loss: .gilbertElliott(goodToBad: 0.02, badToGood: 0.3, lossInGood: 0.001, lossInBad: 0.7),
            duplicateProbability: 0.01, reorder: ReorderModel(probability: 0.01, delayNs: 20_000))
        func run(seed: UInt64) -> [LinkOutcome] {
            var l = link(config, seed: seed)
            var sizes = RandomStream(seed: 1)
            var outcomes: [LinkOutcome] = []
            var now: Int64 = 0
            for _ in 0..<5_000 {
                now += sizes.nextInt(in: 0...3_000)
                outcomes.append(l.send(sizeBytes: Int(sizes.nextInt(in: 60...1_500)), at: now))
            }
            l.checkInvariants()
            return outcomes
        }
        let first = run(seed: 11)
        XCTAssertEqual(first, run(seed: 11))
        XCTAssertNotEqual(first, run(seed: 12))
        // Every kind of outcome happened, so the comparison covers them all.
        XCTAssertTrue(first.contains(.dropped(.queueFull)))
        XCTAssertTrue(first.contains(.dropped(.lost)))
        XCTAssertTrue(first.contains { if case .duplicated = $0 { true } else { false } })
    }

    func testConfigurationProblemsAreNamed() {
        XCTAssertNil(LinkDirectionConfig().firstProblem)
        XCTAssertNotNil(LinkDirectionConfig(propagationDelayNs: -1).firstProblem)
        XCTAssertNotNil(LinkDirectionConfig(loss: .bernoulli(probability: 1.5)).firstProblem)
        XCTAssertNotNil(LinkDirectionConfig(loss: .gilbertElliott(goodToBad: 0.1, badToGood: 0, lossInGood: 0, lossInBad: 1)).firstProblem)
        XCTAssertNotNil(LinkDirectionConfig(jitter: .uniform(minNs: 10, maxNs: 5)).firstProblem)
        XCTAssertNotNil(LinkDirectionConfig(jitter: .pareto(scaleNs: 100, shape: 0)).firstProblem)
        XCTAssertNotNil(LinkDirectionConfig(duplicateProbability: -0.1).firstProblem)
        XCTAssertNotNil(LinkDirectionConfig(reorder: ReorderModel(probability: 2, delayNs: 1)).firstProblem)
    }
}
