import CPcap
#if canImport(Glibc)
import Glibc
#endif

/// Why a capture file cannot be read, or stopped being readable.
public struct CaptureReadError: Error, CustomStringConvertible, Sendable {
    public var path: String
    public var reason: String
    public init(path: String, reason: String) {
        self.path = path
        self.reason = reason
    }
    public var description: String { "\(path): \(reason)" }
}

/// The container a capture was recorded in.
public enum CaptureFileFormat: String, Sendable {
    /// Classic libpcap with microsecond timestamps (magic 0xA1B2C3D4).
    case pcapMicroseconds = "pcap (µs)"
    /// Classic libpcap with nanosecond timestamps (magic 0xA1B23C4D).
    case pcapNanoseconds = "pcap (ns)"
    /// pcapng; each interface carries its own timestamp resolution.
    case pcapng

    init?(magic: UInt32) {
        switch magic {
        case 0xA1B2_C3D4, 0xD4C3_B2A1: self = .pcapMicroseconds
        case 0xA1B2_3C4D, 0x4D3C_B2A1: self = .pcapNanoseconds
        case 0x0A0D_0D0A: self = .pcapng
        default: return nil
        }
    }
}

/// One packet as recorded. `bytes` is valid only until the reader's next
/// `next()` call.
public struct CapturedPacket {
    /// Nanoseconds since the UNIX epoch, whatever resolution the file kept.
    public let timestampNs: Int64
    /// The bytes recorded, which is fewer than `originalLength` when the
    /// capture's snap length cut the packet.
    public let bytes: UnsafeRawBufferPointer
    /// The packet's length on the wire.
    public let originalLength: Int

    public init(timestampNs: Int64, bytes: UnsafeRawBufferPointer, originalLength: Int) {
        self.timestampNs = timestampNs
        self.bytes = bytes
        self.originalLength = originalLength
    }

    public var isTruncated: Bool { bytes.count < originalLength }
}

/// Reads a pcap or pcapng file, or either compressed with zstd, one packet
/// at a time through libpcap, in constant memory: the file is never loaded
/// whole. A name ending in `.zst`, or a file starting with zstd's magic
/// number, is decompressed as it is read.
///
/// A class, because it owns the open libpcap handle.
public final class CaptureReader {
    public let path: String
    /// The container, from the file's magic number.
    public let format: CaptureFileFormat
    /// True when the file is zstd-compressed.
    public let isCompressed: Bool
    /// libpcap's link-layer type (DLT_*) of the packets, e.g. 1 for Ethernet.
    public let linkType: Int32
    /// The capture's snap length: no packet holds more bytes than this.
    public let snapLength: Int
    /// Packets returned so far.
    public private(set) var packetCount = 0
    /// Captured packet bytes returned so far (without record headers).
    public private(set) var capturedByteCount: Int64 = 0

    private let handle: OpaquePointer
    let decompressor: ZstdReadStream?
    private let fileByteCount: Int64
    /// What gives a piped capture's bytes back after its magic number was
    /// read; nil for a regular file.
    private let piped: PrefixedReadStream?

    static let zstdMagic: UInt32 = 0xFD2F_B528
    /// A zstd skippable frame (0x184D2A50 … 0x184D2A5F), which pzstd puts
    /// first, before each frame, to note its size.
    static func isSkippableFrameMagic(_ magic: UInt32) -> Bool { magic & 0xFFFF_FFF0 == 0x184D_2A50 }
    /// Threads that decompress a file of many zstd frames: one per core, up to 4.
    public static let zstdWorkerCount = max(1, min(4, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))))

    /// Whether the frames of this zstd file are decompressed on worker
    /// threads: a regular file of many frames, as pzstd writes them, or
    /// `CaptureWriter` with `zstdFrameBytes` (exsim writes one frame by
    /// default, the only kind Wireshark 4.0 reads whole).
    public var decompressesInParallel: Bool { decompressor?.decompressesInParallel ?? false }

    /// Opens `path` and reads its header. A regular zstd file of many frames
    /// is decompressed on `zstdWorkers` threads ahead of the reads (fewer
    /// when the caller keeps cores busy with other threads).
    /// - Throws: when the file is missing, unreadable, not a capture, or a
    ///   corrupt zstd stream.
    public init(path: String, zstdWorkers: Int = CaptureReader.zstdWorkerCount) throws(CaptureReadError) {
        precondition(zstdWorkers >= 1)
        self.path = path
        var status = stat()
        guard stat(path, &status) == 0 else {
            throw CaptureReadError(path: path, reason: "cannot open: \(String(cString: strerror(errno)))")
        }
        guard (status.st_mode & S_IFMT) != S_IFDIR else {
            throw CaptureReadError(path: path, reason: "is a directory, not a capture file")
        }
        fileByteCount = Int64(status.st_size)
        guard let opened = fopen(path, "rb") else {
            throw CaptureReadError(path: path, reason: "cannot open: \(String(cString: strerror(errno)))")
        }
        var magicBytes: UInt32 = 0
        let magicRead = fread(&magicBytes, 1, 4, opened)
        let magic = UInt32(littleEndian: magicBytes)
        if magicRead < 4 {
            fclose(opened)
            throw CaptureReadError(path: path, reason: "too short to be a capture (\(status.st_size) bytes)")
        }
        // Back to the start: a regular file is rewound; a pipe cannot be,
        // so its first bytes are given back ahead of the rest.
        let file: UnsafeMutablePointer<FILE>
        if (status.st_mode & S_IFMT) == S_IFREG {
            rewind(opened)
            file = opened
            piped = nil
        } else {
            let prefix = withUnsafeBytes(of: &magicBytes) { Array($0) }
            guard let prefixed = PrefixedReadStream.open(opened, prefix: prefix) else {
                fclose(opened)
                throw CaptureReadError(path: path, reason: "cannot open a stream over the pipe: \(String(cString: strerror(errno)))")
            }
            file = prefixed.file
            piped = prefixed.stream
        }
        let zstd = magic == Self.zstdMagic || Self.isSkippableFrameMagic(magic)
        isCompressed = zstd || path.hasSuffix(".zst")
        let pcapFile: UnsafeMutablePointer<FILE>
        if isCompressed {
            guard zstd else {
                fclose(file)
                throw CaptureReadError(path: path, reason: "named .zst but not zstd-compressed (it starts with 0x\(String(magic, radix: 16)))")
            }
            // A regular file of many frames decompresses on every core.
            let workers = (status.st_mode & S_IFMT) == S_IFREG
                ? ZstdFrameWorkers(descriptor: fileno(file), byteCount: Int(status.st_size), workers: zstdWorkers)
                : nil
            let stream = ZstdReadStream(source: file, workers: workers)
            guard let cookieFile = stream.openFile() else {
                throw CaptureReadError(path: path, reason: "cannot open a decompressing stream: \(String(cString: strerror(errno)))")
            }
            decompressor = stream
            pcapFile = cookieFile
        } else {
            decompressor = nil
            pcapFile = file
        }
        var errorBuffer = [CChar](repeating: 0, count: Int(PCAP_ERRBUF_SIZE) + 1)
        guard let opened = pcap_fopen_offline_with_tstamp_precision(pcapFile, UInt32(PCAP_TSTAMP_PRECISION_NANO), &errorBuffer) else {
            // libpcap closes nothing when it fails to open.
            fclose(pcapFile)
            if let failure = decompressor?.failure { throw CaptureReadError(path: path, reason: failure) }
            let reason = errorBuffer.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
            throw CaptureReadError(path: path, reason: "not a pcap or pcapng capture: \(reason)")
        }
        handle = opened
        let innerMagic = decompressor?.magic ?? magic
        guard let format = CaptureFileFormat(magic: innerMagic) else {
            pcap_close(opened)
            throw CaptureReadError(path: path, reason: "unknown capture format (magic 0x\(String(innerMagic, radix: 16)))")
        }
        self.format = format
        linkType = pcap_datalink(opened)
        snapLength = Int(pcap_snapshot(opened))
    }

    deinit {
        pcap_close(handle)
    }

    /// Bytes of the capture as libpcap reads them: the decompressed size of a
    /// zstd file so far, or the file's size (a pipe's: the bytes read so far).
    public var uncompressedByteCount: Int64 { decompressor?.decompressedByteCount ?? fileSizeBytes }
    /// The file's size on disk; for a pipe, the bytes read from it so far.
    public var fileSizeBytes: Int64 { piped?.byteCount ?? fileByteCount }
    /// Whether the capture comes through a pipe (or another file that is
    /// not a regular one), read once from start to end.
    public var isPiped: Bool { piped != nil }

    /// The next packet, or nil at the end of the capture.
    /// - Throws: a truncated or corrupt file, named with what libpcap or
    ///   zstd reported. Packets before the fault have been returned.
    public func next() throws(CaptureReadError) -> CapturedPacket? {
        var header: UnsafeMutablePointer<pcap_pkthdr>?
        var data: UnsafePointer<UInt8>?
        let status = pcap_next_ex(handle, &header, &data)
        if status == 1, let header {
            let length = Int(header.pointee.caplen)
            let packet = CapturedPacket(
                timestampNs: Int64(header.pointee.ts.tv_sec) * 1_000_000_000 + Int64(header.pointee.ts.tv_usec),
                bytes: UnsafeRawBufferPointer(start: data, count: length),
                originalLength: Int(header.pointee.len))
            packetCount += 1
            capturedByteCount += Int64(length)
            return packet
        }
        if let failure = decompressor?.failure {
            throw CaptureReadError(path: path, reason: "after packet \(packetCount): \(failure)")
        }
        if status == PCAP_ERROR_BREAK { return nil }
        let reason = String(cString: pcap_geterr(handle))
        throw CaptureReadError(path: path, reason: "after packet \(packetCount): \(reason)")
    }
}
