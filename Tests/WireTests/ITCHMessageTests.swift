import Testing
@testable import Wire

@Suite struct ITCHMessageTests {
    /// PROTOCOLS.md §1, lengths include the type byte.
    static let specifiedLengths: [(Character, Int)] = [
        ("S", 12), ("R", 39), ("H", 25), ("Y", 20), ("L", 26), ("V", 35), ("W", 12), ("K", 28),
        ("J", 35), ("h", 21), ("A", 36), ("F", 40), ("E", 31), ("C", 36), ("X", 23), ("D", 19),
        ("U", 35), ("P", 44), ("Q", 40), ("B", 19), ("I", 50), ("N", 20), ("O", 48),
    ]

    @Test func everyTypeHasTheSpecifiedLength() throws {
        #expect(ITCHMessageType.allCases.count == Self.specifiedLengths.count)
        for (letter, length) in Self.specifiedLengths {
            let type = try #require(ITCHMessageType(rawValue: letter.asciiValue!), "type \(letter)")
            #expect(type.length == length, "type \(letter)")
        }
        #expect(ITCHSamples.all.count == Self.specifiedLengths.count)
        for message in ITCHSamples.all {
            #expect(ITCHSamples.bytes(of: message).count == message.messageType.length)
            #expect(ITCHSamples.bytes(of: message).first == message.messageType.rawValue)
        }
    }

    /// PROTOCOLS.md ITCH note 3: a real captured Cross Trade, 40 bytes with 8-byte Shares.
    @Test func realCrossTradeDecodes() throws {
        let bytes = [UInt8](itchHex: "51 03d7 0001 1f1acee15003 0000000000000000 4241432d51202020 00000000 0000000000003e63 4f")
        #expect(bytes.count == 40)
        let message = try bytes.withUnsafeBytes { try ITCHMessage(decoding: $0) }
        guard case .crossTrade(let cross) = message else {
            Issue.record("decoded \(message)")
            return
        }
        #expect(cross.stockLocate == 0x03D7)
        #expect(cross.trackingNumber == 1)
        #expect(cross.timestampNs == 0x1F1A_CEE1_5003)
        #expect(cross.shares == 0)
        #expect(cross.stock.trimmed == "BAC-Q")
        #expect(cross.crossPrice == 0)
        #expect(cross.matchNumber == 0x3E63)
        #expect(cross.crossType == .opening)
        #expect(ITCHSamples.bytes(of: cross) == bytes)
    }

    /// Layouts written out by hand from the spec table, independent of the codec.
    @Test func handWrittenLayoutsMatch() throws {
        let addOrder = ITCHAddOrder(
            stockLocate: 0x0102, trackingNumber: 0x0304, timestampNs: 0x0506_0708_090A,
            orderReferenceNumber: 0x0B0C_0D0E_0F10_1112, side: .buy, shares: 0x1314_1516,
            stock: Alpha8("AAPL")!, price: 0x1718_1920)
        #expect(ITCHSamples.bytes(of: addOrder) == [UInt8](itchHex:
            "41 0102 0304 05060708090a 0b0c0d0e0f101112 42 13141516 4141504c20202020 17181920"))

        let executedWithPrice = ITCHOrderExecutedWithPrice(
            stockLocate: 1, trackingNumber: 2, timestampNs: 3, orderReferenceNumber: 4, executedShares: 5,
            matchNumber: 6, printable: UInt8(ascii: "Y"), executionPrice: 7)
        #expect(ITCHSamples.bytes(of: executedWithPrice) == [UInt8](itchHex:
            "43 0001 0002 000000000003 0000000000000004 00000005 0000000000000006 59 00000007"))

        let noii = ITCHNOII(
            stockLocate: 1, trackingNumber: 2, timestampNs: 3, pairedShares: 4, imbalanceShares: 5,
            imbalanceDirection: .noImbalance, stock: Alpha8("X")!, farPrice: 0x7FFF_FFFF, nearPrice: 6,
            currentReferencePrice: 7, crossType: .opening, priceVariationIndicator: UInt8(ascii: " "))
        #expect(ITCHSamples.bytes(of: noii) == [UInt8](itchHex:
            "49 0001 0002 000000000003 0000000000000004 0000000000000005 4e 5820202020202020 7fffffff 00000006 00000007 4f 20"))
    }

    @Test func everyTypeRoundTripsThroughValueAndView() throws {
        for message in ITCHSamples.all {
            let bytes = ITCHSamples.bytes(of: message)
            try bytes.withUnsafeBytes { buffer in
                #expect(try ITCHMessage(decoding: buffer) == message)
                let view = try ITCHMessageView(validating: buffer)
                #expect(view.messageType == message.messageType)
                #expect(view.stockLocate == message.stockLocate)
                #expect(view.trackingNumber == message.trackingNumber)
                #expect(view.timestampNs == message.timestampNs)
                #expect(view.message == message)
            }
        }
    }

    /// The per-type value decoders and views, driven through one generic path
    /// per type so that a view accessor reading the wrong offset shows up.
    @Test func perTypeDecodersAgreeWithTheEnum() throws {
        for message in ITCHSamples.all {
            let bytes = ITCHSamples.bytes(of: message)
            try bytes.withUnsafeBytes { buffer in
                let view = try ITCHMessageView(validating: buffer)
                switch message {
                case .systemEvent(let m):
                    #expect(try ITCHSystemEvent(decoding: buffer) == m)
                    #expect(view.systemEvent?.eventCode == m.eventCode)
                case .stockDirectory(let m):
                    #expect(try ITCHStockDirectory(decoding: buffer) == m)
                    #expect(view.stockDirectory?.etpLeverageFactor == m.etpLeverageFactor)
                    #expect(view.stockDirectory?.issueSubType == m.issueSubType)
                case .stockTradingAction(let m):
                    #expect(try ITCHStockTradingAction(decoding: buffer) == m)
                    #expect(view.stockTradingAction?.reason == m.reason)
                case .regSHORestriction(let m):
                    #expect(try ITCHRegSHORestriction(decoding: buffer) == m)
                case .marketParticipantPosition(let m):
                    #expect(try ITCHMarketParticipantPosition(decoding: buffer) == m)
                    #expect(view.marketParticipantPosition?.mpid == m.mpid)
                case .mwcbDeclineLevel(let m):
                    #expect(try ITCHMWCBDeclineLevel(decoding: buffer) == m)
                    #expect(view.mwcbDeclineLevel?.level3Price == m.level3Price)
                case .mwcbStatus(let m):
                    #expect(try ITCHMWCBStatus(decoding: buffer) == m)
                case .ipoQuotingPeriodUpdate(let m):
                    #expect(try ITCHIPOQuotingPeriodUpdate(decoding: buffer) == m)
                case .luldAuctionCollar(let m):
                    #expect(try ITCHLULDAuctionCollar(decoding: buffer) == m)
                case .operationalHalt(let m):
                    #expect(try ITCHOperationalHalt(decoding: buffer) == m)
                case .addOrder(let m):
                    #expect(try ITCHAddOrder(decoding: buffer) == m)
                    let add = try #require(view.addOrder)
                    #expect(add.orderReferenceNumber == m.orderReferenceNumber && add.side == m.side)
                    #expect(add.shares == m.shares && add.stock == m.stock && add.price == m.price)
                    #expect(view.addOrderWithMPID == nil)
                case .addOrderWithMPID(let m):
                    #expect(try ITCHAddOrderWithMPID(decoding: buffer) == m)
                    #expect(view.addOrderWithMPID?.attribution == m.attribution)
                case .orderExecuted(let m):
                    #expect(try ITCHOrderExecuted(decoding: buffer) == m)
                    #expect(view.orderExecuted?.matchNumber == m.matchNumber)
                case .orderExecutedWithPrice(let m):
                    #expect(try ITCHOrderExecutedWithPrice(decoding: buffer) == m)
                case .orderCancel(let m):
                    #expect(try ITCHOrderCancel(decoding: buffer) == m)
                case .orderDelete(let m):
                    #expect(try ITCHOrderDelete(decoding: buffer) == m)
                case .orderReplace(let m):
                    #expect(try ITCHOrderReplace(decoding: buffer) == m)
                    #expect(view.orderReplace?.newOrderReferenceNumber == m.newOrderReferenceNumber)
                case .trade(let m):
                    #expect(try ITCHTrade(decoding: buffer) == m)
                case .crossTrade(let m):
                    #expect(try ITCHCrossTrade(decoding: buffer) == m)
                    #expect(view.crossTrade?.shares == m.shares)
                case .brokenTrade(let m):
                    #expect(try ITCHBrokenTrade(decoding: buffer) == m)
                case .noii(let m):
                    #expect(try ITCHNOII(decoding: buffer) == m)
                    #expect(view.noii?.imbalanceShares == m.imbalanceShares)
                case .retailPriceImprovementIndicator(let m):
                    #expect(try ITCHRetailPriceImprovementIndicator(decoding: buffer) == m)
                case .dlcrPriceDiscovery(let m):
                    #expect(try ITCHDLCRPriceDiscovery(decoding: buffer) == m)
                    #expect(view.dlcrPriceDiscovery?.nearExecutionTimeNs == m.nearExecutionTimeNs)
                }
            }
        }
    }

    @Test func decodeErrorsNameTheProblem() throws {
        func decode(_ bytes: [UInt8]) -> WireDecodingError? {
            bytes.withUnsafeBytes { buffer -> WireDecodingError? in
                do throws(WireDecodingError) {
                    _ = try ITCHMessage(decoding: buffer)
                    return nil
                } catch {
                    return error
                }
            }
        }
        #expect(decode([]) == .truncated(needed: 1, available: 0))
        #expect(decode([0x5A] + [UInt8](repeating: 0, count: 11)) == .unknownMessageType(0x5A))
        #expect(decode([0x41] + [UInt8](repeating: 0, count: 34)) == .wrongLength(messageType: 0x41, expected: 36, actual: 35))
        #expect(decode([0x44] + [UInt8](repeating: 0, count: 19)) == .wrongLength(messageType: 0x44, expected: 19, actual: 20))

        let delete = ITCHSamples.bytes(of: ITCHOrderDelete(stockLocate: 1, trackingNumber: 2, timestampNs: 3, orderReferenceNumber: 4))
        delete.withUnsafeBytes { buffer in
            #expect(throws: WireDecodingError.invalidField(name: "message type", offset: 0)) {
                _ = try ITCHBrokenTrade(decoding: buffer)
            }
            #expect(throws: WireDecodingError.unknownMessageType(0x00)) {
                _ = try ITCHAddOrder(decoding: UnsafeRawBufferPointer(rebasing: buffer[1...]))
            }
        }
    }

    /// Code fields are open sets: a letter the spec does not define today still
    /// decodes and re-encodes unchanged.
    @Test func unknownCodeLettersPassThrough() throws {
        var add = ITCHAddOrder(
            stockLocate: 1, trackingNumber: 2, timestampNs: 3, orderReferenceNumber: 4, side: ITCHSide(rawValue: 0x5A),
            shares: 5, stock: .blank, price: 6)
        var bytes = ITCHSamples.bytes(of: add)
        #expect(try bytes.withUnsafeBytes { try ITCHAddOrder(decoding: $0) }.side.rawValue == 0x5A)
        add.side = .sell
        bytes = ITCHSamples.bytes(of: add)
        #expect(bytes[19] == UInt8(ascii: "S"))
    }

    @Test func timestampUsesExactlySixBytes() throws {
        let event = ITCHSystemEvent(stockLocate: 0xFFFF, trackingNumber: 0xFFFF, timestampNs: itchMaximumTimestampNs,
                                    eventCode: .endOfMessages)
        let bytes = ITCHSamples.bytes(of: event)
        #expect(bytes == [0x53, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x43])
        #expect(try bytes.withUnsafeBytes { try ITCHSystemEvent(decoding: $0) } == event)
    }

    @Test func blockStreamFramesAndReadsEveryType() throws {
        let stream = ITCHSamples.blockStream(ITCHSamples.all)
        var decoded: [ITCHMessage] = []
        try stream.withUnsafeBytes { buffer in
            var reader = ITCHBlockStreamReader(buffer)
            while let view = try reader.next() { decoded.append(view.message) }
            #expect(reader.offset == buffer.count)
        }
        #expect(decoded == ITCHSamples.all)
        // The first block: length 12, then the System Event.
        #expect(Array(stream[0..<3]) == [0x00, 0x0C, 0x53])
    }

    @Test func blockStreamStopsAtZeroLengthAndReportsTruncation() throws {
        var stream = ITCHSamples.blockStream(Array(ITCHSamples.all.prefix(2))) + [0, 0] + [0, 5, 1]
        try stream.withUnsafeBytes { buffer throws in
            var reader = ITCHBlockStreamReader(buffer)
            #expect(try reader.next() != nil)
            #expect(try reader.next() != nil)
            #expect(try reader.next() == nil)
            #expect(try reader.next() == nil)
        }
        stream = ITCHSamples.blockStream(Array(ITCHSamples.all.prefix(1))) + [0, 36, 0x41, 0]
        try stream.withUnsafeBytes { buffer throws in
            var reader = ITCHBlockStreamReader(buffer)
            #expect(try reader.next() != nil)
            #expect(throws: WireDecodingError.truncated(needed: 38, available: 4)) { _ = try reader.next() }
            #expect(try reader.next() == nil)
        }
        stream = [0, 0]
        stream.withUnsafeBytes { buffer in
            var reader = ITCHBlockStreamReader(buffer, zeroLengthEndsStream: false)
            #expect(throws: WireDecodingError.truncated(needed: 1, available: 0)) { _ = try reader.next() }
        }
    }
}
