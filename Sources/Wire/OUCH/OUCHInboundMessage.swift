/// Any OUCH 4.2 message a client sends to the exchange (SoupBinTCP Unsequenced Data).
///
/// 'U' and 'M' mean Replace Order and Modify Order in this direction; decode exchange-to-client
/// bytes with `OUCHOutboundMessage` instead.
public enum OUCHInboundMessage: Hashable, Sendable {
    case enterOrder(OUCHEnterOrder)
    case replaceOrder(OUCHReplaceOrder)
    case cancelOrder(OUCHCancelOrder)
    case modifyOrder(OUCHModifyOrder)

    /// Decodes one whole message by its type byte; the length must be the type's exact length.
    @inlinable
    public init(decoding buffer: UnsafeRawBufferPointer) throws(WireDecodingError) {
        guard buffer.count >= 1 else { throw .truncated(needed: 1, available: 0) }
        switch buffer.readUInt8(at: 0) {
        case OUCHEnterOrder.messageType: self = .enterOrder(try OUCHEnterOrder(decoding: buffer))
        case OUCHReplaceOrder.messageType: self = .replaceOrder(try OUCHReplaceOrder(decoding: buffer))
        case OUCHCancelOrder.messageType: self = .cancelOrder(try OUCHCancelOrder(decoding: buffer))
        case OUCHModifyOrder.messageType: self = .modifyOrder(try OUCHModifyOrder(decoding: buffer))
        case let other: throw .unknownMessageType(other)
        }
    }

    /// The message's type byte.
    @inlinable
    public var messageType: UInt8 {
        switch self {
        case .enterOrder: OUCHEnterOrder.messageType
        case .replaceOrder: OUCHReplaceOrder.messageType
        case .cancelOrder: OUCHCancelOrder.messageType
        case .modifyOrder: OUCHModifyOrder.messageType
        }
    }

    /// The exact length of this message on the wire.
    @inlinable
    public var encodedLength: Int {
        switch self {
        case .enterOrder: OUCHEnterOrder.length
        case .replaceOrder: OUCHReplaceOrder.length
        case .cancelOrder: OUCHCancelOrder.length
        case .modifyOrder: OUCHModifyOrder.length
        }
    }

    /// The exact length a message of type `messageType` has in this direction, or nil for an unknown type.
    @inlinable
    public static func length(ofType messageType: UInt8) -> Int? {
        switch messageType {
        case OUCHEnterOrder.messageType: OUCHEnterOrder.length
        case OUCHReplaceOrder.messageType: OUCHReplaceOrder.length
        case OUCHCancelOrder.messageType: OUCHCancelOrder.length
        case OUCHModifyOrder.messageType: OUCHModifyOrder.length
        default: nil
        }
    }

    /// Writes the message at the start of `buffer` and returns its length.
    @inlinable @discardableResult
    public func encode(into buffer: UnsafeMutableRawBufferPointer) -> Int {
        switch self {
        case let .enterOrder(message): message.encode(into: buffer)
        case let .replaceOrder(message): message.encode(into: buffer)
        case let .cancelOrder(message): message.encode(into: buffer)
        case let .modifyOrder(message): message.encode(into: buffer)
        }
    }
}
