import CPrefetch
import MatchingEngine

/// A key an `OpenAddressingMap` can hold: equality plus a well-mixed 64-bit
/// hash that does not depend on the process (no per-process seed), so a
/// map's layout is the same in every run.
public protocol OpenAddressingKey: Equatable {
    /// Bits spread over the whole word: the map uses the low bits for the
    /// home slot, and keeps the low 31 in a tag.
    var probeHash: UInt64 { get }
}

/// The tags of every map that has not stored anything yet: one empty slot.
@usableFromInline let openAddressingEmptyTags: ContiguousArray<UInt32> = [0]

/// A hash map with linear probing in flat arrays, for the identifiers an
/// order carries on its way through a gateway and a client (client order
/// ids, engine order ids). Swift's `Dictionary` seeds and runs SipHash on
/// every lookup; here a lookup is one multiply-mix, then a scan of 4-byte
/// tags that touches a key only when its tag matches. A tag holds the low
/// 31 bits of the key's hash: its home slot and, in a table of 2^k slots,
/// 31 − k bits more that tell apart keys sharing a home slot.
///
/// Removal shifts the following entries back (no tombstones), so probe
/// sequences stay short under churn. The load stays at most 3/4.
///
/// Iteration (`forEach`) follows slot order: the same in every run, but
/// unrelated to insertion order; callers must not let it reach output.
///
/// - Complexity: expected O(1) per lookup, insert and removal.
public struct OpenAddressingMap<Key: OpenAddressingKey, Value> {
    /// 0 marks an empty slot; otherwise the key's low 31 hash bits, shifted
    /// up, with the low bit set. They hold the entry's home slot, so a
    /// removal decides which entries to shift back from this dense array
    /// alone, without reading their keys or hashing them again.
    @usableFromInline var tags: ContiguousArray<UInt32>
    @usableFromInline var entries: ContiguousArray<(key: Key, value: Value)?>
    /// Capacity - 1; the capacity is a power of two.
    @usableFromInline var mask: Int
    @usableFromInline var storedCount = 0

    /// A map that holds `minimumCapacity` entries before it grows. With no
    /// capacity asked for, it allocates nothing until the first insert:
    /// every session of a venue holds several maps, and most simulated
    /// participants use few entries, so a hundred thousand sessions must not
    /// each pay for tables up front.
    @inlinable
    public init(minimumCapacity: Int = 0) {
        guard minimumCapacity > 0 else {
            // One shared empty slot: a lookup reads tag 0 and stops there,
            // and the first insert grows to a table of its own.
            tags = openAddressingEmptyTags
            entries = []
            mask = 0
            return
        }
        var capacity = 8
        while capacity * 3 < minimumCapacity * 4 { capacity *= 2 }
        precondition(capacity <= Self.maximumCapacity, "a map of more than 3 × 2^29 entries")
        tags = ContiguousArray(repeating: 0, count: capacity)
        entries = ContiguousArray(repeating: nil, count: capacity)
        mask = capacity - 1
    }

    /// Entries held.
    @inlinable public var count: Int { storedCount }
    @inlinable public var isEmpty: Bool { storedCount == 0 }

    /// Tables have at most this many slots, so that a tag holds every bit of a home slot.
    @usableFromInline static var maximumCapacity: Int { 1 << 31 }

    @inlinable
    static func tag(_ hash: UInt64) -> UInt32 { UInt32(truncatingIfNeeded: hash) << 1 | 1 }

    /// The home slot of the entry whose tag is `tag`.
    @inlinable
    static func home(ofTag tag: UInt32, mask: Int) -> Int { Int(tag >> 1) & mask }

    /// The slot holding `key`, or the empty slot where it would go.
    @inlinable
    func slot(of key: Key, hash: UInt64) -> (index: Int, found: Bool) {
        let tag = Self.tag(hash)
        let mask = self.mask
        var index = Int(truncatingIfNeeded: hash) & mask
        return tags.withUnsafeBufferPointer { tags in
            entries.withUnsafeBufferPointer { entries in
                while true {
                    let slotTag = tags[index]
                    if slotTag == 0 { return (index, false) }
                    if slotTag == tag, entries[index].unsafelyUnwrapped.key == key { return (index, true) }
                    index = (index + 1) & mask
                }
            }
        }
    }

    @inlinable
    public subscript(key: Key) -> Value? {
        get {
            let (index, found) = slot(of: key, hash: key.probeHash)
            return found ? entries[index].unsafelyUnwrapped.value : nil
        }
        set {
            if let newValue {
                updateValue(newValue, forKey: key)
            } else {
                removeValue(forKey: key)
            }
        }
    }

    @inlinable
    public func contains(_ key: Key) -> Bool { slot(of: key, hash: key.probeHash).found }

    /// Stores `value` under `key`; returns the value it replaced, if any.
    @inlinable
    @discardableResult
    public mutating func updateValue(_ value: Value, forKey key: Key) -> Value? {
        let hash = key.probeHash
        let (index, found) = slot(of: key, hash: hash)
        if found {
            let old = entries[index].unsafelyUnwrapped.value
            entries[index] = (key, value)
            return old
        }
        storeNew(key, value, hash: hash, at: index)
        return nil
    }

    /// Stores `value` under `key` unless the key is present; returns
    /// whether it was stored (a set's `insert`).
    @inlinable
    public mutating func insertIfAbsent(_ key: Key, value: Value) -> Bool {
        let hash = key.probeHash
        let (index, found) = slot(of: key, hash: hash)
        if found { return false }
        storeNew(key, value, hash: hash, at: index)
        return true
    }

    /// Starts bringing `key`'s home slot (its tag and its entry) towards
    /// the cache, and waits for nothing (`exsim_prefetch`). Changes nothing.
    /// A caller about to look up several keys prefetches all their home
    /// slots first: their cache misses then overlap, where one lookup after
    /// another would wait for each in turn. `mutating` only so that the
    /// arrays are reached in place: a non-mutating call on a map held in
    /// another value retains and releases both of them, which cost a feed
    /// handler's thread a fifth of its instructions.
    @inlinable
    public mutating func prefetch(_ key: Key) {
        let index = Int(truncatingIfNeeded: key.probeHash) & mask
        tags.withUnsafeBufferPointer { exsim_prefetch($0.baseAddress.unsafelyUnwrapped + index) }
        // An empty map has its one shared tag and no entries.
        entries.withUnsafeBufferPointer { entries in
            if index < entries.count { exsim_prefetch(entries.baseAddress.unsafelyUnwrapped + index) }
        }
    }

    /// Stores a key known to be absent in the free slot `index` its probe
    /// ended at, growing first (and probing again) past a load of 3/4.
    @inlinable @inline(__always)
    mutating func storeNew(_ key: Key, _ value: Value, hash: UInt64, at index: Int) {
        var index = index
        if (storedCount + 1) * 4 > tags.count * 3 {
            grow()
            index = slot(of: key, hash: hash).index
        }
        tags[index] = Self.tag(hash)
        entries[index] = (key, value)
        storedCount += 1
    }

    /// Lets `body` read and change the value under `key` (nil: absent) with
    /// one probe: a value set to nil is removed, a new one inserted.
    @inlinable
    public mutating func modifyValue<Result>(forKey key: Key, _ body: (inout Value?) -> Result) -> Result {
        let hash = key.probeHash
        let (index, found) = slot(of: key, hash: hash)
        var value: Value? = found ? entries[index].unsafelyUnwrapped.value : nil
        let result = body(&value)
        switch (found, value) {
        case (true, .some(let newValue)):
            entries[index] = (key, newValue)
        case (true, .none):
            remove(at: index)
        case (false, .some(let newValue)):
            storeNew(key, newValue, hash: hash, at: index)
        case (false, .none):
            break
        }
        return result
    }

    /// Removes `key`; returns its value, if it was present.
    @inlinable
    @discardableResult
    public mutating func removeValue(forKey key: Key) -> Value? {
        let (index, found) = slot(of: key, hash: key.probeHash)
        guard found else { return nil }
        let old = entries[index].unsafelyUnwrapped.value
        remove(at: index)
        return old
    }

    /// Empties slot `hole` and shifts back the entries after it whose home
    /// slot is not between the hole and themselves, so every entry stays
    /// reachable from its home slot without crossing an empty slot.
    @inlinable
    mutating func remove(at index: Int) {
        let mask = self.mask
        // Through buffer pointers: one uniqueness check per array for the
        // whole shift, not one per slot moved.
        tags.withUnsafeMutableBufferPointer { tags in
            entries.withUnsafeMutableBufferPointer { entries in
                var hole = index
                var next = (hole + 1) & mask
                while tags[next] != 0 {
                    let home = Self.home(ofTag: tags[next], mask: mask)
                    // Distance from home to `next` versus from the hole to `next`, cyclically.
                    if (next &- home) & mask >= (next &- hole) & mask {
                        tags[hole] = tags[next]
                        entries[hole] = entries[next]
                        hole = next
                    }
                    next = (next + 1) & mask
                }
                tags[hole] = 0
                entries[hole] = nil
            }
        }
        storedCount -= 1
    }

    /// Inlinable so that it is specialized with the map: the generic
    /// version compared and hashed keys through witness tables, at tens of
    /// thousands of instructions per growth.
    @inlinable
    mutating func grow() {
        let oldEntries = entries
        let capacity = max(8, tags.count * 2)
        precondition(capacity <= Self.maximumCapacity, "a map of more than 3 × 2^29 entries")
        tags = ContiguousArray(repeating: 0, count: capacity)
        entries = ContiguousArray(repeating: nil, count: capacity)
        mask = capacity - 1
        for entry in oldEntries {
            guard let entry else { continue }
            let hash = entry.key.probeHash
            let index = slot(of: entry.key, hash: hash).index
            tags[index] = Self.tag(hash)
            entries[index] = entry
        }
    }

    /// Calls `body` on every entry, in slot order (see the type's notes).
    @inlinable
    public func forEach(_ body: (Key, Value) throws -> Void) rethrows {
        for entry in entries {
            if let entry { try body(entry.key, entry.value) }
        }
    }

    /// Removes the entries `shouldBeRemoved` picks. O(capacity).
    @inlinable
    public mutating func removeAll(where shouldBeRemoved: (Key, Value) -> Bool) {
        var doomed: [Key] = []
        forEach { key, value in if shouldBeRemoved(key, value) { doomed.append(key) } }
        for key in doomed { removeValue(forKey: key) }
    }

    /// Traps if an entry is unreachable from its home slot or the count is off.
    public func checkInvariants() {
        var live = 0
        for index in 0..<tags.count where tags[index] != 0 {
            live += 1
            guard let entry = entries[index] else { preconditionFailure("tagged slot \(index) without an entry") }
            precondition(tags[index] == Self.tag(entry.key.probeHash), "slot \(index) has a stale tag")
            precondition(Self.home(ofTag: tags[index], mask: mask) == Int(truncatingIfNeeded: entry.key.probeHash) & mask,
                         "slot \(index)'s tag names another home slot")
            precondition(slot(of: entry.key, hash: entry.key.probeHash) == (index, true), "entry at \(index) unreachable")
        }
        precondition(live == storedCount, "count \(storedCount) but \(live) entries")
        precondition(storedCount * 4 <= tags.count * 3, "load above 3/4")
    }
}

extension OpenAddressingMap: Sendable where Key: Sendable, Value: Sendable {}

/// MurmurHash3's 64-bit finalizer: every input bit moves every output bit.
@inlinable
func mixBits(_ value: UInt64) -> UInt64 {
    var h = value
    h ^= h >> 33
    h &*= 0xFF51_AFD7_ED55_8CCD
    h ^= h >> 33
    h &*= 0xC4CE_B9FE_1A85_EC53
    h ^= h >> 33
    return h
}

extension ClientOrderID: OpenAddressingKey {
    @inlinable
    public var probeHash: UInt64 {
        mixBits(word0 ^ (word1 &* 0x9E37_79B9_7F4A_7C15) ^ (word2 &* 0xC2B2_AE3D_27D4_EB4F) ^ UInt64(length) << 59)
    }
}

extension OrderID: OpenAddressingKey {
    @inlinable
    public var probeHash: UInt64 { mixBits(rawValue) }
}
