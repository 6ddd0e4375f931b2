import Wire

/// ITCH 5.0: the input as one message (view and value decoders agree, and a
/// decoded message re-encodes to exactly the input) and as a stream of
/// message blocks (each block's message is checked the same way).
enum ITCHFuzz {
    static func run(_ bytes: UnsafeRawBufferPointer) {
        checkMessage(bytes)
        walkBlocks(bytes, zeroLengthEndsStream: true)
        walkBlocks(bytes, zeroLengthEndsStream: false)
    }

    static func checkMessage(_ bytes: UnsafeRawBufferPointer) {
        let view = try? ITCHMessageView(validating: bytes)
        let message: ITCHMessage
        do throws(WireDecodingError) {
            message = try ITCHMessage(decoding: bytes)
        } catch {
            fuzzCheck(view == nil, "the view accepted what the value decoder rejected (\(error))")
            return
        }
        guard let view else { fuzzFail("the value decoder accepted what the view rejected") }
        fuzzCheck(view.messageType == message.messageType, "view and value disagree on the type")
        fuzzCheck(view.message == message, "view and value disagree on the fields")
        fuzzCheck(
            view.stockLocate == message.stockLocate && view.trackingNumber == message.trackingNumber
                && view.timestampNs == message.timestampNs,
            "view and value disagree on the header")
        fuzzCheck(view.timestampNs <= itchMaximumTimestampNs, "a timestamp wider than 48 bits")
        fuzzCheck(message.encodedLength == bytes.count, "encoded length \(message.encodedLength) for \(bytes.count) bytes")
        // Exactly the message's size, so an encoder that writes past it is caught by the address sanitizer.
        var encoded = [UInt8](repeating: 0, count: message.encodedLength)
        let written = encoded.withUnsafeMutableBytes { message.encode(into: $0) }
        fuzzCheck(written == bytes.count, "encode wrote \(written) of \(bytes.count) bytes")
        fuzzCheck(encoded.elementsEqual(bytes), "re-encoding changed the bytes")
    }

    static func walkBlocks(_ bytes: UnsafeRawBufferPointer, zeroLengthEndsStream: Bool) {
        var reader = ITCHBlockStreamReader(bytes, zeroLengthEndsStream: zeroLengthEndsStream)
        var previousOffset = reader.offset
        // Every block takes at least its two-byte prefix, which bounds the walk.
        for _ in 0...(bytes.count / 2 + 1) {
            let view: ITCHMessageView?
            do throws(WireDecodingError) {
                view = try reader.next()
            } catch {
                fuzzCheck((try? reader.next()) == nil, "the reader went on after an error")
                return
            }
            guard let view else {
                fuzzCheck((try? reader.next()) == nil, "the reader went on after its end")
                return
            }
            fuzzCheck(reader.offset > previousOffset && reader.offset <= bytes.count, "the reader did not advance")
            previousOffset = reader.offset
            fuzzCheck(view.bytes.count == view.messageType.length, "a block of the wrong length validated")
            let start = view.bytes.baseAddress! - bytes.baseAddress!
            fuzzCheck(start >= 2 && start + view.bytes.count == reader.offset, "a view outside its block")
            checkMessage(view.bytes)
        }
        fuzzFail("the block reader did not end")
    }

    /// One message of each type with varied field bytes, and the whole set as one block stream.
    static func seeds() -> [[UInt8]] {
        var messages: [[UInt8]] = []
        for (index, type) in ITCHMessageType.allCases.enumerated() {
            var bytes = [type.rawValue]
            for offset in 1..<type.length {
                // Printable bytes in the text fields' range, but also zeros and high bytes.
                bytes.append(UInt8(truncatingIfNeeded: (offset * 37 + index * 11) % 96 + (offset % 5 == 0 ? 0 : 32)))
            }
            messages.append(bytes)
        }
        var stream: [UInt8] = []
        for message in messages {
            stream += [UInt8(message.count >> 8), UInt8(message.count & 0xFF)] + message
        }
        return messages + [stream, stream + [0, 0] + messages[0]]
    }
}
