// ITCH 5.0 'H' Stock Trading Action: 25 bytes, type byte included.

/// ITCH 5.0 'H' Stock Trading Action. A change of trading state for one security (halt, pause, quotation only, trading).
public struct ITCHStockTradingAction: ITCHEncodable, Hashable, Sendable {
    public static let messageType = ITCHMessageType.stockTradingAction
    public static let length = 25

    /// Locate code of the security; 0 for messages that concern no security.
    public var stockLocate: UInt16
    /// Nasdaq internal tracking number.
    public var trackingNumber: UInt16
    /// Nanoseconds since midnight; 48 bits on the wire.
    public var timestampNs: UInt64
    /// Security symbol.
    public var stock: Alpha8
    /// H, P, Q or T.
    public var tradingState: ITCHTradingState
    /// Reserved byte, passed through as sent.
    public var reserved: UInt8
    /// Trading action reason code.
    public var reason: Alpha4

    @inlinable
    public init(
        stockLocate: UInt16,
        trackingNumber: UInt16,
        timestampNs: UInt64,
        stock: Alpha8,
        tradingState: ITCHTradingState,
        reserved: UInt8,
        reason: Alpha4
    ) {
        self.stockLocate = stockLocate
        self.trackingNumber = trackingNumber
        self.timestampNs = timestampNs
        self.stock = stock
        self.tradingState = tradingState
        self.reserved = reserved
        self.reason = reason
    }

    /// Copies the fields out of a validated view.
    @inlinable
    public init(_ view: ITCHStockTradingActionView) {
        stockLocate = view.stockLocate
        trackingNumber = view.trackingNumber
        timestampNs = view.timestampNs
        stock = view.stock
        tradingState = view.tradingState
        reserved = view.reserved
        reason = view.reason
    }

    /// Decodes a buffer that must hold exactly one 'H' message of 25 bytes.
    @inlinable
    public init(decoding bytes: UnsafeRawBufferPointer) throws(WireDecodingError) {
        self.init(try ITCHStockTradingActionView(validating: bytes))
    }

    @inlinable
    public var encodedLength: Int { Self.length }

    /// Writes the message at the start of `buffer` and returns 25.
    /// - Precondition: `buffer` holds at least 25 bytes and `timestampNs` fits in 48 bits.
    @inlinable
    public func encode(into buffer: UnsafeMutableRawBufferPointer) -> Int {
        precondition(buffer.count >= Self.length, "ITCH 'H' needs 25 bytes")
        buffer.writeITCHHeader(
            Self.messageType, stockLocate: stockLocate, trackingNumber: trackingNumber, timestampNs: timestampNs
        )
        buffer.writeAlpha8(stock, at: 11)
        buffer.writeUInt8(tradingState.rawValue, at: 19)
        buffer.writeUInt8(reserved, at: 20)
        buffer.writeAlpha4(reason, at: 21)
        return Self.length
    }
}

/// A zero-copy view of one validated ITCH 'H' message; valid while its buffer is.
public struct ITCHStockTradingActionView {
    public let bytes: UnsafeRawBufferPointer

    /// Checks the type byte and the exact length (25) once; the accessors then read in place.
    @inlinable
    public init(validating bytes: UnsafeRawBufferPointer) throws(WireDecodingError) {
        try validateITCHMessage(bytes, as: ITCHStockTradingAction.messageType)
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
    @inlinable public var tradingState: ITCHTradingState { ITCHTradingState(rawValue: bytes.readUInt8(at: 19)) }
    @inlinable public var reserved: UInt8 { bytes.readUInt8(at: 20) }
    @inlinable public var reason: Alpha4 { bytes.readAlpha4(at: 21) }

    /// The fields copied into a value.
    @inlinable
    public var message: ITCHStockTradingAction { ITCHStockTradingAction(self) }
}
