/// Bytes in flight between participants and venues, held in reusable slots
/// so that a steady flow of messages allocates nothing once warm: a slot's
/// buffer keeps its capacity when released and is refilled in place.
///
/// A value type with move-in, move-out access: a driver takes a slot's
/// buffer out while it delivers the bytes and hands it back emptied, so
/// neither a copy nor a class's dynamic exclusivity check happens per message.
struct MessageStore {
    private var buffers: [[UInt8]] = []
    private var free: [Int32] = []

    init() {}

    static let minimumBufferCapacity = 512

    /// Slots holding bytes not yet delivered.
    var liveCount: Int { buffers.count - free.count }

    /// Fills a free slot by swapping: `bytes` goes into the slot and gets
    /// back the slot's empty buffer, which kept its capacity.
    mutating func store(swapping bytes: inout [UInt8]) -> Int32 {
        let slot = allocate()
        swap(&buffers[Int(slot)], &bytes)
        return slot
    }

    /// A free slot, whose buffer is empty.
    mutating func allocate() -> Int32 {
        if let slot = free.popLast() { return slot }
        buffers.append([])
        return Int32(buffers.count - 1)
    }

    /// Moves a slot's buffer out; `put` or `release` gives it back.
    mutating func take(_ slot: Int32) -> [UInt8] {
        var bytes: [UInt8] = []
        swap(&buffers[Int(slot)], &bytes)
        return bytes
    }

    /// Puts a buffer taken out with `take` back into its slot.
    mutating func put(_ bytes: consuming [UInt8], in slot: Int32) {
        buffers[Int(slot)] = bytes
    }

    /// Frees a slot whose buffer was taken out, giving the buffer back
    /// emptied so its capacity serves the next message.
    mutating func release(_ slot: Int32, returning bytes: consuming [UInt8]) {
        // Consumed, so the buffer is unique here and empties in place; a
        // borrowed copy would make removeAll allocate a fresh buffer.
        bytes.removeAll(keepingCapacity: true)
        // Buffers circulate between clients' and venues' outputs: one sized
        // for a lone request would grow, copy by copy, under a venue's burst.
        if bytes.capacity < Self.minimumBufferCapacity { bytes.reserveCapacity(Self.minimumBufferCapacity) }
        buffers[Int(slot)] = bytes
        free.append(slot)
    }

    /// Frees a slot without looking at its bytes.
    mutating func release(_ slot: Int32) {
        release(slot, returning: take(slot))
    }

    /// A 64-bit fingerprint of a message's bytes, for the trace digest: two
    /// runs that put different bytes on the wire get different digests.
    static func fingerprint(_ message: [UInt8]) -> UInt64 {
        message.withUnsafeBytes { bytes in
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
}
