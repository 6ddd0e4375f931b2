// ITCH 5.0 'Y' Reg SHO Short Sale Price Test Restriction: 20 bytes, type byte included.

/// ITCH 5.0 'Y' Reg SHO Short Sale Price Test Restriction. The Reg SHO short-sale price test state of one security.
public struct ITCHRegSHORestriction: ITCHEncodable, Hashable, Sendable {
    public static let messageType = ITCHMessageType.regSHORestriction
    public static let length = 20

    /// Locate code of the security; 0 for messages that concern no security.
    public var stockLocate: UInt16
    /// Nasdaq internal tracking number.
    public var trackingNumber: UInt16
    /// Nanoseconds since midnight; 48 bits on the wire.
    public var timestampNs: UInt64
    /// Security symbol.
    public var stock: Alpha8
    /// '0' no test, '1' in effect (intraday drop), '2' remains in effect.
    public var regSHOAction: UInt8

    @inlinable
    public init(
        stockLocate: UInt16,
        trackingNumber: UInt16,
        timestampNs: UInt64,
        stock: Alpha8,
        regSHOAction: UInt8
    ) {
        self.stockLocate = stockLocate
        self.trackingNumber = trackingNumber
        self.timestampNs = timestampNs
        self.stock = stock
        self.regSHOAction = regSHOAction
    }

    /// Copies the fields out of a validated view.
    @inlinable
    public init(_ view: ITCHRegSHORestrictionView) {
        stockLocate = view.stockLocate
        trackingNumber = view.trackingNumber
        timestampNs = view.timestampNs
        stock = view.stock
        regSHOAction = view.regSHOAction
    }

    /// Decodes a buffer that must hold exactly one 'Y' message of 20 bytes.
    @inlinable
    public init(decoding bytes: UnsafeRawBufferPointer) throws(WireDecodingError) {
        self.init(try ITCHRegSHORestrictionView(validating: bytes))
    }

    @inlinable
    public var encodedLength: Int { Self.length }

    /// Writes the message at the start of `buffer` and returns 20.
    /// - Precondition: `buffer` holds at least 20 bytes and `timestampNs` fits in 48 bits.
    @inlinable
    public func encode(into buffer: UnsafeMutableRawBufferPointer) -> Int {
        precondition(buffer.count >= Self.length, "ITCH 'Y' needs 20 bytes")
        buffer.writeITCHHeader(
            Self.messageType, stockLocate: stockLocate, trackingNumber: trackingNumber, timestampNs: timestampNs
        )
        buffer.writeAlpha8(stock, at: 11)
        buffer.writeUInt8(regSHOAction, at: 19)
        return Self.length
    }
}

/// A zero-copy view of one validated ITCH 'Y' message; valid while its buffer is.
public struct ITCHRegSHORestrictionView {
    public let bytes: UnsafeRawBufferPointer

    /// Checks the type byte and the exact length (20) once; the accessors then read in place.
    @inlinable
    public init(validating bytes: UnsafeRawBufferPointer) throws(WireDecodingError) {
        try validateITCHMessage(bytes, as: ITCHRegSHORestriction.messageType)
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
    @inlinable public var regSHOAction: UInt8 { bytes.readUInt8(at: 19) }

    /// The fields copied into a value.
    @inlinable
    public var message: ITCHRegSHORestriction { ITCHRegSHORestriction(self) }
}
