/// The pcapng file format as exsim writes it: one little-endian section, one
/// Ethernet interface whose timestamps count nanoseconds (`if_tsresol` 9),
/// and one Enhanced Packet Block per frame. The block layouts are those of
/// the pcapng specification (draft-ietf-opsawg-pcapng): every block is
/// type, total length, body padded to 32 bits, total length again.
public enum PcapNGFormat {
    public static let sectionHeaderType: UInt32 = 0x0A0D_0D0A
    public static let interfaceDescriptionType: UInt32 = 0x0000_0001
    public static let enhancedPacketType: UInt32 = 0x0000_0006
    public static let byteOrderMagic: UInt32 = 0x1A2B_3C4D
    /// Option codes of an Interface Description Block.
    static let endOfOptions: UInt16 = 0
    static let timestampResolutionOption: UInt16 = 9
    /// Enhanced Packet Block bytes besides the frame and its padding.
    public static let enhancedPacketOverhead = 32

    /// The Section Header Block and the one Interface Description Block
    /// every capture exsim writes starts with.
    public static func fileHeader(snapLength: UInt32 = PcapFormat.defaultSnapLength) -> [UInt8] {
        var header: [UInt8] = []
        // Section Header Block: no options; section length unknown (-1).
        header.appendLittleEndian(sectionHeaderType)
        header.appendLittleEndian(UInt32(28))
        header.appendLittleEndian(byteOrderMagic)
        header.appendLittleEndian(UInt16(1))   // version major
        header.appendLittleEndian(UInt16(0))   // version minor
        header.appendLittleEndian(Int64(-1))
        header.appendLittleEndian(UInt32(28))
        // Interface Description Block: Ethernet, nanosecond timestamps.
        header.appendLittleEndian(interfaceDescriptionType)
        header.appendLittleEndian(UInt32(32))
        header.appendLittleEndian(UInt16(truncatingIfNeeded: PcapFormat.linkTypeEthernet))
        header.appendLittleEndian(UInt16(0))   // reserved
        header.appendLittleEndian(snapLength)
        header.appendLittleEndian(timestampResolutionOption)
        header.appendLittleEndian(UInt16(1))
        header.append(contentsOf: [9, 0, 0, 0])  // 10^-9 s, padded to 32 bits
        header.appendLittleEndian(endOfOptions)
        header.appendLittleEndian(UInt16(0))
        header.appendLittleEndian(UInt32(32))
        return header
    }

    /// Appends an Enhanced Packet Block holding `frame`, captured whole on
    /// interface 0. `timestampNs` counts from the UNIX epoch.
    public static func appendEnhancedPacket(to bytes: inout [UInt8], timestampNs: Int64, frame: [UInt8]) {
        precondition(timestampNs >= 0, "pcapng timestamps cannot precede 1970")
        precondition(frame.count <= Int(UInt32.max) - enhancedPacketOverhead - 3)
        let padding = (4 - frame.count % 4) % 4
        let total = UInt32(enhancedPacketOverhead + frame.count + padding)
        let timestamp = UInt64(timestampNs)
        bytes.appendLittleEndian(enhancedPacketType)
        bytes.appendLittleEndian(total)
        bytes.appendLittleEndian(UInt32(0))  // interface
        bytes.appendLittleEndian(UInt32(truncatingIfNeeded: timestamp >> 32))
        bytes.appendLittleEndian(UInt32(truncatingIfNeeded: timestamp))
        bytes.appendLittleEndian(UInt32(frame.count))
        bytes.appendLittleEndian(UInt32(frame.count))
        bytes.append(contentsOf: frame)
        bytes.append(contentsOf: repeatElement(0, count: padding))
        bytes.appendLittleEndian(total)
    }
}
