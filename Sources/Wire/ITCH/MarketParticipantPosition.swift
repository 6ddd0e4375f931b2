// ITCH 5.0 'L' Market Participant Position: 26 bytes, type byte included.

/// ITCH 5.0 'L' Market Participant Position. The status of one market participant in one security.
public struct ITCHMarketParticipantPosition: ITCHEncodable, Hashable, Sendable {
    public static let messageType = ITCHMessageType.marketParticipantPosition
    public static let length = 26

    /// Locate code of the security; 0 for messages that concern no security.
    public var stockLocate: UInt16
    /// Nasdaq internal tracking number.
    public var trackingNumber: UInt16
    /// Nanoseconds since midnight; 48 bits on the wire.
    public var timestampNs: UInt64
    /// Market participant identifier.
    public var mpid: Alpha4
    /// Security symbol.
    public var stock: Alpha8
    /// Y or N.
    public var primaryMarketMaker: UInt8
    /// N, P, S, R or L.
    public var marketMakerMode: UInt8
    /// A, E, W, S or D.
    public var marketParticipantState: UInt8

    @inlinable
    public init(
        stockLocate: UInt16,
        trackingNumber: UInt16,
        timestampNs: UInt64,
        mpid: Alpha4,
        stock: Alpha8,
        primaryMarketMaker: UInt8,
        marketMakerMode: UInt8,
        marketParticipantState: UInt8
    ) {
        self.stockLocate = stockLocate
        self.trackingNumber = trackingNumber
        self.timestampNs = timestampNs
        self.mpid = mpid
        self.stock = stock
        self.primaryMarketMaker = primaryMarketMaker
        self.marketMakerMode = marketMakerMode
        self.marketParticipantState = marketParticipantState
    }

    /// Copies the fields out of a validated view.
    @inlinable
    public init(_ view: ITCHMarketParticipantPositionView) {
        stockLocate = view.stockLocate
        trackingNumber = view.trackingNumber
        timestampNs = view.timestampNs
        mpid = view.mpid
        stock = view.stock
        primaryMarketMaker = view.primaryMarketMaker
        marketMakerMode = view.marketMakerMode
        marketParticipantState = view.marketParticipantState
    }

    /// Decodes a buffer that must hold exactly one 'L' message of 26 bytes.
    @inlinable
    public init(decoding bytes: UnsafeRawBufferPointer) throws(WireDecodingError) {
        self.init(try ITCHMarketParticipantPositionView(validating: bytes))
    }

    @inlinable
    public var encodedLength: Int { Self.length }

    /// Writes the message at the start of `buffer` and returns 26.
    /// - Precondition: `buffer` holds at least 26 bytes and `timestampNs` fits in 48 bits.
    @inlinable
    public func encode(into buffer: UnsafeMutableRawBufferPointer) -> Int {
        precondition(buffer.count >= Self.length, "ITCH 'L' needs 26 bytes")
        buffer.writeITCHHeader(
            Self.messageType, stockLocate: stockLocate, trackingNumber: trackingNumber, timestampNs: timestampNs
        )
        buffer.writeAlpha4(mpid, at: 11)
        buffer.writeAlpha8(stock, at: 15)
        buffer.writeUInt8(primaryMarketMaker, at: 23)
        buffer.writeUInt8(marketMakerMode, at: 24)
        buffer.writeUInt8(marketParticipantState, at: 25)
        return Self.length
    }
}

/// A zero-copy view of one validated ITCH 'L' message; valid while its buffer is.
public struct ITCHMarketParticipantPositionView {
    public let bytes: UnsafeRawBufferPointer

    /// Checks the type byte and the exact length (26) once; the accessors then read in place.
    @inlinable
    public init(validating bytes: UnsafeRawBufferPointer) throws(WireDecodingError) {
        try validateITCHMessage(bytes, as: ITCHMarketParticipantPosition.messageType)
        self.bytes = bytes
    }

    @inlinable
    init(unchecked bytes: UnsafeRawBufferPointer) {
        self.bytes = bytes
    }

    @inlinable public var stockLocate: UInt16 { bytes.readUInt16BE(at: 1) }
    @inlinable public var trackingNumber: UInt16 { bytes.readUInt16BE(at: 3) }
    @inlinable public var timestampNs: UInt64 { bytes.readUInt48BE(at: 5) }
    @inlinable public var mpid: Alpha4 { bytes.readAlpha4(at: 11) }
    @inlinable public var stock: Alpha8 { bytes.readAlpha8(at: 15) }
    @inlinable public var primaryMarketMaker: UInt8 { bytes.readUInt8(at: 23) }
    @inlinable public var marketMakerMode: UInt8 { bytes.readUInt8(at: 24) }
    @inlinable public var marketParticipantState: UInt8 { bytes.readUInt8(at: 25) }

    /// The fields copied into a value.
    @inlinable
    public var message: ITCHMarketParticipantPosition { ITCHMarketParticipantPosition(self) }
}
