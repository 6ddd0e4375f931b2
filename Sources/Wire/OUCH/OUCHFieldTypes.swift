/// OUCH 4.2 Side (Enter Order offset 15; also Accepted, Replaced, Modify,
/// Order Modified).
public enum OUCHSide: UInt8, Sendable, CaseIterable {
    case buy = 0x42 // B
    case sell = 0x53 // S
    case sellShort = 0x54 // T
    case sellShortExempt = 0x45 // E

    /// Decodes the side byte at `offset`, or names the field in the error.
    @inlinable @inline(__always)
    static func decode(_ buffer: UnsafeRawBufferPointer, at offset: Int) throws(WireDecodingError) -> OUCHSide {
        guard let side = OUCHSide(rawValue: buffer.readUInt8(at: offset)) else {
            throw .invalidField(name: "Side", offset: offset)
        }
        return side
    }
}

/// OUCH 4.2 Time in Force: a u32 number of seconds the order may live, or
/// one of the three sentinels below.
public struct OUCHTimeInForce: RawRepresentable, Hashable, Sendable {
    /// Seconds, or a sentinel.
    public var rawValue: UInt32

    @inlinable
    public init(rawValue: UInt32) { self.rawValue = rawValue }

    /// Immediate or Cancel: 0.
    public static let immediateOrCancel = OUCHTimeInForce(rawValue: 0)
    /// Until the end of market hours: 99998.
    public static let marketHours = OUCHTimeInForce(rawValue: 99_998)
    /// Until the end of system hours: 99999.
    public static let systemHours = OUCHTimeInForce(rawValue: 99_999)

    /// A live-for-`seconds` order.
    @inlinable
    public static func seconds(_ seconds: UInt32) -> OUCHTimeInForce { OUCHTimeInForce(rawValue: seconds) }
}

/// Length and type checks shared by every OUCH decoder: one comparison per
/// message, after which fields are read at fixed offsets.
@inlinable @inline(__always)
func checkOUCHLayout(
    _ buffer: UnsafeRawBufferPointer, type: UInt8, length: Int
) throws(WireDecodingError) {
    guard buffer.count >= 1 else { throw .truncated(needed: length, available: 0) }
    let actualType = buffer.readUInt8(at: 0)
    guard actualType == type else { throw .unknownMessageType(actualType) }
    guard buffer.count == length else {
        throw .wrongLength(messageType: type, expected: length, actual: buffer.count)
    }
}
