import MatchingEngine
import Wire

/// Reads the order-entry messages a client sent in a capture (OUCH 4.2
/// inbound messages, FIX messages) as the requests they made of a venue
/// listing `directory`'s symbols, with the venue ports' own conversions
/// (`OUCHPort.newOrderRequest`, `FIXPort.newOrderRequest` and their
/// cancel and replace counterparts): a captured order is read exactly as
/// the port that receives it would read it.
public struct CapturedOrderEntryDecoder {
    /// What one captured message was.
    public enum Message: Hashable, Sendable {
        case request(OrderEntryRequest)
        /// A FIX session-level message (Logon, Heartbeat, ResendRequest,
        /// Logout...): the replaying session makes its own.
        case sessionMessage
        /// A request the venue's port would refuse before its desk (an
        /// unknown stock, a market-priced replace...), with the reason.
        case refused(String)
        /// A FIX message sent again (PossDupFlag Y): the replaying session
        /// sends each request once.
        case possibleDuplicate
        /// Bytes that are not a message of the protocol.
        case malformed(String)
    }

    let directory: SymbolDirectory
    var parser = FIXParser()
    /// The FIX version of the last FIX message read (its BeginString).
    public private(set) var fixVersion: FIXVersion?

    public init(directory: SymbolDirectory) {
        self.directory = directory
    }

    /// An OUCH 4.2 inbound message: the payload of a SoupBinTCP Unsequenced Data packet.
    public func ouch(_ payload: UnsafeRawBufferPointer) -> Message {
        let message: OUCHInboundMessage
        do {
            message = try OUCHInboundMessage(decoding: payload)
        } catch {
            return .malformed("\(error)")
        }
        switch message {
        case .enterOrder(let order):
            switch OUCHPort.newOrderRequest(order, directory: directory) {
            case .success(let request): return .request(.new(request))
            case .failure(let refusal): return .refused("Enter Order \(order.token) refused, reason \(Self.code(refusal.code))")
            }
        case .cancelOrder(let cancel):
            guard let target = ClientOrderID(ouchToken: cancel.token) else { return .refused("Cancel Order of an empty token") }
            return .request(.cancel(target: target, requestID: nil, newOpenQuantity: Quantity(Int64(cancel.shares))))
        case .modifyOrder(let modify):
            guard let target = ClientOrderID(ouchToken: modify.token) else { return .refused("Modify Order of an empty token") }
            return .request(.cancel(target: target, requestID: nil, newOpenQuantity: Quantity(Int64(modify.shares))))
        case .replaceOrder(let replace):
            switch OUCHPort.replaceRequest(replace) {
            case nil: return .refused("Replace Order of an empty token")
            case .success(let request): return .request(request)
            case .failure(let refusal): return .refused("Replace Order \(replace.replacementToken) refused, reason \(Self.code(refusal.code))")
            }
        }
    }

    /// A whole FIX message, as `FIXFramer` frames it.
    public mutating func fix(_ bytes: UnsafeRawBufferPointer) -> Message {
        let view: FIXMessageView
        do {
            view = try parser.parse(bytes)
        } catch {
            return .malformed("\(error)")
        }
        guard let version = view.version else { return .malformed("BeginString is not FIX.4.2 or FIX.4.4") }
        fixVersion = version
        guard FIXApplicationMessage.venueBoundTypes.contains(view.msgType) else { return .sessionMessage }
        if let possibleDuplicate = view.value(of: 43), possibleDuplicate.count == 1, possibleDuplicate[0] == UInt8(ascii: "Y") {
            return .possibleDuplicate
        }
        let message: FIXApplicationMessage?
        do {
            message = try FIXApplicationMessage.decode(view, version: version, priceDecimals: 4)
        } catch {
            return .malformed("\(error)")
        }
        let result: Result<OrderEntryRequest, FIXPort.Refusal>
        switch message {
        case .newOrderSingle(let order):
            result = FIXPort.newOrderRequest(order, postOnly: order.isPostOnly, directory: directory, version: version).map { .new($0) }
        case .orderCancelRequest(let cancel):
            result = FIXPort.cancelRequest(cancel, version: version)
        case .orderCancelReplaceRequest(let replace):
            result = FIXPort.replaceRequest(replace, version: version)
        default:
            return .sessionMessage
        }
        switch result {
        case .success(let request): return .request(request)
        case .failure(let refusal): return .refused("\(view.msgType) refused: \(refusal.text)")
        }
    }

    static func code(_ byte: UInt8) -> String {
        (0x20..<0x7F).contains(byte) ? String(UnicodeScalar(byte)) : "0x\(String(byte, radix: 16))"
    }
}
