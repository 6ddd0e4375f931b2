import Network
import SimKernel

/// Packets through one link direction with every step of the model on (the
/// order-entry link of Scenarios/lossy-link.yaml), each as a TCP segment of
/// one of several connections sharing the link: what a modelled link costs
/// per message in a simulated run.
struct NetworkWorkload {
    let packets: Int
    let connections: Int
    let seed: UInt64

    static let link = LinkDirectionConfig(
        propagationDelayNs: 25_000, bandwidthBitsPerSecond: 1_000_000_000, queueLimitBytes: 262_144,
        jitter: .pareto(scaleNs: 1_000, shape: 2.5),
        loss: .gilbertElliott(goodToBad: 0.002, badToGood: 0.25, lossInGood: 0.0005, lossInBad: 0.5),
        duplicateProbability: 0.001, reorder: ReorderModel(probability: 0.002, delayNs: 40_000))

    struct Result {
        var packets: Int
        var elapsedNs: Int64
        /// Sum of the delivery times, a checksum any correct model reproduces.
        var deliveryChecksum: UInt64
        var statistics: LinkStatistics
        var tcp: TCPStreamStatistics
    }

    func run() -> Result {
        var link = LinkDirection(config: Self.link, random: RandomStream(scenarioSeed: seed, component: "bench.link"))
        var streams = Array(repeating: TCPStream(retransmission: TCPRetransmissionConfig(initialRTONs: 1_000_000, maxRTONs: 16_000_000)),
                            count: connections)
        // Sizes and gaps drawn up front: the timed loop is the link's alone.
        var random = RandomStream(seed: seed)
        var sizes = [Int](), gapsNs = [Int64]()
        sizes.reserveCapacity(packets)
        gapsNs.reserveCapacity(packets)
        for _ in 0..<packets {
            sizes.append(Int(random.nextInt(in: 80...200)))
            // 200k packets/s on average: 1 Gb/s is a fifth busy.
            gapsNs.append(Int64(random.nextExponential(mean: 5_000)))
        }
        var checksum: UInt64 = 0
        var nowNs: Int64 = 0
        let start = WallClock.nowNs()
        for index in 0..<packets {
            nowNs += gapsNs[index]
            let connection = index % connections
            switch streams[connection].send(sizeBytes: sizes[index], at: nowNs, over: &link) {
            case .delivered(let atNs, _): checksum &+= UInt64(bitPattern: atNs)
            case .broken: streams[connection] = TCPStream(retransmission: streams[connection].retransmission)
            }
        }
        let elapsed = WallClock.nowNs() - start
        let tcp = streams.reduce(into: TCPStreamStatistics()) { $0 += $1.statistics }
        return Result(packets: packets, elapsedNs: elapsed, deliveryChecksum: checksum, statistics: link.statistics, tcp: tcp)
    }
}
