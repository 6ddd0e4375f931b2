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
        var store = FIXOutboundStore(capacityMessages: 100, initialMessages: 4)
        #expect(store.slotCount == 4)
        record(&store, 1...4)
        #expect(store.slotCount == 4, "no eviction yet, no growth")
        record(&store, 5...50)
        #expect(store.slotCount == 64, "4 doubled four times")
        #expect((1...50).allSatisfy { store.contains($0) })
        let held = store.message(37)
        #expect(held?.sendingTimeNs == 37 && held?.body == withUnsafeBytes(of: Int64(37)) { Array($0) })
        store.checkInvariants()
        // Then to its capacity, 100 (not 128), and evicting from there on.
        record(&store, 51...250)
        #expect(store.slotCount == 100)
        #expect(!store.contains(150) && (151...250).allSatisfy { store.contains($0) })
        store.checkInvariants()
    }
}
