/// The classic libpcap file format with nanosecond timestamps (magic
/// 0xA1B23C4D), the variant Wireshark, tshark and tcpdump read natively and
/// the one that keeps the simulator's virtual nanoseconds exact.
public enum PcapFormat {
    public static let nanosecondMagic: UInt32 = 0xA1B2_3C4D
    public static let microsecondMagic: UInt32 = 0xA1B2_C3D4
    public static let linkTypeEthernet: UInt32 = 1
    public static let fileHeaderLength = 24
    public static let recordHeaderLength = 16
    public static let defaultSnapLength: UInt32 = 262_144

    /// The 24-byte file header, little-endian as written by x86 tools.
    public static func fileHeader(snapLength: UInt32 = defaultSnapLength) -> [UInt8] {
        var header: [UInt8] = []
        header.reserveCapacity(fileHeaderLength)
        header.appendLittleEndian(nanosecondMagic)
        header.appendLittleEndian(UInt16(2))   // version major
        header.appendLittleEndian(UInt16(4))   // version minor
        header.appendLittleEndian(UInt32(0))   // thiszone
        header.appendLittleEndian(UInt32(0))   // sigfigs
        header.appendLittleEndian(snapLength)
        header.appendLittleEndian(linkTypeEthernet)
        return header
    }

    /// Appends a record header for a frame of `length` bytes captured whole.
    /// `timestampNs` counts from the UNIX epoch.
    public static func appendRecordHeader(to bytes: inout [UInt8], timestampNs: Int64, length: Int) {
        precondition(timestampNs >= 0, "pcap timestamps cannot precede 1970")
        precondition(length <= Int(UInt32.max))
        bytes.appendLittleEndian(UInt32(truncatingIfNeeded: timestampNs / 1_000_000_000))
        bytes.appendLittleEndian(UInt32(truncatingIfNeeded: timestampNs % 1_000_000_000))
        bytes.appendLittleEndian(UInt32(length))
        bytes.appendLittleEndian(UInt32(length))
    }
}

extension Array where Element == UInt8 {
    @inlinable
    mutating func appendLittleEndian<T: FixedWidthInteger>(_ value: T) {
        Swift.withUnsafeBytes(of: value.littleEndian) { append(contentsOf: $0) }
    }

    @inlinable
    mutating func appendBigEndian<T: FixedWidthInteger>(_ value: T) {
        Swift.withUnsafeBytes(of: value.bigEndian) { append(contentsOf: $0) }
    }
}
