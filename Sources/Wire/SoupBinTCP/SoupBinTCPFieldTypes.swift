// The fixed-width alpha fields of the login packets, held as integers (first
// byte most significant, right-padded with spaces) so that credentials and
// session names compare without a String.

/// A 10-byte alpha session name (Login Request, Login Accepted). All spaces
/// in a Login Request means "the currently active session".
public struct SoupBinTCPSessionName: Hashable, Sendable, CustomStringConvertible {
    /// Bytes 0–7.
    public var head: UInt64
    /// Bytes 8–9.
    public var tail: UInt16

    public static let byteCount = 10
    public static let blank = SoupBinTCPSessionName(head: 0x2020_2020_2020_2020, tail: 0x2020)

    @inlinable
    public init(head: UInt64, tail: UInt16) {
        self.head = head
        self.tail = tail
    }

    /// Pads `text` with spaces; nil if longer than 10 bytes or not printable ASCII.
    public init?(_ text: some StringProtocol) {
        guard let bytes = paddedAlphaBytes(text, width: Self.byteCount) else { return nil }
        self = bytes.withUnsafeBytes { SoupBinTCPSessionName(readingFrom: $0, at: 0) }
    }

    @inlinable @inline(__always)
    public init(readingFrom buffer: UnsafeRawBufferPointer, at offset: Int) {
        head = buffer.readUInt64BE(at: offset)
        tail = buffer.readUInt16BE(at: offset + 8)
    }

    @inlinable @inline(__always)
    public func write(to buffer: UnsafeMutableRawBufferPointer, at offset: Int) {
        buffer.writeUInt64BE(head, at: offset)
        buffer.writeUInt16BE(tail, at: offset + 8)
    }

    @inlinable
    public var isBlank: Bool { self == .blank }

    public var trimmed: String {
        var bytes = [UInt8](repeating: 0, count: Self.byteCount)
        bytes.withUnsafeMutableBytes { write(to: $0, at: 0) }
        return trimmedAlphaString(bytes)
    }

    public var description: String { trimmed }
}

/// A 10-byte alpha password (Login Request).
public struct SoupBinTCPPassword: Hashable, Sendable {
    public var storage: SoupBinTCPSessionName

    @inlinable
    public init(storage: SoupBinTCPSessionName) { self.storage = storage }

    /// Pads `text` with spaces; nil if longer than 10 bytes or not printable ASCII.
    public init?(_ text: some StringProtocol) {
        guard let storage = SoupBinTCPSessionName(text) else { return nil }
        self.storage = storage
    }

    public var trimmed: String { storage.trimmed }
}

/// A 6-byte alpha username (Login Request), held in the low 48 bits.
public struct SoupBinTCPUsername: Hashable, Sendable, CustomStringConvertible {
    public var rawValue: UInt64

    public static let byteCount = 6

    @inlinable
    public init(rawValue: UInt64) { self.rawValue = rawValue & 0xFFFF_FFFF_FFFF }

    /// Pads `text` with spaces; nil if longer than 6 bytes or not printable ASCII.
    public init?(_ text: some StringProtocol) {
        guard let bytes = paddedAlphaBytes(text, width: Self.byteCount) else { return nil }
        rawValue = bytes.reduce(0) { $0 << 8 | UInt64($1) }
    }

    public var trimmed: String {
        trimmedAlphaString((0..<Self.byteCount).reversed().map { UInt8(truncatingIfNeeded: rawValue >> (8 * UInt64($0))) })
    }

    public var description: String { trimmed }
}

func paddedAlphaBytes(_ text: some StringProtocol, width: Int) -> [UInt8]? {
    let bytes = Array(text.utf8)
    guard bytes.count <= width, bytes.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }) else { return nil }
    return bytes + Array(repeating: 0x20, count: width - bytes.count)
}

func trimmedAlphaString(_ bytes: [UInt8]) -> String {
    var bytes = bytes
    while let last = bytes.last, last == 0x20 { bytes.removeLast() }
    return String(decoding: bytes, as: UTF8.self)
}

/// Why a server refused a login (Login Rejected payload).
public enum SoupBinTCPLoginRejectCode: UInt8, Sendable, CaseIterable {
    /// Wrong username or password.
    case notAuthorized = 0x41 // A
    /// The requested session does not exist or cannot serve the requested sequence.
    case sessionNotAvailable = 0x53 // S
}
