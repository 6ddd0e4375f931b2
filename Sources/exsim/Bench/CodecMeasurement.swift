import Foundation
import Report
#if canImport(Glibc)
import Glibc
#endif

/// One timed codec loop: how many messages and bytes it went through, how
/// long it took, and what it allocated.
struct CodecMeasurement {
    var messages: Int
    var bytes: Int
    var elapsedNs: Int64
    /// Swift heap objects created inside the loop (nil where they cannot be counted).
    var allocations: Int?

    var messagesPerSecond: Double { Double(messages) * 1e9 / Double(max(elapsedNs, 1)) }
    var nanosecondsPerMessage: Double { Double(elapsedNs) / Double(max(messages, 1)) }
    var bytesPerSecond: Double { Double(bytes) * 1e9 / Double(max(elapsedNs, 1)) }

    /// `123.45M/s · 8.1 ns/msg · 3.70 GB/s · 0 allocations`
    var figures: String {
        var parts = [formatRate(messagesPerSecond), String(format: "%.1f ns/msg", nanosecondsPerMessage)]
        if bytes > 0 { parts.append(formatByteRate(bytesPerSecond)) }
        parts.append(allocationText)
        return parts.joined(separator: " · ")
    }

    var allocationText: String {
        guard let allocations else { return "allocations not counted (no runtime hook)" }
        let perMessage = Double(allocations) / Double(max(messages, 1))
        return allocations == 0
            ? "0 allocations"
            : "\(allocations) allocations (\(String(format: "%.3g", perMessage))/msg)"
    }
}

/// "3.70 GB/s", "850.2 MB/s".
func formatByteRate(_ bytesPerSecond: Double) -> String {
    if bytesPerSecond >= 1e9 { return String(format: "%.2f GB/s", bytesPerSecond / 1e9) }
    return String(format: "%.1f MB/s", bytesPerSecond / 1e6)
}

/// Times `loop` once, counting the Swift heap objects it allocates.
///
/// glibc keeps no count of malloc calls: `mallinfo2` reports bytes in use,
/// which a loop that frees what it allocates leaves unchanged (and Swift's
/// Glibc module does not import it). The count comes instead from the Swift
/// runtime's replaceable `swift_allocObject` entry point: every class
/// instance, array or string buffer, boxed closure context and existential
/// box goes through it. Raw `UnsafeMutableRawPointer.allocate` calls do not,
/// and no codec makes them per message. The hook costs nothing unless an
/// object is allocated.
func measureCodecLoop(messages: Int, bytes: Int, _ loop: () -> Void) -> CodecMeasurement {
    let counting = SwiftAllocationCounter.start()
    let start = WallClock.nowNs()
    loop()
    let elapsed = WallClock.nowNs() - start
    let allocations = counting ? SwiftAllocationCounter.stop() : nil
    return CodecMeasurement(messages: messages, bytes: bytes, elapsedNs: elapsed, allocations: allocations)
}

/// Counts `swift_allocObject` calls through the runtime's replaceable entry
/// point `_swift_allocObject`, a function pointer the runtime consults on
/// every allocation. Single-threaded use only: the bench runs on one thread.
///
/// The first call through a replaced entry point also raises the runtime's
/// "swizzling for Instruments" flag, which sends every later retain and
/// release through an adapter that does not preserve the registers compiled
/// Swift code relies on across `swift_retain` (the process then crashes in
/// unrelated code). The counter lowers the flag again on entry, before
/// anything can retain, so retain and release never take that path.
enum SwiftAllocationCounter {
    typealias AllocateObject = @convention(c) (UnsafeRawPointer?, Int, Int) -> UnsafeMutableRawPointer?

    nonisolated(unsafe) static var count = 0
    nonisolated(unsafe) static var original: AllocateObject?

    nonisolated(unsafe) static let runtimeSymbols: (entryPoint: UnsafeMutablePointer<AllocateObject?>, swizzlingFlag: UnsafeMutablePointer<UInt8>)? = {
        #if canImport(Glibc)
        guard let process = dlopen(nil, RTLD_NOW),
              let entryPoint = dlsym(process, "_swift_allocObject"),
              let flag = dlsym(process, "_swift_enableSwizzlingOfAllocationAndRefCountingFunctions_forInstrumentsOnly")
        else { return nil }
        return (entryPoint.assumingMemoryBound(to: AllocateObject?.self), flag.assumingMemoryBound(to: UInt8.self))
        #else
        return nil
        #endif
    }()

    static let counting: AllocateObject = { metadata, size, alignmentMask in
        SwiftAllocationCounter.runtimeSymbols.unsafelyUnwrapped.swizzlingFlag.pointee = 0
        SwiftAllocationCounter.count &+= 1
        return SwiftAllocationCounter.original.unsafelyUnwrapped(metadata, size, alignmentMask)
    }

    /// Installs the counter; false if this runtime has no hook.
    static func start() -> Bool {
        guard let symbols = runtimeSymbols, let current = symbols.entryPoint.pointee,
              symbols.swizzlingFlag.pointee == 0 else { return false }
        // Touch the lazily initialised globals now, so that the first counted
        // allocation does not run their initialisers inside the hook.
        count = 0
        original = current
        _ = counting
        symbols.entryPoint.pointee = counting
        return true
    }

    /// Removes the counter and returns the objects allocated since `start`.
    static func stop() -> Int {
        guard let symbols = runtimeSymbols else { return count }
        symbols.entryPoint.pointee = original
        symbols.swizzlingFlag.pointee = 0
        return count
    }
}

/// How many passes over a pool of `poolCount` distinct messages make at
/// least `requested` messages.
func passes(requested: Int, poolCount: Int) -> Int {
    max(1, (requested + poolCount - 1) / poolCount)
}

/// "1,048,576".
func formatCount(_ value: Int) -> String {
    let digits = String(value.magnitude)
    var grouped = ""
    for (index, digit) in digits.enumerated() {
        if index > 0, (digits.count - index) % 3 == 0 { grouped.append(",") }
        grouped.append(digit)
    }
    return value < 0 ? "-" + grouped : grouped
}

/// "31.4 MB".
func formatBytes(_ value: Int) -> String {
    if value >= 1_000_000 { return String(format: "%.1f MB", Double(value) / 1e6) }
    if value >= 1_000 { return String(format: "%.1f kB", Double(value) / 1e3) }
    return "\(value) B"
}
