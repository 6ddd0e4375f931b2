// A zero-copy view of one framed FIX message: a table of field locations
// over the message's bytes, filled by a reusable parser.

/// Where one field's value lies in the message bytes.
public struct FIXFieldLocation: Equatable, Sendable {
    public var tag: Int32
    public var valueStart: Int32
    public var valueEnd: Int32

    @inlinable
    public init(tag: Int32, valueStart: Int32, valueEnd: Int32) {
        self.tag = tag
        self.valueStart = valueStart
        self.valueEnd = valueEnd
    }
}

/// A syntax problem in a framed message.
public enum FIXParseError: Error, Equatable, Sendable {
    /// A field without `=`, or a message that does not end with SOH.
    case malformedField(offset: Int)
    /// A tag that is empty, not a number, zero, written with a leading zero, or longer than 9 digits.
    case nonNumericTag(offset: Int)
    /// More fields than the parser's table holds.
    case tooManyFields(limit: Int)
    /// 8, 9 and 35 are not the first three fields, or 10 is not the last.
    case headerOutOfOrder
    /// MsgType (35) is not one or two bytes.
    case invalidMsgType
    /// `tag=<SOH>`: FIX forbids empty values (Reject 373=4).
    case emptyValue(tag: Int)
    /// A tag that appears twice outside a repeating group (Reject 373=13).
    case repeatedTag(tag: Int)

    /// Whether the session answers with a Reject (the message is otherwise
    /// readable) rather than ignoring it as garbled.
    public var isRejectable: Bool {
        switch self {
        case .emptyValue, .repeatedTag: true
        default: false
        }
    }
}

/// Splits framed messages into fields, reusing one field table.
///
/// The table is raw memory of `maximumFieldCount` entries plus a bitmap of
/// the tags below `bitmapTagLimit` seen in the current message, for the
/// repeated-tag check. Copies of a parser share the table until one of them
/// parses, which then takes its own (checked once per message).
public struct FIXParser {
    /// The most fields one message may have.
    public static let defaultMaximumFieldCount = 256
    /// Tags below this are checked for repetition with a bitmap; larger ones
    /// (rare: user-defined fields) with a scan of the earlier fields.
    @usableFromInline static let bitmapTagLimit: Int32 = 1024
    @usableFromInline static let bitmapWords = 16

    public let maximumFieldCount: Int
    @usableFromInline var table: FIXByteStorage
    @usableFromInline var fields: UnsafeMutablePointer<FIXFieldLocation>
    @usableFromInline var seenTags: UnsafeMutablePointer<UInt64>

    public init(maximumFieldCount: Int = FIXParser.defaultMaximumFieldCount) {
        precondition(maximumFieldCount >= 4)
        self.maximumFieldCount = maximumFieldCount
        (table, fields, seenTags) = FIXParser.makeTable(maximumFieldCount)
    }

    @usableFromInline
    static func makeTable(_ fieldCount: Int) -> (FIXByteStorage, UnsafeMutablePointer<FIXFieldLocation>, UnsafeMutablePointer<UInt64>) {
        let bitmapBytes = bitmapWords * MemoryLayout<UInt64>.stride
        let table = FIXByteStorage(capacityBytes: bitmapBytes + fieldCount * MemoryLayout<FIXFieldLocation>.stride)
        let seenTags = table.base.bindMemory(to: UInt64.self, capacity: bitmapWords)
        let fields = (table.base + bitmapBytes).bindMemory(to: FIXFieldLocation.self, capacity: fieldCount)
        return (table, fields, seenTags)
    }

    /// Tags of repeating groups exsim understands; they may repeat.
    @inlinable
    static func mayRepeat(_ tag: Int32) -> Bool {
        tag == Int32(FIXTag.partyID) || tag == Int32(FIXTag.partyIDSource) || tag == Int32(FIXTag.partyRole)
    }

    /// The offset of the first SOH at or after `index` and before `end`, or `end`.
    /// Reads eight bytes per step while eight remain.
    @inlinable @inline(__always)
    static func findSOH(_ base: UnsafeRawPointer, from index: Int, end: Int) -> Int {
        var position = index
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        while end &- position >= 8 {
            let word = UInt64(littleEndian: base.loadUnaligned(fromByteOffset: position, as: UInt64.self))
            // A zero byte of word ^ SOH: the lowest flagged byte is always a
            // real match (only bytes above a match can be flagged falsely).
            let matched = word ^ ones
            let flags = (matched &- ones) & ~matched & highs
            if flags != 0 { return position &+ flags.trailingZeroBitCount >> 3 }
            position &+= 8
        }
        while position < end, base.load(fromByteOffset: position, as: UInt8.self) != fixSOH { position &+= 1 }
        return position
    }

    /// Parses one framed message (as returned by `FIXFramer`). The view
    /// refers to `bytes` and to this parser's field table: it is valid while
    /// `bytes` is and until this parser parses again.
    ///
    /// - Parameter tolerant: accept empty values and repeated tags, so that
    ///   a session can read the header of a message it is about to reject.
    /// - Complexity: O(n) in the message length (O(f) more per field with a
    ///   tag of 1024 or above, for the repeated-tag check).
    @inlinable
    public mutating func parse(_ bytes: UnsafeRawBufferPointer, tolerant: Bool = false) throws(FIXParseError) -> FIXMessageView {
        if !isKnownUniquelyReferenced(&table) { (table, fields, seenTags) = FIXParser.makeTable(maximumFieldCount) }
        guard bytes.count <= Int(Int32.max) else { throw .tooManyFields(limit: maximumFieldCount) }
        guard let base = bytes.baseAddress, !bytes.isEmpty else { throw .headerOutOfOrder }
        let end = bytes.count
        let fields = self.fields
        let seenTags = self.seenTags
        seenTags.update(repeating: 0, count: FIXParser.bitmapWords)
        var fieldCount = 0
        var firstEmpty: Int32 = 0
        var firstRepeated: Int32 = 0
        var index = 0
        while index < end {
            let fieldStart = index
            var tag: Int32 = 0
            var tagDigits = 0
            // Tags of one to three digits, nearly all of them, from one word.
            if end &- index >= 4 {
                let word = UInt32(littleEndian: base.loadUnaligned(fromByteOffset: index, as: UInt32.self))
                let first = UInt8(truncatingIfNeeded: word) &- 0x31
                let second = UInt8(truncatingIfNeeded: word >> 8)
                let third = UInt8(truncatingIfNeeded: word >> 16)
                if first < 9 {
                    if second == 0x3D {
                        tag = Int32(first) &+ 1
                        tagDigits = 1
                    } else if second &- 0x30 < 10 {
                        if third == 0x3D {
                            tag = (Int32(first) &+ 1) &* 10 &+ Int32(second &- 0x30)
                            tagDigits = 2
                        } else if third &- 0x30 < 10, UInt8(truncatingIfNeeded: word >> 24) == 0x3D {
                            tag = ((Int32(first) &+ 1) &* 10 &+ Int32(second &- 0x30)) &* 10 &+ Int32(third &- 0x30)
                            tagDigits = 3
                        }
                    }
                }
                index &+= tagDigits
            }
            let tagIsRead = tagDigits > 0
            while !tagIsRead {
                guard index < end else { throw .malformedField(offset: fieldStart) }
                let byte = base.load(fromByteOffset: index, as: UInt8.self)
                if byte == 0x3D { break }
                let digit = byte &- 0x30
                // A leading zero would let two spellings name one tag.
                guard digit < 10, tagDigits < 9, !(tagDigits == 0 && digit == 0) else {
                    if byte == fixSOH { throw .malformedField(offset: fieldStart) }
                    throw .nonNumericTag(offset: fieldStart)
                }
                tag = tag &* 10 &+ Int32(digit)
                tagDigits &+= 1
                index &+= 1
            }
            guard tagDigits > 0 else { throw .nonNumericTag(offset: fieldStart) }
            index &+= 1
            let valueStart = index
            index = FIXParser.findSOH(base, from: index, end: end)
            guard index < end else { throw .malformedField(offset: fieldStart) }
            guard fieldCount < maximumFieldCount else { throw .tooManyFields(limit: maximumFieldCount) }
            if index == valueStart, firstEmpty == 0 { firstEmpty = tag }
            if firstRepeated == 0, !FIXParser.mayRepeat(tag) {
                if tag < FIXParser.bitmapTagLimit {
                    let word = Int(tag >> 6)
                    let bit: UInt64 = 1 << UInt64(tag & 63)
                    if seenTags[word] & bit != 0 { firstRepeated = tag } else { seenTags[word] |= bit }
                } else {
                    for earlier in 0..<fieldCount where fields[earlier].tag == tag {
                        firstRepeated = tag
                        break
                    }
                }
            }
            // Both offsets fit: the message is no longer than Int32.max.
            fields[fieldCount] = FIXFieldLocation(
                tag: tag, valueStart: Int32(truncatingIfNeeded: valueStart), valueEnd: Int32(truncatingIfNeeded: index))
            fieldCount &+= 1
            index &+= 1
        }
        guard fieldCount >= 4, fields[0].tag == 8, fields[1].tag == 9, fields[2].tag == 35,
              fields[fieldCount - 1].tag == 10 else { throw .headerOutOfOrder }
        let msgTypeLength = fields[2].valueEnd - fields[2].valueStart
        guard msgTypeLength == 1 || msgTypeLength == 2 else { throw .invalidMsgType }
        if !tolerant {
            if firstEmpty != 0 { throw .emptyValue(tag: Int(firstEmpty)) }
            if firstRepeated != 0 { throw .repeatedTag(tag: Int(firstRepeated)) }
        }
        return FIXMessageView(bytes: bytes, fields: UnsafePointer(fields), fieldCount: fieldCount)
    }
}

/// A problem with one field's presence or value, mapped by the session to
/// a Reject with SessionRejectReason (373) and RefTagID (371).
public enum FIXFieldError: Error, Equatable, Sendable {
    /// 373=1 Required tag missing.
    case missing(tag: Int)
    /// 373=2 Tag not defined for this message type.
    case notDefinedForMsgType(tag: Int)
    /// 373=5 Value is incorrect (out of range) for this tag.
    case valueOutOfRange(tag: Int)
    /// 373=6 Incorrect data format for value.
    case badFormat(tag: Int)
    /// 373=14 Tag specified out of required order (a header field after the body).
    case headerFieldInBody(tag: Int)
    /// 373=16 Incorrect NumInGroup count for repeating group.
    case groupCountMismatch(tag: Int)

    /// The tag the problem is about.
    public var tag: Int {
        switch self {
        case .missing(let tag), .notDefinedForMsgType(let tag), .valueOutOfRange(let tag),
             .badFormat(let tag), .headerFieldInBody(let tag), .groupCountMismatch(let tag): tag
        }
    }
}

/// A parsed message: the bytes plus the location of every field in order.
///
/// Valid only while the bytes it was parsed from are, and until its parser
/// parses the next message.
public struct FIXMessageView {
    public let bytes: UnsafeRawBufferPointer
    @usableFromInline let fields: UnsafePointer<FIXFieldLocation>
    public let fieldCount: Int

    @inlinable
    init(bytes: UnsafeRawBufferPointer, fields: UnsafePointer<FIXFieldLocation>, fieldCount: Int) {
        self.bytes = bytes
        self.fields = fields
        self.fieldCount = fieldCount
    }

    @inlinable @inline(__always)
    public func field(at index: Int) -> FIXFieldLocation {
        precondition(index >= 0 && index < fieldCount)
        return fields[index]
    }

    /// The tag of field `index`.
    @inlinable @inline(__always)
    public func tag(at index: Int) -> Int32 {
        precondition(index >= 0 && index < fieldCount)
        return fields[index].tag
    }

    @inlinable @inline(__always)
    public func value(at index: Int) -> UnsafeRawBufferPointer {
        let field = self.field(at: index)
        return UnsafeRawBufferPointer(start: bytes.baseAddress! + Int(field.valueStart), count: Int(field.valueEnd - field.valueStart))
    }

    /// The value of field `index`, or nil for a negative index (a tag a
    /// one-pass decoder did not find).
    @inlinable @inline(__always)
    public func value(atIndexIfFound index: Int) -> UnsafeRawBufferPointer? {
        index < 0 ? nil : value(at: index)
    }

    /// The index of the first field with `tag`.
    /// - Complexity: O(f) in the number of fields.
    @inlinable
    public func index(of tag: Int) -> Int? {
        let wanted = Int32(truncatingIfNeeded: tag)
        for index in 0..<fieldCount where fields[index].tag == wanted { return index }
        return nil
    }

    /// The value of the first field with `tag`, or nil if absent.
    @inlinable
    public func value(of tag: Int) -> UnsafeRawBufferPointer? {
        index(of: tag).map { value(at: $0) }
    }

    /// MsgType (35), always present in a parsed view.
    @inlinable
    public var msgType: FIXMsgType { FIXMsgType(bytes: value(at: 2))! }

    /// The version named by BeginString (8), nil for any other.
    @inlinable
    public var version: FIXVersion? { FIXVersion(beginString: value(at: 0)) }

    /// The whole message's bytes up to and excluding `10=`: header and body.
    @inlinable
    public var checksummedBytes: UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(rebasing: bytes[0..<(Int(fields[fieldCount - 1].valueStart) - 3)])
    }

    // Typed field reads: nil when absent, an error when present but wrong.
    // Each comes by tag (a scan of the fields) and by field index, where a
    // negative index means absent: one-pass decoders locate their tags first.

    @inlinable
    public func integer(_ tag: Int) throws(FIXFieldError) -> Int64? {
        try integer(at: index(of: tag) ?? -1, tag: tag)
    }

    @inlinable @inline(__always)
    public func integer(at index: Int, tag: Int) throws(FIXFieldError) -> Int64? {
        guard let text = value(atIndexIfFound: index) else { return nil }
        guard let number = FIXNumberText.integer(text) else { throw .badFormat(tag: tag) }
        return number
    }

    @inlinable
    public func requiredInteger(_ tag: Int) throws(FIXFieldError) -> Int64 {
        try requiredInteger(at: index(of: tag) ?? -1, tag: tag)
    }

    @inlinable @inline(__always)
    public func requiredInteger(at index: Int, tag: Int) throws(FIXFieldError) -> Int64 {
        guard let number = try integer(at: index, tag: tag) else { throw .missing(tag: tag) }
        return number
    }

    @inlinable
    public func decimal(_ tag: Int, impliedDecimals: Int) throws(FIXFieldError) -> Int64? {
        try decimal(at: index(of: tag) ?? -1, tag: tag, impliedDecimals: impliedDecimals)
    }

    @inlinable @inline(__always)
    public func decimal(at index: Int, tag: Int, impliedDecimals: Int) throws(FIXFieldError) -> Int64? {
        guard let text = value(atIndexIfFound: index) else { return nil }
        guard let number = FIXNumberText.decimal(text, impliedDecimals: impliedDecimals) else {
            throw .badFormat(tag: tag)
        }
        return number
    }

    @inlinable
    public func requiredDecimal(_ tag: Int, impliedDecimals: Int) throws(FIXFieldError) -> Int64 {
        try requiredDecimal(at: index(of: tag) ?? -1, tag: tag, impliedDecimals: impliedDecimals)
    }

    @inlinable @inline(__always)
    public func requiredDecimal(at index: Int, tag: Int, impliedDecimals: Int) throws(FIXFieldError) -> Int64 {
        guard let number = try decimal(at: index, tag: tag, impliedDecimals: impliedDecimals) else {
            throw .missing(tag: tag)
        }
        return number
    }

    @inlinable
    public func utcTimestampNs(_ tag: Int) throws(FIXFieldError) -> Int64? {
        try utcTimestampNs(at: index(of: tag) ?? -1, tag: tag)
    }

    @inlinable @inline(__always)
    public func utcTimestampNs(at index: Int, tag: Int) throws(FIXFieldError) -> Int64? {
        guard let text = value(atIndexIfFound: index) else { return nil }
        guard let time = FIXUTCTimestamp.parse(text) else { throw .badFormat(tag: tag) }
        return time
    }

    @inlinable
    public func requiredUTCTimestampNs(_ tag: Int) throws(FIXFieldError) -> Int64 {
        try requiredUTCTimestampNs(at: index(of: tag) ?? -1, tag: tag)
    }

    @inlinable @inline(__always)
    public func requiredUTCTimestampNs(at index: Int, tag: Int) throws(FIXFieldError) -> Int64 {
        guard let time = try utcTimestampNs(at: index, tag: tag) else { throw .missing(tag: tag) }
        return time
    }

    /// A char field; a value longer than one byte is a format error.
    @inlinable
    public func character(_ tag: Int) throws(FIXFieldError) -> UInt8? {
        try character(at: index(of: tag) ?? -1, tag: tag)
    }

    @inlinable @inline(__always)
    public func character(at index: Int, tag: Int) throws(FIXFieldError) -> UInt8? {
        guard let text = value(atIndexIfFound: index) else { return nil }
        guard text.count == 1 else { throw .badFormat(tag: tag) }
        return text[0]
    }

    @inlinable
    public func requiredCharacter(_ tag: Int) throws(FIXFieldError) -> UInt8 {
        try requiredCharacter(at: index(of: tag) ?? -1, tag: tag)
    }

    @inlinable @inline(__always)
    public func requiredCharacter(at index: Int, tag: Int) throws(FIXFieldError) -> UInt8 {
        guard let byte = try character(at: index, tag: tag) else { throw .missing(tag: tag) }
        return byte
    }

    /// A Boolean field (`Y` or `N`).
    @inlinable
    public func boolean(_ tag: Int) throws(FIXFieldError) -> Bool? {
        guard let byte = try character(tag) else { return nil }
        switch byte {
        case 0x59: return true
        case 0x4E: return false
        default: throw .valueOutOfRange(tag: tag)
        }
    }

    /// A string field of at most `FIXString.capacity` bytes.
    @inlinable
    public func string(_ tag: Int) throws(FIXFieldError) -> FIXString? {
        try string(at: index(of: tag) ?? -1, tag: tag)
    }

    @inlinable @inline(__always)
    public func string(at index: Int, tag: Int) throws(FIXFieldError) -> FIXString? {
        guard let text = value(atIndexIfFound: index) else { return nil }
        // A parsed value holds no SOH; only its length needs checking.
        guard text.count <= FIXString.capacity else { throw .badFormat(tag: tag) }
        return FIXString(unchecked: text)
    }

    @inlinable
    public func requiredString(_ tag: Int) throws(FIXFieldError) -> FIXString {
        try requiredString(at: index(of: tag) ?? -1, tag: tag)
    }

    @inlinable @inline(__always)
    public func requiredString(at index: Int, tag: Int) throws(FIXFieldError) -> FIXString {
        guard let string = try string(at: index, tag: tag) else { throw .missing(tag: tag) }
        return string
    }

    /// Free text, cut to `FIXString.capacity` bytes.
    @inlinable
    public func text(_ tag: Int) -> FIXString? {
        text(at: index(of: tag) ?? -1)
    }

    @inlinable @inline(__always)
    public func text(at index: Int) -> FIXString? {
        guard let text = value(atIndexIfFound: index) else { return nil }
        return FIXString(unchecked: UnsafeRawBufferPointer(rebasing: text.prefix(FIXString.capacity)))
    }
}
