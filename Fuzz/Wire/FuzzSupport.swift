// What every fuzz target shares: a failed check that libFuzzer records as a
// crash, a reader that turns the fuzzer's bytes into a script of operations,
// and a seeded generator for decisions that should not cost input bytes.

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Stops the run the way a trap would, so that libFuzzer saves the input,
/// but says first which property broke.
func fuzzCheck(
    _ condition: @autoclosure () -> Bool, _ message: @autoclosure () -> String,
    file: StaticString = #fileID, line: UInt = #line
) {
    if condition() { return }
    fuzzFail(message(), file: file, line: line)
}

func fuzzFail(_ message: String, file: StaticString = #fileID, line: UInt = #line) -> Never {
    fputs("FUZZ CHECK FAILED at \(file):\(line): \(message)\n", stderr)
    abort()
}

/// Reads the fuzzer's bytes front to back; past the end every read yields
/// nothing, so a script simply stops where the input does.
struct FuzzReader {
    let bytes: UnsafeRawBufferPointer
    private(set) var offset = 0

    init(_ bytes: UnsafeRawBufferPointer) { self.bytes = bytes }

    var isAtEnd: Bool { offset >= bytes.count }
    var rest: UnsafeRawBufferPointer { UnsafeRawBufferPointer(rebasing: bytes[min(offset, bytes.count)...]) }

    mutating func byte() -> UInt8? {
        guard offset < bytes.count else { return nil }
        defer { offset += 1 }
        return bytes[offset]
    }

    /// A length byte, then that many bytes (fewer if the input ends first).
    mutating func record() -> UnsafeRawBufferPointer? {
        guard let length = byte() else { return nil }
        let end = min(bytes.count, offset + Int(length))
        defer { offset = end }
        return UnsafeRawBufferPointer(rebasing: bytes[offset..<end])
    }
}

/// Splits `bytes` at every `separator` byte (pieces may be empty).
func splitPieces(_ bytes: UnsafeRawBufferPointer, separator: UInt8) -> [UnsafeRawBufferPointer] {
    var pieces: [UnsafeRawBufferPointer] = []
    var start = 0
    for index in 0..<bytes.count where bytes[index] == separator {
        pieces.append(UnsafeRawBufferPointer(rebasing: bytes[start..<index]))
        start = index + 1
    }
    pieces.append(UnsafeRawBufferPointer(rebasing: bytes[start...]))
    return pieces
}

/// SplitMix64 (Steele, Lea, Flood 2014), seeded from the input, for chunk
/// sizes: the fuzzer then explores chunkings by mutating one byte.
struct FuzzSplitMix64 {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    mutating func next(below bound: Int) -> Int { Int(next() % UInt64(bound)) }
}

/// Feeds `stream` to `body` in consecutive chunks of 1...`maximumChunk` bytes.
func forEachChunk(
    of stream: UnsafeRawBufferPointer, seed: UInt64, maximumChunk: Int,
    _ body: (UnsafeRawBufferPointer) -> Void
) {
    var random = FuzzSplitMix64(seed: seed)
    var offset = 0
    while offset < stream.count {
        let length = min(stream.count - offset, 1 + random.next(below: maximumChunk))
        body(UnsafeRawBufferPointer(rebasing: stream[offset..<(offset + length)]))
        offset += length
    }
}

/// Builds seed inputs: a mode byte, then records or raw bytes.
struct SeedBuilder {
    var bytes: [UInt8]
    init(mode: UInt8) { bytes = [mode] }

    mutating func record(_ payload: [UInt8]) {
        precondition(payload.count <= 255, "a record holds at most 255 bytes")
        bytes.append(UInt8(payload.count))
        bytes += payload
    }

    mutating func raw(_ payload: [UInt8]) { bytes += payload }
}

extension Array where Element == UInt8 {
    /// ASCII text with `|` standing for the FIX field separator SOH.
    init(fixText text: String) {
        self = text.utf8.map { $0 == UInt8(ascii: "|") ? 0x01 : $0 }
    }
}
