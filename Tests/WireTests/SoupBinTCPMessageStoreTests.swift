import Testing
@testable import Wire

/// The byte-ring replay store against a deliberately simple model: an array
/// of every message, of which the newest `messageLimit` must be held.
@Suite struct SoupBinTCPMessageStoreTests {
    /// Message `index`, `length` bytes long, every byte telling where it came from.
    static func message(_ index: Int, length: Int) -> [UInt8] {
        (0..<length).map { UInt8(truncatingIfNeeded: index &* 31 &+ $0) }
    }

    static func stored(_ store: SoupBinTCPMessageStore, _ sequenceNumber: UInt64) -> [UInt8] {
        store.withMessage(sequenceNumber) { Array($0) }
    }

    @Test func holdsEveryMessageUntilTheLimitThenDropsTheOldest() {
        var store = SoupBinTCPMessageStore(firstSequenceNumber: 1, messageLimit: 5, maximumMessageByteCount: 80)
        var sent: [[UInt8]] = []
        for index in 0..<12 {
            let message = Self.message(index, length: 20 + index)
            sent.append(message)
            let sequenceNumber = message.withUnsafeBytes { store.append($0) }
            #expect(sequenceNumber == UInt64(index + 1))
            store.checkInvariants()
        }
        #expect(store.count == 5)
        #expect(store.oldestSequenceNumber == 8 && store.nextSequenceNumber == 13)
        #expect(!store.contains(7) && store.contains(8) && store.contains(12) && !store.contains(13))
        for sequenceNumber in UInt64(8)...12 {
            #expect(Self.stored(store, sequenceNumber) == sent[Int(sequenceNumber) - 1])
        }
        #expect(store.byteCount == sent[7...].reduce(0) { $0 + $1.count })
    }

    @Test func messagesThatWrapPastTheRingsEndReadBackWhole() {
        // 512 bytes of ring hold 10 messages of 50 bytes; the 11th starts at 500 and wraps.
        var store = SoupBinTCPMessageStore(messageLimit: 10, maximumMessageByteCount: 51)
        var sent: [[UInt8]] = []
        for index in 0..<40 {
            let message = Self.message(index, length: 50)
            sent.append(message)
            _ = message.withUnsafeBytes { store.append($0) }
            store.checkInvariants()
            for sequenceNumber in store.oldestSequenceNumber..<store.nextSequenceNumber {
                #expect(Self.stored(store, sequenceNumber) == sent[Int(sequenceNumber) - 1])
            }
        }
        #expect(store.byteCapacity == 512, "ten 50-byte messages fit the first ring")
    }

    @Test func growsByDoublingAndKeepsPositionsAcrossAGrowth() {
        var store = SoupBinTCPMessageStore(messageLimit: 100, maximumMessageByteCount: 128)
        #expect(store.byteCapacity == 0, "nothing is allocated before the first message")
        var sent: [[UInt8]] = []
        for index in 0..<300 {
            // Lengths vary so that growths happen while the held bytes wrap.
            let message = Self.message(index, length: (index * 37) % 129)
            sent.append(message)
            _ = message.withUnsafeBytes { store.append($0) }
            store.checkInvariants()
        }
        #expect(store.count == 100)
        #expect(store.byteCapacity >= store.byteCount && store.byteCapacity.nonzeroBitCount == 1)
        for sequenceNumber in store.oldestSequenceNumber..<store.nextSequenceNumber {
            #expect(Self.stored(store, sequenceNumber) == sent[Int(sequenceNumber) - 1])
        }
    }

    @Test func agreesWithAModelUnderRandomLengthsAndLimits() {
        var state: UInt64 = 12_345
        func next(_ bound: Int) -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((state >> 33) % UInt64(bound))
        }
        for round in 0..<20 {
            let limit = 1 + next(40)
            let maximum = next(100)
            let first = UInt64(1 + next(1_000))
            var store = SoupBinTCPMessageStore(firstSequenceNumber: first, messageLimit: limit, maximumMessageByteCount: maximum)
            var model: [[UInt8]] = []
            for index in 0..<(50 + next(300)) {
                let message = Self.message(round &* 1_000 &+ index, length: maximum == 0 ? 0 : next(maximum + 1))
                model.append(message)
                let sequenceNumber = message.withUnsafeBytes { store.append($0) }
                #expect(sequenceNumber == first + UInt64(model.count - 1))
            }
            store.checkInvariants()
            #expect(store.count == min(limit, model.count))
            #expect(store.nextSequenceNumber == first + UInt64(model.count))
            for sequenceNumber in store.oldestSequenceNumber..<store.nextSequenceNumber {
                #expect(Self.stored(store, sequenceNumber) == model[Int(sequenceNumber - first)])
            }
        }
    }

    @Test func aLimitOfOneKeepsOnlyTheNewest() {
        var store = SoupBinTCPMessageStore(messageLimit: 1, maximumMessageByteCount: 8)
        for index in 0..<5 { _ = Self.message(index, length: 1 + index).withUnsafeBytes { store.append($0) } }
        store.checkInvariants()
        #expect(store.count == 1 && store.oldestSequenceNumber == 5)
        #expect(Self.stored(store, 5) == Self.message(4, length: 5))
        #expect(store.byteCount == 5)
    }
}
