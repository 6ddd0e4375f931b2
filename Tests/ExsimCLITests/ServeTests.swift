import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// `exsim serve` as a user runs it: a separate process on loopback ports,
/// clients we did not write connecting to it, and a SIGTERM to stop it.
@Suite struct ServeTests {
    /// How long the serve process may take to listen, or to exit after SIGTERM.
    static let startOrStopTimeoutSeconds = 60.0

    /// A running `exsim serve`, stopped by itself after `--duration` at the
    /// latest, so that a failing test never leaves it behind for long.
    final class ServeProcess {
        let process = Process()
        let directory: URL
        let portsFile: URL
        let outDirectory: URL

        init(_ arguments: [String]) throws {
            directory = try ExsimProcess.temporaryDirectory("serve")
            portsFile = directory.appendingPathComponent("ports.json")
            outDirectory = directory.appendingPathComponent("out")
            process.executableURL = ExsimProcess.binary
            process.arguments = ["serve"] + arguments + ["--ports-file", portsFile.path, "--out", outDirectory.path, "--duration", "300s"]
            process.currentDirectoryURL = ExsimProcess.packageRoot
            let stdout = directory.appendingPathComponent("stdout")
            let stderr = directory.appendingPathComponent("stderr")
            _ = FileManager.default.createFile(atPath: stdout.path, contents: nil)
            _ = FileManager.default.createFile(atPath: stderr.path, contents: nil)
            process.standardOutput = try FileHandle(forWritingTo: stdout)
            process.standardError = try FileHandle(forWritingTo: stderr)
            try process.run()
        }

        deinit {
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
            try? FileManager.default.removeItem(at: directory)
        }

        var standardError: String {
            (try? String(contentsOf: directory.appendingPathComponent("stderr"), encoding: .utf8)) ?? ""
        }
        var standardOutput: String {
            (try? String(contentsOf: directory.appendingPathComponent("stdout"), encoding: .utf8)) ?? ""
        }

        /// Waits for the ports file, written once every socket listens.
        func waitForPorts() throws {
            let deadline = Date().addingTimeInterval(ServeTests.startOrStopTimeoutSeconds)
            while !FileManager.default.fileExists(atPath: portsFile.path) {
                guard process.isRunning, Date() < deadline else {
                    throw ServeFailure(description: "serve wrote no ports file: \(standardError)")
                }
                usleep(20_000)
            }
        }

        /// Sends SIGTERM and waits for the exit; returns the exit status.
        func terminate() throws -> Int32 {
            kill(process.processIdentifier, SIGTERM)
            let deadline = Date().addingTimeInterval(ServeTests.startOrStopTimeoutSeconds)
            while process.isRunning {
                guard Date() < deadline else {
                    kill(process.processIdentifier, SIGKILL)
                    throw ServeFailure(description: "serve did not exit after SIGTERM")
                }
                usleep(20_000)
            }
            return process.terminationStatus
        }
    }

    struct ServeFailure: Error, CustomStringConvertible {
        var description: String
    }

    /// Runs scripts/oracles/`name` with the oracle Python, as CaptureOracleTests finds it.
    static func runOracle(_ name: String, _ arguments: [String]) throws -> (status: Int32, standardError: String) {
        let python = try #require(CaptureOracleTests.oraclePython, "EXSIM_REQUIRE_ORACLES=1 but the oracle Python is missing")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = [ExsimProcess.packageRoot.appendingPathComponent("scripts/oracles/\(name)").path] + arguments
        let standardError = Pipe()
        process.standardError = standardError
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        let errorData = standardError.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: errorData, as: UTF8.self))
    }

    @Test(.enabled(if: CaptureOracleTests.oraclePython != nil || CaptureOracleTests.required,
                   "the oracle Python (simplefix) is not installed: scripts/setup.sh installs it, and scripts/test.sh runs every oracle test"))
    func clientsWeDidNotWriteTradeOverOUCHAndFIXAndSIGTERMWritesTheReport() throws {
        let serve = try ServeProcess(["Scenarios/two-venues.yaml", "--accounts", "4"])
        try serve.waitForPorts()

        let ouch = try Self.runOracle("live_ouch_session.py", [serve.portsFile.path, "XOUCH", "AAPL", "1900000"])
        #expect(ouch.status == 0, "OUCH session: \(ouch.standardError)")
        for beginString in ["FIX.4.2", "FIX.4.4"] {
            let fix = try Self.runOracle("live_fix_session.py", [serve.portsFile.path, "XFIX", beginString, "MSFT", "410.00"])
            #expect(fix.status == 0, "\(beginString) session: \(fix.standardError)")
        }

        let status = try serve.terminate()
        #expect(status == 0, "\(serve.standardError)")
        let report = try #require(try JSONSerialization.jsonObject(
            with: Data(contentsOf: serve.outDirectory.appendingPathComponent("serve-report.json"))) as? [String: Any])
        let venues = try #require(report["venues"] as? [[String: Any]])
        let xouch = try #require(venues.first { $0["name"] as? String == "XOUCH" })
        let xfix = try #require(venues.first { $0["name"] as? String == "XFIX" })
        #expect(xouch["requests"] as? Int == 2)
        #expect(xouch["trades"] as? Int == 1)
        #expect((xouch["answers"] as? [String: Int])?["accepted"] == 2)
        #expect((xouch["answers"] as? [String: Int])?["executions"] == 2)
        #expect(xouch["connectionsAccepted"] as? Int == 3, "buyer, seller and the refused login")
        #expect(xfix["requests"] as? Int == 4, "two orders per FIX version")
        #expect(xfix["trades"] as? Int == 2)
        #expect((xfix["answers"] as? [String: Int])?["accepted"] == 4)
        #expect((xfix["bytesIn"] as? Int ?? 0) > 0)
        #expect(serve.standardOutput.contains("XOUCH ouch42 127.0.0.1:"), "the ports are printed")
    }

    @Test func aPortAlreadyInUseIsAClearErrorWithItsOwnExitCode() throws {
        let listener = try LoopbackListener()
        let run = try ExsimProcess.run(["serve", "Scenarios/two-venues.yaml", "--port", "XOUCH.ouch=\(listener.port)", "--duration", "1s",
                                        "--out", FileManager.default.temporaryDirectory.appendingPathComponent("exsim-serve-in-use").path])
        #expect(run.status == 69, "\(run.stderr)")
        #expect(run.stderr.contains("address already in use: 127.0.0.1:\(listener.port)"), "\(run.stderr)")
    }

    @Test func durationStopsTheServerByItselfWithAReport() throws {
        let directory = try ExsimProcess.temporaryDirectory("serve-duration")
        defer { try? FileManager.default.removeItem(at: directory) }
        let run = try ExsimProcess.run(["serve", "Scenarios/quickstart.yaml", "--duration", "200ms", "--out", directory.path])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("XSIM ouch42 127.0.0.1:"))
        let report = try #require(try JSONSerialization.jsonObject(
            with: Data(contentsOf: directory.appendingPathComponent("serve-report.json"))) as? [String: Any])
        #expect((report["venues"] as? [[String: Any]])?.first?["name"] as? String == "XSIM")
    }

    @Test func simulatedLinksAreNotedAsUnusedLive() throws {
        let directory = try ExsimProcess.temporaryDirectory("serve-links")
        defer { try? FileManager.default.removeItem(at: directory) }
        let run = try ExsimProcess.run(["serve", "Scenarios/lossy-link.yaml", "--duration", "100ms", "--out", directory.path])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stderr.contains("note: the scenario's network links are simulated only"), "\(run.stderr)")
        let plain = try ExsimProcess.run(["serve", "Scenarios/quickstart.yaml", "--duration", "100ms", "--out", directory.path])
        #expect(!plain.stderr.contains("network links"), "\(plain.stderr)")
    }

    @Test func aPortOptionNamingNoVenueIsBadInput() throws {
        let run = try ExsimProcess.run(["serve", "Scenarios/two-venues.yaml", "--port", "NOWHERE.ouch=1", "--duration", "1s"])
        #expect(run.status == 64)
        #expect(run.stderr.contains("--port NOWHERE.ouch=1"), "\(run.stderr)")
        #expect(run.stderr.contains("XFIX, XOUCH"), "names the venues: \(run.stderr)")
    }

    @Test func helpNamesThePortsFileTheAccountsAndTheExitCodes() throws {
        let help = try ExsimProcess.run(["serve", "--help"])
        #expect(help.status == 0)
        for text in ["--ports-file", "--feed-to", "--port", "--duration", "P1", "password exsim", "69"] {
            #expect(help.stdout.contains(text), "serve --help mentions \(text)")
        }
    }
}

/// A TCP socket listening on a free loopback port, to occupy it.
final class LoopbackListener {
    let descriptor: Int32
    let port: Int

    init() throws {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
                bind(descriptor, pointer, length) == 0 && listen(descriptor, 1) == 0
                    && getsockname(descriptor, pointer, &length) == 0
            }
        }
        guard bound else {
            close(descriptor)
            throw ServeTests.ServeFailure(description: "could not listen on a loopback port: errno \(errno)")
        }
        self.descriptor = descriptor
        port = Int(UInt16(bigEndian: address.sin_port))
    }

    deinit { close(descriptor) }
}
