import CZstd
#if canImport(Glibc)
import Glibc
#endif

/// A zstd-compressed file seen as a `FILE*` of its decompressed bytes, so
/// libpcap reads a `.pcap.zst` as it reads a `.pcap`. Reads decompress
/// straight into the stdio buffer: memory stays at the two fixed buffers
/// whatever the size of the file. A file of many frames is decompressed
/// by `ZstdFrameWorkers` instead, several frames at once, when the caller
/// hands them over.
///
/// A class, because the `FILE*` holds a pointer to it as its cookie: the
/// owner keeps it alive until the `FILE*` is closed.
final class ZstdReadStream {
    /// Bytes read from the compressed file at a time (zstd's recommended size).
    static let inputChunkBytes = ZSTD_DStreamInSize()
    /// The stdio buffer libpcap's reads are served from.
    static let fileBufferBytes = 1 << 20

    /// A fault of a zstd file, in the words every reader of one reports it
    /// (this stream, and `ZstdFrameWorkers`).
    static let truncatedFault = "the zstd stream ends inside a frame (the file is truncated)"
    static func corruptFault(_ code: Int) -> String { "corrupt zstd data: \(String(cString: ZSTD_getErrorName(code)))" }

    private let source: UnsafeMutablePointer<FILE>
    /// The stream's own decompression state and input buffer: only when
    /// no workers decompress for it.
    private let context: OpaquePointer?
    private let input: UnsafeMutableRawPointer?
    private var inputSize = 0
    private var inputPosition = 0
    /// True between the start of a zstd frame and its end: the file must
    /// not end there.
    private var frameInProgress = false
    /// Why the stream stopped before its end, if it did.
    private(set) var failure: String?
    /// Decompressed bytes handed out so far.
    private(set) var decompressedByteCount: Int64 = 0
    /// Compressed bytes read so far.
    private(set) var compressedByteCount: Int64 = 0
    /// The first four decompressed bytes: the capture's magic number.
    private(set) var magic: UInt32 = 0

    /// Decompresses the frames of a mapped file ahead of the reads; nil
    /// when the stream is read through `source` here.
    let workers: ZstdFrameWorkers?
    /// The whole compressed file, when it is a regular file read here:
    /// decompressed straight from the mapping, without a copy of every
    /// compressed byte into `input` first (`fread`). Nil for a pipe.
    private let mapped: UnsafeRawBufferPointer?

    init(source: UnsafeMutablePointer<FILE>, workers: ZstdFrameWorkers? = nil) {
        self.source = source
        self.workers = workers
        context = workers == nil ? ZSTD_createDCtx() : nil
        mapped = workers == nil ? Self.map(source) : nil
        input = workers == nil && mapped == nil ? UnsafeMutableRawPointer.allocate(byteCount: Self.inputChunkBytes, alignment: 16) : nil
    }

    /// A read-only mapping of the regular file open as `source`; nil for
    /// anything else, or where it cannot be mapped.
    private static func map(_ source: UnsafeMutablePointer<FILE>) -> UnsafeRawBufferPointer? {
        var status = stat()
        guard fstat(fileno(source), &status) == 0, (status.st_mode & S_IFMT) == S_IFREG, status.st_size > 0,
              let address = mmap(nil, Int(status.st_size), PROT_READ, MAP_PRIVATE, fileno(source), 0),
              address != MAP_FAILED else { return nil }
        madvise(address, Int(status.st_size), MADV_SEQUENTIAL)
        return UnsafeRawBufferPointer(start: address, count: Int(status.st_size))
    }

    /// Whether the frames are decompressed on worker threads.
    var decompressesInParallel: Bool { workers != nil }

    deinit {
        workers?.stop()
        if let context { ZSTD_freeDCtx(context) }
        input?.deallocate()
        if let mapped { munmap(UnsafeMutableRawPointer(mutating: mapped.baseAddress), mapped.count) }
        fclose(source)
    }

    /// A `FILE*` open for reading whose bytes are this stream's decompressed
    /// bytes. `fclose` on it leaves this object and the source file open.
    func openFile() -> UnsafeMutablePointer<FILE>? {
        let functions = exsim_cookie_io_functions(
            read: { cookie, buffer, size in
                guard let cookie, let buffer else { return -1 }
                return Unmanaged<ZstdReadStream>.fromOpaque(cookie).takeUnretainedValue().read(into: buffer, count: size)
            },
            write: nil, seek: nil, close: { _ in 0 })
        guard let file = exsim_fopencookie(Unmanaged.passUnretained(self).toOpaque(), "r", functions) else { return nil }
        setvbuf(file, nil, _IOFBF, Self.fileBufferBytes)
        return file
    }

    /// Decompresses up to `count` bytes; 0 at the end of the stream, -1 on
    /// a corrupt or truncated stream (`failure` says which).
    func read(into buffer: UnsafeMutablePointer<CChar>, count: Int) -> Int {
        guard failure == nil else { return -1 }
        let produced: Int
        if let workers {
            guard let taken = workers.read(into: buffer, count: count) else {
                failure = workers.failure
                return -1
            }
            compressedByteCount = workers.compressedByteCount
            produced = taken
        } else {
            produced = readStream(into: buffer, count: count)
        }
        guard produced > 0 else { return produced }
        if decompressedByteCount < 4 {
            for index in 0..<min(produced, 4 - Int(decompressedByteCount)) {
                magic |= UInt32(UInt8(bitPattern: buffer[index])) << (8 * UInt32(Int(decompressedByteCount) + index))
            }
        }
        decompressedByteCount += Int64(produced)
        return produced
    }

    /// `read` from the mapped file, on this thread.
    private func readMapped(_ mapped: UnsafeRawBufferPointer, into buffer: UnsafeMutablePointer<CChar>, count: Int) -> Int {
        guard let context else { preconditionFailure("a stream read without its decompression state") }
        var output = ZSTD_outBuffer(dst: buffer, size: count, pos: 0)
        // Bounded: each pass consumes input, produces output, or returns.
        while output.pos == 0 {
            // The end of the file, with no frame left to flush.
            if inputPosition == mapped.count, !frameInProgress { return 0 }
            var inBuffer = ZSTD_inBuffer(src: mapped.baseAddress, size: mapped.count, pos: inputPosition)
            let result = ZSTD_decompressStream(context, &output, &inBuffer)
            let consumed = inBuffer.pos - inputPosition
            compressedByteCount += Int64(consumed)
            inputPosition = inBuffer.pos
            if ZSTD_isError(result) != 0 {
                failure = Self.corruptFault(result)
                return -1
            }
            // 0 means a frame was completely decoded and flushed.
            frameInProgress = result != 0
            // Room to write and nothing taken or given: the frame wants
            // bytes the file does not have.
            if output.pos == 0, consumed == 0 {
                failure = Self.truncatedFault
                return -1
            }
        }
        return output.pos
    }

    /// `read` through the stream of `source`, on this thread.
    private func readStream(into buffer: UnsafeMutablePointer<CChar>, count: Int) -> Int {
        if let mapped { return readMapped(mapped, into: buffer, count: count) }
        guard let context, let input else { preconditionFailure("a stream read without its decompression state") }
        var output = ZSTD_outBuffer(dst: buffer, size: count, pos: 0)
        // Bounded: each pass either consumes input, produces output, or returns.
        while output.pos == 0 {
            if inputPosition == inputSize {
                inputSize = fread(input, 1, Self.inputChunkBytes, source)
                inputPosition = 0
                compressedByteCount += Int64(inputSize)
                if inputSize == 0 {
                    if ferror(source) != 0 {
                        failure = "read error: \(String(cString: strerror(errno)))"
                        return -1
                    }
                    if frameInProgress {
                        failure = Self.truncatedFault
                        return -1
                    }
                    return 0
                }
            }
            var inBuffer = ZSTD_inBuffer(src: input, size: inputSize, pos: inputPosition)
            let result = ZSTD_decompressStream(context, &output, &inBuffer)
            inputPosition = inBuffer.pos
            if ZSTD_isError(result) != 0 {
                failure = Self.corruptFault(result)
                return -1
            }
            // 0 means a frame was completely decoded and flushed.
            frameInProgress = result != 0
        }
        return output.pos
    }
}
