import Foundation
import Testing
@testable import Wire

/// Our MoldUDP64 packets as tshark's dissector sees them.
@Suite struct MoldUDP64OracleTests {
    /// tshark from the PATH.
    static let tshark: String? = (ProcessInfo.processInfo.environment["PATH"] ?? "")
        .split(separator: ":")
        .map { "\($0)/tshark" }
        .first { FileManager.default.isExecutableFile(atPath: $0) }
    static let port: UInt16 = 26477
    static var tsharkTrait: ConditionTrait {
        .enabled(if: tshark != nil || Oracle.required, "tshark is not installed: scripts/setup.sh installs it, and scripts/test.sh runs every oracle test")
    }

    /// A minimal classic pcap (microsecond timestamps, Ethernet link type)
    /// holding each payload as one UDP/IPv4 datagram.
    static func pcap(udpPayloads: [[UInt8]], destinationPort: UInt16) -> [UInt8] {
        var file: [UInt8] = []
        func little32(_ value: UInt32) { file += withUnsafeBytes(of: value.littleEndian, Array.init) }
        func little16(_ value: UInt16) { file += withUnsafeBytes(of: value.littleEndian, Array.init) }
        little32(0xA1B2_C3D4)
        little16(2)
        little16(4)
        little32(0)  // thiszone
        little32(0)  // sigfigs
        little32(65_535)  // snaplen
        little32(1)  // LINKTYPE_ETHERNET
        for (index, payload) in udpPayloads.enumerated() {
            var frame: [UInt8] = [0x01, 0x00, 0x5E, 0x01, 0x02, 0x03, 0x02, 0x00, 0x00, 0x00, 0x00, 0x01, 0x08, 0x00]
            let udpLength = 8 + payload.count
            let totalLength = 20 + udpLength
            var ip: [UInt8] = [
                0x45, 0x00, UInt8(totalLength >> 8), UInt8(totalLength & 0xFF),
                0x00, UInt8(index & 0xFF), 0x40, 0x00, 0x40, 0x11, 0x00, 0x00,
                10, 0, 0, 1, 233, 54, 12, 111,
            ]
            var sum: UInt32 = 0
            for word in stride(from: 0, to: 20, by: 2) { sum += UInt32(ip[word]) << 8 | UInt32(ip[word + 1]) }
            while sum > 0xFFFF { sum = (sum & 0xFFFF) + (sum >> 16) }
            let checksum = ~UInt16(sum)
            ip[10] = UInt8(checksum >> 8)
            ip[11] = UInt8(checksum & 0xFF)
            frame += ip
            frame += [0xC3, 0x50, UInt8(destinationPort >> 8), UInt8(destinationPort & 0xFF),
                      UInt8(udpLength >> 8), UInt8(udpLength & 0xFF), 0x00, 0x00]
            frame += payload
            little32(1_700_000_000 + UInt32(index))
            little32(0)
            little32(UInt32(frame.count))
            little32(UInt32(frame.count))
            file += frame
        }
        return file
    }

    @Test(tsharkTrait) func tsharkDecodesOurPacketsWithoutErrors() throws {
        let tshark = try #require(Self.tshark, "oracles are required but tshark is not on the PATH")
        let session = MoldUDP64SessionID("000010059B")!
        var publisher = MoldUDP64Publisher(configuration: .init(session: session, firstSequenceNumber: 1_000))
        var packets: [[UInt8]] = []
        func collect(_ actions: [MoldUDP64Publisher.Action]) {
            for case .send(let bytes) in actions { packets.append(bytes) }
        }
        collect(publisher.start(nowNs: 0))
        // Every ITCH type three times over: more than one 1400-byte packet.
        for round in 0..<3 {
            for message in ITCHSamples.all { collect(publisher.publish(message, nowNs: Int64(round))) }
        }
        collect(publisher.flush(nowNs: 10))
        collect(publisher.heartbeatTimerFired(nowNs: 2_000_000_000))
        collect(publisher.endSession(nowNs: 3_000_000_000))
        let expected: [(sequence: UInt64, count: Int, lengths: [Int])] = try packets.map { bytes in
            try bytes.withUnsafeBytes { buffer in
                let packet = try MoldUDP64PacketView(validating: buffer)
                var lengths: [Int] = []
                var messages = packet.messages
                while let message = messages.next() { lengths.append(message.count) }
                return (packet.sequenceNumber, Int(packet.header.messageCount), lengths)
            }
        }
        // The opening heartbeat, 69 messages in two packets, a heartbeat after a
        // silent interval, and the end of session.
        try #require(expected.count == 5)
        #expect(expected[0].count == 0 && expected[3].count == 0 && expected[4].count == 0xFFFF)
        #expect(expected[1].count + expected[2].count == 3 * ITCHSamples.all.count)

        let file = Oracle.temporaryFile("moldudp64.pcap")
        defer { try? FileManager.default.removeItem(at: file) }
        try Data(Self.pcap(udpPayloads: packets, destinationPort: Self.port)).write(to: file)
        let output = try Oracle.run(tshark, [
            "-r", file.path, "-d", "udp.port==\(Self.port),moldudp64", "-T", "fields", "-E", "separator=|",
            "-e", "moldudp64.session", "-e", "moldudp64.sequence", "-e", "moldudp64.count",
            "-e", "moldudp64.msglen", "-e", "_ws.expert", "-e", "_ws.malformed",
        ])
        try #require(output.status == 0, "tshark failed: \(output.standardError)")
        let rows = output.standardOutput.split(separator: "\n", omittingEmptySubsequences: false).dropLast()
        try #require(rows.count == packets.count, "tshark output:\n\(output.standardOutput)")
        for (row, packet) in zip(rows, expected) {
            let fields = row.split(separator: "|", omittingEmptySubsequences: false).map(String.init)
            try #require(fields.count == 6, "row \(row)")
            #expect(fields[0] == "000010059B")
            #expect(fields[1] == "\(packet.sequence)")
            #expect(fields[2] == "\(packet.count)")
            #expect(fields[3] == packet.lengths.map(String.init).joined(separator: ","))
            // tshark 4.0 quirk (PROTOCOLS.md §2): an end of session is commented
            // like a request, "Number of Requested Messages"; a comment, not an error.
            if packet.count == 0xFFFF {
                #expect(fields[4].isEmpty || fields[4].contains("Number of Requested Messages"), "expert info: \(fields[4])")
            } else {
                #expect(fields[4].isEmpty, "expert info: \(fields[4])")
            }
            #expect(fields[5].isEmpty, "malformed: \(fields[5])")
        }
        let malformed = try Oracle.run(tshark, [
            "-r", file.path, "-d", "udp.port==\(Self.port),moldudp64", "-Y", "_ws.malformed || _ws.expert.severity > 0x00100000",
        ])
        #expect(malformed.status == 0)
        #expect(malformed.standardOutput.isEmpty, "tshark flagged: \(malformed.standardOutput)")
    }
}
