import Wire

/// An IPv4 or IPv6 address; IPv4 addresses are held IPv4-mapped
/// (::ffff:a.b.c.d), so one type orders and hashes both.
public struct IPAddress: Hashable, Comparable, Sendable, CustomStringConvertible {
    public var high: UInt64
    public var low: UInt64

    public init(high: UInt64, low: UInt64) {
        self.high = high
        self.low = low
    }

    public init(ipv4 address: UInt32) {
        high = 0
        low = 0xFFFF_0000_0000 | UInt64(address)
    }

    public var isIPv4: Bool { high == 0 && low >> 32 == 0xFFFF }

    public static func < (lhs: IPAddress, rhs: IPAddress) -> Bool {
        (lhs.high, lhs.low) < (rhs.high, rhs.low)
    }

    public var description: String {
        if isIPv4 {
            return (0..<4).map { String((low >> (24 - 8 * UInt64($0))) & 0xFF) }.joined(separator: ".")
        }
        let groups = (0..<8).map { index -> UInt16 in
            let word = index < 4 ? high : low
            return UInt16(truncatingIfNeeded: word >> (48 - 16 * UInt64(index % 4)))
        }
        // RFC 5952: the longest run of two or more zero groups becomes "::".
        var bestStart = -1, bestLength = 0, runStart = -1
        for index in 0...8 {
            if index < 8 && groups[index] == 0 {
                if runStart < 0 { runStart = index }
            } else if runStart >= 0 {
                if index - runStart > bestLength && index - runStart >= 2 { bestStart = runStart; bestLength = index - runStart }
                runStart = -1
            }
        }
        let hex = groups.map { String($0, radix: 16) }
        guard bestStart >= 0 else { return hex.joined(separator: ":") }
        return hex[0..<bestStart].joined(separator: ":") + "::" + hex[(bestStart + bestLength)...].joined(separator: ":")
    }
}

/// Link-layer types (libpcap's DLT_ / LINKTYPE_ numbers) the decoder reads.
public enum LinkType {
    public static let null: Int32 = 0
    public static let ethernet: Int32 = 1
    public static let raw: Int32 = 101
    public static let linuxCooked: Int32 = 113
    public static let ipv4: Int32 = 228
    public static let ipv6: Int32 = 229
    public static let linuxCookedV2: Int32 = 276

    public static func name(_ linkType: Int32) -> String {
        switch linkType {
        case null: "BSD loopback"
        case ethernet: "Ethernet"
        case raw, 12: "raw IP"
        case linuxCooked: "Linux cooked (SLL)"
        case linuxCookedV2: "Linux cooked v2 (SLL2)"
        case ipv4: "raw IPv4"
        case ipv6: "raw IPv6"
        default: "link type \(linkType)"
        }
    }
}

/// What one packet holds, decoded from the link layer to UDP or TCP. The
/// payload is a view into the packet's bytes.
public struct DecodedPacket {
    public enum Kind: Equatable, Sendable {
        case udp
        case tcp
        /// IP carrying another protocol (ICMP, …), by its protocol number.
        case otherIP(UInt8)
        /// Not IP: the EtherType (ARP, LLDP, …), or 0 where the link layer names none.
        case notIP(UInt16)
        /// A fragment of an IP packet: `fragment` says where it goes, and
        /// `payload` holds its share of the IP payload.
        case ipFragment
        /// The bytes end before the header of the layer named: a snap length
        /// cut it, or it is malformed.
        case truncated(Layer)
        /// A header that contradicts itself (a length below its minimum, a version that is not 4 or 6).
        case malformed(Layer)
        /// A link-layer type the decoder does not read.
        case unknownLinkType
    }

    public enum Layer: String, Sendable {
        case link, vlan, ipv4, ipv6, udp, tcp
    }

    public var kind: Kind
    /// The outermost 802.1Q / 802.1ad VLAN ID, when the frame is tagged.
    public var vlanID: UInt16?
    public var source = IPAddress(high: 0, low: 0)
    public var destination = IPAddress(high: 0, low: 0)
    public var sourcePort: UInt16 = 0
    public var destinationPort: UInt16 = 0
    public var tcpSequence: UInt32 = 0
    public var tcpAcknowledgement: UInt32 = 0
    public var tcpFlags: UInt8 = 0
    /// The UDP or TCP payload, trimmed to the lengths the IP and UDP headers give
    /// (Ethernet padding is not payload); `payloadIsTruncated` when the
    /// capture holds fewer bytes than those headers say.
    public var payload = UnsafeRawBufferPointer(start: nil, count: 0)
    public var payloadIsTruncated = false
    /// Where an `.ipFragment` belongs in its datagram.
    public var fragment = IPFragmentPosition()

    init(kind: Kind) { self.kind = kind }
}

/// Where a fragment lies in its IP datagram (RFC 791, RFC 8200 §4.5).
public struct IPFragmentPosition: Sendable {
    /// The IPv4 Identification (16 bits) or the IPv6 Fragment header's (32 bits).
    public var identification: UInt32 = 0
    /// The protocol of the whole datagram's payload (17 UDP, 6 TCP).
    public var ipProtocol: UInt8 = 0
    /// Bytes from the start of the datagram's payload.
    public var offsetBytes = 0
    public var moreFragments = false
    public var isIPv6 = false
}

/// Decodes captured frames: Ethernet (with 802.1Q / QinQ tags), Linux
/// cooked SLL and SLL2, raw IP and BSD loopback; IPv4 and IPv6 (with
/// extension headers); UDP and TCP. Reads in place and allocates nothing.
public enum PacketDecoder {
    static let etherTypeIPv4: UInt16 = 0x0800
    static let etherTypeIPv6: UInt16 = 0x86DD
    /// 802.1Q, 802.1ad and the older QinQ tag type.
    @inline(__always) static func isVLANTag(_ etherType: UInt16) -> Bool {
        etherType == 0x8100 || etherType == 0x88A8 || etherType == 0x9100
    }
    /// Stacked VLAN tags followed at most (QinQ is two).
    static let maximumVLANTags = 4
    /// IPv6 extension headers followed at most.
    static let maximumIPv6ExtensionHeaders = 8

    public static func decode(_ frame: UnsafeRawBufferPointer, linkType: Int32) -> DecodedPacket {
        switch linkType {
        case LinkType.ethernet:
            guard frame.count >= 14 else { return DecodedPacket(kind: .truncated(.link)) }
            return decodeEtherType(frame.readUInt16BE(at: 12), frame, at: 14)
        case LinkType.linuxCooked:
            guard frame.count >= 16 else { return DecodedPacket(kind: .truncated(.link)) }
            return decodeEtherType(frame.readUInt16BE(at: 14), frame, at: 16)
        case LinkType.linuxCookedV2:
            guard frame.count >= 20 else { return DecodedPacket(kind: .truncated(.link)) }
            return decodeEtherType(frame.readUInt16BE(at: 0), frame, at: 20)
        case LinkType.raw, 12, LinkType.ipv4, LinkType.ipv6:
            return decodeIP(frame, at: 0, vlanID: nil)
        case LinkType.null:
            guard frame.count >= 4 else { return DecodedPacket(kind: .truncated(.link)) }
            return decodeIP(frame, at: 4, vlanID: nil)
        default:
            return DecodedPacket(kind: .unknownLinkType)
        }
    }

    static func decodeEtherType(_ firstType: UInt16, _ frame: UnsafeRawBufferPointer, at start: Int) -> DecodedPacket {
        var etherType = firstType
        var offset = start
        var vlanID: UInt16? = nil
        var tags = 0
        while isVLANTag(etherType) {
            tags += 1
            guard tags <= maximumVLANTags else { return DecodedPacket(kind: .malformed(.vlan)) }
            guard frame.count >= offset + 4 else { return DecodedPacket(kind: .truncated(.vlan)) }
            if vlanID == nil { vlanID = frame.readUInt16BE(at: offset) & 0x0FFF }
            etherType = frame.readUInt16BE(at: offset + 2)
            offset += 4
        }
        guard etherType == etherTypeIPv4 || etherType == etherTypeIPv6 else {
            var packet = DecodedPacket(kind: .notIP(etherType))
            packet.vlanID = vlanID
            return packet
        }
        return decodeIP(frame, at: offset, vlanID: vlanID)
    }

    static func decodeIP(_ frame: UnsafeRawBufferPointer, at offset: Int, vlanID: UInt16?) -> DecodedPacket {
        guard frame.count > offset else { return DecodedPacket(kind: .truncated(.ipv4)) }
        var packet: DecodedPacket
        switch frame.readUInt8(at: offset) >> 4 {
        case 4: packet = decodeIPv4(frame, at: offset)
        case 6: packet = decodeIPv6(frame, at: offset)
        default: packet = DecodedPacket(kind: .malformed(.ipv4))
        }
        packet.vlanID = vlanID
        return packet
    }

    static func decodeIPv4(_ frame: UnsafeRawBufferPointer, at offset: Int) -> DecodedPacket {
        guard frame.count >= offset + 20 else { return DecodedPacket(kind: .truncated(.ipv4)) }
        let headerLength = Int(frame.readUInt8(at: offset) & 0x0F) * 4
        let totalLength = Int(frame.readUInt16BE(at: offset + 2))
        guard headerLength >= 20, totalLength >= headerLength else { return DecodedPacket(kind: .malformed(.ipv4)) }
        guard frame.count >= offset + headerLength else { return DecodedPacket(kind: .truncated(.ipv4)) }
        let fragment = frame.readUInt16BE(at: offset + 6)
        let moreFragments = fragment & 0x2000 != 0
        let fragmentOffset = fragment & 0x1FFF
        let source = IPAddress(ipv4: frame.readUInt32BE(at: offset + 12))
        let destination = IPAddress(ipv4: frame.readUInt32BE(at: offset + 16))
        var packet: DecodedPacket
        if moreFragments || fragmentOffset != 0 {
            packet = DecodedPacket(kind: .ipFragment)
            packet.fragment = IPFragmentPosition(
                identification: UInt32(frame.readUInt16BE(at: offset + 4)), ipProtocol: frame.readUInt8(at: offset + 9),
                offsetBytes: Int(fragmentOffset) * 8, moreFragments: moreFragments, isIPv6: false)
            packet.setPayload(frame, from: offset + headerLength, to: offset + totalLength)
        } else {
            packet = decodeTransport(frame.readUInt8(at: offset + 9), frame, from: offset + headerLength,
                                     to: offset + totalLength)
        }
        packet.source = source
        packet.destination = destination
        return packet
    }

    static func decodeIPv6(_ frame: UnsafeRawBufferPointer, at offset: Int) -> DecodedPacket {
        guard frame.count >= offset + 40 else { return DecodedPacket(kind: .truncated(.ipv6)) }
        let payloadLength = Int(frame.readUInt16BE(at: offset + 4))
        var nextHeader = frame.readUInt8(at: offset + 6)
        let source = IPAddress(high: frame.readUInt64BE(at: offset + 8), low: frame.readUInt64BE(at: offset + 16))
        let destination = IPAddress(high: frame.readUInt64BE(at: offset + 24), low: frame.readUInt64BE(at: offset + 32))
        let end = offset + 40 + payloadLength
        var cursor = offset + 40
        var fragmentPosition: IPFragmentPosition? = nil
        var headersFollowed = 0
        // Hop-by-hop (0), routing (43), fragment (44) and destination options (60) precede the transport header.
        while nextHeader == 0 || nextHeader == 43 || nextHeader == 44 || nextHeader == 60 {
            headersFollowed += 1
            guard headersFollowed <= maximumIPv6ExtensionHeaders else { return DecodedPacket(kind: .malformed(.ipv6)) }
            guard frame.count >= cursor + 8, cursor + 8 <= end else { return DecodedPacket(kind: .truncated(.ipv6)) }
            let following = frame.readUInt8(at: cursor)
            if nextHeader == 44 {
                let fragment = frame.readUInt16BE(at: cursor + 2)
                // An atomic fragment (offset 0, no more fragments) is a whole packet.
                if fragment & 0xFFF8 != 0 || fragment & 0x1 != 0 {
                    fragmentPosition = IPFragmentPosition(
                        identification: frame.readUInt32BE(at: cursor + 4), ipProtocol: following,
                        offsetBytes: Int(fragment >> 3) * 8, moreFragments: fragment & 0x1 != 0, isIPv6: true)
                }
                cursor += 8
            } else {
                cursor += (Int(frame.readUInt8(at: cursor + 1)) + 1) * 8
            }
            nextHeader = following
        }
        var packet: DecodedPacket
        if let fragmentPosition {
            // The fragmentable part follows the Fragment header; what the first
            // fragment carries after it is the transport header.
            packet = DecodedPacket(kind: .ipFragment)
            packet.fragment = fragmentPosition
            packet.setPayload(frame, from: cursor, to: end)
        } else {
            packet = decodeTransport(nextHeader, frame, from: cursor, to: end)
        }
        packet.source = source
        packet.destination = destination
        return packet
    }

    /// The transport header from `start`; the IP packet ends at `end`, which
    /// may lie past the captured bytes.
    public static func decodeTransport(_ ipProtocol: UInt8, _ frame: UnsafeRawBufferPointer, from start: Int, to end: Int) -> DecodedPacket {
        switch ipProtocol {
        case 17:
            guard end - start >= 8 else { return DecodedPacket(kind: .malformed(.udp)) }
            guard frame.count >= start + 8 else { return DecodedPacket(kind: .truncated(.udp)) }
            var packet = DecodedPacket(kind: .udp)
            packet.sourcePort = frame.readUInt16BE(at: start)
            packet.destinationPort = frame.readUInt16BE(at: start + 2)
            let udpLength = Int(frame.readUInt16BE(at: start + 4))
            guard udpLength >= 8, start + udpLength <= end else { return DecodedPacket(kind: .malformed(.udp)) }
            packet.setPayload(frame, from: start + 8, to: start + udpLength)
            return packet
        case 6:
            guard end - start >= 20 else { return DecodedPacket(kind: .malformed(.tcp)) }
            guard frame.count >= start + 20 else { return DecodedPacket(kind: .truncated(.tcp)) }
            let headerLength = Int(frame.readUInt8(at: start + 12) >> 4) * 4
            guard headerLength >= 20, start + headerLength <= end else { return DecodedPacket(kind: .malformed(.tcp)) }
            guard frame.count >= start + headerLength else { return DecodedPacket(kind: .truncated(.tcp)) }
            var packet = DecodedPacket(kind: .tcp)
            packet.sourcePort = frame.readUInt16BE(at: start)
            packet.destinationPort = frame.readUInt16BE(at: start + 2)
            packet.tcpSequence = frame.readUInt32BE(at: start + 4)
            packet.tcpAcknowledgement = frame.readUInt32BE(at: start + 8)
            packet.tcpFlags = frame.readUInt8(at: start + 13)
            packet.setPayload(frame, from: start + headerLength, to: end)
            return packet
        default:
            return DecodedPacket(kind: .otherIP(ipProtocol))
        }
    }
}

extension DecodedPacket {
    mutating func setPayload(_ frame: UnsafeRawBufferPointer, from start: Int, to end: Int) {
        let available = min(end, frame.count)
        payloadIsTruncated = available < end
        payload = start < available ? UnsafeRawBufferPointer(rebasing: frame[start..<available]) : UnsafeRawBufferPointer(start: nil, count: 0)
    }
}
