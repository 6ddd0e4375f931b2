// Short FIX string values (identifiers, symbols, text) held inline, so that
// decoding an application message allocates nothing.

/// A FIX string value of at most `capacity` bytes, stored inline.
///
/// Invariant: bytes past `count` are zero, so equality and hashing can
/// compare whole words.
public struct FIXString: Hashable, Sendable, CustomStringConvertible, ExpressibleByStringLiteral {
    public static let capacity = 64

    @usableFromInline
    var words: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0, 0, 0, 0, 0)
    @usableFromInline
    var length: UInt8 = 0

    /// The empty string.
    @inlinable
    public init() {}

    /// The bytes of `text`; nil if longer than `capacity` or if it contains
    /// SOH, which cannot appear in a tag=value field.
    public init?(_ text: some StringProtocol) {
        let utf8 = Array(text.utf8)
        guard let made = utf8.withUnsafeBytes({ FIXString(bytes: $0) }) else { return nil }
        self = made
    }

    public init(stringLiteral value: StaticString) {
        let made = value.withUTF8Buffer { FIXString(bytes: UnsafeRawBufferPointer($0)) }
        guard let made else { preconditionFailure("FIX string literal too long or contains SOH") }
        self = made
    }

    /// A copy of `bytes`; nil if longer than `capacity` or containing SOH.
    @inlinable
    public init?(bytes: UnsafeRawBufferPointer) {
        guard bytes.count <= FIXString.capacity else { return nil }
        for byte in bytes where byte == fixSOH { return nil }
        self.init(unchecked: bytes)
    }

    /// A copy of `bytes`, which must be at most `capacity` long and free of
    /// SOH (a field value the parser delimited is). Copies eight bytes at a
    /// time; the last partial word comes from an overlapping load.
    @inlinable @inline(__always)
    init(unchecked bytes: UnsafeRawBufferPointer) {
        let count = bytes.count
        precondition(count <= FIXString.capacity)
        length = UInt8(truncatingIfNeeded: count)
        guard let source = bytes.baseAddress, count > 0 else { return }
        withUnsafeMutableBytes(of: &words) { storage in
            let destination = storage.baseAddress!
            var index = 0
            while count - index >= 8 {
                destination.storeBytes(
                    of: source.loadUnaligned(fromByteOffset: index, as: UInt64.self), toByteOffset: index, as: UInt64.self)
                index &+= 8
            }
            let rest = count - index
            guard rest > 0 else { return }
            if count >= 8 {
                let last = UInt64(littleEndian: source.loadUnaligned(fromByteOffset: count - 8, as: UInt64.self))
                let tail = last >> UInt64(truncatingIfNeeded: (8 - rest) * 8)
                destination.storeBytes(of: tail.littleEndian, toByteOffset: index, as: UInt64.self)
            } else {
                for offset in 0..<rest {
                    destination.storeBytes(of: source.load(fromByteOffset: offset, as: UInt8.self), toByteOffset: offset, as: UInt8.self)
                }
            }
        }
    }

    /// The first `capacity` bytes of `bytes` (for free text such as Text (58),
    /// where a cut value is better than a rejected message).
    @inlinable
    public init(truncating bytes: UnsafeRawBufferPointer) {
        let kept = UnsafeRawBufferPointer(rebasing: bytes.prefix(FIXString.capacity))
        self = FIXString(bytes: kept) ?? FIXString()
    }

    @inlinable public var count: Int { Int(length) }
    @inlinable public var isEmpty: Bool { length == 0 }

    /// Calls `body` with the string's bytes.
    @inlinable
    public func withBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try withUnsafeBytes(of: words) { storage in
            try body(UnsafeRawBufferPointer(rebasing: storage.prefix(Int(length))))
        }
    }

    public var description: String { withBytes { String(decoding: $0, as: UTF8.self) } }

    @inlinable
    public static func == (lhs: FIXString, rhs: FIXString) -> Bool {
        lhs.length == rhs.length && lhs.words.0 == rhs.words.0 && lhs.words.1 == rhs.words.1
            && lhs.words.2 == rhs.words.2 && lhs.words.3 == rhs.words.3 && lhs.words.4 == rhs.words.4
            && lhs.words.5 == rhs.words.5 && lhs.words.6 == rhs.words.6 && lhs.words.7 == rhs.words.7
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(length)
        withBytes { hasher.combine(bytes: $0) }
    }

    /// Whether the string equals `bytes`.
    @inlinable
    public func equals(_ bytes: UnsafeRawBufferPointer) -> Bool {
        guard bytes.count == count else { return false }
        return withBytes { own in
            for index in 0..<own.count where own[index] != bytes[index] { return false }
            return true
        }
    }
}
