import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// `exsim replay` onto a UDP socket this test opens: the datagrams received
/// must be the capture's MoldUDP64 payloads, byte for byte and in order,
/// read from the capture by this file's own pcap reader (not exsim's).
@Suite struct ReplayCLITests {
    static let sample = "Captures/two-venues.pcap.zst"

    /// The sample's MoldUDP64 payloads (UDP to port 26477), in capture order,
    /// from a fresh uncompressed recording of the same scenario, which the
    /// sample is (CaptureReadTests checks it) and which `zstd -dc` of the
    /// sample equals byte for byte.
    static func expectedPayloads() throws -> [[UInt8]] { try recordedPayloads.get() }

    /// Recorded once for every test of the suite.
    static let recordedPayloads = Result<[[UInt8]], any Error> { try recordPayloads() }

    static func recordPayloads() throws -> [[UInt8]] {
        let directory = try ExsimProcess.temporaryDirectory("replay-expected")
        defer { try? FileManager.default.removeItem(at: directory) }
        let pcap = directory.appendingPathComponent("two-venues.pcap").path
        let run = try ExsimProcess.run(["run", "Scenarios/two-venues.yaml", "--capture", pcap, "--out", directory.path])
        try #require(run.status == 0, "\(run.stderr)")
        return try PlainPcap.udpPayloads(Data(contentsOf: URL(fileURLWithPath: pcap)), toPort: 26477)
    }

    @Test(arguments: [["--top-speed"], ["--speed", "5"], ["--rate", "200k/s"], ["--speed", "2", "--compress-gaps", "100us"],
                      // Streamed in chunks of a few datagrams, 4 KiB or 1,000 bytes read ahead.
                      ["--top-speed", "--read-ahead-bytes", "4096"], ["--speed", "5", "--read-ahead-bytes", "1000"]])
    func theReplayedFeedIsTheCapturesMoldUDP64PayloadsInOrder(_ pacing: [String]) throws {
        let expected = try Self.expectedPayloads()
        try #require(expected.count == 3_941, "the sample's two feeds hold 3,941 datagrams (capture inspect)")
        let receiver = try UDPReceiver()
        let replay = try ExsimProcess.run(["replay", Self.sample, "--feed-to", "127.0.0.1:\(receiver.port)"] + pacing)
        #expect(replay.status == 0, "\(replay.stderr)")
        let received = receiver.drain()
        #expect(received.count == expected.count, "received \(received.count) of \(expected.count) datagrams")
        let firstDifference = zip(received, expected).enumerated().first { $0.element.0 != $0.element.1 }?.offset
        #expect(firstDifference == nil, "datagram \(firstDifference.map { $0 + 1 } ?? 0) differs from the capture's")
        #expect(replay.stdout.contains("sent: 3,941 datagrams, 236.6 kB"), "\(replay.stdout)")
        #expect(replay.stdout.contains("9,342 TCP segments (never replayed)"), "\(replay.stdout)")
        #expect(replay.stdout.contains("machine: ") && replay.stdout.contains("load average"), "\(replay.stdout)")
        if pacing.contains("--top-speed") {
            #expect(replay.stdout.contains("send-time error: none planned at top speed"), "\(replay.stdout)")
        } else {
            #expect(replay.stdout.contains("send-time error (actual − planned): p50 "), "\(replay.stdout)")
            #expect(replay.stdout.contains("drift (the last datagram's error): "), "\(replay.stdout)")
        }
    }

    @Test func jsonCarriesTheFiguresAndThePlannedSpan() throws {
        let receiver = try UDPReceiver()
        let directory = try ExsimProcess.temporaryDirectory("replay-json")
        defer { try? FileManager.default.removeItem(at: directory) }
        let json = directory.appendingPathComponent("replay.json").path
        let replay = try ExsimProcess.run(["replay", Self.sample, "--feed-to", "127.0.0.1:\(receiver.port)",
                                           "--live", "--speed", "10", "--json", json])
        #expect(replay.status == 0, "\(replay.stderr)")
        let document = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: json))) as? [String: Any])
        let result = try #require(document["result"] as? [String: Any])
        #expect(result["datagrams"] as? Int == 3_941)
        #expect(result["bytes"] as? Int == 121_000 + 115_635)
        // The sample's last feed datagram is 50,036,000 ns after its first: a tenth of that, exactly.
        #expect(result["plannedSpanNs"] as? Int == 5_003_600)
        let errors = try #require(result["sendErrors"] as? [String: Any])
        #expect(errors["count"] as? Int == 3_941)
        #expect(document["pacing"] as? String == "10× the recorded speed")
        #expect(receiver.drain().count == 3_941)
    }

    @Test func aCaptureCutShortIsABadInputOnceTheDatagramsBeforeTheCutAreSent() throws {
        let directory = try ExsimProcess.temporaryDirectory("replay-cut")
        defer { try? FileManager.default.removeItem(at: directory) }
        let whole = directory.appendingPathComponent("whole.pcap")
        let run = try ExsimProcess.run(["run", "Scenarios/two-venues.yaml", "--capture", whole.path, "--out", directory.path])
        try #require(run.status == 0, "\(run.stderr)")
        let bytes = try Data(contentsOf: whole)
        let cut = directory.appendingPathComponent("cut.pcap")
        try bytes.prefix(bytes.count / 2 + 7).write(to: cut)
        let expected = try PlainPcap.udpPayloads(bytes, toPort: 26477)
        let receiver = try UDPReceiver()
        let replay = try ExsimProcess.run(["replay", cut.path, "--feed-to", "127.0.0.1:\(receiver.port)", "--top-speed",
                                           "--read-ahead-bytes", "2048"])
        #expect(replay.status == 64)
        #expect(replay.stderr.contains("truncated"), "\(replay.stderr)")
        #expect(replay.stderr.contains("(the datagrams before it were sent)"), "\(replay.stderr)")
        let received = receiver.drain()
        #expect(received.count > 1_000 && received.count < expected.count, "\(received.count) of \(expected.count)")
        #expect(Array(expected.prefix(received.count)) == received, "what was sent is the capture's start, in order")
    }

    @Test func aMissingCaptureIsABadInput() throws {
        let replay = try ExsimProcess.run(["replay", "Captures/none.pcap.zst", "--feed-to", "127.0.0.1:9"])
        #expect(replay.status == 64)
        #expect(replay.stderr.contains("error: Captures/none.pcap.zst: cannot open: No such file or directory"), "\(replay.stderr)")
        #expect(replay.stdout.isEmpty)
    }

    @Test func aCaptureWithoutMoldUDP64IsABadInputThatSaysWhatItHolds() throws {
        let directory = try ExsimProcess.temporaryDirectory("replay-nomold")
        defer { try? FileManager.default.removeItem(at: directory) }
        let pcap = directory.appendingPathComponent("other.pcap")
        try PlainPcap.write([PlainPcap.udpFrame(sourcePort: 5000, destinationPort: 5001, payload: Array("not a feed".utf8))], to: pcap)
        let receiver = try UDPReceiver()
        let replay = try ExsimProcess.run(["replay", pcap.path, "--feed-to", "127.0.0.1:\(receiver.port)"])
        #expect(replay.status == 64)
        #expect(replay.stderr.contains("no MoldUDP64 datagrams in 1 packets (0 TCP segments, 1 other UDP datagrams)"), "\(replay.stderr)")
        #expect(receiver.drain().isEmpty)
        // The sample's feed, its port said to carry FIX: nothing is MoldUDP64 any more.
        let renamed = try ExsimProcess.run(["replay", Self.sample, "--feed-to", "127.0.0.1:\(receiver.port)",
                                            "--no-default-ports", "--port", "26477=fix"])
        #expect(renamed.status == 64)
        #expect(renamed.stderr.contains("no MoldUDP64 datagrams in 13283 packets"), "\(renamed.stderr)")
    }

    @Test(arguments: ["nowhere", "127.0.0.1", "127.0.0.1:0", "127.0.0.1:70000", ":26477", "no-such-host.invalid:26477"])
    func aBadFeedAddressIsABadInput(_ address: String) throws {
        let replay = try ExsimProcess.run(["replay", Self.sample, "--feed-to", address])
        #expect(replay.status == 64)
        #expect(replay.stderr.contains("--feed-to \(address): "), "\(replay.stderr)")
        #expect(replay.stdout.isEmpty)
    }

    @Test(arguments: [["--speed", "0"], ["--speed", "fast"], ["--rate", "0/s"], ["--rate=-5/s"], ["--top-speed", "--speed", "2"],
                      ["--compress-gaps", "soon"], ["--spin", "soon"], ["--read-ahead-bytes", "0"], []])
    func badPacingOrNoDestinationIsABadInput(_ options: [String]) throws {
        let destination = options.isEmpty ? [] : ["--feed-to", "127.0.0.1:9"]
        let replay = try ExsimProcess.run(["replay", Self.sample] + destination + options)
        #expect(replay.status == 64, "\(options): \(replay.stderr)")
        #expect(replay.stderr.hasPrefix("error: "), "\(replay.stderr)")
        #expect(replay.stdout.isEmpty)
    }

    @Test func helpNamesEveryOptionAndTheExitCodes() throws {
        let help = try ExsimProcess.run(["replay", "--help"])
        #expect(help.status == 0)
        for text in ["--feed-to", "--speed", "--rate", "--top-speed", "--compress-gaps", "--port", "--json", "sendmmsg",
                     "never sent", "64", "69"] {
            #expect(help.stdout.contains(text), "replay --help mentions \(text)")
        }
        let root = try ExsimProcess.run(["--help"])
        #expect(root.stdout.contains("replay"))
    }
}

/// A UDP socket on a free loopback port with a receive buffer large enough
/// to hold a whole replay of the sample, read once the replay has exited.
final class UDPReceiver {
    let descriptor: Int32
    let port: Int

    init() throws {
        let descriptor = socket(AF_INET, Int32(SOCK_DGRAM.rawValue), 0)
        // 64 MiB where the test may exceed rmem_max (root), else as much as rmem_max allows.
        var size: Int32 = 64 << 20
        if setsockopt(descriptor, SOL_SOCKET, SO_RCVBUFFORCE, &size, socklen_t(MemoryLayout<Int32>.size)) != 0 {
            size = 16 << 20
            setsockopt(descriptor, SOL_SOCKET, SO_RCVBUF, &size, socklen_t(MemoryLayout<Int32>.size))
        }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
                bind(descriptor, pointer, length) == 0 && getsockname(descriptor, pointer, &length) == 0
            }
        }
        guard bound else {
            close(descriptor)
            throw ServeTests.ServeFailure(description: "could not bind a loopback UDP port: errno \(errno)")
        }
        self.descriptor = descriptor
        port = Int(UInt16(bigEndian: address.sin_port))
    }

    deinit { close(descriptor) }

    /// Every datagram waiting, in arrival order.
    func drain() -> [[UInt8]] {
        var datagrams: [[UInt8]] = []
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while true {
            let count = buffer.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, Int32(MSG_DONTWAIT)) }
            if count < 0 { break }
            datagrams.append(Array(buffer[0..<count]))
        }
        return datagrams
    }
}

/// A deliberately small reader and writer of classic pcap with Ethernet /
/// IPv4 / UDP frames: the test's own view of a capture, independent of
/// exsim's Capture module.
enum PlainPcap {
    struct Malformed: Error, CustomStringConvertible { var description: String }

    static func udpPayloads(_ file: Data, toPort port: UInt16) throws -> [[UInt8]] {
        let bytes = [UInt8](file)
        func u16(_ at: Int) -> Int { Int(bytes[at]) << 8 | Int(bytes[at + 1]) }
        func le32(_ at: Int) -> Int { Int(bytes[at]) | Int(bytes[at + 1]) << 8 | Int(bytes[at + 2]) << 16 | Int(bytes[at + 3]) << 24 }
        guard bytes.count >= 24, le32(0) == 0xA1B2_3C4D || le32(0) == 0xA1B2_C3D4, le32(20) == 1 else {
            throw Malformed(description: "not a little-endian Ethernet pcap")
        }
        var payloads: [[UInt8]] = []
        var offset = 24
        while offset + 16 <= bytes.count {
            let captured = le32(offset + 8)
            let frame = offset + 16
            offset = frame + captured
            guard u16(frame + 12) == 0x0800 else { continue }
            let ip = frame + 14
            let headerLength = Int(bytes[ip] & 0x0F) * 4
            guard bytes[ip + 9] == 17 else { continue }
            let udp = ip + headerLength
            guard u16(udp + 2) == Int(port) else { continue }
            let length = u16(udp + 4) - 8
            payloads.append(Array(bytes[(udp + 8)..<(udp + 8 + length)]))
        }
        return payloads
    }

    static func udpFrame(sourcePort: UInt16, destinationPort: UInt16, payload: [UInt8]) -> [UInt8] {
        var frame: [UInt8] = [0x02, 0, 0, 0, 0, 2, 0x02, 0, 0, 0, 0, 1, 0x08, 0x00]
        let total = 20 + 8 + payload.count
        frame += [0x45, 0, UInt8(total >> 8), UInt8(total & 0xFF), 0, 0, 0x40, 0, 64, 17, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2]
        frame += [UInt8(sourcePort >> 8), UInt8(sourcePort & 0xFF), UInt8(destinationPort >> 8), UInt8(destinationPort & 0xFF),
                  UInt8((8 + payload.count) >> 8), UInt8((8 + payload.count) & 0xFF), 0, 0]
        return frame + payload
    }

    static func write(_ frames: [[UInt8]], to url: URL) throws {
        func le32(_ value: Int) -> [UInt8] { (0..<4).map { UInt8((value >> (8 * $0)) & 0xFF) } }
        var file = le32(0xA1B2_C3D4) + [2, 0, 4, 0] + le32(0) + le32(0) + le32(65_535) + le32(1)
        for (index, frame) in frames.enumerated() {
            file += le32(1_767_605_400 + index) + le32(0) + le32(frame.count) + le32(frame.count) + frame
        }
        try Data(file).write(to: url)
    }
}

/// itchfeed (PyPI) decodes the feed `exsim replay` plays, received on a UDP
/// socket (scripts/oracles/replay_itch_feed.py): its ITCH messages by type
/// and each MoldUDP64 session's datagrams, messages and next sequence number
/// must equal what `exsim capture inspect` counts in the capture.
@Suite struct ReplayOracleTests {
    @Test(.enabled(if: CaptureOracleTests.oraclePython != nil || CaptureOracleTests.required,
                   "the oracle Python (itchfeed) is not installed: scripts/setup.sh installs it, and scripts/test.sh runs every oracle test"),
          arguments: [["--top-speed"], ["--speed", "4"]])
    func itchfeedDecodesTheReplayedFeedAsTheCaptureCountsIt(_ pacing: [String]) throws {
        let directory = try ExsimProcess.temporaryDirectory("replay-oracle")
        defer { try? FileManager.default.removeItem(at: directory) }
        let inspectJSON = directory.appendingPathComponent("inspect.json").path
        let inspect = try ExsimProcess.run(["capture", "inspect", ReplayCLITests.sample, "--json", inspectJSON])
        try #require(inspect.status == 0, "\(inspect.stderr)")
        let inspection = try #require(try JSONSerialization.jsonObject(
            with: Data(contentsOf: URL(fileURLWithPath: inspectJSON))) as? [String: Any])
        var expectedTypes: [String: Int] = [:]
        for entry in try #require(inspection["messages"] as? [[String: Any]]) where entry["family"] as? String == "ITCH" {
            expectedTypes[try #require(entry["type"] as? String)] = try #require(entry["count"] as? Int)
        }
        try #require(!expectedTypes.isEmpty)

        let oracle = try ServeTests.runOracle("replay_itch_feed.py",
                                              [ExsimProcess.binary.path, ExsimProcess.packageRoot.appendingPathComponent(ReplayCLITests.sample).path] + pacing)
        #expect(oracle.status == 0, "\(oracle.standardError)")
        let decoded = try #require(try JSONSerialization.jsonObject(with: Data(oracle.standardOutput.utf8)) as? [String: Any])
        #expect(decoded["itch"] as? [String: Int] == expectedTypes, "itchfeed: \(decoded["itch"] ?? "nothing"); capture inspect: \(expectedTypes)")
        #expect(decoded["messages"] as? Int == expectedTypes.values.reduce(0, +))
        let sessions = try #require(decoded["sessions"] as? [String: [String: Int]])
        let inspected = try #require(inspection["moldUDP64Sessions"] as? [[String: Any]])
        #expect(sessions.count == inspected.count)
        for session in inspected {
            let name = try #require(session["session"] as? String)
            let received = try #require(sessions[name], "no datagrams of session \(name) received")
            #expect(received["datagrams"] == session["packets"] as? Int, "\(name) datagrams")
            #expect(received["messages"] == session["messages"] as? Int, "\(name) messages")
            #expect(received["nextSequence"] == session["nextSequence"] as? Int, "\(name) next sequence")
        }
    }
}

extension ReplayCLITests {
    @Test(arguments: ["0", "100"])
    func aRealTimePriorityOutOfRangeIsABadInput(_ priority: String) throws {
        let replay = try ExsimProcess.run(["replay", Self.sample, "--feed-to", "127.0.0.1:9", "--realtime-priority", priority])
        #expect(replay.status == 64)
        #expect(replay.stderr.contains("--realtime-priority \(priority): expected a SCHED_FIFO priority from 1 to 99"), "\(replay.stderr)")
    }
}
