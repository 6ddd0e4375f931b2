import ArgumentParser

@main
struct Exsim: ParsableCommand {
    static let version = "0.1.0"

    static let configuration = CommandConfiguration(
        commandName: "exsim",
        abstract: "A deterministic exchange simulator and latency test bench.",
        version: version,
        subcommands: [RunCommand.self, ValidateCommand.self, GateCommand.self, BenchCommand.self, ServeCommand.self, LoadCommand.self, CaptureCommand.self, ReplayCommand.self, SweepCommand.self]
    )
}
