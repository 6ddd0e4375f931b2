import Foundation
import Testing
import Wire
@testable import Capture

/// Keeps the ITCH messages the dissector hands over.
struct ITCHCollector: CaptureMessageSink {
    var messages: [[UInt8]] = []
    mutating func itchMessage(_ message: UnsafeRawBufferPointer, feed: Int, timestampNs: Int64) { messages.append(Array(message)) }
}

/// Bytes of the protocols, built with Wire's encoders where it has them.
enum SampleWire {
    /// An ITCH message of the given type: the right length, the type byte, zeros.
    static func itch(_ type: Character, stockLocate: UInt8 = 1) -> [UInt8] {
        let typeByte = type.asciiValue!
        var message = [UInt8](repeating: 0, count: ITCHMessageType.length(ofTypeByte: typeByte))
        message[0] = typeByte
        message[2] = stockLocate
        return message
    }

    static func mold(session: String, sequence: UInt64, _ messages: [[UInt8]]) -> [UInt8] {
        var packet = [UInt8](repeating: 0, count: MoldUDP64Header.length)
        let header = MoldUDP64Header(session: MoldUDP64SessionID(session)!, sequenceNumber: sequence, messageCount: UInt16(messages.count))
        _ = packet.withUnsafeMutableBytes { header.encode(into: $0) }
        for message in messages {
            packet += [UInt8(message.count >> 8), UInt8(message.count & 0xFF)] + message
        }
        return packet
    }

    static func soup(_ type: SoupBinTCPPacketType, _ payload: [UInt8] = []) -> [UInt8] {
        let length = payload.count + 1
        return [UInt8(length >> 8), UInt8(length & 0xFF), type.rawValue] + payload
    }

    static func loginRequest(user: String) -> [UInt8] {
        let login = SoupBinTCPLoginRequest(username: SoupBinTCPUsername(user)!, password: SoupBinTCPPassword("exsim")!,
                                           requestedSession: .blank, requestedSequenceNumber: 1)
        var bytes = [UInt8](repeating: 0, count: SoupBinTCPLoginRequest.encodedByteCount)
        _ = bytes.withUnsafeMutableBytes { login.encode(into: $0) }
        return bytes
    }

    static func loginAccepted(session: String, next: UInt64) -> [UInt8] {
        let accepted = SoupBinTCPLoginAccepted(session: SoupBinTCPSessionName(session)!, nextSequenceNumber: next)
        var bytes = [UInt8](repeating: 0, count: SoupBinTCPLoginAccepted.encodedByteCount)
        _ = bytes.withUnsafeMutableBytes { accepted.encode(into: $0) }
        return bytes
    }

    /// An OUCH message of the given type with its length: the type byte, zeros.
    static func ouch(_ type: Character, inbound: Bool) -> [UInt8] {
        let typeByte = type.asciiValue!
        let length = inbound ? OUCHInboundMessage.length(ofType: typeByte)! : OUCHOutboundMessage.length(ofType: typeByte)!
        return [typeByte] + [UInt8](repeating: 0, count: length - 1)
    }

    /// A FIX message with a correct BodyLength and CheckSum.
    static func fix(_ msgType: String, _ fields: String = "49=P1\u{01}56=XFIX\u{01}34=1\u{01}") -> [UInt8] {
        let body = Array("35=\(msgType)\u{01}\(fields)".utf8)
        let head = Array("8=FIX.4.2\u{01}9=\(body.count)\u{01}".utf8)
        let sum = (head + body).reduce(0) { ($0 + Int($1)) % 256 }
        return head + body + Array(String(format: "10=%03d\u{01}", sum).utf8)
    }
}

/// A capture of a MoldUDP64 feed with a duplicate and a gap, an OUCH
/// session over SoupBinTCP and a FIX session on a port nobody named:
/// every message counted by type, the ITCH messages handed over once each.
@Suite struct CaptureDissectorTests {
    static let venue = CaptureHost(10, 1, 0, 1)
    static let client = CaptureHost(10, 2, 0, 1)
    static let group = CaptureHost(233, 54, 12, 1)

    static func dissect(_ path: String, portMap: CapturePortMap) throws -> (CaptureInspection, ITCHCollector) {
        let reader = try CaptureReader(path: path)
        let dissector = CaptureDissector(linkType: reader.linkType, portMap: portMap, sink: ITCHCollector())
        while let packet = try reader.next() { dissector.packet(packet) }
        return (dissector.finish(), dissector.sink)
    }

    @Test func countsMessagesFindsGapsAndSessionBoundaries() throws {
        let path = CaptureReaderTests.temporaryPath("dissect.pcap")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let writer = try CaptureWriter(path: path, epochOffsetNs: CaptureReaderTests.epochNs)
        // Messages 1, 2; 2 again with 3; then 6: 4 and 5 missing.
        for (time, packet) in [
            (1_000, SampleWire.mold(session: "S1", sequence: 1, [SampleWire.itch("S"), SampleWire.itch("A")])),
            (1_500, SampleWire.mold(session: "S1", sequence: 2, [SampleWire.itch("A"), SampleWire.itch("D")])),
            (2_000_000, SampleWire.mold(session: "S1", sequence: 6, [SampleWire.itch("E")])),
        ] {
            try writer.udp(atNs: Int64(time), from: Self.venue, port: 26_400, to: Self.group, port: 26_477, payload: packet)
        }
        var ouch = try writer.openTCP(atNs: 3_000_000, client: Self.client, clientPort: 40_001, server: Self.venue, serverPort: 15_000)
        let clientBytes = SampleWire.loginRequest(user: "P1") + SampleWire.soup(.unsequencedData, SampleWire.ouch("O", inbound: true))
            + SampleWire.soup(.unsequencedData, SampleWire.ouch("X", inbound: true))
        let serverBytes = SampleWire.loginAccepted(session: "DAY1", next: 1)
            + SampleWire.soup(.sequencedData, SampleWire.ouch("A", inbound: false)) + SampleWire.soup(.endOfSession)
        try clientBytes.withUnsafeBytes { try writer.tcp(&ouch, atNs: 3_000_100, fromClient: true, payload: $0) }
        try serverBytes.withUnsafeBytes { try writer.tcp(&ouch, atNs: 3_000_200, fromClient: false, payload: $0) }
        try writer.closeTCP(&ouch, atNs: 3_000_300, byClient: true)
        var fix = try writer.openTCP(atNs: 4_000_000, client: Self.client, clientPort: 40_002, server: Self.venue, serverPort: 9_999)
        let logon = SampleWire.fix("A"), order = SampleWire.fix("D"), logout = SampleWire.fix("5")
        try (logon + order).withUnsafeBytes { try writer.tcp(&fix, atNs: 4_000_100, fromClient: true, payload: $0) }
        try logout.withUnsafeBytes { try writer.tcp(&fix, atNs: 4_000_200, fromClient: false, payload: $0) }
        try writer.finish()

        let (inspection, collector) = try Self.dissect(path, portMap: CapturePortMap([26_477: .moldUDP64, 15_000: .soupBinTCP]))
        #expect(inspection.packets == writer.packetsWritten)
        #expect(inspection.flows.map(\.protocolName) == ["MoldUDP64/ITCH", "SoupBinTCP", "FIX"])
        #expect(inspection.flows.map(\.chosenBy) == ["port", "port", "framing"])
        #expect(inspection.flows[1].client == "10.2.0.1:40001" && inspection.flows[1].server == "10.1.0.1:15000")
        #expect(collector.messages.map { $0[0] } == Array("SADE".utf8), "each ITCH message once, in sequence order")

        let mold = try #require(inspection.moldUDP64Sessions.first)
        #expect(mold.session == "S1" && mold.messages == 4 && mold.duplicateMessages == 1)
        #expect(mold.firstSequence == 1 && mold.nextSequence == 7)
        #expect(mold.gapCount == 1 && mold.missingMessages == 2)
        #expect(mold.gaps.map { [$0.from, $0.to] } == [[4, 5]])

        let counts = Dictionary(uniqueKeysWithValues: inspection.messages.map { ("\($0.family) \($0.type)", $0.count) })
        #expect(counts == ["ITCH S": 1, "ITCH A": 1, "ITCH D": 1, "ITCH E": 1, "OUCH in O": 1, "OUCH in X": 1, "OUCH out A": 1,
                           "SoupBinTCP L": 1, "SoupBinTCP A": 1, "SoupBinTCP U": 2, "SoupBinTCP S": 1, "SoupBinTCP Z": 1,
                           "FIX A": 1, "FIX D": 1, "FIX 5": 1])
        #expect(inspection.messageCount == 4 + 3 + 3)
        #expect(inspection.peakMessagesPerMillisecond == 3, "1, 2 and 3 within the first millisecond")

        let events = inspection.flows[1].sessionEvents.map(\.event)
        #expect(events == [
            "TCP SYN from the client", "TCP SYN-ACK from the server",
            "SoupBinTCP Login Request: user P1, the current session from sequence 1",
            "SoupBinTCP Login Accepted: session 'DAY1', next sequence 1", "SoupBinTCP End of Session",
            "TCP FIN from the client", "TCP FIN from the server",
        ])
        #expect(inspection.flows[2].sessionEvents.map(\.event).contains("FIX Logon from the client"))
        #expect(inspection.flows.allSatisfy { $0.framingErrors.isEmpty })
    }

    @Test func withoutAPortMapTheFramingIsRecognised() throws {
        let path = CaptureReaderTests.temporaryPath("recognise.pcap")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let writer = try CaptureWriter(path: path)
        try writer.udp(atNs: 1, from: Self.venue, port: 5_000, to: Self.group, port: 5_001,
                       payload: SampleWire.mold(session: "X", sequence: 1, [SampleWire.itch("S")]))
        try writer.udp(atNs: 2, from: Self.venue, port: 5_000, to: Self.group, port: 6_001, payload: Array("not a feed at all".utf8))
        var soup = try writer.openTCP(atNs: 3, client: Self.client, clientPort: 40_001, server: Self.venue, serverPort: 7_000)
        try SampleWire.loginRequest(user: "P2").withUnsafeBytes { try writer.tcp(&soup, atNs: 4, fromClient: true, payload: $0) }
        try writer.finish()
        let (inspection, _) = try Self.dissect(path, portMap: CapturePortMap())
        #expect(inspection.flows.map(\.protocolName) == ["MoldUDP64/ITCH", nil, "SoupBinTCP"])
        #expect(inspection.flows.map(\.chosenBy) == ["framing", nil, "framing"])
    }

    /// A client that logs out and connects again from the same port: two
    /// sessions on one flow, each reassembled from its own SYN.
    @Test func aSecondConnectionOnTheSamePortsStartsAfresh() throws {
        let path = CaptureReaderTests.temporaryPath("reconnect.pcap")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let writer = try CaptureWriter(path: path)
        for (start, user) in [(1_000, "P1"), (9_000, "P2")] {
            var connection = try writer.openTCP(atNs: Int64(start), client: Self.client, clientPort: 40_001, server: Self.venue, serverPort: 15_000)
            try SampleWire.loginRequest(user: user).withUnsafeBytes {
                try writer.tcp(&connection, atNs: Int64(start + 100), fromClient: true, payload: $0)
            }
            try SampleWire.loginAccepted(session: "DAY1", next: 1).withUnsafeBytes {
                try writer.tcp(&connection, atNs: Int64(start + 200), fromClient: false, payload: $0)
            }
            try writer.closeTCP(&connection, atNs: Int64(start + 300), byClient: true)
        }
        try writer.finish()
        let (inspection, _) = try Self.dissect(path, portMap: CapturePortMap([15_000: .soupBinTCP]))
        #expect(inspection.flows.count == 1)
        let flow = try #require(inspection.flows.first)
        let events = flow.sessionEvents.map(\.event)
        #expect(events.contains("TCP: a new connection on the same ports"))
        #expect(events.filter { $0.hasPrefix("SoupBinTCP Login Request: user P1") }.count == 1)
        #expect(events.filter { $0.hasPrefix("SoupBinTCP Login Request: user P2") }.count == 1)
        #expect(flow.tcp?.connections == 2 && flow.tcp?.holes == 0 && flow.tcp?.retransmittedSegments == 0)
        #expect(flow.framingErrors.isEmpty)
    }

    /// ITCH over SoupBinTCP (a TCP feed): sequenced data handed to the sink
    /// as ITCH when the port says so, and told from OUCH by length when it
    /// does not.
    @Test func itchOverSoupBinTCPReachesTheSink() throws {
        let path = CaptureReaderTests.temporaryPath("soup-itch.pcap")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let writer = try CaptureWriter(path: path)
        for port: UInt16 in [16_000, 16_001] {
            let start = Int64(port) * 100
            var feed = try writer.openTCP(atNs: start, client: Self.client, clientPort: 40_000 + port % 10, server: Self.venue, serverPort: port)
            try SampleWire.loginRequest(user: "P1").withUnsafeBytes { try writer.tcp(&feed, atNs: start + 10, fromClient: true, payload: $0) }
            let server = SampleWire.loginAccepted(session: "FEED", next: 1) + SampleWire.soup(.sequencedData, SampleWire.itch("A"))
                + SampleWire.soup(.sequencedData, SampleWire.itch("D")) + SampleWire.soup(.sequencedData, SampleWire.ouch("C", inbound: false))
            try server.withUnsafeBytes { try writer.tcp(&feed, atNs: start + 20, fromClient: false, payload: $0) }
        }
        try writer.finish()
        // 16000 is named an ITCH feed; 16001 is recognised as SoupBinTCP and its messages told apart by length.
        let (inspection, collector) = try Self.dissect(path, portMap: CapturePortMap([16_000: .soupBinTCPITCH]))
        #expect(inspection.flows.map(\.protocolName) == ["SoupBinTCP/ITCH", "SoupBinTCP"])
        #expect(collector.messages.map { $0[0] } == Array("ADAD".utf8), "ITCH A and D from both connections")
        let counts = Dictionary(uniqueKeysWithValues: inspection.messages.map { ("\($0.family) \($0.type)", $0.count) })
        #expect(counts["ITCH A"] == 2 && counts["ITCH D"] == 2)
        #expect(counts["OUCH out C"] == 2, "an OUCH Canceled's length is no ITCH message's")
    }
}

