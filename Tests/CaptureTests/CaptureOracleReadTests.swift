import Foundation
import Testing
@testable import Capture

/// Captures written by scapy (scripts/oracles/write_capture_samples.py), a
/// packet writer we did not write, with framing exsim never writes: 802.1Q,
/// IPv6, IPv4 fragments, ARP, Linux cooked SLL and SLL2, pcapng, and a TCP
/// stream whose segments arrive out of order, twice, and with one missing.
/// tshark reads the same files: it must count the same packets and the
/// same MoldUDP64 sequence numbers.
@Suite struct CaptureOracleReadTests {
    static let packageRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static var oraclePython: String? {
        if let path = ProcessInfo.processInfo.environment["EXSIM_ORACLE_PYTHON"],
           FileManager.default.isExecutableFile(atPath: path) { return path }
        let venv = packageRoot.appendingPathComponent(".venv-oracles/bin/python").path
        return FileManager.default.isExecutableFile(atPath: venv) ? venv : nil
    }
    static var available: Bool { (oraclePython != nil && CaptureWriterTests.tshark != nil) || CaptureWriterTests.required }

    static func writeSamples() throws -> URL {
        let directory = URL(fileURLWithPath: CaptureReaderTests.temporaryPath("scapy-\(UUID().uuidString)"))
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try #require(oraclePython, "the oracle Python (scripts/setup.sh) is required"))
        process.arguments = [packageRoot.appendingPathComponent("scripts/oracles/write_capture_samples.py").path, directory.path]
        process.standardError = Pipe()
        try process.run()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "scapy wrote the samples")
        return directory
    }

    static func inspect(_ path: String) throws -> CaptureInspection {
        let reader = try CaptureReader(path: path)
        let portMap = CapturePortMap([26_477: .moldUDP64, 15_000: .soupBinTCP, 9_878: .fix])
        let dissector = CaptureDissector(linkType: reader.linkType, portMap: portMap, sink: ITCHCollector())
        while let packet = try reader.next() { dissector.packet(packet) }
        return dissector.finish()
    }

    /// tshark's frame count and, per MoldUDP64 packet, "session sequence count".
    static func tsharkView(_ path: String) throws -> (frames: Int, mold: [String]) {
        let frames = try CaptureWriterTests.runTshark(["-r", path, "-T", "fields", "-e", "frame.number"])
            .split(separator: "\n").count
        let mold = try CaptureWriterTests.runTshark([
            "-r", path, "-d", "udp.port==26477,moldudp64", "-Y", "moldudp64", "-T", "fields",
            "-e", "moldudp64.session", "-e", "moldudp64.sequence", "-e", "moldudp64.count",
        ]).split(separator: "\n").map { line in
            line.split(separator: "\t").map { $0.trimmingCharacters(in: .whitespaces) }.joined(separator: " ")
        }
        return (frames, mold)
    }

    @Test(.enabled(if: available, "scapy and tshark are not installed: scripts/setup.sh installs them"),
          arguments: ["ethernet.pcap", "ethernet.pcapng"])
    func vlanIPv6FragmentsAndAnUntidyTCPStream(name: String) throws {
        let directory = try Self.writeSamples()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent(name).path
        let inspection = try Self.inspect(path)
        let tshark = try Self.tsharkView(path)
        #expect(inspection.packets == tshark.frames)
        #expect(inspection.packets == 18)
        #expect(inspection.firstTimestampNs == 1_767_605_400_000_000_000)
        #expect(inspection.lastTimestampNs == 1_767_605_400_001_700_000, "µs and pcapng resolutions become exact ns")
        let kinds = inspection.packetKinds
        #expect(kinds.vlanTagged == 1 && kinds.notIP == 1 && kinds.tcp == 10)
        #expect(kinds.ipFragments == 4 && kinds.reassembledDatagrams == 2 && kinds.incompleteDatagrams == 0)
        #expect(kinds.udp == 3 + 2, "three whole datagrams and two put back together")

        // MoldUDP64 over tagged IPv4, over IPv6 and over IPv6 fragments: one
        // session, sequence numbers as tshark reads them.
        #expect(tshark.mold == ["SCAPY01 1 2", "SCAPY01 3 1", "SCAPY01 6 1", "SCAPY01 7 120"])
        let session = try #require(inspection.moldUDP64Sessions.first)
        #expect(inspection.moldUDP64Sessions.count == 1)
        #expect(session.session == "SCAPY01" && session.packets == 4 && session.messages == 124)
        #expect(session.firstSequence == 1 && session.nextSequence == 127)
        #expect(session.gaps.map { [$0.from, $0.to] } == [[4, 5]])
        // The IPv4 datagram whose fragments came last first.
        let fragmented = try #require(inspection.flows.first { $0.server == "10.1.0.2:5001" })
        #expect(fragmented.packets == 1 && fragmented.payloadBytes == 1_400)

        // The IPv6 SoupBinTCP session: login split and reordered, retransmitted, one order lost.
        let tcp = try #require(inspection.flows.first { $0.transport == "tcp" })
        #expect(tcp.client == "[2001:db8::1]:40001" && tcp.server == "[2001:db8::2]:15000")
        let figures = try #require(tcp.tcp)
        #expect(figures.outOfOrderSegments == 2 && figures.retransmittedSegments == 1)
        #expect(figures.holes == 1 && figures.missingBytes == 52)
        let events = tcp.sessionEvents.map(\.event)
        #expect(events.contains("SoupBinTCP Login Request: user SCAPY, the current session from sequence 1"),
                "the reordered login reassembles")
        #expect(events.contains("SoupBinTCP Login Accepted: session 'DAY1', next sequence 1"))
        #expect(events.contains("hole: 52 bytes from the client missing from the capture"))
        #expect(tcp.framingErrors == ["SoupBinTCP from the client not framed after a hole of 52 bytes"])
        let ouchIn = inspection.messages.filter { $0.family == "OUCH in" }.map(\.count).reduce(0, +)
        #expect(ouchIn == 1, "the order before the hole, not the one after it")
    }

    @Test(.enabled(if: available, "scapy and tshark are not installed: scripts/setup.sh installs them"))
    func linuxCookedCaptures() throws {
        let directory = try Self.writeSamples()
        defer { try? FileManager.default.removeItem(at: directory) }
        let sll = directory.appendingPathComponent("sll.pcap").path
        let sllInspection = try Self.inspect(sll)
        #expect(try CaptureReader(path: sll).linkType == LinkType.linuxCooked)
        #expect(try Self.tsharkView(sll).mold == ["SLL 1 1"])
        #expect(sllInspection.moldUDP64Sessions.map(\.session) == ["SLL"])
        #expect(sllInspection.flows.first?.client == "10.1.0.1:26400")

        let sll2 = directory.appendingPathComponent("sll2.pcap").path
        #expect(try CaptureReader(path: sll2).linkType == LinkType.linuxCookedV2)
        let sll2Inspection = try Self.inspect(sll2)
        #expect(sll2Inspection.packets == (try Self.tsharkView(sll2).frames))
        #expect(sll2Inspection.flows.map(\.protocolName) == ["FIX"])
        #expect(sll2Inspection.messages.map { "\($0.family) \($0.type) \($0.count)" } == ["FIX A 1"])
    }

    /// pcapng with two interfaces, one in microseconds and one in
    /// nanoseconds: every timestamp exact, as tshark reads it.
    @Test(.enabled(if: available, "scapy and tshark are not installed: scripts/setup.sh installs them"))
    func pcapngInterfacesKeepTheirOwnResolution() throws {
        let directory = try Self.writeSamples()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("interfaces.pcapng").path
        let reader = try CaptureReader(path: path)
        #expect(reader.format == .pcapng)
        var timestamps: [Int64] = []
        while let packet = try reader.next() { timestamps.append(packet.timestampNs) }
        let epoch: Int64 = 1_767_605_400_000_000_000
        #expect(timestamps == [epoch + 123_456_000, epoch + 123_456_789, epoch + 200_001_000, epoch + 200_001_001])
        let tshark = try CaptureWriterTests.runTshark(["-r", path, "-T", "fields", "-e", "frame.time_epoch"])
            .split(separator: "\n").map { $0.replacingOccurrences(of: ".", with: "") }
        #expect(tshark == timestamps.map { String($0) }, "tshark reads the same nanoseconds")
        #expect(try Self.inspect(path).moldUDP64Sessions.first?.messages == 4)
    }
}

