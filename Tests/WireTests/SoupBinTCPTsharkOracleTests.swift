import Foundation
import Testing
@testable import Wire

/// A classic pcap of one TCP connection (Ethernet / IPv4 / TCP, with a
/// handshake and correct sequence and acknowledgement numbers) that carries
/// the segments we give it; each segment becomes one frame.
private struct TCPCaptureWriter {
    static let clientPort: UInt16 = 40_000
    static let serverPort: UInt16 = 15_000
    private(set) var file: [UInt8] = []
    private var clientSequence: UInt32 = 1_000
    private var serverSequence: UInt32 = 5_000_000
    private var frameCount: UInt32 = 0

    init() {
        appendLittleEndian(UInt32(0xA1B2_C3D4))
        appendLittleEndian(UInt16(2))
        appendLittleEndian(UInt16(4))
        appendLittleEndian(UInt32(0)) // GMT offset
        appendLittleEndian(UInt32(0)) // timestamp accuracy
        appendLittleEndian(UInt32(65_535)) // snap length
        appendLittleEndian(UInt32(1)) // Ethernet
        let syn: UInt8 = 0x02, ack: UInt8 = 0x10
        appendFrame(fromClient: true, flags: syn, payload: [])
        clientSequence &+= 1
        appendFrame(fromClient: false, flags: syn | ack, payload: [])
        serverSequence &+= 1
        appendFrame(fromClient: true, flags: ack, payload: [])
    }

    mutating func append(fromClient: Bool, _ payload: [UInt8]) {
        appendFrame(fromClient: fromClient, flags: 0x18, payload: payload) // PSH, ACK
        if fromClient { clientSequence &+= UInt32(payload.count) } else { serverSequence &+= UInt32(payload.count) }
    }

    private mutating func appendFrame(fromClient: Bool, flags: UInt8, payload: [UInt8]) {
        frameCount += 1
        var tcp: [UInt8] = []
        tcp += bigEndian(fromClient ? Self.clientPort : Self.serverPort)
        tcp += bigEndian(fromClient ? Self.serverPort : Self.clientPort)
        tcp += bigEndian(fromClient ? clientSequence : serverSequence)
        tcp += bigEndian(flags & 0x10 != 0 ? (fromClient ? serverSequence : clientSequence) : UInt32(0))
        tcp += [0x50, flags] + bigEndian(UInt16(65_535)) + [0, 0, 0, 0] // no options; checksum 0
        tcp += payload
        var ip: [UInt8] = [0x45, 0] + bigEndian(UInt16(20 + tcp.count)) + bigEndian(UInt16(frameCount))
        ip += [0x40, 0, 64, 6, 0, 0]
        ip += fromClient ? [10, 0, 0, 1, 10, 0, 0, 2] : [10, 0, 0, 2, 10, 0, 0, 1]
        let checksum = Self.internetChecksum(ip)
        ip[10] = UInt8(checksum >> 8)
        ip[11] = UInt8(checksum & 0xFF)
        let clientMAC: [UInt8] = [0x02, 0, 0, 0, 0, 1], serverMAC: [UInt8] = [0x02, 0, 0, 0, 0, 2]
        let frame = (fromClient ? serverMAC + clientMAC : clientMAC + serverMAC) + [0x08, 0x00] + ip + tcp
        appendLittleEndian(UInt32(1_700_000_000))
        appendLittleEndian(frameCount * 1_000) // microseconds
        appendLittleEndian(UInt32(frame.count))
        appendLittleEndian(UInt32(frame.count))
        file += frame
    }

    private static func internetChecksum(_ header: [UInt8]) -> UInt16 {
        var sum: UInt32 = 0
        for index in stride(from: 0, to: header.count, by: 2) {
            sum += UInt32(header[index]) << 8 | UInt32(header[index + 1])
        }
        while sum > 0xFFFF { sum = (sum & 0xFFFF) + (sum >> 16) }
        return ~UInt16(sum)
    }

    private func bigEndian<T: FixedWidthInteger>(_ value: T) -> [UInt8] {
        withUnsafeBytes(of: value.bigEndian, Array.init)
    }

    private mutating func appendLittleEndian<T: FixedWidthInteger>(_ value: T) {
        file += withUnsafeBytes(of: value.littleEndian, Array.init)
    }
}

/// What we put on the wire, per SoupBinTCP packet, for comparison with tshark.
private struct SentPacket {
    var fromClient: Bool
    var soupType: Character
    var bytes: [UInt8]
    var ouchType: Character?
    /// tshark field name → the value it must print.
    var expectedFields: [String: String] = [:]
}

private let fields = [
    "frame.number", "tcp.srcport", "soupbintcp.packet_length", "soupbintcp.packet_type", "soupbintcp.username",
    "soupbintcp.password", "soupbintcp.session", "soupbintcp.reject_code", "ouch.packet_type", "ouch.order_token",
    "ouch.existing_order_token", "ouch.replacement_order_token", "ouch.previous_order_token", "ouch.shares",
    "ouch.price", "ouch.tif", "ouch.stock", "ouch.firm", "ouch.buy_sell_indicator", "ouch.order_reference_number",
    "ouch.match_number", "ouch.executed_shares", "ouch.execution_price", "ouch.decrement_shares",
    "ouch.min_quantity", "ouch.event_code", "ouch.timestamp", "ouch.reject_reason", "ouch.new_execution_price",
    "ouch.reference_price", "ouch.quantity_prevented_from_trading", "ouch.display", "ouch.cross_type",
    "ouch.customer_type", "ouch.order_state", "ouch.bbo_weight_indicator", "ouch.liquidity_flag",
]

@Suite struct SoupBinTCPTsharkOracleTests {
    static var tshark: String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
        return path.split(separator: ":").map { "\($0)/tshark" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    static func framed(_ type: SoupBinTCPPacketType, _ payload: [UInt8]) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: 3 + payload.count)
        bytes.withUnsafeMutableBytes { output in
            payload.withUnsafeBytes { _ = SoupBinTCP.encodeDataPacket(type, payload: $0, into: output) }
        }
        return bytes
    }

    static func encoded(_ count: Int, _ body: (UnsafeMutableRawBufferPointer) -> Int) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: count)
        #expect(bytes.withUnsafeMutableBytes(body) == count)
        return bytes
    }

    /// The session: login, every OUCH inbound message as Unsequenced Data,
    /// every outbound one as Sequenced Data, heartbeats, logout.
    fileprivate static func session() -> [SentPacket] {
        var packets: [SentPacket] = []
        let login = SoupBinTCPLoginRequest(
            username: SoupBinTCPUsername("TRADER")!, password: SoupBinTCPPassword("hunter2")!,
            requestedSession: SoupBinTCPSessionName("EXSIM00001")!, requestedSequenceNumber: firstSequenceNumber)
        packets.append(SentPacket(
            fromClient: true, soupType: "L", bytes: encoded(49) { login.encode(into: $0) },
            expectedFields: ["soupbintcp.username": "TRADER", "soupbintcp.password": "hunter2", "soupbintcp.session": "EXSIM00001"]))
        let accepted = SoupBinTCPLoginAccepted(session: SoupBinTCPSessionName("EXSIM00001")!, nextSequenceNumber: firstSequenceNumber)
        packets.append(SentPacket(
            fromClient: false, soupType: "A", bytes: encoded(33) { accepted.encode(into: $0) },
            expectedFields: ["soupbintcp.session": "EXSIM00001"]))
        for message in OUCHSamples.inbound {
            let payload = OUCHSamples.bytes(of: message)
            packets.append(SentPacket(
                fromClient: true, soupType: "U", bytes: framed(.unsequencedData, payload),
                ouchType: Character(Unicode.Scalar(message.messageType)), expectedFields: expectedFields(message)))
        }
        packets.append(SentPacket(fromClient: false, soupType: "H", bytes: encoded(3) { SoupBinTCP.encodeEmptyPacket(.serverHeartbeat, into: $0) }))
        for message in OUCHSamples.outbound {
            let payload = OUCHSamples.bytes(of: message)
            packets.append(SentPacket(
                fromClient: false, soupType: "S", bytes: framed(.sequencedData, payload),
                ouchType: Character(Unicode.Scalar(message.messageType)),
                expectedFields: expectedFields(message).merging(["ouch.timestamp": timeOfDay(timestampNs(of: payload))]) { $1 }))
        }
        packets.append(SentPacket(fromClient: true, soupType: "R", bytes: encoded(3) { SoupBinTCP.encodeEmptyPacket(.clientHeartbeat, into: $0) }))
        packets.append(SentPacket(fromClient: false, soupType: "H", bytes: encoded(3) { SoupBinTCP.encodeEmptyPacket(.serverHeartbeat, into: $0) }))
        packets.append(SentPacket(fromClient: true, soupType: "O", bytes: encoded(3) { SoupBinTCP.encodeEmptyPacket(.logoutRequest, into: $0) }))
        return packets
    }

    /// tshark prints character fields quoted ('B') and alpha fields with their padding.
    static func unquoted(_ value: Substring) -> String {
        var text = String(value)
        if text.count == 3, text.first == "'", text.last == "'" { text = String(text.dropFirst().dropLast()) }
        while text.count > 1, text.last == " " { text.removeLast() }
        return text
    }

    /// A Login Accepted number other than 1, so tshark's calculated
    /// sequence numbers show it was read from our right-justified field.
    static let firstSequenceNumber: UInt64 = 135

    /// tshark's rendering of an OUCH timestamp: H:MM:SS.nnnnnnnnn since midnight.
    static func timeOfDay(_ timestampNs: UInt64) -> String {
        let seconds = timestampNs / 1_000_000_000
        let fraction = String(timestampNs % 1_000_000_000)
        func twoDigits(_ value: UInt64) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return "\(seconds / 3600):\(twoDigits(seconds / 60 % 60)):\(twoDigits(seconds % 60))."
            + String(repeating: "0", count: 9 - fraction.count) + fraction
    }

    static func char(_ byte: UInt8) -> String { String(Character(Unicode.Scalar(byte))) }

    static func timestampNs(of payload: [UInt8]) -> UInt64 {
        payload[1..<9].reduce(0) { $0 << 8 | UInt64($1) }
    }

    static func expectedFields(_ message: OUCHInboundMessage) -> [String: String] {
        switch message {
        case let .enterOrder(m):
            ["ouch.order_token": m.token.trimmed, "ouch.shares": "\(m.shares)", "ouch.price": "\(m.price)",
             "ouch.tif": "\(m.timeInForce.rawValue)", "ouch.stock": m.stock.trimmed, "ouch.firm": m.firm.trimmed,
             "ouch.buy_sell_indicator": char(m.side.rawValue), "ouch.min_quantity": "\(m.minimumQuantity)",
             "ouch.customer_type": char(m.customerType), "ouch.cross_type": char(m.crossType)]
        case let .replaceOrder(m):
            ["ouch.existing_order_token": m.existingToken.trimmed, "ouch.replacement_order_token": m.replacementToken.trimmed,
             "ouch.shares": "\(m.shares)", "ouch.price": "\(m.price)", "ouch.tif": "\(m.timeInForce.rawValue)",
             "ouch.min_quantity": "\(m.minimumQuantity)"]
        case let .cancelOrder(m):
            ["ouch.order_token": m.token.trimmed, "ouch.shares": "\(m.shares)"]
        case let .modifyOrder(m):
            ["ouch.order_token": m.token.trimmed, "ouch.shares": "\(m.shares)", "ouch.buy_sell_indicator": char(m.side.rawValue)]
        }
    }

    static func expectedFields(_ message: OUCHOutboundMessage) -> [String: String] {
        switch message {
        case let .systemEvent(m):
            ["ouch.event_code": char(m.eventCode)]
        case let .accepted(m):
            ["ouch.order_token": m.token.trimmed, "ouch.shares": "\(m.shares)", "ouch.price": "\(m.price)",
             "ouch.tif": "\(m.timeInForce.rawValue)", "ouch.stock": m.stock.trimmed, "ouch.firm": m.firm.trimmed,
             "ouch.buy_sell_indicator": char(m.side.rawValue), "ouch.order_reference_number": "\(m.orderReferenceNumber)",
             "ouch.order_state": char(m.orderState), "ouch.min_quantity": "\(m.minimumQuantity)"]
        case let .replaced(m):
            ["ouch.replacement_order_token": m.replacementToken.trimmed, "ouch.previous_order_token": m.previousToken.trimmed,
             "ouch.shares": "\(m.shares)", "ouch.price": "\(m.price)", "ouch.tif": "\(m.timeInForce.rawValue)",
             "ouch.order_reference_number": "\(m.orderReferenceNumber)", "ouch.bbo_weight_indicator": char(m.bboWeightIndicator)]
        case let .canceled(m):
            ["ouch.order_token": m.token.trimmed, "ouch.decrement_shares": "\(m.decrementShares)"]
        case let .aiqCanceled(m):
            ["ouch.order_token": m.token.trimmed, "ouch.decrement_shares": "\(m.decrementShares)",
             "ouch.quantity_prevented_from_trading": "\(m.quantityPreventedFromTrading)",
             "ouch.execution_price": "\(m.executionPrice)", "ouch.liquidity_flag": char(m.liquidityFlag)]
        case let .executed(m):
            ["ouch.order_token": m.token.trimmed, "ouch.executed_shares": "\(m.executedShares)",
             "ouch.execution_price": "\(m.executionPrice)", "ouch.match_number": "\(m.matchNumber)",
             "ouch.liquidity_flag": char(m.liquidityFlag)]
        case let .executedWithReferencePrice(m):
            ["ouch.order_token": m.token.trimmed, "ouch.executed_shares": "\(m.executedShares)",
             "ouch.execution_price": "\(m.executionPrice)", "ouch.match_number": "\(m.matchNumber)",
             "ouch.reference_price": "\(m.referencePrice)"]
        case let .brokenTrade(m):
            ["ouch.order_token": m.token.trimmed, "ouch.match_number": "\(m.matchNumber)"]
        case let .tradeCorrection(m):
            ["ouch.order_token": m.token.trimmed, "ouch.executed_shares": "\(m.executedShares)",
             "ouch.execution_price": "\(m.executionPrice)", "ouch.match_number": "\(m.matchNumber)"]
        case let .priceCorrection(m):
            ["ouch.order_token": m.token.trimmed, "ouch.match_number": "\(m.matchNumber)",
             "ouch.new_execution_price": "\(m.newExecutionPrice)"]
        case let .rejected(m):
            ["ouch.order_token": m.token.trimmed, "ouch.reject_reason": char(m.reason)]
        case let .cancelPending(m):
            ["ouch.order_token": m.token.trimmed]
        case let .cancelReject(m):
            ["ouch.order_token": m.token.trimmed]
        case let .orderPriorityUpdate(m):
            ["ouch.order_token": m.token.trimmed, "ouch.price": "\(m.price)",
             "ouch.order_reference_number": "\(m.orderReferenceNumber)"]
        case let .orderModified(m):
            ["ouch.order_token": m.token.trimmed, "ouch.shares": "\(m.shares)", "ouch.buy_sell_indicator": char(m.side.rawValue)]
        }
    }

    fileprivate static func writeCapture(_ packets: [SentPacket], name: String) throws -> URL {
        var writer = TCPCaptureWriter()
        for packet in packets { writer.append(fromClient: packet.fromClient, packet.bytes) }
        let url = Oracle.temporaryFile(name)
        try Data(writer.file).write(to: url)
        return url
    }

    @Test(.enabled(if: tshark != nil || Oracle.required, "tshark is not installed: scripts/setup.sh installs it, and scripts/test.sh runs every oracle test"))
    func tsharkDecodesEverySoupBinTCPPacketAndOUCHMessage() throws {
        let tshark = try #require(Self.tshark)
        let packets = Self.session()
        let capture = try Self.writeCapture(packets, name: "soupbintcp-ouch.pcap")
        defer { try? FileManager.default.removeItem(at: capture) }
        let decodeAs = ["-d", "tcp.port==\(TCPCaptureWriter.serverPort),soupbintcp"]

        let output = try Oracle.run(tshark, ["-r", capture.path] + decodeAs + ["-T", "fields", "-E", "separator=/t", "-E", "occurrence=a"] + fields.flatMap { ["-e", $0] })
        #expect(output.status == 0, "\(output.standardError)")
        let rows = output.standardOutput.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map {
            Dictionary(uniqueKeysWithValues: zip(fields, $0.split(separator: "\t", omittingEmptySubsequences: false).map(Self.unquoted)))
        }
        #expect(rows.count == 3 + packets.count, "handshake plus one frame per packet")
        for (packet, row) in zip(packets, rows.dropFirst(3)) {
            let label = "frame \(row["frame.number"] ?? "?") '\(packet.soupType)'\(packet.ouchType.map { " OUCH '\($0)'" } ?? "")"
            #expect(row["soupbintcp.packet_type"] == String(packet.soupType), "\(label)")
            #expect(row["soupbintcp.packet_length"] == "\(packet.bytes.count - 2)", "\(label)")
            #expect(row["tcp.srcport"] == "\(packet.fromClient ? TCPCaptureWriter.clientPort : TCPCaptureWriter.serverPort)")
            #expect(row["ouch.packet_type"] == packet.ouchType.map(String.init) ?? "", "\(label)")
            for (field, value) in packet.expectedFields {
                #expect(row[field] == value, "\(label) \(field)")
            }
        }

        // -T fields misprints the login sequence numbers (PROTOCOLS.md §6); the tree has them.
        let tree = try Oracle.run(tshark, ["-r", capture.path] + decodeAs + ["-O", "soupbintcp", "-V"])
        #expect(tree.status == 0)
        let treeLines = tree.standardOutput.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
        #expect(treeLines.contains("Requested sequence number: \(Self.firstSequenceNumber)"))
        #expect(treeLines.contains("Next sequence number: \(Self.firstSequenceNumber)"))
        let calculated = treeLines.filter { $0.hasPrefix("Sequence number: ") }
        #expect(calculated == (0..<UInt64(OUCHSamples.outbound.count)).map {
            "Sequence number: \(Self.firstSequenceNumber + $0) (Calculated)"
        })

        let malformed = try Oracle.run(tshark, ["-r", capture.path] + decodeAs + ["-Y", "_ws.malformed"])
        #expect(malformed.status == 0)
        #expect(malformed.standardOutput.isEmpty, "malformed frames: \(malformed.standardOutput)")
        let expert = try Oracle.run(tshark, ["-r", capture.path] + decodeAs + ["-T", "fields", "-e", "frame.number", "-e", "_ws.expert.severity", "-e", "_ws.expert.message", "-Y", "_ws.expert"])
        #expect(expert.status == 0)
        for line in expert.standardOutput.split(separator: "\n") {
            // Chat-level items (the SYN, for instance) are fine; nothing at Note or above is.
            let severities = line.split(separator: "\t", omittingEmptySubsequences: false).dropFirst().first?.split(separator: ",") ?? []
            for severity in severities {
                #expect(Int(severity).map { $0 <= 0x0020_0000 } ?? false, "expert item: \(line)")
            }
        }
    }

    /// The same session with the byte stream cut across TCP segments at
    /// arbitrary points (several packets per segment, packets split over
    /// segments): tshark must reassemble exactly our packets.
    @Test(.enabled(if: tshark != nil || Oracle.required, "tshark is not installed: scripts/setup.sh installs it, and scripts/test.sh runs every oracle test"))
    func tsharkReassemblesPacketsCutAcrossSegments() throws {
        let tshark = try #require(Self.tshark)
        let packets = Self.session()
        var segments: [SentPacket] = []
        let cuts = [1, 2, 5, 50, 7, 200, 3, 64]
        // tshark 4.0's SoupBinTCP dissector opens a new conversation on Login
        // Accepted, which restarts TCP reassembly at the next frame: a packet
        // straddling that boundary would be lost. So the server's stream is
        // cut after Login Accepted, and arbitrarily everywhere else.
        let clientStream = packets.filter(\.fromClient).flatMap(\.bytes)
        let serverPackets = packets.filter { !$0.fromClient }
        #expect(serverPackets.first?.soupType == "A")
        let serverStreams = [serverPackets[0].bytes, serverPackets.dropFirst().flatMap(\.bytes)]
        for (fromClient, stream) in [(true, clientStream), (false, serverStreams[0]), (false, serverStreams[1])] {
            var stream = stream
            var index = 0
            while !stream.isEmpty {
                let size = min(stream.count, cuts[index % cuts.count])
                segments.append(SentPacket(fromClient: fromClient, soupType: "?", bytes: Array(stream.prefix(size))))
                stream.removeFirst(size)
                index += 1
            }
        }
        let capture = try Self.writeCapture(segments, name: "soupbintcp-ouch-segmented.pcap")
        defer { try? FileManager.default.removeItem(at: capture) }
        let decodeAs = ["-d", "tcp.port==\(TCPCaptureWriter.serverPort),soupbintcp"]
        let output = try Oracle.run(tshark, ["-r", capture.path] + decodeAs + [
            "-T", "fields", "-E", "occurrence=a", "-E", "aggregator=/s",
            "-e", "tcp.srcport", "-e", "soupbintcp.packet_type", "-e", "ouch.packet_type",
        ])
        #expect(output.status == 0, "\(output.standardError)")
        for fromClient in [true, false] {
            let port = "\(fromClient ? TCPCaptureWriter.clientPort : TCPCaptureWriter.serverPort)"
            var soupTypes: [String] = []
            var ouchTypes: [String] = []
            for line in output.standardOutput.split(separator: "\n") {
                let columns = line.split(separator: "\t", omittingEmptySubsequences: false)
                guard columns.count == 3, columns[0] == port else { continue }
                soupTypes += columns[1].split(separator: " ").map(Self.unquoted)
                ouchTypes += columns[2].split(separator: " ").map(Self.unquoted)
            }
            let sent = packets.filter { $0.fromClient == fromClient }
            #expect(soupTypes == sent.map { String($0.soupType) }, "port \(port)")
            #expect(ouchTypes == sent.compactMap { $0.ouchType.map(String.init) }, "port \(port)")
        }
        let malformed = try Oracle.run(tshark, ["-r", capture.path] + decodeAs + ["-Y", "_ws.malformed"])
        #expect(malformed.standardOutput.isEmpty, "malformed frames: \(malformed.standardOutput)")
    }
}
