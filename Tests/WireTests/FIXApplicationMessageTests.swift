import Testing
@testable import Wire

@Suite("FIX application messages")
struct FIXApplicationMessageTests {
    /// Writes `message` with a minimal header, as a session would.
    static func encode(_ message: FIXApplicationMessage, _ version: FIXVersion, priceDecimals: Int = 4) -> [UInt8] {
        var writer = FIXMessageWriter()
        writer.startMessage(message.msgType)
        writer.append(tag: 49, text: "VENUE")
        writer.append(tag: 56, text: "CLIENT")
        writer.append(tag: 34, integer: 2)
        writer.append(tag: 52, utcTimestampNs: fixTestEpochNs)
        message.encodeBody(into: &writer, version: version, priceDecimals: priceDecimals)
        writer.finish(version)
        return Array(writer.messageBytes)
    }

    static func decode(_ bytes: [UInt8], _ version: FIXVersion, priceDecimals: Int = 4) throws -> FIXApplicationMessage? {
        var parser = FIXParser()
        return try bytes.withUnsafeBytes { raw in
            let view = try parser.parse(raw)
            return try FIXApplicationMessage.decode(view, version: version, priceDecimals: priceDecimals)
        }
    }

    @Test(arguments: FIXVersion.allCases)
    func everyMessageRoundTrips(version: FIXVersion) throws {
        for message in FIXSamples.all {
            let bytes = Self.encode(message, version)
            #expect(try Self.decode(bytes, version) == message, "\(FIXText.text(bytes))")
        }
    }

    @Test func newOrderSingleGoldenBytesFIX42() {
        let bytes = Self.encode(.newOrderSingle(FIXSamples.newOrder), .fix42)
        let body = "35=D|49=VENUE|56=CLIENT|34=2|52=20260302-09:30:00.000|11=ORD-0001|1=ACC1|21=1|55=AAPL|54=1|60=20260302-09:30:00.000|38=100|40=2|44=101.25|59=0|"
        #expect(FIXText.text(bytes) == FIXText.text(FIXText.message(body, beginString: "FIX.4.2")))
    }

    @Test func execInstTravelsAfterHandlInstInBothOrderRequests() throws {
        let order = Self.encode(.newOrderSingle(FIXSamples.postOnlyOrder), .fix42)
        let body = "35=D|49=VENUE|56=CLIENT|34=2|52=20260302-09:30:00.000|11=ORD-0005|21=1|18=6 E|55=MSFT|54=2|60=20260302-09:30:00.500|38=300|40=2|44=410.01|59=1|"
        #expect(FIXText.text(order) == FIXText.text(FIXText.message(body, beginString: "FIX.4.2")))
        #expect(FIXSamples.postOnlyOrder.isPostOnly && !FIXSamples.newOrder.isPostOnly)
        let replace = Self.encode(.orderCancelReplaceRequest(FIXSamples.replace), .fix44)
        #expect(FIXText.value(replace, 18) == "6")
        let withoutPostOnly = Self.body("35=D|11=X|21=1|18=1 E|55=AAPL|54=1|60=20260302-09:30:00|38=10|40=1|")
        guard case .newOrderSingle(let decoded)? = try Self.decode(withoutPostOnly, .fix44) else {
            Issue.record("not D")
            return
        }
        #expect(decoded.execInst == "1 E" && !decoded.isPostOnly)
    }

    @Test func executionReportDiffersBetweenVersions() {
        let fix42 = Self.encode(.executionReport(FIXSamples.fill), .fix42)
        let fix44 = Self.encode(.executionReport(FIXSamples.fill), .fix44)
        #expect(FIXText.value(fix42, 20) == "0")
        #expect(FIXText.value(fix42, 150) == "1")
        #expect(FIXText.value(fix44, 20) == nil)
        #expect(FIXText.value(fix44, 150) == "F")
        for bytes in [fix42, fix44] {
            #expect(FIXText.value(bytes, 32) == "40")
            #expect(FIXText.value(bytes, 31) == "101.25")
            #expect(FIXText.value(bytes, 151) == "60")
            #expect(FIXText.value(bytes, 14) == "40")
            #expect(FIXText.value(bytes, 6) == "101.25")
        }
        var full = FIXSamples.fill
        full.leavesQuantity = 0
        full.cumulativeQuantity = 100
        full.lastQuantity = 60
        full.orderStatus = .filled
        #expect(FIXText.value(Self.encode(.executionReport(full), .fix42), 150) == "2")
        #expect(FIXText.value(Self.encode(.executionReport(full), .fix44), 150) == "F")
    }

    @Test func executionTypeOfTheOtherVersionIsOutOfRange() {
        let fix44 = Self.encode(.executionReport(FIXSamples.fill), .fix44)
        #expect(throws: FIXFieldError.missing(tag: 20)) { try Self.decode(fix44, .fix42) }
        let partialIn44 = Self.body("35=8|37=V|17=E|150=1|39=1|55=AAPL|54=1|32=1|31=1|151=1|14=1|6=1|")
        #expect(throws: FIXFieldError.valueOutOfRange(tag: 150)) { try Self.decode(partialIn44, .fix44) }
        let tradeIn42 = Self.body("35=8|37=V|17=E|20=0|150=F|39=1|55=AAPL|54=1|32=1|31=1|151=1|14=1|6=1|")
        #expect(throws: FIXFieldError.valueOutOfRange(tag: 150)) { try Self.decode(tradeIn42, .fix42) }
    }

    @Test func pricesUseTheCallersImpliedDecimals() throws {
        var order = FIXSamples.newOrder
        order.price = 10125
        let bytes = Self.encode(.newOrderSingle(order), .fix44, priceDecimals: 2)
        #expect(FIXText.value(bytes, 44) == "101.25")
        #expect(try Self.decode(bytes, .fix44, priceDecimals: 2) == .newOrderSingle(order))
        let scaled = try Self.decode(bytes, .fix44, priceDecimals: 6)
        guard case .newOrderSingle(let decoded) = scaled else { Issue.record("not D"); return }
        #expect(decoded.price == 101_250_000)
    }

    /// `35=X|rest` with a standard header inserted after MsgType.
    static func body(_ fields: String) -> [UInt8] {
        let firstBar = fields.firstIndex(of: "|")!
        let rest = fields[fields.index(after: firstBar)...]
        return FIXText.message(fields[...firstBar] + "49=CLIENT|56=VENUE|34=2|52=20260302-09:30:00.000|" + rest)
    }

    @Test(arguments: [
        ("35=D|1=A|21=1|55=AAPL|54=1|60=20260302-09:30:00|38=100|40=2|44=1|", FIXFieldError.missing(tag: 11)),
        ("35=D|11=X|55=AAPL|54=1|60=20260302-09:30:00|38=100|40=2|44=1|", .missing(tag: 21)),
        ("35=D|11=X|21=1|55=AAPL|54=1|60=20260302-09:30:00|38=100|40=2|", .missing(tag: 44)),
        ("35=D|11=X|21=1|55=AAPL|54=9|60=20260302-09:30:00|38=100|40=2|44=1|", .valueOutOfRange(tag: 54)),
        ("35=D|11=X|21=1|55=AAPL|54=1|60=yesterday|38=100|40=2|44=1|", .badFormat(tag: 60)),
        ("35=D|11=X|21=1|55=AAPL|54=1|60=20260302-09:30:00|38=1.5|40=2|44=1|", .badFormat(tag: 38)),
        ("35=D|11=X|21=1|55=AAPL|54=1|60=20260302-09:30:00|38=0|40=1|", .valueOutOfRange(tag: 38)),
        ("35=D|11=X|21=1|55=AAPL|54=1|60=20260302-09:30:00|38=10|40=1|150=0|", .notDefinedForMsgType(tag: 150)),
        ("35=D|11=X|21=1|55=AAPL|54=1|60=20260302-09:30:00|38=10|40=1|43=N|", .headerFieldInBody(tag: 43)),
        ("35=D|11=X|21=1|55=AAPL|54=1|60=20260302-09:30:00|38=10|40=1|453=2|448=P1|447=D|452=1|", .groupCountMismatch(tag: 453)),
        ("35=F|11=X|55=AAPL|54=1|60=20260302-09:30:00|", .missing(tag: 41)),
        ("35=G|41=O|11=X|21=1|55=AAPL|54=1|60=20260302-09:30:00|38=10|", .missing(tag: 40)),
        ("35=8|37=V|17=E|20=0|150=1|39=1|55=AAPL|54=1|151=1|14=1|6=1|", .missing(tag: 32)),
        ("35=9|37=V|11=X|41=O|39=2|", .missing(tag: 434)),
        ("35=j|372=D|380=42|", .valueOutOfRange(tag: 380)),
    ])
    func requiredFieldAndValueChecksGiveTypedReasons(fields: String, error: FIXFieldError) {
        #expect(throws: error) { try Self.decode(Self.body(fields), .fix42) }
    }

    @Test func partiesGroupWithTheRightCountIsAccepted() throws {
        let bytes = Self.body("35=D|11=X|55=AAPL|54=1|60=20260302-09:30:00|38=10|40=1|453=2|448=P1|447=D|452=1|448=P2|447=D|452=3|")
        #expect(try Self.decode(bytes, .fix44) != nil)
    }

    @Test func unknownApplicationTypesAreNotDecoded() throws {
        #expect(try Self.decode(Self.body("35=E|66=L1|"), .fix44) == nil)
    }
}
