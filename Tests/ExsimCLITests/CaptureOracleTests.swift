import Foundation
import Testing

/// `exsim run --capture` on a scenario with a FIX venue and an OUCH venue,
/// in pcap and in pcapng, the capture then read by software we did not write: tshark dissects every
/// FIX, SoupBinTCP/OUCH and MoldUDP64 packet, and PyPI itchfeed decodes the
/// ITCH 5.0 messages tshark extracts from the feed
/// (scripts/oracles/capture_check.py). Their counts must equal the run's.
@Suite struct CaptureOracleTests {
    static var oraclePython: String? {
        if let path = ProcessInfo.processInfo.environment["EXSIM_ORACLE_PYTHON"],
           FileManager.default.isExecutableFile(atPath: path) { return path }
        let venv = ExsimProcess.packageRoot.appendingPathComponent(".venv-oracles/bin/python").path
        return FileManager.default.isExecutableFile(atPath: venv) ? venv : nil
    }
    static var required: Bool { ProcessInfo.processInfo.environment["EXSIM_REQUIRE_ORACLES"] == "1" }

    @Test(.enabled(if: oraclePython != nil || required, "the oracles (tshark, itchfeed, simplefix) are not installed: scripts/setup.sh installs them, and scripts/test.sh runs every oracle test"),
          arguments: ["two-venues.pcap", "two-venues.pcapng"])
    func twoVenueCaptureDissectsCleanlyAndAddsUp(name: String) throws {
        let directory = try ExsimProcess.temporaryDirectory("capture")
        defer { try? FileManager.default.removeItem(at: directory) }
        let pcap = directory.appendingPathComponent(name).path
        let run = try ExsimProcess.run(["run", "Scenarios/two-venues.yaml", "--check", "--capture", pcap, "--out", directory.path])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("capture: \(pcap)"))

        let report = try #require(try JSONSerialization.jsonObject(
            with: Data(contentsOf: directory.appendingPathComponent("report.json"))) as? [String: Any])
        let wire = try #require(report["wire"] as? [String: Any])
        let toVenues = try #require(wire["messagesToVenues"] as? Int)
        let fromVenues = try #require(wire["messagesFromVenues"] as? Int)
        let feedMessages = try #require(wire["feedMessages"] as? Int)

        let python = try #require(Self.oraclePython, "EXSIM_REQUIRE_ORACLES=1 but the oracle Python is missing")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = [ExsimProcess.packageRoot.appendingPathComponent("scripts/oracles/capture_check.py").path, pcap]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        let summary = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])

        #expect(summary["malformedOrWarnings"] as? Int == 0, "tshark found malformed packets or warnings")
        #expect(summary["fixBadChecksums"] as? Int == 0)
        let fixMessages = try #require(summary["fixMessages"] as? Int)
        let soupPackets = try #require(summary["soupbintcpPackets"] as? Int)
        #expect(fixMessages + soupPackets == toVenues + fromVenues,
                "tshark sees \(fixMessages) FIX + \(soupPackets) SoupBinTCP; the run sent \(toVenues) + \(fromVenues)")
        #expect(summary["moldudp64Messages"] as? Int == feedMessages)
        #expect(summary["itchMessages"] as? Int == feedMessages, "itchfeed decodes every ITCH message of the feed")
        #expect(summary["moldudp64Contiguous"] as? Bool == true)
        #expect(summary["moldudp64Sessions"] as? Int == 2)

        // Both FIX versions' sessions, OUCH both ways, and the feed's book messages all appear.
        let fix = try #require(summary["fix"] as? [String: Int])
        for type in ["A", "D", "F", "G", "8", "5"] { #expect((fix[type] ?? 0) > 0, "FIX MsgType \(type)") }
        let ouch = try #require(summary["ouch"] as? [String: Int])
        for type in ["O", "X", "U", "A", "E", "C"] { #expect((ouch[type] ?? 0) > 0, "OUCH \(type)") }
        let soup = try #require(summary["soupbintcp"] as? [String: Int])
        for type in ["L", "A", "U", "S", "Z"] { #expect((soup[type] ?? 0) > 0, "SoupBinTCP \(type)") }
        let itch = try #require(summary["itch"] as? [String: Int])
        for type in ["S", "R", "H", "A", "E", "D", "U", "Q"] { #expect((itch[type] ?? 0) > 0, "ITCH \(type)") }
    }

    @Test func anUnwritableCaptureIsAClearErrorBeforeTheRun() throws {
        let run = try ExsimProcess.run(["run", "Scenarios/two-venues.yaml", "--capture", "/nonexistent-directory/run.pcap",
                                        "--out", FileManager.default.temporaryDirectory.appendingPathComponent("exsim-unwritable").path])
        #expect(run.status == 64)
        #expect(run.stderr.contains("cannot write the capture: /nonexistent-directory/run.pcap"), "\(run.stderr)")
        #expect(run.stdout.isEmpty, "nothing ran")
    }
}
