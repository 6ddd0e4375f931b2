import Testing
@testable import Wire

@Suite struct MoldUDP64PacketTests {
    static let session = MoldUDP64SessionID("000010059B")!

    static func encodeHeader(_ header: MoldUDP64Header) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: MoldUDP64Header.length)
        _ = bytes.withUnsafeMutableBytes { header.encode(into: $0) }
        return bytes
    }

    /// Builds one packet from `messages` with a 1400-byte limit; returns the
    /// bytes and how many messages fit.
    static func buildPacket(
        _ messages: [ITCHMessage], sequenceNumber: UInt64, maximumPayloadBytes: Int = 1400
    ) -> (bytes: [UInt8], appended: Int) {
        var storage = [UInt8](repeating: 0xEE, count: 2048)
        var appended = 0
        let length = storage.withUnsafeMutableBytes { buffer in
            var builder = MoldUDP64PacketBuilder(
                buffer: buffer, session: session, sequenceNumber: sequenceNumber, maximumPayloadBytes: maximumPayloadBytes)
            for message in messages {
                guard builder.append(message) else { break }
                appended += 1
            }
            return builder.finish()
        }
        return (Array(storage[0..<length]), appended)
    }

    @Test func sessionIDPadsAndPrints() throws {
        #expect(Self.session.description == "000010059B")
        let short = try #require(MoldUDP64SessionID("ABC"))
        #expect(short.leading == 0x4142_4320_2020_2020 && short.trailing == 0x2020)
        #expect(short.description == "ABC")
        #expect(MoldUDP64SessionID("01234567890") == nil)
        #expect(MoldUDP64SessionID("caf\u{E9}") == nil)
    }

    @Test func headerLayoutMatchesTheSpec() throws {
        let header = MoldUDP64Header(session: Self.session, sequenceNumber: 0x0102_0304_0506_0708, messageCount: 3)
        #expect(Self.encodeHeader(header) == [UInt8](itchHex: "30303030313030353942 0102030405060708 0003"))
        #expect(Self.encodeHeader(.heartbeat(session: Self.session, nextSequenceNumber: 42))
                == [UInt8](itchHex: "30303030313030353942 000000000000002a 0000"))
        #expect(Self.encodeHeader(.endOfSession(session: Self.session, nextSequenceNumber: 42))
                == [UInt8](itchHex: "30303030313030353942 000000000000002a ffff"))
    }

    @Test func countOnlyPacketsDecode() throws {
        for (count, kind) in [(UInt16(0), MoldUDP64PacketKind.heartbeat), (0xFFFF, .endOfSession)] {
            let bytes = Self.encodeHeader(MoldUDP64Header(session: Self.session, sequenceNumber: 7, messageCount: count))
            try bytes.withUnsafeBytes { buffer in
                let packet = try MoldUDP64PacketView(validating: buffer)
                #expect(packet.kind == kind)
                #expect(packet.sequenceNumber == 7)
                #expect(packet.session == Self.session)
                var messages = packet.messages
                #expect(messages.next() == nil)
            }
        }
    }

    @Test func builderFillsUpToThePayloadLimitAndMessagesComeBackInOrder() throws {
        let messages = Array(repeating: ITCHSamples.all, count: 10).flatMap { $0 }
        let (bytes, appended) = Self.buildPacket(messages, sequenceNumber: 1_000)
        #expect(bytes.count <= 1400)
        #expect(appended < messages.count)
        let next = messages[appended]
        #expect(bytes.count + 2 + next.encodedLength > 1400, "the builder stopped while the next message still fit")
        try bytes.withUnsafeBytes { buffer in
            let packet = try MoldUDP64PacketView(validating: buffer)
            #expect(packet.kind == .messages(count: appended))
            #expect(packet.sequenceNumber == 1_000)
            var iterator = packet.messages
            var decoded: [ITCHMessage] = []
            while let message = iterator.next() { decoded.append(try ITCHMessage(decoding: message)) }
            #expect(decoded == Array(messages.prefix(appended)))
            #expect(!iterator.isMalformed)
        }
    }

    @Test func builderWithoutMessagesProducesAHeartbeat() {
        let (bytes, _) = Self.buildPacket([], sequenceNumber: 5)
        #expect(bytes == Self.encodeHeader(.heartbeat(session: Self.session, nextSequenceNumber: 5)))
    }

    @Test func zeroLengthMessagesAreLegalBlocks() throws {
        var storage = [UInt8](repeating: 0, count: 64)
        let length = storage.withUnsafeMutableBytes { buffer in
            var builder = MoldUDP64PacketBuilder(buffer: buffer, session: Self.session, sequenceNumber: 9)
            let appendedEmpty = builder.append(UnsafeRawBufferPointer(start: nil, count: 0))
            let appendedThree = [UInt8]([1, 2, 3]).withUnsafeBytes { builder.append($0) }
            #expect(appendedEmpty && appendedThree)
            return builder.finish()
        }
        #expect(Array(storage[18..<length]) == [0, 2, 0, 0, 0, 3, 1, 2, 3])
        try storage[0..<length].withUnsafeBytes { buffer in
            var messages = try MoldUDP64PacketView(validating: buffer).messages
            #expect(messages.next()?.count == 0)
            #expect(messages.next().map(Array.init) == [1, 2, 3])
            #expect(messages.next() == nil)
        }
    }

    @Test func malformedPacketsAreRejected() {
        func error(_ bytes: [UInt8]) -> WireDecodingError? {
            bytes.withUnsafeBytes { buffer -> WireDecodingError? in
                do throws(WireDecodingError) {
                    _ = try MoldUDP64PacketView(validating: buffer)
                    return nil
                } catch {
                    return error
                }
            }
        }
        let header2 = Self.encodeHeader(MoldUDP64Header(session: Self.session, sequenceNumber: 1, messageCount: 2))
        #expect(error(Array(header2.prefix(19))) == .truncated(needed: 20, available: 19))
        #expect(error(header2) == .truncated(needed: 2, available: 0))
        #expect(error(header2 + [0, 1, 0x41, 0]) == .truncated(needed: 2, available: 1))
        #expect(error(header2 + [0, 1, 0x41, 0, 9, 1]) == .truncated(needed: 11, available: 3))
        #expect(error(header2 + [0, 1, 0x41, 0, 1, 0x42]) == nil)
        #expect(error(header2 + [0, 1, 0x41, 0, 1, 0x42, 0]) == .invalidField(name: "bytes after the last message block", offset: 26))
        let heartbeat = Self.encodeHeader(.heartbeat(session: Self.session, nextSequenceNumber: 1))
        #expect(error(heartbeat + [0]) == .invalidField(name: "bytes after a count-only packet", offset: 20))
        let overflowing = Self.encodeHeader(MoldUDP64Header(session: Self.session, sequenceNumber: .max, messageCount: 1))
        #expect(error(overflowing + [0, 0]) == .invalidField(name: "sequence number", offset: 10))
    }

    @Test func requestPacketRoundTripsAndRejectsOtherLengths() throws {
        let request = MoldUDP64RequestPacket(session: Self.session, sequenceNumber: 0x0A0B_0C0D, requestedMessageCount: 0x1234)
        #expect(request.bytes == [UInt8](itchHex: "30303030313030353942 000000000a0b0c0d 1234"))
        try request.bytes.withUnsafeBytes { buffer throws in
            #expect(try MoldUDP64RequestPacket(decoding: buffer) == request)
        }
        _ = (request.bytes + [0]).withUnsafeBytes { buffer in
            #expect(throws: WireDecodingError.invalidField(name: "bytes after a request packet", offset: 20)) {
                _ = try MoldUDP64RequestPacket(decoding: buffer)
            }
        }
        _ = request.bytes.dropLast().withUnsafeBytes { buffer in
            #expect(throws: WireDecodingError.truncated(needed: 20, available: 19)) {
                _ = try MoldUDP64RequestPacket(decoding: buffer)
            }
        }
    }

    /// Every packet that validates must rebuild, from its header and messages,
    /// to the same bytes; nothing may trap on any input.
    @Test func mutatedAndRandomPacketsNeverTrap() throws {
        var generator = SplitMix64(seed: 0x3D0_0001)
        var originals: [[UInt8]] = []
        for start in 0..<8 {
            let messages = Array(ITCHSamples.all[start...].prefix(3 + start * 2))
            originals.append(Self.buildPacket(messages, sequenceNumber: UInt64(start) * 1_000 + 1).bytes)
        }
        originals.append(Self.encodeHeader(.heartbeat(session: Self.session, nextSequenceNumber: 77)))
        originals.append(Self.encodeHeader(.endOfSession(session: Self.session, nextSequenceNumber: 78)))
        var rebuilt = [UInt8](repeating: 0, count: 70_000)
        var accepted = 0
        let rounds = 150_000
        try rebuilt.withUnsafeMutableBytes { rebuilt in
            for round in 0..<rounds {
                var bytes: [UInt8]
                if round % 4 == 3 {
                    bytes = (0..<(generator.next() % 64)).map { _ in UInt8(truncatingIfNeeded: generator.next()) }
                } else {
                    bytes = originals[Int(generator.next() % UInt64(originals.count))]
                    for _ in 0...(generator.next() % 3) {
                        let index = Int(generator.next() % UInt64(bytes.count))
                        // Aim half the flips at the header and the first length prefixes.
                        let target = generator.next() % 2 == 0 ? min(index, 23) : index
                        bytes[target] = UInt8(truncatingIfNeeded: generator.next())
                    }
                    if generator.next() % 4 == 0 { bytes.removeLast(Int(generator.next() % UInt64(bytes.count))) }
                }
                try bytes.withUnsafeBytes { buffer in
                    guard let packet = try? MoldUDP64PacketView(validating: buffer) else {
                        var iterator = MessageBlockIterator(buffer, blockLimit: Int(generator.next() % 8))
                        while iterator.next() != nil {}
                        #expect(iterator.offset <= buffer.count)
                        return
                    }
                    accepted += 1
                    var builder = MoldUDP64PacketBuilder(
                        buffer: rebuilt, session: packet.session, sequenceNumber: packet.sequenceNumber,
                        maximumPayloadBytes: rebuilt.count)
                    var messages = packet.messages
                    while let message = messages.next() {
                        let appended = builder.append(message)
                        #expect(appended)
                    }
                    var length = builder.finish()
                    if packet.kind == .endOfSession {
                        length = MoldUDP64Header.endOfSession(session: packet.session, nextSequenceNumber: packet.sequenceNumber)
                            .encode(into: rebuilt)
                    }
                    #expect(UnsafeRawBufferPointer(rebasing: rebuilt[0..<length]).elementsEqual(buffer))
                    if buffer.count == MoldUDP64RequestPacket.length {
                        let request = try MoldUDP64RequestPacket(decoding: buffer)
                        #expect(request.bytes.elementsEqual(buffer))
                    }
                }
            }
        }
        #expect(accepted > rounds / 10)
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
