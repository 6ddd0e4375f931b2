import Wire

/// OUCH 4.2: the input as a client-to-venue and as a venue-to-client
/// message. A decoder accepts exactly its type's length, and whatever it
/// accepts re-encodes to the input and decodes again to the same value.
enum OUCHFuzz {
    static func run(_ bytes: UnsafeRawBufferPointer) {
        let type = bytes.first
        let inboundLength = type.flatMap { OUCHInboundMessage.length(ofType: $0) }
        if let message = try? OUCHInboundMessage(decoding: bytes) {
            fuzzCheck(inboundLength == bytes.count, "inbound accepted \(bytes.count) bytes for length \(String(describing: inboundLength))")
            fuzzCheck(message.encodedLength == bytes.count && message.messageType == type, "inbound type or length changed")
            let encoded = encode(bytes.count) { message.encode(into: $0) }
            fuzzCheck(encoded.elementsEqual(bytes), "inbound re-encoding changed the bytes")
            let again = encoded.withUnsafeBytes { try? OUCHInboundMessage(decoding: $0) }
            fuzzCheck(again == message, "inbound re-decoding changed the value")
        } else {
            fuzzCheck(inboundLength != bytes.count || !sidesValid(bytes, OUCHSideOffsets.inbound), "inbound rejected a well-formed message")
        }
        let outboundLength = type.flatMap { OUCHOutboundMessage.length(ofType: $0) }
        if let message = try? OUCHOutboundMessage(decoding: bytes) {
            fuzzCheck(outboundLength == bytes.count, "outbound accepted \(bytes.count) bytes for length \(String(describing: outboundLength))")
            fuzzCheck(message.encodedLength == bytes.count, "outbound length changed")
            let encoded = encode(bytes.count) { message.encode(into: $0) }
            fuzzCheck(encoded.elementsEqual(bytes), "outbound re-encoding changed the bytes")
            let again = encoded.withUnsafeBytes { try? OUCHOutboundMessage(decoding: $0) }
            fuzzCheck(again == message, "outbound re-decoding changed the value")
        } else {
            fuzzCheck(outboundLength != bytes.count || !sidesValid(bytes, OUCHSideOffsets.outbound), "outbound rejected a well-formed message")
        }
    }

    /// Encodes into a buffer of exactly `count` bytes, so that a write past
    /// the message is caught by the address sanitizer.
    static func encode(_ count: Int, _ body: (UnsafeMutableRawBufferPointer) -> Int) -> [UInt8] {
        var encoded = [UInt8](repeating: 0, count: count)
        let written = encoded.withUnsafeMutableBytes(body)
        fuzzCheck(written == count, "encode wrote \(written) of \(count) bytes")
        return encoded
    }

    /// Side is the only field the decoders check, so a message of the right
    /// length whose Side bytes are valid must decode.
    static func sidesValid(_ bytes: UnsafeRawBufferPointer, _ offsets: (UInt8) -> [Int]) -> Bool {
        offsets(bytes[0]).allSatisfy { Array("BSTE".utf8).contains(bytes[$0]) }
    }

    /// Every message type in both directions, each filled field by field
    /// until the decoder accepts it, guided by the offset its error names.
    static func seeds() -> [[UInt8]] {
        var seeds: [[UInt8]] = []
        for type in UInt8(ascii: "A")...UInt8(ascii: "Z") {
            if let length = OUCHInboundMessage.length(ofType: type) {
                seeds.append(repaired(type: type, length: length) { raw throws(WireDecodingError) in _ = try OUCHInboundMessage(decoding: raw) })
            }
            if let length = OUCHOutboundMessage.length(ofType: type) {
                seeds.append(repaired(type: type, length: length) { raw throws(WireDecodingError) in _ = try OUCHOutboundMessage(decoding: raw) })
            }
        }
        return seeds
    }

    static func repaired(
        type: UInt8, length: Int, decodes: (UnsafeRawBufferPointer) throws(WireDecodingError) -> Void
    ) -> [UInt8] {
        // Tokens, stocks and firms are space-padded ASCII; numbers are anything.
        var bytes = [type] + (1..<length).map { UInt8(ascii: "A") + UInt8($0 % 26) }
        let candidates = Array("BSTEYNALRQ 0".utf8)
        var tried = [Int: Int]()
        while true {
            // withUnsafeBytes rethrows untyped errors; carry the typed one out as a Result.
            let outcome = bytes.withUnsafeBytes { raw in Result { () throws(WireDecodingError) in try decodes(raw) } }
            switch outcome {
            case .success:
                return bytes
            case .failure(let error):
                guard case .invalidField(_, let offset) = error, offset < length else {
                    fuzzFail("seed of type \(type) cannot be repaired: \(error)")
                }
                let attempt = tried[offset, default: 0]
                guard attempt < candidates.count else { fuzzFail("no candidate fits offset \(offset) of type \(type)") }
                bytes[offset] = candidates[attempt]
                tried[offset] = attempt + 1
            }
        }
    }
}

/// Where each type carries a Side (OUCH 4.2), written out here from the
/// spec rather than read from Wire, so the check does not trust the code it checks.
enum OUCHSideOffsets {
    static func inbound(_ type: UInt8) -> [Int] {
        type == UInt8(ascii: "O") || type == UInt8(ascii: "M") ? [15] : []
    }

    static func outbound(_ type: UInt8) -> [Int] {
        type == UInt8(ascii: "A") || type == UInt8(ascii: "U") || type == UInt8(ascii: "M") ? [23] : []
    }
}
