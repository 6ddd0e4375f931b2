import Foundation
import Report
import Testing
@testable import exsim

/// The sweep's process pool and its reading of a child's end, without exsim runs.
@Suite struct SweepProcessTests {
    @Test func waitStatusesDecodeAsTheShellReportsThem() {
        #expect(ChildExit(waitStatus: 0) == .exited(0))
        #expect(ChildExit(waitStatus: 3 << 8) == .exited(3))
        #expect(ChildExit(waitStatus: 64 << 8) == .exited(64))
        #expect(ChildExit(waitStatus: 9) == .signalled(9))
        #expect(ChildExit(waitStatus: 11 | 0x80) == .signalled(11), "a core dump is still the signal")
        #expect(ChildExit.signalled(9).status == 137)
    }

    @Test func thePoolRunsEveryJobAndReportsHowEachEnded() throws {
        let directory = try ExsimProcess.temporaryDirectory("pool")
        defer { try? FileManager.default.removeItem(at: directory) }
        let scripts = ["exit 0", "exit 3", "echo out; echo err >&2; exit 1", "kill -9 $$", "exit 64"]
        let jobs = scripts.enumerated().map { index, script in
            ChildProcessPool.Job(arguments: ["-c", script],
                                 stdoutPath: directory.appendingPathComponent("\(index).out").path,
                                 stderrPath: directory.appendingPathComponent("\(index).err").path)
        }
        var ended: [Int: ChildExit] = [:]
        try ChildProcessPool(executable: "/bin/sh", parallel: 2).run(jobs) { index, exit in
            #expect(ended[index] == nil, "each job ends once")
            ended[index] = exit
        }
        #expect(ended == [0: .exited(0), 1: .exited(3), 2: .exited(1), 3: .signalled(9), 4: .exited(64)])
        #expect(try String(contentsOf: directory.appendingPathComponent("2.out"), encoding: .utf8) == "out\n")
        #expect(try String(contentsOf: directory.appendingPathComponent("2.err"), encoding: .utf8) == "err\n")
    }

    @Test func aProgramThatCannotStartIsAnError() throws {
        let directory = try ExsimProcess.temporaryDirectory("pool-missing")
        defer { try? FileManager.default.removeItem(at: directory) }
        let job = ChildProcessPool.Job(arguments: [], stdoutPath: directory.appendingPathComponent("o").path,
                                       stderrPath: directory.appendingPathComponent("e").path)
        #expect(throws: ChildProcessError.self) {
            try ChildProcessPool(executable: directory.appendingPathComponent("absent").path, parallel: 1).run([job]) { _, _ in }
        }
    }

    @Test func aSeedWithoutAReportCrashedAndKeepsItsLastErrors() throws {
        let directory = try ExsimProcess.temporaryDirectory("seed-result")
        defer { try? FileManager.default.removeItem(at: directory) }
        let stderr = directory.appendingPathComponent("err")
        try "one\ntwo\nthree\nFatal error: index out of range\n".write(to: stderr, atomically: true, encoding: .utf8)
        let stdout = directory.appendingPathComponent("out")
        try "".write(to: stdout, atomically: true, encoding: .utf8)
        let crashed = SweepRunCommand.seedResult(seed: 9, exit: .signalled(4), reportDirectory: directory.appendingPathComponent("none"),
                                                 stdoutPath: stdout.path, stderrPath: stderr.path)
        #expect(crashed.outcome == .crashed && crashed.exitStatus == 132 && crashed.traceDigest == nil)
        #expect(crashed.failures == ["killed by signal 4", "stderr: two", "stderr: three", "stderr: Fatal error: index out of range"])
        // An exit that claims success without a report is not a pass.
        let noReport = SweepRunCommand.seedResult(seed: 9, exit: .exited(0), reportDirectory: directory.appendingPathComponent("none"),
                                                  stdoutPath: stdout.path, stderrPath: stderr.path)
        #expect(noReport.outcome == .crashed)
        #expect(noReport.failures.first == "exited 0 without a report")
    }

    @Test func reproduceCommandsQuoteWhatTheShellWouldSplit() {
        #expect(shellQuoted("Scenarios/smoke.yaml") == "Scenarios/smoke.yaml")
        #expect(shellQuoted("my drill.yaml") == "'my drill.yaml'")
        #expect(shellQuoted("it's.yaml") == "'it'\\''s.yaml'")
        #expect(shellQuoted("") == "''")
        #expect(shellQuoted("$HOME/x.yaml") == "'$HOME/x.yaml'")
    }
}
