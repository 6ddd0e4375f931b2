// Space-padded, left-justified ASCII fields of fixed width, held as integers
// so that comparing or hashing a symbol never touches a String.

/// An 8-byte alpha field (ITCH/OUCH stock symbol), first byte most significant.
public struct Alpha8: RawRepresentable, Hashable, Comparable, Sendable, CustomStringConvertible {
    public var rawValue: UInt64

    @inlinable
    public init(rawValue: UInt64) { self.rawValue = rawValue }

    /// Eight spaces.
    public static let blank = Alpha8(rawValue: 0x2020_2020_2020_2020)

    /// Pads `text` with spaces on the right; nil if it is longer than 8 bytes
    /// or not printable ASCII.
    public init?(_ text: some StringProtocol) {
        guard let packed = packAlpha(text, width: 8) else { return nil }
        rawValue = packed
    }

    /// The value with trailing spaces removed.
    public var trimmed: String { unpackAlpha(rawValue, width: 8) }
    public var description: String { trimmed }

    @inlinable
    public static func < (lhs: Alpha8, rhs: Alpha8) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// A 4-byte alpha field (ITCH MPID / attribution, OUCH firm).
public struct Alpha4: RawRepresentable, Hashable, Comparable, Sendable, CustomStringConvertible {
    public var rawValue: UInt32

    @inlinable
    public init(rawValue: UInt32) { self.rawValue = rawValue }

    public static let blank = Alpha4(rawValue: 0x2020_2020)

    public init?(_ text: some StringProtocol) {
        guard let packed = packAlpha(text, width: 4) else { return nil }
        rawValue = UInt32(packed)
    }

    public var trimmed: String { unpackAlpha(UInt64(rawValue), width: 4) }
    public var description: String { trimmed }

    @inlinable
    public static func < (lhs: Alpha4, rhs: Alpha4) -> Bool { lhs.rawValue < rhs.rawValue }
}

func packAlpha(_ text: some StringProtocol, width: Int) -> UInt64? {
    let bytes = Array(text.utf8)
    guard bytes.count <= width, bytes.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }) else { return nil }
    var packed: UInt64 = 0
    for index in 0..<width {
        packed = packed << 8 | UInt64(index < bytes.count ? bytes[index] : 0x20)
    }
    return packed
}

func unpackAlpha(_ packed: UInt64, width: Int) -> String {
    var bytes: [UInt8] = []
    bytes.reserveCapacity(width)
    for index in (0..<width).reversed() {
        bytes.append(UInt8(truncatingIfNeeded: packed >> (8 * UInt64(index))))
    }
    while let last = bytes.last, last == 0x20 { bytes.removeLast() }
    return String(decoding: bytes, as: UTF8.self)
}
