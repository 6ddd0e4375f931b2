// Fixed-layout field access for binary wire formats.
//
// Every binary protocol exsim speaks (ITCH 5.0, MoldUDP64, SoupBinTCP, OUCH
// 4.2) is big-endian with unaligned fields. A decoder checks a message's
// length once, against the layout, and then reads fields at fixed offsets
// with these helpers: no per-field bounds checks, no intermediate arrays.

extension UnsafeRawBufferPointer {
    @inlinable @inline(__always)
    public func readUInt8(at offset: Int) -> UInt8 {
        load(fromByteOffset: offset, as: UInt8.self)
    }

    @inlinable @inline(__always)
    public func readUInt16BE(at offset: Int) -> UInt16 {
        UInt16(bigEndian: loadUnaligned(fromByteOffset: offset, as: UInt16.self))
    }

    @inlinable @inline(__always)
    public func readUInt32BE(at offset: Int) -> UInt32 {
        UInt32(bigEndian: loadUnaligned(fromByteOffset: offset, as: UInt32.self))
    }

    @inlinable @inline(__always)
    public func readUInt64BE(at offset: Int) -> UInt64 {
        UInt64(bigEndian: loadUnaligned(fromByteOffset: offset, as: UInt64.self))
    }

    /// A 48-bit big-endian unsigned integer (ITCH 5.0 timestamps).
    @inlinable @inline(__always)
    public func readUInt48BE(at offset: Int) -> UInt64 {
        let high = UInt64(readUInt16BE(at: offset))
        let low = UInt64(readUInt32BE(at: offset + 2))
        return high << 32 | low
    }

    /// Eight bytes as one integer, first byte most significant: the storage
    /// of an 8-byte alpha field such as an ITCH stock symbol.
    @inlinable @inline(__always)
    public func readAlpha8(at offset: Int) -> Alpha8 {
        Alpha8(rawValue: readUInt64BE(at: offset))
    }

    @inlinable @inline(__always)
    public func readAlpha4(at offset: Int) -> Alpha4 {
        Alpha4(rawValue: readUInt32BE(at: offset))
    }
}

extension UnsafeMutableRawBufferPointer {
    @inlinable @inline(__always)
    public func writeUInt8(_ value: UInt8, at offset: Int) {
        storeBytes(of: value, toByteOffset: offset, as: UInt8.self)
    }

    @inlinable @inline(__always)
    public func writeUInt16BE(_ value: UInt16, at offset: Int) {
        storeBytes(of: value.bigEndian, toByteOffset: offset, as: UInt16.self)
    }

    @inlinable @inline(__always)
    public func writeUInt32BE(_ value: UInt32, at offset: Int) {
        storeBytes(of: value.bigEndian, toByteOffset: offset, as: UInt32.self)
    }

    @inlinable @inline(__always)
    public func writeUInt64BE(_ value: UInt64, at offset: Int) {
        storeBytes(of: value.bigEndian, toByteOffset: offset, as: UInt64.self)
    }

    /// Writes the low 48 bits of `value`, big-endian. The caller guarantees
    /// the value fits (an ITCH timestamp is under 86,400 s of nanoseconds).
    @inlinable @inline(__always)
    public func writeUInt48BE(_ value: UInt64, at offset: Int) {
        writeUInt16BE(UInt16(truncatingIfNeeded: value >> 32), at: offset)
        writeUInt32BE(UInt32(truncatingIfNeeded: value), at: offset + 2)
    }

    @inlinable @inline(__always)
    public func writeAlpha8(_ value: Alpha8, at offset: Int) {
        writeUInt64BE(value.rawValue, at: offset)
    }

    @inlinable @inline(__always)
    public func writeAlpha4(_ value: Alpha4, at offset: Int) {
        writeUInt32BE(value.rawValue, at: offset)
    }
}
