import Capture
import Wire

/// A synthetic TotalView-ITCH 5.0 feed over MoldUDP64, written to a capture
/// by exsim's own writer: order-by-order traffic on eight stocks in the
/// proportions of a busy book (45 % adds, 15 % executions, 5 % partial
/// cancels, 25 % deletes, 10 % replaces), with up to `maximumLiveOrders`
/// orders resting. Every message is consistent with the books, so `capture
/// book` builds them without a problem.
struct CaptureFeedWorkload {
    let messages: Int
    let seed: UInt64
    static let stocks = 8
    static let maximumLiveOrders = 100_000
    /// A packet every microsecond of capture time.
    static let packetIntervalNs: Int64 = 1_000

    struct Written {
        var messages = 0
        var packets = 0
    }

    /// `zstdFrameBytes`: as `CaptureWriter`'s, nil for one zstd frame.
    func write(to path: String, zstdFrameBytes: Int? = nil) throws -> Written {
        let writer = try CaptureWriter(path: path, epochOffsetNs: 1_767_605_400_000_000_000, zstdFrameBytes: zstdFrameBytes)
        let venue = CaptureHost(10, 1, 0, 1), group = CaptureHost(233, 54, 12, 1)
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: MoldUDP64PacketBuilder.defaultMaximumPayloadBytes, alignment: 8)
        defer { buffer.deallocate() }
        var builder = MoldUDP64PacketBuilder(buffer: buffer, session: MoldUDP64SessionID("BENCH")!, sequenceNumber: 1)
        var random = BenchRandom(seed: seed)
        var live: [(reference: UInt64, locate: UInt16, shares: UInt32, isBuy: Bool)] = []
        live.reserveCapacity(Self.maximumLiveOrders + 1)
        var nextReference: UInt64 = 1
        var nextMatch: UInt64 = 1
        var written = Written()
        var timeNs: Int64 = 0

        func flush() throws {
            guard !builder.isEmpty else { return }
            let length = builder.finish()
            try writer.udp(atNs: timeNs, from: venue, port: 26_400, to: group, port: 26_477,
                           payload: UnsafeRawBufferPointer(rebasing: buffer[0..<length]))
            written.packets += 1
            timeNs += Self.packetIntervalNs
            builder.reset(sequenceNumber: builder.sequenceNumber + UInt64(builder.messageCount))
        }
        func emit<Message: ITCHEncodable>(_ message: Message) throws {
            if !builder.append(message) {
                try flush()
                precondition(builder.append(message), "one ITCH message always fits an empty packet")
            }
            written.messages += 1
        }

        while written.messages < messages {
            let stamp = UInt64(timeNs)
            let roll = random.below(100)
            if live.count < 1_000 || (roll < 45 && live.count < Self.maximumLiveOrders) {
                let locate = UInt16(1 + random.below(Self.stocks))
                let shares = UInt32(100 * (1 + random.below(10)))
                let isBuy = random.below(2) == 0
                // Buys below 100.0000 and sells above it: the books never cross.
                let price = Self.price(isBuy: isBuy, &random)
                try emit(ITCHAddOrder(stockLocate: locate, trackingNumber: 0, timestampNs: stamp, orderReferenceNumber: nextReference,
                                      side: isBuy ? .buy : .sell, shares: shares, stock: Alpha8("S\(locate)")!, price: price))
                live.append((nextReference, locate, shares, isBuy))
                nextReference += 1
                continue
            }
            let index = random.below(live.count)
            let order = live[index]
            if roll < 60 {
                let executed = min(order.shares, UInt32(100 * (1 + random.below(5))))
                try emit(ITCHOrderExecuted(stockLocate: order.locate, trackingNumber: 0, timestampNs: stamp,
                                           orderReferenceNumber: order.reference, executedShares: executed, matchNumber: nextMatch))
                nextMatch += 1
                if executed == order.shares { live.swapAt(index, live.count - 1); live.removeLast() } else { live[index].shares -= executed }
            } else if roll < 65 && order.shares > 100 {
                try emit(ITCHOrderCancel(stockLocate: order.locate, trackingNumber: 0, timestampNs: stamp,
                                         orderReferenceNumber: order.reference, cancelledShares: 100))
                live[index].shares -= 100
            } else if roll < 90 {
                try emit(ITCHOrderDelete(stockLocate: order.locate, trackingNumber: 0, timestampNs: stamp, orderReferenceNumber: order.reference))
                live.swapAt(index, live.count - 1)
                live.removeLast()
            } else {
                // A replace keeps the order's side and stock (ITCH 5.0 §4.6.5).
                let shares = UInt32(100 * (1 + random.below(10)))
                try emit(ITCHOrderReplace(stockLocate: order.locate, trackingNumber: 0, timestampNs: stamp,
                                          originalOrderReferenceNumber: order.reference, newOrderReferenceNumber: nextReference,
                                          shares: shares, price: Self.price(isBuy: order.isBuy, &random)))
                live[index] = (nextReference, order.locate, shares, order.isBuy)
                nextReference += 1
            }
        }
        try flush()
        try writer.finish()
        return written
    }

    /// Buys below 100.0000 and sells above it: the books never cross.
    static func price(isBuy: Bool, _ random: inout BenchRandom) -> UInt32 {
        UInt32(isBuy ? 999_900 - 100 * random.below(500) : 1_000_100 + 100 * random.below(500))
    }
}
