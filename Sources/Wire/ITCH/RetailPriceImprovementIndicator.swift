// ITCH 5.0 'N' Retail Price Improvement Indicator: 20 bytes, type byte included.

/// ITCH 5.0 'N' Retail Price Improvement Indicator. Whether retail price-improving interest exists on either side of a security.
public struct ITCHRetailPriceImprovementIndicator: ITCHEncodable, Hashable, Sendable {
    public static let messageType = ITCHMessageType.retailPriceImprovementIndicator
    public static let length = 20

    /// Locate code of the security; 0 for messages that concern no security.
    public var stockLocate: UInt16
    /// Nasdaq internal tracking number.
    public var trackingNumber: UInt16
    /// Nanoseconds since midnight; 48 bits on the wire.
    public var timestampNs: UInt64
    /// Security symbol.
    public var stock: Alpha8
    /// B, S, A or N.
    public var interestFlag: UInt8

    @inlinable
    public init(
        stockLocate: UInt16,
        trackingNumber: UInt16,
        timestampNs: UInt64,
        stock: Alpha8,
        interestFlag: UInt8
    ) {
        self.stockLocate = stockLocate
        self.trackingNumber = trackingNumber
        self.timestampNs = timestampNs
        self.stock = stock
        self.interestFlag = interestFlag
    }

    /// Copies the fields out of a validated view.
    @inlinable
    public init(_ view: ITCHRetailPriceImprovementIndicatorView) {
        stockLocate = view.stockLocate
        trackingNumber = view.trackingNumber
        timestampNs = view.timestampNs
        stock = view.stock
        interestFlag = view.interestFlag
    }

    /// Decodes a buffer that must hold exactly one 'N' message of 20 bytes.
    @inlinable
    public init(decoding bytes: UnsafeRawBufferPointer) throws(WireDecodingError) {
        self.init(try ITCHRetailPriceImprovementIndicatorView(validating: bytes))
    }

    @inlinable
    public var encodedLength: Int { Self.length }

    /// Writes the message at the start of `buffer` and returns 20.
    /// - Precondition: `buffer` holds at least 20 bytes and `timestampNs` fits in 48 bits.
    @inlinable
    public func encode(into buffer: UnsafeMutableRawBufferPointer) -> Int {
        precondition(buffer.count >= Self.length, "ITCH 'N' needs 20 bytes")
        buffer.writeITCHHeader(
            Self.messageType, stockLocate: stockLocate, trackingNumber: trackingNumber, timestampNs: timestampNs
        )
        buffer.writeAlpha8(stock, at: 11)
        buffer.writeUInt8(interestFlag, at: 19)
        return Self.length
    }
}

/// A zero-copy view of one validated ITCH 'N' message; valid while its buffer is.
public struct ITCHRetailPriceImprovementIndicatorView {
    public let bytes: UnsafeRawBufferPointer

    /// Checks the type byte and the exact length (20) once; the accessors then read in place.
    @inlinable
    public init(validating bytes: UnsafeRawBufferPointer) throws(WireDecodingError) {
        try validateITCHMessage(bytes, as: ITCHRetailPriceImprovementIndicator.messageType)
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
    @inlinable public var interestFlag: UInt8 { bytes.readUInt8(at: 19) }

    /// The fields copied into a value.
    @inlinable
    public var message: ITCHRetailPriceImprovementIndicator { ITCHRetailPriceImprovementIndicator(self) }
}
