// Finds FIX messages in a TCP byte stream that arrives in arbitrary chunks.
// A message is `8=FIX...<SOH>9=<n><SOH>` + n body bytes + `10=ccc<SOH>`
// (PROTOCOLS.md §5); anything else is skipped or reported as garbled, which
// the session ignores without a reply.

/// Why the framer discarded what started like a message.
public enum FIXGarbledReason: Equatable, Sendable {
    /// BeginString is not followed by BodyLength (9).
    case bodyLengthNotSecond
    /// BeginString longer than any FIX version string.
    case invalidBeginString
    /// BodyLength empty, not a number, or longer than 7 digits.
    case invalidBodyLength
    /// The message would exceed the framer's maximum message size.
    case messageTooLarge(bodyLength: Int)
    /// `10=ccc<SOH>` is not where BodyLength says it is.
    case wrongBodyLength
    /// CheckSum (10) differs from the sum of the bytes.
    case badChecksum(computed: UInt8)
    /// MsgType (35) is not the third field.
    case msgTypeNotThird
}

/// The framer's output: a complete message (its byte range in the framer's
/// buffer, valid until the next `append`) or a discarded garbled message.
public enum FIXFrame: Equatable, Sendable {
    case message(Range<Int>)
    case garbled(FIXGarbledReason)
}

/// A streaming splitter of FIX messages with a bounded buffer.
///
/// Invariant: `readIndex <= buffer.count`; after every `append` and
/// drain, the buffer holds at most the last chunk plus
/// `maximumMessageBytes` of a pending message.
public struct FIXFramer {
    /// The default bound on one message, header and trailer included.
    public static let defaultMaximumMessageBytes = 16 * 1024
    /// `FIXT.1.1` and `FIX.4.4` are 7 or 8 bytes; anything past 16 is not a version.
    @usableFromInline static let maximumBeginStringBytes = 16
    /// `10=ccc<SOH>`.
    @usableFromInline static let trailerBytes = 7

    public let maximumMessageBytes: Int
    @usableFromInline var buffer: [UInt8] = []
    @usableFromInline var readIndex = 0
    @usableFromInline var skippedBytes = 0

    /// Bytes skipped while looking for a BeginString, over the framer's life.
    public var skippedGarbageBytes: Int { skippedBytes }

    public init(maximumMessageBytes: Int = FIXFramer.defaultMaximumMessageBytes) {
        precondition(maximumMessageBytes >= 64)
        self.maximumMessageBytes = maximumMessageBytes
        buffer.reserveCapacity(maximumMessageBytes * 2)
    }

    /// Bytes received but not yet returned as frames.
    public var bufferedByteCount: Int { buffer.count - readIndex }

    /// Adds bytes from the stream. Ranges from earlier frames become invalid.
    public mutating func append(_ chunk: UnsafeRawBufferPointer) {
        if readIndex > 0 {
            buffer.removeSubrange(0..<readIndex)
            readIndex = 0
        }
        buffer.append(contentsOf: chunk)
    }

    /// Calls `body` with the bytes of a frame returned by `nextFrame`.
    @inlinable
    public func withBytes<R>(of range: Range<Int>, _ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        precondition(range.upperBound <= buffer.count)
        return try buffer.withUnsafeBytes { try body(UnsafeRawBufferPointer(rebasing: $0[range])) }
    }

    /// Replaces the contents of `destination` with a frame's bytes.
    public func copyFrame(_ range: Range<Int>, into destination: inout [UInt8]) {
        precondition(range.upperBound <= buffer.count)
        destination.removeAll(keepingCapacity: true)
        destination.append(contentsOf: buffer[range])
    }

    /// The next complete or garbled message, or nil when more bytes are needed.
    @inlinable
    public mutating func nextFrame() -> FIXFrame? {
        let frame = buffer.withUnsafeBytes { scan($0) }
        precondition(readIndex <= buffer.count)
        return frame
    }

    @inlinable
    mutating func scan(_ bytes: UnsafeRawBufferPointer) -> FIXFrame? {
        let end = bytes.count
        // Find "8=FIX".
        var start = readIndex
        while true {
            if start + 5 > end {
                // Keep a possible partial "8=FI" for the next chunk.
                let keep = min(end - readIndex, 4)
                skippedBytes += end - keep - readIndex
                readIndex = end - keep
                return nil
            }
            if bytes[start] == 0x38, bytes[start + 1] == 0x3D, bytes[start + 2] == 0x46,
               bytes[start + 3] == 0x49, bytes[start + 4] == 0x58 {
                break
            }
            start += 1
        }
        skippedBytes += start - readIndex
        readIndex = start
        // BeginString value up to SOH.
        var index = start + 2
        while true {
            if index >= end { return nil }
            if bytes[index] == fixSOH { break }
            if index - (start + 2) >= FIXFramer.maximumBeginStringBytes {
                readIndex = start + 1
                return .garbled(.invalidBeginString)
            }
            index += 1
        }
        // "9=" right after.
        if index + 3 > end { return nil }
        guard bytes[index + 1] == 0x39, bytes[index + 2] == 0x3D else {
            readIndex = start + 1
            return .garbled(.bodyLengthNotSecond)
        }
        index += 3
        let digitsStart = index
        var bodyLength = 0
        while true {
            if index >= end { return nil }
            let byte = bytes[index]
            if byte == fixSOH { break }
            let digit = byte &- 0x30
            guard digit < 10, index - digitsStart < 7 else {
                readIndex = start + 1
                return .garbled(.invalidBodyLength)
            }
            bodyLength = bodyLength * 10 + Int(digit)
            index += 1
        }
        guard index > digitsStart else {
            readIndex = start + 1
            return .garbled(.invalidBodyLength)
        }
        let bodyStart = index + 1
        let bodyEnd = bodyStart + bodyLength
        let messageEnd = bodyEnd + FIXFramer.trailerBytes
        guard messageEnd - start <= maximumMessageBytes else {
            readIndex = start + 1
            return .garbled(.messageTooLarge(bodyLength: bodyLength))
        }
        if messageEnd > end { return nil }
        guard bytes[bodyEnd - 1] == fixSOH, bytes[bodyEnd] == 0x31, bytes[bodyEnd + 1] == 0x30,
              bytes[bodyEnd + 2] == 0x3D, bytes[messageEnd - 1] == fixSOH,
              bytes[bodyEnd + 3] &- 0x30 < 10, bytes[bodyEnd + 4] &- 0x30 < 10, bytes[bodyEnd + 5] &- 0x30 < 10
        else {
            // Resynchronise on the next BeginString: the real end is unknown.
            readIndex = start + 1
            return .garbled(.wrongBodyLength)
        }
        readIndex = messageEnd
        let computed = FIXChecksum.sum(bytes.baseAddress! + start, count: bodyEnd - start)
        let received = Int(bytes[bodyEnd + 3] - 0x30) * 100 + Int(bytes[bodyEnd + 4] - 0x30) * 10
            + Int(bytes[bodyEnd + 5] - 0x30)
        guard received == Int(computed) else { return .garbled(.badChecksum(computed: computed)) }
        guard bodyLength >= 5, bytes[bodyStart] == 0x33, bytes[bodyStart + 1] == 0x35, bytes[bodyStart + 2] == 0x3D else {
            return .garbled(.msgTypeNotThird)
        }
        return .message(start..<messageEnd)
    }
}
