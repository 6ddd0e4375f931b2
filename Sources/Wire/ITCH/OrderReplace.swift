// ITCH 5.0 'U' Order Replace: 35 bytes, type byte included.

/// ITCH 5.0 'U' Order Replace. A resting order replaced by a new one that keeps its side and stock and loses its priority.
public struct ITCHOrderReplace: ITCHEncodable, Hashable, Sendable {
    public static let messageType = ITCHMessageType.orderReplace
    public static let length = 35

    /// Locate code of the security; 0 for messages that concern no security.
    public var stockLocate: UInt16
    /// Nasdaq internal tracking number.
    public var trackingNumber: UInt16
    /// Nanoseconds since midnight; 48 bits on the wire.
    public var timestampNs: UInt64
    /// The order replaced.
    public var originalOrderReferenceNumber: UInt64
    /// The new live reference.
    public var newOrderReferenceNumber: UInt64
    /// Displayed shares of the new order.
    public var shares: UInt32
    /// Price(4) of the new order.
    public var price: UInt32

    @inlinable
    public init(
        stockLocate: UInt16,
        trackingNumber: UInt16,
        timestampNs: UInt64,
        originalOrderReferenceNumber: UInt64,
        newOrderReferenceNumber: UInt64,
        shares: UInt32,
        price: UInt32
    ) {
        self.stockLocate = stockLocate
        self.trackingNumber = trackingNumber
        self.timestampNs = timestampNs
        self.originalOrderReferenceNumber = originalOrderReferenceNumber
        self.newOrderReferenceNumber = newOrderReferenceNumber
        self.shares = shares
        self.price = price
    }

    /// Copies the fields out of a validated view.
    @inlinable
    public init(_ view: ITCHOrderReplaceView) {
        stockLocate = view.stockLocate
        trackingNumber = view.trackingNumber
        timestampNs = view.timestampNs
        originalOrderReferenceNumber = view.originalOrderReferenceNumber
        newOrderReferenceNumber = view.newOrderReferenceNumber
        shares = view.shares
        price = view.price
    }

    /// Decodes a buffer that must hold exactly one 'U' message of 35 bytes.
    @inlinable
    public init(decoding bytes: UnsafeRawBufferPointer) throws(WireDecodingError) {
        self.init(try ITCHOrderReplaceView(validating: bytes))
    }

    @inlinable
    public var encodedLength: Int { Self.length }

    /// Writes the message at the start of `buffer` and returns 35.
    /// - Precondition: `buffer` holds at least 35 bytes and `timestampNs` fits in 48 bits.
    @inlinable
    public func encode(into buffer: UnsafeMutableRawBufferPointer) -> Int {
        precondition(buffer.count >= Self.length, "ITCH 'U' needs 35 bytes")
        buffer.writeITCHHeader(
            Self.messageType, stockLocate: stockLocate, trackingNumber: trackingNumber, timestampNs: timestampNs
        )
        buffer.writeUInt64BE(originalOrderReferenceNumber, at: 11)
        buffer.writeUInt64BE(newOrderReferenceNumber, at: 19)
        buffer.writeUInt32BE(shares, at: 27)
        buffer.writeUInt32BE(price, at: 31)
        return Self.length
    }
}

/// A zero-copy view of one validated ITCH 'U' message; valid while its buffer is.
public struct ITCHOrderReplaceView {
    public let bytes: UnsafeRawBufferPointer

    /// Checks the type byte and the exact length (35) once; the accessors then read in place.
    @inlinable
    public init(validating bytes: UnsafeRawBufferPointer) throws(WireDecodingError) {
        try validateITCHMessage(bytes, as: ITCHOrderReplace.messageType)
        self.bytes = bytes
    }

    @inlinable
    init(unchecked bytes: UnsafeRawBufferPointer) {
        self.bytes = bytes
    }

    @inlinable public var stockLocate: UInt16 { bytes.readUInt16BE(at: 1) }
    @inlinable public var trackingNumber: UInt16 { bytes.readUInt16BE(at: 3) }
    @inlinable public var timestampNs: UInt64 { bytes.readUInt48BE(at: 5) }
    @inlinable public var originalOrderReferenceNumber: UInt64 { bytes.readUInt64BE(at: 11) }
    @inlinable public var newOrderReferenceNumber: UInt64 { bytes.readUInt64BE(at: 19) }
    @inlinable public var shares: UInt32 { bytes.readUInt32BE(at: 27) }
    @inlinable public var price: UInt32 { bytes.readUInt32BE(at: 31) }

    /// The fields copied into a value.
    @inlinable
    public var message: ITCHOrderReplace { ITCHOrderReplace(self) }
}
