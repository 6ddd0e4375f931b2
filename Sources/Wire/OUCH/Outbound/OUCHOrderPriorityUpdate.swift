/// OUCH 4.2 Order Priority Update ('T', 36 bytes, exchange to client): A resting order changed price or display and lost priority.
///
/// Like every outbound OUCH message it carries an 8-byte timestamp at offset 1.
public struct OUCHOrderPriorityUpdate: Hashable, Sendable {
    public static let messageType: UInt8 = 0x54 // T
    public static let length = 36

    /// Nanoseconds since midnight. Offset 1.
    public var timestampNs: UInt64
    /// The order token. Offset 9.
    public var token: OUCHToken
    /// Price, 4 implied decimals (raw integer: 1234500 = 123.45). Offset 23.
    public var price: UInt32
    /// Display (ASCII code, e.g. Y, N, A, Z). Offset 27.
    public var display: UInt8
    /// Order reference number the exchange assigned. Offset 28.
    public var orderReferenceNumber: UInt64

    @inlinable
    public init(
        timestampNs: UInt64,
        token: OUCHToken,
        price: UInt32,
        display: UInt8,
        orderReferenceNumber: UInt64
    ) {
        self.timestampNs = timestampNs
        self.token = token
        self.price = price
        self.display = display
        self.orderReferenceNumber = orderReferenceNumber
    }

    /// Decodes one whole message, type byte first; `buffer.count` must be 36.
    @inlinable
    public init(decoding buffer: UnsafeRawBufferPointer) throws(WireDecodingError) {
        try checkOUCHLayout(buffer, type: Self.messageType, length: Self.length)
        timestampNs = buffer.readUInt64BE(at: 1)
        token = buffer.readOUCHToken(at: 9)
        price = buffer.readUInt32BE(at: 23)
        display = buffer.readUInt8(at: 27)
        orderReferenceNumber = buffer.readUInt64BE(at: 28)
    }

    /// Writes the message at the start of `buffer` and returns its length (36).
    @inlinable @discardableResult
    public func encode(into buffer: UnsafeMutableRawBufferPointer) -> Int {
        precondition(buffer.count >= Self.length, "OUCH Order Priority Update needs 36 bytes")
        buffer.writeUInt8(Self.messageType, at: 0)
        buffer.writeUInt64BE(timestampNs, at: 1)
        buffer.writeOUCHToken(token, at: 9)
        buffer.writeUInt32BE(price, at: 23)
        buffer.writeUInt8(display, at: 27)
        buffer.writeUInt64BE(orderReferenceNumber, at: 28)
        return Self.length
    }
}
