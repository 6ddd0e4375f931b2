import Wire

/// FIX 4.2 / 4.4 order entry as a gateway sees it: NewOrderSingle in,
/// ExecutionReport out, each written with the standard header a session
/// puts in front (49, 56, 34, 52) and framed with BodyLength and CheckSum.
struct CodecFIXWorkload {
    let poolCount: Int
    let seed: UInt64
    let version: FIXVersion

    static let priceDecimals = 4
    /// Bytes per read from the stream.
    static let chunkBytes = 16 * 1024
    static let senderCompID: FIXString = "BUYSIDE01"
    static let targetCompID: FIXString = "EXSIM"
    /// 2026-11-26 09:30:00 UTC.
    static let marketOpenEpochNs: Int64 =
        FIXUTCTimestamp.daysSinceEpoch(year: 2026, month: 11, day: 26) * FIXUTCTimestamp.nanosecondsPerDay
        + 34_200 * FIXUTCTimestamp.nanosecondsPerSecond

    struct Pool {
        var orders: [FIXNewOrderSingle]
        var reports: [FIXExecutionReport]
        var orderStream: [UInt8]
        var reportStream: [UInt8]
        var expectedOrders: UInt64
        var expectedReports: UInt64
    }

    func makePool() -> Pool {
        var random = BenchRandom(seed: seed)
        let symbols = (0..<CodecITCHWorkload.symbolCount).map { index in
            CodecITCHWorkload.symbol(index: index).trimmed.utf8.withContiguousStorageIfAvailable {
                FIXString(bytes: UnsafeRawBufferPointer($0))!
            }!
        }
        var orders: [FIXNewOrderSingle] = []
        var reports: [FIXExecutionReport] = []
        orders.reserveCapacity(poolCount)
        reports.reserveCapacity(poolCount)
        // Whole milliseconds: what UTCTimestamp carries, so that decoded values equal these.
        var timeNs = Self.marketOpenEpochNs
        for index in 0..<poolCount {
            timeNs += Int64(random.below(5)) * 1_000_000
            let symbol = symbols[random.below(2) == 0 ? random.below(100) : random.below(symbols.count)]
            let side: FIXSide = random.below(2) == 0 ? .buy : .sell
            let quantity = Int64(100 * (1 + random.below(10)))
            // Prices with 0 to 4 decimals written, as real order flow has.
            let price = Int64(10_000 + random.below(5_000_000))
            let clOrdID = Self.identifier("C", index)
            orders.append(FIXNewOrderSingle(
                clOrdID: clOrdID, account: "ACCT42", symbol: symbol, side: side, transactTimeNs: timeNs,
                orderQuantity: quantity, orderType: .limit, price: price,
                timeInForce: random.below(4) == 0 ? .immediateOrCancel : .day))
            // A fill report: the answer that carries the most fields.
            let lastQuantity = random.below(2) == 0 ? quantity : quantity / 2
            reports.append(FIXExecutionReport(
                orderID: Self.identifier("O", 50_000_000 + index), clOrdID: clOrdID,
                execID: Self.identifier("E", 90_000_000 + index), execType: .trade,
                orderStatus: lastQuantity == quantity ? .filled : .partiallyFilled, symbol: symbol, side: side,
                orderQuantity: quantity, orderType: .limit, price: price, timeInForce: .day,
                lastQuantity: lastQuantity, lastPrice: price, leavesQuantity: quantity - lastQuantity,
                cumulativeQuantity: lastQuantity, averagePrice: price, transactTimeNs: timeNs + 1_000_000))
        }

        var writer = FIXMessageWriter()
        var orderStream: [UInt8] = []
        var reportStream: [UInt8] = []
        var sequence: Int64 = 1
        for order in orders {
            Self.write(order, sequence: sequence, sendingTimeNs: order.transactTimeNs, version: version, into: &writer)
            writer.withMessageBytes { orderStream.append(contentsOf: $0) }
            sequence += 1
        }
        sequence = 1
        for report in reports {
            Self.write(report, sequence: sequence, sendingTimeNs: report.transactTimeNs ?? 0, version: version, into: &writer)
            writer.withMessageBytes { reportStream.append(contentsOf: $0) }
            sequence += 1
        }
        return Pool(
            orders: orders, reports: reports, orderStream: orderStream, reportStream: reportStream,
            expectedOrders: orders.reduce(0) { $0 &+ Self.fold($1) },
            expectedReports: reports.reduce(0) { $0 &+ Self.fold($1) })
    }

    /// `prefix` and `number` as a FIX string, e.g. `C000001234`.
    static func identifier(_ prefix: Character, _ number: Int) -> FIXString {
        let digits = String(number)
        let text = String(prefix) + String(repeating: "0", count: max(0, 9 - digits.count)) + digits
        return FIXString(text)!
    }

    /// One whole message: header fields as a session writes them, the body, the trailer.
    @inline(__always)
    static func write<Message: FIXApplicationMessageCoding>(
        _ message: Message, sequence: Int64, sendingTimeNs: Int64, version: FIXVersion, into writer: inout FIXMessageWriter
    ) {
        writer.startMessage(Message.msgType)
        writer.append(tag: FIXTag.senderCompID, string: senderCompID)
        writer.append(tag: FIXTag.targetCompID, string: targetCompID)
        writer.append(tag: FIXTag.msgSeqNum, integer: sequence)
        writer.append(tag: FIXTag.sendingTime, utcTimestampNs: sendingTimeNs)
        message.encodeBody(into: &writer, version: version, priceDecimals: priceDecimals)
        writer.finish(version)
    }

    // MARK: - Folding decoded fields into a checksum

    @inline(__always)
    static func fold(_ order: FIXNewOrderSingle) -> UInt64 {
        var sum = UInt64(bitPattern: order.transactTimeNs) &+ UInt64(bitPattern: order.orderQuantity)
        sum = sum &* 31 &+ UInt64(bitPattern: order.price ?? 0) &+ UInt64(order.side.rawValue)
        return sum &+ UInt64(order.clOrdID.count) &+ UInt64(order.symbol.count)
    }

    @inline(__always)
    static func fold(_ report: FIXExecutionReport) -> UInt64 {
        var sum = UInt64(bitPattern: report.transactTimeNs ?? 0) &+ UInt64(bitPattern: report.lastQuantity ?? 0)
        sum = sum &* 31 &+ UInt64(bitPattern: report.lastPrice ?? 0) &+ UInt64(bitPattern: report.leavesQuantity)
        return sum &+ UInt64(report.execID.count) &+ UInt64(report.orderStatus.rawValue)
    }

    // MARK: - Timed loops

    /// Writes every message into one reused `FIXMessageWriter`; returns the bytes written.
    static func encode<Message: FIXApplicationMessageCoding>(
        _ messages: [Message], version: FIXVersion, passes: Int, writer: inout FIXMessageWriter
    ) -> (bytes: Int, checksum: UInt64) {
        var bytes = 0
        var checksum: UInt64 = 0
        var sequence: Int64 = 1
        let sendingTimeNs = marketOpenEpochNs
        for _ in 0..<passes {
            for message in messages {
                write(message, sequence: sequence, sendingTimeNs: sendingTimeNs &+ sequence, version: version, into: &writer)
                sequence &+= 1
                writer.withMessageBytes { encoded in
                    bytes &+= encoded.count
                    checksum &+= UInt64(encoded[encoded.count - 2])
                }
            }
        }
        return (bytes, checksum)
    }

    enum DecodeDepth: CaseIterable {
        /// `FIXFramer`: BeginString, BodyLength and CheckSum verified.
        case framing
        /// Framing, then `FIXParser` builds the field table.
        case parsing
        /// Framing, parsing, then the typed application message.
        case message
    }

    struct DecodeTally {
        var messages = 0
        var failures = 0
        var checksum: UInt64 = 0
    }

    /// Feeds `stream` in chunks to `framer`, then parses and decodes each
    /// message as `Message` (to `depth`). The framer and parser come from the
    /// caller so that a warm-up pass can size their buffers first.
    static func decode<Message: FIXApplicationMessageCoding>(
        _ stream: [UInt8], as type: Message.Type, version: FIXVersion, passes: Int, depth: DecodeDepth,
        framer: inout FIXFramer, parser: inout FIXParser, fold: (Message) -> UInt64
    ) -> DecodeTally {
        var tally = DecodeTally()
        stream.withUnsafeBytes { all in
            for _ in 0..<passes {
                var start = 0
                while start < all.count {
                    let end = min(start + chunkBytes, all.count)
                    framer.append(UnsafeRawBufferPointer(rebasing: all[start..<end]))
                    start = end
                    while let frame = framer.nextFrame() {
                        guard case .message(let range) = frame else {
                            tally.failures += 1
                            continue
                        }
                        tally.messages += 1
                        if depth == .framing {
                            tally.checksum &+= UInt64(range.count)
                            continue
                        }
                        framer.withBytes(of: range) { bytes in
                            do {
                                let view = try parser.parse(bytes)
                                if depth == .parsing {
                                    tally.checksum &+= UInt64(view.fieldCount)
                                } else {
                                    let message = try Message(decoding: view, version: version, priceDecimals: priceDecimals)
                                    tally.checksum &+= fold(message)
                                }
                            } catch {
                                tally.failures += 1
                            }
                        }
                    }
                }
            }
        }
        return tally
    }
}
