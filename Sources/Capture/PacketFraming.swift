/// A host on the capture's synthetic network.
public struct CaptureHost: Hashable, Sendable {
    public var macAddress: (UInt16, UInt32)
    public var ipv4Address: UInt32

    /// A locally administered MAC derived from the IPv4 address, so two hosts
    /// never share one and the same address always gets the same MAC.
    public init(ipv4Address: UInt32) {
        self.ipv4Address = ipv4Address
        self.macAddress = (0x0200, ipv4Address)
    }

    /// `a.b.c.d`.
    public init(_ a: UInt8, _ b: UInt8, _ c: UInt8, _ d: UInt8) {
        self.init(ipv4Address: UInt32(a) << 24 | UInt32(b) << 16 | UInt32(c) << 8 | UInt32(d))
    }

    public static func == (lhs: CaptureHost, rhs: CaptureHost) -> Bool { lhs.ipv4Address == rhs.ipv4Address }
    public func hash(into hasher: inout Hasher) { hasher.combine(ipv4Address) }

    /// The Ethernet multicast MAC of an IPv4 multicast group (01:00:5e + low 23 bits).
    var destinationMAC: (UInt16, UInt32) {
        let isMulticast = ipv4Address >> 28 == 0xE
        return isMulticast ? (0x0100, 0x5E00_0000 | (ipv4Address & 0x007F_FFFF)) : macAddress
    }

    public var dottedQuad: String {
        (0..<4).map { String((ipv4Address >> (24 - 8 * UInt32($0))) & 0xFF) }.joined(separator: ".")
    }
}

/// Builds Ethernet II / IPv4 / UDP or TCP frames around a payload, with
/// valid IPv4, UDP and TCP checksums, so a dissector sees clean packets.
public enum PacketFraming {
    public static let ethernetHeaderLength = 14
    public static let ipv4HeaderLength = 20
    public static let udpHeaderLength = 8
    public static let tcpHeaderLength = 20
    /// The largest payload one IPv4 packet carries here (no fragmentation).
    public static let maximumPayload = 65_535 - ipv4HeaderLength - tcpHeaderLength

    public struct TCPFlags: OptionSet, Sendable {
        public let rawValue: UInt8
        public init(rawValue: UInt8) { self.rawValue = rawValue }
        public static let fin = TCPFlags(rawValue: 0x01)
        public static let syn = TCPFlags(rawValue: 0x02)
        public static let rst = TCPFlags(rawValue: 0x04)
        public static let psh = TCPFlags(rawValue: 0x08)
        public static let ack = TCPFlags(rawValue: 0x10)
    }

    public static func udpFrame(
        from source: CaptureHost, port sourcePort: UInt16,
        to destination: CaptureHost, port destinationPort: UInt16,
        payload: UnsafeRawBufferPointer, identification: UInt16 = 0
    ) -> [UInt8] {
        precondition(payload.count <= 65_535 - ipv4HeaderLength - udpHeaderLength, "UDP payload too large")
        var frame: [UInt8] = []
        frame.reserveCapacity(ethernetHeaderLength + ipv4HeaderLength + udpHeaderLength + payload.count)
        appendEthernet(to: &frame, from: source, to: destination)
        let udpLength = udpHeaderLength + payload.count
        appendIPv4(to: &frame, from: source, to: destination, protocol: 17, payloadLength: udpLength, identification: identification)
        let udpStart = frame.count
        frame.appendBigEndian(sourcePort)
        frame.appendBigEndian(destinationPort)
        frame.appendBigEndian(UInt16(udpLength))
        frame.appendBigEndian(UInt16(0))
        frame.append(contentsOf: payload)
        var checksum = transportChecksum(frame, from: udpStart, source: source, destination: destination, protocol: 17)
        if checksum == 0 { checksum = 0xFFFF }  // 0 means "no checksum" in UDP over IPv4
        frame[udpStart + 6] = UInt8(checksum >> 8)
        frame[udpStart + 7] = UInt8(checksum & 0xFF)
        return frame
    }

    public static func tcpFrame(
        from source: CaptureHost, port sourcePort: UInt16,
        to destination: CaptureHost, port destinationPort: UInt16,
        sequence: UInt32, acknowledgement: UInt32, flags: TCPFlags,
        payload: UnsafeRawBufferPointer, window: UInt16 = 65_535, identification: UInt16 = 0
    ) -> [UInt8] {
        precondition(payload.count <= maximumPayload, "TCP payload too large")
        var frame: [UInt8] = []
        frame.reserveCapacity(ethernetHeaderLength + ipv4HeaderLength + tcpHeaderLength + payload.count)
        appendEthernet(to: &frame, from: source, to: destination)
        appendIPv4(to: &frame, from: source, to: destination, protocol: 6,
                   payloadLength: tcpHeaderLength + payload.count, identification: identification)
        let tcpStart = frame.count
        frame.appendBigEndian(sourcePort)
        frame.appendBigEndian(destinationPort)
        frame.appendBigEndian(sequence)
        frame.appendBigEndian(acknowledgement)
        frame.append(UInt8(tcpHeaderLength / 4) << 4)
        frame.append(flags.rawValue)
        frame.appendBigEndian(window)
        frame.appendBigEndian(UInt16(0))  // checksum, filled below
        frame.appendBigEndian(UInt16(0))  // urgent pointer
        frame.append(contentsOf: payload)
        let checksum = transportChecksum(frame, from: tcpStart, source: source, destination: destination, protocol: 6)
        frame[tcpStart + 16] = UInt8(checksum >> 8)
        frame[tcpStart + 17] = UInt8(checksum & 0xFF)
        return frame
    }

    static func appendEthernet(to frame: inout [UInt8], from source: CaptureHost, to destination: CaptureHost) {
        let destinationMAC = destination.destinationMAC
        frame.appendBigEndian(destinationMAC.0)
        frame.appendBigEndian(destinationMAC.1)
        frame.appendBigEndian(source.macAddress.0)
        frame.appendBigEndian(source.macAddress.1)
        frame.appendBigEndian(UInt16(0x0800))
    }

    static func appendIPv4(
        to frame: inout [UInt8], from source: CaptureHost, to destination: CaptureHost,
        protocol ipProtocol: UInt8, payloadLength: Int, identification: UInt16
    ) {
        let start = frame.count
        frame.append(0x45)                                        // version 4, IHL 5
        frame.append(0)                                           // DSCP/ECN
        frame.appendBigEndian(UInt16(ipv4HeaderLength + payloadLength))
        frame.appendBigEndian(identification)
        frame.appendBigEndian(UInt16(0x4000))                     // don't fragment
        frame.append(64)                                          // TTL
        frame.append(ipProtocol)
        frame.appendBigEndian(UInt16(0))                          // checksum, filled below
        frame.appendBigEndian(source.ipv4Address)
        frame.appendBigEndian(destination.ipv4Address)
        let checksum = finishChecksum(onesComplementSum(frame, start..<frame.count))
        frame[start + 10] = UInt8(checksum >> 8)
        frame[start + 11] = UInt8(checksum & 0xFF)
    }

    static func transportChecksum(
        _ frame: [UInt8], from start: Int, source: CaptureHost, destination: CaptureHost, protocol ipProtocol: UInt8
    ) -> UInt16 {
        let length = frame.count - start
        var sum: UInt64 = 0
        sum += UInt64(source.ipv4Address >> 16) + UInt64(source.ipv4Address & 0xFFFF)
        sum += UInt64(destination.ipv4Address >> 16) + UInt64(destination.ipv4Address & 0xFFFF)
        sum += UInt64(ipProtocol) + UInt64(length)
        sum += onesComplementSum(frame, start..<frame.count)
        return finishChecksum(sum)
    }

    static func onesComplementSum(_ bytes: [UInt8], _ range: Range<Int>) -> UInt64 {
        var sum: UInt64 = 0
        var index = range.lowerBound
        while index + 1 < range.upperBound {
            sum += UInt64(bytes[index]) << 8 | UInt64(bytes[index + 1])
            index += 2
        }
        if index < range.upperBound { sum += UInt64(bytes[index]) << 8 }
        return sum
    }

    static func finishChecksum(_ sum: UInt64) -> UInt16 {
        var folded = sum
        while folded >> 16 != 0 { folded = (folded & 0xFFFF) + (folded >> 16) }
        return ~UInt16(folded)
    }
}
