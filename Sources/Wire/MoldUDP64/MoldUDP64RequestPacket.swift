// MoldUDP64 request packet (client to re-request server, unicast): exactly
// 20 bytes, Session 0:10, Sequence Number 10:8 (first message wanted),
// Requested Message Count 18:2.

/// A re-request for `requestedMessageCount` messages from `sequenceNumber` on.
public struct MoldUDP64RequestPacket: Hashable, Sendable {
    public static let length = 20

    public var session: MoldUDP64SessionID
    public var sequenceNumber: UInt64
    public var requestedMessageCount: UInt16

    @inlinable
    public init(session: MoldUDP64SessionID, sequenceNumber: UInt64, requestedMessageCount: UInt16) {
        self.session = session
        self.sequenceNumber = sequenceNumber
        self.requestedMessageCount = requestedMessageCount
    }

    /// Decodes a datagram that must be exactly 20 bytes.
    @inlinable
    public init(decoding bytes: UnsafeRawBufferPointer) throws(WireDecodingError) {
        guard bytes.count >= Self.length else { throw .truncated(needed: Self.length, available: bytes.count) }
        guard bytes.count == Self.length else {
            throw .invalidField(name: "bytes after a request packet", offset: Self.length)
        }
        session = bytes.readMoldUDP64Session(at: 0)
        sequenceNumber = bytes.readUInt64BE(at: 10)
        requestedMessageCount = bytes.readUInt16BE(at: 18)
    }

    /// Writes the 20 bytes at the start of `buffer` and returns 20.
    @inlinable
    public func encode(into buffer: UnsafeMutableRawBufferPointer) -> Int {
        precondition(buffer.count >= Self.length, "a MoldUDP64 request needs 20 bytes")
        buffer.writeMoldUDP64Session(session, at: 0)
        buffer.writeUInt64BE(sequenceNumber, at: 10)
        buffer.writeUInt16BE(requestedMessageCount, at: 18)
        return Self.length
    }

    /// The 20 bytes as an array, for an action that carries them.
    public var bytes: [UInt8] {
        var bytes = [UInt8](repeating: 0, count: Self.length)
        bytes.withUnsafeMutableBytes { _ = encode(into: $0) }
        return bytes
    }
}
