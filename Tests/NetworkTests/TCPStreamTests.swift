@testable import Network
import SimKernel
import XCTest

final class TCPStreamTests: XCTestCase {
    let retransmission = TCPRetransmissionConfig(initialRTONs: 1_000_000, maxRTONs: 8_000_000, maxRetransmissions: 12)

    func testTimeoutDoublesUpToItsCap() {
        XCTAssertEqual((1...6).map { retransmission.timeoutNs(beforeRetransmission: $0) },
                       [1_000_000, 2_000_000, 4_000_000, 8_000_000, 8_000_000, 8_000_000])
    }

    func testALostSegmentCostsItsRetransmissionTimeouts() {
        // Constant delay, no jitter: every delivery time is predictable from
        // the number of retransmissions the segment needed.
        var link = LinkDirection(config: LinkDirectionConfig(propagationDelayNs: 20_000, loss: .bernoulli(probability: 0.3)),
                                 random: RandomStream(scenarioSeed: 5, component: "test.tcp"))
        var stream = TCPStream(retransmission: retransmission)
        var previous = Int64.min
        var seen = Set<Int>()
        for index in 0..<5_000 {
            let now = Int64(index) * 10_000
            guard case .delivered(let atNs, let retransmissions) = stream.send(sizeBytes: 100, at: now, over: &link) else {
                return XCTFail("13 copies in a row lost at 30 % loss: 1.6e-7 a segment")
            }
            seen.insert(retransmissions)
            let waited = retransmissions == 0 ? 0 : (1...retransmissions).reduce(Int64(0)) { $0 + retransmission.timeoutNs(beforeRetransmission: $1) }
            XCTAssertEqual(atNs, max(previous, now + waited + 20_000), "segment \(index)")
            previous = atNs
        }
        XCTAssertTrue(seen.isSuperset(of: [0, 1, 2, 3]), "seen \(seen.sorted())")
        XCTAssertGreaterThan(stream.statistics.segmentsHeldForOrder, 100)
        XCTAssertEqual(link.statistics.packetsSent, 5_000 + stream.statistics.retransmissions)
        link.checkInvariants()
    }

    func testTheByteStreamIsNeverReordered() {
        let config = LinkDirectionConfig(
            propagationDelayNs: 10_000, bandwidthBitsPerSecond: 1_000_000_000, jitter: .pareto(scaleNs: 1_000, shape: 1.5),
            loss: .gilbertElliott(goodToBad: 0.01, badToGood: 0.3, lossInGood: 0, lossInBad: 0.5),
            duplicateProbability: 0.02, reorder: ReorderModel(probability: 0.05, delayNs: 100_000))
        var link = LinkDirection(config: config, random: RandomStream(scenarioSeed: 8, component: "test.tcp"))
        // Two connections share the link; each stream stays in order.
        var streams = [TCPStream(retransmission: retransmission), TCPStream(retransmission: retransmission)]
        var previous: [Int64] = [.min, .min]
        for index in 0..<20_000 {
            let which = index % 2
            guard case .delivered(let atNs, _) = streams[which].send(sizeBytes: 200, at: Int64(index) * 1_000, over: &link) else {
                return XCTFail("broken")
            }
            XCTAssertGreaterThanOrEqual(atNs, previous[which])
            previous[which] = atNs
        }
        let total = streams.reduce(into: TCPStreamStatistics()) { $0 += $1.statistics }
        XCTAssertGreaterThan(total.retransmissions, 0)
        XCTAssertGreaterThan(total.duplicatesDiscarded, 0)
        XCTAssertGreaterThan(total.segmentsHeldForOrder, 0)
        XCTAssertEqual(total.breaks, 0)
    }

    func testRetransmissionsAreLostAtTheLongRunRateWhateverTheBurst() {
        // A link that enters its bad state at once and loses everything
        // there for ~100 packets: originals are lost in long bursts, but a
        // retransmission goes out a timeout later, lost at the long-run rate.
        let model = LossModel.gilbertElliott(goodToBad: 0.01, badToGood: 0.01, lossInGood: 0, lossInBad: 1)
        var link = LinkDirection(config: LinkDirectionConfig(loss: model), random: RandomStream(seed: 4))
        var originalsLost = 0, resendsLost = 0
        for index in 0..<100_000 {
            if link.send(sizeBytes: 100, at: Int64(index)) == .dropped(.lost) { originalsLost += 1 }
        }
        let stateBefore = link.inBadState
        for index in 0..<100_000 {
            if link.resend(sizeBytes: 100, at: 200_000 + Int64(index)) == .dropped(.lost) { resendsLost += 1 }
        }
        XCTAssertEqual(link.inBadState, stateBefore, "a retransmission does not move the burst state")
        XCTAssertEqual(Double(resendsLost) / 100_000, 0.5, accuracy: 0.01)
        XCTAssertEqual(Double(originalsLost) / 100_000, 0.5, accuracy: 0.15)
        link.checkInvariants()
    }

    func testEveryRetransmissionLostBreaksTheConnection() {
        var link = LinkDirection(config: LinkDirectionConfig(loss: .bernoulli(probability: 1)), random: RandomStream(seed: 1))
        var stream = TCPStream(retransmission: retransmission)
        XCTAssertEqual(stream.send(sizeBytes: 100, at: 0, over: &link), .broken)
        XCTAssertTrue(stream.isBroken)
        // The original and 12 retransmissions.
        XCTAssertEqual(link.statistics.packetsSent, 13)
        XCTAssertEqual(stream.statistics.breaks, 1)
        // A broken stream sends nothing more.
        XCTAssertEqual(stream.send(sizeBytes: 100, at: 1, over: &link), .broken)
        XCTAssertEqual(link.statistics.packetsSent, 13)
    }

    func testRetransmissionConfigurationProblems() {
        XCTAssertNil(TCPRetransmissionConfig().firstProblem)
        XCTAssertNotNil(TCPRetransmissionConfig(initialRTONs: 0).firstProblem)
        XCTAssertNotNil(TCPRetransmissionConfig(initialRTONs: 10, maxRTONs: 5).firstProblem)
        XCTAssertNotNil(TCPRetransmissionConfig(maxRetransmissions: -1).firstProblem)
    }
}
