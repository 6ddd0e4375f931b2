/// Bytes in flight between participants and venues, copied into fixed
/// slots of memory that the store owns, so that a message costs one copy
/// in and a pointer out, and a steady flow allocates nothing once warm.
///
/// Messages were once kept as arrays swapped in and out of the senders'
/// buffers: no copy, but every message paid for uniqueness checks,
/// retains and releases on three arrays, which cost more than copying the
/// few hundred bytes a message holds.
///
/// A slot's memory never moves: slots are carved from blocks that live as
/// long as the store, and a slot that must hold more than its share gets a
/// larger region of its own, kept for its later messages. So the pointer
/// `bytes(of:)` returns stays valid, whatever else is stored, until its
/// slot is released.
struct MessageStore {
    @usableFromInline
    struct Slot {
        var base: UnsafeMutableRawPointer
        var capacity: Int32
        var length: Int32
    }

    /// Bytes of a slot carved from a block: a burst of reports to one
    /// connection fits; more goes to a region of the slot's own.
    static let inlineSlotBytes = 512
    static let slotsPerBlock = 64

    private var slots: ContiguousArray<Slot> = []
    private var free: ContiguousArray<Int32> = []
    private var memory = Memory()

    init() {}

    /// Copies a message into a free slot and returns the slot.
    mutating func store(_ bytes: UnsafeRawBufferPointer) -> Int32 {
        if !isKnownUniquelyReferenced(&memory) { copyMemory() }
        if free.isEmpty { addBlock() }
        let slot = free.removeLast()
        let index = Int(slot)
        if bytes.count > Int(slots[index].capacity) {
            let capacity = max(bytes.count, Int(slots[index].capacity) * 2)
            slots[index].base = memory.allocate(byteCount: capacity)
            slots[index].capacity = Int32(capacity)
        }
        if let source = bytes.baseAddress {
            slots[index].base.copyMemory(from: source, byteCount: bytes.count)
        }
        slots[index].length = Int32(bytes.count)
        return slot
    }

    /// The bytes in a slot, valid until the slot is released.
    func bytes(of slot: Int32) -> UnsafeRawBufferPointer {
        let entry = slots[Int(slot)]
        return UnsafeRawBufferPointer(start: entry.base, count: Int(entry.length))
    }

    /// Frees a slot for the next message.
    mutating func release(_ slot: Int32) {
        precondition(slots[Int(slot)].length >= 0, "slot \(slot) released twice")
        slots[Int(slot)].length = -1
        free.append(slot)
    }

    /// A copied store (a copied simulation) gets memory of its own before
    /// it writes, as an array would.
    private mutating func copyMemory() {
        let copy = Memory()
        var index = 0
        while index < slots.count {
            let count = min(Self.slotsPerBlock, slots.count - index)
            let block = copy.allocate(byteCount: Self.inlineSlotBytes * count)
            for offset in 0..<count {
                let old = slots[index + offset]
                var slot = Slot(base: block + offset * Self.inlineSlotBytes, capacity: Int32(Self.inlineSlotBytes), length: old.length)
                if old.capacity > slot.capacity {
                    slot.base = copy.allocate(byteCount: Int(old.capacity))
                    slot.capacity = old.capacity
                }
                if old.length > 0 { slot.base.copyMemory(from: old.base, byteCount: Int(old.length)) }
                slots[index + offset] = slot
            }
            index += count
        }
        memory = copy
    }

    private mutating func addBlock() {
        let block = memory.allocate(byteCount: Self.inlineSlotBytes * Self.slotsPerBlock)
        let first = slots.count
        for index in 0..<Self.slotsPerBlock {
            slots.append(Slot(base: block + index * Self.inlineSlotBytes, capacity: Int32(Self.inlineSlotBytes), length: -1))
        }
        // Handed out lowest first, so a quiet run touches one block.
        for slot in (first..<slots.count).reversed() { free.append(Int32(slot)) }
    }

    /// A 64-bit fingerprint of a message's bytes, for the trace digest: two
    /// runs that put different bytes on the wire get different digests.
    static func fingerprint(_ bytes: UnsafeRawBufferPointer) -> UInt64 {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325 ^ UInt64(bytes.count)
        var offset = 0
        while offset + 8 <= bytes.count {
            hash = (hash ^ bytes.loadUnaligned(fromByteOffset: offset, as: UInt64.self)) &* 0x0000_0100_0000_01B3
            hash ^= hash >> 29
            offset += 8
        }
        while offset < bytes.count {
            hash = (hash ^ UInt64(bytes[offset])) &* 0x0000_0100_0000_01B3
            offset += 1
        }
        return hash
    }

    /// Owns every region the slots point into, and frees them with the store.
    private final class Memory {
        private var regions: [UnsafeMutableRawPointer] = []

        func allocate(byteCount: Int) -> UnsafeMutableRawPointer {
            let region = UnsafeMutableRawPointer.allocate(byteCount: byteCount, alignment: 16)
            regions.append(region)
            return region
        }

        deinit {
            for region in regions { region.deallocate() }
        }
    }
}
