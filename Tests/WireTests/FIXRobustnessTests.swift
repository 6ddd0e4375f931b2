import Foundation
import Testing
@testable import Wire

/// Mutated valid messages and random bytes through the framer, the parser,
/// the application decoders and a logged-on acceptor: nothing traps, and
/// what succeeds is consistent.
@Suite("FIX robustness")
struct FIXRobustnessTests {
    /// Valid messages a client could send a venue, as templates.
    static func corpus(_ client: inout FIXCounterparty) -> [[UInt8]] {
        [
            client.make("0"),
            client.make("1", "112=PING|"),
            client.make("2", "7=1|16=0|"),
            client.make("4", "123=Y|36=40|"),
            client.make("D", FIXSessionTests.orderBody),
            client.make("F", "41=ORD1|11=ORD2|55=AAPL|54=1|60=20260302-09:30:00.000|38=100|"),
            client.make("G", "41=ORD1|11=ORD3|21=1|55=AAPL|54=2|60=20260302-09:30:00.000|38=5|40=1|59=3|"),
            client.make("8", "37=V|17=E|150=F|39=2|55=A|54=1|32=1|31=1.5|151=0|14=1|6=1.5|"),
            client.make("E", "66=L|"),
            client.make("3", "45=1|373=1|"),
        ]
    }

    static func mutate(_ message: [UInt8], _ random: inout FIXSplitMix64) -> [UInt8] {
        var bytes = message
        let interesting: [UInt8] = [0x01, UInt8(ascii: "="), UInt8(ascii: "0"), UInt8(ascii: "9"), UInt8(ascii: "8"),
                                    UInt8(ascii: "Y"), UInt8(ascii: "."), UInt8(ascii: "-"), 0xFF, 0x00]
        for _ in 0..<(1 + Int(random.next() % 3)) {
            guard !bytes.isEmpty else { break }
            let at = Int(random.next() % UInt64(bytes.count))
            switch random.next() % 6 {
            case 0: bytes[at] = UInt8(truncatingIfNeeded: random.next())
            case 1: bytes[at] = interesting[Int(random.next() % UInt64(interesting.count))]
            case 2: bytes.remove(at: at)
            case 3: bytes.insert(interesting[Int(random.next() % UInt64(interesting.count))], at: at)
            case 4:
                let end = min(bytes.count, at + 1 + Int(random.next() % 12))
                bytes.insert(contentsOf: bytes[at..<end], at: at)
            default: bytes[at] = UInt8(ascii: "0") + UInt8(random.next() % 10)
            }
        }
        // Half the time repair BodyLength and CheckSum so the damage reaches past the framer.
        if random.next() % 2 == 0 { bytes = repair(bytes) }
        return bytes
    }

    /// Recomputes 9 and 10 around whatever lies between them, if the frame is recognisable.
    static func repair(_ bytes: [UInt8]) -> [UInt8] {
        let text = FIXText.text(bytes)
        guard text.hasPrefix("8="), let first = text.firstIndex(of: "|") else { return bytes }
        let afterBegin = text[text.index(after: first)...]
        guard afterBegin.hasPrefix("9="), let second = afterBegin.firstIndex(of: "|") else { return bytes }
        let body = afterBegin[afterBegin.index(after: second)...]
        guard let trailer = body.range(of: "10=", options: .backwards) else { return bytes }
        let begin = String(text[text.index(text.startIndex, offsetBy: 2)..<first])
        return FIXText.message(String(body[..<trailer.lowerBound]), beginString: begin)
    }

    @Test func framerSurvivesMutationsAndRandomChunking() {
        var random = FIXSplitMix64(seed: 0xF1)
        var client = FIXCounterparty()
        let corpus = Self.corpus(&client)
        var framer = FIXFramer(maximumMessageBytes: 512)
        var frames = 0
        for _ in 0..<12_000 {
            var stream: [UInt8] = []
            for _ in 0..<4 {
                let template = corpus[Int(random.next() % UInt64(corpus.count))]
                stream += random.next() % 3 == 0 ? template : Self.mutate(template, &random)
                if random.next() % 8 == 0 {
                    stream += (0..<Int(random.next() % 40)).map { _ in UInt8(truncatingIfNeeded: random.next()) }
                }
            }
            var offset = 0
            while offset < stream.count {
                let length = min(stream.count - offset, 1 + Int(random.next() % 200))
                stream[offset..<(offset + length)].withUnsafeBytes { framer.append($0) }
                offset += length
                while let frame = framer.nextFrame() {
                    if case .message(let range) = frame {
                        frames += 1
                        framer.withBytes(of: range) { bytes in
                            // A frame always carries a correct checksum and 35 in third place.
                            let sum = bytes.prefix(bytes.count - 7).reduce(0) { ($0 + Int($1)) % 256 }
                            #expect(Int(String(decoding: bytes[(bytes.count - 4)..<(bytes.count - 1)], as: UTF8.self)) == sum)
                        }
                    }
                }
                #expect(framer.bufferedByteCount <= 512 + 200)
            }
        }
        #expect(frames > 12_000)
    }

    @Test func unmutatedStreamsFrameExactlyWhateverTheChunking() {
        var random = FIXSplitMix64(seed: 0xF2)
        var client = FIXCounterparty()
        let corpus = Self.corpus(&client)
        for _ in 0..<2_000 {
            var framer = FIXFramer()
            let messages = (0..<6).map { _ in corpus[Int(random.next() % UInt64(corpus.count))] }
            let stream = messages.flatMap { $0 }
            var framed: [[UInt8]] = []
            var offset = 0
            while offset < stream.count {
                let length = min(stream.count - offset, 1 + Int(random.next() % 100))
                stream[offset..<(offset + length)].withUnsafeBytes { framer.append($0) }
                offset += length
                while let frame = framer.nextFrame() {
                    guard case .message(let range) = frame else { Issue.record("\(frame)"); continue }
                    framed.append(framer.withBytes(of: range) { Array($0) })
                }
            }
            #expect(framed == messages)
        }
    }

    @Test func parserAndDecodersSurviveMutationsAndStayConsistent() {
        var random = FIXSplitMix64(seed: 0xF3)
        var client = FIXCounterparty()
        let corpus = Self.corpus(&client) + FIXSamples.all.map { FIXApplicationMessageTests.encode($0, .fix44) }
            + FIXSamples.all.map { FIXApplicationMessageTests.encode($0, .fix42) }
        var parser = FIXParser()
        var parsed = 0
        var decoded = 0
        for round in 0..<30_000 {
            let template = corpus[round % corpus.count]
            let bytes = Self.mutate(template, &random)
            bytes.withUnsafeBytes { raw in
                guard let view = try? parser.parse(raw) else { return }
                parsed += 1
                // The field table partitions the message exactly.
                var rebuilt: [UInt8] = []
                for index in 0..<view.fieldCount {
                    rebuilt += Array(String(view.field(at: index).tag).utf8) + [UInt8(ascii: "=")]
                    rebuilt += Array(view.value(at: index)) + [0x01]
                }
                #expect(rebuilt == bytes)
                for version in FIXVersion.allCases {
                    guard let message = try? FIXApplicationMessage.decode(view, version: version, priceDecimals: 4)
                    else { continue }
                    decoded += 1
                    // Encoding is a fixed point after one normalisation (times
                    // are written to the millisecond, as FIX 4.2/4.4 define them).
                    let encoded = FIXApplicationMessageTests.encode(message, version)
                    let again = try? FIXApplicationMessageTests.decode(encoded, version)
                    #expect(again.map { FIXApplicationMessageTests.encode($0, version) } == encoded)
                }
            }
        }
        #expect(parsed > 10_000 && decoded > 1_000, "parsed \(parsed), decoded \(decoded)")
    }

    @Test func randomBytesNeverTrapTheFramerOrParser() {
        var random = FIXSplitMix64(seed: 0xF4)
        var framer = FIXFramer(maximumMessageBytes: 256)
        var parser = FIXParser()
        let alphabet: [UInt8] = Array("8=FIX.4.29135|0\u{01}".utf8)
        for _ in 0..<100_000 {
            let length = Int(random.next() % 64)
            let bytes = (0..<length).map { _ in
                random.next() % 2 == 0 ? alphabet[Int(random.next() % UInt64(alphabet.count))]
                    : UInt8(truncatingIfNeeded: random.next())
            }
            bytes.withUnsafeBytes { raw in
                _ = try? parser.parse(raw)
                framer.append(raw)
            }
            while framer.nextFrame() != nil {}
        }
    }

    @Test(arguments: FIXVersion.allCases)
    func acceptorSurvivesMutatedTrafficAndAnswersOnlyWithValidFIX(version: FIXVersion) {
        var random = FIXSplitMix64(seed: version == .fix42 ? 0xF5 : 0xF6)
        var sessions = 0
        var outcomes = (sent: 0, silent: 0, disconnected: 0)
        var checker = FIXFramer()
        var parser = FIXParser()
        while sessions < 400 {
            sessions += 1
            var (venue, client) = FIXSessionTests.loggedOnVenue(version)
            for _ in 0..<40 {
                let corpus = Self.corpus(&client)
                let message = corpus[Int(random.next() % UInt64(corpus.count))]
                let bytes = random.next() % 4 == 0 ? message : Self.mutate(message, &random)
                let now = fixTestEpochNs + Int64(random.next() % 1_000_000_000)
                let actions = venue.feed(bytes, nowNs: now)
                let sent = actions.compactMap(\.sentBytes)
                if actions.disconnectReason != nil { outcomes.disconnected += 1 } else if sent.isEmpty {
                    outcomes.silent += 1
                } else {
                    outcomes.sent += 1
                }
                for out in sent {
                    out.withUnsafeBytes { checker.append($0) }
                    guard case .message(let range)? = checker.nextFrame() else {
                        Issue.record("venue sent an unframeable message")
                        continue
                    }
                    checker.withBytes(of: range) { raw in
                        #expect((try? parser.parse(raw)) != nil)
                    }
                }
                if venue.isDisconnected {
                    #expect(venue.feed(message, nowNs: now).isEmpty)
                    break
                }
                // Keep the counterparty's numbering near the venue's so that
                // mutations, not gaps, dominate.
                client.nextSeqNum = venue.nextExpectedMsgSeqNum
            }
        }
        #expect(outcomes.sent > 100 && outcomes.silent > 100 && outcomes.disconnected > 50, "\(outcomes)")
    }
}
