// MoldUDP64 1.00 downstream packet (PROTOCOLS.md §2): Session 0:10,
// Sequence Number 10:8 (of the first message), Message Count 18:2, then
// Message Count message blocks. Count 0 is a heartbeat and 0xFFFF the end of
// session; both carry the next expected sequence number and no blocks.

/// The 20-byte header of a downstream packet.
public struct MoldUDP64Header: Hashable, Sendable {
    public static let length = 20
    /// Message Count of a heartbeat.
    public static let heartbeatCount: UInt16 = 0
    /// Message Count of an end-of-session packet.
    public static let endOfSessionCount: UInt16 = 0xFFFF
    /// The most messages one packet may carry (0xFFFF means end of session).
    public static let maximumMessageCount = Int(UInt16.max) - 1

    public var session: MoldUDP64SessionID
    /// The first message's sequence number; for heartbeat and end of
    /// session, the next sequence number the server will use.
    public var sequenceNumber: UInt64
    public var messageCount: UInt16

    @inlinable
    public init(session: MoldUDP64SessionID, sequenceNumber: UInt64, messageCount: UInt16) {
        self.session = session
        self.sequenceNumber = sequenceNumber
        self.messageCount = messageCount
    }

    /// A heartbeat: no messages, `nextSequenceNumber` is the next one to come.
    @inlinable
    public static func heartbeat(session: MoldUDP64SessionID, nextSequenceNumber: UInt64) -> MoldUDP64Header {
        MoldUDP64Header(session: session, sequenceNumber: nextSequenceNumber, messageCount: heartbeatCount)
    }

    @inlinable
    public static func endOfSession(session: MoldUDP64SessionID, nextSequenceNumber: UInt64) -> MoldUDP64Header {
        MoldUDP64Header(session: session, sequenceNumber: nextSequenceNumber, messageCount: endOfSessionCount)
    }

    /// Reads a header; the caller has checked that `bytes` holds 20 bytes.
    @inlinable
    init(unchecked bytes: UnsafeRawBufferPointer) {
        session = bytes.readMoldUDP64Session(at: 0)
        sequenceNumber = bytes.readUInt64BE(at: 10)
        messageCount = bytes.readUInt16BE(at: 18)
    }

    /// Writes the 20 bytes at the start of `buffer` and returns 20.
    @inlinable
    public func encode(into buffer: UnsafeMutableRawBufferPointer) -> Int {
        precondition(buffer.count >= Self.length, "a MoldUDP64 header needs 20 bytes")
        buffer.writeMoldUDP64Session(session, at: 0)
        buffer.writeUInt64BE(sequenceNumber, at: 10)
        buffer.writeUInt16BE(messageCount, at: 18)
        return Self.length
    }

    /// What the packet is, from its Message Count.
    @inlinable
    public var kind: MoldUDP64PacketKind {
        switch messageCount {
        case Self.heartbeatCount: return .heartbeat
        case Self.endOfSessionCount: return .endOfSession
        default: return .messages(count: Int(messageCount))
        }
    }
}

extension MoldUDP64Header {
    /// Reads the header of a whole downstream packet and checks what it can
    /// without walking the blocks: 20 bytes present, count-only packets bare,
    /// and the last message's sequence number representable.
    @inlinable
    public init(validatingPacket bytes: UnsafeRawBufferPointer) throws(WireDecodingError) {
        guard bytes.count >= MoldUDP64Header.length else {
            throw .truncated(needed: MoldUDP64Header.length, available: bytes.count)
        }
        self.init(unchecked: bytes)
        switch kind {
        case .heartbeat, .endOfSession:
            guard bytes.count == MoldUDP64Header.length else {
                throw .invalidField(name: "bytes after a count-only packet", offset: MoldUDP64Header.length)
            }
        case .messages(let count):
            guard sequenceNumber <= UInt64.max - UInt64(count) else {
                throw .invalidField(name: "sequence number", offset: 10)
            }
        }
    }

    /// The error for a packet whose block at `offset` does not fit in it.
    /// - Precondition: `offset` is within `packet` or at its end.
    @usableFromInline
    static func truncatedBlockError(in packet: UnsafeRawBufferPointer, at offset: Int) -> WireDecodingError {
        let available = packet.count - offset
        let needed = available < messageBlockLengthPrefixBytes
            ? messageBlockLengthPrefixBytes
            : messageBlockLengthPrefixBytes + Int(packet.readUInt16BE(at: offset))
        return .truncated(needed: needed, available: available)
    }
}

/// What a downstream packet carries.
public enum MoldUDP64PacketKind: Hashable, Sendable {
    case messages(count: Int)
    case heartbeat
    case endOfSession
}

/// A zero-copy view of one validated downstream packet.
///
/// Validation walks the blocks once: exactly Message Count blocks must fill
/// the datagram to its last byte, and heartbeat and end-of-session packets
/// must be bare headers. Iterating `messages` afterwards cannot fail.
public struct MoldUDP64PacketView {
    public let bytes: UnsafeRawBufferPointer
    public let header: MoldUDP64Header

    /// - Complexity: O(Message Count).
    @inlinable
    public init(validating bytes: UnsafeRawBufferPointer) throws(WireDecodingError) {
        let header = try MoldUDP64Header(validatingPacket: bytes)
        if case .messages(let count) = header.kind {
            let blocks = UnsafeRawBufferPointer(rebasing: bytes[MoldUDP64Header.length...])
            var iterator = MessageBlockIterator(blocks, blockLimit: count)
            var found = 0
            while iterator.next() != nil { found &+= 1 }
            guard found == count else {
                throw MoldUDP64Header.truncatedBlockError(in: bytes, at: MoldUDP64Header.length &+ iterator.offset)
            }
            guard iterator.offset == blocks.count else {
                throw .invalidField(name: "bytes after the last message block", offset: MoldUDP64Header.length &+ iterator.offset)
            }
        }
        self.bytes = bytes
        self.header = header
    }

    @inlinable public var session: MoldUDP64SessionID { header.session }
    @inlinable public var sequenceNumber: UInt64 { header.sequenceNumber }
    @inlinable public var kind: MoldUDP64PacketKind { header.kind }

    /// The messages, in sequence order from `sequenceNumber`; empty for
    /// heartbeat and end of session.
    @inlinable
    public var messages: MessageBlockIterator {
        let count: Int
        if case .messages(let messageCount) = header.kind { count = messageCount } else { count = 0 }
        return MessageBlockIterator(UnsafeRawBufferPointer(rebasing: bytes[MoldUDP64Header.length...]), blockLimit: count)
    }
}

/// Fills a caller-provided buffer with one downstream packet: messages are
/// appended as blocks until the next one would exceed the payload limit, then
/// `finish()` writes the header. Nothing is allocated.
public struct MoldUDP64PacketBuilder {
    /// A UDP payload that fits a 1500-byte Ethernet MTU with room for
    /// IP/UDP headers and VLAN tags.
    public static let defaultMaximumPayloadBytes = 1400

    public let buffer: UnsafeMutableRawBufferPointer
    /// The largest packet, header included, this builder will produce.
    public let maximumPayloadBytes: Int
    public var session: MoldUDP64SessionID
    public var sequenceNumber: UInt64 { _sequenceNumber }
    @usableFromInline var _sequenceNumber: UInt64
    public var messageCount: Int { _messageCount }
    @usableFromInline var _messageCount: Int = 0
    /// Bytes used so far, header included.
    public var byteCount: Int { _byteCount }
    @usableFromInline var _byteCount: Int = MoldUDP64Header.length

    /// - Precondition: `buffer` holds at least the 20-byte header, and
    ///   `maximumPayloadBytes` is at least 20.
    @inlinable
    public init(
        buffer: UnsafeMutableRawBufferPointer,
        session: MoldUDP64SessionID,
        sequenceNumber: UInt64,
        maximumPayloadBytes: Int = defaultMaximumPayloadBytes
    ) {
        precondition(maximumPayloadBytes >= MoldUDP64Header.length, "a packet needs room for its header")
        self.buffer = buffer
        self.maximumPayloadBytes = min(maximumPayloadBytes, buffer.count)
        precondition(self.maximumPayloadBytes >= MoldUDP64Header.length, "the buffer cannot hold a header")
        self.session = session
        self._sequenceNumber = sequenceNumber
    }

    @inlinable public var isEmpty: Bool { messageCount == 0 }

    /// Whether a message of `length` bytes fits in this packet.
    @inlinable
    public func canAppend(messageLength length: Int) -> Bool {
        messageCount < MoldUDP64Header.maximumMessageCount
            && maximumPayloadBytes - byteCount >= messageBlockLengthPrefixBytes + length
    }

    /// Encodes `message` as the next block; false (and nothing written) if it does not fit.
    @inlinable
    public mutating func append<Message: ITCHEncodable>(_ message: Message) -> Bool {
        guard canAppend(messageLength: message.encodedLength) else { return false }
        _byteCount += message.encodeBlock(into: UnsafeMutableRawBufferPointer(rebasing: buffer[byteCount..<maximumPayloadBytes]))
        _messageCount += 1
        return true
    }

    /// Copies `message` as the next block; false (and nothing written) if it does not fit.
    @inlinable
    public mutating func append(_ message: UnsafeRawBufferPointer) -> Bool {
        guard message.count <= messageBlockMaximumLength, canAppend(messageLength: message.count) else { return false }
        _byteCount += buffer.writeMessageBlock(message, at: byteCount)
        _messageCount += 1
        return true
    }

    /// Writes the header and returns the packet's length; the packet is
    /// `buffer[0..<length]`. A builder with no messages produces a heartbeat.
    @inlinable
    public func finish() -> Int {
        let header = MoldUDP64Header(session: session, sequenceNumber: sequenceNumber, messageCount: UInt16(messageCount))
        _ = header.encode(into: buffer)
        return byteCount
    }

    /// Starts the next packet, whose first message will be `sequenceNumber`.
    @inlinable
    public mutating func reset(sequenceNumber: UInt64) {
        self._sequenceNumber = sequenceNumber
        _messageCount = 0
        _byteCount = MoldUDP64Header.length
    }
}
