import CPrefetch
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
/// A table that would grow past `splitCapacity` slots splits instead into
/// 64 shards, by hash bits that neither the slot nor the tag uses, and from
/// then on each shard grows on its own. A live session collects millions of
/// ids in a day; doubling one table of that size stopped its event loop for
/// hundreds of milliseconds (a fresh array to fault in and zero, every entry
/// to move), long enough for a client's orders to queue up behind it. A
/// shard moves a 64th of that at a time. Smaller tables stay one shard, so
/// that a simulation's many sessions do not pay 64 small tables' growth.
///
/// - Complexity: expected O(1) per lookup and insert; 32 bytes per slot at a
///   load between 3/8 and 3/4 in each shard.
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

    /// One shard: a linear-probing table of its own.
    struct Shard {
        var entries = ClientOrderIDTable.emptyEntries
        /// entries.count - 1; the count is a power of two.
        var mask = 0
        /// Ids held.
        var count = 0

        init() {}

        /// An empty shard of `capacity` slots, a power of two.
        init(capacity: Int) {
            precondition(capacity >= 8 && capacity & (capacity - 1) == 0, "shard capacity \(capacity)")
            entries = ContiguousArray(repeating: Entry(), count: capacity)
            mask = capacity - 1
        }
    }

    /// Shards after the split.
    static var shardCount: Int { 64 }
    /// The largest one-shard table: 2 MiB of entries.
    static var splitCapacity: Int { 1 << 16 }
    /// A slot number is its shard above `localBits` and the shard's slot below.
    static let localBits = 48

    /// The one empty slot every shard starts with: a lookup reads tag 0 and
    /// stops, and the first insert grows the shard to a table of its own,
    /// so that sessions that never trade allocate nothing.
    static let emptyEntries = ContiguousArray<Entry>(repeating: Entry(), count: 1)
    static let emptyShards = ContiguousArray<Shard>(repeating: Shard(), count: 1)

    private var shards = ClientOrderIDTable.emptyShards
    /// shards.count - 1: 0 before the split, 63 after.
    private var shardMask = 0
    /// Ids held.
    private(set) var count = 0
    /// Slots in all shards; a slot found or inserted stays valid while this
    /// is unchanged (any shard's growth changes it).
    private(set) var capacity = 1

    init() {}

    /// Whether the table has split into shards: it holds more than
    /// 3/4 × `splitCapacity` ids (2 MiB of entries and more).
    var isSplit: Bool { shardMask != 0 }

    @inline(__always)
    static func tag(_ id: ClientOrderID, hash: UInt64) -> UInt32 {
        UInt32(truncatingIfNeeded: hash >> 40) << 8 | UInt32(id.length)
    }

    /// From bits 32...37 of the hash: below the tag's, and above any
    /// shard's slot bits (a shard never reaches 2^32 slots: order numbers
    /// are 32 bits).
    @inline(__always)
    func shard(of hash: UInt64) -> Int { Self.shard(of: hash, mask: shardMask) }

    @inline(__always)
    static func shard(of hash: UInt64, mask: Int) -> Int { Int(truncatingIfNeeded: hash >> 32) & mask }

    @inline(__always)
    static func slot(shard: Int, local: Int) -> Int { shard << localBits | local }

    @inline(__always)
    static func split(_ slot: Int) -> (shard: Int, local: Int) {
        (slot >> localBits, slot & (1 << localBits - 1))
    }

    /// The slot in `shard` holding `id`, or the empty slot where it would go.
    @inline(__always)
    func probe(_ id: ClientOrderID, hash: UInt64, in shard: Int) -> (local: Int, found: Bool) {
        let tag = Self.tag(id, hash: hash)
        // `shard` comes from `shard(of:)`, below the shard count: no bounds check.
        return shards.withUnsafeBufferPointer { shards in
            let mask = shards[shard].mask
            var slot = Int(truncatingIfNeeded: hash) & mask
            return shards[shard].entries.withUnsafeBufferPointer { entries in
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
    }

    /// Starts bringing `id`'s home slot towards the cache, and waits for
    /// nothing (`exsim_prefetch`). Called for each of a batch of ids before
    /// any of them is looked up, so that their cache misses overlap, where
    /// lookups one request at a time would wait for each in turn. In a
    /// table of millions of ids (a day of live order entry) nearly every
    /// home slot misses the cache. Changes nothing.
    @inline(__always)
    func prefetchHome(_ id: ClientOrderID) {
        let hash = id.probeHash
        let shard = shard(of: hash)
        shards.withUnsafeBufferPointer { shards in
            let slot = Int(truncatingIfNeeded: hash) & shards[shard].mask
            shards[shard].entries.withUnsafeBufferPointer { exsim_prefetch($0.baseAddress.unsafelyUnwrapped + slot) }
        }
    }

    /// The slot of `id`, if it was used today.
    @inline(__always)
    func find(_ id: ClientOrderID) -> Int? {
        let hash = id.probeHash
        let shard = shard(of: hash)
        let (local, found) = probe(id, hash: hash, in: shard)
        return found ? Self.slot(shard: shard, local: local) : nil
    }

    /// Marks `id` used, naming no order; `inserted` is false when it already was.
    @inline(__always)
    mutating func insert(_ id: ClientOrderID) -> (slot: Int, inserted: Bool) {
        let hash = id.probeHash
        var shard = shard(of: hash)
        var (local, found) = probe(id, hash: hash, in: shard)
        if found { return (Self.slot(shard: shard, local: local), false) }
        if (shards[shard].count + 1) * 4 > shards[shard].entries.count * 3 {
            if shardMask == 0, shards[0].entries.count >= Self.splitCapacity {
                split()
                shard = self.shard(of: hash)
            } else {
                grow(shard)
            }
            local = probe(id, hash: hash, in: shard).local
        }
        Self.store(Entry(word0: id.word0, word1: id.word1, word2: id.word2, tag: Self.tag(id, hash: hash), order: 0),
                   at: local, in: &shards[shard])
        count += 1
        return (Self.slot(shard: shard, local: local), true)
    }

    /// One access to the shard for both of an insert's writes.
    @inline(__always)
    private static func store(_ entry: Entry, at local: Int, in shard: inout Shard) {
        shard.entries[local] = entry
        shard.count += 1
    }

    /// The open order the id in `slot` names, or nil.
    @inline(__always)
    func order(at slot: Int) -> OrderID? {
        let (shard, local) = Self.split(slot)
        let order = shards[shard].entries[local].order
        return order == 0 ? nil : OrderID(UInt64(order))
    }

    /// Makes the id in `slot` name `order` (nil: none).
    @inline(__always)
    mutating func setOrder(_ order: OrderID?, at slot: Int) {
        let (shard, local) = Self.split(slot)
        precondition(shards[shard].entries[local].tag != 0, "slot \(slot) holds no client id")
        guard let order else {
            shards[shard].entries[local].order = 0
            return
        }
        // Engines number orders densely from 1; the desk's order table caps them the same way.
        precondition(order.rawValue > 0 && order.rawValue <= UInt64(UInt32.max), "order id \(order) out of range")
        shards[shard].entries[local].order = UInt32(truncatingIfNeeded: order.rawValue)
    }

    /// The client id in `slot`.
    func clientID(at slot: Int) -> ClientOrderID {
        let (shard, local) = Self.split(slot)
        let entry = shards[shard].entries[local]
        precondition(entry.tag != 0, "slot \(slot) holds no client id")
        return ClientOrderID(word0: entry.word0, word1: entry.word1, word2: entry.word2,
                             length: UInt8(truncatingIfNeeded: entry.tag & 0xFF))
    }

    /// Doubles one shard.
    private mutating func grow(_ shard: Int) {
        let old = shards[shard].entries
        var grown = Shard(capacity: Swift.max(8, old.count * 2))
        grown.entries.withUnsafeMutableBufferPointer { grown in
            old.withUnsafeBufferPointer { old in
                for entry in old where entry.tag != 0 { Self.place(entry, in: grown) }
            }
        }
        grown.count = shards[shard].count
        shards[shard] = grown
        capacity += grown.entries.count - old.count
    }

    /// Replaces the one shard by `shardCount` shards that hold twice its
    /// slots between them: a doubling, spread over shards that grow alone
    /// from now on.
    private mutating func split() {
        precondition(shardMask == 0 && shards.count == 1, "the table splits once")
        let whole = shards[0].entries
        let mask = Self.shardCount - 1
        var split = ContiguousArray((0..<Self.shardCount).map { _ in Shard(capacity: whole.count * 2 / Self.shardCount) })
        whole.withUnsafeBufferPointer { whole in
            for entry in whole where entry.tag != 0 {
                let shard = Self.shard(of: Self.hash(entry), mask: mask)
                split[shard].entries.withUnsafeMutableBufferPointer { Self.place(entry, in: $0) }
                split[shard].count += 1
            }
        }
        shards = split
        shardMask = mask
        capacity = whole.count * 2
    }

    /// Puts an entry of a smaller table into its slot in `entries`, by its
    /// words' hash, without rebuilding its id and without bounds checks:
    /// every slot is below the capacity, a power of two. Only for growing,
    /// so a free slot is always found.
    @inline(__always)
    private static func place(_ entry: Entry, in entries: UnsafeMutableBufferPointer<Entry>) {
        let mask = entries.count - 1
        var slot = Int(truncatingIfNeeded: hash(entry)) & mask
        while entries[slot].tag != 0 { slot = (slot + 1) & mask }
        entries[slot] = entry
    }

    /// `ClientOrderID.probeHash` of the id an entry holds.
    @inline(__always)
    static func hash(_ entry: Entry) -> UInt64 {
        mixBits(entry.word0 ^ (entry.word1 &* 0x9E37_79B9_7F4A_7C15) ^ (entry.word2 &* 0xC2B2_AE3D_27D4_EB4F)
            ^ UInt64(entry.tag & 0xFF) << 59)
    }

    /// Traps if an id is unreachable from its home slot or sits in another
    /// hash's shard, a tag is stale, or a count or the capacity is off.
    func checkInvariants() {
        var live = 0
        var slots = 0
        for shard in shards.indices {
            let entries = shards[shard].entries
            var liveInShard = 0
            for local in 0..<entries.count where entries[local].tag != 0 {
                liveInShard += 1
                let slot = Self.slot(shard: shard, local: local)
                let id = clientID(at: slot)
                precondition(entries[local].tag == Self.tag(id, hash: id.probeHash), "slot \(slot) has a stale tag")
                precondition(Self.hash(entries[local]) == id.probeHash, "entry hash differs from the id's")
                precondition(self.shard(of: id.probeHash) == shard, "id at \(slot) in the wrong shard")
                precondition(find(id) == slot, "id at \(slot) unreachable")
            }
            precondition(liveInShard == shards[shard].count, "shard \(shard) counts \(shards[shard].count) but holds \(liveInShard)")
            precondition(shards[shard].count * 4 <= entries.count * 3, "shard \(shard) loaded above 3/4")
            precondition(entries.count & (entries.count - 1) == 0, "shard \(shard) capacity not a power of two")
            precondition(shards[shard].mask == entries.count - 1, "shard \(shard) mask off")
            precondition(shardMask == 0 || entries.count >= 8, "a split shard with fewer than 8 slots")
            live += liveInShard
            slots += entries.count
        }
        precondition(live == count, "count \(count) but \(live) ids")
        precondition(slots == capacity, "capacity \(capacity) but \(slots) slots")
        precondition(shards.count == shardMask + 1 && (shardMask == 0 || shards.count == Self.shardCount),
                     "\(shards.count) shards under mask \(shardMask)")
    }
}
