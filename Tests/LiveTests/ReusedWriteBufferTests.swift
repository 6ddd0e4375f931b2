import NIOCore
import Testing
@testable import Live

/// The venue's kept write buffer: filled in place once the channel has let
/// go of the last write, fresh while the channel still holds it.
@Suite struct ReusedWriteBufferTests {
    static func address(_ buffer: ByteBuffer) -> UInt {
        buffer.withUnsafeReadableBytes { UInt(bitPattern: $0.baseAddress) }
    }

    @Test func aWrittenBufferIsFilledAgainInPlaceAndAHeldOneIsNeverOverwritten() {
        let allocator = ByteBufferAllocator()
        var reused = ReusedWriteBuffer(initialCapacity: 64)
        var firstAddress: UInt = 0
        do {
            let first = reused.filled(with: [1, 2, 3], allocator: allocator)
            #expect(first.readableBytesView.elementsEqual([1, 2, 3]))
            firstAddress = Self.address(first)
            // The channel writes it and lets it go here.
        }
        let second = reused.filled(with: [4, 5], allocator: allocator)
        #expect(second.readableBytesView.elementsEqual([4, 5]))
        #expect(Self.address(second) == firstAddress, "the storage of the written buffer is used again")

        // `second` is still held, as by a channel whose reader is slow.
        let third = reused.filled(with: [6, 7, 8, 9], allocator: allocator)
        #expect(Self.address(third) != firstAddress, "held storage is not written over")
        #expect(second.readableBytesView.elementsEqual([4, 5]), "the queued bytes stay as they were")
        #expect(third.readableBytesView.elementsEqual([6, 7, 8, 9]))

        // Larger than the buffer: it grows, and the bytes are whole.
        let large = [UInt8](repeating: 0xAB, count: 1_000)
        #expect(reused.filled(with: large, allocator: allocator).readableBytesView.elementsEqual(large))
    }
}
