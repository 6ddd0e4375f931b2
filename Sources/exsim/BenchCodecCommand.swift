import ArgumentParser
import Foundation
import Report
import Wire

/// `exsim bench codec`: the wire codecs alone, over pregenerated message mixes.
struct BenchCodecCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "codec",
        abstract: "Benchmark the wire codecs: ITCH 5.0 / MoldUDP64, OUCH 4.2 / SoupBinTCP, FIX 4.2 / 4.4.",
        discussion: """
            Each line times one loop on one core over a seeded message mix \
            generated beforehand and held in memory; a pool of distinct \
            messages is cycled until --messages have gone through. Prints \
            messages/s, ns per message, bytes/s, and the Swift heap objects \
            the loop allocated (counted through the runtime's \
            swift_allocObject hook; glibc keeps no malloc call count).

            itch: a TotalView-like mix (42% A, 39% D, 8% U, 3.5% E, ...) in \
            MoldUDP64 packets of up to 1,400 bytes; decoded in one pass per \
            packet by ITCHPacketReader (framing, type and length of each message), \
            one switch on each ITCHMessageView's kind, and reading its typed \
            fields into a checksum that must match the generator's. Target: \
            at least 100M messages/s. Also the BinaryFILE block stream, \
            encoding, and MoldUDP64 packet building.

            ouch: Enter Order in SoupBinTCP Unsequenced Data packets, Accepted \
            and Executed (60/40) in Sequenced Data packets; encode, frame, \
            decode, with the stream read in 16 KiB chunks.

            fix: NewOrderSingle and ExecutionReport (fills) with the standard \
            header, written by FIXMessageWriter; read back through FIXFramer, \
            FIXParser and the typed decoders, each stage timed on its own.
            """
    )

    enum CodecProtocol: String, ExpressibleByArgument, CaseIterable {
        case itch, ouch, fix, all
    }

    enum FIXVersionChoice: String, ExpressibleByArgument, CaseIterable {
        case fix42 = "4.2", fix44 = "4.4", both
    }

    @Option(help: "Protocol to run: \(CodecProtocol.allCases.map(\.rawValue).joined(separator: ", ")).")
    var `protocol`: CodecProtocol = .all

    @Option(help: "Messages per timed loop (default: sized for about half a second each: itch 30M, ouch 20M, fix 500k).")
    var messages: Int?

    @Option(help: "FIX version(s) to run: 4.2, 4.4 or both.")
    var fixVersion: FIXVersionChoice = .both

    @Option(help: "Seed of the message generators.")
    var seed: UInt64 = 1

    @OptionGroup var output: BenchJSONOption

    /// Distinct messages generated per protocol; loops cycle through them.
    static let itchPoolCount = 1 << 20
    static let ouchPoolCount = 1 << 18
    static let fixPoolCount = 1 << 16

    func validate() throws {
        if let messages, messages <= 0 { throw ValidationError("--messages must be positive") }
    }

    func run() throws {
        printBenchHeader("codec")
        let figures = BenchFigures()
        if `protocol` == .itch || `protocol` == .all { runITCH(requested: messages ?? 30_000_000, figures) }
        if `protocol` == .ouch || `protocol` == .all { runOUCH(requested: messages ?? 20_000_000, figures) }
        if `protocol` == .fix || `protocol` == .all {
            let versions: [FIXVersion] = switch fixVersion {
            case .fix42: [.fix42]
            case .fix44: [.fix44]
            case .both: [.fix42, .fix44]
            }
            for version in versions { runFIX(requested: messages ?? 500_000, version: version, figures) }
        }
        try output.write(bench: "codec", parameters: [
            "protocol": `protocol`.rawValue, "messages": messages.map(String.init) ?? "default",
            "fix-version": fixVersion.rawValue, "seed": "\(seed)",
        ], figures: figures)
    }

    // MARK: - ITCH

    func runITCH(requested: Int, _ figures: BenchFigures) {
        let workload = CodecITCHWorkload(poolCount: min(requested, Self.itchPoolCount), seed: seed)
        let feed = workload.makeFeed()
        let pool = feed.messages.count
        let passes = passes(requested: requested, poolCount: pool)
        let timed = pool * passes
        let mix = CodecITCHWorkload.mix.prefix(8).map { "\(Character(UnicodeScalar($0.type.rawValue))) \(formatPerMille($0.perMille))" }
        print("\nworkload: ITCH 5.0, \(formatCount(pool)) messages (\(mix.joined(separator: ", ")), others \(formatPerMille(1000 - CodecITCHWorkload.mix.prefix(8).reduce(0) { $0 + $1.perMille }))) over \(CodecITCHWorkload.symbolCount) symbols, seed \(seed)")
        print("  in \(formatCount(feed.packetEnds.count)) MoldUDP64 packets of ≤ \(MoldUDP64PacketBuilder.defaultMaximumPayloadBytes) B (\(formatBytes(feed.datagrams.count))), or a \(formatBytes(feed.blockStream.count)) block stream; each loop runs \(passes) pass(es), \(formatCount(timed)) messages")

        var decoded = (ITCHChecksum(), failures: 0)
        let moldDecode = measureCodecLoop(messages: timed, bytes: feed.datagrams.count * passes) {
            decoded = CodecITCHWorkload.decodeMoldUDP64(feed, passes: passes)
        }
        let expected = feed.expected.repeated(passes)
        print("  decode MoldUDP64 → ITCHPacketReader → typed view (kind) → fields: \(moldDecode.figures)")
        print("    checksum \(hex(decoded.0.digest)) \(decoded.0 == expected && decoded.failures == 0 ? "matches the generator" : "DIFFERS from the generator (\(decoded.failures) failures)")")
        print("    target ≥ 100M/s on one core: \(moldDecode.messagesPerSecond >= 100e6 ? "met" : "not met")")
        figures.rate("itchDecodeMoldUDP64", moldDecode.messagesPerSecond)

        var yardstick = (ITCHChecksum(), failures: 0)
        _ = CodecITCHWorkload.lengthOfType.count // built before the clock starts
        let reference = measureCodecLoop(messages: timed, bytes: feed.datagrams.count * passes) {
            yardstick = CodecITCHWorkload.decodeMoldUDP64Reference(feed, passes: passes)
        }
        print("  yardstick, not Wire's API: the same walk hand-written in one pass, type/length by table, one dispatch: \(reference.figures)")
        print("    checksum \(hex(yardstick.0.digest)) \(yardstick.0 == expected && yardstick.failures == 0 ? "matches the generator" : "DIFFERS from the generator (\(yardstick.failures) failures)")")

        var streamed = (ITCHChecksum(), failures: 0)
        let streamDecode = measureCodecLoop(messages: timed, bytes: feed.blockStream.count * passes) {
            streamed = CodecITCHWorkload.decodeBlockStream(feed, passes: passes)
        }
        print("  decode BinaryFILE blocks (ITCHBlockStreamReader) → typed fields: \(streamDecode.figures)")
        figures.rate("itchDecodeBlockStream", streamDecode.messagesPerSecond)
        print("    checksum \(hex(streamed.0.digest)) \(streamed.0 == expected && streamed.failures == 0 ? "matches the generator" : "DIFFERS from the generator (\(streamed.failures) failures)")")

        let out = UnsafeMutableRawBufferPointer.allocate(byteCount: feed.datagrams.count, alignment: 64)
        defer { out.deallocate() }
        out.initializeMemory(as: UInt8.self, repeating: 0)
        var written = 0
        let encode = measureCodecLoop(messages: timed, bytes: feed.blockStream.count * passes) {
            written = CodecITCHWorkload.encodeBlocks(feed.messages, into: out, passes: passes)
        }
        let encodedMatches = written == feed.blockStream.count * passes
            && feed.blockStream.withUnsafeBytes { memcmp($0.baseAddress!, out.baseAddress!, $0.count) == 0 }
        print("  encode ITCHMessage values → blocks (encodeBlock): \(encode.figures)")
        figures.rate("itchEncodeBlocks", encode.messagesPerSecond)
        print("    bytes \(encodedMatches ? "identical to the generated stream" : "DIFFER from the generated stream")")

        var packetEnds: [Int] = []
        packetEnds.reserveCapacity(feed.packetEnds.count)
        var built = 0
        let build = measureCodecLoop(messages: timed, bytes: feed.datagrams.count * passes) {
            for _ in 0..<passes { built = CodecITCHWorkload.buildPackets(feed.messages, into: out, packetEnds: &packetEnds) }
        }
        let builtMatches = built == feed.datagrams.count && packetEnds == feed.packetEnds
            && feed.datagrams.withUnsafeBytes { memcmp($0.baseAddress!, out.baseAddress!, $0.count) == 0 }
        print("  build MoldUDP64 packets (MoldUDP64PacketBuilder.append, ≤ 1,400 B): \(build.figures)")
        figures.rate("itchBuildMoldUDP64", build.messagesPerSecond)
        print("    \(formatCount(packetEnds.count)) packets per pass, \(builtMatches ? "identical to the generated datagrams" : "DIFFERENT from the generated datagrams")")
    }

    // MARK: - OUCH

    func runOUCH(requested: Int, _ figures: BenchFigures) {
        let workload = CodecOUCHWorkload(poolCount: min(requested, Self.ouchPoolCount), seed: seed)
        let pool = workload.makePool()
        let count = pool.enterOrders.count
        let passes = passes(requested: requested, poolCount: count)
        let timed = count * passes
        print("\nworkload: OUCH 4.2 over SoupBinTCP 3.0, \(formatCount(count)) Enter Orders (\(formatBytes(pool.inboundStream.count)) of Unsequenced Data) and \(formatCount(count)) outbound messages (\(CodecOUCHWorkload.acceptedPerMille / 10)% Accepted, \(100 - CodecOUCHWorkload.acceptedPerMille / 10)% Executed; \(formatBytes(pool.outboundStream.count)) of Sequenced Data), streams read in \(CodecOUCHWorkload.chunkBytes / 1024) KiB chunks, seed \(seed)")
        print("  each loop runs \(passes) pass(es), \(formatCount(timed)) messages")

        let out = UnsafeMutableRawBufferPointer.allocate(byteCount: max(pool.inboundStream.count, pool.outboundStream.count), alignment: 64)
        defer { out.deallocate() }
        out.initializeMemory(as: UInt8.self, repeating: 0)

        var written = 0
        let encodeIn = measureCodecLoop(messages: timed, bytes: pool.inboundStream.count * passes) {
            written = CodecOUCHWorkload.encodeEnterOrders(pool.enterOrders, into: out, passes: passes)
        }
        print("  encode Enter Order into an Unsequenced Data packet: \(encodeIn.figures)")
        figures.rate("ouchEncodeEnterOrder", encodeIn.messagesPerSecond)
        print("    bytes \(written == pool.inboundStream.count * passes && same(pool.inboundStream, out) ? "identical to the generated stream" : "DIFFER from the generated stream")")

        // Warm-up passes size the decoders' buffers, so the timed loops show
        // what a long-lived connection allocates: nothing, or something per message.
        var inboundDecoder = SoupBinTCPFrameDecoder(maximumPacketLength: 1 + OUCHEnterOrder.length)
        var outboundDecoder = SoupBinTCPFrameDecoder(maximumPacketLength: 1 + OUCHAccepted.length)
        var tally = CodecOUCHWorkload.decodeInbound(pool.inboundStream, passes: 1, depth: .message, decoder: &inboundDecoder)
        let decodeIn = measureCodecLoop(messages: timed, bytes: pool.inboundStream.count * passes) {
            tally = CodecOUCHWorkload.decodeInbound(pool.inboundStream, passes: passes, depth: .message, decoder: &inboundDecoder)
        }
        print("  decode SoupBinTCP frames → OUCHInboundMessage (Enter Order): \(decodeIn.figures)")
        figures.rate("ouchDecodeEnterOrder", decodeIn.messagesPerSecond)
        print("    \(checksumLine(tally.checksum, expected: pool.expectedInbound &* UInt64(passes), messages: tally.messages, timed: timed, failures: tally.failures))")

        let encodeOut = measureCodecLoop(messages: timed, bytes: pool.outboundStream.count * passes) {
            written = CodecOUCHWorkload.encodeOutbound(pool.outbound, into: out, passes: passes)
        }
        print("  encode Accepted / Executed into Sequenced Data packets: \(encodeOut.figures)")
        figures.rate("ouchEncodeOutbound", encodeOut.messagesPerSecond)
        print("    bytes \(written == pool.outboundStream.count * passes && same(pool.outboundStream, out) ? "identical to the generated stream" : "DIFFER from the generated stream")")

        tally = CodecOUCHWorkload.decodeOutbound(pool.outboundStream, passes: 1, depth: .message, decoder: &outboundDecoder)
        let decodeOut = measureCodecLoop(messages: timed, bytes: pool.outboundStream.count * passes) {
            tally = CodecOUCHWorkload.decodeOutbound(pool.outboundStream, passes: passes, depth: .message, decoder: &outboundDecoder)
        }
        print("  decode SoupBinTCP frames → OUCHOutboundMessage (Accepted / Executed): \(decodeOut.figures)")
        figures.rate("ouchDecodeOutbound", decodeOut.messagesPerSecond)
        print("    \(checksumLine(tally.checksum, expected: pool.expectedOutbound &* UInt64(passes), messages: tally.messages, timed: timed, failures: tally.failures))")

        let framing = measureCodecLoop(messages: timed, bytes: pool.outboundStream.count * passes) {
            tally = CodecOUCHWorkload.decodeOutbound(pool.outboundStream, passes: passes, depth: .framing, decoder: &outboundDecoder)
        }
        print("  SoupBinTCPFrameDecoder alone over the outbound stream: \(framing.figures)")
        figures.rate("soupBinTCPFraming", framing.messagesPerSecond)
        print("    \(formatCount(tally.messages)) packets, \(tally.failures) failures")
    }

    // MARK: - FIX

    func runFIX(requested: Int, version: FIXVersion, _ figures: BenchFigures) {
        let workload = CodecFIXWorkload(poolCount: min(requested, Self.fixPoolCount), seed: seed, version: version)
        let pool = workload.makePool()
        let count = pool.orders.count
        let passes = passes(requested: requested, poolCount: count)
        let timed = count * passes
        let name = version == .fix42 ? "FIX 4.2" : "FIX 4.4"
        print("\nworkload: \(name), \(formatCount(count)) NewOrderSingle (limit, \(formatBytes(pool.orderStream.count / count)) each) and \(formatCount(count)) ExecutionReport fills (\(formatBytes(pool.reportStream.count / count)) each), header 49/56/34/52, prices with \(CodecFIXWorkload.priceDecimals) implied decimals, streams read in \(CodecFIXWorkload.chunkBytes / 1024) KiB chunks, seed \(seed)")
        print("  each loop runs \(passes) pass(es), \(formatCount(timed)) messages")

        var writer = FIXMessageWriter()
        var encoded = (bytes: 0, checksum: UInt64(0))
        let encodeOrders = measureCodecLoop(messages: timed, bytes: pool.orderStream.count * passes) {
            encoded = CodecFIXWorkload.encode(pool.orders, version: version, passes: passes, writer: &writer)
        }
        print("  encode NewOrderSingle (FIXMessageWriter, BodyLength + CheckSum): \(encodeOrders.figures)")
        let prefix = version == .fix42 ? "fix42" : "fix44"
        figures.rate("\(prefix)EncodeNewOrderSingle", encodeOrders.messagesPerSecond)
        let encodeReports = measureCodecLoop(messages: timed, bytes: pool.reportStream.count * passes) {
            encoded = CodecFIXWorkload.encode(pool.reports, version: version, passes: passes, writer: &writer)
        }
        print("  encode ExecutionReport: \(encodeReports.figures)")
        figures.rate("\(prefix)EncodeExecutionReport", encodeReports.messagesPerSecond)
        blackHole(encoded)

        decodeFIX(pool.orderStream, as: FIXNewOrderSingle.self, name: "NewOrderSingle", version: version, passes: passes,
                  timed: timed, expected: pool.expectedOrders, fold: CodecFIXWorkload.fold, figure: "\(prefix)DecodeNewOrderSingle", figures)
        decodeFIX(pool.reportStream, as: FIXExecutionReport.self, name: "ExecutionReport", version: version, passes: passes,
                  timed: timed, expected: pool.expectedReports, fold: CodecFIXWorkload.fold, figure: "\(prefix)DecodeExecutionReport", figures)
    }

    func decodeFIX<Message: FIXApplicationMessageCoding>(
        _ stream: [UInt8], as type: Message.Type, name: String, version: FIXVersion, passes: Int, timed: Int,
        expected: UInt64, fold: (Message) -> UInt64, figure: String, _ figures: BenchFigures
    ) {
        var stages: [CodecMeasurement] = []
        var framer = FIXFramer()
        var parser = FIXParser()
        var tally = CodecFIXWorkload.decode(
            stream, as: type, version: version, passes: 1, depth: .message, framer: &framer, parser: &parser, fold: fold)
        for depth in CodecFIXWorkload.DecodeDepth.allCases {
            stages.append(measureCodecLoop(messages: timed, bytes: stream.count * passes) {
                tally = CodecFIXWorkload.decode(
                    stream, as: type, version: version, passes: passes, depth: depth, framer: &framer, parser: &parser, fold: fold)
            })
        }
        let whole = stages[2]
        let frameNs = stages[0].nanosecondsPerMessage
        let parseNs = max(0, stages[1].nanosecondsPerMessage - frameNs)
        let decodeNs = max(0, whole.nanosecondsPerMessage - stages[1].nanosecondsPerMessage)
        print("  frame + parse + decode \(name) (FIXFramer, FIXParser, init(decoding:)): \(whole.figures)")
        figures.rate(figure, whole.messagesPerSecond)
        print(String(format: "    per message: framing %.1f ns, + parsing %.1f ns, + typed decode %.1f ns; framing alone %@, parsing %@",
                     frameNs, parseNs, decodeNs, stages[0].allocationText, stages[1].allocationText))
        print("    \(checksumLine(tally.checksum, expected: expected &* UInt64(passes), messages: tally.messages, timed: timed, failures: tally.failures))")
    }

    // MARK: - Helpers

    func formatPerMille(_ perMille: Int) -> String {
        perMille % 10 == 0 ? "\(perMille / 10)%" : String(format: "%.1f%%", Double(perMille) / 10)
    }

    func hex(_ value: UInt64) -> String { "0x" + String(value, radix: 16, uppercase: false) }

    func same(_ expected: [UInt8], _ buffer: UnsafeMutableRawBufferPointer) -> Bool {
        expected.withUnsafeBytes { memcmp($0.baseAddress!, buffer.baseAddress!, $0.count) == 0 }
    }

    func checksumLine(_ checksum: UInt64, expected: UInt64, messages: Int, timed: Int, failures: Int) -> String {
        let ok = checksum == expected && messages == timed && failures == 0
        return "checksum \(hex(checksum)) \(ok ? "matches the generator" : "DIFFERS from the generator (\(messages) of \(timed) decoded, \(failures) failures)")"
    }
}
