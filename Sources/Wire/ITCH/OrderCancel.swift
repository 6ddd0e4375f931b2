// ITCH 5.0 'X' Order Cancel: 23 bytes, type byte included.

/// ITCH 5.0 'X' Order Cancel. A partial cancellation of a resting order.
public struct ITCHOrderCancel: ITCHEncodable, Hashable, Sendable {
    public static let messageType = ITCHMessageType.orderCancel
    public static let length = 23

    /// Locate code of the security; 0 for messages that concern no security.
    public var stockLocate: UInt16
    /// Nasdaq internal tracking number.
    public var trackingNumber: UInt16
    /// Nanoseconds since midnight; 48 bits on the wire.
    public var timestampNs: UInt64
    /// The live order.
    public var orderReferenceNumber: UInt64
    /// Shares removed by this event.
    public var cancelledShares: UInt32

    @inlinable
    public init(
        stockLocate: UInt16,
        trackingNumber: UInt16,
        timestampNs: UInt64,
        orderReferenceNumber: UInt64,
        cancelledShares: UInt32
    ) {
        self.stockLocate = stockLocate
        self.trackingNumber = trackingNumber
        self.timestampNs = timestampNs
        self.orderReferenceNumber = orderReferenceNumber
        self.cancelledShares = cancelledShares
    }

    /// Copies the fields out of a validated view.
    @inlinable
    public init(_ view: ITCHOrderCancelView) {
        stockLocate = view.stockLocate
        trackingNumber = view.trackingNumber
        timestampNs = view.timestampNs
        orderReferenceNumber = view.orderReferenceNumber
        cancelledShares = view.cancelledShares
    }

    /// Decodes a buffer that must hold exactly one 'X' message of 23 bytes.
    @inlinable
    public init(decoding bytes: UnsafeRawBufferPointer) throws(WireDecodingError) {
        self.init(try ITCHOrderCancelView(validating: bytes))
    }

    @inlinable
    public var encodedLength: Int { Self.length }

    /// Writes the message at the start of `buffer` and returns 23.
    /// - Precondition: `buffer` holds at least 23 bytes and `timestampNs` fits in 48 bits.
    @inlinable
    public func encode(into buffer: UnsafeMutableRawBufferPointer) -> Int {
        precondition(buffer.count >= Self.length, "ITCH 'X' needs 23 bytes")
        buffer.writeITCHHeader(
            Self.messageType, stockLocate: stockLocate, trackingNumber: trackingNumber, timestampNs: timestampNs
        )
        buffer.writeUInt64BE(orderReferenceNumber, at: 11)
        buffer.writeUInt32BE(cancelledShares, at: 19)
        return Self.length
    }
}

/// A zero-copy view of one validated ITCH 'X' message; valid while its buffer is.
public struct ITCHOrderCancelView {
    public let bytes: UnsafeRawBufferPointer

    /// Checks the type byte and the exact length (23) once; the accessors then read in place.
    @inlinable
    public init(validating bytes: UnsafeRawBufferPointer) throws(WireDecodingError) {
        try validateITCHMessage(bytes, as: ITCHOrderCancel.messageType)
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
    @inlinable public var cancelledShares: UInt32 { bytes.readUInt32BE(at: 19) }

    /// The fields copied into a value.
    @inlinable
    public var message: ITCHOrderCancel { ITCHOrderCancel(self) }
}
