import Capture
import Foundation
import Replay
import Testing

/// Which datagrams of a capture a replay sends: MoldUDP64 by port or by
/// framing, byte for byte, never TCP, never other UDP.
@Suite struct MoldUDP64DatagramPickerTests {
    static let venue = CaptureHost(10, 1, 0, 1)
    static let group = CaptureHost(233, 54, 12, 1)
    static let client = CaptureHost(10, 2, 0, 1)

    /// A MoldUDP64 packet of session `SESSION001` holding `messages`.
    static func moldPacket(sequence: UInt64, _ messages: [[UInt8]]) -> [UInt8] {
        var bytes = Array("SESSION001".utf8)
        bytes += withUnsafeBytes(of: sequence.bigEndian, Array.init)
        bytes += withUnsafeBytes(of: UInt16(messages.count).bigEndian, Array.init)
        for message in messages {
            bytes += withUnsafeBytes(of: UInt16(message.count).bigEndian, Array.init)
            bytes += message
        }
        return bytes
    }

    static func temporaryCapture(_ name: String) -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("exsim-replay-\(name)-\(UUID().uuidString).pcap.zst").path
    }

    @Test func picksMoldUDP64ByPortAndByFramingAndNothingElse() throws {
        let path = Self.temporaryCapture("pick")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let onFeedPort = Self.moldPacket(sequence: 1, [Array("S\0\0\0".utf8), Array("A123".utf8)])
        let byFraming = Self.moldPacket(sequence: 7, [Array("E99".utf8)])
        let heartbeat = Self.moldPacket(sequence: 3, [])
        let notMold = Array("hello, not a MoldUDP64 packet".utf8)
        let writer = try CaptureWriter(path: path)
        try writer.udp(atNs: 1_000, from: Self.venue, port: 26400, to: Self.group, port: 26477, payload: onFeedPort)
        var connection = try writer.openTCP(atNs: 1_500, client: Self.client, clientPort: 40000, server: Self.venue, serverPort: 15000)
        try Self.moldPacket(sequence: 2, [Array("X1".utf8)]).withUnsafeBytes {
            try writer.tcp(&connection, atNs: 1_600, fromClient: false, payload: $0)
        }
        try writer.udp(atNs: 2_000, from: Self.venue, port: 31000, to: Self.client, port: 31001, payload: byFraming)
        try writer.udp(atNs: 2_500, from: Self.client, port: 5000, to: Self.venue, port: 5001, payload: notMold)
        try writer.udp(atNs: 3_000, from: Self.venue, port: 26400, to: Self.group, port: 26477, payload: heartbeat)
        // A flow recognised as MoldUDP64 by its first datagram, whose later one is not valid.
        try writer.udp(atNs: 3_500, from: Self.venue, port: 31000, to: Self.client, port: 31001, payload: notMold)
        try writer.finish()

        var portMap = CapturePortMap()
        portMap[26477] = .moldUDP64
        let (datagrams, counts) = try ReplayDatagrams.load(path: path, portMap: portMap)
        #expect(datagrams.count == 3)
        #expect(datagrams.datagram(0) == onFeedPort)
        #expect(datagrams.datagram(1) == byFraming)
        #expect(datagrams.datagram(2) == heartbeat)
        #expect(datagrams.timestampsNs == [1_000, 2_000, 3_000])
        #expect(datagrams.byteCount == onFeedPort.count + byFraming.count + heartbeat.count)
        #expect(counts.tcpSegmentsSkipped > 0)
        #expect(counts.otherUDPSkipped == 1)
        #expect(counts.invalidMoldUDP64 == 1)
    }

    @Test func aPortMappedToAnotherProtocolIsNotReplayedEvenWhenItLooksLikeMoldUDP64() throws {
        let path = Self.temporaryCapture("other")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let writer = try CaptureWriter(path: path)
        try writer.udp(atNs: 0, from: Self.venue, port: 9878, to: Self.client, port: 40000,
                       payload: Self.moldPacket(sequence: 1, [Array("A1".utf8)]))
        try writer.finish()
        var portMap = CapturePortMap()
        portMap[9878] = .fix
        let (datagrams, counts) = try ReplayDatagrams.load(path: path, portMap: portMap)
        #expect(datagrams.count == 0)
        #expect(counts.otherUDPSkipped == 1)
    }

    @Test func aMissingCaptureIsTheReadersError() {
        #expect(throws: CaptureReadError.self) {
            _ = try ReplayDatagrams.load(path: "/nonexistent/none.pcap", portMap: CapturePortMap())
        }
    }
}

/// The reader thread hands out the same datagrams, in the same order, in
/// chunks no larger than the read-ahead allows.
@Suite struct ReplayDatagramStreamTests {
    @Test(arguments: [1, 100, 1_000, 1 << 20])
    func chunksInOrderAreTheWholeLoad(_ readAheadBytes: Int) throws {
        let path = MoldUDP64DatagramPickerTests.temporaryCapture("stream")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let writer = try CaptureWriter(path: path)
        for index in 0..<500 {
            let messages = (0...(index % 3)).map { Array(repeating: UInt8(65 + $0), count: 5 + index % 40) }
            try writer.udp(atNs: Int64(index) * 1_000, from: MoldUDP64DatagramPickerTests.venue, port: 26400,
                           to: MoldUDP64DatagramPickerTests.group, port: 26477,
                           payload: MoldUDP64DatagramPickerTests.moldPacket(sequence: UInt64(1 + index), messages))
        }
        try writer.finish()
        var portMap = CapturePortMap()
        portMap[26477] = .moldUDP64
        let (whole, wholeCounts) = try ReplayDatagrams.load(path: path, portMap: portMap)

        let stream = try ReplayDatagramStream(path: path, portMap: portMap, readAheadBytes: readAheadBytes)
        stream.start()
        #expect(stream.waitUntilReady())
        var datagrams: [[UInt8]] = []
        var timestamps: [Int64] = []
        var chunkCount = 0
        while let chunk = stream.next() {
            chunkCount += 1
            #expect(chunk.count > 0)
            for index in 0..<chunk.count { datagrams.append(chunk.datagram(index)) }
            timestamps += chunk.timestampsNs
        }
        #expect(datagrams == (0..<whole.count).map { whole.datagram($0) })
        #expect(timestamps == whole.timestampsNs)
        #expect(stream.counts == wholeCounts)
        #expect(stream.failure == nil)
        #expect(readAheadBytes >= 1 << 20 ? chunkCount == 1 : chunkCount > 10, "\(chunkCount) chunks")
    }
}
