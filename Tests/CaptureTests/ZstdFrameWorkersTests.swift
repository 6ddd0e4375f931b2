import Foundation
import Testing
@testable import Capture

/// A zstd capture of many frames, decompressed by `ZstdFrameWorkers` on
/// worker threads: the same packets as the plain capture, in order; the
/// faults of a cut or corrupt frame named after the packets before it.
@Suite struct ZstdFrameWorkersTests {
    /// 3,000 UDP datagrams of 40–400 bytes, as a plain pcap and as a zstd
    /// one of 16 KiB frames (about 60 of them).
    static func writePair(_ name: String) throws -> (plain: String, compressed: String) {
        // Named apart from CaptureReaderTests' files: the suites run at once.
        let plain = CaptureReaderTests.temporaryPath("workers-" + name + ".pcap")
        let compressed = CaptureReaderTests.temporaryPath("workers-" + name + ".pcap.zst")
        for (path, frameBytes) in [(plain, nil), (compressed, 16 << 10)] {
            let writer = try CaptureWriter(path: path, epochOffsetNs: CaptureReaderTests.epochNs, zstdFrameBytes: frameBytes)
            var state: UInt64 = 0x9E37_79B9_7F4A_7C15
            for index in 0..<3_000 {
                state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
                let payload = (0..<(40 + Int(state >> 33) % 361)).map { UInt8(truncatingIfNeeded: $0 &+ index) }
                try writer.udp(atNs: Int64(index) * 1_000, from: CaptureHost(10, 0, 0, 2), port: 40_000,
                               to: CaptureHost(233, 54, 12, 1), port: 26_477, payload: payload)
            }
            try writer.finish()
        }
        return (plain, compressed)
    }

    /// Every packet's timestamp and bytes, and the fault that stopped the reader.
    static func packets(_ path: String) throws -> (packets: [(Int64, [UInt8])], failure: CaptureReadError?, parallel: Bool) {
        let reader = try CaptureReader(path: path)
        var packets: [(Int64, [UInt8])] = []
        do {
            while let packet = try reader.next() { packets.append((packet.timestampNs, Array(packet.bytes))) }
        } catch {
            return (packets, error, reader.decompressesInParallel)
        }
        return (packets, nil, reader.decompressesInParallel)
    }

    static func same(_ a: [(Int64, [UInt8])], _ b: [(Int64, [UInt8])]) -> Bool {
        a.count == b.count && zip(a, b).allSatisfy { $0.0 == $1.0 && $0.1 == $1.1 }
    }

    @Test func manyFramesReadBackAsThePlainCapture() throws {
        let (plain, compressed) = try Self.writePair("frames")
        defer { for path in [plain, compressed] { try? FileManager.default.removeItem(atPath: path) } }
        let expected = try Self.packets(plain)
        let read = try Self.packets(compressed)
        #expect(read.parallel && !expected.parallel)
        #expect(read.failure == nil)
        #expect(expected.packets.count == 3_000 && Self.same(read.packets, expected.packets))
        let reader = try CaptureReader(path: compressed)
        while try reader.next() != nil {}
        let plainSize = try #require(try FileManager.default.attributesOfItem(atPath: plain)[.size] as? Int)
        #expect(reader.uncompressedByteCount == Int64(plainSize))
        // One frame (the small sample): read as one stream, on the reading thread.
        let single = CaptureReaderTests.temporaryPath("single.pcap.zst")
        defer { try? FileManager.default.removeItem(atPath: single) }
        _ = try CaptureReaderTests.writeSample(single)
        #expect(try !CaptureReader(path: single).decompressesInParallel)
    }

    /// pzstd starts a file, and each frame, with a skippable frame.
    @Test func skippableFramesGiveNoBytes() throws {
        let (plain, compressed) = try Self.writePair("skippable")
        defer { for path in [plain, compressed] { try? FileManager.default.removeItem(atPath: path) } }
        let skippable: [UInt8] = [0x50, 0x2A, 0x4D, 0x18, 5, 0, 0, 0, 1, 2, 3, 4, 5]
        var bytes = Data(skippable)
        bytes.append(try Data(contentsOf: URL(fileURLWithPath: compressed)))
        try bytes.write(to: URL(fileURLWithPath: compressed))
        let read = try Self.packets(compressed)
        #expect(read.parallel && read.failure == nil)
        #expect(Self.same(read.packets, try Self.packets(plain).packets))
    }

    /// libzstd alone, from memory (`bench capture`'s ceiling): every frame's
    /// bytes, as many as the plain capture holds, a leading skippable frame
    /// giving none; a damaged file is refused with the reader's words.
    @Test func inMemoryDecompressionGivesThePlainCapturesBytes() throws {
        let (plain, compressed) = try Self.writePair("memory")
        let single = CaptureReaderTests.temporaryPath("workers-memory-single.pcap.zst")
        defer { for path in [plain, compressed, single] { try? FileManager.default.removeItem(atPath: path) } }
        let plainSize = try #require(try FileManager.default.attributesOfItem(atPath: plain)[.size] as? Int)
        var bytes = Data([0x50, 0x2A, 0x4D, 0x18, 5, 0, 0, 0, 1, 2, 3, 4, 5])
        bytes.append(try Data(contentsOf: URL(fileURLWithPath: compressed)))
        try bytes.write(to: URL(fileURLWithPath: compressed))
        _ = try CaptureReaderTests.writeSample(single)
        let file = try ZstdInMemoryFile(path: compressed)
        #expect(try file.decompressAll() == Int64(plainSize))
        let reader = try CaptureReader(path: single)
        while try reader.next() != nil {}
        #expect(try ZstdInMemoryFile(path: single).decompressAll() == reader.uncompressedByteCount)
        for damage in Damage.allCases {
            var damaged = bytes
            damage.apply(to: &damaged)
            try damaged.write(to: URL(fileURLWithPath: compressed))
            #expect {
                try ZstdInMemoryFile(path: compressed).decompressAll()
            } throws: { error in
                (error as? CaptureReadError)?.reason.contains(damage.reason) ?? false
            }
        }
    }

    /// How a test damages a capture of many frames, and what the reader says.
    enum Damage: String, CaseIterable {
        /// The last third cut off, in the middle of a frame.
        case cut
        /// 64 bytes flipped in the middle of the file.
        case corrupt

        func apply(to bytes: inout Data) {
            switch self {
            case .cut: bytes = bytes.prefix(bytes.count * 2 / 3)
            case .corrupt: for index in (bytes.count / 2)..<(bytes.count / 2 + 64) { bytes[index] ^= 0x5A }
            }
        }

        var reason: String {
            switch self {
            case .cut: "the zstd stream ends inside a frame (the file is truncated)"
            case .corrupt: "corrupt zstd data"
            }
        }
    }

    @Test(arguments: Damage.allCases)
    func aDamagedFrameStopsAfterThePacketsBeforeIt(_ damage: Damage) throws {
        let (plain, compressed) = try Self.writePair(damage.rawValue)
        defer { for path in [plain, compressed] { try? FileManager.default.removeItem(atPath: path) } }
        var bytes = try Data(contentsOf: URL(fileURLWithPath: compressed))
        damage.apply(to: &bytes)
        try bytes.write(to: URL(fileURLWithPath: compressed))
        let read = try Self.packets(compressed)
        let reason = try #require(read.failure?.reason)
        #expect(reason.contains(damage.reason), "\(reason)")
        #expect(reason.hasPrefix("after packet \(read.packets.count): "), "\(reason)")
        let expected = try Self.packets(plain).packets
        #expect(read.packets.count > 500 && read.packets.count < 3_000)
        #expect(Self.same(read.packets, Array(expected.prefix(read.packets.count))))
    }

    /// A reader let go while its workers are frames ahead stops them: once
    /// it is gone, nothing holds the workers' object any more.
    @Test func aReaderReleasedEarlyStopsItsWorkers() throws {
        let (plain, compressed) = try Self.writePair("early")
        defer { for path in [plain, compressed] { try? FileManager.default.removeItem(atPath: path) } }
        for _ in 0..<20 {
            weak var workers: ZstdFrameWorkers?
            do {
                let reader = try CaptureReader(path: compressed)
                workers = reader.decompressor?.workers
                #expect(workers != nil)
                for _ in 0..<10 { _ = try reader.next() }
            }
            #expect(workers == nil, "the workers still run after their reader was released")
        }
    }

    /// Frames larger than a slot may hold, whether their header says so or
    /// their decompression finds out, are streamed by the reader from the
    /// mapping: the bytes are the plain capture's whatever the bound.
    @Test(arguments: [1 << 12, 17 << 10, 1 << 20])
    func framesTooLargeForASlotAreStreamedByTheReader(largestFrameBytes: Int) throws {
        let (plain, compressed) = try Self.writePair("large-\(largestFrameBytes)")
        defer { for path in [plain, compressed] { try? FileManager.default.removeItem(atPath: path) } }
        let expected = [UInt8](try Data(contentsOf: URL(fileURLWithPath: plain)))
        let file = try #require(fopen(compressed, "rb"))
        defer { fclose(file) }
        let size = try #require(try FileManager.default.attributesOfItem(atPath: compressed)[.size] as? Int)
        let workers = try #require(ZstdFrameWorkers(descriptor: fileno(file), byteCount: size, workers: 2,
                                                    largestFrameBytes: largestFrameBytes))
        defer { workers.stop() }
        var read: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 5_000)
        while true {
            let count = try #require(chunk.withUnsafeMutableBytes { workers.read(into: $0.baseAddress!, count: $0.count) },
                                     "\(workers.failure ?? "")")
            if count == 0 { break }
            read += chunk[..<count]
        }
        #expect(read == expected)
        #expect(workers.compressedByteCount == Int64(size))
    }
}
