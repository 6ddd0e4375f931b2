/// Why a buffer could not be decoded. Decoders return this instead of
/// trapping, whatever the bytes: a malformed message must never take a venue
/// down, and the session layer decides how the protocol answers it.
public enum WireDecodingError: Error, Equatable, Sendable, CustomStringConvertible {
    /// Fewer bytes than the layout needs.
    case truncated(needed: Int, available: Int)
    /// A message type byte the protocol does not define.
    case unknownMessageType(UInt8)
    /// A known message type whose length is not the layout's.
    case wrongLength(messageType: UInt8, expected: Int, actual: Int)
    /// A field whose value the protocol does not allow.
    case invalidField(name: String, offset: Int)

    public var description: String {
        switch self {
        case let .truncated(needed, available):
            return "truncated: needed \(needed) bytes, had \(available)"
        case let .unknownMessageType(type):
            return "unknown message type \(describeTypeByte(type))"
        case let .wrongLength(type, expected, actual):
            return "message type \(describeTypeByte(type)) must be \(expected) bytes, was \(actual)"
        case let .invalidField(name, offset):
            return "invalid \(name) at offset \(offset)"
        }
    }
}

func describeTypeByte(_ byte: UInt8) -> String {
    (0x21..<0x7F).contains(byte)
        ? "'\(Character(Unicode.Scalar(byte)))'"
        : "0x" + String(byte, radix: 16, uppercase: true)
}
