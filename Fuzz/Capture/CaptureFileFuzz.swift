// libFuzzer entry for the capture file readers (scripts/fuzz.sh capfile):
// whole files through CaptureReader, which opens pcap and pcapng through
// libpcap and `.zst` files through its zstd stream. Damaged headers, cut
// blocks, corrupt or truncated zstd frames must end in a CaptureReadError,
// never a crash.
//
// An input is a flavour byte (even: the file is named `.pcap`, odd:
// `.pcap.zst`, so the zstd path reads it) and the file's bytes.

import Capture
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

enum CaptureFileFuzz {
    /// The packets read from one input at most: a bound on each run's time.
    static let mostPackets = 10_000

    static let plainPath = "/tmp/exsim-capfile-fuzz-\(getpid()).pcap"
    static let compressedPath = plainPath + ".zst"

    static func run(_ bytes: UnsafeRawBufferPointer) {
        guard let flavour = bytes.first else { return }
        let path = flavour % 2 == 0 ? plainPath : compressedPath
        guard let file = fopen(path, "wb") else { abort() }
        let content = UnsafeRawBufferPointer(rebasing: bytes[1...])
        if !content.isEmpty { _ = fwrite(content.baseAddress, 1, content.count, file) }
        fclose(file)
        do throws(CaptureReadError) {
            let reader = try CaptureReader(path: path)
            var packets = 0
            // Touch every byte handed out: AddressSanitizer checks the reads.
            var checksum: UInt8 = 0
            while packets < mostPackets, let packet = try reader.next() {
                for byte in packet.bytes { checksum &+= byte }
                packets += 1
            }
            CaptureFuzz.check(packets <= mostPackets, "\(packets) packets")
            _ = checksum
        } catch {
            // A clear error is the expected outcome for a damaged file.
            CaptureFuzz.check(!error.description.isEmpty, "an error without a reason")
        }
    }

    /// A small capture in each format the writer makes, each with its flavour byte.
    static func seeds() -> [[UInt8]] {
        var seeds: [[UInt8]] = []
        for (name, flavour) in [("seed.pcap", UInt8(0)), ("seed.pcapng", 0), ("seed.pcap.zst", 1), ("seed.pcapng.zst", 1)] {
            let path = "/tmp/exsim-capfile-seed-\(getpid())-\(name)"
            guard let writer = try? CaptureWriter(path: path, epochOffsetNs: 1_767_605_400_000_000_000, maximumSegmentBytes: 64) else { abort() }
            let venue = CaptureHost(10, 1, 0, 1), client = CaptureHost(10, 2, 0, 1), group = CaptureHost(233, 54, 12, 1)
            let payload = [UInt8](repeating: 0x41, count: 100)
            do {
                try writer.udp(atNs: 1_000, from: venue, port: 26_400, to: group, port: 26_477, payload: payload)
                var connection = try writer.openTCP(atNs: 2_000, client: client, clientPort: 40_001, server: venue, serverPort: 15_000)
                try payload.withUnsafeBytes { try writer.tcp(&connection, atNs: 3_000, fromClient: true, payload: $0) }
                try writer.closeTCP(&connection, atNs: 4_000, byClient: true)
                try writer.finish()
            } catch {
                abort()
            }
            guard let file = fopen(path, "rb") else { abort() }
            var bytes = [flavour]
            var buffer = [UInt8](repeating: 0, count: 4_096)
            while true {
                let count = fread(&buffer, 1, buffer.count, file)
                if count == 0 { break }
                bytes += buffer[0..<count]
            }
            fclose(file)
            unlink(path)
            seeds.append(bytes)
        }
        return seeds
    }
}
