// ITCH 5.0 'J' LULD Auction Collar: 35 bytes, type byte included.

/// ITCH 5.0 'J' LULD Auction Collar. The auction collars of a security reopening after a limit-up limit-down pause.
public struct ITCHLULDAuctionCollar: ITCHEncodable, Hashable, Sendable {
    public static let messageType = ITCHMessageType.luldAuctionCollar
    public static let length = 35

    /// Locate code of the security; 0 for messages that concern no security.
    public var stockLocate: UInt16
    /// Nasdaq internal tracking number.
    public var trackingNumber: UInt16
    /// Nanoseconds since midnight; 48 bits on the wire.
    public var timestampNs: UInt64
    /// Security symbol.
    public var stock: Alpha8
    /// Price(4).
    public var auctionCollarReferencePrice: UInt32
    /// Price(4).
    public var upperAuctionCollarPrice: UInt32
    /// Price(4).
    public var lowerAuctionCollarPrice: UInt32
    /// How many times the halt has been extended.
    public var auctionCollarExtension: UInt32

    @inlinable
    public init(
        stockLocate: UInt16,
        trackingNumber: UInt16,
        timestampNs: UInt64,
        stock: Alpha8,
        auctionCollarReferencePrice: UInt32,
        upperAuctionCollarPrice: UInt32,
        lowerAuctionCollarPrice: UInt32,
        auctionCollarExtension: UInt32
    ) {
        self.stockLocate = stockLocate
        self.trackingNumber = trackingNumber
        self.timestampNs = timestampNs
        self.stock = stock
        self.auctionCollarReferencePrice = auctionCollarReferencePrice
        self.upperAuctionCollarPrice = upperAuctionCollarPrice
        self.lowerAuctionCollarPrice = lowerAuctionCollarPrice
        self.auctionCollarExtension = auctionCollarExtension
    }

    /// Copies the fields out of a validated view.
    @inlinable
    public init(_ view: ITCHLULDAuctionCollarView) {
        stockLocate = view.stockLocate
        trackingNumber = view.trackingNumber
        timestampNs = view.timestampNs
        stock = view.stock
        auctionCollarReferencePrice = view.auctionCollarReferencePrice
        upperAuctionCollarPrice = view.upperAuctionCollarPrice
        lowerAuctionCollarPrice = view.lowerAuctionCollarPrice
        auctionCollarExtension = view.auctionCollarExtension
    }

    /// Decodes a buffer that must hold exactly one 'J' message of 35 bytes.
    @inlinable
    public init(decoding bytes: UnsafeRawBufferPointer) throws(WireDecodingError) {
        self.init(try ITCHLULDAuctionCollarView(validating: bytes))
    }

    @inlinable
    public var encodedLength: Int { Self.length }

    /// Writes the message at the start of `buffer` and returns 35.
    /// - Precondition: `buffer` holds at least 35 bytes and `timestampNs` fits in 48 bits.
    @inlinable
    public func encode(into buffer: UnsafeMutableRawBufferPointer) -> Int {
        precondition(buffer.count >= Self.length, "ITCH 'J' needs 35 bytes")
        buffer.writeITCHHeader(
            Self.messageType, stockLocate: stockLocate, trackingNumber: trackingNumber, timestampNs: timestampNs
        )
        buffer.writeAlpha8(stock, at: 11)
        buffer.writeUInt32BE(auctionCollarReferencePrice, at: 19)
        buffer.writeUInt32BE(upperAuctionCollarPrice, at: 23)
        buffer.writeUInt32BE(lowerAuctionCollarPrice, at: 27)
        buffer.writeUInt32BE(auctionCollarExtension, at: 31)
        return Self.length
    }
}

/// A zero-copy view of one validated ITCH 'J' message; valid while its buffer is.
public struct ITCHLULDAuctionCollarView {
    public let bytes: UnsafeRawBufferPointer

    /// Checks the type byte and the exact length (35) once; the accessors then read in place.
    @inlinable
    public init(validating bytes: UnsafeRawBufferPointer) throws(WireDecodingError) {
        try validateITCHMessage(bytes, as: ITCHLULDAuctionCollar.messageType)
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
    @inlinable public var auctionCollarReferencePrice: UInt32 { bytes.readUInt32BE(at: 19) }
    @inlinable public var upperAuctionCollarPrice: UInt32 { bytes.readUInt32BE(at: 23) }
    @inlinable public var lowerAuctionCollarPrice: UInt32 { bytes.readUInt32BE(at: 27) }
    @inlinable public var auctionCollarExtension: UInt32 { bytes.readUInt32BE(at: 31) }

    /// The fields copied into a value.
    @inlinable
    public var message: ITCHLULDAuctionCollar { ITCHLULDAuctionCollar(self) }
}
