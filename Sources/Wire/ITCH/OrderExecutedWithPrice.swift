// ITCH 5.0 'C' Order Executed With Price: 36 bytes, type byte included.

/// ITCH 5.0 'C' Order Executed With Price. A resting order executed at a price other than its own (for example in a cross).
public struct ITCHOrderExecutedWithPrice: ITCHEncodable, Hashable, Sendable {
    public static let messageType = ITCHMessageType.orderExecutedWithPrice
    public static let length = 36

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
    /// Y or N: whether the execution counts toward volume.
    public var printable: UInt8
    /// Price(4).
    public var executionPrice: UInt32

    @inlinable
    public init(
        stockLocate: UInt16,
        trackingNumber: UInt16,
        timestampNs: UInt64,
        orderReferenceNumber: UInt64,
        executedShares: UInt32,
        matchNumber: UInt64,
        printable: UInt8,
        executionPrice: UInt32
    ) {
        self.stockLocate = stockLocate
        self.trackingNumber = trackingNumber
        self.timestampNs = timestampNs
        self.orderReferenceNumber = orderReferenceNumber
        self.executedShares = executedShares
        self.matchNumber = matchNumber
        self.printable = printable
        self.executionPrice = executionPrice
    }

    /// Copies the fields out of a validated view.
    @inlinable
    public init(_ view: ITCHOrderExecutedWithPriceView) {
        stockLocate = view.stockLocate
        trackingNumber = view.trackingNumber
        timestampNs = view.timestampNs
        orderReferenceNumber = view.orderReferenceNumber
        executedShares = view.executedShares
        matchNumber = view.matchNumber
        printable = view.printable
        executionPrice = view.executionPrice
    }

    /// Decodes a buffer that must hold exactly one 'C' message of 36 bytes.
    @inlinable
    public init(decoding bytes: UnsafeRawBufferPointer) throws(WireDecodingError) {
        self.init(try ITCHOrderExecutedWithPriceView(validating: bytes))
    }

    @inlinable
    public var encodedLength: Int { Self.length }

    /// Writes the message at the start of `buffer` and returns 36.
    /// - Precondition: `buffer` holds at least 36 bytes and `timestampNs` fits in 48 bits.
    @inlinable
    public func encode(into buffer: UnsafeMutableRawBufferPointer) -> Int {
        precondition(buffer.count >= Self.length, "ITCH 'C' needs 36 bytes")
        buffer.writeITCHHeader(
            Self.messageType, stockLocate: stockLocate, trackingNumber: trackingNumber, timestampNs: timestampNs
        )
        buffer.writeUInt64BE(orderReferenceNumber, at: 11)
        buffer.writeUInt32BE(executedShares, at: 19)
        buffer.writeUInt64BE(matchNumber, at: 23)
        buffer.writeUInt8(printable, at: 31)
        buffer.writeUInt32BE(executionPrice, at: 32)
        return Self.length
    }
}

/// A zero-copy view of one validated ITCH 'C' message; valid while its buffer is.
public struct ITCHOrderExecutedWithPriceView {
    public let bytes: UnsafeRawBufferPointer

    /// Checks the type byte and the exact length (36) once; the accessors then read in place.
    @inlinable
    public init(validating bytes: UnsafeRawBufferPointer) throws(WireDecodingError) {
        try validateITCHMessage(bytes, as: ITCHOrderExecutedWithPrice.messageType)
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
    @inlinable public var printable: UInt8 { bytes.readUInt8(at: 31) }
    @inlinable public var executionPrice: UInt32 { bytes.readUInt32BE(at: 32) }

    /// The fields copied into a value.
    @inlinable
    public var message: ITCHOrderExecutedWithPrice { ITCHOrderExecutedWithPrice(self) }
}
