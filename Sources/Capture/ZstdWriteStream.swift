import CZstd
#if canImport(Glibc)
import Glibc
#endif

/// Compresses bytes into a zstd stream written to a file: the capture
/// writer's output when the capture's name ends in `.zst`.
final class ZstdWriteStream {
    /// zstd's level 3, its default: fast to write, a fraction of the size.
    static let compressionLevel: Int32 = 3

    private let context: OpaquePointer
    private let output: UnsafeMutableRawPointer
    private let outputCapacity = ZSTD_CStreamOutSize()

    init() {
        context = ZSTD_createCCtx()
        ZSTD_CCtx_setParameter(context, ZSTD_c_compressionLevel, Self.compressionLevel)
        ZSTD_CCtx_setParameter(context, ZSTD_c_checksumFlag, 1)
        output = UnsafeMutableRawPointer.allocate(byteCount: outputCapacity, alignment: 16)
    }

    deinit {
        ZSTD_freeCCtx(context)
        output.deallocate()
    }

    /// Compresses `bytes` (ending the frame when `end`) and writes what comes
    /// out to `file`; the reason on failure.
    func write(_ bytes: UnsafeRawBufferPointer, end: Bool, to file: UnsafeMutablePointer<FILE>) -> String? {
        var input = ZSTD_inBuffer(src: bytes.baseAddress, size: bytes.count, pos: 0)
        let directive = end ? ZSTD_e_end : ZSTD_e_continue
        // Bounded: zstd consumes input or produces output on every call.
        while true {
            var outBuffer = ZSTD_outBuffer(dst: output, size: outputCapacity, pos: 0)
            let remaining = ZSTD_compressStream2(context, &outBuffer, &input, directive)
            if ZSTD_isError(remaining) != 0 { return "zstd: \(String(cString: ZSTD_getErrorName(remaining)))" }
            if outBuffer.pos > 0, fwrite(output, 1, outBuffer.pos, file) != outBuffer.pos {
                return String(cString: strerror(errno))
            }
            let finished = end ? remaining == 0 : input.pos == input.size
            if finished { return nil }
        }
    }
}
