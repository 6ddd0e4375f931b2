/// Any OUCH 4.2 message the exchange sends to a client (SoupBinTCP Sequenced Data).
///
/// 'U' and 'M' mean Replaced and Order Modified in this direction; decode client-to-exchange
/// bytes with `OUCHInboundMessage` instead.
public enum OUCHOutboundMessage: Hashable, Sendable {
    case systemEvent(OUCHSystemEvent)
    case accepted(OUCHAccepted)
    case replaced(OUCHReplaced)
    case canceled(OUCHCanceled)
    case aiqCanceled(OUCHAIQCanceled)
    case executed(OUCHExecuted)
    case executedWithReferencePrice(OUCHExecutedWithReferencePrice)
    case brokenTrade(OUCHBrokenTrade)
    case tradeCorrection(OUCHTradeCorrection)
    case priceCorrection(OUCHPriceCorrection)
    case rejected(OUCHRejected)
    case cancelPending(OUCHCancelPending)
    case cancelReject(OUCHCancelReject)
    case orderPriorityUpdate(OUCHOrderPriorityUpdate)
    case orderModified(OUCHOrderModified)

    /// Decodes one whole message by its type byte; the length must be the type's exact length.
    @inlinable
    public init(decoding buffer: UnsafeRawBufferPointer) throws(WireDecodingError) {
        guard buffer.count >= 1 else { throw .truncated(needed: 1, available: 0) }
        switch buffer.readUInt8(at: 0) {
        case OUCHSystemEvent.messageType: self = .systemEvent(try OUCHSystemEvent(decoding: buffer))
        case OUCHAccepted.messageType: self = .accepted(try OUCHAccepted(decoding: buffer))
        case OUCHReplaced.messageType: self = .replaced(try OUCHReplaced(decoding: buffer))
        case OUCHCanceled.messageType: self = .canceled(try OUCHCanceled(decoding: buffer))
        case OUCHAIQCanceled.messageType: self = .aiqCanceled(try OUCHAIQCanceled(decoding: buffer))
        case OUCHExecuted.messageType: self = .executed(try OUCHExecuted(decoding: buffer))
        case OUCHExecutedWithReferencePrice.messageType: self = .executedWithReferencePrice(try OUCHExecutedWithReferencePrice(decoding: buffer))
        case OUCHBrokenTrade.messageType: self = .brokenTrade(try OUCHBrokenTrade(decoding: buffer))
        case OUCHTradeCorrection.messageType: self = .tradeCorrection(try OUCHTradeCorrection(decoding: buffer))
        case OUCHPriceCorrection.messageType: self = .priceCorrection(try OUCHPriceCorrection(decoding: buffer))
        case OUCHRejected.messageType: self = .rejected(try OUCHRejected(decoding: buffer))
        case OUCHCancelPending.messageType: self = .cancelPending(try OUCHCancelPending(decoding: buffer))
        case OUCHCancelReject.messageType: self = .cancelReject(try OUCHCancelReject(decoding: buffer))
        case OUCHOrderPriorityUpdate.messageType: self = .orderPriorityUpdate(try OUCHOrderPriorityUpdate(decoding: buffer))
        case OUCHOrderModified.messageType: self = .orderModified(try OUCHOrderModified(decoding: buffer))
        case let other: throw .unknownMessageType(other)
        }
    }

    /// The message's type byte.
    @inlinable
    public var messageType: UInt8 {
        switch self {
        case .systemEvent: OUCHSystemEvent.messageType
        case .accepted: OUCHAccepted.messageType
        case .replaced: OUCHReplaced.messageType
        case .canceled: OUCHCanceled.messageType
        case .aiqCanceled: OUCHAIQCanceled.messageType
        case .executed: OUCHExecuted.messageType
        case .executedWithReferencePrice: OUCHExecutedWithReferencePrice.messageType
        case .brokenTrade: OUCHBrokenTrade.messageType
        case .tradeCorrection: OUCHTradeCorrection.messageType
        case .priceCorrection: OUCHPriceCorrection.messageType
        case .rejected: OUCHRejected.messageType
        case .cancelPending: OUCHCancelPending.messageType
        case .cancelReject: OUCHCancelReject.messageType
        case .orderPriorityUpdate: OUCHOrderPriorityUpdate.messageType
        case .orderModified: OUCHOrderModified.messageType
        }
    }

    /// The exact length of this message on the wire.
    @inlinable
    public var encodedLength: Int {
        switch self {
        case .systemEvent: OUCHSystemEvent.length
        case .accepted: OUCHAccepted.length
        case .replaced: OUCHReplaced.length
        case .canceled: OUCHCanceled.length
        case .aiqCanceled: OUCHAIQCanceled.length
        case .executed: OUCHExecuted.length
        case .executedWithReferencePrice: OUCHExecutedWithReferencePrice.length
        case .brokenTrade: OUCHBrokenTrade.length
        case .tradeCorrection: OUCHTradeCorrection.length
        case .priceCorrection: OUCHPriceCorrection.length
        case .rejected: OUCHRejected.length
        case .cancelPending: OUCHCancelPending.length
        case .cancelReject: OUCHCancelReject.length
        case .orderPriorityUpdate: OUCHOrderPriorityUpdate.length
        case .orderModified: OUCHOrderModified.length
        }
    }

    /// The exact length a message of type `messageType` has in this direction, or nil for an unknown type.
    @inlinable
    public static func length(ofType messageType: UInt8) -> Int? {
        switch messageType {
        case OUCHSystemEvent.messageType: OUCHSystemEvent.length
        case OUCHAccepted.messageType: OUCHAccepted.length
        case OUCHReplaced.messageType: OUCHReplaced.length
        case OUCHCanceled.messageType: OUCHCanceled.length
        case OUCHAIQCanceled.messageType: OUCHAIQCanceled.length
        case OUCHExecuted.messageType: OUCHExecuted.length
        case OUCHExecutedWithReferencePrice.messageType: OUCHExecutedWithReferencePrice.length
        case OUCHBrokenTrade.messageType: OUCHBrokenTrade.length
        case OUCHTradeCorrection.messageType: OUCHTradeCorrection.length
        case OUCHPriceCorrection.messageType: OUCHPriceCorrection.length
        case OUCHRejected.messageType: OUCHRejected.length
        case OUCHCancelPending.messageType: OUCHCancelPending.length
        case OUCHCancelReject.messageType: OUCHCancelReject.length
        case OUCHOrderPriorityUpdate.messageType: OUCHOrderPriorityUpdate.length
        case OUCHOrderModified.messageType: OUCHOrderModified.length
        default: nil
        }
    }

    /// Writes the message at the start of `buffer` and returns its length.
    @inlinable @discardableResult
    public func encode(into buffer: UnsafeMutableRawBufferPointer) -> Int {
        switch self {
        case let .systemEvent(message): message.encode(into: buffer)
        case let .accepted(message): message.encode(into: buffer)
        case let .replaced(message): message.encode(into: buffer)
        case let .canceled(message): message.encode(into: buffer)
        case let .aiqCanceled(message): message.encode(into: buffer)
        case let .executed(message): message.encode(into: buffer)
        case let .executedWithReferencePrice(message): message.encode(into: buffer)
        case let .brokenTrade(message): message.encode(into: buffer)
        case let .tradeCorrection(message): message.encode(into: buffer)
        case let .priceCorrection(message): message.encode(into: buffer)
        case let .rejected(message): message.encode(into: buffer)
        case let .cancelPending(message): message.encode(into: buffer)
        case let .cancelReject(message): message.encode(into: buffer)
        case let .orderPriorityUpdate(message): message.encode(into: buffer)
        case let .orderModified(message): message.encode(into: buffer)
        }
    }
}
