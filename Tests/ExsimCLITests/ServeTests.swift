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
    static func runOracle(_ name: String, _ arguments: [String], python: String? = nil, environment: [String: String] = [:]) throws
        -> (status: Int32, standardError: String, standardOutput: String) {
        let python = try python ?? #require(CaptureOracleTests.oraclePython, "EXSIM_REQUIRE_ORACLES=1 but the oracle Python is missing")
        let output = try ExsimProcess.runProgram(
            URL(fileURLWithPath: python), [ExsimProcess.packageRoot.appendingPathComponent("scripts/oracles/\(name)").path] + arguments,
            environment: environment)
        return (output.status, output.stderr, output.stdout)
    }

    /// QuickFIX's folder (scripts/setup-quickfix.sh): its Python and its data dictionaries.
    static var quickfixHome: String? { ProcessInfo.processInfo.environment["EXSIM_QUICKFIX_HOME"] }

    @Test(.enabled(if: quickfixHome != nil || CaptureOracleTests.required,
                   "QuickFIX is not built: scripts/setup-quickfix.sh builds it once per machine, and scripts/test.sh runs this test"))
    func quickFIXTradesReplacesCancelsSurvivesSequenceGapsAndReconnectsOverFIX42And44() throws {
        let home = try #require(Self.quickfixHome, "EXSIM_REQUIRE_ORACLES=1 but EXSIM_QUICKFIX_HOME is not set (scripts/setup-quickfix.sh)")
        let serve = try ServeProcess(["Scenarios/two-venues.yaml", "--accounts", "4"])
        try serve.waitForPorts()
        for beginString in ["FIX.4.2", "FIX.4.4"] {
            let session = try Self.runOracle("quickfix_session.py", [serve.portsFile.path, "XFIX", beginString, "MSFT", "410.00"],
                                             python: home + "/bin/python", environment: ["EXSIM_QUICKFIX_SPEC": home + "/spec"])
            #expect(session.status == 0, "\(beginString): \(session.standardError)")
            #expect(session.standardOutput.contains("\"validatedWithDataDictionary\": true"),
                    "QuickFIX validated every message against its \(beginString) dictionary: \(session.standardOutput)")
            // The reconnect without ResetOnLogon: both fills made while P1 was away were resent to it.
            #expect(session.standardOutput.contains("\"resentWhileAway\": [\"B3\", \"B4\"]"), "\(session.standardOutput)")
            // B3 sent again with PossResend=Y, and the replace to B6R, were answered with their status.
            #expect(session.standardOutput.contains("\"statusOfResent\": [\"B3\", \"B6R\"]"), "\(session.standardOutput)")
        }
        #expect(try serve.terminate() == 0, "\(serve.standardError)")
        let report = try #require(try JSONSerialization.jsonObject(
            with: Data(contentsOf: serve.outDirectory.appendingPathComponent("serve-report.json"))) as? [String: Any])
        let xfix = try #require((report["venues"] as? [[String: Any]])?.first { $0["name"] as? String == "XFIX" })
        // Per version: nine new orders, one sent again, two replaces, one
        // of them sent again, and two cancels; three trades.
        #expect(xfix["requests"] as? Int == 30)
        #expect(xfix["trades"] as? Int == 6)
    }

    /// tshark captures a live session on the loopback interface and
    /// dissects it: SoupBinTCP and OUCH on the OUCH venue's port, FIX on
    /// the FIX venue's, nothing malformed.
    @Test(.enabled(if: (CaptureReadTests.tshark != nil && CaptureOracleTests.oraclePython != nil) || CaptureOracleTests.required,
                   "tshark or the oracle Python is not installed: scripts/setup.sh installs them, and scripts/test.sh runs every oracle test"))
    func tsharkDissectsALiveSessionCapturedOnLoopback() throws {
        let tshark = try #require(CaptureReadTests.tshark, "tshark is required (scripts/setup.sh installs it)")
        let serve = try ServeProcess(["Scenarios/two-venues.yaml", "--accounts", "4"])
        try serve.waitForPorts()
        let ports = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: serve.portsFile)) as? [String: Any])
        let venues = try #require(ports["venues"] as? [[String: Any]])
        let ouchPort = try #require(venues.first { $0["name"] as? String == "XOUCH" }?["ouchPort"] as? Int)
        let fixPort = try #require(venues.first { $0["name"] as? String == "XFIX" }?["fixPort"] as? Int)

        let capture = serve.directory.appendingPathComponent("live.pcapng")
        let log = serve.directory.appendingPathComponent("tshark.log")
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        let capturing = Process()
        capturing.executableURL = URL(fileURLWithPath: tshark)
        // tshark stops by itself: a child of this process inherits its
        // blocked signals, so neither SIGINT nor SIGTERM would reach it.
        capturing.arguments = ["-i", "lo", "-f", "tcp port \(ouchPort) or tcp port \(fixPort)", "-a", "duration:10", "-w", capture.path]
        capturing.standardOutput = FileHandle.nullDevice
        capturing.standardError = try FileHandle(forWritingTo: log)
        try capturing.run()
        defer { if capturing.isRunning { kill(capturing.processIdentifier, SIGKILL) } }
        let deadline = Date().addingTimeInterval(Self.startOrStopTimeoutSeconds)
        while !((try? String(contentsOf: log, encoding: .utf8))?.contains("Capturing on") ?? false) {
            #expect(capturing.isRunning && Date() < deadline, "tshark did not start capturing on lo: \((try? String(contentsOf: log, encoding: .utf8)) ?? "")")
            guard capturing.isRunning, Date() < deadline else { return }
            usleep(50_000)
        }
        usleep(300_000)  // "Capturing on" comes just before the capture filter is live

        #expect(try Self.runOracle("live_ouch_session.py", [serve.portsFile.path, "XOUCH", "AAPL", "1900000"]).status == 0)
        #expect(try Self.runOracle("live_fix_session.py", [serve.portsFile.path, "XFIX", "FIX.4.4", "MSFT", "410.00"]).status == 0)
        capturing.waitUntilExit()  // at the end of its ten seconds
        #expect(try serve.terminate() == 0)

        let decodeAs = ["-d", "tcp.port==\(ouchPort),soupbintcp"]
        let fields = try CaptureReadTests.runTshark(["-r", capture.path] + decodeAs
            + ["-T", "fields", "-E", "occurrence=a", "-E", "separator=,", "-e", "soupbintcp.packet_type", "-e", "ouch.packet_type", "-e", "fix.MsgType"])
        let seen = Set(fields.split(whereSeparator: { $0 == "," || $0 == "\n" }).map { $0.trimmingCharacters(in: CharacterSet(charactersIn: "' ")) })
        // SoupBinTCP: Login Request, Accepted, Rejected, Unsequenced and Sequenced Data; OUCH Enter
        // Order, Accepted, Executed (the letters overlap); FIX Logon, NewOrderSingle, ExecutionReport, Logout.
        for expected in ["L", "A", "J", "U", "S", "O", "E", "D", "8", "5"] {
            #expect(seen.contains(expected), "tshark saw \(expected) in the live capture: \(seen.sorted())")
        }
        let malformed = try CaptureReadTests.runTshark(["-r", capture.path] + decodeAs + ["-Y", "_ws.malformed"])
        #expect(malformed.isEmpty, "malformed frames: \(malformed)")
    }

    @Test(.enabled(if: CaptureOracleTests.oraclePython != nil || CaptureOracleTests.required,
                   "the oracle Python (itchfeed) is not installed: scripts/setup.sh installs it, and scripts/test.sh runs every oracle test"))
    func itchfeedDecodesTheServedFeedReceivedOverUDP() throws {
        // The script starts serve itself, with --feed-to the UDP socket it bound.
        let feed = try Self.runOracle("live_itch_feed.py", [ExsimProcess.binary.path,
                                                            ExsimProcess.packageRoot.appendingPathComponent("Scenarios/two-venues.yaml").path,
                                                            "XOUCH", "AAPL", "1900000"])
        #expect(feed.status == 0, "\(feed.standardError)")
        #expect(feed.standardOutput.contains("\"session\": \"SIM0000002\""), "\(feed.standardOutput)")
    }

    /// The same over a multicast group on loopback: serve sends by the
    /// interface of its bound address, the receiver joins the group there.
    @Test(.enabled(if: CaptureOracleTests.oraclePython != nil || CaptureOracleTests.required,
                   "the oracle Python (itchfeed) is not installed: scripts/setup.sh installs it, and scripts/test.sh runs every oracle test"))
    func itchfeedDecodesTheServedFeedReceivedOverMulticast() throws {
        let feed = try Self.runOracle("live_itch_feed.py", [ExsimProcess.binary.path,
                                                            ExsimProcess.packageRoot.appendingPathComponent("Scenarios/two-venues.yaml").path,
                                                            "XOUCH", "AAPL", "1900000", "--multicast", "239.192.77.1"])
        #expect(feed.status == 0, "\(feed.standardError)")
        #expect(feed.standardOutput.contains("\"session\": \"SIM0000002\""), "\(feed.standardOutput)")
    }

    @Test func multicastFeedOptionsAreChecked() throws {
        let directory = try ExsimProcess.temporaryDirectory("serve-multicast")
        defer { try? FileManager.default.removeItem(at: directory) }
        let badInterface = try ExsimProcess.run(["serve", "Scenarios/quickstart.yaml", "--feed-to", "239.192.77.2:30001",
                                                 "--feed-interface", "eth-zero", "--duration", "100ms", "--out", directory.path])
        #expect(badInterface.status == 64 && badInterface.stderr.contains("eth-zero"), "\(badInterface.stderr)")
        let badTTL = try ExsimProcess.run(["serve", "Scenarios/quickstart.yaml", "--feed-to", "239.192.77.2:30001",
                                           "--feed-ttl", "0", "--duration", "100ms", "--out", directory.path])
        #expect(badTTL.status == 64 && badTTL.stderr.contains("--feed-ttl"), "\(badTTL.stderr)")
        let good = try ExsimProcess.run(["serve", "Scenarios/quickstart.yaml", "--feed-to", "239.192.77.2:30001",
                                         "--duration", "100ms", "--out", directory.path])
        #expect(good.status == 0, "\(good.stderr)")
        #expect(good.stdout.contains("to 239.192.77.2:30001 (multicast)"), "\(good.stdout)")
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

    @Test(.enabled(if: CaptureOracleTests.oraclePython != nil || CaptureOracleTests.required,
                   "needs the oracle Python (scripts/setup.sh)"))
    func metricsScrapedAfterAnOUCHSessionCountWhatTheReportCounts() throws {
        let serve = try ServeProcess(["Scenarios/two-venues.yaml", "--accounts", "4", "--metrics-port", "0"])
        try serve.waitForPorts()
        let ports = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: serve.portsFile)) as? [String: Any])
        let metricsPort = try #require(ports["metricsPort"] as? Int, "the ports file names the metrics port")
        #expect(serve.standardOutput.contains("metrics http://127.0.0.1:\(metricsPort)/metrics"))

        let ouch = try Self.runOracle("live_ouch_session.py", [serve.portsFile.path, "XOUCH", "AAPL", "1900000"])
        #expect(ouch.status == 0, "OUCH session: \(ouch.standardError)")
        // Python's urllib, an HTTP client exsim did not write.
        let python = try #require(CaptureOracleTests.oraclePython)
        let scrape = Process()
        scrape.executableURL = URL(fileURLWithPath: python)
        scrape.arguments = ["-c", "import sys, urllib.request; sys.stdout.write(urllib.request.urlopen(sys.argv[1], timeout=10).read().decode())",
                            "http://127.0.0.1:\(metricsPort)/metrics"]
        let output = Pipe()
        scrape.standardOutput = output
        try scrape.run()
        let exposition = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        scrape.waitUntilExit()
        #expect(scrape.terminationStatus == 0)
        var samples: [String: Double] = [:]
        for line in exposition.split(separator: "\n") where !line.hasPrefix("#") {
            let fields = line.split(separator: " ")
            if fields.count == 2, let value = Double(fields[1]) { samples[String(fields[0])] = value }
        }

        let status = try serve.terminate()
        #expect(status == 0, "\(serve.standardError)")
        let report = try #require(try JSONSerialization.jsonObject(
            with: Data(contentsOf: serve.outDirectory.appendingPathComponent("serve-report.json"))) as? [String: Any])
        let venues = try #require(report["venues"] as? [[String: Any]])
        let xouch = try #require(venues.first { $0["name"] as? String == "XOUCH" })
        let answers = try #require(xouch["answers"] as? [String: Int])
        #expect(samples["exsim_orders_accepted_total{venue=\"XOUCH\"}"] == 2, "a buy and a sell")
        #expect(samples["exsim_orders_accepted_total{venue=\"XOUCH\"}"] == answers["accepted"].map(Double.init))
        #expect(samples["exsim_trades_total{venue=\"XOUCH\"}"] == (xouch["trades"] as? Int).map(Double.init))
        #expect(samples["exsim_requests_total{venue=\"XOUCH\"}"] == (xouch["requests"] as? Int).map(Double.init))
        #expect(samples["exsim_executions_total{venue=\"XOUCH\"}"] == 2)
        #expect(samples["exsim_orders_rejected_total{venue=\"XOUCH\"}"] == 0)
        #expect(samples["exsim_connections_accepted_total{venue=\"XOUCH\"}"] == (xouch["connectionsAccepted"] as? Int).map(Double.init))
        #expect(samples["exsim_bytes_in_total{venue=\"XOUCH\"}"] == (xouch["bytesIn"] as? Int).map(Double.init),
                "the clients sent nothing after their Logout")
        #expect(samples["exsim_sessions_connected{venue=\"XOUCH\"}"] == 0, "the oracle logged out")
        #expect(samples["exsim_gateway_order_ack_seconds_count{venue=\"XOUCH\"}"] == 2)
        #expect(samples["exsim_orders_accepted_total{venue=\"XFIX\"}"] == 0, "the other venue saw nothing")
        #expect(!serve.standardError.contains("requests/s"), "no progress line when standard error is a file")
    }

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/script"), "needs script(1) for a terminal"))
    func onATerminalAProgressLineShowsTheVenuesOnceASecond() throws {
        let directory = try ExsimProcess.temporaryDirectory("serve-progress")
        defer { try? FileManager.default.removeItem(at: directory) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/script")
        // script(1) gives serve a pseudo-terminal and copies what it shows to standard output.
        process.arguments = ["-qec", "\(ExsimProcess.binary.path) serve Scenarios/quickstart.yaml --duration 4500ms --out \(directory.path)",
                             "/dev/null"]
        process.currentDirectoryURL = ExsimProcess.packageRoot
        let output = Pipe()
        process.standardOutput = output
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let shown = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "\(shown)")
        let lines = shown.components(separatedBy: "\r\u{1B}[K").filter { $0.contains("requests/s") }
        // Four refreshes are due in 4.5 s; two leave room for a loaded machine.
        #expect(lines.count >= 2, "refreshed about once a second: \(shown)")
        #expect(lines.first?.contains("XSIM: 0 session(s) · 0 requests · 0 trades · 0 rejected") == true, "\(shown)")
    }

    @Test func aMetricsPortAlreadyInUseIsAClearStartUpError() throws {
        let listener = try LoopbackListener()
        let run = try ExsimProcess.run(["serve", "Scenarios/quickstart.yaml", "--metrics-port", "\(listener.port)", "--duration", "1s",
                                        "--out", FileManager.default.temporaryDirectory.appendingPathComponent("exsim-metrics-in-use").path])
        #expect(run.status == 69, "\(run.stderr)")
        #expect(run.stderr.contains("metrics address already in use: 127.0.0.1:\(listener.port)"), "\(run.stderr)")
        #expect(run.stderr.contains("--metrics-port"), "names the option: \(run.stderr)")
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
        for text in ["--ports-file", "--feed-to", "--port", "--duration", "--metrics-port", "P1", "password exsim", "69"] {
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
