// The scenario fuzzer: libFuzzer's bytes become choices of a ScenarioSketch,
// whose text goes through `exsim validate` and a bounded `exsim run --check`
// (ScenarioFuzzCase). scripts/fuzz.sh builds it with -sanitize=fuzzer and
// -DEXSIM_LIBFUZZER, where libFuzzer supplies main. Built plainly (as
// `swift build` does), it is a reproducer instead: it runs the inputs named
// on its command line, or prints the scenario an input makes with --print.

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import ScenarioFuzzing

func printToStandardError(_ text: String) {
    var bytes = Array(text.utf8)
    var offset = 0
    while offset < bytes.count {
        let written = bytes.withUnsafeMutableBytes { write(2, $0.baseAddress! + offset, $0.count - offset) }
        guard written > 0 else { return }
        offset += written
    }
}

func checkOneInput(_ bytes: UnsafeRawBufferPointer) {
    var sketch = ScenarioSketch(ChoiceStream(bytes: bytes))
    let yaml = sketch.yaml()
    do {
        _ = try ScenarioFuzzCase.check(yaml: yaml)
    } catch {
        printToStandardError("SCENARIO FUZZ FINDING: \(error.description)\n--- the scenario:\n\(yaml)---\n")
        abort()
    }
}

#if EXSIM_LIBFUZZER
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzerTestOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    checkOneInput(UnsafeRawBufferPointer(start: data, count: size))
    return 0
}

@_silgen_name("LLVMFuzzerRunDriver")
func runLibFuzzerDriver(
    _ argc: UnsafeMutablePointer<CInt>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
    _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt
) -> CInt

/// SwiftPM links an executable's entry point under the module's name, so
/// libFuzzer's own main is never reached: this entry hands over to its driver.
@_cdecl("ScenarioFuzzer_main")
public func scenarioFuzzerMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> CInt {
    var count = argc
    var arguments: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = argv
    return runLibFuzzerDriver(&count, &arguments, fuzzerTestOneInput)
}
#else
@main
struct ScenarioFuzzerReproducer {
    static func main() {
        var arguments = Array(CommandLine.arguments.dropFirst())
        let printOnly = arguments.first == "--print"
        if printOnly { arguments.removeFirst() }
        guard !arguments.isEmpty else {
            printToStandardError("usage: exsim-scenario-fuzz [--print] INPUT...\n  runs (or prints the scenario of) fuzzer inputs; scripts/fuzz.sh scenario fuzzes\n")
            exit(64)
        }
        for path in arguments {
            guard let file = fopen(path, "rb") else {
                printToStandardError("\(path): cannot open\n")
                exit(64)
            }
            var bytes: [UInt8] = []
            var buffer = [UInt8](repeating: 0, count: 4096)
            while true {
                let count = fread(&buffer, 1, buffer.count, file)
                if count <= 0 { break }
                bytes += buffer[0..<count]
            }
            fclose(file)
            if printOnly {
                var sketch = bytes.withUnsafeBytes { ScenarioSketch(ChoiceStream(bytes: $0)) }
                print(sketch.yaml(), terminator: "")
            } else {
                bytes.withUnsafeBytes { checkOneInput($0) }
                print("\(path): ok")
            }
        }
    }
}
#endif
