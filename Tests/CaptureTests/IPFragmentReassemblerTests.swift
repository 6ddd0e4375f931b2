import Testing
@testable import Capture

/// Fragments put back together in any order, overlaps keeping the first
/// copy; a datagram with a fragment missing is dropped, never delivered.
@Suite struct IPFragmentReassemblerTests {
    static func fragment(_ bytes: [UInt8], offset: Int, more: Bool, id: UInt32 = 9, _ body: (DecodedPacket) -> Void) {
        bytes.withUnsafeBytes { payload in
            var packet = DecodedPacket(kind: .ipFragment)
            packet.source = IPAddress(ipv4: 0x0A00_0001)
            packet.destination = IPAddress(ipv4: 0x0A00_0002)
            packet.fragment = IPFragmentPosition(identification: id, ipProtocol: 17, offsetBytes: offset, moreFragments: more)
            packet.payload = payload
            body(packet)
        }
    }

    @Test func fragmentsInAnyOrderWithOverlapsMakeOneDatagram() {
        var reassembler = IPFragmentReassembler()
        var delivered: [[UInt8]] = []
        let whole = (0..<40).map { UInt8($0) }
        for (offset, length, more) in [(24, 16, false), (0, 16, true), (8, 24, true)] {
            var piece = Array(whole[offset..<(offset + length)])
            if offset == 8 { piece[0] = 0xEE }  // an overlap that disagrees: the first copy stays
            Self.fragment(piece, offset: offset, more: more) { packet in
                reassembler.fragment(packet, timestampNs: 0) { delivered.append(Array($0)) }
            }
        }
        #expect(delivered == [whole])
        #expect(reassembler.reassembledCount == 1 && reassembler.pendingCount == 0)
    }

    @Test func aDatagramMissingAFragmentIsDropped() {
        var reassembler = IPFragmentReassembler(maximumPendingDatagrams: 2)
        var delivered = 0
        for id: UInt32 in 1...3 {
            Self.fragment([1, 2, 3, 4, 5, 6, 7, 8], offset: 0, more: true, id: id) { packet in
                reassembler.fragment(packet, timestampNs: 0) { _ in delivered += 1 }
            }
            Self.fragment([9], offset: 16, more: false, id: id) { packet in
                reassembler.fragment(packet, timestampNs: 0) { _ in delivered += 1 }
            }
        }
        #expect(delivered == 0, "bytes 8..<16 never arrive")
        #expect(reassembler.droppedCount == 1 && reassembler.pendingCount == 2, "the oldest evicted at the bound")
        reassembler.finish()
        #expect(reassembler.droppedCount == 3)
    }
}
