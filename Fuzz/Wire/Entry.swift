// libFuzzer entry points. One binary holds every target; WIRE_FUZZ_TARGET
// picks one, so the Wire module is compiled with coverage once, not once per
// decoder family.
//
//   WIRE_FUZZ_TARGET=itch|mold|soup|ouch|fix   which decoder family to fuzz
//   WIRE_FUZZ_SEED_DIR=<dir>                   write the target's seed inputs
//                                              there before fuzzing starts

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

enum FuzzTarget: String, CaseIterable {
    case itch, mold, soup, ouch, fix

    func run(_ bytes: UnsafeRawBufferPointer) {
        switch self {
        case .itch: ITCHFuzz.run(bytes)
        case .mold: MoldUDP64Fuzz.run(bytes)
        case .soup: SoupBinTCPFuzz.run(bytes)
        case .ouch: OUCHFuzz.run(bytes)
        case .fix: FIXFuzz.run(bytes)
        }
    }

    /// Valid inputs of every shape the target understands, built with Wire's
    /// own encoders, so nothing binary is kept in the repository.
    func seeds() -> [[UInt8]] {
        switch self {
        case .itch: ITCHFuzz.seeds()
        case .mold: MoldUDP64Fuzz.seeds()
        case .soup: SoupBinTCPFuzz.seeds()
        case .ouch: OUCHFuzz.seeds()
        case .fix: FIXFuzz.seeds()
        }
    }
}

nonisolated(unsafe) private var selectedTarget: FuzzTarget?

private func environment(_ name: String) -> String? {
    guard let value = getenv(name) else { return nil }
    return String(cString: value)
}

private func writeSeeds(_ seeds: [[UInt8]], to directory: String) {
    for (index, seed) in seeds.enumerated() {
        let path = directory + "/seed-" + String(index)
        guard let file = fopen(path, "wb") else {
            fputs("wire-fuzz: cannot write \(path)\n", stderr)
            exit(2)
        }
        _ = seed.withUnsafeBytes { fwrite($0.baseAddress, 1, $0.count, file) }
        fclose(file)
    }
}

@_cdecl("LLVMFuzzerInitialize")
public func fuzzerInitialize(
    _ argc: UnsafeMutablePointer<CInt>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>
) -> CInt {
    let names = FuzzTarget.allCases.map(\.rawValue).joined(separator: "|")
    guard let name = environment("WIRE_FUZZ_TARGET"), let target = FuzzTarget(rawValue: name) else {
        fputs("wire-fuzz: set WIRE_FUZZ_TARGET to one of \(names)\n", stderr)
        exit(2)
    }
    selectedTarget = target
    let seeds = target.seeds()
    // A seed that fails a check would make every run fail at once; say so plainly.
    for seed in seeds { seed.withUnsafeBytes { target.run($0) } }
    if let directory = environment("WIRE_FUZZ_SEED_DIR") {
        writeSeeds(seeds, to: directory)
        fputs("wire-fuzz: \(target.rawValue): wrote \(seeds.count) seeds to \(directory)\n", stderr)
    }
    return 0
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzerTestOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let target = selectedTarget else { return 0 }
    target.run(UnsafeRawBufferPointer(start: data, count: size))
    return 0
}
