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
public struct FIXParser {
    /// The most fields one message may have.
    public static let defaultMaximumFieldCount = 256

    public let maximumFieldCount: Int
    @usableFromInline var fields: [FIXFieldLocation] = []

    public init(maximumFieldCount: Int = FIXParser.defaultMaximumFieldCount) {
        precondition(maximumFieldCount >= 4)
        self.maximumFieldCount = maximumFieldCount
        fields.reserveCapacity(maximumFieldCount)
    }

    /// Tags of repeating groups exsim understands; they may repeat.
    @inlinable
    static func mayRepeat(_ tag: Int32) -> Bool {
        tag == Int32(FIXTag.partyID) || tag == Int32(FIXTag.partyIDSource) || tag == Int32(FIXTag.partyRole)
    }

    /// Parses one framed message (as returned by `FIXFramer`). The view
    /// refers to `bytes`, which must outlive it.
    ///
    /// - Parameter tolerant: accept empty values and repeated tags, so that
    ///   a session can read the header of a message it is about to reject.
    /// - Complexity: O(n) in the message length plus O(f²) in the field
    ///   count for the repeated-tag check.
    @inlinable
    public mutating func parse(_ bytes: UnsafeRawBufferPointer, tolerant: Bool = false) throws(FIXParseError) -> FIXMessageView {
        fields.removeAll(keepingCapacity: true)
        guard bytes.count <= Int(Int32.max) else { throw .tooManyFields(limit: maximumFieldCount) }
        var firstProblem: FIXParseError? = nil
        var index = 0
        while index < bytes.count {
            let fieldStart = index
            var tag: Int32 = 0
            var tagDigits = 0
            while index < bytes.count, bytes[index] != 0x3D {
                let digit = bytes[index] &- 0x30
                // A leading zero would let two spellings name one tag.
                guard digit < 10, tagDigits < 9, !(tagDigits == 0 && digit == 0) else {
                    if bytes[index] == fixSOH { throw .malformedField(offset: fieldStart) }
                    throw .nonNumericTag(offset: fieldStart)
                }
                tag = tag * 10 + Int32(digit)
                tagDigits += 1
                index += 1
            }
            guard index < bytes.count else { throw .malformedField(offset: fieldStart) }
            guard tagDigits > 0, tag > 0 else { throw .nonNumericTag(offset: fieldStart) }
            index += 1
            let valueStart = index
            while index < bytes.count, bytes[index] != fixSOH { index += 1 }
            guard index < bytes.count else { throw .malformedField(offset: fieldStart) }
            guard fields.count < maximumFieldCount else { throw .tooManyFields(limit: maximumFieldCount) }
            if index == valueStart, firstProblem == nil { firstProblem = .emptyValue(tag: Int(tag)) }
            fields.append(FIXFieldLocation(tag: tag, valueStart: Int32(valueStart), valueEnd: Int32(index)))
            index += 1
        }
        guard fields.count >= 4, fields[0].tag == 8, fields[1].tag == 9, fields[2].tag == 35,
              fields[fields.count - 1].tag == 10 else { throw .headerOutOfOrder }
        let msgTypeLength = fields[2].valueEnd - fields[2].valueStart
        guard msgTypeLength == 1 || msgTypeLength == 2 else { throw .invalidMsgType }
        for later in 1..<fields.count where firstProblem == nil {
            let tag = fields[later].tag
            if FIXParser.mayRepeat(tag) { continue }
            for earlier in 0..<later where fields[earlier].tag == tag {
                firstProblem = .repeatedTag(tag: Int(tag))
                break
            }
        }
        if let firstProblem, !tolerant { throw firstProblem }
        return FIXMessageView(bytes: bytes, fields: fields)
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
/// Valid only while the bytes it was parsed from are.
public struct FIXMessageView {
    public let bytes: UnsafeRawBufferPointer
    @usableFromInline let fields: [FIXFieldLocation]

    @inlinable
    init(bytes: UnsafeRawBufferPointer, fields: [FIXFieldLocation]) {
        self.bytes = bytes
        self.fields = fields
    }

    @inlinable public var fieldCount: Int { fields.count }

    @inlinable
    public func field(at index: Int) -> FIXFieldLocation { fields[index] }

    @inlinable
    public func value(at index: Int) -> UnsafeRawBufferPointer {
        let field = fields[index]
        return UnsafeRawBufferPointer(rebasing: bytes[Int(field.valueStart)..<Int(field.valueEnd)])
    }

    /// The index of the first field with `tag`.
    /// - Complexity: O(f) in the number of fields.
    @inlinable
    public func index(of tag: Int) -> Int? {
        let wanted = Int32(truncatingIfNeeded: tag)
        for index in 0..<fields.count where fields[index].tag == wanted { return index }
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
        UnsafeRawBufferPointer(rebasing: bytes[0..<(Int(fields[fields.count - 1].valueStart) - 3)])
    }

    // Typed field reads: nil when absent, an error when present but wrong.

    @inlinable
    public func integer(_ tag: Int) throws(FIXFieldError) -> Int64? {
        guard let text = value(of: tag) else { return nil }
        guard let number = FIXNumberText.integer(text) else { throw .badFormat(tag: tag) }
        return number
    }

    @inlinable
    public func requiredInteger(_ tag: Int) throws(FIXFieldError) -> Int64 {
        guard let number = try integer(tag) else { throw .missing(tag: tag) }
        return number
    }

    @inlinable
    public func decimal(_ tag: Int, impliedDecimals: Int) throws(FIXFieldError) -> Int64? {
        guard let text = value(of: tag) else { return nil }
        guard let number = FIXNumberText.decimal(text, impliedDecimals: impliedDecimals) else {
            throw .badFormat(tag: tag)
        }
        return number
    }

    @inlinable
    public func requiredDecimal(_ tag: Int, impliedDecimals: Int) throws(FIXFieldError) -> Int64 {
        guard let number = try decimal(tag, impliedDecimals: impliedDecimals) else { throw .missing(tag: tag) }
        return number
    }

    @inlinable
    public func utcTimestampNs(_ tag: Int) throws(FIXFieldError) -> Int64? {
        guard let text = value(of: tag) else { return nil }
        guard let time = FIXUTCTimestamp.parse(text) else { throw .badFormat(tag: tag) }
        return time
    }

    @inlinable
    public func requiredUTCTimestampNs(_ tag: Int) throws(FIXFieldError) -> Int64 {
        guard let time = try utcTimestampNs(tag) else { throw .missing(tag: tag) }
        return time
    }

    /// A char field; a value longer than one byte is a format error.
    @inlinable
    public func character(_ tag: Int) throws(FIXFieldError) -> UInt8? {
        guard let text = value(of: tag) else { return nil }
        guard text.count == 1 else { throw .badFormat(tag: tag) }
        return text[0]
    }

    @inlinable
    public func requiredCharacter(_ tag: Int) throws(FIXFieldError) -> UInt8 {
        guard let byte = try character(tag) else { throw .missing(tag: tag) }
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
        guard let text = value(of: tag) else { return nil }
        guard let string = FIXString(bytes: text) else { throw .badFormat(tag: tag) }
        return string
    }

    @inlinable
    public func requiredString(_ tag: Int) throws(FIXFieldError) -> FIXString {
        guard let string = try string(tag) else { throw .missing(tag: tag) }
        return string
    }

    /// Free text, cut to `FIXString.capacity` bytes.
    @inlinable
    public func text(_ tag: Int) -> FIXString? {
        value(of: tag).map { FIXString(truncating: $0) }
    }
}
