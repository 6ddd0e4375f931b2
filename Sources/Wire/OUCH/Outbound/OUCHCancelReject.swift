/// OUCH 4.2 Cancel Reject ('I', 23 bytes, exchange to client): A cancel request could not be honoured.
///
/// Like every outbound OUCH message it carries an 8-byte timestamp at offset 1.
public struct OUCHCancelReject: Hashable, Sendable {
    public static let messageType: UInt8 = 0x49 // I
    public static let length = 23

    /// Nanoseconds since midnight. Offset 1.
    public var timestampNs: UInt64
    /// The order token. Offset 9.
    public var token: OUCHToken

    @inlinable
    public init(timestampNs: UInt64, token: OUCHToken) {
        self.timestampNs = timestampNs
        self.token = token
    }

    /// Decodes one whole message, type byte first; `buffer.count` must be 23.
    @inlinable
    public init(decoding buffer: UnsafeRawBufferPointer) throws(WireDecodingError) {
        try checkOUCHLayout(buffer, type: Self.messageType, length: Self.length)
        timestampNs = buffer.readUInt64BE(at: 1)
        token = buffer.readOUCHToken(at: 9)
    }

    /// Writes the message at the start of `buffer` and returns its length (23).
    @inlinable @discardableResult
    public func encode(into buffer: UnsafeMutableRawBufferPointer) -> Int {
        precondition(buffer.count >= Self.length, "OUCH Cancel Reject needs 23 bytes")
        buffer.writeUInt8(Self.messageType, at: 0)
        buffer.writeUInt64BE(timestampNs, at: 1)
        buffer.writeOUCHToken(token, at: 9)
        return Self.length
    }
}
