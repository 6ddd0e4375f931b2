import MatchingEngine

/// Every client order id one session used today, each with the engine order
/// it names while that order is open under it. The desk's only hash table:
/// a message's client id is looked up once where it enters, and the slot
/// found is carried along for the rest of the request.
///
/// Open addressing with linear probing over 32-byte entries that hold the
/// key's words, a tag (high hash bits and the id's length) and the order, so
/// a lookup usually touches one cache line. Entries are never removed (a
/// client id stays used for the day), so a slot keeps naming the same id
/// until the table grows; `capacity` changes exactly when slots move.
///
/// - Complexity: expected O(1) per lookup and insert; 32 bytes per slot at a
///   load between 3/8 and 3/4.
struct ClientOrderIDTable {
    struct Entry {
        var word0: UInt64 = 0
        var word1: UInt64 = 0
        var word2: UInt64 = 0
        /// 0 marks an empty slot; otherwise high hash bits above the id's
        /// length (1...24), which is never 0.
        var tag: UInt32 = 0
        /// The open order the id names, or 0 (engines number orders from 1).
        var order: UInt32 = 0
    }

    /// The one empty slot every table starts with: a lookup reads tag 0 and
    /// stops, and the first insert grows to a table of its own, so that
    /// sessions that never trade allocate nothing.
    static let emptyEntries = ContiguousArray<Entry>(repeating: Entry(), count: 1)

    private(set) var entries = ClientOrderIDTable.emptyEntries
    /// Capacity - 1; the capacity is a power of two.
    private var mask = 0
    /// Ids held.
    private(set) var count = 0

    init() {}

    /// Slots; a slot found or inserted stays valid while this is unchanged.
    var capacity: Int { entries.count }

    @inline(__always)
    static func tag(_ id: ClientOrderID, hash: UInt64) -> UInt32 {
        UInt32(truncatingIfNeeded: hash >> 40) << 8 | UInt32(id.length)
    }

    /// The slot holding `id`, or the empty slot where it would go.
    @inline(__always)
    func probe(_ id: ClientOrderID, hash: UInt64) -> (slot: Int, found: Bool) {
        let tag = Self.tag(id, hash: hash)
        var slot = Int(truncatingIfNeeded: hash) & mask
        return entries.withUnsafeBufferPointer { entries in
            while true {
                let entry = entries[slot]
                if entry.tag == 0 { return (slot, false) }
                if entry.tag == tag, entry.word0 == id.word0, entry.word1 == id.word1, entry.word2 == id.word2 {
                    return (slot, true)
                }
                slot = (slot + 1) & mask
            }
        }
    }

    /// Reads the tag of `id`'s home slot and returns it. Called for each of
    /// a batch of ids before any of them is looked up: these loads do not
    /// depend on each other, so the processor keeps many of their cache
    /// misses in flight at once, where lookups one request at a time wait
    /// for each miss in turn. In a table of millions of ids (a day of live
    /// order entry) nearly every home slot misses the cache.
    @inline(__always)
    func homeTag(_ id: ClientOrderID) -> UInt32 {
        let slot = Int(truncatingIfNeeded: id.probeHash) & mask
        return entries.withUnsafeBufferPointer { $0[slot].tag }
    }

    /// The slot of `id`, if it was used today.
    @inline(__always)
    func find(_ id: ClientOrderID) -> Int? {
        let (slot, found) = probe(id, hash: id.probeHash)
        return found ? slot : nil
    }

    /// Marks `id` used, naming no order; `inserted` is false when it already was.
    @inline(__always)
    mutating func insert(_ id: ClientOrderID) -> (slot: Int, inserted: Bool) {
        let hash = id.probeHash
        var (slot, found) = probe(id, hash: hash)
        if found { return (slot, false) }
        if (count + 1) * 4 > entries.count * 3 {
            grow()
            slot = probe(id, hash: hash).slot
        }
        entries[slot] = Entry(word0: id.word0, word1: id.word1, word2: id.word2, tag: Self.tag(id, hash: hash), order: 0)
        count += 1
        return (slot, true)
    }

    /// The open order the id in `slot` names, or nil.
    @inline(__always)
    func order(at slot: Int) -> OrderID? {
        let order = entries[slot].order
        return order == 0 ? nil : OrderID(UInt64(order))
    }

    /// Makes the id in `slot` name `order` (nil: none).
    @inline(__always)
    mutating func setOrder(_ order: OrderID?, at slot: Int) {
        precondition(entries[slot].tag != 0, "slot \(slot) holds no client id")
        guard let order else {
            entries[slot].order = 0
            return
        }
        // Engines number orders densely from 1; the desk's order table caps them the same way.
        precondition(order.rawValue > 0 && order.rawValue <= UInt64(UInt32.max), "order id \(order) out of range")
        entries[slot].order = UInt32(truncatingIfNeeded: order.rawValue)
    }

    /// The client id in `slot`.
    func clientID(at slot: Int) -> ClientOrderID {
        let entry = entries[slot]
        precondition(entry.tag != 0, "slot \(slot) holds no client id")
        return ClientOrderID(word0: entry.word0, word1: entry.word1, word2: entry.word2,
                             length: UInt8(truncatingIfNeeded: entry.tag & 0xFF))
    }

    /// Doubles the table. Entries move by their words' hash, without
    /// rebuilding ids, and without bounds checks: every slot is below `capacity`.
    private mutating func grow() {
        let capacity = Swift.max(8, entries.count * 2)
        let mask = capacity - 1
        var grown = ContiguousArray(repeating: Entry(), count: capacity)
        grown.withUnsafeMutableBufferPointer { grown in
            entries.withUnsafeBufferPointer { old in
                for entry in old where entry.tag != 0 {
                    var slot = Int(truncatingIfNeeded: Self.hash(entry)) & mask
                    while grown[slot].tag != 0 { slot = (slot + 1) & mask }
                    grown[slot] = entry
                }
            }
        }
        entries = grown
        self.mask = mask
    }

    /// `ClientOrderID.probeHash` of the id an entry holds.
    @inline(__always)
    static func hash(_ entry: Entry) -> UInt64 {
        mixBits(entry.word0 ^ (entry.word1 &* 0x9E37_79B9_7F4A_7C15) ^ (entry.word2 &* 0xC2B2_AE3D_27D4_EB4F)
            ^ UInt64(entry.tag & 0xFF) << 59)
    }

    /// Traps if an id is unreachable from its home slot, a tag is stale, or the count is off.
    func checkInvariants() {
        var live = 0
        for slot in 0..<entries.count where entries[slot].tag != 0 {
            live += 1
            let id = clientID(at: slot)
            precondition(entries[slot].tag == Self.tag(id, hash: id.probeHash), "slot \(slot) has a stale tag")
            precondition(Self.hash(entries[slot]) == id.probeHash, "entry hash differs from the id's")
            precondition(probe(id, hash: id.probeHash) == (slot, true), "id at \(slot) unreachable")
        }
        precondition(live == count, "count \(count) but \(live) ids")
        precondition(count * 4 <= entries.count * 3, "load above 3/4")
        precondition(entries.count & (entries.count - 1) == 0, "capacity not a power of two")
    }
}
