import ArgumentParser
import Capture
import Foundation
import Simulation

/// `exsim capture …`: read pcap / pcapng captures, plain or zstd-compressed.
struct CaptureCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "capture",
        abstract: "Read pcap and pcapng captures (plain or .zst): inspect them, rebuild order books from their ITCH feed.",
        discussion: """
            Captures are read through libpcap in constant memory; a name ending in .zst (or a \
            file starting with zstd's magic number) is decompressed as it is read. Frames may be \
            Ethernet (802.1Q/QinQ tagged or not), Linux cooked (SLL, SLL2) or raw IP; IPv4 or \
            IPv6; UDP or TCP, whose streams are reassembled. Each flow's protocol comes from \
            --port, else from exsim's own ports (MoldUDP64 on UDP 26477, SoupBinTCP on TCP \
            15000, FIX on TCP 9878), else from its framing.
            """,
        subcommands: [CaptureInspectCommand.self, CaptureBookCommand.self]
    )
}

/// The options every capture command shares: which protocol each port carries.
struct CapturePortOptions: ParsableArguments {
    @Option(name: .customLong("port"), help: ArgumentHelp(
        "Which protocol a port carries, as PORT=PROTOCOL (repeatable).",
        discussion: "PROTOCOL is moldudp64 (MoldUDP64/ITCH over UDP), soupbintcp (SoupBinTCP carrying OUCH or ITCH, told apart by message lengths), soupbintcp-itch (SoupBinTCP carrying ITCH) or fix.",
        valueName: "PORT=PROTOCOL"))
    var ports: [String] = []

    @Flag(help: "Do not assume exsim's own ports (26477 moldudp64, 15000 soupbintcp, 9878 fix); recognise flows by --port and their framing only.")
    var noDefaultPorts = false

    /// The port map, or a usage error naming the bad entry.
    func portMap() throws -> CapturePortMap {
        var map = noDefaultPorts ? CapturePortMap() : Simulation.capturePortMap
        for entry in ports {
            switch CapturePortMap.parseEntry(entry) {
            case .success(let (port, value)): map[port] = value
            case .failure(let error):
                printError(error.description)
                throw ExsimExit.badInput
            }
        }
        return map
    }
}

/// Opens a capture, or ends the command with a clear error and the bad-input code.
/// `zstdWorkers`: threads that decompress a zstd file of many frames.
func openCapture(_ path: String, zstdWorkers: Int = CaptureReader.zstdWorkerCount) throws -> CaptureReader {
    do {
        return try CaptureReader(path: path, zstdWorkers: zstdWorkers)
    } catch {
        printError(error.description)
        throw ExsimExit.badInput
    }
}

/// Feeds every packet of `reader` to `dissector`; a fault in the file ends
/// the command with the error and the bad-input code.
func dissectAll<Sink: CaptureMessageSink>(_ reader: CaptureReader, into dissector: CaptureDissector<Sink>) throws {
    do {
        while let packet = try reader.next() { dissector.packet(packet) }
    } catch {
        printError(error.description)
        throw ExsimExit.badInput
    }
}

/// `2026-01-05 09:30:00.000001234` (UTC), nanoseconds kept.
func formatCaptureTime(_ timestampNs: Int64) -> String {
    var seconds = time_t(timestampNs / 1_000_000_000)
    var parts = tm()
    gmtime_r(&seconds, &parts)
    let nanoseconds = Int(timestampNs % 1_000_000_000)
    return String(format: "%04d-%02d-%02d %02d:%02d:%02d.%09d", Int(parts.tm_year) + 1900, Int(parts.tm_mon) + 1,
                  Int(parts.tm_mday), Int(parts.tm_hour), Int(parts.tm_min), Int(parts.tm_sec), nanoseconds)
}

/// `1.23 MB`: decimal units, as the run summary prints sizes.
func formatByteCount(_ bytes: Int64) -> String {
    let value = Double(bytes)
    if value >= 1e9 { return String(format: "%.2f GB", value / 1e9) }
    if value >= 1e6 { return String(format: "%.2f MB", value / 1e6) }
    if value >= 1e3 { return String(format: "%.1f kB", value / 1e3) }
    return "\(bytes) B"
}

/// The capture's first line: what the file is.
func describeCapture(_ reader: CaptureReader) -> String {
    // A file of many zstd frames reads faster: say so, since it depends on how it was compressed.
    let frames = reader.decompressesInParallel ? ", its zstd frames decompressed on several threads" : ""
    let stored = reader.isPiped ? "read from a pipe" : "on disk"
    let compression = reader.isCompressed
        ? "zstd-compressed, \(formatByteCount(reader.fileSizeBytes)) \(stored), \(formatByteCount(reader.uncompressedByteCount)) uncompressed\(frames)"
        : "\(formatByteCount(reader.fileSizeBytes))\(reader.isPiped ? " read from a pipe" : "")"
    return "capture: \(reader.path) (\(reader.format.rawValue), \(compression)), \(LinkType.name(reader.linkType)), snap length \(reader.snapLength)"
}
