import Wire

/// FIX 4.2 / 4.4. The first byte picks the mode and the version:
/// - mode 0: a byte stream, framed whole and in chunks; both framings must
///   agree, and every frame goes through the message checks below;
/// - mode 1: a message body (from `35=` on) that the harness frames with a
///   correct BodyLength and CheckSum, so mutations reach the parser and the
///   application decoders instead of dying at the checksum;
/// - mode 2: a logged-on acceptor session fed a script of raw chunks, bodies
///   framed as in mode 1, timer expiries and outbound messages.
enum FIXFuzz {
    /// 2026-03-02 09:30:00 UTC, the SendingTime of every seed message.
    static let epochNs: Int64 = 1_772_443_800 * 1_000_000_000
    static let epochText = "20260302-09:30:00.000"
    nonisolated(unsafe) static var parser = FIXParser()
    nonisolated(unsafe) static var checkParser = FIXParser()

    static func run(_ bytes: UnsafeRawBufferPointer) {
        var reader = FuzzReader(bytes)
        guard let selector = reader.byte() else { return }
        let version: FIXVersion = (selector / 3) & 1 == 0 ? .fix44 : .fix42
        switch selector % 3 {
        case 0: compareFramings(reader.rest, selector: selector)
        case 1:
            checkMessage(framed(reader.rest, version))
            // The parser also reads whatever it is given, framed or not.
            _ = try? parser.parse(reader.rest, tolerant: selector & 0x80 != 0)
        default: driveAcceptor(&reader, version: version)
        }
    }

    /// `8=<version>|9=<n>|<body>10=<sum>|`.
    static func framed<Body: Collection<UInt8>>(_ body: Body, _ version: FIXVersion) -> [UInt8] {
        var message = Array(version == .fix42 ? "8=FIX.4.2".utf8 : "8=FIX.4.4".utf8)
        message.append(fixSOH)
        message += Array("9=\(body.count)".utf8)
        message.append(fixSOH)
        message += body
        let sum = message.reduce(0) { ($0 + Int($1)) & 0xFF }
        message += [0x31, 0x30, 0x3D, UInt8(0x30 + sum / 100), UInt8(0x30 + sum / 10 % 10), UInt8(0x30 + sum % 10), fixSOH]
        return message
    }

    // MARK: Framing

    enum Frame: Equatable {
        case message([UInt8])
        case garbled(FIXGarbledReason)
    }

    static func drain(_ framer: inout FIXFramer, into frames: inout [Frame]) {
        while let frame = framer.nextFrame() {
            switch frame {
            case .message(let range): frames.append(.message(framer.withBytes(of: range) { Array($0) }))
            case .garbled(let reason): frames.append(.garbled(reason))
            }
        }
    }

    static func compareFramings(_ stream: UnsafeRawBufferPointer, selector: UInt8) {
        let maximumMessageBytes = selector & 0x40 != 0 ? 64 : 1024
        var whole: [Frame] = []
        var framer = FIXFramer(maximumMessageBytes: maximumMessageBytes)
        framer.append(stream)
        drain(&framer, into: &whole)
        var chunked: [Frame] = []
        framer = FIXFramer(maximumMessageBytes: maximumMessageBytes)
        forEachChunk(of: stream, seed: UInt64(selector), maximumChunk: selector & 0x80 != 0 ? 3 : 90) { chunk in
            framer.append(chunk)
            drain(&framer, into: &chunked)
            fuzzCheck(framer.bufferedByteCount <= maximumMessageBytes + chunk.count, "the framer held \(framer.bufferedByteCount) bytes")
        }
        fuzzCheck(whole == chunked, "framing depends on chunking")
        for frame in whole {
            guard case .message(let bytes) = frame else { continue }
            fuzzCheck(bytes.count <= maximumMessageBytes, "a \(bytes.count)-byte frame")
            checkFrameEnvelope(bytes)
            checkMessage(bytes)
        }
    }

    /// A frame starts with `8=`, carries `35=` third and ends with a correct `10=ccc<SOH>`.
    static func checkFrameEnvelope(_ bytes: [UInt8]) {
        fuzzCheck(bytes.count >= 7 + 5 && bytes[0] == 0x38 && bytes[1] == 0x3D && bytes.last == fixSOH, "a frame without its envelope")
        let sum = bytes[0..<(bytes.count - 7)].reduce(0) { ($0 + Int($1)) & 0xFF }
        let digits = bytes[(bytes.count - 4)..<(bytes.count - 1)].reduce(0) { $0 * 10 + Int($1) - 0x30 }
        fuzzCheck(bytes[bytes.count - 7] == 0x31 && bytes[bytes.count - 6] == 0x30 && digits == sum, "a frame with a wrong checksum")
    }

    // MARK: One message

    static func checkMessage(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { raw in
            let strict = try? parser.parse(raw)
            guard let view = try? checkParser.parse(raw, tolerant: true) else {
                fuzzCheck(strict == nil, "tolerant parsing refused what strict parsing accepted")
                return
            }
            checkFields(view, raw)
            guard let strict else { return }
            fuzzCheck(strict.fieldCount == view.fieldCount, "strict and tolerant parsing disagree")
            for version in FIXVersion.allCases {
                guard let message = try? FIXApplicationMessage.decode(strict, version: version, priceDecimals: 4) else { continue }
                // One normalisation (times to the millisecond), then encoding is a fixed point.
                let encoded = encode(message, version)
                guard let again = decode(encoded, version) else { fuzzFail("a re-encoded \(message.msgType) does not decode") }
                fuzzCheck(again.msgType == message.msgType, "re-decoding changed the message type")
                fuzzCheck(encode(again, version) == encoded, "encoding \(message.msgType) is not a fixed point")
            }
        }
    }

    /// The field table partitions the message, and the typed reads agree with the text.
    static func checkFields(_ view: FIXMessageView, _ raw: UnsafeRawBufferPointer) {
        var cursor = 0
        for index in 0..<view.fieldCount {
            let field = view.field(at: index)
            // `<tag>=<value><SOH>`, back to back from the first byte to the last.
            var digits = 1
            var scale: Int32 = 1
            while scale <= field.tag / 10 { scale *= 10; digits += 1 }
            var rest = field.tag
            for _ in 0..<digits {
                fuzzCheck(cursor < raw.count && raw[cursor] == 0x30 + UInt8(rest / scale), "field \(index)'s tag is not its text")
                rest %= scale
                scale /= 10
                cursor += 1
            }
            fuzzCheck(cursor < raw.count && raw[cursor] == 0x3D && Int(field.valueStart) == cursor + 1, "field \(index) has no `=`")
            cursor = Int(field.valueEnd)
            fuzzCheck(cursor < raw.count && raw[cursor] == fixSOH, "field \(index) does not end at SOH")
            cursor += 1
            let tag = Int(field.tag)
            _ = try? view.integer(tag)
            _ = try? view.decimal(tag, impliedDecimals: 4)
            _ = try? view.boolean(tag)
            _ = try? view.string(tag)
            if let time = try? view.utcTimestampNs(tag) {
                var text = [UInt8](repeating: 0, count: FIXUTCTimestamp.millisecondTextBytes)
                text.withUnsafeMutableBytes { FIXUTCTimestamp.writeMillisecondText(time, into: $0) }
                let again = text.withUnsafeBytes { FIXUTCTimestamp.parse($0) }
                fuzzCheck(again.map { $0 <= time && time - $0 < 1_000_000 } == true, "timestamp \(time) did not round-trip")
            }
        }
        fuzzCheck(cursor == raw.count, "the field table does not cover the message")
        _ = view.msgType
        _ = view.version
    }

    nonisolated(unsafe) static var writer = FIXMessageWriter()

    static func encode(_ message: FIXApplicationMessage, _ version: FIXVersion) -> [UInt8] {
        writer.startMessage(message.msgType)
        writer.append(tag: FIXTag.senderCompID, text: "VENUE")
        writer.append(tag: FIXTag.targetCompID, text: "CLIENT")
        writer.append(tag: FIXTag.msgSeqNum, integer: 2)
        writer.append(tag: FIXTag.sendingTime, utcTimestampNs: epochNs)
        message.encodeBody(into: &writer, version: version, priceDecimals: 4)
        writer.finish(version)
        return Array(writer.messageBytes)
    }

    static func decode(_ bytes: [UInt8], _ version: FIXVersion) -> FIXApplicationMessage? {
        bytes.withUnsafeBytes { raw in
            guard let view = try? checkParser.parse(raw) else { return nil }
            return try? FIXApplicationMessage.decode(view, version: version, priceDecimals: 4)
        }
    }

    // MARK: Acceptor session

    static func driveAcceptor(_ reader: inout FuzzReader, version: FIXVersion) {
        var venue = FIXSession(configuration: FIXSessionConfiguration(
            role: .acceptor, version: version, senderCompID: "VENUE", targetCompID: "CLIENT",
            outboundStoreCapacityMessages: 4, inboundQueueCapacityMessages: 4, maximumMessageBytes: 1024))
        var nowNs = epochNs
        var outbound = OutboundCheck(version: version)
        let answer = (version == .fix42 ? logon42 : logon44).withUnsafeBytes { venue.received($0, nowNs: nowNs) }
        fuzzCheck(venue.isLoggedOn, "the seed Logon was refused: \(answer)")
        outbound.check(answer, venue)
        while let operation = reader.byte() {
            let argument = Int(operation >> 2)
            let actions: [FIXSession.Action]
            switch operation & 3 {
            case 0, 1:
                guard let record = reader.record() else { return }
                nowNs += Int64(argument) * 1_000_000
                if operation & 3 == 0 {
                    actions = venue.received(record, nowNs: nowNs)
                } else {
                    actions = framed(record, version).withUnsafeBytes { venue.received($0, nowNs: nowNs) }
                }
            case 2:
                nowNs += Int64(argument) * 1_000_000_000
                actions = venue.timerFired(nowNs: nowNs)
            default:
                if argument % 2 == 0 {
                    let reject = FIXBusinessMessageReject(
                        refSeqNum: Int64(argument), refMsgType: .newOrderSingle, businessRejectRefID: "R1",
                        reason: .unsupportedMessageType, text: "fuzz")
                    actions = venue.sendApplication(.businessMessageReject(reject), nowNs: nowNs)
                } else {
                    actions = venue.logout(text: "fuzz", nowNs: nowNs)
                }
            }
            venue.checkInvariants()
            outbound.check(actions, venue)
        }
    }

    /// What an acceptor may say: well-formed FIX from VENUE to CLIENT with
    /// consecutive MsgSeqNums (resends aside), deliveries in sequence order,
    /// and nothing at all once it has disconnected.
    struct OutboundCheck {
        let version: FIXVersion
        var lastMsgSeqNum: Int64 = 0
        var lastDelivered: Int64 = 0
        var disconnected = false

        mutating func check(_ actions: [FIXSession.Action], _ venue: FIXSession) {
            fuzzCheck(!disconnected || actions.isEmpty, "acted after disconnecting: \(actions)")
            for action in actions {
                switch action {
                case .send(let bytes):
                    checkSent(bytes)
                case .deliver(_, let msgSeqNum, _, _):
                    fuzzCheck(msgSeqNum > lastDelivered, "delivered \(msgSeqNum) after \(lastDelivered)")
                    lastDelivered = msgSeqNum
                case .disconnect:
                    disconnected = true
                    fuzzCheck(venue.isDisconnected, "a disconnect action from a connected session")
                case .established, .armTimer:
                    break
                }
            }
        }

        mutating func checkSent(_ bytes: [UInt8]) {
            FIXFuzz.checkFrameEnvelope(bytes)
            bytes.withUnsafeBytes { raw in
                guard let view = try? FIXFuzz.checkParser.parse(raw) else { fuzzFail("the venue sent an unparseable message") }
                let bodyStart = Int(view.field(at: 1).valueEnd) + 1
                fuzzCheck((try? view.integer(9)).map { Int($0) } == raw.count - 7 - bodyStart, "the venue sent a wrong BodyLength")
                fuzzCheck(view.version == version, "the venue changed its BeginString")
                fuzzCheck(text(view, 49) == "VENUE" && text(view, 56) == "CLIENT", "the venue mixed up the CompIDs")
                guard let msgSeqNum = try? view.integer(34) else { fuzzFail("a message without MsgSeqNum") }
                if (try? view.boolean(43)) == true {
                    fuzzCheck(msgSeqNum <= lastMsgSeqNum, "resent \(msgSeqNum), beyond \(lastMsgSeqNum)")
                } else {
                    fuzzCheck(msgSeqNum == lastMsgSeqNum + 1, "sent \(msgSeqNum) after \(lastMsgSeqNum)")
                    lastMsgSeqNum = msgSeqNum
                }
            }
        }

        func text(_ view: FIXMessageView, _ tag: Int) -> String? {
            view.value(of: tag).map { String(decoding: $0, as: UTF8.self) }
        }
    }

    // MARK: Seeds

    static let logonBody = [UInt8](fixText: "35=A|49=CLIENT|56=VENUE|34=1|52=\(epochText)|98=0|108=30|")
    static let logon44 = framed(logonBody, .fix44)
    static let logon42 = framed(logonBody, .fix42)

    static func header(_ msgType: String, _ msgSeqNum: Int, possDup: Bool = false) -> String {
        "35=\(msgType)|49=CLIENT|56=VENUE|34=\(msgSeqNum)|" + (possDup ? "43=Y|122=\(epochText)|" : "") + "52=\(epochText)|"
    }

    static let order = "11=ORD1|1=ACC1|21=1|55=AAPL|54=1|60=\(epochText)|38=100|40=2|44=101.25|59=0|"
    static let cancel = "41=ORD1|11=ORD2|55=AAPL|54=1|60=\(epochText)|38=100|"
    static let replace = "41=ORD1|11=ORD3|21=1|55=AAPL|54=2|60=\(epochText)|38=5|40=1|59=3|"
    static let fill = "37=V1|11=ORD1|17=E1|20=0|150=F|39=1|55=AAPL|54=1|38=100|40=2|44=101.25|32=40|31=101.25|151=60|14=40|6=101.25|60=\(epochText)|"
    static let cancelReject = "37=V1|11=ORD4|41=ORD1|39=2|434=1|102=0|58=Too late|"
    static let businessReject = "45=7|372=D|379=X1|380=3|58=Unsupported|"

    static func seeds() -> [[UInt8]] {
        let bodies: [(String, String)] = [
            ("D", order), ("F", cancel), ("G", replace), ("8", fill), ("9", cancelReject), ("j", businessReject),
            ("0", ""), ("1", "112=PING|"), ("2", "7=1|16=0|"), ("4", "123=Y|36=9|"), ("3", "45=1|373=1|58=bad|"),
        ]
        var seeds: [[UInt8]] = []
        for selector in [UInt8(1), 4] {  // FIX 4.4, FIX 4.2
            for (index, (msgType, fields)) in bodies.enumerated() {
                seeds.append([selector] + [UInt8](fixText: header(msgType, index + 2) + fields))
            }
        }
        let stream = bodies.prefix(6).enumerated().flatMap { index, entry in
            framed([UInt8](fixText: header(entry.0, index + 2) + entry.1), .fix44)
        }
        seeds.append([0] + stream)
        seeds.append([0] + Array("8=FIX.4.4|9=5|35=0|10=000|garbage8=FIX".utf8) + stream)
        seeds.append([0xC0] + stream)

        for selector in [UInt8(2), 5] {
            var session = SeedBuilder(mode: selector)
            var msgSeqNum = 2
            for (msgType, fields) in [("0", ""), ("D", order), ("1", "112=PING|"), ("F", cancel), ("G", replace)] {
                session.raw([1]); session.record([UInt8](fixText: header(msgType, msgSeqNum) + fields))
                msgSeqNum += 1
            }
            session.raw([3])                              // an outbound application message
            session.raw([1]); session.record([UInt8](fixText: header("2", msgSeqNum) + "7=1|16=0|"))
            session.raw([1]); session.record([UInt8](fixText: header("0", msgSeqNum + 3)))  // a gap
            session.raw([1]); session.record([UInt8](fixText: header("4", msgSeqNum + 1, possDup: true) + "123=Y|36=\(msgSeqNum + 4)|"))
            session.raw([2 | 40 << 2])                     // silence: TestRequest, then timeout
            session.raw([2 | 40 << 2])
            seeds.append(session.bytes)
            var logout = SeedBuilder(mode: selector)
            logout.raw([1]); logout.record([UInt8](fixText: header("D", 2) + order))
            logout.raw([3 | 1 << 2])
            logout.raw([1]); logout.record([UInt8](fixText: header("5", 3)))
            seeds.append(logout.bytes)
        }
        return seeds
    }
}
