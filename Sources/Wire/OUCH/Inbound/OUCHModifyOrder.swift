/// OUCH 4.2 Modify Order ('M', 20 bytes, client to exchange): Changes the side (among S, T, E only) or reduces the shares of an order.
public struct OUCHModifyOrder: Hashable, Sendable {
    public static let messageType: UInt8 = 0x4D // M
    public static let length = 20

    /// The order token. Offset 1.
    public var token: OUCHToken
    /// Buy, sell, sell short or sell short exempt. Offset 15.
    public var side: OUCHSide
    /// New intended size. Offset 16.
    public var shares: UInt32

    @inlinable
    public init(token: OUCHToken, side: OUCHSide, shares: UInt32) {
        self.token = token
        self.side = side
        self.shares = shares
    }

    /// Decodes one whole message, type byte first; `buffer.count` must be 20.
    @inlinable
    public init(decoding buffer: UnsafeRawBufferPointer) throws(WireDecodingError) {
        try checkOUCHLayout(buffer, type: Self.messageType, length: Self.length)
        token = buffer.readOUCHToken(at: 1)
        side = try OUCHSide.decode(buffer, at: 15)
        shares = buffer.readUInt32BE(at: 16)
    }

    /// Writes the message at the start of `buffer` and returns its length (20).
    @inlinable @discardableResult
    public func encode(into buffer: UnsafeMutableRawBufferPointer) -> Int {
        precondition(buffer.count >= Self.length, "OUCH Modify Order needs 20 bytes")
        buffer.writeUInt8(Self.messageType, at: 0)
        buffer.writeOUCHToken(token, at: 1)
        buffer.writeUInt8(side.rawValue, at: 15)
        buffer.writeUInt32BE(shares, at: 16)
        return Self.length
    }
}
