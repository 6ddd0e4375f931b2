/// Bytes in flight between participants and venues, held in reusable slots
/// so that a steady flow of messages allocates nothing once warm: a slot's
/// buffer keeps its capacity when released and is refilled in place.
///
/// A class, so that reading a slot while the simulation mutates its other
/// state never copies the store (a struct copy would be copied on write).
final class MessageStore {
    private var buffers: ContiguousArray<[UInt8]> = []
    private var free: ContiguousArray<Int32> = []

    init() {}

    /// Slots holding bytes not yet delivered.
    var liveCount: Int { buffers.count - free.count }

    /// Fills a new slot in place and returns it: `body` gets the slot's
    /// buffer, empty but with the capacity it kept, and swaps a filled
    /// buffer in, so bytes in flight are never copied.
    func fill(_ body: (inout [UInt8]) -> Void) -> Int32 {
        let slot: Int32
        if let free = free.popLast() {
            slot = free
        } else {
            buffers.append([])
            slot = Int32(buffers.count - 1)
        }
        body(&buffers[Int(slot)])
        return slot
    }

    func withBytes<Result>(_ slot: Int32, _ body: (UnsafeRawBufferPointer) throws -> Result) rethrows -> Result {
        try buffers[Int(slot)].withUnsafeBytes(body)
    }

    func count(_ slot: Int32) -> Int { buffers[Int(slot)].count }

    /// A 64-bit fingerprint of a slot's bytes, for the trace digest: two runs
    /// that put different bytes on the wire get different digests.
    func fingerprint(_ slot: Int32) -> UInt64 {
        buffers[Int(slot)].withUnsafeBytes { bytes in
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
    }

    func release(_ slot: Int32) {
        buffers[Int(slot)].removeAll(keepingCapacity: true)
        free.append(slot)
    }
}
