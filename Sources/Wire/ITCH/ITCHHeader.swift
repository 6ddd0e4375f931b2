// ITCH 5.0 common header (PROTOCOLS.md §1): type 0:1, Stock Locate 1:2,
// Tracking Number 3:2, Timestamp 5:6. The timestamp is 48 bits; writing 8
// bytes there is the classic ITCH bug, so the width is checked on encode.

/// The byte count of the common header, type byte included.
public let itchHeaderLength = 11

/// The largest timestamp a 48-bit field holds.
public let itchMaximumTimestampNs: UInt64 = (1 << 48) - 1

/// A message that encodes itself into a caller-provided buffer without allocating.
public protocol ITCHEncodable {
    /// Bytes `encode(into:)` writes, type byte included.
    var encodedLength: Int { get }
    /// Writes the message at the start of `buffer` and returns `encodedLength`.
    func encode(into buffer: UnsafeMutableRawBufferPointer) -> Int
}

extension UnsafeMutableRawBufferPointer {
    @inlinable @inline(__always)
    func writeITCHHeader(
        _ type: ITCHMessageType, stockLocate: UInt16, trackingNumber: UInt16, timestampNs: UInt64
    ) {
        precondition(timestampNs <= itchMaximumTimestampNs, "ITCH timestamps are 48 bits")
        writeUInt8(type.rawValue, at: 0)
        writeUInt16BE(stockLocate, at: 1)
        writeUInt16BE(trackingNumber, at: 3)
        writeUInt48BE(timestampNs, at: 5)
    }
}

/// Throws unless `bytes` is exactly one message of `type`: right type byte, right length.
@inlinable
func validateITCHMessage(_ bytes: UnsafeRawBufferPointer, as type: ITCHMessageType) throws(WireDecodingError) {
    guard let first = bytes.first else { throw .truncated(needed: type.length, available: 0) }
    guard first == type.rawValue else {
        throw ITCHMessageType(rawValue: first) == nil
            ? .unknownMessageType(first)
            : .invalidField(name: "message type", offset: 0)
    }
    guard bytes.count == type.length else {
        throw .wrongLength(messageType: first, expected: type.length, actual: bytes.count)
    }
}
