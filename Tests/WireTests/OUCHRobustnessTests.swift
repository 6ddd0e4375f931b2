import Testing
@testable import Wire

private struct SplitMix64 {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Seeded random and mutated buffers through both OUCH decoders: no trap,
/// and whatever decodes re-encodes to the same bytes.
@Suite struct OUCHRobustnessTests {
    static let validPerLayout = 2_000
    static let mutationsPerValid = 8
    static let randomBuffers = 100_000

    /// Decodes `bytes` in both directions; a success must re-encode to `bytes`.
    /// Returns how many directions decoded.
    @discardableResult
    static func checkBothDirections(_ bytes: [UInt8]) -> Int {
        var decodedCount = 0
        var output = [UInt8](repeating: 0, count: 128)
        bytes.withUnsafeBytes { buffer in
            if let message = try? OUCHInboundMessage(decoding: buffer) {
                decodedCount += 1
                let written = output.withUnsafeMutableBytes { message.encode(into: $0) }
                #expect(Array(output[0..<written]) == bytes)
            }
            if let message = try? OUCHOutboundMessage(decoding: buffer) {
                decodedCount += 1
                let written = output.withUnsafeMutableBytes { message.encode(into: $0) }
                #expect(Array(output[0..<written]) == bytes)
            }
        }
        return decodedCount
    }

    @Test func validAndMutatedMessagesDecodeOrFailCleanly() {
        var random = SplitMix64(state: 0x5EED_0C4)
        var decoded = 0
        var total = 0
        for (type, length, sides) in OUCHSamples.inboundLayouts + OUCHSamples.outboundLayouts {
            for _ in 0..<Self.validPerLayout {
                let valid = OUCHSamples.randomValidBytes(type: type, length: length, sideOffsets: sides) { random.next() }
                #expect(Self.checkBothDirections(valid) >= 1)
                for _ in 0..<Self.mutationsPerValid {
                    var mutated = valid
                    switch random.next() % 4 {
                    case 0: mutated[Int(random.next() % UInt64(length))] = UInt8(truncatingIfNeeded: random.next())
                    case 1: mutated.removeLast(Int(random.next() % UInt64(length)) + 1)
                    case 2: mutated.append(UInt8(truncatingIfNeeded: random.next()))
                    default: mutated[0] = UInt8(truncatingIfNeeded: random.next())
                    }
                    decoded += Self.checkBothDirections(mutated)
                    total += 1
                }
            }
        }
        #expect(decoded > 0 && decoded < total)
    }

    @Test func randomBuffersNeverTrap() {
        var random = SplitMix64(state: 0xB0FF_E125)
        for _ in 0..<Self.randomBuffers {
            let length = Int(random.next() % 96)
            var bytes = (0..<length).map { _ in UInt8(truncatingIfNeeded: random.next()) }
            if !bytes.isEmpty && random.next() % 2 == 0 {
                // Bias towards real type bytes so the length checks are exercised, not just the type switch.
                bytes[0] = Array("OUXMSACDEGBFKJPIT".utf8)[Int(random.next() % 17)]
            }
            Self.checkBothDirections(bytes)
        }
    }
}
