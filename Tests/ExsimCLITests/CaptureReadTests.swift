@testable import Capture
import Foundation
import Testing

/// `exsim capture inspect` and `exsim capture book` read back what
/// `exsim run --capture` wrote, plain and zstd-compressed: every count
/// equals the run's own report.
@Suite struct CaptureReadTests {
    static func json(_ url: URL) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
    }

    @Test(arguments: ["two-venues.pcap", "two-venues.pcap.zst", "two-venues.pcapng", "two-venues.pcapng.zst"])
    func inspectCountsWhatTheRunSent(name: String) throws {
        let directory = try ExsimProcess.temporaryDirectory("capture-read")
        defer { try? FileManager.default.removeItem(at: directory) }
        let capture = directory.appendingPathComponent(name).path
        let run = try ExsimProcess.run(["run", "Scenarios/two-venues.yaml", "--capture", capture, "--out", directory.path, "--quiet"])
        #expect(run.status == 0, "\(run.stderr)")
        let wire = try #require(try Self.json(directory.appendingPathComponent("report.json"))["wire"] as? [String: Any])

        let inspectJSON = directory.appendingPathComponent("inspect.json")
        let inspect = try ExsimProcess.run(["capture", "inspect", capture, "--json", inspectJSON.path])
        #expect(inspect.status == 0, "\(inspect.stderr)")
        #expect(inspect.stdout.contains(name.contains(".pcapng") ? "(pcapng" : "(pcap (ns)"), "\(inspect.stdout.prefix(200))")
        if name.hasSuffix(".zst") { #expect(inspect.stdout.contains("zstd-compressed")) }
        let inspection = try Self.json(inspectJSON)
        let kinds = try #require(inspection["packetKinds"] as? [String: Int])
        #expect(kinds["udp"] == wire["feedPackets"] as? Int)
        #expect(kinds["otherIP"] == 0 && kinds["notIP"] == 0 && kinds["truncated"] == 0 && kinds["malformed"] == 0)
        #expect(inspection["packets"] as? Int == (kinds["udp"] ?? 0) + (kinds["tcp"] ?? 0))

        var byFamily: [String: Int] = [:]
        for entry in try #require(inspection["messages"] as? [[String: Any]]) {
            byFamily[entry["family"] as! String, default: 0] += entry["count"] as! Int
        }
        let feedMessages = try #require(wire["feedMessages"] as? Int)
        let toVenues = try #require(wire["messagesToVenues"] as? Int)
        let fromVenues = try #require(wire["messagesFromVenues"] as? Int)
        #expect(byFamily["ITCH"] == feedMessages)
        #expect((byFamily["FIX"] ?? 0) + (byFamily["SoupBinTCP"] ?? 0) == toVenues + fromVenues,
                "every FIX message and SoupBinTCP packet of the order-entry sessions")

        let sessions = try #require(inspection["moldUDP64Sessions"] as? [[String: Any]])
        #expect(sessions.count == 2)
        #expect(sessions.map { $0["messages"] as? Int ?? 0 }.reduce(0, +) == feedMessages)
        for session in sessions {
            #expect(session["gapCount"] as? Int == 0 && session["duplicateMessages"] as? Int == 0)
            #expect(session["firstSequence"] as? Int == 1)
            #expect(session["nextSequence"] as? Int == 1 + (session["messages"] as? Int ?? -1))
            #expect(session["endOfSession"] as? Bool == true)
        }
        let flows = try #require(inspection["flows"] as? [[String: Any]])
        #expect(flows.count == 2 + 16, "two feeds and sixteen participants' connections")
        for flow in flows {
            #expect(flow["protocolName"] as? String != nil, "\(flow)")
            #expect((flow["framingErrors"] as? [String])?.isEmpty == true)
            if let tcp = flow["tcp"] as? [String: Any] {
                #expect(tcp["holes"] as? Int == 0 && tcp["retransmittedSegments"] as? Int == 0)
            }
            let events = (flow["sessionEvents"] as? [[String: Any]] ?? []).compactMap { $0["event"] as? String }
            if flow["protocolName"] as? String == "SoupBinTCP" {
                #expect(events.contains { $0.hasPrefix("SoupBinTCP Login Accepted") } && events.contains("SoupBinTCP End of Session"))
            }
        }

        let book = try ExsimProcess.run(["capture", "book", capture])
        #expect(book.status == 0, "\(book.stderr)")
        #expect(book.stdout.contains("ITCH messages: \(feedMessages) applied in 2 feed(s), 0 contradicting the book"), "\(book.stdout)")
        // Every book the feeds leave is uncrossed: best bid below best ask.
        let rows = book.stdout.split(separator: "\n").filter { $0.hasPrefix("| ") && !$0.hasPrefix("| symbol") }
        #expect(rows.count == 4, "two symbols per venue")
        for row in rows {
            let columns = row.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }
            if let bid = Double(columns[4]), let ask = Double(columns[5]) { #expect(bid < ask, "\(row)") }
        }
        #expect(book.stdout.contains("book build: \(feedMessages) messages in"))
    }

    @Test func unreadableCapturesAreClearErrors() throws {
        let directory = try ExsimProcess.temporaryDirectory("capture-bad")
        defer { try? FileManager.default.removeItem(at: directory) }
        let missing = try ExsimProcess.run(["capture", "inspect", directory.appendingPathComponent("none.pcap").path])
        #expect(missing.status == 64)
        #expect(missing.stderr.contains("none.pcap: cannot open: No such file or directory"), "\(missing.stderr)")

        let notCapture = directory.appendingPathComponent("notes.pcapng")
        try Data("just some text, long enough to be read".utf8).write(to: notCapture)
        let wrong = try ExsimProcess.run(["capture", "book", notCapture.path])
        #expect(wrong.status == 64)
        #expect(wrong.stderr.contains("notes.pcapng: not a pcap or pcapng capture"), "\(wrong.stderr)")

        let capture = directory.appendingPathComponent("run.pcap.zst")
        let run = try ExsimProcess.run(["run", "Scenarios/two-venues.yaml", "--capture", capture.path, "--out", directory.path, "--quiet"])
        #expect(run.status == 0)
        var bytes = try Data(contentsOf: capture)
        bytes = bytes.prefix(bytes.count / 2)
        let cut = directory.appendingPathComponent("cut.pcap.zst")
        try bytes.write(to: cut)
        let truncated = try ExsimProcess.run(["capture", "inspect", cut.path])
        #expect(truncated.status == 64)
        #expect(truncated.stderr.contains("cut.pcap.zst: after packet"), "\(truncated.stderr)")
        #expect(truncated.stderr.contains("truncated"), "\(truncated.stderr)")

        let badPort = try ExsimProcess.run(["capture", "inspect", capture.path, "--port", "26477=itch"])
        #expect(badPort.status == 64)
        #expect(badPort.stderr.contains("--port 26477=itch: unknown protocol 'itch'"), "\(badPort.stderr)")
    }

    static let tshark: String? = ["/usr/bin/tshark", "/usr/local/bin/tshark"].first { FileManager.default.isExecutableFile(atPath: $0) }

    static func runTshark(_ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try #require(tshark, "tshark is required (scripts/setup.sh installs it)"))
        process.arguments = arguments
        let output = Pipe()
        process.standardOutput = output
        process.standardError = Pipe()
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        return String(decoding: data, as: UTF8.self)
    }

    /// tshark reads the same .pcap.zst: the same packets, and per MoldUDP64
    /// session the same first and next sequence numbers, messages and
    /// heartbeats as `capture inspect`.
    @Test(.enabled(if: tshark != nil || CaptureOracleTests.required, "tshark is not installed: scripts/setup.sh installs it"))
    func tsharkAgreesOnPacketsAndSequenceNumbers() throws {
        let directory = try ExsimProcess.temporaryDirectory("capture-tshark")
        defer { try? FileManager.default.removeItem(at: directory) }
        let capture = directory.appendingPathComponent("run.pcap.zst").path
        let run = try ExsimProcess.run(["run", "Scenarios/two-venues.yaml", "--capture", capture, "--out", directory.path, "--quiet"])
        #expect(run.status == 0, "\(run.stderr)")
        let inspectJSON = directory.appendingPathComponent("inspect.json")
        #expect(try ExsimProcess.run(["capture", "inspect", capture, "--json", inspectJSON.path]).status == 0)
        let inspection = try Self.json(inspectJSON)

        let frames = try Self.runTshark(["-r", capture, "-T", "fields", "-e", "frame.number"]).split(separator: "\n").count
        #expect(inspection["packets"] as? Int == frames)

        struct Session: Equatable { var packets = 0, messages = 0, heartbeats = 0, first = UInt64.max, next: UInt64 = 0 }
        var tsharkSessions: [String: Session] = [:]
        let mold = try Self.runTshark(["-r", capture, "-d", "udp.port==26477,moldudp64", "-Y", "moldudp64", "-T", "fields",
                                       "-e", "moldudp64.session", "-e", "moldudp64.sequence", "-e", "moldudp64.count"])
        for line in mold.split(separator: "\n") {
            let fields = line.split(separator: "\t").map { $0.trimmingCharacters(in: .whitespaces) }
            let (name, sequence, count) = (fields[0], UInt64(fields[1])!, Int(fields[2])!)
            var session = tsharkSessions[name, default: Session()]
            session.packets += 1
            session.first = min(session.first, sequence)
            if count == 0 { session.heartbeats += 1 }
            if count > 0 && count < 0xFFFF {
                session.messages += count
                session.next = max(session.next, sequence + UInt64(count))
            }
            tsharkSessions[name] = session
        }
        var exsimSessions: [String: Session] = [:]
        for entry in try #require(inspection["moldUDP64Sessions"] as? [[String: Any]]) {
            exsimSessions[entry["session"] as! String] = Session(
                packets: entry["packets"] as! Int, messages: entry["messages"] as! Int, heartbeats: entry["heartbeats"] as! Int,
                first: UInt64(entry["firstSequence"] as! Int), next: UInt64(entry["nextSequence"] as! Int))
        }
        #expect(exsimSessions.count == 2)
        #expect(exsimSessions == tsharkSessions)
    }

    /// Captures/two-venues.pcap.zst was recorded by `exsim run
    /// Scenarios/two-venues.yaml --capture`; a fresh recording holds the same
    /// packets and messages. (A change to the scenario's behaviour records it again.)
    @Test func theShippedCaptureIsWhatTheScenarioRecordsToday() throws {
        let directory = try ExsimProcess.temporaryDirectory("capture-shipped")
        defer { try? FileManager.default.removeItem(at: directory) }
        let fresh = directory.appendingPathComponent("fresh.pcap.zst").path
        #expect(try ExsimProcess.run(["run", "Scenarios/two-venues.yaml", "--capture", fresh, "--out", directory.path, "--quiet"]).status == 0)
        let shippedJSON = directory.appendingPathComponent("shipped.json"), freshJSON = directory.appendingPathComponent("fresh.json")
        let shipped = try ExsimProcess.run(["capture", "inspect", "Captures/two-venues.pcap.zst", "--json", shippedJSON.path])
        #expect(shipped.status == 0, "\(shipped.stderr)")
        #expect(try ExsimProcess.run(["capture", "inspect", fresh, "--json", freshJSON.path]).status == 0)
        #expect(NSDictionary(dictionary: try Self.json(shippedJSON)).isEqual(to: try Self.json(freshJSON)),
                "re-record with: exsim run Scenarios/two-venues.yaml --capture Captures/two-venues.pcap.zst")
    }

    /// A feed captured without its Stock Directory (the bench's synthetic
    /// feed): every book is built without a problem and each symbol is named
    /// by its first Add Order.
    @Test func aFeedWithoutItsDirectoryIsNamedByItsOrders() throws {
        let directory = try ExsimProcess.temporaryDirectory("capture-nodirectory")
        defer { try? FileManager.default.removeItem(at: directory) }
        let capture = directory.appendingPathComponent("feed.pcap.zst").path
        let bench = try ExsimProcess.run(["bench", "capture", "--messages", "20000", "--rounds", "1", "--keep", capture])
        #expect(bench.status == 0, "\(bench.stderr)")
        #expect(bench.stdout.contains("20000 ITCH messages (0 contradicting the book)"), "\(bench.stdout)")
        #expect(bench.stdout.contains("read, the same capture in 4 MiB zstd frames"), "\(bench.stdout)")
        // The one-frame capture's ceiling: libzstd alone, over every byte.
        #expect(bench.stdout.contains("libzstd alone on one core, in memory (the ceiling for one frame here):"), "\(bench.stdout)")
        // The copy in frames, kept beside the capture, holds the same feed.
        let framed = try ExsimProcess.run(["capture", "book", directory.appendingPathComponent("feed-frames.pcap.zst").path])
        #expect(framed.status == 0 && framed.stdout.contains("ITCH messages: 20000 applied in 1 feed(s), 0 contradicting the book"),
                "\(framed.stdout)\(framed.stderr)")
        // Under 4 MiB, the copy is one frame: read on the reading thread.
        #expect(!framed.stdout.contains("decompressed on several threads"), "\(framed.stdout)")
        let book = try ExsimProcess.run(["capture", "book", capture])
        #expect(book.status == 0, "\(book.stderr)")
        #expect(book.stdout.contains("ITCH messages: 20000 applied in 1 feed(s), 0 contradicting the book"), "\(book.stdout)")
        let rows = book.stdout.split(separator: "\n").filter { $0.hasPrefix("| S") }
        #expect(rows.map { $0.split(separator: "|")[0].trimmingCharacters(in: .whitespaces) } == (1...8).map { "S\($0)" })
        for row in rows {
            let columns = row.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }
            let bid = try #require(Double(columns[4])), ask = try #require(Double(columns[5]))
            #expect(bid < 100 && ask > 100, "the synthetic feed's buys are below 100 and its sells above: \(row)")
        }
    }

    /// The bench's capture of 150,000 messages (about 5 MB) and its copy in
    /// 4 MiB zstd frames: the copy's two frames are decompressed on worker
    /// threads, and `capture book` builds the same books from both.
    @Test func aCaptureInFramesBuildsTheSameBooks() throws {
        let directory = try ExsimProcess.temporaryDirectory("capture-frames")
        defer { try? FileManager.default.removeItem(at: directory) }
        let capture = directory.appendingPathComponent("feed.pcap.zst").path
        let bench = try ExsimProcess.run(["bench", "capture", "--messages", "150000", "--rounds", "1", "--keep", capture])
        #expect(bench.status == 0, "\(bench.stderr)")
        let framedPath = directory.appendingPathComponent("feed-frames.pcap.zst").path
        let inspect = try ExsimProcess.run(["capture", "inspect", framedPath])
        #expect(inspect.status == 0 && inspect.stdout.contains("its zstd frames decompressed on several threads"), "\(inspect.stdout)")
        let one = try ExsimProcess.run(["capture", "book", capture])
        let framed = try ExsimProcess.run(["capture", "book", framedPath])
        #expect(one.status == 0 && framed.status == 0, "\(one.stderr)\(framed.stderr)")
        func books(_ output: String) -> [Substring] { output.split(separator: "\n").filter { $0.hasPrefix("|") || $0.hasPrefix("ITCH messages") } }
        #expect(books(one.stdout).contains { $0.contains("150000 applied") })
        #expect(books(framed.stdout) == books(one.stdout), "\(framed.stdout)")
    }

    /// An ITCH over SoupBinTCP flow on a port exsim does not know, whose
    /// first server segment the capture missed: its later bytes wait behind
    /// the hole until the end of the capture, and are recognised and handed
    /// over only then. `capture book` builds its books on a second thread;
    /// those last messages must still reach them.
    @Test func messagesHeldBehindAHoleUntilTheEndStillReachTheBooks() throws {
        let directory = try ExsimProcess.temporaryDirectory("capture-late")
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("late.pcap").path
        func addOrder(_ reference: UInt8, stock: String, side: Character, price: UInt32) -> [UInt8] {
            // ITCH 5.0 Add Order: type, locate, tracking, timestamp (6), reference (8), side, shares, stock (8), price.
            var message: [UInt8] = [UInt8(ascii: "A"), 0, 1, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, reference]
            message += [side.asciiValue!, 0, 0, 0, 100] + Array(stock.padding(toLength: 8, withPad: " ", startingAt: 0).utf8)
            message += [UInt8(price >> 24), UInt8(price >> 16 & 0xFF), UInt8(price >> 8 & 0xFF), UInt8(price & 0xFF)]
            // SoupBinTCP Sequenced Data: length, 'S', the message.
            return [0, UInt8(message.count + 1), UInt8(ascii: "S")] + message
        }
        let lost = addOrder(1, stock: "AAPL", side: "B", price: 1_900_000)
        let late = addOrder(2, stock: "AAPL", side: "B", price: 1_900_100) + addOrder(3, stock: "MSFT", side: "S", price: 4_100_000)
        let writer = try CaptureWriter(path: path)
        var connection = try writer.openTCP(atNs: 0, client: CaptureHost(10, 0, 0, 1), clientPort: 50_000,
                                            server: CaptureHost(10, 0, 0, 2), serverPort: 40_000)
        connection.serverNextSequence &+= UInt32(lost.count)  // the segment the capture missed
        try late.withUnsafeBytes { try writer.tcp(&connection, atNs: 1_000, fromClient: false, payload: $0) }
        try writer.finish()

        let book = try ExsimProcess.run(["capture", "book", path])
        #expect(book.status == 0, "\(book.stderr)")
        #expect(book.stdout.contains("ITCH messages: 2 applied in 1 feed(s), 0 contradicting the book; 2 orders resting"),
                "\(book.stdout)")
    }
}
