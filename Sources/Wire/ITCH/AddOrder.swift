// ITCH 5.0 'A' Add Order, no MPID attribution: 36 bytes, type byte included.

/// ITCH 5.0 'A' Add Order, no MPID attribution. A new displayed order added to the book, without attribution.
public struct ITCHAddOrder: ITCHEncodable, Hashable, Sendable {
    public static let messageType = ITCHMessageType.addOrder
    public static let length = 36

    /// Locate code of the security; 0 for messages that concern no security.
    public var stockLocate: UInt16
    /// Nasdaq internal tracking number.
    public var trackingNumber: UInt16
    /// Nanoseconds since midnight; 48 bits on the wire.
    public var timestampNs: UInt64
    /// Day-unique order reference.
    public var orderReferenceNumber: UInt64
    /// B or S.
    public var side: ITCHSide
    /// Displayed shares.
    public var shares: UInt32
    /// Security symbol.
    public var stock: Alpha8
    /// Price(4): 4 implied decimals.
    public var price: UInt32

    @inlinable
    public init(
        stockLocate: UInt16,
        trackingNumber: UInt16,
        timestampNs: UInt64,
        orderReferenceNumber: UInt64,
        side: ITCHSide,
        shares: UInt32,
        stock: Alpha8,
        price: UInt32
    ) {
        self.stockLocate = stockLocate
        self.trackingNumber = trackingNumber
        self.timestampNs = timestampNs
        self.orderReferenceNumber = orderReferenceNumber
        self.side = side
        self.shares = shares
        self.stock = stock
        self.price = price
    }

    /// Copies the fields out of a validated view.
    @inlinable
    public init(_ view: ITCHAddOrderView) {
        stockLocate = view.stockLocate
        trackingNumber = view.trackingNumber
        timestampNs = view.timestampNs
        orderReferenceNumber = view.orderReferenceNumber
        side = view.side
        shares = view.shares
        stock = view.stock
        price = view.price
    }

    /// Decodes a buffer that must hold exactly one 'A' message of 36 bytes.
    @inlinable
    public init(decoding bytes: UnsafeRawBufferPointer) throws(WireDecodingError) {
        self.init(try ITCHAddOrderView(validating: bytes))
    }

    @inlinable
    public var encodedLength: Int { Self.length }

    /// Writes the message at the start of `buffer` and returns 36.
    /// - Precondition: `buffer` holds at least 36 bytes and `timestampNs` fits in 48 bits.
    @inlinable
    public func encode(into buffer: UnsafeMutableRawBufferPointer) -> Int {
        precondition(buffer.count >= Self.length, "ITCH 'A' needs 36 bytes")
        buffer.writeITCHHeader(
            Self.messageType, stockLocate: stockLocate, trackingNumber: trackingNumber, timestampNs: timestampNs
        )
        buffer.writeUInt64BE(orderReferenceNumber, at: 11)
        buffer.writeUInt8(side.rawValue, at: 19)
        buffer.writeUInt32BE(shares, at: 20)
        buffer.writeAlpha8(stock, at: 24)
        buffer.writeUInt32BE(price, at: 32)
        return Self.length
    }
}

/// A zero-copy view of one validated ITCH 'A' message; valid while its buffer is.
public struct ITCHAddOrderView {
    public let bytes: UnsafeRawBufferPointer

    /// Checks the type byte and the exact length (36) once; the accessors then read in place.
    @inlinable
    public init(validating bytes: UnsafeRawBufferPointer) throws(WireDecodingError) {
        try validateITCHMessage(bytes, as: ITCHAddOrder.messageType)
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
    @inlinable public var side: ITCHSide { ITCHSide(rawValue: bytes.readUInt8(at: 19)) }
    @inlinable public var shares: UInt32 { bytes.readUInt32BE(at: 20) }
    @inlinable public var stock: Alpha8 { bytes.readAlpha8(at: 24) }
    @inlinable public var price: UInt32 { bytes.readUInt32BE(at: 32) }

    /// The fields copied into a value.
    @inlinable
    public var message: ITCHAddOrder { ITCHAddOrder(self) }
}
