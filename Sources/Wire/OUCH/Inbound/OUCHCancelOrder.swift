/// OUCH 4.2 Cancel Order ('X', 19 bytes, client to exchange): Reduces an order to a new intended size.
public struct OUCHCancelOrder: Hashable, Sendable {
    public static let messageType: UInt8 = 0x58 // X
    public static let length = 19

    /// The order token. Offset 1.
    public var token: OUCHToken
    /// New intended size: 0 cancels the whole order. Offset 15.
    public var shares: UInt32

    @inlinable
    public init(token: OUCHToken, shares: UInt32) {
        self.token = token
        self.shares = shares
    }

    /// Decodes one whole message, type byte first; `buffer.count` must be 19.
    @inlinable
    public init(decoding buffer: UnsafeRawBufferPointer) throws(WireDecodingError) {
        try checkOUCHLayout(buffer, type: Self.messageType, length: Self.length)
        token = buffer.readOUCHToken(at: 1)
        shares = buffer.readUInt32BE(at: 15)
    }

    /// Writes the message at the start of `buffer` and returns its length (19).
    @inlinable @discardableResult
    public func encode(into buffer: UnsafeMutableRawBufferPointer) -> Int {
        precondition(buffer.count >= Self.length, "OUCH Cancel Order needs 19 bytes")
        buffer.writeUInt8(Self.messageType, at: 0)
        buffer.writeOUCHToken(token, at: 1)
        buffer.writeUInt32BE(shares, at: 15)
        return Self.length
    }
}
