import ArgumentParser
import Capture
import Exchange
import Foundation
import MatchingEngine
import Report
import Wire

/// `exsim bench capture`: how fast a .pcap.zst is read and a book built from its ITCH feed.
struct BenchCaptureCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "capture",
        abstract: "Benchmark reading a .pcap.zst (GB/s of uncompressed data) and capture book (ITCH messages/s).",
        discussion: """
            Writes a synthetic ITCH 5.0 feed over MoldUDP64 to a zstd-compressed capture with \
            exsim's own writer (or takes --file), then measures, best of --rounds: reading it \
            packet by packet through libpcap and zstd (GB/s of uncompressed capture); `capture \
            book` end to end (read, decode, MoldUDP64, book: ITCH messages/s), as it runs (the \
            books built on a second thread) and on one thread; and the book builder alone over \
            the same messages held in memory. Where the zstd command-line \
            tool is installed, its decompression rate of the same file is printed beside ours. \
            The synthetic capture is written twice: as one zstd frame (as exsim and the zstd tool \
            write it) and in 4 MiB frames (as pzstd does), which exsim decompresses on several \
            threads; reading is measured on both.
            """
    )

    @Option(help: "ITCH messages in the synthetic feed.")
    var messages = 20_000_000

    @Option(help: "Seed of the synthetic feed.")
    var seed: UInt64 = 1

    @Option(help: "Measure this capture instead of a synthetic feed (its ITCH feed must be on a port exsim knows, or recognisable).")
    var file: String?

    @Option(help: "Rounds of each measurement; the best is reported.")
    var rounds = 3

    @Option(help: "Keep the synthetic capture at this path instead of deleting it (its copy in zstd frames beside it, named …-frames.pcap.zst).")
    var keep: String?

    /// The uncompressed bytes of each zstd frame of the synthetic capture's framed copy.
    static let framedCopyFrameBytes = 4 << 20

    /// Where the framed copy of the synthetic capture at `path` goes.
    static func framedCopyPath(_ path: String) -> String {
        (path.hasSuffix(".pcap.zst") ? String(path.dropLast(".pcap.zst".count)) : path) + "-frames.pcap.zst"
    }

    @OptionGroup var output: BenchJSONOption

    func validate() throws {
        guard messages > 0, rounds > 0 else { throw ValidationError("--messages and --rounds must be positive") }
    }

    func run() throws {
        printBenchHeader("capture")
        print("libraries: \(CaptureLibraries.pcapVersion); zstd \(CaptureLibraries.zstdVersion)")
        let path: String
        var framedPath: String?
        var generated = false
        if let file {
            path = file
            print("\nworkload: \(file)")
        } else {
            path = keep ?? FileManager.default.temporaryDirectory
                .appendingPathComponent("exsim-bench-capture-\(ProcessInfo.processInfo.processIdentifier).pcap.zst").path
            generated = keep == nil
            let started = WallClock.nowNs()
            let written: CaptureFeedWorkload.Written
            let framed = Self.framedCopyPath(path)
            do {
                written = try CaptureFeedWorkload(messages: messages, seed: seed).write(to: path)
                _ = try CaptureFeedWorkload(messages: messages, seed: seed).write(to: framed, zstdFrameBytes: Self.framedCopyFrameBytes)
            } catch {
                printError("cannot write the workload capture: \(error)")
                throw ExsimExit.badInput
            }
            framedPath = framed
            print("\nworkload: synthetic ITCH 5.0 feed, \(written.messages) messages in \(written.packets) MoldUDP64 packets, seed \(seed); written with zstd twice (one frame, and 4 MiB frames) in \(formatNanoseconds(WallClock.nowNs() - started))")
        }
        defer {
            if generated {
                try? FileManager.default.removeItem(atPath: path)
                if let framedPath { try? FileManager.default.removeItem(atPath: framedPath) }
            }
        }

        var bestReadNs = Int64.max, bestFramedReadNs = Int64.max, bestBookNs = Int64.max, bestOneThreadNs = Int64.max
        var uncompressedBytes: Int64 = 0, compressedBytes: Int64 = 0, framedBytes: Int64 = 0, packets = 0, applied = 0, problems = 0
        var parallel = false, framedParallel = false, compressed = false
        for _ in 0..<rounds {
            let reader = try openCapture(path)
            parallel = reader.decompressesInParallel
            compressed = reader.isCompressed
            let read = try timedRead(reader)
            bestReadNs = min(bestReadNs, read.elapsedNs)
            if let framedPath {
                let framed = try openCapture(framedPath)
                let framedRead = try timedRead(framed)
                bestFramedReadNs = min(bestFramedReadNs, framedRead.elapsedNs)
                precondition(framedRead.checksum == read.checksum, "the framed copy holds the same packets")
                framedBytes = framed.fileSizeBytes
                framedParallel = framed.decompressesInParallel
            }
            uncompressedBytes = reader.uncompressedByteCount
            compressedBytes = reader.fileSizeBytes
            packets = reader.packetCount
            precondition(Int64(read.checksum) == reader.capturedByteCount)

            let bookReader = try openCapture(path, zstdWorkers: BookBuildingPipeline.zstdWorkers)
            let portMap = try CapturePortOptions.parse([]).portMap()
            let bookStarted = WallClock.nowNs()
            let books = try BookBuildingPipeline.buildBooks(from: bookReader, portMap: portMap).books
            bestBookNs = min(bestBookNs, WallClock.nowNs() - bookStarted)
            applied = books.messagesApplied
            problems = books.problemCount

            // The same on one thread, for the pipeline's gain.
            let oneThreadReader = try openCapture(path)
            // Timed from the dissector's making, as the pipeline's is (its buffers and thread).
            let oneThreadStarted = WallClock.nowNs()
            let oneThread = CaptureDissector(linkType: oneThreadReader.linkType, portMap: portMap, sink: BookBuildingSink())
            try dissectAll(oneThreadReader, into: oneThread)
            _ = oneThread.finish()
            bestOneThreadNs = min(bestOneThreadNs, WallClock.nowNs() - oneThreadStarted)
            precondition(Self.sameBooks(oneThread.sink, books), "one thread and two build the same books")
        }
        let readRate = Double(uncompressedBytes) / (Double(bestReadNs) / 1e9)
        let bookRate = Double(applied) / (Double(bestBookNs) / 1e9)
        print("\ncapture: \(formatByteCount(compressedBytes)) zstd, \(formatByteCount(uncompressedBytes)) uncompressed, \(packets) packets, \(applied) ITCH messages (\(problems) contradicting the book)")
        print(String(format: "  read (zstd + libpcap, packet by packet): %.2f GB/s of uncompressed capture, %@ packets (best of %d: %@)%@",
                     readRate / 1e9, formatRate(Double(packets) / (Double(bestReadNs) / 1e9)), rounds, formatNanoseconds(bestReadNs),
                     parallel ? "; its zstd frames decompressed on \(CaptureReader.zstdWorkerCount) threads" : "; one zstd frame at a time, on the reading thread"))
        let framedReadRate = framedPath == nil ? nil : Double(uncompressedBytes) / (Double(bestFramedReadNs) / 1e9)
        if let framedReadRate {
            // A capture under 4 MiB is one frame either way.
            let how = framedParallel ? "decompressed on \(CaptureReader.zstdWorkerCount) threads" : "one frame: read on the reading thread"
            print(String(format: "  read, the same capture in 4 MiB zstd frames (%@ on disk, as pzstd writes it; %@): %.2f GB/s (best of %d: %@)",
                         formatByteCount(framedBytes), how, framedReadRate / 1e9, rounds, formatNanoseconds(bestFramedReadNs)))
        }
        let oneThreadRate = Double(applied) / (Double(bestOneThreadNs) / 1e9)
        print("  capture book (read, decode, MoldUDP64, book on a second thread): \(formatRate(bookRate)) ITCH messages (best of \(rounds): \(formatNanoseconds(bestBookNs)))")
        print("  the same on one thread: \(formatRate(oneThreadRate)) ITCH messages (best of \(rounds): \(formatNanoseconds(bestOneThreadNs)))")

        let builderRate = try measureBuilderAlone(path)
        print("  book builder alone (messages in memory): \(formatRate(builderRate.rate)) ITCH messages over \(builderRate.messages)")

        // A file of one frame (a regular file of many is decompressed in parallel).
        var ceiling: Double? = nil
        if compressed, !parallel {
            ceiling = zstdCeiling(path)
            if let ceiling {
                print(String(format: "  libzstd alone on one core, in memory (the ceiling for one frame here): %.2f GB/s; reading ran at %.0f%% of it",
                             ceiling / 1e9, 100 * readRate / ceiling))
            }
        }
        if let peer = Self.zstdCommandRate(path, uncompressedBytes: uncompressedBytes) {
            print(String(format: "  peer: zstd -dc FILE > /dev/null (the zstd tool, decompression alone): %.2f GB/s", peer / 1e9))
        }
        print("targets (issue 12): reading ≥ 1 GB/s of uncompressed data; capture book ≥ 10M ITCH messages/s")

        let figures = BenchFigures()
        figures.rate("readBytesPerSecond", readRate, unit: "bytes/s")
        if let framedReadRate { figures.rate("readFramedBytesPerSecond", framedReadRate, unit: "bytes/s") }
        if let ceiling { figures.rate("zstdOneCoreBytesPerSecond", ceiling, unit: "bytes/s") }
        figures.rate("bookMessagesPerSecond", bookRate)
        figures.rate("bookOneThreadMessagesPerSecond", oneThreadRate)
        figures.rate("builderMessagesPerSecond", builderRate.rate)
        try output.write(bench: "capture", parameters: ["messages": "\(messages)", "seed": "\(seed)", "file": file ?? "synthetic"],
                         figures: figures)
    }

    /// How fast libzstd alone decompresses the capture on this thread, from
    /// memory (best of `rounds`), in uncompressed bytes per second; nil,
    /// with a note, where the file cannot be held in memory (not a regular
    /// file, or too large): the other figures stand without it.
    func zstdCeiling(_ path: String) -> Double? {
        do {
            let file = try ZstdInMemoryFile(path: path)
            var best = Int64.max
            var bytes: Int64 = 0
            for _ in 0..<rounds {
                let started = WallClock.nowNs()
                bytes = try file.decompressAll()
                best = min(best, WallClock.nowNs() - started)
            }
            return Double(bytes) / (Double(max(best, 1)) / 1e9)
        } catch {
            print("  libzstd alone on one core: not measured (\(error.description))")
            return nil
        }
    }

    /// Reads every packet, summing their sizes, on the wall clock; a fault
    /// ends the bench.
    func timedRead(_ reader: CaptureReader) throws -> (checksum: Int, elapsedNs: Int64) {
        var checksum = 0
        let started = WallClock.nowNs()
        do {
            while let packet = try reader.next() { checksum &+= packet.bytes.count }
        } catch {
            printError(error.description)
            throw ExsimExit.badInput
        }
        return (checksum, WallClock.nowNs() - started)
    }

    /// Collects the feed's ITCH messages (as length-prefixed blocks, at most
    /// `maximumBytes`), then times the book builder over them.
    func measureBuilderAlone(_ path: String) throws -> (rate: Double, messages: Int) {
        struct Collector: CaptureMessageSink {
            static let maximumBytes = 1 << 30
            var blocks: [UInt8] = []
            var count = 0
            mutating func itchMessage(_ message: UnsafeRawBufferPointer, feed: Int, timestampNs: Int64) {
                guard blocks.count + message.count + 2 <= Self.maximumBytes else { return }
                blocks.append(UInt8(message.count >> 8))
                blocks.append(UInt8(message.count & 0xFF))
                blocks.append(contentsOf: message)
                count += 1
            }
        }
        let reader = try openCapture(path)
        let dissector = CaptureDissector(linkType: reader.linkType, portMap: try CapturePortOptions.parse([]).portMap(), sink: Collector())
        try dissectAll(reader, into: dissector)
        let collected = dissector.sink
        var best = Int64.max
        for _ in 0..<rounds {
            var builder = ITCHBookBuilder()
            let started = WallClock.nowNs()
            collected.blocks.withUnsafeBytes { bytes in
                // As the pipeline's builder thread does.
                var sequence: UInt64 = 1
                applyReadingAhead(MessageBlockIterator(bytes), readAhead: { builder.prefetchOrders(of: $0) },
                                  apply: {
                                      builder.deliver(sequenceNumber: sequence, message: $0)
                                      sequence &+= 1
                                  })
            }
            best = min(best, WallClock.nowNs() - started)
            precondition(builder.messagesApplied == collected.count)
        }
        return (Double(collected.count) / (Double(best) / 1e9), collected.count)
    }

    /// Whether two sinks hold the same books: every feed's counts, symbols
    /// and levels on both sides.
    static func sameBooks(_ one: BookBuildingSink, _ other: BookBuildingSink) -> Bool {
        guard one.feeds.count == other.feeds.count else { return false }
        for (a, b) in zip(one.feeds, other.feeds) {
            guard a.builder.messagesApplied == b.builder.messagesApplied, a.builder.problemCount == b.builder.problemCount,
                  a.builder.orderCount == b.builder.orderCount,
                  a.symbols.map(\.locate) == b.symbols.map(\.locate), a.symbols.map(\.stock) == b.symbols.map(\.stock)
            else { return false }
            for locate in a.symbols.map(\.locate) {
                for side in [Side.buy, .sell] where a.builder.depth(stockLocate: locate, side: side) != b.builder.depth(stockLocate: locate, side: side) {
                    return false
                }
            }
        }
        return true
    }

    /// The zstd tool's decompression rate of the same file, when it is installed.
    static func zstdCommandRate(_ path: String, uncompressedBytes: Int64) -> Double? {
        guard let zstd = ["/usr/bin/zstd", "/usr/local/bin/zstd"].first(where: { FileManager.default.isExecutableFile(atPath: $0) }),
              path.hasSuffix(".zst"), let devNull = FileHandle(forWritingAtPath: "/dev/null") else { return nil }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: zstd)
        process.arguments = ["-dc", path]
        process.standardOutput = devNull
        process.standardError = devNull
        let started = WallClock.nowNs()
        guard (try? process.run()) != nil else { return nil }
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { return nil }
        return Double(uncompressedBytes) / (Double(WallClock.nowNs() - started) / 1e9)
    }
}
