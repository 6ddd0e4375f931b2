// libFuzzer entry points for the capture reader's decoding (scripts/fuzz.sh
// capture): frames of any link type through PacketDecoder, the TCP and IP
// fragment reassemblers and the protocol dissector. With
// WIRE_FUZZ_TARGET=capfile the same binary fuzzes whole capture files
// instead (CaptureFileFuzz).
//
// An input is a link-type selector byte, then frames, each a big-endian
// 16-bit length and that many bytes (the last may be cut short).
//
//   WIRE_FUZZ_SEED_DIR=<dir>   write the seed inputs there before fuzzing starts

import Capture
import Wire
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

enum CaptureFuzz {
    static let linkTypes: [Int32] = [LinkType.ethernet, LinkType.linuxCooked, LinkType.linuxCookedV2, LinkType.raw, LinkType.null]

    struct Discard: CaptureMessageSink {
        var messages = 0
        mutating func itchMessage(_ message: UnsafeRawBufferPointer, feed: Int, timestampNs: Int64) { messages += 1 }
    }

    static func check(_ condition: Bool, _ message: @autoclosure () -> String) {
        if !condition {
            fputs("capture-fuzz: \(message())\n", stderr)
            abort()
        }
    }

    static func run(_ bytes: UnsafeRawBufferPointer) {
        guard let selector = bytes.first else { return }
        let linkType = linkTypes[Int(selector) % linkTypes.count]
        let portMap = CapturePortMap([26_477: .moldUDP64, 15_000: .soupBinTCP, 16_000: .soupBinTCPITCH, 9_878: .fix])
        let dissector = CaptureDissector(linkType: linkType, portMap: portMap, sink: Discard())
        var offset = 1
        var frames = 0
        while offset + 2 <= bytes.count {
            let length = Int(bytes[offset]) << 8 | Int(bytes[offset + 1])
            offset += 2
            let end = min(bytes.count, offset + length)
            let frame = UnsafeRawBufferPointer(rebasing: bytes[offset..<end])
            dissector.packet(CapturedPacket(timestampNs: Int64(frames) * 1_000, bytes: frame, originalLength: length))
            frames += 1
            offset = end
        }
        let inspection = dissector.finish()
        check(inspection.packets == frames, "\(inspection.packets) packets counted of \(frames)")
        let kinds = inspection.packetKinds
        let classified = kinds.udp + kinds.tcp + kinds.otherIP + kinds.notIP + kinds.ipFragments + kinds.truncated
            + kinds.malformed + kinds.unknownLinkType
        check(classified == frames + kinds.reassembledDatagrams, "\(classified) frames classified of \(frames) + \(kinds.reassembledDatagrams)")
        check(dissector.sink.messages <= inspection.messageCount, "more ITCH messages delivered than counted")
    }

    /// Ethernet frames of each protocol the dissector extracts, built with
    /// the capture writer's framing: nothing binary kept in the repository.
    static func seeds() -> [[UInt8]] {
        let venue = CaptureHost(10, 1, 0, 1), client = CaptureHost(10, 2, 0, 1), group = CaptureHost(233, 54, 12, 1)
        func frames(_ list: [[UInt8]], link: UInt8 = 0) -> [UInt8] {
            list.reduce([link]) { $0 + [UInt8($1.count >> 8), UInt8($1.count & 0xFF)] + $1 }
        }
        var mold = [UInt8](repeating: 0, count: MoldUDP64Header.length)
        _ = mold.withUnsafeMutableBytes {
            MoldUDP64Header(session: MoldUDP64SessionID("FUZZ")!, sequenceNumber: 1, messageCount: 1).encode(into: $0)
        }
        mold += [0, 12, UInt8(ascii: "S")] + [UInt8](repeating: 0, count: 10) + [UInt8(ascii: "O")]
        let udp = mold.withUnsafeBytes { PacketFraming.udpFrame(from: venue, port: 26_400, to: group, port: 26_477, payload: $0) }
        let empty = UnsafeRawBufferPointer(start: nil, count: 0)
        let syn = PacketFraming.tcpFrame(from: client, port: 40_001, to: venue, port: 15_000, sequence: 99, acknowledgement: 0,
                                         flags: [.syn], payload: empty)
        let login: [UInt8] = [0, 47, UInt8(ascii: "L")] + Array("P1    exsim     ".utf8) + [UInt8](repeating: 0x20, count: 10)
            + Array(String(repeating: " ", count: 19).utf8) + [UInt8(ascii: "1")]
        let data = login.withUnsafeBytes {
            PacketFraming.tcpFrame(from: client, port: 40_001, to: venue, port: 15_000, sequence: 100, acknowledgement: 0,
                                   flags: [.psh, .ack], payload: $0)
        }
        let fixBody = Array("35=A\u{01}49=P1\u{01}56=XFIX\u{01}34=1\u{01}".utf8)
        let fixHead = Array("8=FIX.4.2\u{01}9=\(fixBody.count)\u{01}".utf8)
        let sum = (fixHead + fixBody).reduce(0) { ($0 + Int($1)) % 256 }
        let fix = fixHead + fixBody + Array("10=\(String(repeating: "0", count: 3 - String(sum).count) + String(sum))\u{01}".utf8)
        let fixFrame = fix.withUnsafeBytes {
            PacketFraming.tcpFrame(from: client, port: 40_002, to: venue, port: 9_878, sequence: 7, acknowledgement: 0,
                                   flags: [.psh, .ack], payload: $0)
        }
        return [frames([udp]), frames([syn, data]), frames([fixFrame]), frames([udp, syn, data, fixFrame])]
    }
}

nonisolated(unsafe) private var initialized = false
/// `capfile` fuzzes whole files (CaptureFileFuzz); anything else, frames.
nonisolated(unsafe) private var fuzzesFiles = false

@_cdecl("LLVMFuzzerInitialize")
public func fuzzerInitialize(
    _ argc: UnsafeMutablePointer<CInt>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>
) -> CInt {
    fuzzesFiles = getenv("WIRE_FUZZ_TARGET").map { String(cString: $0) } == "capfile"
    if fuzzesFiles {
        atexit {
            unlink(CaptureFileFuzz.plainPath)
            unlink(CaptureFileFuzz.compressedPath)
        }
    }
    let seeds = fuzzesFiles ? CaptureFileFuzz.seeds() : CaptureFuzz.seeds()
    for seed in seeds { seed.withUnsafeBytes { fuzzesFiles ? CaptureFileFuzz.run($0) : CaptureFuzz.run($0) } }
    if let directory = getenv("WIRE_FUZZ_SEED_DIR").map({ String(cString: $0) }) {
        for (index, seed) in seeds.enumerated() {
            guard let file = fopen(directory + "/seed-" + String(index), "wb") else { exit(2) }
            _ = seed.withUnsafeBytes { fwrite($0.baseAddress, 1, $0.count, file) }
            fclose(file)
        }
        fputs("capture-fuzz: wrote \(seeds.count) seeds to \(directory)\n", stderr)
    }
    initialized = true
    return 0
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzerTestOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard initialized else { return 0 }
    let input = UnsafeRawBufferPointer(start: data, count: size)
    if fuzzesFiles { CaptureFileFuzz.run(input) } else { CaptureFuzz.run(input) }
    return 0
}
