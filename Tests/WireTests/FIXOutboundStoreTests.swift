import Testing
@testable import Wire

/// The store of sent application messages that answers ResendRequest.
@Suite struct FIXOutboundStoreTests {
    func record(_ store: inout FIXOutboundStore, _ seqs: ClosedRange<Int64>) {
        for seq in seqs {
            withUnsafeBytes(of: seq) { store.record(msgSeqNum: seq, msgType: FIXMsgType(UInt8(ascii: "D")), sendingTimeNs: seq, body: $0) }
        }
    }

    @Test func aFixedStoreEvictsWhatIsOlderThanItsCapacity() {
        var store = FIXOutboundStore(capacityMessages: 8)
        record(&store, 1...20)
        #expect(store.slotCount == 8)
        #expect(!store.contains(12) && (13...20).allSatisfy { store.contains($0) })
        store.checkInvariants()
    }

    @Test func aGrowingStoreKeepsEverythingUpToItsCapacity() {
        var store = FIXOutboundStore(capacityMessages: 128, initialMessages: 4)
        #expect(store.slotCount == 4)
        record(&store, 1...4)
        #expect(store.slotCount == 4, "no eviction yet, no growth")
        record(&store, 5...50)
        #expect(store.slotCount == 64, "4 doubled four times")
        #expect((1...50).allSatisfy { store.contains($0) })
        let held = store.message(37)
        #expect(held?.sendingTimeNs == 37 && held?.body == withUnsafeBytes(of: Int64(37)) { Array($0) })
        store.checkInvariants()
        // Then to its capacity, 128, and evicting from there on.
        record(&store, 51...300)
        #expect(store.slotCount == 128)
        #expect(!store.contains(172) && (173...300).allSatisfy { store.contains($0) })
        store.checkInvariants()
    }

    /// Admin messages take sequence numbers but are not stored: the held
    /// ones lie further apart than the slots, and the store grows until the
    /// new one has a slot of its own.
    @Test func sparseMessagesAreKeptThroughSeveralDoublings() {
        var store = FIXOutboundStore(capacityMessages: 64, initialMessages: 2)
        let held: [Int64] = [1, 2, 6, 9, 17, 33, 34]
        for seq in held { record(&store, seq...seq) }
        #expect(held.allSatisfy { store.contains($0) }, "slots \(store.slotCount)")
        #expect(store.slotCount == 64, "33 met 1 at 32 slots")
        // At its capacity the store evicts: 65 takes 1's slot.
        record(&store, 65...65)
        #expect(!store.contains(1) && store.contains(65) && store.slotCount == 64)
        store.checkInvariants()
    }
}
