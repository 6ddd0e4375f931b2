import Testing
@testable import Wire

/// The single-pass feed-handler path: the type → length table, `kind`, and
/// `ITCHPacketReader` over MoldUDP64 packets, checked against the two-pass
/// path (`MoldUDP64PacketView(validating:)`, then `ITCHMessageView(validating:)`
/// per block) that a receiver uses.
@Suite struct ITCHPacketReaderTests {
    static let session = MoldUDP64SessionID("000010059B")!

    /// The message a `kind` describes, copied into a value; exhaustive, so a
    /// new case cannot be left out.
    static func message(of kind: ITCHMessageViewKind) -> ITCHMessage {
        switch kind {
        case .systemEvent(let view): return .systemEvent(view.message)
        case .stockDirectory(let view): return .stockDirectory(view.message)
        case .stockTradingAction(let view): return .stockTradingAction(view.message)
        case .regSHORestriction(let view): return .regSHORestriction(view.message)
        case .marketParticipantPosition(let view): return .marketParticipantPosition(view.message)
        case .mwcbDeclineLevel(let view): return .mwcbDeclineLevel(view.message)
        case .mwcbStatus(let view): return .mwcbStatus(view.message)
        case .ipoQuotingPeriodUpdate(let view): return .ipoQuotingPeriodUpdate(view.message)
        case .luldAuctionCollar(let view): return .luldAuctionCollar(view.message)
        case .operationalHalt(let view): return .operationalHalt(view.message)
        case .addOrder(let view): return .addOrder(view.message)
        case .addOrderWithMPID(let view): return .addOrderWithMPID(view.message)
        case .orderExecuted(let view): return .orderExecuted(view.message)
        case .orderExecutedWithPrice(let view): return .orderExecutedWithPrice(view.message)
        case .orderCancel(let view): return .orderCancel(view.message)
        case .orderDelete(let view): return .orderDelete(view.message)
        case .orderReplace(let view): return .orderReplace(view.message)
        case .trade(let view): return .trade(view.message)
        case .crossTrade(let view): return .crossTrade(view.message)
        case .brokenTrade(let view): return .brokenTrade(view.message)
        case .noii(let view): return .noii(view.message)
        case .retailPriceImprovementIndicator(let view): return .retailPriceImprovementIndicator(view.message)
        case .dlcrPriceDiscovery(let view): return .dlcrPriceDiscovery(view.message)
        }
    }

    static func packet(_ messages: [ITCHMessage], sequenceNumber: UInt64 = 1) -> [UInt8] {
        let (bytes, appended) = MoldUDP64PacketTests.buildPacket(messages, sequenceNumber: sequenceNumber)
        precondition(appended == messages.count, "the test messages must fit in one packet")
        return bytes
    }

    static func header(count: UInt16, sequenceNumber: UInt64 = 1) -> [UInt8] {
        MoldUDP64PacketTests.encodeHeader(MoldUDP64Header(session: session, sequenceNumber: sequenceNumber, messageCount: count))
    }

    /// Reads `bytes` to the end with the reader; the messages it yielded and
    /// what `finish()` threw.
    static func read(_ bytes: UnsafeRawBufferPointer) -> (messages: [ITCHMessage], complete: Bool, error: WireDecodingError?) {
        var reader: ITCHPacketReader
        do throws(WireDecodingError) {
            reader = try ITCHPacketReader(packet: bytes)
        } catch {
            return ([], false, error)
        }
        var messages: [ITCHMessage] = []
        while let view = reader.next() {
            #expect(view.bytes.count == view.messageType.length)
            messages.append(message(of: view.kind))
        }
        #expect(reader.next() == nil, "nil is sticky")
        do throws(WireDecodingError) {
            try reader.finish()
            return (messages, reader.isComplete, nil)
        } catch {
            return (messages, reader.isComplete, error)
        }
    }

    static func read(_ bytes: [UInt8]) -> (messages: [ITCHMessage], complete: Bool, error: WireDecodingError?) {
        bytes.withUnsafeBytes { read($0) }
    }

    /// The two-pass path: nil unless the packet and every message validate.
    static func twoPass(_ bytes: UnsafeRawBufferPointer) -> [ITCHMessage]? {
        guard let packet = try? MoldUDP64PacketView(validating: bytes) else { return nil }
        var blocks = packet.messages
        var messages: [ITCHMessage] = []
        while let block = blocks.next() {
            guard let message = try? ITCHMessage(decoding: block) else { return nil }
            messages.append(message)
        }
        return messages
    }

    @Test func lengthTableMatchesEveryTypeAndRejectsEveryOtherByte() {
        for byte in UInt8.min...UInt8.max {
            #expect(ITCHMessageType.length(ofTypeByte: byte) == (ITCHMessageType(rawValue: byte)?.length ?? 0), "type byte \(byte)")
        }
    }

    @Test func kindHandsOutTheViewOfTheMessagesOwnType() throws {
        for sample in ITCHSamples.all {
            let bytes = ITCHSamples.bytes(of: sample)
            try bytes.withUnsafeBytes { buffer in
                let view = try ITCHMessageView(validating: buffer)
                #expect(view.typeByte == sample.messageType.rawValue)
                #expect(view.messageType == sample.messageType)
                #expect(Self.message(of: view.kind) == sample)
            }
        }
    }

    @Test func validationErrorsAreUnchanged() {
        func error(_ bytes: [UInt8]) -> WireDecodingError? {
            bytes.withUnsafeBytes { buffer -> WireDecodingError? in
                do throws(WireDecodingError) {
                    _ = try ITCHMessageView(validating: buffer)
                    return nil
                } catch {
                    return error
                }
            }
        }
        #expect(error([]) == .truncated(needed: 1, available: 0))
        #expect(error([0x00]) == .unknownMessageType(0x00))
        #expect(error([0x7A] + [UInt8](repeating: 0, count: 35)) == .unknownMessageType(0x7A))
        #expect(error([0x41] + [UInt8](repeating: 0, count: 34)) == .wrongLength(messageType: 0x41, expected: 36, actual: 35))
        #expect(error([0x41] + [UInt8](repeating: 0, count: 35)) == nil)
    }

    @Test func readerYieldsEveryMessageOfAValidPacket() {
        let result = Self.read(Self.packet(ITCHSamples.all))
        #expect(result.messages == ITCHSamples.all)
        #expect(result.complete)
        #expect(result.error == nil)

        for header in [
            MoldUDP64Header.heartbeat(session: Self.session, nextSequenceNumber: 9),
            MoldUDP64Header.endOfSession(session: Self.session, nextSequenceNumber: 9),
        ] {
            let countOnly = Self.read(MoldUDP64PacketTests.encodeHeader(header))
            #expect(countOnly.messages.isEmpty && countOnly.complete && countOnly.error == nil)
        }
    }

    @Test func readerReportsAMalformedPacketAtTheEnd() throws {
        let add = ITCHSamples.bytes(of: ITCHSamples.all.first { $0.messageType == .addOrder }!)
        let block = [0, UInt8(add.count)] + add
        func expect(_ bytes: [UInt8], yields count: Int, _ error: WireDecodingError, sourceLocation: SourceLocation = #_sourceLocation) {
            let result = Self.read(bytes)
            #expect(result.messages.count == count, sourceLocation: sourceLocation)
            #expect(!result.complete, sourceLocation: sourceLocation)
            #expect(result.error == error, sourceLocation: sourceLocation)
        }
        expect(Array(Self.header(count: 1).prefix(19)), yields: 0, .truncated(needed: 20, available: 19))
        expect(Self.header(count: 2), yields: 0, .truncated(needed: 2, available: 0))
        expect(Self.header(count: 2) + block + [0], yields: 1, .truncated(needed: 2, available: 1))
        expect(Self.header(count: 2) + block + block.dropLast(), yields: 1, .truncated(needed: 38, available: 37))
        expect(Self.header(count: 1) + block + [0], yields: 1, .invalidField(name: "bytes after the last message block", offset: 58))
        expect(Self.header(count: 2) + block + [0, 0], yields: 1, .truncated(needed: 1, available: 0))
        expect(Self.header(count: 2) + [0, 0] + block, yields: 0, .truncated(needed: 1, available: 0))
        expect(Self.header(count: 1) + [0, 36, 0x7A] + add.dropFirst(), yields: 0, .unknownMessageType(0x7A))
        expect(Self.header(count: 1) + [0, 35] + add.dropLast(), yields: 0, .wrongLength(messageType: 0x41, expected: 36, actual: 35))
        expect(Self.header(count: 1) + [0, 37] + add + [0], yields: 0, .wrongLength(messageType: 0x41, expected: 36, actual: 37))
        let heartbeat = MoldUDP64PacketTests.encodeHeader(.heartbeat(session: Self.session, nextSequenceNumber: 1))
        expect(heartbeat + [0], yields: 0, .invalidField(name: "bytes after a count-only packet", offset: 20))
        expect(Self.header(count: 1, sequenceNumber: .max) + block, yields: 0, .invalidField(name: "sequence number", offset: 10))

        // finish() before the end: the unread messages are the problem.
        let packet = Self.header(count: 1) + block
        try packet.withUnsafeBytes { buffer in
            let reader = try ITCHPacketReader(packet: buffer)
            #expect(!reader.isComplete)
            #expect(throws: WireDecodingError.invalidField(name: "unread message block", offset: 20)) { try reader.finish() }
        }
    }

    /// Whatever the bytes: no trap; the reader completes exactly when the
    /// two-pass path accepts the packet and every message in it, and then
    /// yields the same messages; otherwise it yields a prefix of them and
    /// `finish()` throws.
    @Test func mutatedAndRandomPacketsAgreeWithTheTwoPassPath() {
        var generator = SplitMix64(seed: 0x1CA7_7001)
        var originals: [[UInt8]] = []
        for start in 0..<8 {
            originals.append(Self.packet(Array(ITCHSamples.all[start...].prefix(2 + start * 2)), sequenceNumber: UInt64(start) + 1))
        }
        originals.append(MoldUDP64PacketTests.encodeHeader(.heartbeat(session: Self.session, nextSequenceNumber: 77)))
        let rounds = 200_000
        var complete = 0
        for round in 0..<rounds {
            var bytes: [UInt8]
            if round % 8 == 7 {
                bytes = Self.header(count: UInt16(generator.next() % 4))
                    + (0..<(generator.next() % 48)).map { _ in UInt8(truncatingIfNeeded: generator.next()) }
            } else {
                bytes = originals[Int(generator.next() % UInt64(originals.count))]
                if round % 8 != 0 {
                    for _ in 0...(generator.next() % 2) {
                        let index = Int(generator.next() % UInt64(bytes.count))
                        // Aim half the flips at the count, the first length prefix and type byte.
                        let target = generator.next() % 2 == 0 ? min(18 + index % 5, bytes.count - 1) : index
                        bytes[target] = UInt8(truncatingIfNeeded: generator.next())
                    }
                }
                if generator.next() % 4 == 0 { bytes.removeLast(Int(generator.next() % UInt64(bytes.count))) }
            }
            bytes.withUnsafeBytes { buffer in
                let result = Self.read(buffer)
                let expected = Self.twoPass(buffer)
                #expect(result.complete == (expected != nil))
                #expect((result.error == nil) == result.complete)
                if let expected {
                    complete += 1
                    #expect(result.messages == expected)
                } else if let header = try? MoldUDP64Header(validatingPacket: buffer) {
                    // What was yielded before the reader stopped is what the blocks hold.
                    var blocks = MessageBlockIterator(
                        UnsafeRawBufferPointer(rebasing: buffer[MoldUDP64Header.length...]),
                        blockLimit: header.messageCount == MoldUDP64Header.endOfSessionCount ? 0 : Int(header.messageCount))
                    for message in result.messages {
                        guard let block = blocks.next() else {
                            Issue.record("the reader yielded more messages than the packet has blocks")
                            break
                        }
                        #expect((try? ITCHMessage(decoding: block)) == message)
                    }
                }
            }
        }
        #expect(complete > rounds / 10 && complete < rounds * 9 / 10)
    }
}

/// SplitMix64 (Steele, Lea, Flood 2014): a tiny seeded generator, so a failing
/// input can be reproduced from its seed.
private struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
