/// A client's identifier for an order: an OUCH token (14 bytes) or a FIX
/// ClOrdID (up to 24 bytes here), held inline as bytes so that looking one up
/// never allocates.
public struct ClientOrderID: Hashable, Sendable, CustomStringConvertible {
    /// The widest identifier accepted; longer ClOrdIDs are rejected.
    public static let maximumLength = 24

    @usableFromInline var word0: UInt64 = 0
    @usableFromInline var word1: UInt64 = 0
    @usableFromInline var word2: UInt64 = 0
    @usableFromInline var length: UInt8 = 0

    /// The identifier's length in bytes.
    public var count: Int { Int(length) }

    /// nil when `bytes` is empty or longer than `maximumLength`.
    @inlinable
    public init?(bytes: UnsafeRawBufferPointer) {
        guard !bytes.isEmpty, bytes.count <= Self.maximumLength else { return nil }
        var words: (UInt64, UInt64, UInt64) = (0, 0, 0)
        withUnsafeMutableBytes(of: &words) { storage in
            storage.copyMemory(from: bytes)
        }
        word0 = words.0
        word1 = words.1
        word2 = words.2
        length = UInt8(bytes.count)
    }

    /// From words in the layout `init(bytes:)` gives them: bytes in memory
    /// order, zero past `length`. For conversions that work on whole words.
    @inlinable
    init(word0: UInt64, word1: UInt64, word2: UInt64, length: UInt8) {
        precondition(length >= 1 && Int(length) <= Self.maximumLength)
        self.word0 = word0
        self.word1 = word1
        self.word2 = word2
        self.length = length
    }

    public init?(_ text: some StringProtocol) {
        let bytes = Array(text.utf8)
        guard let id = bytes.withUnsafeBytes({ ClientOrderID(bytes: $0) }) else { return nil }
        self = id
    }

    /// Calls `body` with the identifier's bytes.
    @inlinable
    public func withBytes<Result>(_ body: (UnsafeRawBufferPointer) throws -> Result) rethrows -> Result {
        var words = (word0, word1, word2)
        let byteCount = Int(length)
        return try withUnsafeBytes(of: &words) { try body(UnsafeRawBufferPointer(rebasing: $0[0..<byteCount])) }
    }

    public static func == (lhs: ClientOrderID, rhs: ClientOrderID) -> Bool {
        lhs.word0 == rhs.word0 && lhs.word1 == rhs.word1 && lhs.word2 == rhs.word2 && lhs.length == rhs.length
    }

    /// One word into the hasher instead of four: these ids are looked up
    /// several times per message, and most fit in the first word.
    public func hash(into hasher: inout Hasher) {
        hasher.combine(word0 ^ (word1 &* 0x9E37_79B9_7F4A_7C15) ^ (word2 &* 0xC2B2_AE3D_27D4_EB4F) ^ UInt64(length))
    }

    public var description: String { withBytes { String(decoding: $0, as: UTF8.self) } }
}
