// MoldUDP64 Session: 10 bytes of alpha, left-justified and space-padded,
// held as two integers so that comparing sessions never touches a String.

/// The 10-byte MoldUDP64 session name (for example `000010059B`).
public struct MoldUDP64SessionID: Hashable, Sendable, CustomStringConvertible {
    /// Bytes 0..<8, first byte most significant.
    public var leading: UInt64
    /// Bytes 8..<10, first byte most significant.
    public var trailing: UInt16

    public static let length = 10

    @inlinable
    public init(leading: UInt64, trailing: UInt16) {
        self.leading = leading
        self.trailing = trailing
    }

    /// Pads `text` with spaces on the right; nil if it is longer than 10 bytes
    /// or not printable ASCII.
    public init?(_ text: some StringProtocol) {
        let bytes = Array(text.utf8)
        guard bytes.count <= Self.length, bytes.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }) else { return nil }
        let packed: [UInt8] = bytes + Array(repeating: 0x20, count: Self.length - bytes.count)
        leading = packed[0..<8].reduce(0) { $0 << 8 | UInt64($1) }
        trailing = UInt16(packed[8]) << 8 | UInt16(packed[9])
    }

    /// The session with trailing spaces removed.
    public var description: String {
        var bytes: [UInt8] = (0..<8).map { UInt8(truncatingIfNeeded: leading >> (56 - 8 * UInt64($0))) }
        bytes.append(UInt8(truncatingIfNeeded: trailing >> 8))
        bytes.append(UInt8(truncatingIfNeeded: trailing))
        while let last = bytes.last, last == 0x20 { bytes.removeLast() }
        return String(decoding: bytes, as: UTF8.self)
    }
}

extension UnsafeRawBufferPointer {
    @inlinable @inline(__always)
    public func readMoldUDP64Session(at offset: Int) -> MoldUDP64SessionID {
        MoldUDP64SessionID(leading: readUInt64BE(at: offset), trailing: readUInt16BE(at: offset + 8))
    }
}

extension UnsafeMutableRawBufferPointer {
    @inlinable @inline(__always)
    public func writeMoldUDP64Session(_ session: MoldUDP64SessionID, at offset: Int) {
        writeUInt64BE(session.leading, at: offset)
        writeUInt16BE(session.trailing, at: offset + 8)
    }
}
