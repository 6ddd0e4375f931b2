// ITCH 5.0 'V' Market-Wide Circuit Breaker Decline Level: 35 bytes, type byte included.

/// ITCH 5.0 'V' Market-Wide Circuit Breaker Decline Level. The three market-wide circuit breaker levels for the day.
public struct ITCHMWCBDeclineLevel: ITCHEncodable, Hashable, Sendable {
    public static let messageType = ITCHMessageType.mwcbDeclineLevel
    public static let length = 35

    /// Locate code of the security; 0 for messages that concern no security.
    public var stockLocate: UInt16
    /// Nasdaq internal tracking number.
    public var trackingNumber: UInt16
    /// Nanoseconds since midnight; 48 bits on the wire.
    public var timestampNs: UInt64
    /// Price(8): 8 implied decimals.
    public var level1Price: UInt64
    /// Price(8): 8 implied decimals.
    public var level2Price: UInt64
    /// Price(8): 8 implied decimals.
    public var level3Price: UInt64

    @inlinable
    public init(
        stockLocate: UInt16,
        trackingNumber: UInt16,
        timestampNs: UInt64,
        level1Price: UInt64,
        level2Price: UInt64,
        level3Price: UInt64
    ) {
        self.stockLocate = stockLocate
        self.trackingNumber = trackingNumber
        self.timestampNs = timestampNs
        self.level1Price = level1Price
        self.level2Price = level2Price
        self.level3Price = level3Price
    }

    /// Copies the fields out of a validated view.
    @inlinable
    public init(_ view: ITCHMWCBDeclineLevelView) {
        stockLocate = view.stockLocate
        trackingNumber = view.trackingNumber
        timestampNs = view.timestampNs
        level1Price = view.level1Price
        level2Price = view.level2Price
        level3Price = view.level3Price
    }

    /// Decodes a buffer that must hold exactly one 'V' message of 35 bytes.
    @inlinable
    public init(decoding bytes: UnsafeRawBufferPointer) throws(WireDecodingError) {
        self.init(try ITCHMWCBDeclineLevelView(validating: bytes))
    }

    @inlinable
    public var encodedLength: Int { Self.length }

    /// Writes the message at the start of `buffer` and returns 35.
    /// - Precondition: `buffer` holds at least 35 bytes and `timestampNs` fits in 48 bits.
    @inlinable
    public func encode(into buffer: UnsafeMutableRawBufferPointer) -> Int {
        precondition(buffer.count >= Self.length, "ITCH 'V' needs 35 bytes")
        buffer.writeITCHHeader(
            Self.messageType, stockLocate: stockLocate, trackingNumber: trackingNumber, timestampNs: timestampNs
        )
        buffer.writeUInt64BE(level1Price, at: 11)
        buffer.writeUInt64BE(level2Price, at: 19)
        buffer.writeUInt64BE(level3Price, at: 27)
        return Self.length
    }
}

/// A zero-copy view of one validated ITCH 'V' message; valid while its buffer is.
public struct ITCHMWCBDeclineLevelView {
    public let bytes: UnsafeRawBufferPointer

    /// Checks the type byte and the exact length (35) once; the accessors then read in place.
    @inlinable
    public init(validating bytes: UnsafeRawBufferPointer) throws(WireDecodingError) {
        try validateITCHMessage(bytes, as: ITCHMWCBDeclineLevel.messageType)
        self.bytes = bytes
    }

    @inlinable
    init(unchecked bytes: UnsafeRawBufferPointer) {
        self.bytes = bytes
    }

    @inlinable public var stockLocate: UInt16 { bytes.readUInt16BE(at: 1) }
    @inlinable public var trackingNumber: UInt16 { bytes.readUInt16BE(at: 3) }
    @inlinable public var timestampNs: UInt64 { bytes.readUInt48BE(at: 5) }
    @inlinable public var level1Price: UInt64 { bytes.readUInt64BE(at: 11) }
    @inlinable public var level2Price: UInt64 { bytes.readUInt64BE(at: 19) }
    @inlinable public var level3Price: UInt64 { bytes.readUInt64BE(at: 27) }

    /// The fields copied into a value.
    @inlinable
    public var message: ITCHMWCBDeclineLevel { ITCHMWCBDeclineLevel(self) }
}
