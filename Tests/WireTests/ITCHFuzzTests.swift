import Testing
@testable import Wire

/// Randomized robustness: the ITCH decoders must return an error, never trap,
/// whatever the bytes; and because every field is kept raw, any buffer that
/// decodes must re-encode to the same bytes.
@Suite struct ITCHFuzzTests {
    static let iterations = 120_000

    /// Decodes through the value and the view paths; returns whether it decoded.
    static func checkDecode(_ bytes: UnsafeRawBufferPointer, scratch: UnsafeMutableRawBufferPointer) -> Bool {
        let message: ITCHMessage
        do throws(WireDecodingError) {
            message = try ITCHMessage(decoding: bytes)
        } catch {
            #expect((try? ITCHMessageView(validating: bytes)) == nil)
            return false
        }
        let written = message.encode(into: scratch)
        #expect(written == bytes.count)
        #expect(UnsafeRawBufferPointer(rebasing: scratch[0..<written]).elementsEqual(bytes))
        guard let view = try? ITCHMessageView(validating: bytes) else {
            Issue.record("the view rejected what the value decoder accepted")
            return true
        }
        #expect(view.message == message)
        #expect(ITCHPacketReaderTests.message(of: view.kind) == message)
        #expect(view.timestampNs <= itchMaximumTimestampNs)
        return true
    }

    @Test func mutatedValidMessagesNeverTrap() {
        var generator = SplitMix64(seed: 0x1CA7_0001)
        var scratch = [UInt8](repeating: 0, count: 128)
        let originals = ITCHSamples.all.map { ITCHSamples.bytes(of: $0) }
        var decoded = 0
        scratch.withUnsafeMutableBytes { scratch in
            for _ in 0..<Self.iterations {
                var bytes = originals[Int(generator.next() % UInt64(originals.count))]
                switch generator.next() % 4 {
                case 0:  // flip a few bytes anywhere, the type byte included
                    for _ in 0...(generator.next() % 3) {
                        bytes[Int(generator.next() % UInt64(bytes.count))] = UInt8(truncatingIfNeeded: generator.next())
                    }
                case 1:  // truncate
                    bytes.removeLast(Int(generator.next() % UInt64(bytes.count + 1)))
                case 2:  // extend
                    bytes += (0..<(1 + generator.next() % 8)).map { _ in UInt8(truncatingIfNeeded: generator.next()) }
                default:  // another type byte, same length
                    bytes[0] = UInt8(truncatingIfNeeded: generator.next())
                }
                if bytes.withUnsafeBytes({ Self.checkDecode($0, scratch: scratch) }) { decoded += 1 }
            }
        }
        // Flipped body bytes still decode; the other mutations mostly must not.
        #expect(decoded > Self.iterations / 8 && decoded < Self.iterations / 2)
    }

    @Test func randomBuffersNeverTrap() {
        var generator = SplitMix64(seed: 0x1CA7_0002)
        var scratch = [UInt8](repeating: 0, count: 128)
        let knownTypes = ITCHMessageType.allCases
        var decoded = 0
        scratch.withUnsafeMutableBytes { scratch in
            for round in 0..<Self.iterations {
                // Half the buffers get a known type byte and its exact length,
                // so the accepting path is exercised with random fields.
                let type = knownTypes[Int(generator.next() % UInt64(knownTypes.count))]
                let length = round % 2 == 0 ? type.length : Int(generator.next() % 64)
                var bytes = (0..<length).map { _ in UInt8(truncatingIfNeeded: generator.next()) }
                if round % 2 == 0 { bytes[0] = type.rawValue }
                if bytes.withUnsafeBytes({ Self.checkDecode($0, scratch: scratch) }) { decoded += 1 }
            }
        }
        #expect(decoded >= Self.iterations / 2)
    }

    @Test func randomBlockStreamsNeverTrap() {
        var generator = SplitMix64(seed: 0x1CA7_0003)
        let valid = ITCHSamples.blockStream(ITCHSamples.all)
        var messagesRead = 0
        for _ in 0..<2_000 {
            var stream = valid
            for _ in 0...(generator.next() % 4) {
                stream[Int(generator.next() % UInt64(stream.count))] = UInt8(truncatingIfNeeded: generator.next())
            }
            stream.removeLast(Int(generator.next() % 40))
            stream.withUnsafeBytes { buffer in
                var reader = ITCHBlockStreamReader(buffer, zeroLengthEndsStream: generator.next() % 2 == 0)
                // Each block takes at least two bytes, which bounds the walk.
                for _ in 0...(buffer.count / 2) {
                    guard let view = try? reader.next() else { break }
                    #expect(view.bytes.count == view.messageType.length)
                    messagesRead += 1
                }
                #expect(reader.offset <= buffer.count)
            }
        }
        #expect(messagesRead > 2_000)
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
