// The tag=value encoder: fields go into one reused byte array, and
// `finish` puts BeginString (8) and BodyLength (9) in front and CheckSum (10)
// behind (PROTOCOLS.md §5 framing).

/// Writes FIX messages into a reusable buffer.
///
/// Usage: `startMessage(_:)`, then `append` each field after MsgType in
/// order, then `finish(_:)`; read the result with `withMessageBytes` or
/// `messageBytes`. Once the buffer has grown to the largest message written,
/// writing allocates nothing (provided no `messageBytes` slice is kept alive
/// across the next `startMessage`, which would force a copy).
public struct FIXMessageWriter {
    /// Room in front of the body for `8=FIX.4.x<SOH>9=<up to 7 digits><SOH>`.
    @usableFromInline static let headerRoomBytes = 20
    /// The largest BodyLength that fits the room kept for field 9.
    public static let maximumBodyLengthBytes = 9_999_999

    @usableFromInline var storage: [UInt8]
    @usableFromInline var messageStart: Int = 0
    @usableFromInline var isFinished = false

    /// - Parameter reservingCapacityBytes: the size the buffer starts with.
    public init(reservingCapacityBytes: Int = 1024) {
        storage = []
        storage.reserveCapacity(max(reservingCapacityBytes, FIXMessageWriter.headerRoomBytes + 64))
    }

    /// Begins a message: discards the previous one and writes MsgType (35).
    @inlinable
    public mutating func startMessage(_ msgType: FIXMsgType) {
        storage.removeAll(keepingCapacity: true)
        for _ in 0..<FIXMessageWriter.headerRoomBytes { storage.append(0) }
        isFinished = false
        messageStart = 0
        appendTag(FIXTag.msgType)
        storage.append(msgType.first)
        if msgType.second != 0 { storage.append(msgType.second) }
        storage.append(fixSOH)
    }

    @inlinable
    mutating func appendTag(_ tag: Int) {
        precondition(!isFinished && !storage.isEmpty, "startMessage before appending fields")
        precondition(tag > 0)
        appendDigits(UInt64(tag))
        storage.append(0x3D)
    }

    @inlinable
    mutating func appendDigits(_ value: UInt64) {
        var digitCount = 1
        var bound: UInt64 = 10
        while value >= bound, digitCount < 20 {
            digitCount += 1
            let (next, overflow) = bound.multipliedReportingOverflow(by: 10)
            if overflow { break }
            bound = next
        }
        let end = storage.count + digitCount
        for _ in 0..<digitCount { storage.append(0x30) }
        var rest = value
        var index = end - 1
        while index >= end - digitCount {
            storage[index] = UInt8(truncatingIfNeeded: 0x30 + rest % 10)
            rest /= 10
            index -= 1
        }
    }

    /// An Int, SeqNum, Length or integral Qty field.
    @inlinable
    public mutating func append(tag: Int, integer value: Int64) {
        appendTag(tag)
        if value < 0 { storage.append(0x2D) }
        appendDigits(value.magnitude)
        storage.append(fixSOH)
    }

    /// A char or Boolean field (`54=1`, `43=Y`).
    @inlinable
    public mutating func append(tag: Int, character: UInt8) {
        precondition(character != fixSOH)
        appendTag(tag)
        storage.append(character)
        storage.append(fixSOH)
    }

    /// A MsgType-valued field (RefMsgType 372).
    @inlinable
    public mutating func append(tag: Int, msgType: FIXMsgType) {
        appendTag(tag)
        storage.append(msgType.first)
        if msgType.second != 0 { storage.append(msgType.second) }
        storage.append(fixSOH)
    }

    /// A string field from raw bytes, which must be non-empty and free of SOH.
    @inlinable
    public mutating func append(tag: Int, bytes: UnsafeRawBufferPointer) {
        precondition(!bytes.isEmpty, "FIX forbids empty values; omit the field instead")
        appendTag(tag)
        for byte in bytes {
            precondition(byte != fixSOH)
            storage.append(byte)
        }
        storage.append(fixSOH)
    }

    /// A string field; the string must be non-empty.
    @inlinable
    public mutating func append(tag: Int, string: FIXString) {
        string.withBytes { append(tag: tag, bytes: $0) }
    }

    /// A string field from a `StaticString` (fixed texts of the session layer).
    @inlinable
    public mutating func append(tag: Int, text: StaticString) {
        text.withUTF8Buffer { append(tag: tag, bytes: UnsafeRawBufferPointer($0)) }
    }

    /// A fixed-point Price or Qty: `value` with `impliedDecimals` decimals,
    /// written without trailing fraction zeros (1_012_500 with 4 → `101.25`).
    @inlinable
    public mutating func append(tag: Int, decimal value: Int64, impliedDecimals: Int) {
        precondition(impliedDecimals >= 0 && impliedDecimals <= 18)
        appendTag(tag)
        if value < 0 { storage.append(0x2D) }
        var divisor: UInt64 = 1
        for _ in 0..<impliedDecimals { divisor *= 10 }
        let magnitude = value.magnitude
        appendDigits(magnitude / divisor)
        var fraction = magnitude % divisor
        if fraction != 0 {
            var fractionDigits = impliedDecimals
            while fraction % 10 == 0 {
                fraction /= 10
                fractionDigits -= 1
            }
            storage.append(0x2E)
            let end = storage.count + fractionDigits
            for _ in 0..<fractionDigits { storage.append(0x30) }
            var index = end - 1
            while fraction > 0 {
                storage[index] = UInt8(truncatingIfNeeded: 0x30 + fraction % 10)
                fraction /= 10
                index -= 1
            }
        }
        storage.append(fixSOH)
    }

    /// A UTCTimestamp with millisecond precision, `YYYYMMDD-HH:MM:SS.sss`.
    @inlinable
    public mutating func append(tag: Int, utcTimestampNs: Int64) {
        appendTag(tag)
        let start = storage.count
        for _ in 0..<FIXUTCTimestamp.millisecondTextBytes { storage.append(0x30) }
        storage.withUnsafeMutableBytes { raw in
            FIXUTCTimestamp.writeMillisecondText(
                utcTimestampNs,
                into: UnsafeMutableRawBufferPointer(rebasing: raw[start..<(start + FIXUTCTimestamp.millisecondTextBytes)])
            )
        }
        storage.append(fixSOH)
    }

    /// Already encoded `tag=value<SOH>` fields, copied as they are.
    @inlinable
    public mutating func appendEncodedFields(_ fields: UnsafeRawBufferPointer) {
        precondition(!isFinished && !storage.isEmpty, "startMessage before appending fields")
        storage.append(contentsOf: fields)
    }

    /// The number of body bytes written so far (the future BodyLength).
    @inlinable
    public var bodyByteCount: Int { storage.count - FIXMessageWriter.headerRoomBytes }

    /// Completes the message: writes BeginString and BodyLength in front of
    /// the body and the 3-digit CheckSum after it.
    @inlinable
    public mutating func finish(_ version: FIXVersion) {
        precondition(!isFinished && !storage.isEmpty, "startMessage before finish")
        let bodyLength = bodyByteCount
        precondition(bodyLength <= FIXMessageWriter.maximumBodyLengthBytes)
        var checksum: UInt32 = 0
        storage.withUnsafeMutableBytes { raw in
            // Right-align `8=FIX.4.x<SOH>9=<length><SOH>` against the body.
            var index = FIXMessageWriter.headerRoomBytes - 1
            raw[index] = fixSOH
            var rest = bodyLength
            repeat {
                index -= 1
                raw[index] = UInt8(truncatingIfNeeded: 0x30 + rest % 10)
                rest /= 10
            } while rest > 0
            let prefix: StaticString = "8=FIX.4.2\u{01}9="
            index -= prefix.utf8CodeUnitCount
            prefix.withUTF8Buffer { text in
                for offset in 0..<text.count { raw[index + offset] = text[offset] }
            }
            raw[index + 8] = version == .fix42 ? 0x32 : 0x34
            messageStart = index
            for byte in raw[index...] { checksum &+= UInt32(byte) }
        }
        appendTag(FIXTag.checkSum)
        let sum = checksum % 256
        storage.append(UInt8(truncatingIfNeeded: 0x30 + sum / 100))
        storage.append(UInt8(truncatingIfNeeded: 0x30 + sum / 10 % 10))
        storage.append(UInt8(truncatingIfNeeded: 0x30 + sum % 10))
        storage.append(fixSOH)
        isFinished = true
    }

    /// Calls `body` with the finished message's bytes.
    @inlinable
    public func withMessageBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        precondition(isFinished, "finish the message first")
        return try storage.withUnsafeBytes { raw in
            try body(UnsafeRawBufferPointer(rebasing: raw[messageStart...]))
        }
    }

    /// The finished message's bytes.
    public var messageBytes: ArraySlice<UInt8> {
        precondition(isFinished, "finish the message first")
        return storage[messageStart...]
    }
}
