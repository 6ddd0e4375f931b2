#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Why a capture file could not be written.
public struct CaptureWriteError: Error, CustomStringConvertible, Sendable {
    public var path: String
    public var reason: String
    public var description: String { "\(path): \(reason)" }
}

extension CaptureFileFormat {
    /// The format exsim writes to `path`: pcapng when the name ends in
    /// `.pcapng` or `.pcapng.zst`, nanosecond pcap otherwise.
    public init(writingTo path: String) {
        let name = path.hasSuffix(".zst") ? String(path.dropLast(4)) : path
        self = name.hasSuffix(".pcapng") ? .pcapng : .pcapNanoseconds
    }
}

/// One TCP connection in a capture: the client and server ends and the next
/// sequence number each side will send.
public struct CapturedTCPConnection: Hashable, Sendable {
    public let client: CaptureHost
    public let clientPort: UInt16
    public let server: CaptureHost
    public let serverPort: UInt16
    var clientNextSequence: UInt32
    var serverNextSequence: UInt32
}

/// Writes synthetic traffic to a nanosecond pcap file, or pcapng when the
/// name ends in `.pcapng` or `.pcapng.zst`, zstd-compressed when the name
/// ends in `.zst`: UDP datagrams and TCP
/// connections with a handshake, in-order segments with consistent sequence
/// and acknowledgement numbers, and a FIN exchange, so a dissector
/// reassembles each byte stream as it would a captured one.
///
/// The caller supplies every timestamp; records are written in the order
/// given, so a caller must give them in time order for a well-formed capture.
/// A class, because it owns an open file: copies must not each think they own it.
public final class CaptureWriter {
    public let path: String
    /// Added to every timestamp: the capture's wall-clock origin.
    public let epochOffsetNs: Int64
    /// TCP payloads longer than this are split into several segments.
    public let maximumSegmentBytes: Int
    /// Nanosecond pcap or pcapng, from the file's name.
    public let format: CaptureFileFormat

    private var file: UnsafeMutablePointer<FILE>?
    /// Compresses the pcap stream when the capture's name ends in `.zst`.
    private let compressor: ZstdWriteStream?
    private var pending: [UInt8] = []
    private var lastTimestampNs: Int64 = .min
    private var identification: UInt16 = 0
    public private(set) var packetsWritten = 0

    /// Bytes gathered before a write: of a zstd capture in frames, one frame's.
    let flushThresholdBytes: Int
    /// Whether each write of a zstd capture ends a frame.
    let endsFrames: Bool

    /// `zstdFrameBytes`: a zstd capture is written as one frame when nil
    /// (as the zstd tool writes it, and as Wireshark 4.0 reads it: its
    /// reader stops at the end of the first frame), else as a run of
    /// frames of that many uncompressed bytes (the last shorter), as pzstd
    /// writes them. A frame depends on nothing before it, so `CaptureReader`
    /// decompresses several at once (`ZstdFrameWorkers`).
    public init(path: String, epochOffsetNs: Int64 = 0, maximumSegmentBytes: Int = 1_460,
                zstdFrameBytes: Int? = nil) throws(CaptureWriteError) {
        precondition(zstdFrameBytes.map { $0 > 0 } ?? true)
        precondition(maximumSegmentBytes > 0 && maximumSegmentBytes <= PacketFraming.maximumPayload)
        guard let file = fopen(path, "wb") else {
            throw CaptureWriteError(path: path, reason: String(cString: strerror(errno)))
        }
        self.path = path
        self.file = file
        self.epochOffsetNs = epochOffsetNs
        self.maximumSegmentBytes = maximumSegmentBytes
        compressor = path.hasSuffix(".zst") ? ZstdWriteStream() : nil
        endsFrames = compressor != nil && zstdFrameBytes != nil
        flushThresholdBytes = endsFrames ? zstdFrameBytes! : 1 << 20
        format = CaptureFileFormat(writingTo: path)
        pending = format == .pcapng ? PcapNGFormat.fileHeader() : PcapFormat.fileHeader()
        pending.reserveCapacity(flushThresholdBytes + 65_536)
    }

    /// One UDP datagram.
    public func udp(
        atNs time: Int64, from source: CaptureHost, port sourcePort: UInt16,
        to destination: CaptureHost, port destinationPort: UInt16, payload: UnsafeRawBufferPointer
    ) throws(CaptureWriteError) {
        let frame = PacketFraming.udpFrame(from: source, port: sourcePort, to: destination, port: destinationPort,
                                           payload: payload, identification: nextIdentification())
        try append(frame, atNs: time)
    }

    /// One UDP datagram whose payload is an array.
    public func udp(
        atNs time: Int64, from source: CaptureHost, port sourcePort: UInt16,
        to destination: CaptureHost, port destinationPort: UInt16, payload: [UInt8]
    ) throws(CaptureWriteError) {
        let frame = payload.withUnsafeBytes {
            PacketFraming.udpFrame(from: source, port: sourcePort, to: destination, port: destinationPort,
                                   payload: $0, identification: nextIdentification())
        }
        try append(frame, atNs: time)
    }

    /// Opens a TCP connection with a three-way handshake at `time`.
    public func openTCP(
        atNs time: Int64, client: CaptureHost, clientPort: UInt16, server: CaptureHost, serverPort: UInt16
    ) throws(CaptureWriteError) -> CapturedTCPConnection {
        // Initial sequence numbers derived from the ports, so captures are reproducible.
        let clientISN = UInt32(clientPort) << 16 | UInt32(serverPort)
        let serverISN = UInt32(serverPort) << 16 | UInt32(clientPort)
        let empty = UnsafeRawBufferPointer(start: nil, count: 0)
        try append(PacketFraming.tcpFrame(from: client, port: clientPort, to: server, port: serverPort,
                                          sequence: clientISN, acknowledgement: 0, flags: [.syn], payload: empty,
                                          identification: nextIdentification()), atNs: time)
        try append(PacketFraming.tcpFrame(from: server, port: serverPort, to: client, port: clientPort,
                                          sequence: serverISN, acknowledgement: clientISN &+ 1, flags: [.syn, .ack],
                                          payload: empty, identification: nextIdentification()), atNs: time)
        try append(PacketFraming.tcpFrame(from: client, port: clientPort, to: server, port: serverPort,
                                          sequence: clientISN &+ 1, acknowledgement: serverISN &+ 1, flags: [.ack],
                                          payload: empty, identification: nextIdentification()), atNs: time)
        return CapturedTCPConnection(client: client, clientPort: clientPort, server: server, serverPort: serverPort,
                                     clientNextSequence: clientISN &+ 1, serverNextSequence: serverISN &+ 1)
    }

    /// Bytes sent on a connection by the client (`fromClient`) or the server.
    public func tcp(
        _ connection: inout CapturedTCPConnection, atNs time: Int64, fromClient: Bool, payload: UnsafeRawBufferPointer
    ) throws(CaptureWriteError) {
        var offset = 0
        while offset < payload.count {
            let length = min(maximumSegmentBytes, payload.count - offset)
            let segment = UnsafeRawBufferPointer(rebasing: payload[offset..<(offset + length)])
            try segmentOut(&connection, atNs: time, fromClient: fromClient, flags: [.psh, .ack], payload: segment)
            offset += length
        }
    }

    /// Closes a connection: FIN from the side that closes, FIN+ACK back, final ACK.
    public func closeTCP(
        _ connection: inout CapturedTCPConnection, atNs time: Int64, byClient: Bool
    ) throws(CaptureWriteError) {
        let empty = UnsafeRawBufferPointer(start: nil, count: 0)
        try segmentOut(&connection, atNs: time, fromClient: byClient, flags: [.fin, .ack], payload: empty)
        try segmentOut(&connection, atNs: time, fromClient: !byClient, flags: [.fin, .ack], payload: empty)
        try segmentOut(&connection, atNs: time, fromClient: byClient, flags: [.ack], payload: empty)
    }

    /// Writes what is buffered and closes the file.
    public func finish() throws(CaptureWriteError) {
        guard let open = file else { return }
        try flush(endingStream: true)
        file = nil
        if fclose(open) != 0 {
            throw CaptureWriteError(path: path, reason: String(cString: strerror(errno)))
        }
    }

    private func segmentOut(
        _ connection: inout CapturedTCPConnection, atNs time: Int64, fromClient: Bool,
        flags: PacketFraming.TCPFlags, payload: UnsafeRawBufferPointer
    ) throws(CaptureWriteError) {
        let frame: [UInt8]
        // A FIN consumes one sequence number, as a SYN does.
        let advance = UInt32(payload.count) &+ (flags.contains(.fin) ? 1 : 0)
        if fromClient {
            frame = PacketFraming.tcpFrame(
                from: connection.client, port: connection.clientPort, to: connection.server, port: connection.serverPort,
                sequence: connection.clientNextSequence, acknowledgement: connection.serverNextSequence,
                flags: flags, payload: payload, identification: nextIdentification())
            connection.clientNextSequence &+= advance
        } else {
            frame = PacketFraming.tcpFrame(
                from: connection.server, port: connection.serverPort, to: connection.client, port: connection.clientPort,
                sequence: connection.serverNextSequence, acknowledgement: connection.clientNextSequence,
                flags: flags, payload: payload, identification: nextIdentification())
            connection.serverNextSequence &+= advance
        }
        try append(frame, atNs: time)
    }

    deinit {
        if let file { fclose(file) }
    }

    private func nextIdentification() -> UInt16 {
        identification &+= 1
        return identification
    }

    private func append(_ frame: [UInt8], atNs time: Int64) throws(CaptureWriteError) {
        precondition(time >= lastTimestampNs, "capture records must be in time order: \(time) after \(lastTimestampNs)")
        lastTimestampNs = time
        if format == .pcapng {
            PcapNGFormat.appendEnhancedPacket(to: &pending, timestampNs: epochOffsetNs + time, frame: frame)
        } else {
            PcapFormat.appendRecordHeader(to: &pending, timestampNs: epochOffsetNs + time, length: frame.count)
            pending.append(contentsOf: frame)
        }
        packetsWritten += 1
        if pending.count >= flushThresholdBytes { try flush() }
    }

    /// Writes what is pending; of a zstd capture in frames, as one whole frame.
    private func flush(endingStream: Bool = false) throws(CaptureWriteError) {
        guard !pending.isEmpty || (endingStream && compressor != nil && !endsFrames) else { return }
        guard let file else { preconditionFailure("capture \(path) written after finish()") }
        if let compressor {
            if let reason = pending.withUnsafeBytes({ compressor.write($0, end: endingStream || endsFrames, to: file) }) {
                throw CaptureWriteError(path: path, reason: reason)
            }
        } else {
            let written = pending.withUnsafeBytes { fwrite($0.baseAddress, 1, $0.count, file) }
            guard written == pending.count else {
                throw CaptureWriteError(path: path, reason: String(cString: strerror(errno)))
            }
        }
        pending.removeAll(keepingCapacity: true)
    }
}
