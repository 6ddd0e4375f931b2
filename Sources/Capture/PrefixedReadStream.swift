import CZstd
#if canImport(Glibc)
import Glibc
#endif

/// A `FILE*` that gives back a few bytes already read from a pipe, then
/// the rest of the pipe. `CaptureReader` reads a file's magic number to
/// tell zstd from pcap; a regular file is rewound after, but a pipe cannot
/// be (`rewind` fails and the bytes are gone), so a capture piped in
/// (`zstd -dc x.pcap.zst | exsim capture inspect /dev/stdin`) is read
/// through this instead.
///
/// A class, because the `FILE*` holds it as its cookie; the `FILE*` owns
/// it and the pipe: `fclose` on it closes the pipe and releases it.
final class PrefixedReadStream {
    private let source: UnsafeMutablePointer<FILE>
    private var prefix: [UInt8]
    private var prefixPosition = 0
    /// Bytes given so far, the prefix's included: a pipe has no size to
    /// read up front.
    private(set) var byteCount: Int64 = 0

    private init(source: UnsafeMutablePointer<FILE>, prefix: [UInt8]) {
        self.source = source
        self.prefix = prefix
    }

    /// A `FILE*` open for reading that gives `prefix`, then what `source`
    /// still holds, and the stream behind it (for its count); nil (with
    /// `source` left open) when none can be made.
    static func open(_ source: UnsafeMutablePointer<FILE>, prefix: [UInt8]) -> (file: UnsafeMutablePointer<FILE>, stream: PrefixedReadStream)? {
        let object = PrefixedReadStream(source: source, prefix: prefix)
        let stream = Unmanaged.passRetained(object)
        let functions = exsim_cookie_io_functions(
            read: { cookie, buffer, size in
                guard let cookie, let buffer else { return -1 }
                return Unmanaged<PrefixedReadStream>.fromOpaque(cookie).takeUnretainedValue().read(into: buffer, count: size)
            },
            write: nil, seek: nil,
            close: { cookie in
                guard let cookie else { return 0 }
                let stream = Unmanaged<PrefixedReadStream>.fromOpaque(cookie).takeRetainedValue()
                return fclose(stream.source)
            })
        guard let file = exsim_fopencookie(stream.toOpaque(), "r", functions) else {
            stream.release()
            return nil
        }
        return (file, object)
    }

    /// The prefix's bytes not yet given, then the source's.
    private func read(into buffer: UnsafeMutablePointer<CChar>, count: Int) -> Int {
        let left = prefix.count - prefixPosition
        if left > 0 {
            let taken = min(left, count)
            prefix.withUnsafeBytes { UnsafeMutableRawPointer(buffer).copyMemory(from: $0.baseAddress! + prefixPosition, byteCount: taken) }
            prefixPosition += taken
            byteCount += Int64(taken)
            return taken
        }
        let read = fread(buffer, 1, count, source)
        byteCount += Int64(read)
        return read > 0 || ferror(source) == 0 ? read : -1
    }
}
