/// A running 128-bit digest over every delivered event: its time, its kind
/// and its key fields. Two runs with the same digest delivered the same
/// events at the same times in the same order.
///
/// Two independent 64-bit lanes, each an xxHash64-style round per word; this
/// is a fingerprint for equality of runs, not a cryptographic hash.
public struct TraceDigest: Hashable, Sendable {
    @usableFromInline var laneA: UInt64 = 0x9E37_79B9_7F4A_7C15
    @usableFromInline var laneB: UInt64 = 0xC2B2_AE3D_27D4_EB4F
    /// Words absorbed so far.
    public var wordCount: UInt64 { absorbedWords }
    /// Inlinable storage for `wordCount`: every event absorbs two words or
    /// more, and a call into this module for each would cost more than the round.
    @usableFromInline var absorbedWords: UInt64 = 0

    public init() {}

    @inlinable
    public mutating func absorb(_ word: UInt64) {
        laneA = Self.round(laneA, word, prime: 0x9E37_79B1_85EB_CA87)
        laneB = Self.round(laneB, word ^ 0x27D4_EB2F_1656_67C5, prime: 0xC2B2_AE3D_27D4_EB4F)
        absorbedWords &+= 1
    }

    @inlinable public mutating func absorb(_ value: Int64) { absorb(UInt64(bitPattern: value)) }
    @inlinable public mutating func absorb(_ value: Int) { absorb(UInt64(bitPattern: Int64(value))) }
    @inlinable public mutating func absorb(_ value: UInt32) { absorb(UInt64(value)) }
    @inlinable public mutating func absorb(_ value: UInt8) { absorb(UInt64(value)) }

    @inlinable
    static func round(_ accumulator: UInt64, _ input: UInt64, prime: UInt64) -> UInt64 {
        var acc = accumulator &+ input &* 0xC2B2_AE3D_27D4_EB4F
        acc = (acc << 31) | (acc >> 33)
        return acc &* prime
    }

    @inlinable
    static func avalanche(_ value: UInt64) -> UInt64 {
        var h = value
        h ^= h >> 33
        h = h &* 0xFF51_AFD7_ED55_8CCD
        h ^= h >> 33
        h = h &* 0xC4CE_B9FE_1A85_EC53
        h ^= h >> 33
        return h
    }

    /// The digest's state folded into one word, cheap enough to take after
    /// every event: two runs whose words agree after an event agree, but for
    /// a 2^-64 chance, on everything absorbed up to it (`exsim run --twice`).
    @inlinable
    public var stateWord: UInt64 {
        laneA ^ (laneB &* 0x9E37_79B9_7F4A_7C15) ^ absorbedWords
    }

    /// The digest as 32 lowercase hex digits.
    public var hex: String {
        let a = Self.avalanche(laneA ^ absorbedWords)
        let b = Self.avalanche(laneB ^ (absorbedWords &* 0x9E37_79B9_7F4A_7C15))
        return Self.hex16(a) + Self.hex16(b)
    }

    static func hex16(_ value: UInt64) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }
}

/// An event that can describe itself to the trace digest: its kind and the
/// fields that identify it (never addresses or hash values).
public protocol TraceRecordable {
    func record(into digest: inout TraceDigest)
}
