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

    @Test(.enabled(if: tshark != nil || required, "tshark is not installed: scripts/setup.sh installs it, and scripts/test.sh runs every oracle test"))
    func tsharkReadsCleanPacketsAndReassemblesTheStream() throws {
        let path = Self.temporaryPath("clean.pcap")
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
