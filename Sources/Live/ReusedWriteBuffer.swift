import NIOCore

/// A write buffer kept for the next write of one channel. A channel holds
/// the buffer it was handed until it has written it; after that, the
/// buffer kept here is the only reference, and the next write fills it in
/// place, with no allocation. While the channel still holds it (a write
/// queued behind a slow reader), `clear()` finds it shared and gives the
/// next write fresh storage: queued bytes are never overwritten.
struct ReusedWriteBuffer {
    private var spare: ByteBuffer?
    let initialCapacity: Int

    init(initialCapacity: Int) {
        self.initialCapacity = initialCapacity
    }

    /// A buffer holding `bytes`, to hand to the channel.
    mutating func filled(with bytes: [UInt8], allocator: ByteBufferAllocator) -> ByteBuffer {
        // Taken out first, so that this struct's reference does not count
        // as a second owner when `clear()` checks.
        var buffer = spare.take() ?? allocator.buffer(capacity: max(bytes.count, initialCapacity))
        buffer.clear()
        buffer.writeBytes(bytes)
        spare = buffer
        return buffer
    }
}
