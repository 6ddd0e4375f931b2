import ArgumentParser
import Exchange
import Report

/// `exsim bench gateway`: the venue gateway path alone.
struct BenchGatewayCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gateway",
        abstract: "Benchmark the venue gateway: OUCH bytes in → session → engine → OUCH and ITCH bytes out.",
        discussion: """
            A seeded stream of OUCH 4.2 Enter Order (60 % limit, 10 % IOC, \
            within 10 ticks of the reference price, so about half cross) and \
            Cancel Order (30 %, of an earlier order of the same connection) \
            messages in SoupBinTCP Unsequenced Data packets, spread over \
            --connections logged-in connections and four symbols, is encoded \
            beforehand. The timed loop hands each packet to \
            VenueGateway.received, one call per message, and empties the \
            outputs (OUCH replies in Sequenced Data, ITCH 5.0 in MoldUDP64 \
            packets) as a driver would. Prints messages/s, ns per message, \
            and the Swift heap objects the loop allocated.
            """
    )

    @Option(help: "Messages fed to the gateway.")
    var messages: Int = 2_000_000

    @Option(help: "OUCH connections (one participant each).")
    var connections: Int = 8

    @Option(help: "Seed of the message stream.")
    var seed: UInt64 = 1

    @OptionGroup var output: BenchJSONOption

    func validate() throws {
        guard messages > 0 else { throw ValidationError("--messages must be positive") }
        guard (1...1_000).contains(connections) else { throw ValidationError("--connections must be in 1...1000") }
    }

    func run() throws {
        printBenchHeader("gateway")
        if InjectedDelay.isCompiledIn {
            print("warning: built with EXSIM_INJECT_DELAY: \(InjectedDelay.perMessageNs) ns of busy-wait per message")
        }
        let workload = GatewayWorkload(connectionCount: connections, messageCount: messages, seed: seed)
        let stream = workload.makeStream()
        print("\nworkload: OUCH 4.2 over SoupBinTCP 3.0 into VenueGateway, \(formatCount(messages)) messages (\(formatCount(stream.enters)) Enter Order, \(formatCount(stream.cancels)) Cancel Order; \(formatBytes(stream.bytes.count))) on \(connections) connections, 4 symbols, seed \(seed)")
        var gateway = workload.makeGateway()
        var outputs = GatewayOutputs()
        var tally = GatewayWorkload.Tally()
        let measurement = measureCodecLoop(messages: messages, bytes: stream.bytes.count) {
            tally = GatewayWorkload.drive(&gateway, stream, outputs: &outputs)
        }
        print("  received → session → engine → outputs: \(measurement.figures)")
        print("    \(formatCount(Int(tally.requests))) requests carried out, \(formatCount(Int(tally.trades))) trades; out: \(formatBytes(tally.outboundBytes)) of OUCH, \(formatCount(tally.feedPackets)) MoldUDP64 packets")
        if tally.requests != UInt64(messages) {
            print("    DIFFERS: \(messages) messages sent, \(tally.requests) requests carried out")
        }
        let figures = BenchFigures()
        figures.rate("messagesPerSecond", measurement.messagesPerSecond)
        try output.write(bench: "gateway", parameters: [
            "messages": "\(messages)", "connections": "\(connections)", "seed": "\(seed)",
        ], figures: figures)
    }
}
