import Foundation
import Testing
@testable import Capture

/// Frames from a real exsim capture, damaged at random (bytes flipped, cut
/// short, garbage appended), under every link type the decoder reads: the
/// decoder, the reassemblers and the dissector classify or count every
/// one and never trap. A seeded stream, so a failure repeats.
@Suite struct CaptureRobustnessTests {
    struct SplitMix {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        mutating func below(_ bound: Int) -> Int { Int(next() % UInt64(bound)) }
    }

    static func sampleFrames(limit: Int) throws -> [[UInt8]] {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let reader = try CaptureReader(path: root.appendingPathComponent("Captures/two-venues.pcap.zst").path)
        var frames: [[UInt8]] = []
        while frames.count < limit, let packet = try reader.next() { frames.append(Array(packet.bytes)) }
        return frames
    }

    @Test(arguments: [LinkType.ethernet, LinkType.linuxCooked, LinkType.linuxCookedV2, LinkType.raw, LinkType.null])
    func damagedFramesAreCountedNeverTrapped(linkType: Int32) throws {
        let frames = try Self.sampleFrames(limit: 3_000)
        var random = SplitMix(state: 0xC0FFEE &+ UInt64(linkType))
        let dissector = CaptureDissector(linkType: linkType, portMap: CapturePortMap([26_477: .moldUDP64, 15_000: .soupBinTCP, 9_878: .fix]),
                                         sink: ITCHCollector())
        let rounds = 20_000
        for round in 0..<rounds {
            var frame = frames[random.below(frames.count)]
            // Re-frame an Ethernet frame for the other link types: the IP packet after a header of their own.
            switch linkType {
            case LinkType.linuxCooked: frame = [0, 0, 0, 1, 0, 6] + [UInt8](repeating: 2, count: 8) + [0x08, 0x00] + frame.dropFirst(14)
            case LinkType.linuxCookedV2: frame = [0x08, 0x00, 0, 0, 0, 0, 0, 2, 0, 1, 4, 6] + [UInt8](repeating: 2, count: 8) + frame.dropFirst(14)
            case LinkType.raw: frame = Array(frame.dropFirst(14))
            case LinkType.null: frame = [2, 0, 0, 0] + frame.dropFirst(14)
            default: break
            }
            switch random.below(4) {
            case 0:
                for _ in 0..<(1 + random.below(4)) where !frame.isEmpty { frame[random.below(frame.count)] ^= UInt8(1 + random.below(255)) }
            case 1:
                frame = Array(frame.prefix(random.below(frame.count + 1)))
            case 2:
                frame += (0..<random.below(64)).map { _ in UInt8(truncatingIfNeeded: random.next()) }
            default:
                // A header field set to an extreme: lengths, offsets, fragment fields.
                if frame.count > 40 {
                    let at = random.below(40)
                    frame[at] = [0x00, 0xFF, 0x80, 0x7F][random.below(4)]
                }
            }
            frame.withUnsafeBytes { bytes in
                dissector.packet(CapturedPacket(timestampNs: Int64(round) * 1_000, bytes: bytes, originalLength: bytes.count))
            }
        }
        let inspection = dissector.finish()
        #expect(inspection.packets == rounds)
        let kinds = inspection.packetKinds
        let classified = kinds.udp + kinds.tcp + kinds.otherIP + kinds.notIP + kinds.ipFragments
            + kinds.truncated + kinds.malformed + kinds.unknownLinkType
        #expect(classified == rounds + kinds.reassembledDatagrams,
                "every frame under exactly one kind, and each datagram put back together once more")
        #expect(kinds.udp + kinds.tcp > rounds / 4, "most damaged frames still decode")
    }
}
