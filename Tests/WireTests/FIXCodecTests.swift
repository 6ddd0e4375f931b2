import Testing
@testable import Wire

@Suite("FIX codec: writer, values, parser")
struct FIXCodecTests {
    /// The Logon example from the FIX literature, BodyLength 65 and
    /// CheckSum 062 checked by hand (sum of bytes mod 256).
    static let wellKnownLogon = "8=FIX.4.2|9=65|35=A|49=SERVER|56=CLIENT|34=177|52=20090107-18:15:16|98=0|108=30|10=062|"

    @Test func writerReproducesTheWellKnownLogon() {
        var writer = FIXMessageWriter()
        writer.startMessage(.logon)
        writer.append(tag: 49, text: "SERVER")
        writer.append(tag: 56, text: "CLIENT")
        writer.append(tag: 34, integer: 177)
        writer.append(tag: 52, text: "20090107-18:15:16")
        writer.append(tag: 98, integer: 0)
        writer.append(tag: 108, integer: 30)
        writer.finish(.fix42)
        #expect(FIXText.text(writer.messageBytes) == Self.wellKnownLogon)
    }

    @Test func writerReusesItsBufferAcrossMessages() {
        var writer = FIXMessageWriter(reservingCapacityBytes: 256)
        for round in 0..<3 {
            writer.startMessage(.heartbeat)
            writer.append(tag: 34, integer: Int64(round + 1))
            writer.finish(.fix44)
            let expected = FIXText.message("35=0|34=\(round + 1)|")
            #expect(Array(writer.messageBytes) == expected)
        }
    }

    @Test func writerComputesBodyLengthAndChecksumLikeAnIndependentSum() {
        // A second well-known message: an ExecutionReport from the FIX literature, 9=178 10=128.
        let known = "8=FIX.4.2|9=178|35=8|49=PHLX|56=PERS|52=20071123-05:30:00.000|11=ATOMNOCCC9990900|20=3|150=E|39=E|55=MSFT|167=CS|54=1|38=15|40=2|44=15|58=PHLX EQUITY TESTING|59=0|47=C|32=0|31=0|151=15|14=0|6=0|10=128|"
        var writer = FIXMessageWriter()
        writer.startMessage(.executionReport)
        writer.append(tag: 49, text: "PHLX")
        writer.append(tag: 56, text: "PERS")
        writer.append(tag: 52, utcTimestampNs: 1_195_795_800 * 1_000_000_000)
        writer.append(tag: 11, text: "ATOMNOCCC9990900")
        writer.append(tag: 20, character: UInt8(ascii: "3"))
        writer.append(tag: 150, character: UInt8(ascii: "E"))
        writer.append(tag: 39, character: UInt8(ascii: "E"))
        writer.append(tag: 55, string: "MSFT")
        writer.append(tag: 167, text: "CS")
        writer.append(tag: 54, character: UInt8(ascii: "1"))
        writer.append(tag: 38, integer: 15)
        writer.append(tag: 40, character: UInt8(ascii: "2"))
        writer.append(tag: 44, decimal: 150_000, impliedDecimals: 4)
        writer.append(tag: 58, text: "PHLX EQUITY TESTING")
        writer.append(tag: 59, character: UInt8(ascii: "0"))
        writer.append(tag: 47, character: UInt8(ascii: "C"))
        writer.append(tag: 32, integer: 0)
        writer.append(tag: 31, decimal: 0, impliedDecimals: 4)
        writer.append(tag: 151, integer: 15)
        writer.append(tag: 14, integer: 0)
        writer.append(tag: 6, decimal: 0, impliedDecimals: 2)
        writer.finish(.fix42)
        #expect(FIXText.text(writer.messageBytes) == known)
    }

    @Test(arguments: [
        (Int64(1_012_500), 4, "101.25"), (0, 4, "0"), (-5, 2, "-0.05"), (100, 2, "1"), (123, 0, "123"),
        (1, 9, "0.000000001"), (Int64.max, 4, "922337203685477.5807"), (Int64.min, 0, "-9223372036854775808"),
    ])
    func decimalsAreWrittenWithoutTrailingZeros(value: Int64, decimals: Int, text: String) {
        var writer = FIXMessageWriter()
        writer.startMessage(.heartbeat)
        writer.append(tag: 44, decimal: value, impliedDecimals: decimals)
        writer.finish(.fix44)
        #expect(FIXText.value(Array(writer.messageBytes), 44) == text)
    }

    @Test(arguments: [
        ("101.25", 4, Int64(1_012_500)), ("101.250000", 4, 1_012_500), ("-0.05", 2, -5), (".5", 4, 5000),
        ("7", 0, 7), ("7.000", 0, 7), ("101.", 2, 10100),
    ])
    func decimalsParse(text: String, decimals: Int, value: Int64) {
        let parsed = Array(text.utf8).withUnsafeBytes { FIXNumberText.decimal($0, impliedDecimals: decimals) }
        #expect(parsed == value)
    }

    @Test(arguments: ["", "-", ".", "1.2.3", "1e5", "101.25001", "12a", "99999999999999999999", " 1"])
    func malformedDecimalsAreRejected(text: String) {
        let parsed = Array(text.utf8).withUnsafeBytes { FIXNumberText.decimal($0, impliedDecimals: 4) }
        #expect(parsed == nil)
    }

    @Test func integersParseAndRejectJunk() {
        func parse(_ text: String) -> Int64? { Array(text.utf8).withUnsafeBytes { FIXNumberText.integer($0) } }
        #expect(parse("0") == 0)
        #expect(parse("177") == 177)
        #expect(parse("-42") == -42)
        #expect(parse("999999999999999999") == 999_999_999_999_999_999)
        for junk in ["", "-", "1.0", "+1", "1 ", "9999999999999999999"] { #expect(parse(junk) == nil) }
    }

    @Test func timestampsFormatKnownInstants() {
        #expect(fixTimestampText(0) == "19700101-00:00:00.000")
        #expect(fixTimestampText(fixTestEpochNs + 123_456_789) == "20260302-09:30:00.123")
        // 2000-02-29 23:59:59.999 (a leap day in a century leap year).
        #expect(fixTimestampText(951_868_799_999_000_000) == "20000229-23:59:59.999")
        #expect(fixTimestampText(-1) == "19691231-23:59:59.999")
    }

    @Test func timestampsParseEveryPrecisionAndRejectImpossibleDates() {
        func parse(_ text: String) -> Int64? { Array(text.utf8).withUnsafeBytes { FIXUTCTimestamp.parse($0) } }
        #expect(parse("20260302-09:30:00") == fixTestEpochNs)
        #expect(parse("20260302-09:30:00.123") == fixTestEpochNs + 123_000_000)
        #expect(parse("20260302-09:30:00.123456") == fixTestEpochNs + 123_456_000)
        #expect(parse("20260302-09:30:00.123456789") == fixTestEpochNs + 123_456_789)
        for bad in ["20260230-09:30:00", "20261301-00:00:00", "20260302-24:00:00", "20260302 09:30:00",
                    "20260302-09:30:00.12", "2026030-09:30:00.000", "19000229-00:00:00"] {
            #expect(parse(bad) == nil, "\(bad)")
        }
    }

    @Test func timestampsRoundTripOverThreeCenturies() {
        var random = FIXSplitMix64(seed: 7)
        for _ in 0..<20_000 {
            let ns = Int64(random.next() % 9_000_000_000_000) * 1_000_000  // whole ms up to 2255, within Int64 ns
            let text = Array(fixTimestampText(ns).utf8)
            #expect(text.withUnsafeBytes { FIXUTCTimestamp.parse($0) } == ns)
        }
    }

    @Test func parserViewsFieldsWithoutCopying() throws {
        let bytes = FIXText.bytes(Self.wellKnownLogon)
        var parser = FIXParser()
        try bytes.withUnsafeBytes { raw in
            let view = try parser.parse(raw)
            #expect(view.msgType == .logon)
            #expect(view.version == .fix42)
            #expect(view.fieldCount == 10)
            #expect(try view.integer(34) == 177)
            #expect(try view.utcTimestampNs(52) == 1_231_352_116 * 1_000_000_000)
            #expect(view.value(of: 49).map { Array($0) } == Array("SERVER".utf8))
            #expect(view.value(of: 553) == nil)
            #expect(view.value(of: 49)!.baseAddress == raw.baseAddress! + 23)
        }
    }

    @Test(arguments: [
        ("8=FIX.4.4|9=5|35=0|34=|10=000|", FIXParseError.emptyValue(tag: 34)),
        ("8=FIX.4.4|9=5|35=0|34=1|34=2|10=000|", .repeatedTag(tag: 34)),
        ("8=FIX.4.4|9=5|35=0|3x4=1|10=000|", .nonNumericTag(offset: 19)),
        ("8=FIX.4.4|9=5|35=0|=1|10=000|", .nonNumericTag(offset: 19)),
        ("8=FIX.4.4|9=5|35=0|341|10=000|", .malformedField(offset: 19)),
        ("8=FIX.4.4|9=5|35=0|34=1|10=000", .malformedField(offset: 24)),
        ("8=FIX.4.4|35=0|9=5|34=1|10=000|", .headerOutOfOrder),
        ("8=FIX.4.4|9=5|35=0|10=000|34=1|", .headerOutOfOrder),
        ("8=FIX.4.4|9=5|35=ABC|10=000|", .invalidMsgType),
        ("8=FIX.4.4|9=5|35=0|0=1|10=000|", .nonNumericTag(offset: 19)),
    ])
    func parserReportsTypedSyntaxErrors(text: String, error: FIXParseError) {
        var parser = FIXParser()
        let bytes = FIXText.bytes(text)
        #expect(throws: error) { try bytes.withUnsafeBytes { _ = try parser.parse($0) } }
    }

    @Test func parserBoundsTheFieldTable() {
        var parser = FIXParser(maximumFieldCount: 8)
        let bytes = FIXText.message((1...10).map { "\(5000 + $0)=x|" }.joined(), beginString: "FIX.4.4")
        #expect(throws: FIXParseError.tooManyFields(limit: 8)) { try bytes.withUnsafeBytes { _ = try parser.parse($0) } }
    }

    @Test func parserToleratesRejectableProblemsOnRequest() throws {
        var parser = FIXParser()
        let bytes = FIXText.bytes("8=FIX.4.4|9=5|35=0|34=7|58=|58=x|10=000|")
        try bytes.withUnsafeBytes { raw in
            let view = try parser.parse(raw, tolerant: true)
            #expect(try view.integer(34) == 7)
        }
    }

    @Test func fixStringsHoldUpToCapacityAndRefuseSOH() {
        #expect(FIXString(String(repeating: "x", count: 64))?.count == 64)
        #expect(FIXString(String(repeating: "x", count: 65)) == nil)
        let withSOH = "a\u{01}b"
        #expect(FIXString(withSOH) == nil)
        let a: FIXString = "AAPL"
        #expect(a == FIXString("AAPL"))
        #expect(a != FIXString("AAPM"))
        #expect(a.description == "AAPL")
    }

    @Test func msgTypeDictionaryDistinguishesVersions() {
        #expect(FIXMsgType(UInt8(ascii: "D")).isDefined(in: .fix42))
        #expect(FIXMsgType(UInt8(ascii: "x")).isDefined(in: .fix44))
        #expect(!FIXMsgType(UInt8(ascii: "x")).isDefined(in: .fix42))
        #expect(FIXMsgType(UInt8(ascii: "A"), UInt8(ascii: "E")).isDefined(in: .fix44))
        #expect(!FIXMsgType(UInt8(ascii: "A"), UInt8(ascii: "E")).isDefined(in: .fix42))
        #expect(!FIXMsgType(UInt8(ascii: "#")).isDefined(in: .fix44))
    }
}
