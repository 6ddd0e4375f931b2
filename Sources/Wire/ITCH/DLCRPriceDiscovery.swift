// ITCH 5.0 'O' Direct Listing with Capital Raise Price Discovery: 48 bytes, type byte included.

/// ITCH 5.0 'O' Direct Listing with Capital Raise Price Discovery. The price discovery state of a direct listing with a capital raise.
public struct ITCHDLCRPriceDiscovery: ITCHEncodable, Hashable, Sendable {
    public static let messageType = ITCHMessageType.dlcrPriceDiscovery
    public static let length = 48

    /// Locate code of the security; 0 for messages that concern no security.
    public var stockLocate: UInt16
    /// Nasdaq internal tracking number.
    public var trackingNumber: UInt16
    /// Nanoseconds since midnight; 48 bits on the wire.
    public var timestampNs: UInt64
    /// Security symbol.
    public var stock: Alpha8
    /// N (not eligible) or Y (eligible).
    public var openEligibilityStatus: UInt8
    /// Price(4).
    public var minimumAllowablePrice: UInt32
    /// Price(4).
    public var maximumAllowablePrice: UInt32
    /// Price(4).
    public var nearExecutionPrice: UInt32
    /// Nanoseconds since midnight, 8 bytes.
    public var nearExecutionTimeNs: UInt64
    /// Price(4).
    public var lowerPriceRangeCollar: UInt32
    /// Price(4).
    public var upperPriceRangeCollar: UInt32

    @inlinable
    public init(
        stockLocate: UInt16,
        trackingNumber: UInt16,
        timestampNs: UInt64,
        stock: Alpha8,
        openEligibilityStatus: UInt8,
        minimumAllowablePrice: UInt32,
        maximumAllowablePrice: UInt32,
        nearExecutionPrice: UInt32,
        nearExecutionTimeNs: UInt64,
        lowerPriceRangeCollar: UInt32,
        upperPriceRangeCollar: UInt32
    ) {
        self.stockLocate = stockLocate
        self.trackingNumber = trackingNumber
        self.timestampNs = timestampNs
        self.stock = stock
        self.openEligibilityStatus = openEligibilityStatus
        self.minimumAllowablePrice = minimumAllowablePrice
        self.maximumAllowablePrice = maximumAllowablePrice
        self.nearExecutionPrice = nearExecutionPrice
        self.nearExecutionTimeNs = nearExecutionTimeNs
        self.lowerPriceRangeCollar = lowerPriceRangeCollar
        self.upperPriceRangeCollar = upperPriceRangeCollar
    }

    /// Copies the fields out of a validated view.
    @inlinable
    public init(_ view: ITCHDLCRPriceDiscoveryView) {
        stockLocate = view.stockLocate
        trackingNumber = view.trackingNumber
        timestampNs = view.timestampNs
        stock = view.stock
        openEligibilityStatus = view.openEligibilityStatus
        minimumAllowablePrice = view.minimumAllowablePrice
        maximumAllowablePrice = view.maximumAllowablePrice
        nearExecutionPrice = view.nearExecutionPrice
        nearExecutionTimeNs = view.nearExecutionTimeNs
        lowerPriceRangeCollar = view.lowerPriceRangeCollar
        upperPriceRangeCollar = view.upperPriceRangeCollar
    }

    /// Decodes a buffer that must hold exactly one 'O' message of 48 bytes.
    @inlinable
    public init(decoding bytes: UnsafeRawBufferPointer) throws(WireDecodingError) {
        self.init(try ITCHDLCRPriceDiscoveryView(validating: bytes))
    }

    @inlinable
    public var encodedLength: Int { Self.length }

    /// Writes the message at the start of `buffer` and returns 48.
    /// - Precondition: `buffer` holds at least 48 bytes and `timestampNs` fits in 48 bits.
    @inlinable
    public func encode(into buffer: UnsafeMutableRawBufferPointer) -> Int {
        precondition(buffer.count >= Self.length, "ITCH 'O' needs 48 bytes")
        buffer.writeITCHHeader(
            Self.messageType, stockLocate: stockLocate, trackingNumber: trackingNumber, timestampNs: timestampNs
        )
        buffer.writeAlpha8(stock, at: 11)
        buffer.writeUInt8(openEligibilityStatus, at: 19)
        buffer.writeUInt32BE(minimumAllowablePrice, at: 20)
        buffer.writeUInt32BE(maximumAllowablePrice, at: 24)
        buffer.writeUInt32BE(nearExecutionPrice, at: 28)
        buffer.writeUInt64BE(nearExecutionTimeNs, at: 32)
        buffer.writeUInt32BE(lowerPriceRangeCollar, at: 40)
        buffer.writeUInt32BE(upperPriceRangeCollar, at: 44)
        return Self.length
    }
}

/// A zero-copy view of one validated ITCH 'O' message; valid while its buffer is.
public struct ITCHDLCRPriceDiscoveryView {
    public let bytes: UnsafeRawBufferPointer

    /// Checks the type byte and the exact length (48) once; the accessors then read in place.
    @inlinable
    public init(validating bytes: UnsafeRawBufferPointer) throws(WireDecodingError) {
        try validateITCHMessage(bytes, as: ITCHDLCRPriceDiscovery.messageType)
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
    @inlinable public var openEligibilityStatus: UInt8 { bytes.readUInt8(at: 19) }
    @inlinable public var minimumAllowablePrice: UInt32 { bytes.readUInt32BE(at: 20) }
    @inlinable public var maximumAllowablePrice: UInt32 { bytes.readUInt32BE(at: 24) }
    @inlinable public var nearExecutionPrice: UInt32 { bytes.readUInt32BE(at: 28) }
    @inlinable public var nearExecutionTimeNs: UInt64 { bytes.readUInt64BE(at: 32) }
    @inlinable public var lowerPriceRangeCollar: UInt32 { bytes.readUInt32BE(at: 40) }
    @inlinable public var upperPriceRangeCollar: UInt32 { bytes.readUInt32BE(at: 44) }

    /// The fields copied into a value.
    @inlinable
    public var message: ITCHDLCRPriceDiscovery { ITCHDLCRPriceDiscovery(self) }
}
