import Testing
@testable import Wire

@Suite struct OUCHMessageTests {
    @Test func everyInboundTypeHasItsOUCH42Length() {
        let expected: [Character: Int] = ["O": 49, "U": 47, "X": 19, "M": 20]
        #expect(Set(OUCHSamples.inbound.map(\.messageType)).count == expected.count)
        for message in OUCHSamples.inbound {
            let type = Character(Unicode.Scalar(message.messageType))
            #expect(message.encodedLength == expected[type], "\(type)")
            #expect(OUCHInboundMessage.length(ofType: message.messageType) == expected[type])
            #expect(OUCHSamples.bytes(of: message).count == expected[type])
        }
        #expect(OUCHInboundMessage.length(ofType: UInt8(ascii: "A")) == nil)
    }

    @Test func everyOutboundTypeHasItsOUCH42Length() {
        let expected: [Character: Int] = [
            "S": 10, "A": 66, "U": 80, "C": 28, "D": 37, "E": 40, "G": 45, "B": 32, "F": 41, "K": 36,
            "J": 24, "P": 23, "I": 23, "T": 36, "M": 28,
        ]
        #expect(Set(OUCHSamples.outbound.map(\.messageType)).count == expected.count)
        for message in OUCHSamples.outbound {
            let type = Character(Unicode.Scalar(message.messageType))
            #expect(message.encodedLength == expected[type], "\(type)")
            #expect(OUCHOutboundMessage.length(ofType: message.messageType) == expected[type])
            #expect(OUCHSamples.bytes(of: message).count == expected[type])
        }
        #expect(OUCHOutboundMessage.length(ofType: UInt8(ascii: "O")) == nil)
    }

    @Test func everyMessageRoundTrips() throws {
        for message in OUCHSamples.inbound {
            let bytes = OUCHSamples.bytes(of: message)
            let decoded = try bytes.withUnsafeBytes { buffer throws(WireDecodingError) in
                try OUCHInboundMessage(decoding: buffer)
            }
            #expect(decoded == message)
        }
        for message in OUCHSamples.outbound {
            let bytes = OUCHSamples.bytes(of: message)
            let decoded = try bytes.withUnsafeBytes { buffer throws(WireDecodingError) in
                try OUCHOutboundMessage(decoding: buffer)
            }
            #expect(decoded == message)
        }
    }

    @Test func enterOrderFieldsSitAtTheSpecOffsets() {
        let bytes = OUCHSamples.bytes(of: OUCHSamples.inbound[0])
        var expected: [UInt8] = Array("O".utf8) + Array("ORD00000000001".utf8) + Array("B".utf8)
        expected += [0x00, 0x00, 0x01, 0x2C] + Array("AAPL    ".utf8) // 300 shares
        expected += [0x00, 0x12, 0xD6, 0x44] // 123.4500
        expected += [0x00, 0x01, 0x86, 0x9E] // 99998, market hours
        expected += Array("EXSMYAN".utf8) + [0, 0, 0, 0] + Array("NR".utf8)
        #expect(bytes == expected)
    }

    @Test func executedFieldsSitAtTheSpecOffsets() {
        let bytes = OUCHSamples.bytes(of: OUCHSamples.outbound[5])
        var expected: [UInt8] = Array("E".utf8)
        expected += withUnsafeBytes(of: (OUCHSamples.timestampNs + 5).bigEndian, Array.init)
        expected += Array("ORD5          ".utf8) + [0, 0, 0, 50]
        expected += withUnsafeBytes(of: UInt32(1_230_000).bigEndian, Array.init) + Array("R".utf8)
        expected += withUnsafeBytes(of: UInt64(77_000_001).bigEndian, Array.init)
        #expect(bytes == expected)
    }

    @Test func replacedCarriesBothTokensAndTheBBOWeightLast() {
        let bytes = OUCHSamples.bytes(of: OUCHSamples.outbound[2])
        #expect(Array(bytes[9..<23]) == Array("ORD00000000002".utf8))
        #expect(Array(bytes[65..<79]) == Array("ORD00000000001".utf8))
        #expect(bytes[79] == UInt8(ascii: "1"))
    }

    @Test func directionDecidesWhatUAndMMean() throws {
        let replace = OUCHSamples.bytes(of: OUCHSamples.inbound[1])
        let replaced = OUCHSamples.bytes(of: OUCHSamples.outbound[2])
        _ = replace.withUnsafeBytes { buffer in
            #expect(throws: WireDecodingError.wrongLength(messageType: UInt8(ascii: "U"), expected: 80, actual: 47)) {
                try OUCHOutboundMessage(decoding: buffer)
            }
        }
        _ = replaced.withUnsafeBytes { buffer in
            #expect(throws: WireDecodingError.wrongLength(messageType: UInt8(ascii: "U"), expected: 47, actual: 80)) {
                try OUCHInboundMessage(decoding: buffer)
            }
        }
        let modify = OUCHSamples.bytes(of: OUCHSamples.inbound[3])
        let decoded = try modify.withUnsafeBytes { buffer throws(WireDecodingError) in try OUCHInboundMessage(decoding: buffer) }
        guard case .modifyOrder = decoded else { Issue.record("M inbound must be Modify Order"); return }
        let modified = OUCHSamples.bytes(of: OUCHSamples.outbound[14])
        let decodedOut = try modified.withUnsafeBytes { buffer throws(WireDecodingError) in try OUCHOutboundMessage(decoding: buffer) }
        guard case .orderModified = decodedOut else { Issue.record("M outbound must be Order Modified"); return }
    }

    @Test func malformedBuffersGiveTypedErrors() {
        _ = [UInt8]().withUnsafeBytes { buffer in
            #expect(throws: WireDecodingError.truncated(needed: 1, available: 0)) { try OUCHInboundMessage(decoding: buffer) }
        }
        _ = [UInt8(ascii: "Q"), 0].withUnsafeBytes { buffer in
            #expect(throws: WireDecodingError.unknownMessageType(UInt8(ascii: "Q"))) { try OUCHOutboundMessage(decoding: buffer) }
        }
        var enter = OUCHSamples.bytes(of: OUCHSamples.inbound[0])
        enter[15] = UInt8(ascii: "Z")
        _ = enter.withUnsafeBytes { buffer in
            #expect(throws: WireDecodingError.invalidField(name: "Side", offset: 15)) { try OUCHEnterOrder(decoding: buffer) }
        }
        let cancel = OUCHSamples.bytes(of: OUCHSamples.inbound[2])
        _ = cancel.dropLast().withUnsafeBytes { buffer in
            #expect(throws: WireDecodingError.wrongLength(messageType: UInt8(ascii: "X"), expected: 19, actual: 18)) {
                try OUCHCancelOrder(decoding: buffer)
            }
        }
    }

    @Test func tokenHoldsFourteenCaseSensitiveBytes() throws {
        let token = try #require(OUCHToken("Abc123xyz"))
        #expect(token.trimmed == "Abc123xyz")
        #expect(token != OUCHToken("ABC123XYZ"))
        #expect(OUCHToken("12345678901234")?.trimmed == "12345678901234")
        #expect(OUCHToken("123456789012345") == nil)
        #expect(OUCHToken("tab\t") == nil)
        #expect(OUCHToken("")! == .blank)
        let full = try #require(OUCHToken("ABCDEFGHIJKLMN"))
        #expect(full.head == 0x4142_4344_4546_4748 && full.middle == 0x494A_4B4C && full.tail == 0x4D4E)
        #expect(Set([token, token, full]).count == 2)
    }

    @Test func timeInForceSentinels() {
        #expect(OUCHTimeInForce.immediateOrCancel.rawValue == 0)
        #expect(OUCHTimeInForce.marketHours.rawValue == 99_998)
        #expect(OUCHTimeInForce.systemHours.rawValue == 99_999)
        #expect(OUCHTimeInForce.seconds(30).rawValue == 30)
    }
}
