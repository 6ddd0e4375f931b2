import CZstd
#if canImport(Glibc)
import Glibc
#endif

/// A zstd file's compressed bytes held in memory, for measuring libzstd
/// alone: `decompressAll()` decompresses every frame, one after the other
/// on the calling thread, into one reused buffer, with no file read and no
/// packet taken apart. Over a file of one frame that is the ceiling of
/// reading it on this machine: nothing that reads the packets can go
/// faster than zstd decompresses them on one core.
public final class ZstdInMemoryFile {
    public let path: String
    private let compressed: UnsafeMutableRawBufferPointer
    private let output: UnsafeMutableRawPointer
    private let context: OpaquePointer
    /// The reused output buffer: decompressed bytes are counted, not kept.
    private static let outputBytes = 1 << 20
    /// The largest file held: a measurement, not a reader of any capture.
    static let largestFileBytes = 8 << 30

    /// Reads the whole file into memory.
    /// - Throws: when the file cannot be read.
    public init(path: String) throws(CaptureReadError) {
        self.path = path
        guard let file = fopen(path, "rb") else {
            throw CaptureReadError(path: path, reason: "cannot open: \(String(cString: strerror(errno)))")
        }
        defer { fclose(file) }
        var status = stat()
        guard fstat(fileno(file), &status) == 0 else {
            throw CaptureReadError(path: path, reason: "cannot read its size: \(String(cString: strerror(errno)))")
        }
        guard (status.st_mode & S_IFMT) == S_IFREG else { throw CaptureReadError(path: path, reason: "not a regular file") }
        let byteCount = Int(status.st_size)
        guard byteCount <= Self.largestFileBytes else {
            throw CaptureReadError(path: path, reason: "\(byteCount) bytes: larger than the \(Self.largestFileBytes) held in memory")
        }
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: max(byteCount, 1), alignment: 64)
        let read = fread(buffer.baseAddress, 1, byteCount, file)
        guard read == byteCount else {
            buffer.deallocate()
            throw CaptureReadError(path: path, reason: "read \(read) of its \(byteCount) bytes")
        }
        guard let context = ZSTD_createDCtx() else {
            buffer.deallocate()
            throw CaptureReadError(path: path, reason: "cannot make a zstd decompression context")
        }
        compressed = UnsafeMutableRawBufferPointer(rebasing: buffer[0..<byteCount])
        self.context = context
        output = UnsafeMutableRawPointer.allocate(byteCount: Self.outputBytes, alignment: 64)
    }

    deinit {
        compressed.deallocate()
        output.deallocate()
        ZSTD_freeDCtx(context)
    }

    /// Compressed bytes held.
    public var compressedByteCount: Int { compressed.count }

    /// Decompresses the whole file (every frame, skippable ones giving
    /// nothing) and returns the decompressed byte count.
    /// - Throws: on corrupt or truncated data.
    public func decompressAll() throws(CaptureReadError) -> Int64 {
        ZSTD_DCtx_reset(context, ZSTD_reset_session_only)
        var input = ZSTD_inBuffer(src: compressed.baseAddress, size: compressed.count, pos: 0)
        var total: Int64 = 0
        var frameInProgress = false
        while input.pos < input.size || frameInProgress {
            var out = ZSTD_outBuffer(dst: output, size: Self.outputBytes, pos: 0)
            let result = ZSTD_decompressStream(context, &out, &input)
            if ZSTD_isError(result) != 0 { throw CaptureReadError(path: path, reason: ZstdReadStream.corruptFault(result)) }
            total += Int64(out.pos)
            frameInProgress = result != 0
            // No input left, nothing produced and the frame still open: cut short.
            if frameInProgress, input.pos == input.size, out.pos < Self.outputBytes {
                throw CaptureReadError(path: path, reason: ZstdReadStream.truncatedFault)
            }
        }
        return total
    }
}
