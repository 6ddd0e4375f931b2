import Foundation
import Testing

/// Runs independent decoders (Python packages from PyPI, tshark) over bytes
/// we produced. scripts/setup.sh installs them; scripts/test.sh sets
/// EXSIM_ORACLE_PYTHON and EXSIM_REQUIRE_ORACLES=1, so under the README's
/// test command an oracle test runs or fails, never skips. A bare
/// `swift test` without the oracles installed skips these tests.
enum Oracle {
    static let repositoryRoot: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static var python: String? {
        if let path = ProcessInfo.processInfo.environment["EXSIM_ORACLE_PYTHON"],
           FileManager.default.isExecutableFile(atPath: path) {
            return path
        }
        let venv = repositoryRoot.appendingPathComponent(".venv-oracles/bin/python").path
        return FileManager.default.isExecutableFile(atPath: venv) ? venv : nil
    }

    static var required: Bool { ProcessInfo.processInfo.environment["EXSIM_REQUIRE_ORACLES"] == "1" }

    /// Enables a test when its oracle is installed, or when oracles are required
    /// (the test then fails on the missing oracle instead of skipping).
    static var pythonTrait: ConditionTrait {
        .enabled(if: python != nil || required, "the Python oracles (itchfeed, simplefix) are not installed: scripts/setup.sh installs them into .venv-oracles, and scripts/test.sh runs every oracle test")
    }

    static func script(_ name: String) -> String {
        repositoryRoot.appendingPathComponent("scripts/oracles/\(name)").path
    }

    struct Output {
        var status: Int32
        var standardOutput: String
        var standardError: String
    }

    /// Runs `executable` with `arguments`; returns its exit status and output.
    static func run(_ executable: String, _ arguments: [String]) throws -> Output {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let stdout = Pipe()
        let stderr = Pipe()
        process.standardOutput = stdout
        process.standardError = stderr
        try process.run()
        let outData = stdout.fileHandleForReading.readDataToEndOfFile()
        let errData = stderr.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Output(
            status: process.terminationStatus,
            standardOutput: String(decoding: outData, as: UTF8.self),
            standardError: String(decoding: errData, as: UTF8.self)
        )
    }

    /// Runs scripts/oracles/`name` with the oracle Python.
    static func runPython(_ name: String, _ arguments: [String]) throws -> Output {
        let python = try #require(python, "EXSIM_REQUIRE_ORACLES=1 but the oracle Python is missing")
        return try run(python, [script(name)] + arguments)
    }

    static func temporaryFile(_ name: String) -> URL {
        FileManager.default.temporaryDirectory
            .appendingPathComponent("exsim-oracle-\(ProcessInfo.processInfo.processIdentifier)-\(name)")
    }
}
