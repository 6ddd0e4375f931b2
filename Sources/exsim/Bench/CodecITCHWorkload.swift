import Wire

/// ITCH 5.0 market data as a feed handler sees it: a pregenerated, seeded
/// message mix shaped like a Nasdaq TotalView day (mostly adds, deletes and
/// replaces), packed into MoldUDP64 packets, then decoded, encoded and
/// packed again in timed loops.
struct CodecITCHWorkload {
    /// Per mille of each message type. Order flow dominates a TotalView day:
    /// adds and deletes are four fifths of it, replaces most of the rest;
    /// executions, trades, imbalances and administrative messages are few.
    static let mix: [(type: ITCHMessageType, perMille: Int)] = [
        (.addOrder, 420), (.orderDelete, 390), (.orderReplace, 80), (.orderExecuted, 35),
        (.orderCancel, 15), (.noii, 15), (.addOrderWithMPID, 12), (.trade, 12),
        (.retailPriceImprovementIndicator, 10), (.orderExecutedWithPrice, 3), (.stockTradingAction, 2),
        (.regSHORestriction, 2), (.marketParticipantPosition, 2), (.crossTrade, 1), (.systemEvent, 1),
    ]

    static let symbolCount = 8_000
    static let marketOpenNs: UInt64 = 34_200 * 1_000_000_000

    let poolCount: Int
    let seed: UInt64

    /// The generated day: values, and the same values as MoldUDP64 packets.
    struct Feed {
        var messages: [ITCHMessage]
        /// Concatenated datagrams; `packetEnds[i]` is where datagram i ends.
        var datagrams: [UInt8]
        var packetEnds: [Int]
        /// The same messages as one BinaryFILE-style block stream.
        var blockStream: [UInt8]
        var expected: ITCHChecksum
    }

    func makeFeed() -> Feed {
        let messages = generateMessages()
        var expected = ITCHChecksum()
        for message in messages { expected.add(message) }

        let blockBytes = messages.reduce(0) { $0 + messageBlockLengthPrefixBytes + $1.encodedLength }
        var blockStream = [UInt8](repeating: 0, count: blockBytes)
        blockStream.withUnsafeMutableBytes { out in
            var offset = 0
            for message in messages {
                offset += message.encodeBlock(into: UnsafeMutableRawBufferPointer(rebasing: out[offset...]))
            }
            precondition(offset == blockBytes)
        }

        var datagrams = [UInt8](repeating: 0, count: blockBytes + (blockBytes / 600 + 1) * MoldUDP64Header.length)
        var packetEnds: [Int] = []
        let used = datagrams.withUnsafeMutableBytes { out in
            Self.buildPackets(messages, into: out, packetEnds: &packetEnds)
        }
        datagrams.removeLast(datagrams.count - used)
        return Feed(messages: messages, datagrams: datagrams, packetEnds: packetEnds, blockStream: blockStream, expected: expected)
    }

    static let session = MoldUDP64SessionID("BENCH00001")!

    /// Packs `messages` into consecutive datagrams of at most 1,400 bytes and
    /// returns the bytes used. Also the timed packet-building loop: with
    /// `packetEnds` reserved beforehand it allocates nothing.
    @inline(__always)
    static func buildPackets(
        _ messages: [ITCHMessage], into out: UnsafeMutableRawBufferPointer, packetEnds: inout [Int]
    ) -> Int {
        var offset = 0
        var sequenceNumber: UInt64 = 1
        var index = 0
        packetEnds.removeAll(keepingCapacity: true)
        while index < messages.count {
            var builder = MoldUDP64PacketBuilder(
                buffer: UnsafeMutableRawBufferPointer(rebasing: out[offset...]), session: session,
                sequenceNumber: sequenceNumber)
            while index < messages.count, builder.append(messages[index]) { index += 1 }
            precondition(!builder.isEmpty, "an ITCH message is larger than a packet")
            offset += builder.finish()
            sequenceNumber &+= UInt64(builder.messageCount)
            packetEnds.append(offset)
        }
        return offset
    }

    func generateMessages() -> [ITCHMessage] {
        var random = BenchRandom(seed: seed)
        var table: [ITCHMessageType] = []
        for entry in Self.mix { table += Array(repeating: entry.type, count: entry.perMille) }
        precondition(table.count == 1000)

        let symbols = (0..<Self.symbolCount).map { Self.symbol(index: $0) }
        var messages: [ITCHMessage] = []
        messages.reserveCapacity(poolCount)
        var timestampNs = Self.marketOpenNs
        var nextOrderReference: UInt64 = 1_000_000
        var nextMatchNumber: UInt64 = 500_000
        for _ in 0..<poolCount {
            timestampNs += UInt64(random.below(2_000))
            // Half the traffic is on the 100 most active symbols.
            let locateIndex = random.below(2) == 0 ? random.below(100) : random.below(Self.symbolCount)
            let locate = UInt16(locateIndex + 1)
            let stock = symbols[locateIndex]
            let tracking = UInt16(random.below(4))
            let shares = random.below(10) == 0 ? UInt32(1 + random.below(99)) : UInt32(100 * (1 + random.below(10)))
            let price = UInt32(10_000 + random.below(5_000_000))
            let side: ITCHSide = random.below(2) == 0 ? .buy : .sell
            // Deletes, executions and replaces name one of the last 10,000 orders.
            let restingReference = nextOrderReference - UInt64(1 + random.below(10_000))
            let message: ITCHMessage
            switch table[random.below(1000)] {
            case .addOrder:
                nextOrderReference += 1
                message = .addOrder(ITCHAddOrder(
                    stockLocate: locate, trackingNumber: tracking, timestampNs: timestampNs,
                    orderReferenceNumber: nextOrderReference, side: side, shares: shares, stock: stock, price: price))
            case .addOrderWithMPID:
                nextOrderReference += 1
                message = .addOrderWithMPID(ITCHAddOrderWithMPID(
                    stockLocate: locate, trackingNumber: tracking, timestampNs: timestampNs,
                    orderReferenceNumber: nextOrderReference, side: side, shares: shares, stock: stock, price: price,
                    attribution: Alpha4(rawValue: 0x4E53_444D))) // NSDM
            case .orderDelete:
                message = .orderDelete(ITCHOrderDelete(
                    stockLocate: locate, trackingNumber: tracking, timestampNs: timestampNs,
                    orderReferenceNumber: restingReference))
            case .orderReplace:
                nextOrderReference += 1
                message = .orderReplace(ITCHOrderReplace(
                    stockLocate: locate, trackingNumber: tracking, timestampNs: timestampNs,
                    originalOrderReferenceNumber: restingReference, newOrderReferenceNumber: nextOrderReference,
                    shares: shares, price: price))
            case .orderExecuted:
                nextMatchNumber += 1
                message = .orderExecuted(ITCHOrderExecuted(
                    stockLocate: locate, trackingNumber: tracking, timestampNs: timestampNs,
                    orderReferenceNumber: restingReference, executedShares: shares, matchNumber: nextMatchNumber))
            case .orderExecutedWithPrice:
                nextMatchNumber += 1
                message = .orderExecutedWithPrice(ITCHOrderExecutedWithPrice(
                    stockLocate: locate, trackingNumber: tracking, timestampNs: timestampNs,
                    orderReferenceNumber: restingReference, executedShares: shares, matchNumber: nextMatchNumber,
                    printable: UInt8(ascii: "Y"), executionPrice: price))
            case .orderCancel:
                message = .orderCancel(ITCHOrderCancel(
                    stockLocate: locate, trackingNumber: tracking, timestampNs: timestampNs,
                    orderReferenceNumber: restingReference, cancelledShares: shares))
            case .trade:
                nextMatchNumber += 1
                message = .trade(ITCHTrade(
                    stockLocate: locate, trackingNumber: tracking, timestampNs: timestampNs, orderReferenceNumber: 0,
                    side: side, shares: shares, stock: stock, price: price, matchNumber: nextMatchNumber))
            case .noii:
                message = .noii(ITCHNOII(
                    stockLocate: locate, trackingNumber: tracking, timestampNs: timestampNs,
                    pairedShares: UInt64(shares) * 10, imbalanceShares: UInt64(shares), imbalanceDirection: .buy,
                    stock: stock, farPrice: price, nearPrice: price, currentReferencePrice: price,
                    crossType: .closing, priceVariationIndicator: UInt8(ascii: "L")))
            case .retailPriceImprovementIndicator:
                message = .retailPriceImprovementIndicator(ITCHRetailPriceImprovementIndicator(
                    stockLocate: locate, trackingNumber: tracking, timestampNs: timestampNs, stock: stock,
                    interestFlag: UInt8(ascii: "B")))
            case .stockTradingAction:
                message = .stockTradingAction(ITCHStockTradingAction(
                    stockLocate: locate, trackingNumber: tracking, timestampNs: timestampNs, stock: stock,
                    tradingState: .trading, reserved: 0x20, reason: .blank))
            case .regSHORestriction:
                message = .regSHORestriction(ITCHRegSHORestriction(
                    stockLocate: locate, trackingNumber: tracking, timestampNs: timestampNs, stock: stock,
                    regSHOAction: UInt8(ascii: "0")))
            case .marketParticipantPosition:
                message = .marketParticipantPosition(ITCHMarketParticipantPosition(
                    stockLocate: locate, trackingNumber: tracking, timestampNs: timestampNs,
                    mpid: Alpha4(rawValue: 0x4E53_444D), stock: stock, primaryMarketMaker: UInt8(ascii: "N"),
                    marketMakerMode: UInt8(ascii: "N"), marketParticipantState: UInt8(ascii: "A")))
            case .crossTrade:
                nextMatchNumber += 1
                message = .crossTrade(ITCHCrossTrade(
                    stockLocate: locate, trackingNumber: tracking, timestampNs: timestampNs,
                    shares: UInt64(shares) * 100, stock: stock, crossPrice: price, matchNumber: nextMatchNumber,
                    crossType: .intraday))
            default:
                message = .systemEvent(ITCHSystemEvent(
                    stockLocate: 0, trackingNumber: tracking, timestampNs: timestampNs, eventCode: .startOfMarketHours))
            }
            messages.append(message)
        }
        return messages
    }

    /// A distinct 1–4 letter symbol per index, space padded.
    static func symbol(index: Int) -> Alpha8 {
        var letters: [UInt8] = []
        var rest = index
        repeat {
            letters.append(UInt8(ascii: "A") + UInt8(rest % 26))
            rest = rest / 26 - 1
        } while rest >= 0
        var raw: UInt64 = 0
        for position in 0..<8 {
            raw = raw << 8 | UInt64(position < letters.count ? letters[letters.count - 1 - position] : 0x20)
        }
        return Alpha8(rawValue: raw)
    }

    // MARK: - Timed loops

    /// Walks every datagram as a feed handler does, through Wire's fastest
    /// public path: `ITCHPacketReader` checks the MoldUDP64 header, then each
    /// block's framing and its message's type and length in the same pass,
    /// and `kind` dispatches once to the typed view whose fields are read.
    static func decodeMoldUDP64(_ feed: Feed, passes: Int) -> (ITCHChecksum, failures: Int) {
        var sums = ITCHChecksum()
        var failures = 0
        feed.datagrams.withUnsafeBytes { all in
            feed.packetEnds.withUnsafeBufferPointer { ends in
                for _ in 0..<passes {
                    var start = 0
                    for end in ends {
                        let datagram = UnsafeRawBufferPointer(rebasing: all[start..<end])
                        start = end
                        if !decodePacket(datagram, into: &sums) { failures += 1 }
                    }
                }
            }
        }
        return (sums, failures)
    }

    /// One datagram, as a feed handler's receive path would hand it over.
    /// Kept out of line so that the sums live in memory across the packet
    /// loop instead of as one copy per path through the message switch.
    @inline(never)
    static func decodePacket(_ datagram: UnsafeRawBufferPointer, into sums: inout ITCHChecksum) -> Bool {
        guard var reader = try? ITCHPacketReader(packet: datagram) else { return false }
        while let message = reader.next() { sums.add(message) }
        return reader.isComplete
    }

    /// Each message type's length by its type byte; 0 for unknown bytes.
    static let lengthOfType: [UInt8] = {
        var lengths = [UInt8](repeating: 0, count: 256)
        for type in ITCHMessageType.allCases { lengths[Int(type.rawValue)] = UInt8(type.length) }
        return lengths
    }()

    /// A yardstick, not Wire's API: the same datagrams and the same field
    /// reads, written by hand as one pass per packet (no separate validation
    /// walk), with the type and length checked against a 256-entry table
    /// instead of a `switch`, and one dispatch on the type byte. The gap
    /// between this and `decodeMoldUDP64` is what the API's shape costs.
    static func decodeMoldUDP64Reference(_ feed: Feed, passes: Int) -> (ITCHChecksum, failures: Int) {
        var sums = ITCHChecksum()
        var failures = 0
        lengthOfType.withUnsafeBufferPointer { lengthOfType in
            feed.datagrams.withUnsafeBytes { all in
                feed.packetEnds.withUnsafeBufferPointer { ends in
                    for _ in 0..<passes {
                        var start = 0
                        for end in ends {
                            let packet = UnsafeRawBufferPointer(rebasing: all[start..<end])
                            start = end
                            if !decodePacketReference(packet, lengthOfType: lengthOfType, into: &sums) { failures += 1 }
                        }
                    }
                }
            }
        }
        return (sums, failures)
    }

    /// `decodePacket(_:into:)` by hand, out of line for the same reason.
    @inline(never)
    static func decodePacketReference(
        _ packet: UnsafeRawBufferPointer, lengthOfType: UnsafeBufferPointer<UInt8>, into sums: inout ITCHChecksum
    ) -> Bool {
        guard packet.count >= MoldUDP64Header.length else { return false }
        var remaining = Int(packet.readUInt16BE(at: 18))
        var offset = MoldUDP64Header.length
        while remaining > 0 {
            guard packet.count &- offset >= 3 else { break }
            let length = Int(packet.readUInt16BE(at: offset))
            let body = offset &+ 2
            guard packet.count &- body >= length, length > 0 else { break }
            let type = packet.readUInt8(at: body)
            guard Int(lengthOfType[Int(type)]) == length else { break }
            sums.addReference(UnsafeRawBufferPointer(rebasing: packet[body..<(body &+ length)]), type: type)
            offset = body &+ length
            remaining &-= 1
        }
        return remaining == 0 && offset == packet.count
    }

    /// Walks the BinaryFILE-style stream with `ITCHBlockStreamReader`.
    static func decodeBlockStream(_ feed: Feed, passes: Int) -> (ITCHChecksum, failures: Int) {
        var sums = ITCHChecksum()
        var failures = 0
        feed.blockStream.withUnsafeBytes { all in
            for _ in 0..<passes {
                var reader = ITCHBlockStreamReader(all, zeroLengthEndsStream: true)
                while true {
                    do {
                        guard let message = try reader.next() else { break }
                        sums.add(message)
                    } catch {
                        failures += 1
                        break
                    }
                }
            }
        }
        return (sums, failures)
    }

    /// Encodes every value as a block (u16 length + message) into one buffer.
    static func encodeBlocks(_ messages: [ITCHMessage], into out: UnsafeMutableRawBufferPointer, passes: Int) -> Int {
        var written = 0
        messages.withUnsafeBufferPointer { values in
            for _ in 0..<passes {
                var offset = 0
                for message in values {
                    offset += message.encodeBlock(into: UnsafeMutableRawBufferPointer(rebasing: out[offset...]))
                }
                written &+= offset
            }
        }
        return written
    }
}

/// Sums of the typed fields a feed handler reads, by message type, so that
/// no read can be optimised away and the decoded data can be checked against
/// the generated values.
struct ITCHChecksum: Equatable {
    var messages: UInt64 = 0
    var timestamps: UInt64 = 0
    var locates: UInt64 = 0
    var orderReferences: UInt64 = 0
    var shares: UInt64 = 0
    var prices: UInt64 = 0
    var matchNumbers: UInt64 = 0
    var symbols: UInt64 = 0
    var sides: UInt64 = 0

    /// One 64-bit digest of all the sums.
    var digest: UInt64 {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for value in [messages, timestamps, locates, orderReferences, shares, prices, matchNumbers, symbols, sides] {
            hash = (hash ^ value) &* 0x0000_0100_0000_01B3
        }
        return hash
    }

    @inline(__always)
    mutating func add(_ message: ITCHMessageView) {
        messages &+= 1
        timestamps &+= message.timestampNs
        locates &+= UInt64(message.stockLocate)
        switch message.kind {
        case .addOrder(let view):
            addOrder(view.orderReferenceNumber, view.side.rawValue, view.shares, view.stock, view.price)
        case .addOrderWithMPID(let view):
            addOrder(view.orderReferenceNumber, view.side.rawValue, view.shares, view.stock, view.price)
            symbols ^= UInt64(view.attribution.rawValue)
        case .orderDelete(let view):
            orderReferences &+= view.orderReferenceNumber
        case .orderReplace(let view):
            orderReferences &+= view.originalOrderReferenceNumber &+ view.newOrderReferenceNumber
            shares &+= UInt64(view.shares)
            prices &+= UInt64(view.price)
        case .orderExecuted(let view):
            orderReferences &+= view.orderReferenceNumber
            shares &+= UInt64(view.executedShares)
            matchNumbers &+= view.matchNumber
        case .orderExecutedWithPrice(let view):
            orderReferences &+= view.orderReferenceNumber
            shares &+= UInt64(view.executedShares)
            matchNumbers &+= view.matchNumber
            prices &+= UInt64(view.executionPrice)
        case .orderCancel(let view):
            orderReferences &+= view.orderReferenceNumber
            shares &+= UInt64(view.cancelledShares)
        case .trade(let view):
            addOrder(view.orderReferenceNumber, view.side.rawValue, view.shares, view.stock, view.price)
            matchNumbers &+= view.matchNumber
        case .crossTrade(let view):
            shares &+= view.shares
            symbols ^= view.stock.rawValue
            prices &+= UInt64(view.crossPrice)
            matchNumbers &+= view.matchNumber
        case .noii(let view):
            shares &+= view.pairedShares &+ view.imbalanceShares
            symbols ^= view.stock.rawValue
            prices &+= UInt64(view.nearPrice)
        default:
            // Administrative messages: the header is all a book builder needs.
            sides &+= UInt64(message.bytes[message.bytes.count - 1])
        }
    }

    /// `add(_:)` over raw bytes whose type and length are already checked.
    @inline(__always)
    mutating func addReference(_ bytes: UnsafeRawBufferPointer, type: UInt8) {
        messages &+= 1
        timestamps &+= bytes.readUInt48BE(at: 5)
        locates &+= UInt64(bytes.readUInt16BE(at: 1))
        switch type {
        case ITCHMessageType.addOrder.rawValue:
            addOrder(bytes.readUInt64BE(at: 11), bytes.readUInt8(at: 19), bytes.readUInt32BE(at: 20), bytes.readAlpha8(at: 24), bytes.readUInt32BE(at: 32))
        case ITCHMessageType.addOrderWithMPID.rawValue:
            addOrder(bytes.readUInt64BE(at: 11), bytes.readUInt8(at: 19), bytes.readUInt32BE(at: 20), bytes.readAlpha8(at: 24), bytes.readUInt32BE(at: 32))
            symbols ^= UInt64(bytes.readUInt32BE(at: 36))
        case ITCHMessageType.orderDelete.rawValue:
            orderReferences &+= bytes.readUInt64BE(at: 11)
        case ITCHMessageType.orderReplace.rawValue:
            orderReferences &+= bytes.readUInt64BE(at: 11) &+ bytes.readUInt64BE(at: 19)
            shares &+= UInt64(bytes.readUInt32BE(at: 27))
            prices &+= UInt64(bytes.readUInt32BE(at: 31))
        case ITCHMessageType.orderExecuted.rawValue:
            orderReferences &+= bytes.readUInt64BE(at: 11)
            shares &+= UInt64(bytes.readUInt32BE(at: 19))
            matchNumbers &+= bytes.readUInt64BE(at: 23)
        case ITCHMessageType.orderExecutedWithPrice.rawValue:
            orderReferences &+= bytes.readUInt64BE(at: 11)
            shares &+= UInt64(bytes.readUInt32BE(at: 19))
            matchNumbers &+= bytes.readUInt64BE(at: 23)
            prices &+= UInt64(bytes.readUInt32BE(at: 32))
        case ITCHMessageType.orderCancel.rawValue:
            orderReferences &+= bytes.readUInt64BE(at: 11)
            shares &+= UInt64(bytes.readUInt32BE(at: 19))
        case ITCHMessageType.trade.rawValue:
            addOrder(bytes.readUInt64BE(at: 11), bytes.readUInt8(at: 19), bytes.readUInt32BE(at: 20), bytes.readAlpha8(at: 24), bytes.readUInt32BE(at: 32))
            matchNumbers &+= bytes.readUInt64BE(at: 36)
        case ITCHMessageType.crossTrade.rawValue:
            shares &+= bytes.readUInt64BE(at: 11)
            symbols ^= bytes.readUInt64BE(at: 19)
            prices &+= UInt64(bytes.readUInt32BE(at: 27))
            matchNumbers &+= bytes.readUInt64BE(at: 31)
        case ITCHMessageType.noii.rawValue:
            shares &+= bytes.readUInt64BE(at: 11) &+ bytes.readUInt64BE(at: 19)
            symbols ^= bytes.readUInt64BE(at: 28)
            prices &+= UInt64(bytes.readUInt32BE(at: 40))
        default:
            sides &+= UInt64(bytes[bytes.count - 1])
        }
    }

    @inline(__always)
    mutating func addOrder(_ reference: UInt64, _ side: UInt8, _ orderShares: UInt32, _ stock: Alpha8, _ price: UInt32) {
        orderReferences &+= reference
        sides &+= UInt64(side)
        shares &+= UInt64(orderShares)
        symbols ^= stock.rawValue
        prices &+= UInt64(price)
    }

    /// The same sums from a value, for checking the decoders against the generator.
    mutating func add(_ message: ITCHMessage) {
        var bytes = [UInt8](repeating: 0, count: message.encodedLength)
        bytes.withUnsafeMutableBytes { _ = message.encode(into: $0) }
        // Only the administrative default case reads raw bytes; every other
        // field comes from the value itself.
        messages &+= 1
        timestamps &+= message.timestampNs
        locates &+= UInt64(message.stockLocate)
        switch message {
        case .addOrder(let m): addOrder(m.orderReferenceNumber, m.side.rawValue, m.shares, m.stock, m.price)
        case .addOrderWithMPID(let m):
            addOrder(m.orderReferenceNumber, m.side.rawValue, m.shares, m.stock, m.price)
            symbols ^= UInt64(m.attribution.rawValue)
        case .orderDelete(let m): orderReferences &+= m.orderReferenceNumber
        case .orderReplace(let m):
            orderReferences &+= m.originalOrderReferenceNumber &+ m.newOrderReferenceNumber
            shares &+= UInt64(m.shares)
            prices &+= UInt64(m.price)
        case .orderExecuted(let m):
            orderReferences &+= m.orderReferenceNumber
            shares &+= UInt64(m.executedShares)
            matchNumbers &+= m.matchNumber
        case .orderExecutedWithPrice(let m):
            orderReferences &+= m.orderReferenceNumber
            shares &+= UInt64(m.executedShares)
            matchNumbers &+= m.matchNumber
            prices &+= UInt64(m.executionPrice)
        case .orderCancel(let m):
            orderReferences &+= m.orderReferenceNumber
            shares &+= UInt64(m.cancelledShares)
        case .trade(let m):
            addOrder(m.orderReferenceNumber, m.side.rawValue, m.shares, m.stock, m.price)
            matchNumbers &+= m.matchNumber
        case .crossTrade(let m):
            shares &+= m.shares
            symbols ^= m.stock.rawValue
            prices &+= UInt64(m.crossPrice)
            matchNumbers &+= m.matchNumber
        case .noii(let m):
            shares &+= m.pairedShares &+ m.imbalanceShares
            symbols ^= m.stock.rawValue
            prices &+= UInt64(m.nearPrice)
        default:
            sides &+= UInt64(bytes[bytes.count - 1])
        }
    }

    /// The sums of `passes` identical passes.
    func repeated(_ passes: Int) -> ITCHChecksum {
        let factor = UInt64(passes)
        // XOR-folded symbols cancel out over an even number of passes.
        return ITCHChecksum(
            messages: messages &* factor, timestamps: timestamps &* factor, locates: locates &* factor,
            orderReferences: orderReferences &* factor, shares: shares &* factor, prices: prices &* factor,
            matchNumbers: matchNumbers &* factor, symbols: passes % 2 == 0 ? 0 : symbols, sides: sides &* factor)
    }
}
