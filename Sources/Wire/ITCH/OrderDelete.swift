// ITCH 5.0 'D' Order Delete: 19 bytes, type byte included.

/// ITCH 5.0 'D' Order Delete. A resting order removed from the book.
public struct ITCHOrderDelete: ITCHEncodable, Hashable, Sendable {
    public static let messageType = ITCHMessageType.orderDelete
    public static let length = 19

    /// Locate code of the security; 0 for messages that concern no security.
    public var stockLocate: UInt16
    /// Nasdaq internal tracking number.
    public var trackingNumber: UInt16
    /// Nanoseconds since midnight; 48 bits on the wire.
    public var timestampNs: UInt64
    /// The live order.
    public var orderReferenceNumber: UInt64

    @inlinable
    public init(
        stockLocate: UInt16,
        trackingNumber: UInt16,
        timestampNs: UInt64,
        orderReferenceNumber: UInt64
    ) {
        self.stockLocate = stockLocate
        self.trackingNumber = trackingNumber
        self.timestampNs = timestampNs
        self.orderReferenceNumber = orderReferenceNumber
    }

    /// Copies the fields out of a validated view.
    @inlinable
    public init(_ view: ITCHOrderDeleteView) {
        stockLocate = view.stockLocate
        trackingNumber = view.trackingNumber
        timestampNs = view.timestampNs
        orderReferenceNumber = view.orderReferenceNumber
    }

    /// Decodes a buffer that must hold exactly one 'D' message of 19 bytes.
    @inlinable
    public init(decoding bytes: UnsafeRawBufferPointer) throws(WireDecodingError) {
        self.init(try ITCHOrderDeleteView(validating: bytes))
    }

    @inlinable
    public var encodedLength: Int { Self.length }

    /// Writes the message at the start of `buffer` and returns 19.
    /// - Precondition: `buffer` holds at least 19 bytes and `timestampNs` fits in 48 bits.
    @inlinable
    public func encode(into buffer: UnsafeMutableRawBufferPointer) -> Int {
        precondition(buffer.count >= Self.length, "ITCH 'D' needs 19 bytes")
        buffer.writeITCHHeader(
            Self.messageType, stockLocate: stockLocate, trackingNumber: trackingNumber, timestampNs: timestampNs
        )
        buffer.writeUInt64BE(orderReferenceNumber, at: 11)
        return Self.length
    }
}

/// A zero-copy view of one validated ITCH 'D' message; valid while its buffer is.
public struct ITCHOrderDeleteView {
    public let bytes: UnsafeRawBufferPointer

    /// Checks the type byte and the exact length (19) once; the accessors then read in place.
    @inlinable
    public init(validating bytes: UnsafeRawBufferPointer) throws(WireDecodingError) {
        try validateITCHMessage(bytes, as: ITCHOrderDelete.messageType)
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

    /// The fields copied into a value.
    @inlinable
    public var message: ITCHOrderDelete { ITCHOrderDelete(self) }
}
