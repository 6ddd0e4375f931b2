import ArgumentParser
import Foundation
import Report

/// `exsim gate --baseline-bin OLD --candidate-bin NEW`: both builds measured
/// alternately on this machine, so that whatever else the machine is doing
/// weighs on both alike.
struct GateSideBySideOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Side by side: the baseline build's exsim binary.", valueName: "path"))
    var baselineBin: String?

    @Option(help: ArgumentHelp("Side by side: the candidate build's exsim binary.", valueName: "path"))
    var candidateBin: String?

    @Option(help: ArgumentHelp("Side by side: a scenario both binaries run (repeatable).", valueName: "file"))
    var scenario: [String] = []

    @Option(help: ArgumentHelp("Side by side: benches both binaries run, comma-separated (\(Self.benchArguments.map(\.name).joined(separator: ","))).", valueName: "names"))
    var bench: String?

    @Option(help: "Side by side: rounds; each runs both builds on every scenario and bench, back to back.")
    var `repeat`: Int = 5

    @Option(help: ArgumentHelp("Side by side: where the reports go (default: a new temporary directory).", valueName: "dir"))
    var workDir: String?

    /// Each bench's options in a side-by-side gate: about a second or two per run.
    static let benchArguments: [(name: String, arguments: [String])] = [
        ("kernel", ["--events", "5000000"]),
        ("engine", ["--orders", "1000000", "--rates", "1M", "--seconds", "0.5", "--operations", "2000000"]),
        ("codec", ["--protocol", "ouch", "--messages", "5000000"]),
        ("gateway", ["--messages", "1000000"]),
    ]

    var isRequested: Bool { baselineBin != nil || candidateBin != nil }

    var benches: [String] {
        (bench ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }

    func validateRequest() throws {
        guard let baselineBin, let candidateBin else {
            throw ValidationError("side by side needs both --baseline-bin and --candidate-bin")
        }
        for (option, path) in [("--baseline-bin", baselineBin), ("--candidate-bin", candidateBin)]
        where !FileManager.default.isExecutableFile(atPath: path) {
            throw ValidationError("\(option): '\(path)' is not an executable file")
        }
        guard !scenario.isEmpty || !benches.isEmpty else {
            throw ValidationError("side by side needs at least one --scenario or --bench")
        }
        for file in scenario where !FileManager.default.fileExists(atPath: file) {
            throw ValidationError("--scenario: '\(file)': no such file")
        }
        for name in benches where !Self.benchArguments.contains(where: { $0.name == name }) {
            throw ValidationError("--bench: unknown bench '\(name)' (known: \(Self.benchArguments.map(\.name).joined(separator: ", ")))")
        }
        guard (1...100).contains(`repeat`) else { throw ValidationError("--repeat must be in 1...100") }
    }

    /// Runs every round, each scenario and bench on both builds, and reads
    /// back what each wrote; the i-th report of one side pairs with the
    /// i-th of the other.
    func measure() throws -> (baselines: [ReportFile], candidates: [ReportFile]) {
        let directory: URL
        if let workDir {
            directory = URL(fileURLWithPath: workDir)
        } else {
            directory = FileManager.default.temporaryDirectory.appendingPathComponent("exsim-gate-\(UUID().uuidString)")
        }
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        } catch {
            printError("--work-dir: cannot create \(directory.path): \(error.localizedDescription)")
            throw ExsimExit.badInput
        }
        let sides = [("baseline", baselineBin!), ("candidate", candidateBin!)]
        var reports: [[ReportFile]] = [[], []]
        for round in 1...`repeat` {
            // Each scenario and bench runs on both builds back to back, the
            // order swapped every round (A B, B A, A B, ...): a load that
            // comes and goes weighs on both sides of a pair alike.
            let order = round % 2 == 1 ? [0, 1] : [1, 0]
            for file in scenario {
                let name = URL(fileURLWithPath: file).deletingPathExtension().lastPathComponent
                for index in order {
                    let (side, binary) = sides[index]
                    let out = directory.appendingPathComponent("\(side)-\(name)-\(round)")
                    try execute(binary, side: side, ["run", file, "--quiet", "--out", out.path], what: name, round: round)
                    reports[index].append(try load(out.appendingPathComponent("report.json").path, side: side))
                }
            }
            for name in benches {
                let arguments = Self.benchArguments.first { $0.name == name }!.arguments
                for index in order {
                    let (side, binary) = sides[index]
                    let json = directory.appendingPathComponent("\(side)-bench-\(name)-\(round).json")
                    try execute(binary, side: side, ["bench", name] + arguments + ["--json", json.path], what: "bench \(name)", round: round)
                    reports[index].append(try load(json.path, side: side))
                }
            }
        }
        FileHandle.standardError.write(Data("reports in \(directory.path)\n".utf8))
        return (reports[0], reports[1])
    }

    /// A baseline that cannot run is bad input; a candidate that cannot is a failed check.
    func execute(_ binary: String, side: String, _ arguments: [String], what: String, round: Int) throws {
        FileHandle.standardError.write(Data("round \(round)/\(`repeat`): \(side) \(what)\n".utf8))
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        let errors = Pipe()
        process.standardError = errors
        do {
            try process.run()
        } catch {
            printError("\(side) \(binary): cannot start: \(error.localizedDescription)")
            throw side == "baseline" ? ExsimExit.badInput : ExsimExit.checkFailed
        }
        let message = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            printError("\(side) \(binary) \(arguments.joined(separator: " ")) exited with \(process.terminationStatus): \(String(decoding: message.suffix(2_000), as: UTF8.self))")
            throw side == "baseline" ? ExsimExit.badInput : ExsimExit.checkFailed
        }
    }

    func load(_ path: String, side: String) throws -> ReportFile {
        do {
            return try ReportFile.load(path: path)
        } catch {
            printError("\(side): \(error.description)")
            throw side == "baseline" ? ExsimExit.badInput : ExsimExit.checkFailed
        }
    }
}
