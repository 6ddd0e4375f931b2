// ITCH 5.0 'E' Order Executed: 31 bytes, type byte included.

/// ITCH 5.0 'E' Order Executed. A resting order executed, in whole or in part, at its own price.
public struct ITCHOrderExecuted: ITCHEncodable, Hashable, Sendable {
    public static let messageType = ITCHMessageType.orderExecuted
    public static let length = 31

    /// Locate code of the security; 0 for messages that concern no security.
    public var stockLocate: UInt16
    /// Nasdaq internal tracking number.
    public var trackingNumber: UInt16
    /// Nanoseconds since midnight; 48 bits on the wire.
    public var timestampNs: UInt64
    /// The resting order.
    public var orderReferenceNumber: UInt64
    /// Shares executed in this event.
    public var executedShares: UInt32
    /// Day-unique match number.
    public var matchNumber: UInt64

    @inlinable
    public init(
        stockLocate: UInt16,
        trackingNumber: UInt16,
        timestampNs: UInt64,
        orderReferenceNumber: UInt64,
        executedShares: UInt32,
        matchNumber: UInt64
    ) {
        self.stockLocate = stockLocate
        self.trackingNumber = trackingNumber
        self.timestampNs = timestampNs
        self.orderReferenceNumber = orderReferenceNumber
        self.executedShares = executedShares
        self.matchNumber = matchNumber
    }

    /// Copies the fields out of a validated view.
    @inlinable
    public init(_ view: ITCHOrderExecutedView) {
        stockLocate = view.stockLocate
        trackingNumber = view.trackingNumber
        timestampNs = view.timestampNs
        orderReferenceNumber = view.orderReferenceNumber
        executedShares = view.executedShares
        matchNumber = view.matchNumber
    }

    /// Decodes a buffer that must hold exactly one 'E' message of 31 bytes.
    @inlinable
    public init(decoding bytes: UnsafeRawBufferPointer) throws(WireDecodingError) {
        self.init(try ITCHOrderExecutedView(validating: bytes))
    }

    @inlinable
    public var encodedLength: Int { Self.length }

    /// Writes the message at the start of `buffer` and returns 31.
    /// - Precondition: `buffer` holds at least 31 bytes and `timestampNs` fits in 48 bits.
    @inlinable
    public func encode(into buffer: UnsafeMutableRawBufferPointer) -> Int {
        precondition(buffer.count >= Self.length, "ITCH 'E' needs 31 bytes")
        buffer.writeITCHHeader(
            Self.messageType, stockLocate: stockLocate, trackingNumber: trackingNumber, timestampNs: timestampNs
        )
        buffer.writeUInt64BE(orderReferenceNumber, at: 11)
        buffer.writeUInt32BE(executedShares, at: 19)
        buffer.writeUInt64BE(matchNumber, at: 23)
        return Self.length
    }
}

/// A zero-copy view of one validated ITCH 'E' message; valid while its buffer is.
public struct ITCHOrderExecutedView {
    public let bytes: UnsafeRawBufferPointer

    /// Checks the type byte and the exact length (31) once; the accessors then read in place.
    @inlinable
    public init(validating bytes: UnsafeRawBufferPointer) throws(WireDecodingError) {
        try validateITCHMessage(bytes, as: ITCHOrderExecuted.messageType)
        self.bytes = bytes
    }

    @inlinable
    init(unchecked bytes: UnsafeRawBufferPointer) {
        self.bytes = bytes
    }

    @inlinable public var stockLocate: UInt16 { bytes.readUInt16BE(at: 1) }
    @inlinable public var trackingNumber: UInt16 { bytes.readUInt16BE(at: 3) }
    @inlinable public var timestampNs: UInt64 { bytes.readUInt48BE(at: 5) }
    @inlinable public var orderReferenceNumber: UInt64 { bytes.readUInt64BE(at: 11) }
    @inlinable public var executedShares: UInt32 { bytes.readUInt32BE(at: 19) }
    @inlinable public var matchNumber: UInt64 { bytes.readUInt64BE(at: 23) }

    /// The fields copied into a value.
    @inlinable
    public var message: ITCHOrderExecuted { ITCHOrderExecuted(self) }
}
