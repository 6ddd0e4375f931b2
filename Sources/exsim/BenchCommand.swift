import ArgumentParser
import Report

/// `exsim bench …`: speed measurements, printed as figures with the machine
/// they ran on. Build with `swift build -c release`; a debug build says so.
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure how fast exsim's parts run (release build).",
        discussion: """
            Each benchmark prints the workload, the machine, and its figures. \
            Figures from a debug build are not representative; build with \
            `swift build -c release` and run .build/release/exsim.
            """,
        subcommands: [BenchEngineCommand.self, BenchKernelCommand.self, BenchCodecCommand.self, BenchGatewayCommand.self,
                      BenchNetworkCommand.self, BenchCaptureCommand.self, BenchPacingCommand.self]
    )
}

/// The lines every benchmark starts with.
func printBenchHeader(_ title: String) {
    print("exsim \(Exsim.version) · bench \(title)")
    print("machine: \(MachineInfo.current().description)")
    #if DEBUG
    print("warning: this is a debug build; figures are not representative (use swift build -c release)")
    #endif
}
