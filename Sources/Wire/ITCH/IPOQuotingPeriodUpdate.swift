// ITCH 5.0 'K' IPO Quoting Period Update: 28 bytes, type byte included.

/// ITCH 5.0 'K' IPO Quoting Period Update. The anticipated quotation release time of an IPO security.
public struct ITCHIPOQuotingPeriodUpdate: ITCHEncodable, Hashable, Sendable {
    public static let messageType = ITCHMessageType.ipoQuotingPeriodUpdate
    public static let length = 28

    /// Locate code of the security; 0 for messages that concern no security.
    public var stockLocate: UInt16
    /// Nasdaq internal tracking number.
    public var trackingNumber: UInt16
    /// Nanoseconds since midnight; 48 bits on the wire.
    public var timestampNs: UInt64
    /// Security symbol.
    public var stock: Alpha8
    /// Seconds since midnight.
    public var ipoQuotationReleaseTimeSeconds: UInt32
    /// A (anticipated) or C (canceled or postponed).
    public var ipoQuotationReleaseQualifier: UInt8
    /// Price(4): 4 implied decimals.
    public var ipoPrice: UInt32

    @inlinable
    public init(
        stockLocate: UInt16,
        trackingNumber: UInt16,
        timestampNs: UInt64,
        stock: Alpha8,
        ipoQuotationReleaseTimeSeconds: UInt32,
        ipoQuotationReleaseQualifier: UInt8,
        ipoPrice: UInt32
    ) {
        self.stockLocate = stockLocate
        self.trackingNumber = trackingNumber
        self.timestampNs = timestampNs
        self.stock = stock
        self.ipoQuotationReleaseTimeSeconds = ipoQuotationReleaseTimeSeconds
        self.ipoQuotationReleaseQualifier = ipoQuotationReleaseQualifier
        self.ipoPrice = ipoPrice
    }

    /// Copies the fields out of a validated view.
    @inlinable
    public init(_ view: ITCHIPOQuotingPeriodUpdateView) {
        stockLocate = view.stockLocate
        trackingNumber = view.trackingNumber
        timestampNs = view.timestampNs
        stock = view.stock
        ipoQuotationReleaseTimeSeconds = view.ipoQuotationReleaseTimeSeconds
        ipoQuotationReleaseQualifier = view.ipoQuotationReleaseQualifier
        ipoPrice = view.ipoPrice
    }

    /// Decodes a buffer that must hold exactly one 'K' message of 28 bytes.
    @inlinable
    public init(decoding bytes: UnsafeRawBufferPointer) throws(WireDecodingError) {
        self.init(try ITCHIPOQuotingPeriodUpdateView(validating: bytes))
    }

    @inlinable
    public var encodedLength: Int { Self.length }

    /// Writes the message at the start of `buffer` and returns 28.
    /// - Precondition: `buffer` holds at least 28 bytes and `timestampNs` fits in 48 bits.
    @inlinable
    public func encode(into buffer: UnsafeMutableRawBufferPointer) -> Int {
        precondition(buffer.count >= Self.length, "ITCH 'K' needs 28 bytes")
        buffer.writeITCHHeader(
            Self.messageType, stockLocate: stockLocate, trackingNumber: trackingNumber, timestampNs: timestampNs
        )
        buffer.writeAlpha8(stock, at: 11)
        buffer.writeUInt32BE(ipoQuotationReleaseTimeSeconds, at: 19)
        buffer.writeUInt8(ipoQuotationReleaseQualifier, at: 23)
        buffer.writeUInt32BE(ipoPrice, at: 24)
        return Self.length
    }
}

/// A zero-copy view of one validated ITCH 'K' message; valid while its buffer is.
public struct ITCHIPOQuotingPeriodUpdateView {
    public let bytes: UnsafeRawBufferPointer

    /// Checks the type byte and the exact length (28) once; the accessors then read in place.
    @inlinable
    public init(validating bytes: UnsafeRawBufferPointer) throws(WireDecodingError) {
        try validateITCHMessage(bytes, as: ITCHIPOQuotingPeriodUpdate.messageType)
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
    @inlinable public var ipoQuotationReleaseTimeSeconds: UInt32 { bytes.readUInt32BE(at: 19) }
    @inlinable public var ipoQuotationReleaseQualifier: UInt8 { bytes.readUInt8(at: 23) }
    @inlinable public var ipoPrice: UInt32 { bytes.readUInt32BE(at: 24) }

    /// The fields copied into a value.
    @inlinable
    public var message: ITCHIPOQuotingPeriodUpdate { ITCHIPOQuotingPeriodUpdate(self) }
}
