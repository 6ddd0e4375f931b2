import Foundation
import Testing

/// Runs the built `exsim` binary as a user would.
///
/// The binary is `$EXSIM_BINARY` when set (the test script points it at the
/// release build, so the quickstart's million orders per second take seconds),
/// else the `exsim` beside this test bundle.
enum ExsimProcess {
    struct Output {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    static var binary: URL {
        if let path = ProcessInfo.processInfo.environment["EXSIM_BINARY"], !path.isEmpty {
            return URL(fileURLWithPath: path)
        }
        return URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("exsim")
    }

    /// The package root, so tests can name `Scenarios/...`.
    static let packageRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static func run(_ arguments: [String]) throws -> Output {
        try runProgram(binary, arguments)
    }

    /// Runs any program from the package root until it exits; `environment`
    /// adds to this process's own.
    static func runProgram(_ executable: URL, _ arguments: [String], environment: [String: String] = [:]) throws -> Output {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.currentDirectoryURL = packageRoot
        if !environment.isEmpty {
            process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        }
        // Files, not pipes: a chatty child can never block on a full pipe.
        let directory = try temporaryDirectory("process")
        defer { try? FileManager.default.removeItem(at: directory) }
        let stdoutURL = directory.appendingPathComponent("stdout")
        let stderrURL = directory.appendingPathComponent("stderr")
        _ = FileManager.default.createFile(atPath: stdoutURL.path, contents: nil)
        _ = FileManager.default.createFile(atPath: stderrURL.path, contents: nil)
        let stdoutHandle = try FileHandle(forWritingTo: stdoutURL)
        let stderrHandle = try FileHandle(forWritingTo: stderrURL)
        process.standardOutput = stdoutHandle
        process.standardError = stderrHandle
        try process.run()
        process.waitUntilExit()
        try stdoutHandle.close()
        try stderrHandle.close()
        return Output(
            status: process.terminationStatus,
            stdout: String(decoding: try Data(contentsOf: stdoutURL), as: UTF8.self),
            stderr: String(decoding: try Data(contentsOf: stderrURL), as: UTF8.self))
    }

    /// Runs a copy of a shipped scenario with each of `edits` (text and
    /// what replaces it) made, written as `name`.yaml in `directory`, its
    /// report going to `directory`/`name`. Each text must occur in the
    /// scenario: a drill that changed under a test fails it, not the edit.
    static func runVariant(of scenario: String, _ edits: [(String, String)], named name: String, in directory: URL,
                           sourceLocation: SourceLocation = #_sourceLocation) throws -> Output {
        var text = try String(contentsOf: packageRoot.appendingPathComponent(scenario), encoding: .utf8)
        for (old, new) in edits {
            #expect(text.contains(old), "\(scenario) no longer has \(old.debugDescription)", sourceLocation: sourceLocation)
            text = text.replacingOccurrences(of: old, with: new)
        }
        let file = directory.appendingPathComponent("\(name).yaml")
        try text.write(to: file, atomically: true, encoding: .utf8)
        return try run(["run", file.path, "--out", directory.appendingPathComponent(name).path])
    }

    static func temporaryDirectory(_ name: String) throws -> URL {
        let url = FileManager.default.temporaryDirectory
            .appendingPathComponent("exsim-tests-\(name)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}
