// ITCH 5.0 'I' Net Order Imbalance Indicator: 50 bytes, type byte included.

/// ITCH 5.0 'I' Net Order Imbalance Indicator. The imbalance and indicative prices ahead of a cross.
public struct ITCHNOII: ITCHEncodable, Hashable, Sendable {
    public static let messageType = ITCHMessageType.noii
    public static let length = 50

    /// Locate code of the security; 0 for messages that concern no security.
    public var stockLocate: UInt16
    /// Nasdaq internal tracking number.
    public var trackingNumber: UInt16
    /// Nanoseconds since midnight; 48 bits on the wire.
    public var timestampNs: UInt64
    /// Shares paired at the current reference price.
    public var pairedShares: UInt64
    /// Shares not paired at the current reference price.
    public var imbalanceShares: UInt64
    /// B, S, N, O or P.
    public var imbalanceDirection: ITCHImbalanceDirection
    /// Security symbol.
    public var stock: Alpha8
    /// Price(4); 0x7FFFFFFF for a market order.
    public var farPrice: UInt32
    /// Price(4); 0x7FFFFFFF for a market order.
    public var nearPrice: UInt32
    /// Price(4).
    public var currentReferencePrice: UInt32
    /// O, C, H or A.
    public var crossType: ITCHCrossType
    /// L, '1' to '9', A, B, C or space.
    public var priceVariationIndicator: UInt8

    @inlinable
    public init(
        stockLocate: UInt16,
        trackingNumber: UInt16,
        timestampNs: UInt64,
        pairedShares: UInt64,
        imbalanceShares: UInt64,
        imbalanceDirection: ITCHImbalanceDirection,
        stock: Alpha8,
        farPrice: UInt32,
        nearPrice: UInt32,
        currentReferencePrice: UInt32,
        crossType: ITCHCrossType,
        priceVariationIndicator: UInt8
    ) {
        self.stockLocate = stockLocate
        self.trackingNumber = trackingNumber
        self.timestampNs = timestampNs
        self.pairedShares = pairedShares
        self.imbalanceShares = imbalanceShares
        self.imbalanceDirection = imbalanceDirection
        self.stock = stock
        self.farPrice = farPrice
        self.nearPrice = nearPrice
        self.currentReferencePrice = currentReferencePrice
        self.crossType = crossType
        self.priceVariationIndicator = priceVariationIndicator
    }

    /// Copies the fields out of a validated view.
    @inlinable
    public init(_ view: ITCHNOIIView) {
        stockLocate = view.stockLocate
        trackingNumber = view.trackingNumber
        timestampNs = view.timestampNs
        pairedShares = view.pairedShares
        imbalanceShares = view.imbalanceShares
        imbalanceDirection = view.imbalanceDirection
        stock = view.stock
        farPrice = view.farPrice
        nearPrice = view.nearPrice
        currentReferencePrice = view.currentReferencePrice
        crossType = view.crossType
        priceVariationIndicator = view.priceVariationIndicator
    }

    /// Decodes a buffer that must hold exactly one 'I' message of 50 bytes.
    @inlinable
    public init(decoding bytes: UnsafeRawBufferPointer) throws(WireDecodingError) {
        self.init(try ITCHNOIIView(validating: bytes))
    }

    @inlinable
    public var encodedLength: Int { Self.length }

    /// Writes the message at the start of `buffer` and returns 50.
    /// - Precondition: `buffer` holds at least 50 bytes and `timestampNs` fits in 48 bits.
    @inlinable
    public func encode(into buffer: UnsafeMutableRawBufferPointer) -> Int {
        precondition(buffer.count >= Self.length, "ITCH 'I' needs 50 bytes")
        buffer.writeITCHHeader(
            Self.messageType, stockLocate: stockLocate, trackingNumber: trackingNumber, timestampNs: timestampNs
        )
        buffer.writeUInt64BE(pairedShares, at: 11)
        buffer.writeUInt64BE(imbalanceShares, at: 19)
        buffer.writeUInt8(imbalanceDirection.rawValue, at: 27)
        buffer.writeAlpha8(stock, at: 28)
        buffer.writeUInt32BE(farPrice, at: 36)
        buffer.writeUInt32BE(nearPrice, at: 40)
        buffer.writeUInt32BE(currentReferencePrice, at: 44)
        buffer.writeUInt8(crossType.rawValue, at: 48)
        buffer.writeUInt8(priceVariationIndicator, at: 49)
        return Self.length
    }
}

/// A zero-copy view of one validated ITCH 'I' message; valid while its buffer is.
public struct ITCHNOIIView {
    public let bytes: UnsafeRawBufferPointer

    /// Checks the type byte and the exact length (50) once; the accessors then read in place.
    @inlinable
    public init(validating bytes: UnsafeRawBufferPointer) throws(WireDecodingError) {
        try validateITCHMessage(bytes, as: ITCHNOII.messageType)
        self.bytes = bytes
    }

    @inlinable
    init(unchecked bytes: UnsafeRawBufferPointer) {
        self.bytes = bytes
    }

    @inlinable public var stockLocate: UInt16 { bytes.readUInt16BE(at: 1) }
    @inlinable public var trackingNumber: UInt16 { bytes.readUInt16BE(at: 3) }
    @inlinable public var timestampNs: UInt64 { bytes.readUInt48BE(at: 5) }
    @inlinable public var pairedShares: UInt64 { bytes.readUInt64BE(at: 11) }
    @inlinable public var imbalanceShares: UInt64 { bytes.readUInt64BE(at: 19) }
    @inlinable public var imbalanceDirection: ITCHImbalanceDirection { ITCHImbalanceDirection(rawValue: bytes.readUInt8(at: 27)) }
    @inlinable public var stock: Alpha8 { bytes.readAlpha8(at: 28) }
    @inlinable public var farPrice: UInt32 { bytes.readUInt32BE(at: 36) }
    @inlinable public var nearPrice: UInt32 { bytes.readUInt32BE(at: 40) }
    @inlinable public var currentReferencePrice: UInt32 { bytes.readUInt32BE(at: 44) }
    @inlinable public var crossType: ITCHCrossType { ITCHCrossType(rawValue: bytes.readUInt8(at: 48)) }
    @inlinable public var priceVariationIndicator: UInt8 { bytes.readUInt8(at: 49) }

    /// The fields copied into a value.
    @inlinable
    public var message: ITCHNOII { ITCHNOII(self) }
}
