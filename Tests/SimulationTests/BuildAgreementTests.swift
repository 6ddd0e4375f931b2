import Foundation
import Scenario
import Testing
@testable import Simulation

/// The same scenario and seed must give the same trace in a debug build (this
/// test process, as `swift test` builds it) and in the release binary the CLI
/// tests drive: an optimisation that changed behaviour would change the digest.
@Suite struct BuildAgreementTests {
    static let packageRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static var releaseBinary: String? {
        guard let path = ProcessInfo.processInfo.environment["EXSIM_BINARY"],
              FileManager.default.isExecutableFile(atPath: path) else { return nil }
        return path
    }

    @Test(.enabled(if: releaseBinary != nil, "EXSIM_BINARY is not set: scripts/test.sh points it at the release build"))
    func debugAndReleaseGiveOneDigestForTheQuickstart() throws {
        // The quickstart cut to 60 ms, its halt and reopening auction moved
        // to 30 ms and 40 ms, keeps a debug run to seconds.
        let original = try String(
            contentsOf: Self.packageRoot.appendingPathComponent("Scenarios/quickstart.yaml"), encoding: .utf8)
        #expect(original.contains("duration: 1s\n"))
        #expect(original.contains("at: 400ms") && original.contains("at: 450ms"))
        let shortened = original.replacingOccurrences(of: "duration: 1s\n", with: "duration: 60ms\n")
            .replacingOccurrences(of: "at: 400ms", with: "at: 30ms")
            .replacingOccurrences(of: "at: 450ms", with: "at: 40ms")
        let file = FileManager.default.temporaryDirectory
            .appendingPathComponent("exsim-agreement-\(ProcessInfo.processInfo.processIdentifier).yaml")
        try shortened.write(to: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: file) }

        var simulation = try Simulation(config: try ScenarioLoader.load(path: file.path))
        let inProcess = simulation.run()
        #expect(inProcess.counts.trades > 0)

        let process = Process()
        process.executableURL = URL(fileURLWithPath: try #require(Self.releaseBinary))
        let outDirectory = FileManager.default.temporaryDirectory
            .appendingPathComponent("exsim-agreement-out-\(ProcessInfo.processInfo.processIdentifier)")
        process.arguments = ["run", file.path, "--quiet", "--out", outDirectory.path]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let printed = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        defer { try? FileManager.default.removeItem(at: outDirectory) }
        #expect(process.terminationStatus == 0)
        #expect(printed.contains("trace digest \(inProcess.traceDigest)"),
                "debug digest \(inProcess.traceDigest), release printed: \(printed)")
    }
}
