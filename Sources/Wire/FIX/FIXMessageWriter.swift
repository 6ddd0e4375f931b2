// The tag=value encoder: fields go into one reused raw buffer, and `finish`
// puts BeginString (8) and BodyLength (9) in front and CheckSum (10) behind
// (PROTOCOLS.md §5 framing).

/// Writes FIX messages into a reusable buffer.
///
/// Usage: `startMessage(_:)`, then `append` each field after MsgType in
/// order, then `finish(_:)`; read the result with `withMessageBytes` or
/// `messageBytes`. Fields are written through a cursor into raw memory; each
/// field checks the room once, and the buffer doubles when a field would not
/// fit. Once it has grown to the largest message written, writing allocates
/// nothing.
///
/// Copies of a writer share the buffer until one of them starts a message,
/// which then takes its own (checked once per message).
public struct FIXMessageWriter {
    /// Room in front of the body for `8=FIX.4.x<SOH>9=<up to 7 digits><SOH>`.
    @usableFromInline static let headerRoomBytes = 20
    /// The largest BodyLength that fits the room kept for field 9.
    public static let maximumBodyLengthBytes = 9_999_999
    /// The most a tag and its `=` take: nine digits (FIXParser's limit) and `=`.
    @usableFromInline static let tagRoomBytes = 10
    /// `10=ccc<SOH>`.
    @usableFromInline static let trailerBytes = 7

    @usableFromInline var storage: FIXByteStorage
    /// `storage.base`, kept alongside so that appends need no class access.
    @usableFromInline var base: UnsafeMutableRawPointer
    @usableFromInline var capacityBytes: Int
    /// Where the next byte goes.
    @usableFromInline var cursor: Int = 0
    @usableFromInline var messageStart: Int = 0
    @usableFromInline var isWriting = false
    @usableFromInline var isFinished = false
    /// The day (since the epoch) whose `YYYYMMDD` text is in `cachedDateText`.
    @usableFromInline var cachedDay: Int64 = Int64.min
    @usableFromInline var cachedDateText: UInt64 = 0

    /// - Parameter reservingCapacityBytes: the size the buffer starts with.
    public init(reservingCapacityBytes: Int = 1024) {
        let capacity = max(reservingCapacityBytes, FIXMessageWriter.headerRoomBytes + 256)
        storage = FIXByteStorage(capacityBytes: capacity)
        base = storage.base
        capacityBytes = capacity
    }

    /// Begins a message: discards the previous one and writes MsgType (35).
    @inlinable
    public mutating func startMessage(_ msgType: FIXMsgType) {
        if !isKnownUniquelyReferenced(&storage) {
            storage = FIXByteStorage(capacityBytes: capacityBytes)
            base = storage.base
        }
        isFinished = false
        isWriting = true
        messageStart = 0
        let start = base + FIXMessageWriter.headerRoomBytes
        // "35=" and the type's one or two bytes.
        start.storeBytes(of: UInt32(0x3D_35_33 | UInt32(msgType.first) << 24).littleEndian, as: UInt32.self)
        if msgType.second != 0 {
            start.storeBytes(of: UInt16(UInt16(msgType.second) | UInt16(fixSOH) << 8).littleEndian, toByteOffset: 4, as: UInt16.self)
            cursor = FIXMessageWriter.headerRoomBytes + 6
        } else {
            start.storeBytes(of: fixSOH, toByteOffset: 4, as: UInt8.self)
            cursor = FIXMessageWriter.headerRoomBytes + 5
        }
    }

    /// Makes room for `bytes` more bytes of the current message.
    @inlinable @inline(__always)
    mutating func reserve(_ bytes: Int) {
        precondition(isWriting, "startMessage before appending fields")
        if cursor &+ bytes > capacityBytes { grow(toHold: cursor &+ bytes) }
    }

    @usableFromInline @inline(never)
    mutating func grow(toHold bytes: Int) {
        var capacity = capacityBytes
        while capacity < bytes { capacity *= 2 }
        storage = storage.copy(capacityBytes: capacity, keptBytes: cursor)
        base = storage.base
        capacityBytes = capacity
    }

    /// Writes `tag=`; the room must be reserved.
    @inlinable @inline(__always)
    mutating func writeTag(_ tag: Int) {
        precondition(tag > 0 && tag <= 999_999_999)
        let value = UInt64(tag)
        if value < 100 {
            if value < 10 {
                (base + cursor).storeBytes(of: UInt16(0x3D30 | UInt16(value)).littleEndian, as: UInt16.self)
                cursor &+= 2
            } else {
                (base + cursor).storeBytes(of: FIXDigits.pair(value).littleEndian, as: UInt16.self)
                (base + cursor).storeBytes(of: UInt8(0x3D), toByteOffset: 2, as: UInt8.self)
                cursor &+= 3
            }
            return
        }
        let digits = FIXDigits.count(value)
        FIXDigits.write(value, width: digits, endingAt: base + cursor + digits)
        (base + cursor).storeBytes(of: UInt8(0x3D), toByteOffset: digits, as: UInt8.self)
        cursor &+= digits &+ 1
    }

    @inlinable @inline(__always)
    mutating func writeByte(_ byte: UInt8) {
        (base + cursor).storeBytes(of: byte, as: UInt8.self)
        cursor &+= 1
    }

    @inlinable @inline(__always)
    mutating func writeDigits(_ value: UInt64) {
        let digits = FIXDigits.count(value)
        FIXDigits.write(value, width: digits, endingAt: base + cursor + digits)
        cursor &+= digits
    }

    /// An Int, SeqNum, Length or integral Qty field.
    @inlinable
    public mutating func append(tag: Int, integer value: Int64) {
        reserve(FIXMessageWriter.tagRoomBytes + 22)
        writeTag(tag)
        if value < 0 { writeByte(0x2D) }
        writeDigits(value.magnitude)
        writeByte(fixSOH)
    }

    /// A char or Boolean field (`54=1`, `43=Y`).
    @inlinable
    public mutating func append(tag: Int, character: UInt8) {
        precondition(character != fixSOH)
        reserve(FIXMessageWriter.tagRoomBytes + 2)
        writeTag(tag)
        (base + cursor).storeBytes(of: UInt16(UInt16(character) | UInt16(fixSOH) << 8).littleEndian, as: UInt16.self)
        cursor &+= 2
    }

    /// A MsgType-valued field (RefMsgType 372).
    @inlinable
    public mutating func append(tag: Int, msgType: FIXMsgType) {
        reserve(FIXMessageWriter.tagRoomBytes + 3)
        writeTag(tag)
        writeByte(msgType.first)
        if msgType.second != 0 { writeByte(msgType.second) }
        writeByte(fixSOH)
    }

    /// A string field from raw bytes, which must be non-empty and free of SOH.
    @inlinable
    public mutating func append(tag: Int, bytes: UnsafeRawBufferPointer) {
        precondition(!bytes.isEmpty, "FIX forbids empty values; omit the field instead")
        for byte in bytes { precondition(byte != fixSOH) }
        reserve(FIXMessageWriter.tagRoomBytes + bytes.count + 1)
        writeTag(tag)
        (base + cursor).copyMemory(from: bytes.baseAddress!, byteCount: bytes.count)
        cursor &+= bytes.count
        writeByte(fixSOH)
    }

    /// A string field; the string must be non-empty. (A `FIXString` holds no
    /// SOH, and its whole inline storage is copied at once.)
    @inlinable
    public mutating func append(tag: Int, string: FIXString) {
        precondition(!string.isEmpty, "FIX forbids empty values; omit the field instead")
        reserve(FIXMessageWriter.tagRoomBytes + FIXString.capacity + 1)
        writeTag(tag)
        let destination = base + cursor
        withUnsafeBytes(of: string.words) { destination.copyMemory(from: $0.baseAddress!, byteCount: FIXString.capacity) }
        cursor &+= string.count
        writeByte(fixSOH)
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
        reserve(FIXMessageWriter.tagRoomBytes + 42)
        writeTag(tag)
        if value < 0 { writeByte(0x2D) }
        var divisor: UInt64 = 1
        for _ in 0..<impliedDecimals { divisor &*= 10 }
        let magnitude = value.magnitude
        writeDigits(magnitude / divisor)
        var fraction = magnitude % divisor
        if fraction != 0 {
            var fractionDigits = impliedDecimals
            while fraction % 10 == 0 {
                fraction /= 10
                fractionDigits &-= 1
            }
            writeByte(0x2E)
            FIXDigits.write(fraction, width: fractionDigits, endingAt: base + cursor + fractionDigits)
            cursor &+= fractionDigits
        }
        writeByte(fixSOH)
    }

    /// A UTCTimestamp with millisecond precision, `YYYYMMDD-HH:MM:SS.sss`.
    /// The date part is kept from the previous timestamp of the same day.
    @inlinable
    public mutating func append(tag: Int, utcTimestampNs: Int64) {
        reserve(FIXMessageWriter.tagRoomBytes + FIXUTCTimestamp.millisecondTextBytes + 1)
        writeTag(tag)
        var days = utcTimestampNs / FIXUTCTimestamp.nanosecondsPerDay
        var nanosOfDay = utcTimestampNs % FIXUTCTimestamp.nanosecondsPerDay
        if nanosOfDay < 0 {
            nanosOfDay += FIXUTCTimestamp.nanosecondsPerDay
            days -= 1
        }
        if days != cachedDay, !cacheDate(days: days) {
            // Outside years 0...9999: the clamping writer.
            FIXUTCTimestamp.writeMillisecondText(
                utcTimestampNs,
                into: UnsafeMutableRawBufferPointer(start: base + cursor, count: FIXUTCTimestamp.millisecondTextBytes))
            cursor &+= FIXUTCTimestamp.millisecondTextBytes
            writeByte(fixSOH)
            return
        }
        let text = base + cursor
        text.storeBytes(of: cachedDateText, as: UInt64.self)
        let millisOfDay = UInt64(nanosOfDay / 1_000_000)
        let secondsOfDay = millisOfDay / 1000
        let minutesOfDay = secondsOfDay / 60
        let hour = minutesOfDay / 60
        // "-HH:MM:SS.sss" then SOH.
        text.storeBytes(of: UInt8(0x2D), toByteOffset: 8, as: UInt8.self)
        text.storeBytes(of: FIXDigits.pair(hour).littleEndian, toByteOffset: 9, as: UInt16.self)
        text.storeBytes(of: UInt8(0x3A), toByteOffset: 11, as: UInt8.self)
        text.storeBytes(of: FIXDigits.pair(minutesOfDay &- hour &* 60).littleEndian, toByteOffset: 12, as: UInt16.self)
        text.storeBytes(of: UInt8(0x3A), toByteOffset: 14, as: UInt8.self)
        text.storeBytes(of: FIXDigits.pair(secondsOfDay &- minutesOfDay &* 60).littleEndian, toByteOffset: 15, as: UInt16.self)
        text.storeBytes(of: UInt8(0x2E), toByteOffset: 17, as: UInt8.self)
        FIXDigits.write(millisOfDay &- secondsOfDay &* 1000, width: 3, endingAt: text + 21)
        text.storeBytes(of: fixSOH, toByteOffset: 21, as: UInt8.self)
        cursor &+= FIXUTCTimestamp.millisecondTextBytes &+ 1
    }

    /// Formats `YYYYMMDD` of `days` into the cache; false outside years 0...9999.
    @usableFromInline
    mutating func cacheDate(days: Int64) -> Bool {
        let (year, month, day) = FIXUTCTimestamp.civilDate(daysSinceEpoch: days)
        guard year >= 0 && year <= 9999 else { return false }
        withUnsafeMutableBytes(of: &cachedDateText) { text in
            FIXDigits.write(UInt64(year), width: 4, endingAt: text.baseAddress! + 4)
            FIXDigits.write(UInt64(month), width: 2, endingAt: text.baseAddress! + 6)
            FIXDigits.write(UInt64(day), width: 2, endingAt: text.baseAddress! + 8)
        }
        cachedDay = days
        return true
    }

    /// Already encoded `tag=value<SOH>` fields, copied as they are.
    @inlinable
    public mutating func appendEncodedFields(_ fields: UnsafeRawBufferPointer) {
        reserve(fields.count)
        guard let source = fields.baseAddress, !fields.isEmpty else { return }
        (base + cursor).copyMemory(from: source, byteCount: fields.count)
        cursor &+= fields.count
    }

    /// The number of body bytes written so far (the future BodyLength).
    @inlinable
    public var bodyByteCount: Int { cursor - FIXMessageWriter.headerRoomBytes }

    /// Completes the message: writes BeginString and BodyLength in front of
    /// the body and the 3-digit CheckSum after it.
    @inlinable
    public mutating func finish(_ version: FIXVersion) {
        precondition(isWriting, "startMessage before finish")
        let bodyLength = bodyByteCount
        precondition(bodyLength <= FIXMessageWriter.maximumBodyLengthBytes)
        reserve(FIXMessageWriter.trailerBytes)
        // Right-align `8=FIX.4.x<SOH>9=<length><SOH>` against the body.
        let lengthDigits = FIXDigits.count(UInt64(bodyLength))
        let lengthEnd = FIXMessageWriter.headerRoomBytes - 1
        base.storeBytes(of: fixSOH, toByteOffset: lengthEnd, as: UInt8.self)
        FIXDigits.write(UInt64(bodyLength), width: lengthDigits, endingAt: base + lengthEnd)
        let start = lengthEnd - lengthDigits - 12
        // "8=FIX.4." then the version digit, SOH, "9=".
        (base + start).storeBytes(of: UInt64(0x2E34_2E58_4946_3D38).littleEndian, as: UInt64.self)
        let versionDigit: UInt32 = version == .fix42 ? 0x32 : 0x34
        (base + start).storeBytes(of: (versionDigit | 0x3D_39_01_00).littleEndian, toByteOffset: 8, as: UInt32.self)
        messageStart = start
        let sum = UInt64(FIXChecksum.sum(base + start, count: cursor - start))
        let hundreds = sum / 100
        let trailer = base + cursor
        // "10=" then three digits and SOH.
        trailer.storeBytes(of: UInt32(0x3D_30_31 | UInt32(0x30 &+ hundreds) << 24).littleEndian, as: UInt32.self)
        trailer.storeBytes(of: FIXDigits.pair(sum &- hundreds &* 100).littleEndian, toByteOffset: 4, as: UInt16.self)
        trailer.storeBytes(of: fixSOH, toByteOffset: 6, as: UInt8.self)
        cursor &+= FIXMessageWriter.trailerBytes
        isWriting = false
        isFinished = true
    }

    /// Calls `body` with the finished message's bytes.
    @inlinable
    public func withMessageBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        precondition(isFinished, "finish the message first")
        return try body(UnsafeRawBufferPointer(start: base + messageStart, count: cursor - messageStart))
    }

    /// The finished message's bytes, copied.
    public var messageBytes: ArraySlice<UInt8> {
        withMessageBytes { ArraySlice($0) }
    }
}
