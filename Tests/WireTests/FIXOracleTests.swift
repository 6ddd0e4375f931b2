import Foundation
import Testing
@testable import Wire

/// Every message type we encode, in both versions, through simplefix
/// (scripts/oracles/fix_parse.py): its fields must match our parser's, and
/// BodyLength and CheckSum must hold by the oracle's own arithmetic.
@Suite("FIX against simplefix")
struct FIXOracleTests {
    /// Application messages plus every admin message the sessions write.
    static func everythingWeEncode(_ version: FIXVersion) -> [[UInt8]] {
        var messages = FIXSamples.all.map { FIXApplicationMessageTests.encode($0, version) }
        var participant = FIXSession.participant(version)
        messages += participant.start(nowNs: fixTestEpochNs).compactMap(\.sentBytes)  // A with 553/554

        var venue = FIXSession.venue(version)
        var client = FIXCounterparty(beginString: version == .fix42 ? "FIX.4.2" : "FIX.4.4")
        var script: [[FIXSession.Action]] = []
        script.append(venue.feed(client.logon()))  // A
        script.append(venue.sendApplication(.executionReport(FIXSamples.fill), nowNs: fixTestEpochNs))  // 8
        script.append(venue.feed(client.make("1", "112=PING|")))  // 0 with 112
        script.append(venue.feed(client.make("D", "11=X|21=1|54=1|60=20260302-09:30:00|38=1|40=1|")))  // 3 (373=1)
        script.append(venue.feed(client.make("E", "66=L|")))  // j
        script.append(venue.feed(client.make("0", seq: client.nextSeqNum + 2)))  // 2
        script.append(venue.timerFired(nowNs: fixTestEpochNs + 36_000_000_000))  // 1
        let later = fixTestEpochNs + 37_000_000_000
        script.append(venue.feed(client.make("2", "7=1|16=0|", seq: 6, sendingNs: later), nowNs: later))  // 4 and resent 8
        script.append(venue.logout(text: "Bye", nowNs: later))  // 5
        messages += script.flatMap { $0.compactMap(\.sentBytes) }
        return messages
    }

    @Test(Oracle.pythonTrait, arguments: FIXVersion.allCases)
    func simplefixReadsEveryMessageTypeWeWrite(version: FIXVersion) throws {
        let messages = Self.everythingWeEncode(version)
        let types = Set(messages.compactMap { FIXText.value($0, 35) })
        #expect(types == ["A", "0", "1", "2", "3", "4", "5", "8", "9", "j", "D", "F", "G"])
        let file = Oracle.temporaryFile("fix-\(version).bin")
        try Data(messages.flatMap { $0 }).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }

        let output = try Oracle.runPython("fix_parse.py", [file.path])
        #expect(output.status == 0, "\(output.standardError)")
        let lines = output.standardOutput.split(separator: "\n")
        try #require(lines.count == messages.count)
        var parser = FIXParser()
        for (line, message) in zip(lines, messages) {
            let json = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            #expect(json["body_length_ok"] as? Bool == true, "\(FIXText.text(message))")
            #expect(json["checksum_ok"] as? Bool == true, "\(FIXText.text(message))")
            #expect(json["simplefix_reencode_equal"] as? Bool == true, "\(FIXText.text(message))")
            let theirs = (json["fields"] as? [[Any]] ?? []).map { ($0[0] as? Int ?? -1, $0[1] as? String ?? "") }
            let ours: [(Int, String)] = try message.withUnsafeBytes { raw in
                let view = try parser.parse(raw)
                return (0..<view.fieldCount).map {
                    (Int(view.field(at: $0).tag), String(decoding: view.value(at: $0), as: UTF8.self))
                }
            }
            #expect(theirs.map(\.0) == ours.map(\.0))
            #expect(theirs.map(\.1) == ours.map(\.1))
        }
    }

    @Test(Oracle.pythonTrait)
    func oracleNoticesABadChecksumAndBodyLength() throws {
        var message = FIXApplicationMessageTests.encode(.newOrderSingle(FIXSamples.newOrder), .fix44)
        message[message.count - 2] = message[message.count - 2] == UInt8(ascii: "0") ? UInt8(ascii: "1") : UInt8(ascii: "0")
        let text = FIXText.text(message)
        let length = FIXText.value(message, 9)!
        let wrongLength = FIXText.bytes(text.replacingFirst("|9=\(length)|", with: "|9=\(Int(length)! + 1)|"))
        let file = Oracle.temporaryFile("fix-bad.bin")
        try Data(message + wrongLength).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let output = try Oracle.runPython("fix_parse.py", [file.path])
        let lines = output.standardOutput.split(separator: "\n")
        try #require(lines.count == 2)
        #expect(lines[0].contains("\"checksum_ok\": false"))
        #expect(lines[1].contains("\"body_length_ok\": false"))
    }
}
