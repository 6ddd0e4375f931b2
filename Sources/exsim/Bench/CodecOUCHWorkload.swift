import Wire

/// OUCH 4.2 order entry over SoupBinTCP 3.0 as a gateway sees it: Enter
/// Orders arrive as Unsequenced Data packets on a TCP stream; Accepted and
/// Executed go back as Sequenced Data packets.
struct CodecOUCHWorkload {
    let poolCount: Int
    let seed: UInt64
    /// Bytes per read from the stream, as a socket would deliver them; packets
    /// straddle the chunk boundaries.
    static let chunkBytes = 16 * 1024
    /// Accepted per mille in the outbound mix; the rest are Executed.
    static let acceptedPerMille = 600

    struct Pool {
        var enterOrders: [OUCHEnterOrder]
        var outbound: [OUCHOutboundMessage]
        /// Enter Orders framed as Unsequenced Data packets.
        var inboundStream: [UInt8]
        /// The outbound messages framed as Sequenced Data packets.
        var outboundStream: [UInt8]
        var expectedInbound: UInt64
        var expectedOutbound: UInt64
    }

    static let inboundFrameBytes = SoupBinTCP.headerByteCount + OUCHEnterOrder.length

    func makePool() -> Pool {
        var random = BenchRandom(seed: seed)
        let symbols = (0..<CodecITCHWorkload.symbolCount).map { CodecITCHWorkload.symbol(index: $0) }
        let firm = Alpha4(rawValue: 0x5853_494D) // XSIM
        var enterOrders: [OUCHEnterOrder] = []
        var outbound: [OUCHOutboundMessage] = []
        enterOrders.reserveCapacity(poolCount)
        outbound.reserveCapacity(poolCount)
        var timestampNs = UInt64(CodecITCHWorkload.marketOpenNs)
        var orderReference: UInt64 = 7_000_000
        var matchNumber: UInt64 = 3_000_000
        for index in 0..<poolCount {
            timestampNs += UInt64(random.below(5_000))
            let token = Self.token(index)
            let side: OUCHSide = random.below(2) == 0 ? .buy : .sell
            let shares = UInt32(100 * (1 + random.below(10)))
            let stock = symbols[random.below(2) == 0 ? random.below(100) : random.below(symbols.count)]
            let price = UInt32(10_000 + random.below(5_000_000))
            let timeInForce: OUCHTimeInForce = random.below(4) == 0 ? .immediateOrCancel : .marketHours
            enterOrders.append(OUCHEnterOrder(
                token: token, side: side, shares: shares, stock: stock, price: price, timeInForce: timeInForce,
                firm: firm, display: UInt8(ascii: "Y"), capacity: UInt8(ascii: "A"),
                intermarketSweepEligibility: UInt8(ascii: "N"), minimumQuantity: 0, crossType: UInt8(ascii: "N"),
                customerType: UInt8(ascii: " ")))
            if random.below(1000) < Self.acceptedPerMille {
                orderReference += 1
                outbound.append(.accepted(OUCHAccepted(
                    timestampNs: timestampNs, token: token, side: side, shares: shares, stock: stock, price: price,
                    timeInForce: timeInForce, firm: firm, display: UInt8(ascii: "Y"),
                    orderReferenceNumber: orderReference, capacity: UInt8(ascii: "A"),
                    intermarketSweepEligibility: UInt8(ascii: "N"), minimumQuantity: 0, crossType: UInt8(ascii: "N"),
                    orderState: UInt8(ascii: "L"), bboWeightIndicator: UInt8(ascii: " "))))
            } else {
                matchNumber += 1
                outbound.append(.executed(OUCHExecuted(
                    timestampNs: timestampNs, token: token, executedShares: shares, executionPrice: price,
                    liquidityFlag: UInt8(ascii: "A"), matchNumber: matchNumber)))
            }
        }

        var inboundStream = [UInt8](repeating: 0, count: poolCount * Self.inboundFrameBytes)
        let inboundWritten = inboundStream.withUnsafeMutableBytes { Self.encodeEnterOrders(enterOrders, into: $0, passes: 1) }
        precondition(inboundWritten == inboundStream.count)
        let outboundBytes = outbound.reduce(0) { $0 + SoupBinTCP.headerByteCount + $1.encodedLength }
        var outboundStream = [UInt8](repeating: 0, count: outboundBytes)
        let outboundWritten = outboundStream.withUnsafeMutableBytes { Self.encodeOutbound(outbound, into: $0, passes: 1) }
        precondition(outboundWritten == outboundBytes)

        return Pool(
            enterOrders: enterOrders, outbound: outbound, inboundStream: inboundStream, outboundStream: outboundStream,
            expectedInbound: enterOrders.reduce(0) { $0 &+ Self.fold($1) },
            expectedOutbound: outbound.reduce(0) { $0 &+ Self.fold($1) })
    }

    /// `ORD` and the index in ten digits, padded to 14.
    static func token(_ index: Int) -> OUCHToken {
        var text: [UInt8] = Array("ORD".utf8)
        let digits = Array(String(index).utf8)
        text += Array(repeating: UInt8(ascii: "0"), count: max(0, 10 - digits.count)) + digits
        text += Array(repeating: 0x20, count: OUCHToken.byteCount - text.count)
        return text.withUnsafeBytes { OUCHToken(readingFrom: $0, at: 0) }
    }

    // MARK: - Folding decoded fields into a checksum

    @inline(__always)
    static func fold(_ order: OUCHEnterOrder) -> UInt64 {
        order.token.head ^ UInt64(order.token.middle) ^ UInt64(order.shares) &* 3 ^ order.stock.rawValue
            &+ UInt64(order.price) &+ UInt64(order.side.rawValue) &+ UInt64(order.timeInForce.rawValue)
    }

    @inline(__always)
    static func fold(_ message: OUCHOutboundMessage) -> UInt64 {
        switch message {
        case .accepted(let accepted):
            return accepted.token.head ^ accepted.orderReferenceNumber &+ UInt64(accepted.shares)
                &+ UInt64(accepted.price) ^ accepted.timestampNs
        case .executed(let executed):
            return executed.token.head ^ executed.matchNumber &+ UInt64(executed.executedShares)
                &+ UInt64(executed.executionPrice) ^ executed.timestampNs
        default:
            return 1
        }
    }

    // MARK: - Timed loops

    /// Each Enter Order written straight into its Unsequenced Data frame.
    static func encodeEnterOrders(_ orders: [OUCHEnterOrder], into out: UnsafeMutableRawBufferPointer, passes: Int) -> Int {
        var written = 0
        orders.withUnsafeBufferPointer { values in
            for _ in 0..<passes {
                var offset = 0
                for order in values {
                    let frame = UnsafeMutableRawBufferPointer(rebasing: out[offset..<(offset + inboundFrameBytes)])
                    SoupBinTCP.encodeDataHeader(.unsequencedData, payloadByteCount: OUCHEnterOrder.length, into: frame)
                    order.encode(into: UnsafeMutableRawBufferPointer(rebasing: frame[SoupBinTCP.headerByteCount...]))
                    offset += inboundFrameBytes
                }
                written &+= offset
            }
        }
        return written
    }

    /// Accepted / Executed written into Sequenced Data frames.
    static func encodeOutbound(_ messages: [OUCHOutboundMessage], into out: UnsafeMutableRawBufferPointer, passes: Int) -> Int {
        var written = 0
        messages.withUnsafeBufferPointer { values in
            for _ in 0..<passes {
                var offset = 0
                for message in values {
                    let length = message.encodedLength
                    let frame = UnsafeMutableRawBufferPointer(rebasing: out[offset..<(offset + SoupBinTCP.headerByteCount + length)])
                    SoupBinTCP.encodeDataHeader(.sequencedData, payloadByteCount: length, into: frame)
                    message.encode(into: UnsafeMutableRawBufferPointer(rebasing: frame[SoupBinTCP.headerByteCount...]))
                    offset += frame.count
                }
                written &+= offset
            }
        }
        return written
    }

    /// What a decode loop found.
    struct DecodeTally {
        var messages = 0
        var failures = 0
        var checksum: UInt64 = 0
    }

    enum DecodeDepth {
        /// SoupBinTCP framing only: packet type byte and length.
        case framing
        /// Framing, then the OUCH message decoded into its value.
        case message
    }

    /// Feeds `stream` in chunks to `decoder`; each packet's payload is
    /// decoded as an inbound (client to exchange) message. The decoder comes
    /// from the caller so that a warm-up pass can size its buffer first.
    static func decodeInbound(
        _ stream: [UInt8], passes: Int, depth: DecodeDepth, decoder: inout SoupBinTCPFrameDecoder
    ) -> DecodeTally {
        var tally = DecodeTally()
        stream.withUnsafeBytes { all in
            for _ in 0..<passes {
                var start = 0
                while start < all.count {
                    let end = min(start + chunkBytes, all.count)
                    do {
                        try decoder.decode(UnsafeRawBufferPointer(rebasing: all[start..<end])) { packet in
                            tally.messages += 1
                            switch depth {
                            case .framing:
                                tally.checksum &+= UInt64(packet.typeByte) &+ UInt64(packet.packetLength)
                            case .message:
                                guard packet.typeByte == SoupBinTCPPacketType.unsequencedData.rawValue,
                                      case .enterOrder(let order)? = try? OUCHInboundMessage(decoding: packet.payload)
                                else {
                                    tally.failures += 1
                                    return .continueDecoding
                                }
                                tally.checksum &+= fold(order)
                            }
                            return .continueDecoding
                        }
                    } catch {
                        tally.failures += 1
                        return
                    }
                    start = end
                }
            }
        }
        return tally
    }

    /// The same for the outbound stream and `OUCHOutboundMessage`.
    static func decodeOutbound(
        _ stream: [UInt8], passes: Int, depth: DecodeDepth, decoder: inout SoupBinTCPFrameDecoder
    ) -> DecodeTally {
        var tally = DecodeTally()
        stream.withUnsafeBytes { all in
            for _ in 0..<passes {
                var start = 0
                while start < all.count {
                    let end = min(start + chunkBytes, all.count)
                    do {
                        try decoder.decode(UnsafeRawBufferPointer(rebasing: all[start..<end])) { packet in
                            tally.messages += 1
                            switch depth {
                            case .framing:
                                tally.checksum &+= UInt64(packet.typeByte) &+ UInt64(packet.packetLength)
                            case .message:
                                guard packet.typeByte == SoupBinTCPPacketType.sequencedData.rawValue,
                                      let message = try? OUCHOutboundMessage(decoding: packet.payload)
                                else {
                                    tally.failures += 1
                                    return .continueDecoding
                                }
                                tally.checksum &+= fold(message)
                            }
                            return .continueDecoding
                        }
                    } catch {
                        tally.failures += 1
                        return
                    }
                    start = end
                }
            }
        }
        return tally
    }
}
