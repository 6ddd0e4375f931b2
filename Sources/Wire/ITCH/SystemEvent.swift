// ITCH 5.0 'S' System Event: 12 bytes, type byte included.

/// ITCH 5.0 'S' System Event. A market-wide or feed-wide event: start and end of messages, system and market hours.
public struct ITCHSystemEvent: ITCHEncodable, Hashable, Sendable {
    public static let messageType = ITCHMessageType.systemEvent
    public static let length = 12

    /// Locate code of the security; 0 for messages that concern no security.
    public var stockLocate: UInt16
    /// Nasdaq internal tracking number.
    public var trackingNumber: UInt16
    /// Nanoseconds since midnight; 48 bits on the wire.
    public var timestampNs: UInt64
    /// O, S, Q, M, E or C.
    public var eventCode: ITCHSystemEventCode

    @inlinable
    public init(
        stockLocate: UInt16,
        trackingNumber: UInt16,
        timestampNs: UInt64,
        eventCode: ITCHSystemEventCode
    ) {
        self.stockLocate = stockLocate
        self.trackingNumber = trackingNumber
        self.timestampNs = timestampNs
        self.eventCode = eventCode
    }

    /// Copies the fields out of a validated view.
    @inlinable
    public init(_ view: ITCHSystemEventView) {
        stockLocate = view.stockLocate
        trackingNumber = view.trackingNumber
        timestampNs = view.timestampNs
        eventCode = view.eventCode
    }

    /// Decodes a buffer that must hold exactly one 'S' message of 12 bytes.
    @inlinable
    public init(decoding bytes: UnsafeRawBufferPointer) throws(WireDecodingError) {
        self.init(try ITCHSystemEventView(validating: bytes))
    }

    @inlinable
    public var encodedLength: Int { Self.length }

    /// Writes the message at the start of `buffer` and returns 12.
    /// - Precondition: `buffer` holds at least 12 bytes and `timestampNs` fits in 48 bits.
    @inlinable
    public func encode(into buffer: UnsafeMutableRawBufferPointer) -> Int {
        precondition(buffer.count >= Self.length, "ITCH 'S' needs 12 bytes")
        buffer.writeITCHHeader(
            Self.messageType, stockLocate: stockLocate, trackingNumber: trackingNumber, timestampNs: timestampNs
        )
        buffer.writeUInt8(eventCode.rawValue, at: 11)
        return Self.length
    }
}

/// A zero-copy view of one validated ITCH 'S' message; valid while its buffer is.
public struct ITCHSystemEventView {
    public let bytes: UnsafeRawBufferPointer

    /// Checks the type byte and the exact length (12) once; the accessors then read in place.
    @inlinable
    public init(validating bytes: UnsafeRawBufferPointer) throws(WireDecodingError) {
        try validateITCHMessage(bytes, as: ITCHSystemEvent.messageType)
        self.bytes = bytes
    }

    @inlinable
    init(unchecked bytes: UnsafeRawBufferPointer) {
        self.bytes = bytes
    }

    @inlinable public var stockLocate: UInt16 { bytes.readUInt16BE(at: 1) }
    @inlinable public var trackingNumber: UInt16 { bytes.readUInt16BE(at: 3) }
    @inlinable public var timestampNs: UInt64 { bytes.readUInt48BE(at: 5) }
    @inlinable public var eventCode: ITCHSystemEventCode { ITCHSystemEventCode(rawValue: bytes.readUInt8(at: 11)) }

    /// The fields copied into a value.
    @inlinable
    public var message: ITCHSystemEvent { ITCHSystemEvent(self) }
}
