// ITCH 5.0 'h' Operational Halt: 21 bytes, type byte included.

/// ITCH 5.0 'h' Operational Halt. An operational halt or resumption of one security on one Nasdaq market.
public struct ITCHOperationalHalt: ITCHEncodable, Hashable, Sendable {
    public static let messageType = ITCHMessageType.operationalHalt
    public static let length = 21

    /// Locate code of the security; 0 for messages that concern no security.
    public var stockLocate: UInt16
    /// Nasdaq internal tracking number.
    public var trackingNumber: UInt16
    /// Nanoseconds since midnight; 48 bits on the wire.
    public var timestampNs: UInt64
    /// Security symbol.
    public var stock: Alpha8
    /// Q (Nasdaq), B (BX) or X (PSX).
    public var marketCode: UInt8
    /// H (halted) or T (resumed).
    public var operationalHaltAction: UInt8

    @inlinable
    public init(
        stockLocate: UInt16,
        trackingNumber: UInt16,
        timestampNs: UInt64,
        stock: Alpha8,
        marketCode: UInt8,
        operationalHaltAction: UInt8
    ) {
        self.stockLocate = stockLocate
        self.trackingNumber = trackingNumber
        self.timestampNs = timestampNs
        self.stock = stock
        self.marketCode = marketCode
        self.operationalHaltAction = operationalHaltAction
    }

    /// Copies the fields out of a validated view.
    @inlinable
    public init(_ view: ITCHOperationalHaltView) {
        stockLocate = view.stockLocate
        trackingNumber = view.trackingNumber
        timestampNs = view.timestampNs
        stock = view.stock
        marketCode = view.marketCode
        operationalHaltAction = view.operationalHaltAction
    }

    /// Decodes a buffer that must hold exactly one 'h' message of 21 bytes.
    @inlinable
    public init(decoding bytes: UnsafeRawBufferPointer) throws(WireDecodingError) {
        self.init(try ITCHOperationalHaltView(validating: bytes))
    }

    @inlinable
    public var encodedLength: Int { Self.length }

    /// Writes the message at the start of `buffer` and returns 21.
    /// - Precondition: `buffer` holds at least 21 bytes and `timestampNs` fits in 48 bits.
    @inlinable
    public func encode(into buffer: UnsafeMutableRawBufferPointer) -> Int {
        precondition(buffer.count >= Self.length, "ITCH 'h' needs 21 bytes")
        buffer.writeITCHHeader(
            Self.messageType, stockLocate: stockLocate, trackingNumber: trackingNumber, timestampNs: timestampNs
        )
        buffer.writeAlpha8(stock, at: 11)
        buffer.writeUInt8(marketCode, at: 19)
        buffer.writeUInt8(operationalHaltAction, at: 20)
        return Self.length
    }
}

/// A zero-copy view of one validated ITCH 'h' message; valid while its buffer is.
public struct ITCHOperationalHaltView {
    public let bytes: UnsafeRawBufferPointer

    /// Checks the type byte and the exact length (21) once; the accessors then read in place.
    @inlinable
    public init(validating bytes: UnsafeRawBufferPointer) throws(WireDecodingError) {
        try validateITCHMessage(bytes, as: ITCHOperationalHalt.messageType)
        self.bytes = bytes
    }

    @inlinable
    init(unchecked bytes: UnsafeRawBufferPointer) {
        self.bytes = bytes
    }

    @inlinable public var stockLocate: UInt16 { bytes.readUInt16BE(at: 1) }
    @inlinable public var trackingNumber: UInt16 { bytes.readUInt16BE(at: 3) }
    @inlinable public var timestampNs: UInt64 { bytes.readUInt48BE(at: 5) }
    @inlinable public var stock: Alpha8 { bytes.readAlpha8(at: 11) }
    @inlinable public var marketCode: UInt8 { bytes.readUInt8(at: 19) }
    @inlinable public var operationalHaltAction: UInt8 { bytes.readUInt8(at: 20) }

    /// The fields copied into a value.
    @inlinable
    public var message: ITCHOperationalHalt { ITCHOperationalHalt(self) }
}
