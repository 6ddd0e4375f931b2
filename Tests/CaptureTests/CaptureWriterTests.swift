import Foundation
import Testing
@testable import Capture

/// The capture writer's files, read back by tshark (an independent reader):
/// valid checksums, nanosecond timestamps, and TCP streams that reassemble
/// to exactly the bytes written.
@Suite struct CaptureWriterTests {
    static let tshark: String? = ["/usr/bin/tshark", "/usr/local/bin/tshark"]
        .first { FileManager.default.isExecutableFile(atPath: $0) }
    static var required: Bool { ProcessInfo.processInfo.environment["EXSIM_REQUIRE_ORACLES"] == "1" }

    static func temporaryPath(_ name: String) -> String {
        FileManager.default.temporaryDirectory
            .appendingPathComponent("exsim-capture-\(ProcessInfo.processInfo.processIdentifier)-\(name)").path
    }

    static func runTshark(_ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try #require(tshark, "tshark is required (scripts/setup.sh installs it)"))
        process.arguments = arguments
        let output = Pipe()
        process.standardOutput = output
        process.standardError = Pipe()
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        return String(decoding: data, as: UTF8.self)
    }

    @Test func fileHeaderIsNanosecondEthernetPcap() {
        let header = PcapFormat.fileHeader()
        #expect(header == [0x4D, 0x3C, 0xB2, 0xA1, 2, 0, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x00, 0x00, 0x04, 0x00, 1, 0, 0, 0])
    }

    @Test func ipv4HeaderChecksumMatchesAKnownExample() {
        // The worked example of RFC 1071-style checksums found in many texts:
        // 4500 0073 0000 4000 4011 ---- c0a8 0001 c0a8 00c7 -> b861.
        let header: [UInt8] = [0x45, 0x00, 0x00, 0x73, 0x00, 0x00, 0x40, 0x00, 0x40, 0x11, 0x00, 0x00,
                               0xC0, 0xA8, 0x00, 0x01, 0xC0, 0xA8, 0x00, 0xC7]
        #expect(PacketFraming.finishChecksum(PacketFraming.onesComplementSum(header, 0..<header.count)) == 0xB861)
    }

    /// A pcapng's first blocks, byte for byte: a little-endian Section
    /// Header Block (version 1.0, section length unknown) and an Ethernet
    /// interface whose if_tsresol option says nanoseconds.
    @Test func pcapngHeaderIsOneSectionAndOneNanosecondEthernetInterface() {
        #expect(PcapNGFormat.fileHeader() == [
            0x0A, 0x0D, 0x0D, 0x0A, 28, 0, 0, 0, 0x4D, 0x3C, 0x2B, 0x1A, 1, 0, 0, 0,
            0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 28, 0, 0, 0,
            1, 0, 0, 0, 32, 0, 0, 0, 1, 0, 0, 0, 0x00, 0x00, 0x04, 0x00,
            9, 0, 1, 0, 9, 0, 0, 0, 0, 0, 0, 0, 32, 0, 0, 0,
        ])
        #expect(CaptureFileFormat(writingTo: "run.pcapng") == .pcapng)
        #expect(CaptureFileFormat(writingTo: "run.pcapng.zst") == .pcapng)
        #expect(CaptureFileFormat(writingTo: "run.pcap.zst") == .pcapNanoseconds)
        #expect(CaptureFileFormat(writingTo: "run.pcapng.gz") == .pcapNanoseconds)
    }

    /// An Enhanced Packet Block pads its frame to 32 bits and carries the
    /// nanosecond timestamp as two 32-bit halves.
    @Test func enhancedPacketBlocksPadTheFrameAndSplitTheTimestamp() {
        var bytes: [UInt8] = []
        let timestamp: Int64 = 1_767_605_400_123_456_789
        PcapNGFormat.appendEnhancedPacket(to: &bytes, timestampNs: timestamp, frame: [0xAA, 0xBB, 0xCC, 0xDD, 0xEE])
        #expect(bytes.count == 32 + 8)
        func word(_ offset: Int) -> UInt32 { bytes[offset..<offset + 4].reversed().reduce(0) { $0 << 8 | UInt32($1) } }
        #expect(word(0) == 6 && word(4) == 40 && word(36) == 40)
        #expect(word(8) == 0, "interface 0")
        #expect(UInt64(word(12)) << 32 | UInt64(word(16)) == UInt64(timestamp))
        #expect(word(20) == 5 && word(24) == 5)
        #expect(Array(bytes[28..<36]) == [0xAA, 0xBB, 0xCC, 0xDD, 0xEE, 0, 0, 0])
    }

    @Test(.enabled(if: tshark != nil || required, "tshark is not installed: scripts/setup.sh installs it, and scripts/test.sh runs every oracle test"),
          arguments: ["clean.pcap", "clean.pcapng", "clean.pcapng.zst"])
    func tsharkReadsCleanPacketsAndReassemblesTheStream(name: String) throws {
        // tshark reads the .zst file itself.
        let path = Self.temporaryPath(name)
        defer { try? FileManager.default.removeItem(atPath: path) }
        defer { try? FileManager.default.removeItem(atPath: path) }
        let client = CaptureHost(10, 0, 0, 1)
        let server = CaptureHost(10, 0, 0, 2)
        let group = CaptureHost(233, 54, 12, 1)
        let epoch: Int64 = 1_767_571_200_000_000_000  // 2026-01-05 00:00:00 UTC
        let writer = try CaptureWriter(path: path, epochOffsetNs: epoch, maximumSegmentBytes: 100)

        let datagram: [UInt8] = Array("hello, multicast".utf8)
        try datagram.withUnsafeBytes { try writer.udp(atNs: 1_000, from: server, port: 40_000, to: group, port: 26_477, payload: $0) }
        var connection = try writer.openTCP(atNs: 2_000, client: client, clientPort: 50_001, server: server, serverPort: 15_000)
        // 250 bytes from the client: three segments of at most 100 bytes.
        let request = (0..<250).map { UInt8(truncatingIfNeeded: $0 &* 7) }
        try request.withUnsafeBytes { try writer.tcp(&connection, atNs: 3_123, fromClient: true, payload: $0) }
        let response: [UInt8] = Array("accepted".utf8)
        try response.withUnsafeBytes { try writer.tcp(&connection, atNs: 4_000, fromClient: false, payload: $0) }
        try writer.closeTCP(&connection, atNs: 5_000, byClient: true)
        #expect(writer.packetsWritten == 1 + 3 + 3 + 1 + 3)
        try writer.finish()
        #expect(writer.format == (name.contains(".pcapng") ? .pcapng : .pcapNanoseconds))

        // exsim's own reader gets the same packets and exact timestamps back.
        let reader = try CaptureReader(path: path)
        #expect(reader.format == writer.format)
        var timestamps: [Int64] = []
        while let packet = try reader.next() { timestamps.append(packet.timestampNs) }
        #expect(timestamps.count == 11)
        #expect(timestamps.first == epoch + 1_000 && timestamps.last == epoch + 5_000)

        let checks = ["-o", "ip.check_checksum:TRUE", "-o", "udp.check_checksum:TRUE", "-o", "tcp.check_checksum:TRUE"]
        let fields = try Self.runTshark(["-r", path] + checks + [
            "-T", "fields", "-E", "separator=,", "-e", "frame.time_epoch", "-e", "ip.checksum.status",
            "-e", "udp.checksum.status", "-e", "tcp.checksum.status", "-e", "_ws.expert.severity",
        ])
        let lines = fields.split(separator: "\n")
        #expect(lines.count == 11)
        #expect(lines.first?.hasPrefix("1767571200.000001000,") == true, "nanosecond timestamps: \(lines.first ?? "")")
        for line in lines {
            let columns = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            // tshark's checksum status: 0 bad, 1 good, 2 unverified.
            #expect(columns[1] == "1", "IPv4 checksum good: \(line)")
            #expect(columns[2] == "1" || columns[3] == "1", "UDP or TCP checksum good: \(line)")
        }
        let malformed = try Self.runTshark(["-r", path, "-Y", "_ws.malformed || tcp.analysis.flags"])
        #expect(malformed.isEmpty, "no malformed packets or TCP analysis warnings: \(malformed)")

        let follow = try Self.runTshark(["-r", path, "-q", "-z", "follow,tcp,raw,0"])
        let clientHex = request.map { String(format: "%02x", $0) }.joined()
        let serverHex = response.map { String(format: "%02x", $0) }.joined()
        // One hex line per segment; the server's lines are indented with a tab.
        let dataLines = follow.split(separator: "\n").filter { $0.allSatisfy { $0.isHexDigit || $0 == "\t" } }
        let fromClient = dataLines.filter { !$0.hasPrefix("\t") }.joined()
        let fromServer = dataLines.filter { $0.hasPrefix("\t") }.map { $0.dropFirst() }.joined()
        #expect(fromClient == clientHex, "the client's 250 bytes reassemble in order")
        #expect(fromServer == serverHex)
    }
}
