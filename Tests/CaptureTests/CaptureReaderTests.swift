import Foundation
import Testing
@testable import Capture

/// Collects a reassembled stream, holes marked, for the tests to compare.
struct CollectedStream: TCPStreamSink {
    var bytes: [UInt8] = []
    var holes: [Int] = []
    mutating func streamBytes(_ chunk: UnsafeRawBufferPointer, timestampNs: Int64) { bytes.append(contentsOf: chunk) }
    mutating func streamHole(byteCount: Int, timestampNs: Int64) { holes.append(byteCount) }
}

/// Captures written by `CaptureWriter`, plain and zstd-compressed, read back
/// through libpcap; the reader's errors on files that are not captures.
@Suite struct CaptureReaderTests {
    static let epochNs: Int64 = 1_767_571_200_000_000_000

    /// A UDP datagram, then a TCP connection with 250 bytes from the client
    /// in three segments and 8 back, then the close.
    static func writeSample(_ path: String) throws -> (request: [UInt8], response: [UInt8]) {
        let client = CaptureHost(10, 0, 0, 1)
        let server = CaptureHost(10, 0, 0, 2)
        let writer = try CaptureWriter(path: path, epochOffsetNs: epochNs, maximumSegmentBytes: 100)
        let datagram: [UInt8] = Array("hello, multicast".utf8)
        try writer.udp(atNs: 1_001, from: server, port: 40_000, to: CaptureHost(233, 54, 12, 1), port: 26_477, payload: datagram)
        var connection = try writer.openTCP(atNs: 2_000, client: client, clientPort: 50_001, server: server, serverPort: 15_000)
        let request = (0..<250).map { UInt8(truncatingIfNeeded: $0 &* 7) }
        try request.withUnsafeBytes { try writer.tcp(&connection, atNs: 3_123, fromClient: true, payload: $0) }
        let response: [UInt8] = Array("accepted".utf8)
        try response.withUnsafeBytes { try writer.tcp(&connection, atNs: 4_000, fromClient: false, payload: $0) }
        try writer.closeTCP(&connection, atNs: 5_000, byClient: true)
        try writer.finish()
        return (request, response)
    }

    static func temporaryPath(_ name: String) -> String { CaptureWriterTests.temporaryPath("reader-" + name) }

    @Test(arguments: ["sample.pcap", "sample.pcap.zst"])
    func readsBackWhatTheWriterWrote(name: String) throws {
        let path = Self.temporaryPath(name)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let (request, response) = try Self.writeSample(path)
        let reader = try CaptureReader(path: path)
        #expect(reader.format == .pcapNanoseconds)
        #expect(reader.isCompressed == name.hasSuffix(".zst"))
        #expect(reader.linkType == LinkType.ethernet)

        var timestamps: [Int64] = []
        var kinds: [DecodedPacket.Kind] = []
        var clientStream = TCPStreamReassembler(), serverStream = TCPStreamReassembler()
        var fromClient = CollectedStream(), fromServer = CollectedStream()
        var datagram: [UInt8] = []
        while let packet = try reader.next() {
            timestamps.append(packet.timestampNs)
            let decoded = PacketDecoder.decode(packet.bytes, linkType: reader.linkType)
            kinds.append(decoded.kind)
            if decoded.kind == .udp {
                #expect(decoded.destination == IPAddress(ipv4: 0xE936_0C01))
                #expect(decoded.destinationPort == 26_477)
                datagram = Array(decoded.payload)
            } else if decoded.kind == .tcp {
                if decoded.sourcePort == 50_001 {
                    clientStream.segment(sequence: decoded.tcpSequence, flags: decoded.tcpFlags, payload: decoded.payload,
                                         timestampNs: packet.timestampNs, sink: &fromClient)
                } else {
                    serverStream.segment(sequence: decoded.tcpSequence, flags: decoded.tcpFlags, payload: decoded.payload,
                                         timestampNs: packet.timestampNs, sink: &fromServer)
                }
            }
        }
        #expect(reader.packetCount == 11)
        #expect(timestamps.first == Self.epochNs + 1_001, "nanoseconds kept")
        #expect(timestamps.last == Self.epochNs + 5_000)
        #expect(kinds.filter { $0 == .udp }.count == 1)
        #expect(kinds.filter { $0 == .tcp }.count == 10)
        #expect(datagram == Array("hello, multicast".utf8))
        #expect(fromClient.bytes == request && fromClient.holes.isEmpty)
        #expect(fromServer.bytes == response && fromServer.holes.isEmpty)
        #expect(clientStream.isFinished && serverStream.isFinished)
        if name.hasSuffix(".zst") {
            let size = try #require(try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int)
            #expect(Int64(size) < reader.uncompressedByteCount, "compressed")
        }
    }

    @Test func aMissingFileIsAClearError() {
        #expect { _ = try CaptureReader(path: "/nonexistent/feed.pcap") } throws: {
            ($0 as? CaptureReadError)?.reason == "cannot open: No such file or directory"
        }
        #expect { _ = try CaptureReader(path: "/tmp") } throws: {
            ($0 as? CaptureReadError)?.reason == "is a directory, not a capture file"
        }
    }

    @Test func aFileThatIsNotACaptureIsAClearError() throws {
        let path = Self.temporaryPath("not-a-capture.pcap")
        defer { try? FileManager.default.removeItem(atPath: path) }
        try Data("8=FIX.4.2\u{01}9=5\u{01}35=0\u{01}10=000\u{01}".utf8).write(to: URL(fileURLWithPath: path))
        #expect { _ = try CaptureReader(path: path) } throws: {
            ($0 as? CaptureReadError)?.reason.hasPrefix("not a pcap or pcapng capture: unknown file format") == true
        }
        let named = Self.temporaryPath("plain.pcap.zst")
        defer { try? FileManager.default.removeItem(atPath: named) }
        _ = try Self.writeSample(Self.temporaryPath("plain-source.pcap"))
        try FileManager.default.copyItem(atPath: Self.temporaryPath("plain-source.pcap"), toPath: named)
        try? FileManager.default.removeItem(atPath: Self.temporaryPath("plain-source.pcap"))
        #expect { _ = try CaptureReader(path: named) } throws: {
            ($0 as? CaptureReadError)?.reason.hasPrefix("named .zst but not zstd-compressed") == true
        }
    }

    /// Reads every packet, returning the error that stopped the reader.
    static func readToEnd(_ path: String) -> (packets: Int, error: CaptureReadError?) {
        do {
            let reader = try CaptureReader(path: path)
            while try reader.next() != nil {}
            return (reader.packetCount, nil)
        } catch {
            return (0, error)
        }
    }

    @Test(arguments: ["cut.pcap", "cut.pcap.zst"])
    func aTruncatedCaptureReportsWhereItStops(name: String) throws {
        let path = Self.temporaryPath(name)
        defer { try? FileManager.default.removeItem(atPath: path) }
        _ = try Self.writeSample(path)
        let whole = try Data(contentsOf: URL(fileURLWithPath: path))
        try whole.prefix(whole.count - 30).write(to: URL(fileURLWithPath: path))
        var packets = 0
        var failure: CaptureReadError?
        do {
            let reader = try CaptureReader(path: path)
            while try reader.next() != nil { packets += 1 }
        } catch {
            failure = error
        }
        let reason = try #require(failure, "a cut file is an error, not a shorter capture").reason
        #expect(reason.contains("truncated"), "\(reason)")
        if name.hasSuffix(".pcap") {
            // The records before the cut are read; the error names where it stopped.
            #expect(packets == 10, "\(reason)")
            #expect(reason.hasPrefix("after packet 10: truncated dump file"), "\(reason)")
        }
    }

    /// A capture piped in (its first bytes, read to tell zstd from pcap,
    /// given back since a pipe cannot be rewound) is the file's capture; a
    /// .pcap.zst piped in is decompressed through `fread`, a regular one
    /// from a mapping of the file. Both name a cut stream as truncated.
    @Test(arguments: ["piped.pcap", "piped.pcap.zst"], [false, true])
    func aCaptureReadFromAPipeIsTheFilesCapture(name: String, cut: Bool) throws {
        let path = Self.temporaryPath((cut ? "cut-" : "") + name)
        let pipe = Self.temporaryPath((cut ? "cut-" : "") + name + ".fifo")
        defer { for file in [path, pipe] { try? FileManager.default.removeItem(atPath: file) } }
        _ = try Self.writeSample(path)
        if cut {
            let whole = try Data(contentsOf: URL(fileURLWithPath: path))
            try whole.prefix(whole.count - 30).write(to: URL(fileURLWithPath: path))
        }
        try #require(mkfifo(pipe, 0o600) == 0, "a fifo")
        let bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        // The writer blocks in its open until the reader opens the pipe.
        let writer = Thread {
            guard let handle = FileHandle(forWritingAtPath: pipe) else { return }
            handle.write(bytes)
            try? handle.close()
        }
        writer.start()
        let fromPipe = Self.packets(pipe)
        let fromFile = Self.packets(path)
        #expect(fromPipe.packets == fromFile.packets)
        #expect(fromPipe.packets.count == (cut ? fromFile.packets.count : 11), "\(fromPipe.packets.count) packets")
        #expect(fromPipe.error?.reason.contains("truncated") ?? !cut, "\(String(describing: fromPipe.error))")
        #expect(fromFile.error?.reason.contains("truncated") ?? !cut, "\(String(describing: fromFile.error))")
        // A pipe has no size up front: its bytes are counted as they come.
        if !cut {
            #expect(fromPipe.sizes == Sizes(piped: true, file: Int64(bytes.count), uncompressed: fromFile.sizes?.uncompressed ?? -1))
            #expect(fromFile.sizes?.piped == false && fromFile.sizes?.file == Int64(bytes.count))
        }
    }

    struct Sizes: Equatable {
        var piped: Bool
        var file: Int64
        var uncompressed: Int64
    }

    /// Every packet's bytes, the fault that stopped the reader, and what
    /// the reader counted of a whole read.
    static func packets(_ path: String) -> (packets: [[UInt8]], error: CaptureReadError?, sizes: Sizes?) {
        var packets: [[UInt8]] = []
        do {
            let reader = try CaptureReader(path: path)
            while let packet = try reader.next() { packets.append(Array(packet.bytes)) }
            return (packets, nil, Sizes(piped: reader.isPiped, file: reader.fileSizeBytes, uncompressed: reader.uncompressedByteCount))
        } catch {
            return (packets, error, nil)
        }
    }

    @Test func aCorruptZstdFrameIsAClearError() throws {
        let path = Self.temporaryPath("corrupt.pcap.zst")
        defer { try? FileManager.default.removeItem(atPath: path) }
        _ = try Self.writeSample(path)
        var bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        for index in stride(from: 20, to: bytes.count - 8, by: 7) { bytes[index] ^= 0x5A }
        try bytes.write(to: URL(fileURLWithPath: path))
        let (_, error) = Self.readToEnd(path)
        let reason = try #require(error?.reason)
        #expect(reason.contains("corrupt zstd data") || reason.contains("not a pcap"), "\(reason)")
    }
}

/// One direction of a TCP connection put back together from segments that
/// arrive out of order, twice, overlapping, or not at all.
@Suite struct TCPStreamReassemblerTests {
    static let ack: UInt8 = 0x10, syn: UInt8 = 0x02, fin: UInt8 = 0x01

    static func feed(_ reassembler: inout TCPStreamReassembler, _ sink: inout CollectedStream, _ sequence: UInt32,
                     _ text: String, flags: UInt8 = ack) {
        Array(text.utf8).withUnsafeBytes {
            reassembler.segment(sequence: sequence, flags: flags, payload: $0, timestampNs: 0, sink: &sink)
        }
        reassembler.checkInvariants()
    }

    @Test func outOfOrderSegmentsWaitForTheBytesBeforeThem() {
        var stream = TCPStreamReassembler(), sink = CollectedStream()
        Self.feed(&stream, &sink, 999, "", flags: Self.syn)
        Self.feed(&stream, &sink, 1_006, "world")
        Self.feed(&stream, &sink, 1_011, "!")
        #expect(sink.bytes.isEmpty && stream.bufferedByteCount == 6)
        Self.feed(&stream, &sink, 1_000, "hello ")
        #expect(String(decoding: sink.bytes, as: UTF8.self) == "hello world!")
        #expect(stream.outOfOrderSegmentCount == 2 && stream.bufferedByteCount == 0 && sink.holes.isEmpty)
    }

    @Test func retransmissionsAndOverlapsAreDroppedNotDelivered() {
        var stream = TCPStreamReassembler(), sink = CollectedStream()
        Self.feed(&stream, &sink, 100, "abcdef")
        Self.feed(&stream, &sink, 100, "abcdef")       // a retransmission
        Self.feed(&stream, &sink, 103, "defghi")       // overlaps three delivered bytes
        Self.feed(&stream, &sink, 112, "mn")           // ahead
        Self.feed(&stream, &sink, 112, "mn")           // the same segment again, still ahead
        Self.feed(&stream, &sink, 109, "jklm")         // fills the gap and overlaps one waiting byte
        #expect(String(decoding: sink.bytes, as: UTF8.self) == "abcdefghijklmn")
        #expect(stream.retransmittedSegmentCount == 2)
        #expect(stream.overlappingByteCount == 6 + 3 + 2 + 1)
        #expect(sink.holes.isEmpty)
    }

    @Test func aMissingRangeIsReportedAsAHoleWhenTheBufferFills() {
        var stream = TCPStreamReassembler(maximumBufferedBytes: 8), sink = CollectedStream()
        Self.feed(&stream, &sink, 0, "abc")
        Self.feed(&stream, &sink, 10, "klmno")          // bytes 3..<10 never arrive
        Self.feed(&stream, &sink, 15, "pqrs")           // 9 bytes waiting: over the bound
        #expect(sink.holes == [7])
        #expect(String(decoding: sink.bytes, as: UTF8.self) == "abcklmnopqrs")
        #expect(stream.holeCount == 1 && stream.missingByteCount == 7)
    }

    @Test func bytesMissingAtTheEndAreAHoleToo() {
        var stream = TCPStreamReassembler(), sink = CollectedStream()
        Self.feed(&stream, &sink, 4_294_967_290, "abcd")  // wraps past 2^32
        Self.feed(&stream, &sink, 4, "uvw")               // 4_294_967_294 ..< 4 missing
        Self.feed(&stream, &sink, 7, "", flags: Self.fin | Self.ack)
        #expect(!stream.isFinished)
        stream.finish(timestampNs: 0, sink: &sink)
        #expect(sink.holes == [6])
        #expect(String(decoding: sink.bytes, as: UTF8.self) == "abcduvw")
        #expect(stream.isFinished)

        var cut = TCPStreamReassembler(), cutSink = CollectedStream()
        Self.feed(&cut, &cutSink, 0, "ab")
        Self.feed(&cut, &cutSink, 9, "", flags: Self.fin | Self.ack)
        cut.finish(timestampNs: 0, sink: &cutSink)
        #expect(cutSink.holes == [7], "the bytes between the last data and the FIN")
    }
}
