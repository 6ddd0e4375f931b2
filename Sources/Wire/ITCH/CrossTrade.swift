// ITCH 5.0 'Q' Cross Trade: 40 bytes, type byte included.

/// ITCH 5.0 'Q' Cross Trade. The bulk print of an opening, closing, IPO, halt or intraday cross.
public struct ITCHCrossTrade: ITCHEncodable, Hashable, Sendable {
    public static let messageType = ITCHMessageType.crossTrade
    public static let length = 40

    /// Locate code of the security; 0 for messages that concern no security.
    public var stockLocate: UInt16
    /// Nasdaq internal tracking number.
    public var trackingNumber: UInt16
    /// Nanoseconds since midnight; 48 bits on the wire.
    public var timestampNs: UInt64
    /// Shares matched in the cross; 8 bytes in ITCH 5.0.
    public var shares: UInt64
    /// Security symbol.
    public var stock: Alpha8
    /// Price(4); may be 0.
    public var crossPrice: UInt32
    /// Day-unique match number.
    public var matchNumber: UInt64
    /// O, C, H or I.
    public var crossType: ITCHCrossType

    @inlinable
    public init(
        stockLocate: UInt16,
        trackingNumber: UInt16,
        timestampNs: UInt64,
        shares: UInt64,
        stock: Alpha8,
        crossPrice: UInt32,
        matchNumber: UInt64,
        crossType: ITCHCrossType
    ) {
        self.stockLocate = stockLocate
        self.trackingNumber = trackingNumber
        self.timestampNs = timestampNs
        self.shares = shares
        self.stock = stock
        self.crossPrice = crossPrice
        self.matchNumber = matchNumber
        self.crossType = crossType
    }

    /// Copies the fields out of a validated view.
    @inlinable
    public init(_ view: ITCHCrossTradeView) {
        stockLocate = view.stockLocate
        trackingNumber = view.trackingNumber
        timestampNs = view.timestampNs
        shares = view.shares
        stock = view.stock
        crossPrice = view.crossPrice
        matchNumber = view.matchNumber
        crossType = view.crossType
    }

    /// Decodes a buffer that must hold exactly one 'Q' message of 40 bytes.
    @inlinable
    public init(decoding bytes: UnsafeRawBufferPointer) throws(WireDecodingError) {
        self.init(try ITCHCrossTradeView(validating: bytes))
    }

    @inlinable
    public var encodedLength: Int { Self.length }

    /// Writes the message at the start of `buffer` and returns 40.
    /// - Precondition: `buffer` holds at least 40 bytes and `timestampNs` fits in 48 bits.
    @inlinable
    public func encode(into buffer: UnsafeMutableRawBufferPointer) -> Int {
        precondition(buffer.count >= Self.length, "ITCH 'Q' needs 40 bytes")
        buffer.writeITCHHeader(
            Self.messageType, stockLocate: stockLocate, trackingNumber: trackingNumber, timestampNs: timestampNs
        )
        buffer.writeUInt64BE(shares, at: 11)
        buffer.writeAlpha8(stock, at: 19)
        buffer.writeUInt32BE(crossPrice, at: 27)
        buffer.writeUInt64BE(matchNumber, at: 31)
        buffer.writeUInt8(crossType.rawValue, at: 39)
        return Self.length
    }
}

/// A zero-copy view of one validated ITCH 'Q' message; valid while its buffer is.
public struct ITCHCrossTradeView {
    public let bytes: UnsafeRawBufferPointer

    /// Checks the type byte and the exact length (40) once; the accessors then read in place.
    @inlinable
    public init(validating bytes: UnsafeRawBufferPointer) throws(WireDecodingError) {
        try validateITCHMessage(bytes, as: ITCHCrossTrade.messageType)
        self.bytes = bytes
    }

    @inlinable
    init(unchecked bytes: UnsafeRawBufferPointer) {
        self.bytes = bytes
    }

    @inlinable public var stockLocate: UInt16 { bytes.readUInt16BE(at: 1) }
    @inlinable public var trackingNumber: UInt16 { bytes.readUInt16BE(at: 3) }
    @inlinable public var timestampNs: UInt64 { bytes.readUInt48BE(at: 5) }
    @inlinable public var shares: UInt64 { bytes.readUInt64BE(at: 11) }
    @inlinable public var stock: Alpha8 { bytes.readAlpha8(at: 19) }
    @inlinable public var crossPrice: UInt32 { bytes.readUInt32BE(at: 27) }
    @inlinable public var matchNumber: UInt64 { bytes.readUInt64BE(at: 31) }
    @inlinable public var crossType: ITCHCrossType { ITCHCrossType(rawValue: bytes.readUInt8(at: 39)) }

    /// The fields copied into a value.
    @inlinable
    public var message: ITCHCrossTrade { ITCHCrossTrade(self) }
}
