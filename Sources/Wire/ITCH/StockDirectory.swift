// ITCH 5.0 'R' Stock Directory: 39 bytes, type byte included.

/// ITCH 5.0 'R' Stock Directory. The reference data of one security, sent for every issue before the market opens.
public struct ITCHStockDirectory: ITCHEncodable, Hashable, Sendable {
    public static let messageType = ITCHMessageType.stockDirectory
    public static let length = 39

    /// Locate code of the security; 0 for messages that concern no security.
    public var stockLocate: UInt16
    /// Nasdaq internal tracking number.
    public var trackingNumber: UInt16
    /// Nanoseconds since midnight; 48 bits on the wire.
    public var timestampNs: UInt64
    /// Security symbol.
    public var stock: Alpha8
    /// Listing market: Q, G, S, N, A, P, Z, V or space.
    public var marketCategory: UInt8
    /// D, E, Q, S, G, H, J, K, C, N or space.
    public var financialStatusIndicator: UInt8
    /// Shares in one round lot.
    public var roundLotSize: UInt32
    /// Y or N.
    public var roundLotsOnly: UInt8
    /// Security class, e.g. A, C, E.
    public var issueClassification: UInt8
    /// Two ASCII characters, first byte most significant.
    public var issueSubType: UInt16
    /// P (production) or T (test).
    public var authenticity: UInt8
    /// Y, N or space.
    public var shortSaleThresholdIndicator: UInt8
    /// Y, N or space.
    public var ipoFlag: UInt8
    /// 1, 2 or space.
    public var luldReferencePriceTier: UInt8
    /// Y, N or space.
    public var etpFlag: UInt8
    /// Leverage factor of an exchange-traded product.
    public var etpLeverageFactor: UInt32
    /// Y or N.
    public var inverseIndicator: UInt8

    @inlinable
    public init(
        stockLocate: UInt16,
        trackingNumber: UInt16,
        timestampNs: UInt64,
        stock: Alpha8,
        marketCategory: UInt8,
        financialStatusIndicator: UInt8,
        roundLotSize: UInt32,
        roundLotsOnly: UInt8,
        issueClassification: UInt8,
        issueSubType: UInt16,
        authenticity: UInt8,
        shortSaleThresholdIndicator: UInt8,
        ipoFlag: UInt8,
        luldReferencePriceTier: UInt8,
        etpFlag: UInt8,
        etpLeverageFactor: UInt32,
        inverseIndicator: UInt8
    ) {
        self.stockLocate = stockLocate
        self.trackingNumber = trackingNumber
        self.timestampNs = timestampNs
        self.stock = stock
        self.marketCategory = marketCategory
        self.financialStatusIndicator = financialStatusIndicator
        self.roundLotSize = roundLotSize
        self.roundLotsOnly = roundLotsOnly
        self.issueClassification = issueClassification
        self.issueSubType = issueSubType
        self.authenticity = authenticity
        self.shortSaleThresholdIndicator = shortSaleThresholdIndicator
        self.ipoFlag = ipoFlag
        self.luldReferencePriceTier = luldReferencePriceTier
        self.etpFlag = etpFlag
        self.etpLeverageFactor = etpLeverageFactor
        self.inverseIndicator = inverseIndicator
    }

    /// Copies the fields out of a validated view.
    @inlinable
    public init(_ view: ITCHStockDirectoryView) {
        stockLocate = view.stockLocate
        trackingNumber = view.trackingNumber
        timestampNs = view.timestampNs
        stock = view.stock
        marketCategory = view.marketCategory
        financialStatusIndicator = view.financialStatusIndicator
        roundLotSize = view.roundLotSize
        roundLotsOnly = view.roundLotsOnly
        issueClassification = view.issueClassification
        issueSubType = view.issueSubType
        authenticity = view.authenticity
        shortSaleThresholdIndicator = view.shortSaleThresholdIndicator
        ipoFlag = view.ipoFlag
        luldReferencePriceTier = view.luldReferencePriceTier
        etpFlag = view.etpFlag
        etpLeverageFactor = view.etpLeverageFactor
        inverseIndicator = view.inverseIndicator
    }

    /// Decodes a buffer that must hold exactly one 'R' message of 39 bytes.
    @inlinable
    public init(decoding bytes: UnsafeRawBufferPointer) throws(WireDecodingError) {
        self.init(try ITCHStockDirectoryView(validating: bytes))
    }

    @inlinable
    public var encodedLength: Int { Self.length }

    /// Writes the message at the start of `buffer` and returns 39.
    /// - Precondition: `buffer` holds at least 39 bytes and `timestampNs` fits in 48 bits.
    @inlinable
    public func encode(into buffer: UnsafeMutableRawBufferPointer) -> Int {
        precondition(buffer.count >= Self.length, "ITCH 'R' needs 39 bytes")
        buffer.writeITCHHeader(
            Self.messageType, stockLocate: stockLocate, trackingNumber: trackingNumber, timestampNs: timestampNs
        )
        buffer.writeAlpha8(stock, at: 11)
        buffer.writeUInt8(marketCategory, at: 19)
        buffer.writeUInt8(financialStatusIndicator, at: 20)
        buffer.writeUInt32BE(roundLotSize, at: 21)
        buffer.writeUInt8(roundLotsOnly, at: 25)
        buffer.writeUInt8(issueClassification, at: 26)
        buffer.writeUInt16BE(issueSubType, at: 27)
        buffer.writeUInt8(authenticity, at: 29)
        buffer.writeUInt8(shortSaleThresholdIndicator, at: 30)
        buffer.writeUInt8(ipoFlag, at: 31)
        buffer.writeUInt8(luldReferencePriceTier, at: 32)
        buffer.writeUInt8(etpFlag, at: 33)
        buffer.writeUInt32BE(etpLeverageFactor, at: 34)
        buffer.writeUInt8(inverseIndicator, at: 38)
        return Self.length
    }
}

/// A zero-copy view of one validated ITCH 'R' message; valid while its buffer is.
public struct ITCHStockDirectoryView {
    public let bytes: UnsafeRawBufferPointer

    /// Checks the type byte and the exact length (39) once; the accessors then read in place.
    @inlinable
    public init(validating bytes: UnsafeRawBufferPointer) throws(WireDecodingError) {
        try validateITCHMessage(bytes, as: ITCHStockDirectory.messageType)
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
    @inlinable public var marketCategory: UInt8 { bytes.readUInt8(at: 19) }
    @inlinable public var financialStatusIndicator: UInt8 { bytes.readUInt8(at: 20) }
    @inlinable public var roundLotSize: UInt32 { bytes.readUInt32BE(at: 21) }
    @inlinable public var roundLotsOnly: UInt8 { bytes.readUInt8(at: 25) }
    @inlinable public var issueClassification: UInt8 { bytes.readUInt8(at: 26) }
    @inlinable public var issueSubType: UInt16 { bytes.readUInt16BE(at: 27) }
    @inlinable public var authenticity: UInt8 { bytes.readUInt8(at: 29) }
    @inlinable public var shortSaleThresholdIndicator: UInt8 { bytes.readUInt8(at: 30) }
    @inlinable public var ipoFlag: UInt8 { bytes.readUInt8(at: 31) }
    @inlinable public var luldReferencePriceTier: UInt8 { bytes.readUInt8(at: 32) }
    @inlinable public var etpFlag: UInt8 { bytes.readUInt8(at: 33) }
    @inlinable public var etpLeverageFactor: UInt32 { bytes.readUInt32BE(at: 34) }
    @inlinable public var inverseIndicator: UInt8 { bytes.readUInt8(at: 38) }

    /// The fields copied into a value.
    @inlinable
    public var message: ITCHStockDirectory { ITCHStockDirectory(self) }
}
