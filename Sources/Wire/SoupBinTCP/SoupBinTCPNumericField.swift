// SoupBinTCP 3.00 numeric fields (the 20-byte sequence numbers of Login
// Request and Login Accepted) are ASCII decimal. Encoders right-justify and
// pad with spaces on the left, as the spec and real servers do; decoders trim
// spaces on both sides, because some implementations left-justify.

/// Width of a SoupBinTCP sequence number field.
public let soupBinTCPSequenceNumberWidth = 20

/// Writes `value` as ASCII decimal right-justified in `width` bytes at `offset`.
@inlinable
func writeSoupBinTCPNumeric(
    _ value: UInt64, width: Int, to buffer: UnsafeMutableRawBufferPointer, at offset: Int
) {
    var remaining = value
    var position = offset + width - 1
    repeat {
        precondition(position >= offset, "number wider than its field")
        buffer.writeUInt8(0x30 + UInt8(truncatingIfNeeded: remaining % 10), at: position)
        remaining /= 10
        position -= 1
    } while remaining != 0
    while position >= offset {
        buffer.writeUInt8(0x20, at: position)
        position -= 1
    }
}

/// Reads an ASCII decimal field of `width` bytes at `offset`, ignoring
/// leading and trailing spaces. Anything else that is not a digit, an empty
/// field, or a value beyond UInt64 is an `invalidField` error.
@inlinable
func readSoupBinTCPNumeric(
    _ buffer: UnsafeRawBufferPointer, width: Int, at offset: Int, name: String
) throws(WireDecodingError) -> UInt64 {
    var start = offset
    var end = offset + width
    while start < end && buffer.readUInt8(at: start) == 0x20 { start += 1 }
    while end > start && buffer.readUInt8(at: end - 1) == 0x20 { end -= 1 }
    guard start < end else { throw .invalidField(name: name, offset: offset) }
    var value: UInt64 = 0
    for position in start..<end {
        let byte = buffer.readUInt8(at: position)
        guard byte >= 0x30 && byte <= 0x39 else { throw .invalidField(name: name, offset: position) }
        let (times10, overflow1) = value.multipliedReportingOverflow(by: 10)
        let (sum, overflow2) = times10.addingReportingOverflow(UInt64(byte - 0x30))
        guard !overflow1 && !overflow2 else { throw .invalidField(name: name, offset: offset) }
        value = sum
    }
    return value
}

/// Checks that a packet (type byte first, no length prefix) has `type` and
/// the fixed Packet Length `packetLength`.
@inlinable @inline(__always)
func checkSoupBinTCPLayout(
    _ packet: UnsafeRawBufferPointer, type: SoupBinTCPPacketType, packetLength: Int
) throws(WireDecodingError) {
    guard packet.count >= 1 else { throw .truncated(needed: packetLength, available: 0) }
    let actualType = packet.readUInt8(at: 0)
    guard actualType == type.rawValue else { throw .unknownMessageType(actualType) }
    guard packet.count == packetLength else {
        throw .wrongLength(messageType: actualType, expected: packetLength, actual: packet.count)
    }
}
