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

@Suite struct SoupBinTCPFrameDecoderTests {
    /// A stream of framed packets with random types and payloads, and the
    /// packets (type byte + payload) it holds.
    fileprivate static func randomStream(_ random: inout SplitMix64, packets: Int, maximumPayload: Int) -> ([UInt8], [[UInt8]]) {
        var stream: [UInt8] = []
        var expected: [[UInt8]] = []
        for _ in 0..<packets {
            let payloadLength = Int(random.next() % UInt64(maximumPayload + 1))
            let packet = [UInt8(truncatingIfNeeded: random.next())]
                + (0..<payloadLength).map { _ in UInt8(truncatingIfNeeded: random.next()) }
            stream += [UInt8(packet.count >> 8), UInt8(packet.count & 0xFF)] + packet
            expected.append(packet)
        }
        return (stream, expected)
    }

    /// Feeds `stream` in chunks of random sizes up to `maximumChunk`; returns
    /// the packets and the error, if any.
    fileprivate static func decodeInChunks(
        _ stream: [UInt8], _ random: inout SplitMix64, maximumChunk: Int, decoder: inout SoupBinTCPFrameDecoder,
        zeroCopyChecked: inout Int
    ) -> ([[UInt8]], SoupBinTCPFramingError?) {
        var packets: [[UInt8]] = []
        var offset = 0
        while offset < stream.count {
            let size = min(stream.count - offset, Int(random.next() % UInt64(maximumChunk)) + 1)
            let chunk = Array(stream[offset..<(offset + size)])
            offset += size
            do {
                try chunk.withUnsafeBytes { chunk in
                    try decoder.decode(chunk) { packet in
                        packets.append(Array(packet.bytes))
                        let start = packet.bytes.baseAddress!
                        if start >= chunk.baseAddress! && start < chunk.baseAddress! + chunk.count { zeroCopyChecked += 1 }
                        return .continueDecoding
                    }
                }
            } catch let error as SoupBinTCPFramingError {
                return (packets, error)
            } catch {
                Issue.record("untyped error \(error)")
                return (packets, nil)
            }
            decoder.checkInvariants()
            #expect(decoder.bufferedByteCount < 2 + decoder.maximumPacketLength)
        }
        return (packets, nil)
    }

    @Test func packetsSurviveAnyChunking() {
        var random = SplitMix64(state: 42)
        var zeroCopy = 0
        for maximumChunk in [1, 2, 3, 7, 64, 1_000, 100_000] {
            let (stream, expected) = Self.randomStream(&random, packets: 300, maximumPayload: 90)
            var decoder = SoupBinTCPFrameDecoder()
            let (packets, error) = Self.decodeInChunks(stream, &random, maximumChunk: maximumChunk, decoder: &decoder, zeroCopyChecked: &zeroCopy)
            #expect(error == nil)
            #expect(packets == expected, "chunks up to \(maximumChunk)")
            #expect(decoder.bufferedByteCount == 0)
        }
        // Whole packets inside a chunk are views into the chunk, not copies.
        #expect(zeroCopy > 300)
    }

    @Test func zeroLengthIsAnErrorAfterThePacketsBeforeIt() {
        var decoder = SoupBinTCPFrameDecoder()
        var seen: [[UInt8]] = []
        let stream: [UInt8] = [0, 1, 0x52, 0, 0, 0, 1, 0x48]
        _ = stream.withUnsafeBytes { chunk in
            #expect(throws: SoupBinTCPFramingError.zeroPacketLength) {
                try decoder.decode(chunk) { seen.append(Array($0.bytes)); return .continueDecoding }
            }
        }
        #expect(seen == [[0x52]])
        // A failed stream stays failed.
        _ = ([0, 1, 0x52] as [UInt8]).withUnsafeBytes { chunk in
            #expect(throws: SoupBinTCPFramingError.zeroPacketLength) { try decoder.decode(chunk) { _ in .continueDecoding } }
        }
    }

    @Test func oversizedPacketIsAnErrorEvenWhenItsLengthArrivesSplit() {
        var decoder = SoupBinTCPFrameDecoder(maximumPacketLength: 100)
        _ = ([0] as [UInt8]).withUnsafeBytes { chunk in
            #expect(throws: Never.self) { try decoder.decode(chunk) { _ in .continueDecoding } }
        }
        #expect(decoder.bufferedByteCount == 1)
        _ = ([101, 0x53] as [UInt8]).withUnsafeBytes { chunk in
            #expect(throws: SoupBinTCPFramingError.packetTooLong(length: 101, maximum: 100)) {
                try decoder.decode(chunk) { _ in .continueDecoding }
            }
        }
        var full = SoupBinTCPFrameDecoder()
        _ = ([0xFF, 0xFF, 0x53] as [UInt8]).withUnsafeBytes { chunk in
            #expect(throws: Never.self) { try full.decode(chunk) { _ in .continueDecoding } }
        }
        #expect(full.bufferedByteCount == 3)
    }

    @Test func stopDecodingDropsTheRestOfTheChunk() throws {
        var decoder = SoupBinTCPFrameDecoder()
        var seen = 0
        try ([0, 1, 0x4F, 0, 1, 0x52, 0, 1] as [UInt8]).withUnsafeBytes { chunk in
            try decoder.decode(chunk) { _ in seen += 1; return .stopDecoding }
        }
        #expect(seen == 1)
    }

    @Test func randomStreamsNeverTrapAndFrameConsistently() {
        var random = SplitMix64(state: 0xF4A3E)
        var zeroCopy = 0
        var failures = 0
        for round in 0..<10_000 {
            var (stream, _) = Self.randomStream(&random, packets: 20, maximumPayload: 60)
            // Corrupt some streams: random bytes anywhere, lengths included.
            if round % 2 == 0 {
                for _ in 0..<3 { stream[Int(random.next() % UInt64(stream.count))] = UInt8(truncatingIfNeeded: random.next()) }
            }
            var decoder = SoupBinTCPFrameDecoder(maximumPacketLength: 200)
            let (packets, error) = Self.decodeInChunks(stream, &random, maximumChunk: 40, decoder: &decoder, zeroCopyChecked: &zeroCopy)
            if error != nil { failures += 1 }
            // Re-framing what came out gives back the start of the stream.
            let reframed = packets.flatMap { [UInt8($0.count >> 8), UInt8($0.count & 0xFF)] + $0 }
            #expect(Array(stream.prefix(reframed.count)) == reframed)
            #expect(error != nil || reframed.count + decoder.bufferedByteCount == stream.count)
        }
        #expect(failures > 0)
    }
}
