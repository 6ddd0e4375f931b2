/// An OUCH 4.2 order token: 14 bytes of alpha, left-justified and padded
/// with spaces, day-unique per firm or port and case-sensitive.
///
/// Held as three integers (bytes 0–7, 8–11, 12–13, first byte most
/// significant) so that hashing or comparing a token never builds a String.
public struct OUCHToken: Hashable, Sendable, CustomStringConvertible {
    /// Bytes 0–7.
    public var head: UInt64
    /// Bytes 8–11.
    public var middle: UInt32
    /// Bytes 12–13.
    public var tail: UInt16

    /// The token's width on the wire.
    public static let byteCount = 14

    /// Fourteen spaces.
    public static let blank = OUCHToken(head: 0x2020_2020_2020_2020, middle: 0x2020_2020, tail: 0x2020)

    @inlinable
    public init(head: UInt64, middle: UInt32, tail: UInt16) {
        self.head = head
        self.middle = middle
        self.tail = tail
    }

    /// Pads `text` with spaces on the right; nil if it is longer than 14 bytes
    /// or not printable ASCII.
    public init?(_ text: some StringProtocol) {
        let bytes = Array(text.utf8)
        guard bytes.count <= OUCHToken.byteCount, bytes.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }) else { return nil }
        let padded = bytes + Array(repeating: 0x20, count: OUCHToken.byteCount - bytes.count)
        self = padded.withUnsafeBytes { OUCHToken(readingFrom: $0, at: 0) }
    }

    /// Reads 14 bytes at `offset`; the caller has checked the length.
    @inlinable @inline(__always)
    public init(readingFrom buffer: UnsafeRawBufferPointer, at offset: Int) {
        head = buffer.readUInt64BE(at: offset)
        middle = buffer.readUInt32BE(at: offset + 8)
        tail = buffer.readUInt16BE(at: offset + 12)
    }

    /// Writes the 14 bytes at `offset`; the caller has checked the length.
    @inlinable @inline(__always)
    public func write(to buffer: UnsafeMutableRawBufferPointer, at offset: Int) {
        buffer.writeUInt64BE(head, at: offset)
        buffer.writeUInt32BE(middle, at: offset + 8)
        buffer.writeUInt16BE(tail, at: offset + 12)
    }

    /// The token with trailing spaces removed.
    public var trimmed: String {
        var bytes = [UInt8](repeating: 0, count: OUCHToken.byteCount)
        bytes.withUnsafeMutableBytes { write(to: $0, at: 0) }
        while let last = bytes.last, last == 0x20 { bytes.removeLast() }
        return String(decoding: bytes, as: UTF8.self)
    }

    public var description: String { trimmed }
}

extension UnsafeRawBufferPointer {
    @inlinable @inline(__always)
    public func readOUCHToken(at offset: Int) -> OUCHToken {
        OUCHToken(readingFrom: self, at: offset)
    }
}

extension UnsafeMutableRawBufferPointer {
    @inlinable @inline(__always)
    public func writeOUCHToken(_ token: OUCHToken, at offset: Int) {
        token.write(to: self, at: offset)
    }
}
