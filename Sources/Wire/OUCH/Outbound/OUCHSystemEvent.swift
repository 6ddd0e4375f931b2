/// OUCH 4.2 System Event ('S', 10 bytes, exchange to client): Start or end of day.
///
/// Like every outbound OUCH message it carries an 8-byte timestamp at offset 1.
public struct OUCHSystemEvent: Hashable, Sendable {
    public static let messageType: UInt8 = 0x53 // S
    public static let length = 10

    /// Nanoseconds since midnight. Offset 1.
    public var timestampNs: UInt64
    /// Event code (S start of day, E end of day). Offset 9.
    public var eventCode: UInt8

    @inlinable
    public init(timestampNs: UInt64, eventCode: UInt8) {
        self.timestampNs = timestampNs
        self.eventCode = eventCode
    }

    /// Decodes one whole message, type byte first; `buffer.count` must be 10.
    @inlinable
    public init(decoding buffer: UnsafeRawBufferPointer) throws(WireDecodingError) {
        try checkOUCHLayout(buffer, type: Self.messageType, length: Self.length)
        timestampNs = buffer.readUInt64BE(at: 1)
        eventCode = buffer.readUInt8(at: 9)
    }

    /// Writes the message at the start of `buffer` and returns its length (10).
    @inlinable @discardableResult
    public func encode(into buffer: UnsafeMutableRawBufferPointer) -> Int {
        precondition(buffer.count >= Self.length, "OUCH System Event needs 10 bytes")
        buffer.writeUInt8(Self.messageType, at: 0)
        buffer.writeUInt64BE(timestampNs, at: 1)
        buffer.writeUInt8(eventCode, at: 9)
        return Self.length
    }
}
