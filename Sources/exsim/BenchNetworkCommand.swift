import ArgumentParser
import Report

/// `exsim bench network`: segments through a modelled link per second.
struct BenchNetworkCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "network",
        abstract: "Benchmark the link model (TCP segments through a lossy, jittery link per second).",
        discussion: """
            One link direction with bandwidth, a queue limit, Pareto jitter, \
            Gilbert-Elliott loss, duplication and reordering (the order-entry \
            link of Scenarios/lossy-link.yaml), shared by --connections TCP \
            streams; --packets segments of 80 to 200 bytes at 200k/s on \
            average. Prints segments per second and a checksum of the delivery \
            times, which any correct model reproduces for the same options.
            """
    )

    @Option(help: "Segments sent.")
    var packets: Int = 10_000_000

    @Option(help: "TCP connections sharing the link.")
    var connections: Int = 64

    @Option(help: "Seed of the link's random stream and of the sizes and gaps.")
    var seed: UInt64 = 1

    @OptionGroup var output: BenchJSONOption

    func validate() throws {
        guard packets > 0, connections > 0 else { throw ValidationError("--packets and --connections must be positive") }
    }

    func run() throws {
        printBenchHeader("network")
        print("\nworkload: \(packets) TCP segments over one lossy, jittery 1 Gb/s link shared by \(connections) connections, seed \(seed)")
        let result = NetworkWorkload(packets: packets, connections: connections, seed: seed).run()
        let rate = Double(result.packets) * 1e9 / Double(result.elapsedNs)
        let s = result.statistics
        print("  segments/s (each through queue, loss, jitter and TCP ordering): \(formatRate(rate)) (\(result.packets) in \(formatNanoseconds(result.elapsedNs)))")
        print("  link: \(s.packetsSent) packets sent, \(s.droppedLost) lost, \(s.droppedQueueFull) dropped at the queue, \(s.packetsDuplicated) duplicated, \(s.packetsReordered) reordered; TCP: \(result.tcp.retransmissions) retransmissions, \(result.tcp.segmentsHeldForOrder) held for order")
        print("  delivery checksum: \(String(result.deliveryChecksum, radix: 16))")
        let figures = BenchFigures()
        figures.rate("segmentsPerSecond", rate, unit: "segments/s")
        try output.write(bench: "network", parameters: ["packets": "\(packets)", "connections": "\(connections)", "seed": "\(seed)"],
                         figures: figures)
    }
}
