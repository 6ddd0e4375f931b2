import Testing
@testable import Wire

@Suite struct SoupBinTCPPacketTests {
    static func hex(_ text: String) -> [UInt8] {
        var bytes: [UInt8] = []
        var index = text.startIndex
        while index < text.endIndex {
            let next = text.index(index, offsetBy: 2)
            bytes.append(UInt8(text[index..<next], radix: 16)!)
            index = next
        }
        return bytes
    }

    static func encoded(_ body: (UnsafeMutableRawBufferPointer) -> Int) -> [UInt8] {
        var bytes = [UInt8](repeating: 0xEE, count: 128)
        let count = bytes.withUnsafeMutableBytes(body)
        return Array(bytes[0..<count])
    }

    @Test func emptyPacketsMatchTheForeignVectors() {
        #expect(Self.encoded { SoupBinTCP.encodeEmptyPacket(.clientHeartbeat, into: $0) } == Self.hex("000152"))
        #expect(Self.encoded { SoupBinTCP.encodeEmptyPacket(.serverHeartbeat, into: $0) } == Self.hex("000148"))
        #expect(Self.encoded { SoupBinTCP.encodeEmptyPacket(.endOfSession, into: $0) } == Self.hex("00015a"))
        #expect(Self.encoded { SoupBinTCP.encodeEmptyPacket(.logoutRequest, into: $0) } == Self.hex("00014f"))
        for vector in ["000152", "000148", "00015a", "00014f"] {
            Self.hex(vector).withUnsafeBytes { frame in
                let view = try? SoupBinTCPPacketView(decodingFrame: frame)
                #expect(view.map { (try? $0.validatedType())?.fixedPacketLength } == 1)
            }
        }
    }

    @Test func loginRejectedMatchesTheForeignVector() throws {
        #expect(Self.encoded { SoupBinTCPLoginRejected(code: .notAuthorized).encode(into: $0) } == Self.hex("00024a41"))
        #expect(Self.encoded { SoupBinTCPLoginRejected(code: .sessionNotAvailable).encode(into: $0) } == Self.hex("00024a53"))
        let decoded = try Self.hex("00024a41").withUnsafeBytes { frame throws(WireDecodingError) in
            try SoupBinTCPLoginRejected(decoding: SoupBinTCPPacketView(decodingFrame: frame).bytes)
        }
        #expect(decoded.code == .notAuthorized)
        _ = Self.hex("00024a58").withUnsafeBytes { frame in
            #expect(throws: WireDecodingError.invalidField(name: "Reject Reason Code", offset: 1)) {
                try SoupBinTCPLoginRejected(decoding: SoupBinTCPPacketView(decodingFrame: frame).bytes)
            }
        }
    }

    @Test func loginAcceptedDecodesTheLeftJustifiedForeignVectorAndEncodesRightJustified() throws {
        // nasdaq-protocols' vector left-justifies the sequence number.
        let foreign = Self.hex("001f41") + Array("test      ".utf8) + Array("2".utf8) + Array(repeating: 0x20, count: 19)
        let decoded = try foreign.withUnsafeBytes { frame throws(WireDecodingError) in
            try SoupBinTCPLoginAccepted(decoding: SoupBinTCPPacketView(decodingFrame: frame).bytes)
        }
        #expect(decoded.session.trimmed == "test")
        #expect(decoded.nextSequenceNumber == 2)
        let reencoded = Self.encoded { decoded.encode(into: $0) }
        #expect(reencoded == Self.hex("001f41") + Array("test      ".utf8) + Array(repeating: 0x20, count: 19) + Array("2".utf8))
    }

    @Test func loginRequestFieldsSitAtTheSpecOffsets() throws {
        let request = SoupBinTCPLoginRequest(
            username: SoupBinTCPUsername("trader")!, password: SoupBinTCPPassword("secret")!,
            requestedSession: SoupBinTCPSessionName("SESSION01")!, requestedSequenceNumber: 135)
        let bytes = Self.encoded { request.encode(into: $0) }
        #expect(bytes.count == 49)
        #expect(Array(bytes[0..<3]) == Self.hex("002f4c"))
        let packet = Array(bytes[2...]) // offsets count from the type byte
        #expect(Array(packet[1...6]) == Array("trader".utf8))
        #expect(Array(packet[7...16]) == Array("secret    ".utf8))
        #expect(Array(packet[17...26]) == Array("SESSION01 ".utf8))
        #expect(Array(packet[27...46]) == Array("                 135".utf8))
        let decoded = try packet.withUnsafeBytes { buffer throws(WireDecodingError) in try SoupBinTCPLoginRequest(decoding: buffer) }
        #expect(decoded == request)
        #expect(decoded.username.trimmed == "trader" && decoded.password.trimmed == "secret")
    }

    @Test func numericFieldsTrimBothSidesAndRejectAnythingElse() throws {
        func decode(_ field: String) throws -> UInt64 {
            precondition(field.utf8.count == 20)
            let packet = Array("L".utf8) + Array("user  ".utf8) + Array("pass      ".utf8) + Array("          ".utf8) + Array(field.utf8)
            return try packet.withUnsafeBytes { buffer throws(WireDecodingError) in
                try SoupBinTCPLoginRequest(decoding: buffer).requestedSequenceNumber
            }
        }
        #expect(try decode("                   0") == 0)
        #expect(try decode("                 135") == 135)
        #expect(try decode("135                 ") == 135)
        #expect(try decode("    135             ") == 135)
        #expect(try decode("00000000000000000042") == 42)
        #expect(try decode("18446744073709551615") == UInt64.max)
        #expect(throws: WireDecodingError.invalidField(name: "Requested Sequence Number", offset: 27)) {
            try decode("18446744073709551616")
        }
        #expect(throws: WireDecodingError.invalidField(name: "Requested Sequence Number", offset: 27)) {
            try decode("                    ")
        }
        #expect(throws: WireDecodingError.invalidField(name: "Requested Sequence Number", offset: 30)) {
            try decode("  1 2               ")
        }
        #expect(throws: WireDecodingError.invalidField(name: "Requested Sequence Number", offset: 46)) {
            try decode("                 12x")
        }
        let maximum = SoupBinTCPLoginAccepted(session: .blank, nextSequenceNumber: .max)
        #expect(Array(Self.encoded { maximum.encode(into: $0) }[13...]) == Array("18446744073709551615".utf8))
    }

    @Test func dataPacketsCountTheTypeByteInTheirLength() {
        let payload: [UInt8] = Array("hello".utf8)
        let bytes = payload.withUnsafeBytes { payload in
            Self.encoded { SoupBinTCP.encodeDataPacket(.sequencedData, payload: payload, into: $0) }
        }
        #expect(bytes == Self.hex("000653") + payload)
        let empty = Self.encoded { SoupBinTCP.encodeDataPacket(.unsequencedData, payload: UnsafeRawBufferPointer(start: nil, count: 0), into: $0) }
        #expect(empty == Self.hex("000155"))
    }

    @Test func validatedTypeChecksFixedLengths() {
        _ = (Self.hex("000248") + [0]).withUnsafeBytes { frame in
            #expect(throws: WireDecodingError.wrongLength(messageType: 0x48, expected: 1, actual: 2)) {
                try SoupBinTCPPacketView(decodingFrame: frame).validatedType()
            }
        }
        _ = Self.hex("000199").withUnsafeBytes { frame in
            #expect(throws: WireDecodingError.unknownMessageType(0x99)) {
                try SoupBinTCPPacketView(decodingFrame: frame).validatedType()
            }
        }
        _ = Self.hex("000548").withUnsafeBytes { frame in
            #expect(throws: WireDecodingError.truncated(needed: 7, available: 3)) { try SoupBinTCPPacketView(decodingFrame: frame) }
        }
    }

    @Test func alphaFieldsPadAndTrim() {
        #expect(SoupBinTCPUsername("abcdefg") == nil)
        #expect(SoupBinTCPUsername("ab")?.rawValue == 0x6162_2020_2020)
        #expect(SoupBinTCPSessionName("0123456789")?.trimmed == "0123456789")
        #expect(SoupBinTCPSessionName("01234567890") == nil)
        #expect(SoupBinTCPSessionName("")?.isBlank == true)
        #expect(SoupBinTCPPassword("pw") != SoupBinTCPPassword("PW"))
    }
}
