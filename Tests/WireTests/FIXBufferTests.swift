import Testing
@testable import Wire

/// The raw-memory writer and parser against plain reference code, and the
/// session's allocation-free output against its array API.
@Suite("FIX buffers: writer, parser, session output")
struct FIXBufferTests {
    @Test func checksumEqualsAPlainSumAtEveryLengthAndOffset() {
        var random = FIXSplitMix64(seed: 18)
        let bytes = (0..<3000).map { _ in UInt8.random(in: 0...255, using: &random) }
        bytes.withUnsafeBytes { raw in
            for offset in 0..<9 {
                for count in [0, 1, 7, 8, 9, 15, 16, 17, 63, 1023, 1024, 1025, 2047, 2990] {
                    let slice = UnsafeRawBufferPointer(rebasing: raw[offset..<(offset + count)])
                    let plain = UInt8(truncatingIfNeeded: slice.reduce(0) { $0 + Int($1) })
                    #expect(FIXChecksum.sum(slice) == plain, "offset \(offset) count \(count)")
                }
            }
        }
        // All 0xFF: the largest lane growth, across the fold every 128 words.
        let ones = [UInt8](repeating: 0xFF, count: 5000)
        ones.withUnsafeBytes { #expect(FIXChecksum.sum($0) == UInt8(truncatingIfNeeded: 5000 * 255)) }
    }

    @Test func writtenNumbersEqualSwiftsDecimalText() {
        var random = FIXSplitMix64(seed: 7)
        var writer = FIXMessageWriter()
        var values: [Int64] = [0, 1, 9, 10, 99, 100, 101, -1, -10, Int64.max, Int64.min + 1]
        for _ in 0..<2000 { values.append(Int64(bitPattern: random.next()) >> Int64(random.next() % 63)) }
        for value in values {
            writer.startMessage(.heartbeat)
            writer.append(tag: 5001, integer: value)
            writer.append(tag: 44, decimal: value, impliedDecimals: 4)
            writer.finish(.fix44)
            let fields = FIXText.fields(Array(writer.messageBytes))
            #expect(fieldValue(fields, 5001) == String(value))
            let magnitude = value.magnitude
            var fraction = String(magnitude % 10_000)
            fraction = String(repeating: "0", count: 4 - fraction.count) + fraction
            while fraction.hasSuffix("0") { fraction.removeLast() }
            let decimal = (value < 0 ? "-" : "") + String(magnitude / 10_000) + (fraction.isEmpty ? "" : "." + fraction)
            #expect(fieldValue(fields, 44) == decimal)
        }
    }

    /// The unchecked fast path of `decimal` against the path that checks
    /// every step, on random short and long texts.
    @Test func decimalFastPathAgreesWithTheCheckedPath() {
        var random = FIXSplitMix64(seed: 44)
        let alphabet = Array("0123456789.-".utf8)
        let digitsOnly = Array("0123456789".utf8)
        for round in 0..<40_000 {
            let length = Int(random.next() % (round % 2 == 0 ? 8 : 30))
            var text = (0..<length).map { _ in
                random.next() % 8 == 0 ? alphabet[Int(random.next() % UInt64(alphabet.count))]
                    : digitsOnly[Int(random.next() % 10)]
            }
            if random.next() % 4 == 0 { text.insert(0x2D, at: 0) }
            let implied = Int(random.next() % 10)
            text.withUnsafeBytes { raw in
                #expect(FIXNumberText.decimal(raw, impliedDecimals: implied)
                        == FIXNumberText.checkedDecimal(raw, impliedDecimals: implied),
                        "\(String(decoding: text, as: UTF8.self)) with \(implied)")
            }
        }
    }

    @Test func timestampsEqualTheCalendarWriterAcrossDays() {
        var random = FIXSplitMix64(seed: 60)
        var writer = FIXMessageWriter()
        var times: [Int64] = [0, -1, fixTestEpochNs, fixTestEpochNs + 86_400_000_000_000 - 1, Int64.min, Int64.max]
        for _ in 0..<3000 {
            // Mostly nearby instants (the cached day), some anywhere.
            times.append(random.next() % 4 == 0 ? Int64(bitPattern: random.next())
                         : fixTestEpochNs + Int64(random.next() % 300_000_000_000_000))
        }
        for timeNs in times {
            writer.startMessage(.heartbeat)
            writer.append(tag: 52, utcTimestampNs: timeNs)
            writer.finish(.fix44)
            #expect(FIXText.value(Array(writer.messageBytes), 52) == fixTimestampText(timeNs), "\(timeNs)")
        }
    }

    @Test func writerCopiesKeepTheirOwnMessages() {
        var first = FIXMessageWriter(reservingCapacityBytes: 64)
        first.startMessage(.heartbeat)
        first.append(tag: 112, text: "FIRST")
        first.finish(.fix44)
        var second = first
        second.startMessage(.testRequest)
        second.append(tag: 112, text: "SECOND")
        second.finish(.fix42)
        #expect(FIXText.value(Array(first.messageBytes), 112) == "FIRST")
        #expect(FIXText.value(Array(second.messageBytes), 112) == "SECOND")
    }

    @Test func writerGrowsForALongMessage() {
        var writer = FIXMessageWriter(reservingCapacityBytes: 64)
        var body = "35=B|"
        writer.startMessage(FIXMsgType(UInt8(ascii: "B")))
        for index in 0..<200 {
            let text = FIXString("headline \(index) " + String(repeating: "x", count: index % 40))!
            writer.append(tag: 5000 + index, string: text)
            body += "\(5000 + index)=\(text)|"
        }
        writer.finish(.fix44)
        #expect(Array(writer.messageBytes) == FIXText.message(body))
    }

    /// A deliberately simple reference: split on SOH and `=`.
    static func referenceFields(_ bytes: [UInt8]) -> [(Int32, [UInt8])] {
        bytes.split(separator: 0x01, omittingEmptySubsequences: false).dropLast().map { field in
            let equals = field.firstIndex(of: 0x3D)!
            return (Int32(String(decoding: field[..<equals], as: UTF8.self))!, Array(field[(equals + 1)...]))
        }
    }

    @Test func parserAgreesWithASplittingReference() throws {
        var random = FIXSplitMix64(seed: 453)
        var parser = FIXParser()
        let alphabet = Array("ABCxyz0123456789 .-:".utf8)
        for _ in 0..<3000 {
            var body = "35=D|"
            var used: Set<Int> = [8, 9, 35, 10]
            for _ in 0..<Int(random.next() % 40) {
                let tag = random.next() % 3 == 0 ? Int(random.next() % 20_000) + 1 : Int(random.next() % 1100) + 1
                guard used.insert(tag).inserted else { continue }
                let length = Int(random.next() % 30) + 1
                let value = String(decoding: (0..<length).map { _ in alphabet[Int(random.next() % UInt64(alphabet.count))] }, as: UTF8.self)
                body += "\(tag)=\(value)|"
            }
            let message = FIXText.message(body)
            let expected = Self.referenceFields(message)
            let ours: [(Int32, [UInt8])] = try message.withUnsafeBytes { raw in
                let view = try parser.parse(raw)
                return (0..<view.fieldCount).map { (view.tag(at: $0), Array(view.value(at: $0))) }
            }
            #expect(ours.map(\.0) == expected.map(\.0))
            #expect(ours.map(\.1) == expected.map(\.1))
        }
    }

    @Test(arguments: [1, 63, 64, 447, 1023, 1024, 5001, 999_999_999])
    func repeatedTagsAreFoundBelowAndAboveTheBitmap(tag: Int) {
        var parser = FIXParser()
        let bytes = FIXText.message("35=0|\(tag)=a|34=1|\(tag)=b|")
        let expected: FIXParseError? = tag == 447 ? nil : .repeatedTag(tag: tag)
        do {
            _ = try bytes.withUnsafeBytes { try parser.parse($0) }
            #expect(expected == nil)
        } catch {
            #expect(error as? FIXParseError == expected)
        }
    }

    @Test func parserCopiesKeepTheirOwnTable() throws {
        var first = FIXParser()
        let logon = FIXText.message("35=A|34=1|98=0|108=30|")
        let heartbeat = FIXText.message("35=0|34=2|")
        try logon.withUnsafeBytes { logonRaw in
            let logonView = try first.parse(logonRaw)
            var second = first
            try heartbeat.withUnsafeBytes { raw in
                let view = try second.parse(raw)
                #expect(view.msgType == .heartbeat)
            }
            #expect(logonView.msgType == .logon && logonView.fieldCount == 7)
        }
    }

    // MARK: Session output

    /// The same script through the array API and through `FIXSessionOutput`.
    @Test(arguments: FIXVersion.allCases)
    func sessionOutputCarriesWhatTheArrayAPIReturns(version: FIXVersion) {
        var arrays = FIXSession.venue(version)
        var buffered = FIXSession.venue(version)
        var client = FIXCounterparty(beginString: version == .fix42 ? "FIX.4.2" : "FIX.4.4")
        let inputs: [[UInt8]] = [
            client.logon(),
            client.make("D", "11=A|21=1|55=AAPL|54=1|60=20260302-09:30:00|38=100|40=2|44=10|18=6|"),
            client.make("1", "112=PING|"),
            client.make("D", "11=B|21=1|54=1|60=20260302-09:30:00|38=100|40=2|44=10|"),
            client.make("0", seq: client.nextSeqNum + 3),
        ]
        var output = FIXSessionOutput()
        for input in inputs {
            let expected = arrays.feed(input)
            output.removeAll()
            input.withUnsafeBytes { buffered.received($0, nowNs: fixTestEpochNs, output: &output) }
            #expect(output.interleavedActions == expected)
            #expect(output.actions == expected.filter { $0.sentBytes == nil })
            #expect(output.bytes == expected.compactMap(\.sentBytes).flatMap { $0 })
        }
        let report = FIXApplicationMessage.executionReport(FIXSamples.fill)
        output.removeAll()
        buffered.sendApplication(report, nowNs: fixTestEpochNs, output: &output)
        #expect(output.interleavedActions == arrays.sendApplication(report, nowNs: fixTestEpochNs))
        output.removeAll()
        buffered.timerFired(nowNs: fixTestEpochNs + 40_000_000_000, output: &output)
        #expect(output.interleavedActions == arrays.timerFired(nowNs: fixTestEpochNs + 40_000_000_000))
        output.removeAll()
        buffered.logout(text: "Bye", nowNs: fixTestEpochNs + 41_000_000_000, output: &output)
        #expect(output.interleavedActions == arrays.logout(text: "Bye", nowNs: fixTestEpochNs + 41_000_000_000))
        #expect(output.messageCount == 1 && output.messageRange(0) == 0..<output.bytes.count)
    }

    @Test(arguments: FIXVersion.allCases)
    func resentNewOrderSingleKeepsItsExecInst(version: FIXVersion) throws {
        var participant = FIXSession.participant(version)
        var venue = FIXCounterparty(
            senderCompID: "VENUE", targetCompID: "CLIENT", beginString: version == .fix42 ? "FIX.4.2" : "FIX.4.4")
        _ = participant.start(nowNs: fixTestEpochNs)
        #expect(participant.feed(venue.logon()).contains(.established))
        let sent = participant.sendApplication(.newOrderSingle(FIXSamples.postOnlyOrder), nowNs: fixTestEpochNs)
        #expect(fieldValue(try #require(sent.sent.first), 18) == "6 E")
        let resent = participant.feed(venue.make("2", "7=2|16=0|"))
        let order = try #require(resent.sent.first)
        #expect(fieldValue(order, 35) == "D" && fieldValue(order, 43) == "Y" && fieldValue(order, 34) == "2")
        #expect(fieldValue(order, 18) == "6 E")
        var parser = FIXParser()
        let bytes = try #require(resent.compactMap(\.sentBytes).first)
        try bytes.withUnsafeBytes { raw in
            let decoded = try FIXNewOrderSingle(decoding: try parser.parse(raw), version: version, priceDecimals: 4)
            #expect(decoded == FIXSamples.postOnlyOrder && decoded.isPostOnly)
        }
    }
}
