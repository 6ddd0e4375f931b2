// Fixed-capacity raw memory behind the FIX writer and parser, so that the
// per-byte and per-field work runs on plain pointers with no array
// bookkeeping (capacity, uniqueness) in between.

/// One raw allocation owned by a class, so that a value type holding it
/// frees it when its last copy goes away. Owners check uniqueness once per
/// message and clone before writing to a shared allocation.
@usableFromInline
final class FIXByteStorage {
    @usableFromInline let base: UnsafeMutableRawPointer
    @usableFromInline let capacityBytes: Int

    @usableFromInline
    init(capacityBytes: Int) {
        precondition(capacityBytes > 0)
        self.capacityBytes = capacityBytes
        base = UnsafeMutableRawPointer.allocate(byteCount: capacityBytes, alignment: 16)
        base.initializeMemory(as: UInt8.self, repeating: 0, count: capacityBytes)
    }

    /// A new allocation of `capacityBytes` holding the first `keptBytes` of this one.
    @usableFromInline
    func copy(capacityBytes: Int, keptBytes: Int) -> FIXByteStorage {
        precondition(keptBytes <= capacityBytes && keptBytes <= self.capacityBytes)
        let made = FIXByteStorage(capacityBytes: capacityBytes)
        made.base.copyMemory(from: base, byteCount: keptBytes)
        return made
    }

    deinit { base.deallocate() }
}

/// The FIX CheckSum (10): the byte sum modulo 256.
public enum FIXChecksum {
    /// The sum of `count` bytes at `start`, modulo 256.
    ///
    /// Adds eight bytes per step in four 16-bit lanes; a lane grows by at
    /// most 510 per step, so lanes are added up every 128 steps, before one
    /// could carry into its neighbour.
    @inlinable
    public static func sum(_ start: UnsafeRawPointer, count: Int) -> UInt8 {
        var total: UInt64 = 0
        var index = 0
        let evenMask: UInt64 = 0x00FF_00FF_00FF_00FF
        var wordsLeft = count >> 3
        while wordsLeft > 0 {
            var lanes: UInt64 = 0
            let steps = min(wordsLeft, 128)
            wordsLeft &-= steps
            for _ in 0..<steps {
                let word = UInt64(littleEndian: start.loadUnaligned(fromByteOffset: index, as: UInt64.self))
                lanes &+= (word & evenMask) &+ ((word >> 8) & evenMask)
                index &+= 8
            }
            total &+= (lanes & 0xFFFF) &+ (lanes >> 16 & 0xFFFF) &+ (lanes >> 32 & 0xFFFF) &+ (lanes >> 48)
        }
        while index < count {
            total &+= UInt64(start.load(fromByteOffset: index, as: UInt8.self))
            index &+= 1
        }
        return UInt8(truncatingIfNeeded: total)
    }

    /// The sum of `bytes` modulo 256.
    @inlinable
    public static func sum(_ bytes: UnsafeRawBufferPointer) -> UInt8 {
        guard let start = bytes.baseAddress else { return 0 }
        return sum(start, count: bytes.count)
    }
}

/// Decimal digits written straight into memory, two at a time.
public enum FIXDigits {
    /// How many decimal digits `value` has (1 for 0).
    @inlinable
    public static func count(_ value: UInt64) -> Int {
        var digits = 1
        var threshold: UInt64 = 10
        while value >= threshold {
            digits &+= 1
            if digits == 20 { break }
            threshold &*= 10
        }
        return digits
    }

    /// The two ASCII digits of `value` (below 100) as a little-endian pair.
    @inlinable @inline(__always)
    static func pair(_ value: UInt64) -> UInt16 {
        let tens = value / 10
        let ones = value &- tens &* 10
        return UInt16(truncatingIfNeeded: 0x3030 | tens | ones << 8)
    }

    /// Writes the `width` lowest decimal digits of `value` (zero-padded)
    /// ending just before `end`.
    @inlinable @inline(__always)
    static func write(_ value: UInt64, width: Int, endingAt end: UnsafeMutableRawPointer) {
        var rest = value
        var position = end
        var left = width
        while left >= 2 {
            let quotient = rest / 100
            position -= 2
            position.storeBytes(of: pair(rest &- quotient &* 100).littleEndian, as: UInt16.self)
            rest = quotient
            left &-= 2
        }
        if left == 1 {
            position -= 1
            position.storeBytes(of: UInt8(truncatingIfNeeded: 0x30 &+ rest % 10), as: UInt8.self)
        }
    }
}
