import Foundation
import Testing

/// Bad input to `exsim run` is refused before anything runs, with the
/// bad-input exit code, so a long run is never lost to a typo.
@Suite struct RunInputTests {
    @Test func anOutputPathThatIsAFileIsRefusedBeforeTheRun() throws {
        let directory = try ExsimProcess.temporaryDirectory("out-is-a-file")
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("taken")
        try Data("x".utf8).write(to: file)
        let run = try ExsimProcess.run(["run", "Scenarios/smoke.yaml", "--out", file.path])
        #expect(run.status == 64, "\(run.stderr)")
        #expect(run.stderr.contains("exists and is not a directory"), "\(run.stderr)")
        #expect(run.stdout.isEmpty, "nothing ran")
    }

    @Test func aScenarioPastALimitIsRefusedWithItsLine() throws {
        let directory = try ExsimProcess.temporaryDirectory("late-phase")
        defer { try? FileManager.default.removeItem(at: directory) }
        let quickstart = try String(contentsOf: ExsimProcess.packageRoot.appendingPathComponent("Scenarios/quickstart.yaml"), encoding: .utf8)
        let lines = quickstart.components(separatedBy: "\n")
        let durationLine = try #require(lines.firstIndex { $0.hasPrefix("duration:") })
        let haltLine = try #require(lines.firstIndex { $0.contains("at: 400ms") })
        var short = lines
        short[durationLine] = "duration: 300ms"
        let file = directory.appendingPathComponent("short.yaml")
        try short.joined(separator: "\n").write(to: file, atomically: true, encoding: .utf8)

        for command in [["validate", file.path], ["run", file.path, "--out", directory.path]] {
            let output = try ExsimProcess.run(command)
            #expect(output.status == 64, "\(command[0]): \(output.stderr)")
            #expect(output.stderr.contains("short.yaml:\(haltLine + 1):"), "\(output.stderr)")
            #expect(output.stderr.contains("after the run's duration of 300ms"), "\(output.stderr)")
        }
    }

    @Test func aMissingScenarioSaysSo() throws {
        let output = try ExsimProcess.run(["validate", "Scenarios/no-such-scenario.yaml"])
        #expect(output.status == 64)
        #expect(output.stderr.contains("Scenarios/no-such-scenario.yaml: no such file"), "\(output.stderr)")
    }
}
