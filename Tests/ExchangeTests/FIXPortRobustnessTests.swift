import MatchingEngine
import Testing
import Wire
@testable import Exchange

/// Mutated and random bytes thrown at a logged-on FIXPort whose requests go
/// through a real desk and engine: nothing may trap, and the engine's
/// invariants must hold throughout.
@Suite struct FIXPortRobustnessTests {
    static let bodies: [[UInt8]] = [
        "11=A1\u{01}21=1\u{01}55=AAPL\u{01}54=1\u{01}60=20260105-09:30:00.000\u{01}38=100\u{01}40=2\u{01}44=190\u{01}59=0\u{01}",
        "11=A2\u{01}21=1\u{01}55=AAPL\u{01}54=2\u{01}60=20260105-09:30:00.000\u{01}38=300\u{01}40=2\u{01}44=190.01\u{01}18=6\u{01}",
        "11=A3\u{01}21=1\u{01}55=MSFT\u{01}54=5\u{01}60=20260105-09:30:00.000\u{01}38=10\u{01}40=1\u{01}59=3\u{01}",
        "41=A1\u{01}11=A4\u{01}55=AAPL\u{01}54=1\u{01}60=20260105-09:30:00.000\u{01}38=100\u{01}",
        "41=A2\u{01}11=A5\u{01}21=1\u{01}55=AAPL\u{01}54=2\u{01}60=20260105-09:30:00.000\u{01}38=400\u{01}40=2\u{01}44=190.02\u{01}",
        "37=1\u{01}11=A1\u{01}17=9\u{01}20=0\u{01}150=0\u{01}39=0\u{01}55=AAPL\u{01}54=1\u{01}151=1\u{01}14=0\u{01}6=0\u{01}",
    ].map { Array($0.utf8) }
    static let msgTypes: [FIXMsgType] = [.newOrderSingle, .newOrderSingle, .newOrderSingle, .orderCancelRequest,
                                         .orderCancelReplaceRequest, .executionReport]
    static let alphabet: [UInt8] = Array("0123456789=\u{01}.-ADFGNY ".utf8)

    struct Venue {
        var engine = MatchingEngine(symbols: FIXVenueHarness.symbols)
        var desk = OrderEntryDesk()
        var session: Int32
        var events: [EngineEvent] = []

        init() { session = desk.addSession(participant: ParticipantID(1)) }

        mutating func handle(_ requests: [OrderEntryRequest], port: inout FIXPort, nowNs: Int64) {
            for request in requests {
                var reports: [OrderEntryDesk.AddressedReport] = []
                events.removeAll(keepingCapacity: true)
                desk.handle(request, from: session, engine: &engine, events: &events, reports: &reports)
                for addressed in reports {
                    var output = ConnectionOutput()
                    port.send(addressed.report, nowNs: nowNs, output: &output)
                }
            }
        }
    }

    static func mutate(_ body: [UInt8], _ random: inout SplitMix64) -> [UInt8] {
        var bytes = body
        for _ in 0..<(1 + random.below(4)) {
            switch random.below(6) {
            case 0 where !bytes.isEmpty:
                bytes[random.below(bytes.count)] = alphabet[random.below(alphabet.count)]
            case 1 where !bytes.isEmpty:
                bytes[random.below(bytes.count)] = UInt8(truncatingIfNeeded: random.next())
            case 2 where !bytes.isEmpty:
                bytes.remove(at: random.below(bytes.count))
            case 3:
                bytes.insert(alphabet[random.below(alphabet.count)], at: random.below(bytes.count + 1))
            case 4:
                // Another template's field, for repeated and foreign tags.
                let other = bodies[random.below(bodies.count)]
                let start = random.below(other.count)
                bytes += other[start..<min(other.count, start + 1 + random.below(20))]
            default:
                let digits = Array(String(random.next() % 1_000_000_000_000).utf8)
                bytes.insert(contentsOf: digits, at: random.below(bytes.count + 1))
            }
        }
        return bytes
    }

    /// The template with ClOrdID, OrigClOrdID, OrderQty and Price values drawn afresh.
    static func freshen(_ body: [UInt8], _ random: inout SplitMix64) -> [UInt8] {
        var fields = body.split(separator: 0x01).map { Array($0) }
        for index in fields.indices {
            let field = fields[index]
            if field.starts(with: Array("11=".utf8)) || field.starts(with: Array("41=".utf8)) {
                fields[index] = Array(field.prefix(3)) + Array("O\(random.below(40))".utf8)
            } else if field.starts(with: Array("38=".utf8)) {
                fields[index] = Array("38=\(1 + random.below(500))".utf8)
            } else if field.starts(with: Array("44=".utf8)) {
                fields[index] = Array("44=\(189 + random.below(3)).\(random.below(100))".utf8)
            }
        }
        return fields.flatMap { $0 + [0x01] }
    }

    /// Frames `body` as the next in-sequence message from the participant,
    /// so that it passes the session's checks and reaches the decoders.
    /// Without `msgSeqNum`, `body` carries the header fields itself.
    static func frame(_ body: [UInt8], type: FIXMsgType, msgSeqNum: Int64?, sendingTimeNs: Int64?,
                      version: FIXVersion, writer: inout FIXMessageWriter) -> [UInt8] {
        writer.startMessage(type)
        if let msgSeqNum, let sendingTimeNs {
            writer.append(tag: FIXTag.senderCompID, string: "FIRM0")
            writer.append(tag: FIXTag.targetCompID, string: "EXSIM")
            writer.append(tag: FIXTag.msgSeqNum, integer: msgSeqNum)
            writer.append(tag: FIXTag.sendingTime, utcTimestampNs: sendingTimeNs)
        }
        body.withUnsafeBytes { writer.appendEncodedFields($0) }
        writer.finish(version)
        return Array(writer.messageBytes)
    }

    @Test(arguments: [FIXVersion.fix42, .fix44])
    func mutatedAndRandomBytesNeverTrapALoggedOnPort(version: FIXVersion) {
        var random = SplitMix64(state: version == .fix42 ? 42 : 44)
        var writer = FIXMessageWriter()
        var venue = Venue()
        var connection = RawFIXConnection(version: version)
        var reconnections = 0
        var requestCount = 0
        var requests: [OrderEntryRequest] = []
        for round in 0..<20_000 {
            if connection.closeReason != nil || !connection.port.isLoggedIn {
                connection = RawFIXConnection(version: version)
                connection.nowNs = Int64(round) * 1_000_000
                reconnections += 1
            }
            connection.nowNs += 1_000
            let template = random.below(Self.bodies.count)
            let bytes: [UInt8]
            switch random.below(8) {
            case 2, 3:
                // A valid message with fresh identifiers, prices and quantities,
                // so that orders rest, trade, and are cancelled and replaced.
                bytes = Self.frame(
                    Self.freshen(Self.bodies[template], &random), type: Self.msgTypes[template],
                    msgSeqNum: connection.port.session.nextExpectedMsgSeqNum, sendingTimeNs: connection.sessionNs,
                    version: version, writer: &writer)
            case 4:
                // Header fields mutated too: CompIDs, MsgSeqNum and SendingTime
                // problems bring Rejects, Logouts and disconnects.
                var header = Array("49=FIRM0\u{01}56=EXSIM\u{01}34=\(connection.port.session.nextExpectedMsgSeqNum)\u{01}".utf8)
                writer.startMessage(.heartbeat)
                writer.append(tag: FIXTag.sendingTime, utcTimestampNs: connection.sessionNs)
                writer.finish(version)
                let sendingTime = FIXWireMessage(writer.messageBytes)[52] ?? ""
                header += Array("52=\(sendingTime)\u{01}".utf8)
                bytes = Self.frame(
                    Self.mutate(header + Self.bodies[template], &random), type: Self.msgTypes[template],
                    msgSeqNum: nil, sendingTimeNs: nil, version: version, writer: &writer)
            case 0:
                // Random bytes, sometimes after a BeginString.
                var noise = random.below(2) == 0 ? Array("8=FIX.4.\(version == .fix44 ? 4 : 2)\u{01}9=".utf8) : []
                for _ in 0..<random.below(200) { noise.append(UInt8(truncatingIfNeeded: random.next())) }
                bytes = noise
            case 1:
                // A well-framed message with a byte flipped anywhere (mostly a bad checksum).
                var message = Self.frame(
                    Self.bodies[template], type: Self.msgTypes[template],
                    msgSeqNum: connection.port.session.nextExpectedMsgSeqNum, sendingTimeNs: connection.sessionNs,
                    version: version, writer: &writer)
                message[random.below(message.count)] ^= UInt8(truncatingIfNeeded: 1 | random.next())
                bytes = message
            default:
                bytes = Self.frame(
                    Self.mutate(Self.bodies[template], &random), type: Self.msgTypes[template],
                    msgSeqNum: connection.port.session.nextExpectedMsgSeqNum, sendingTimeNs: connection.sessionNs,
                    version: version, writer: &writer)
            }
            // Arbitrary chunking.
            var offset = 0
            while offset < bytes.count {
                let end = min(bytes.count, offset + 1 + random.below(bytes.count))
                var output = ConnectionOutput()
                bytes[offset..<end].withUnsafeBytes {
                    connection.port.received($0, nowNs: connection.nowNs, requests: &requests, output: &output)
                }
                if let reason = output.closeReason { connection.closeReason = reason }
                offset = end
            }
            requestCount += requests.count
            venue.handle(requests, port: &connection.port, nowNs: connection.nowNs)
            requests.removeAll(keepingCapacity: true)
            if round % 500 == 0 {
                var output = ConnectionOutput()
                connection.port.timerFired(nowNs: connection.nowNs, output: &output)
                #expect(venue.engine.checkInvariants().isEmpty)
            }
        }
        #expect(venue.engine.checkInvariants().isEmpty)
        #expect(requestCount > 2_000, "mutations should still reach the desk often")
        #expect(reconnections < 1_000)
    }
}
