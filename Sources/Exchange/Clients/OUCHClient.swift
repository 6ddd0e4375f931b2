import MatchingEngine
import Wire

/// A participant's end of an OUCH 4.2 account over SoupBinTCP 3.00: sends
/// `OrderEntryRequest`s as OUCH inbound messages and turns the venue's
/// Sequenced Data into `OrderEntryClientEvent`s. Sans-I/O, like `OUCHPort`,
/// whose conventions it mirrors.
///
/// Requests → OUCH (Unsequenced Data):
///
/// | request | OUCH |
/// |---|---|
/// | `.new` | Enter Order: side `B`/`S`; TIF `99998` day, `99999` good-till-cancel, `0` IOC, `0` with Minimum Quantity = Shares for fill-or-kill; Price `0x7FFFFFFF` for a market order; Display `P` for post-only, else `Y`; Firm blank, Capacity `A`, ISO `N`, Cross Type `N`, Customer Type space |
/// | `.cancel` | Cancel Order with Shares = the new open quantity (`requestID` has no OUCH field) |
/// | `.replace` | Replace Order with the order's own TIF and Display; Shares = the new open quantity (a total including executions is converted with the executions this client saw) |
///
/// OUCH → events: Accepted → `.accepted` (Order Reference Number as the
/// `OrderID`, Shares as open quantity, 0 if the order is already dead);
/// Executed → `.executed`, with the open quantity this client tracks, since
/// Executed does not carry it; Canceled and Order Modified → `.cancelled`;
/// Replaced → `.replaced`; Rejected → `.cancelRejected` of the existing order
/// when its token is a pending replacement, else `.rejected`; Cancel Reject
/// → `.cancelRejected`; Login Accepted → `.loggedIn`; a close → `.disconnected`.
/// A Sequenced Data packet that is not an OUCH 4.2 outbound message makes the
/// client log out: it can no longer know its orders' state.
///
/// SoupBinTCP numbers only the venue's messages: a request written into a
/// connection that then died may never have reached the venue, and nothing
/// in the protocol says so. A client made with `resendsUnanswered` keeps
/// each request until the venue answers it and, at every login, sends again
/// those still unanswered, in their first order, before anything new. That
/// is safe because the venue answers by token: a second Enter Order of a
/// live token is ignored, of a finished one rejected; a second Cancel of an
/// order already cancelled or gone gets Cancel Reject; a second Replace of an
/// order already replaced is refused on its existing token. The answers to
/// the first copies come first, in the replay of what the client missed.
public struct OUCHClient {
    /// The largest venue packet accepted; every OUCH 4.2 outbound message is
    /// at most 80 bytes, the margin admits Debug packets.
    public static let maximumServerPacketLength = 1_024

    /// What the client knows of one of its orders.
    struct TrackedOrder {
        var openQuantity: Int64
        var executedQuantity: Int64
        var timeInForce: OUCHTimeInForce
        var display: UInt8
        var minimumQuantity: UInt32
        /// Accepted (or replaced into) and not done.
        var isLive: Bool
    }

    public let directory: SymbolDirectory
    var session: SoupBinTCPClientSession
    var framer = SoupBinTCPFrameDecoder(maximumPacketLength: OUCHClient.maximumServerPacketLength)
    /// Orders sent and not done, by current token.
    var orders = OpenAddressingMap<ClientOrderID, TrackedOrder>()
    /// Replacement token → the token of the order it replaces, until answered.
    var pendingReplacements = OpenAddressingMap<ClientOrderID, ClientOrderID>()
    var packetActions: [SoupBinTCPClientSession.Action] = []
    var sendActions: [SoupBinTCPClientSession.Action] = []

    /// A request kept until answered, with its place in the order of sending.
    struct UnansweredRequest {
        var sequence: UInt64
        var message: OUCHInboundMessage
        /// Cancels of the same order sent and not answered: each is
        /// answered once; the latest stands for them all.
        var outstanding: Int32 = 1
    }

    /// Whether requests are kept until answered and sent again at each login.
    public let resendsUnanswered: Bool
    /// Enter Orders by token, and Replace Orders by replacement token: the
    /// token their answer names. Kept only with `resendsUnanswered`.
    var unansweredOrders = OpenAddressingMap<ClientOrderID, UnansweredRequest>()
    /// Cancel Orders by the token of the order they cancel.
    var unansweredCancels = OpenAddressingMap<ClientOrderID, UnansweredRequest>()
    var requestsSent: UInt64 = 0
    /// Requests sent again at a login, since the start.
    public private(set) var requestsResent = 0

    public init(directory: SymbolDirectory, session: SoupBinTCPClientSession.Configuration, resendsUnanswered: Bool = false) {
        self.directory = directory
        self.session = SoupBinTCPClientSession(configuration: session)
        self.resendsUnanswered = resendsUnanswered
    }

    /// Requests sent and not answered yet; 0 unless `resendsUnanswered`.
    public var unansweredRequestCount: Int {
        var count = unansweredOrders.count
        unansweredCancels.forEach { _, request in count += Int(request.outstanding) }
        return count
    }

    /// Whether the venue accepted the login on the current connection.
    public var isLoggedIn: Bool { session.isLoggedIn }

    /// Sequenced messages from the venue this client has taken in, over
    /// every session the venue ran for the account.
    public var messagesNumberedReceived: UInt64 { session.messagesReceived }

    /// The open quantity this client has seen for an order, while it is live.
    public func openQuantity(of id: ClientOrderID) -> Quantity? {
        guard let order = orders[id], order.isLive else { return nil }
        return Quantity(order.openQuantity)
    }

    /// Connected: sends the Login Request.
    public mutating func connectionOpened(nowNs: Int64, output: inout ConnectionOutput) {
        framer = SoupBinTCPFrameDecoder(maximumPacketLength: Self.maximumServerPacketLength)
        session.connectionOpened(nowNs: nowNs, actions: &sendActions)
        var events: [OrderEntryClientEvent] = []
        emitSendActions(events: &events, output: &output)
    }

    /// The connection went away; a later `connectionOpened` logs in again and
    /// resumes the sequenced stream where it stopped.
    public mutating func connectionClosed() {
        session.connectionClosed()
        framer = SoupBinTCPFrameDecoder(maximumPacketLength: Self.maximumServerPacketLength)
    }

    /// Encodes a request as an OUCH inbound message in Unsequenced Data. Precondition: logged in.
    public mutating func send(_ request: OrderEntryRequest, nowNs: Int64, output: inout ConnectionOutput) {
        do throws(SoupBinTCPSessionError) {
            try session.noteUnsequencedDataSent(nowNs: nowNs)
        } catch {
            preconditionFailure("an OUCH request needs a logged-in session: \(error)")
        }
        let message: OUCHInboundMessage
        let answeredBy: ClientOrderID
        switch request {
        case .new(let new):
            answeredBy = new.clientID
            let shares = Self.shares(new.quantity)
            let isFillOrKill = new.timeInForce == .fillOrKill
            let enter = OUCHEnterOrder(
                token: new.clientID.ouchToken, side: OUCHConvention.ouchSide(new.side), shares: shares,
                stock: directory.name(of: new.symbol), price: Self.price(new.price, type: new.type),
                timeInForce: OUCHConvention.timeInForce(new.timeInForce), firm: .blank,
                display: new.postOnly ? 0x50 : 0x59, capacity: 0x41, intermarketSweepEligibility: 0x4E,
                minimumQuantity: isFillOrKill ? shares : 0, crossType: 0x4E, customerType: 0x20)
            _ = orders.insertIfAbsent(new.clientID, value: TrackedOrder(
                openQuantity: 0, executedQuantity: 0, timeInForce: enter.timeInForce, display: enter.display,
                minimumQuantity: enter.minimumQuantity, isLive: false))
            message = .enterOrder(enter)
        case .cancel(let target, _, let newOpenQuantity):
            answeredBy = target
            message = .cancelOrder(OUCHCancelOrder(token: target.ouchToken, shares: Self.shares(newOpenQuantity)))
        case .replace(let target, let replacementID, let price, let quantity, let includesExecuted, _):
            answeredBy = replacementID
            let order = orders[target]
            let open = includesExecuted ? max(0, quantity.rawValue - (order?.executedQuantity ?? 0)) : quantity.rawValue
            pendingReplacements[replacementID] = target
            message = .replaceOrder(OUCHReplaceOrder(
                existingToken: target.ouchToken, replacementToken: replacementID.ouchToken,
                shares: Self.shares(Quantity(open)), price: Self.price(price, type: .limit),
                timeInForce: order?.timeInForce ?? .marketHours, display: order?.display ?? 0x59,
                intermarketSweepEligibility: 0x4E, minimumQuantity: order?.minimumQuantity ?? 0))
        }
        if resendsUnanswered { keepUntilAnswered(message, answeredBy: answeredBy) }
        write(message, output: &output)
    }

    /// Frames one request as Unsequenced Data.
    func write(_ message: OUCHInboundMessage, output: inout ConnectionOutput) {
        output.appendMessage(count: SoupBinTCP.headerByteCount + message.encodedLength) { frame in
            SoupBinTCP.encodeDataHeader(.unsequencedData, payloadByteCount: message.encodedLength, into: frame)
            return SoupBinTCP.headerByteCount
                + message.encode(into: UnsafeMutableRawBufferPointer(rebasing: frame[SoupBinTCP.headerByteCount...]))
        }
    }

    mutating func keepUntilAnswered(_ message: OUCHInboundMessage, answeredBy id: ClientOrderID) {
        requestsSent += 1
        if case .cancelOrder = message {
            let sequence = requestsSent
            unansweredCancels.modifyValue(forKey: id) { entry in
                entry = UnansweredRequest(sequence: sequence, message: message, outstanding: (entry?.outstanding ?? 0) + 1)
            }
        } else {
            unansweredOrders[id] = UnansweredRequest(sequence: requestsSent, message: message)
        }
    }

    /// The venue answered the Enter or Replace Order whose new token is `id`.
    mutating func answeredOrder(_ id: ClientOrderID) {
        if resendsUnanswered { unansweredOrders[id] = nil }
    }

    /// The venue answered a Cancel Order of `id`; false if none was awaiting
    /// an answer.
    @discardableResult
    mutating func answeredCancel(_ id: ClientOrderID) -> Bool {
        guard resendsUnanswered else { return true }
        return unansweredCancels.modifyValue(forKey: id) { entry in
            guard var request = entry else { return false }
            request.outstanding -= 1
            entry = request.outstanding > 0 ? request : nil
            return true
        }
    }

    /// Canceled reason `U`: the client's own Cancel Order.
    static let userRequestedCancelReason: UInt8 = 0x55

    /// At a login: every request still unanswered goes out again, in the
    /// order first sent; cancels of one order as many times as there are
    /// unanswered, at the latest one's place.
    mutating func resendUnanswered(nowNs: Int64, output: inout ConnectionOutput) {
        guard resendsUnanswered, !unansweredOrders.isEmpty || !unansweredCancels.isEmpty else { return }
        var requests: [UnansweredRequest] = []
        unansweredOrders.forEach { _, request in requests.append(request) }
        unansweredCancels.forEach { _, request in requests.append(request) }
        // Sequences are unique, so the order does not depend on the maps'.
        requests.sort { $0.sequence < $1.sequence }
        for request in requests {
            for _ in 0..<request.outstanding {
                do throws(SoupBinTCPSessionError) {
                    try session.noteUnsequencedDataSent(nowNs: nowNs)
                } catch {
                    preconditionFailure("a login leaves the session logged in: \(error)")
                }
                write(request.message, output: &output)
                requestsResent += 1
            }
        }
    }

    /// Bytes from the venue in any chunking; events are appended in order.
    /// - Complexity: O(bytes), plus O(1) per message.
    public mutating func received(
        _ bytes: UnsafeRawBufferPointer, nowNs: Int64, events: inout [OrderEntryClientEvent], output: inout ConnectionOutput
    ) {
        var framer = self.framer
        self.framer = SoupBinTCPFrameDecoder(maximumPacketLength: 1)
        defer { self.framer = framer }
        do throws(SoupBinTCPFramingError) {
            try framer.decode(bytes) { packet in
                handle(packet, nowNs: nowNs, events: &events, output: &output) ? .continueDecoding : .stopDecoding
            }
        } catch {
            session.framingFailed(error, actions: &sendActions)
            emitSendActions(events: &events, output: &output)
        }
    }

    /// Heartbeats and idle checks. A close (the venue went silent) shows in
    /// `output.closeReason`.
    public mutating func timerFired(nowNs: Int64, output: inout ConnectionOutput) {
        session.timerFired(nowNs: nowNs, actions: &sendActions)
        var events: [OrderEntryClientEvent] = []
        emitSendActions(events: &events, output: &output)
    }

    /// Sends Logout Request and closes.
    public mutating func logout(nowNs: Int64, output: inout ConnectionOutput) {
        session.logout(nowNs: nowNs, actions: &sendActions)
        var events: [OrderEntryClientEvent] = []
        emitSendActions(events: &events, output: &output)
    }

    /// Traps if the client's bookkeeping is inconsistent.
    public func checkInvariants() {
        session.checkInvariants()
        framer.checkInvariants()
        orders.forEach { _, order in precondition(order.openQuantity >= 0 && order.executedQuantity >= 0) }
    }

    // MARK: Inbound

    mutating func handle(
        _ packet: SoupBinTCPPacketView, nowNs: Int64, events: inout [OrderEntryClientEvent], output: inout ConnectionOutput
    ) -> Bool {
        if session.receivedSequencedData(packet, nowNs: nowNs) != nil {
            return deliver(packet, nowNs: nowNs, events: &events, output: &output)
        }
        session.received(packet, nowNs: nowNs, actions: &packetActions)
        var open = true
        for action in packetActions {
            switch action {
            case .deliverSequencedData:
                if !deliver(packet, nowNs: nowNs, events: &events, output: &output) { open = false }
            case .close:
                open = false
                apply(action, events: &events, output: &output)
            case .loggedIn:
                apply(action, events: &events, output: &output)
                resendUnanswered(nowNs: nowNs, output: &output)
            default:
                apply(action, events: &events, output: &output)
            }
        }
        if !packetActions.isEmpty { packetActions.removeAll(keepingCapacity: true) }
        return open
    }

    /// One Sequenced Data payload; false if it was malformed and the client logged out.
    mutating func deliver(
        _ packet: SoupBinTCPPacketView, nowNs: Int64, events: inout [OrderEntryClientEvent], output: inout ConnectionOutput
    ) -> Bool {
        do throws(WireDecodingError) {
            apply(try OUCHOutboundMessage(decoding: packet.payload), events: &events)
            return true
        } catch {
            let reason = "protocol violation: malformed OUCH 4.2 message: \(error)"
            session.logout(nowNs: nowNs, actions: &sendActions)
            for action in sendActions {
                if case .send = action { apply(action, events: &events, output: &output) }
            }
            sendActions.removeAll(keepingCapacity: true)
            output.closeReason = reason
            events.append(.disconnected)
            return false
        }
    }

    mutating func apply(_ message: OUCHOutboundMessage, events: inout [OrderEntryClientEvent]) {
        switch message {
        case .accepted(let accepted):
            guard let id = ClientOrderID(ouchToken: accepted.token) else { return }
            let open = accepted.orderState == 0x44 ? 0 : Int64(accepted.shares) // D: dead on arrival
            orders.modifyValue(forKey: id) { entry in
                var order = entry ?? TrackedOrder(
                    openQuantity: 0, executedQuantity: 0, timeInForce: accepted.timeInForce, display: accepted.display,
                    minimumQuantity: accepted.minimumQuantity, isLive: false)
                order.openQuantity = open
                order.isLive = open > 0
                entry = open > 0 ? order : nil
            }
            answeredOrder(id)
            events.append(.accepted(id, order: OrderID(accepted.orderReferenceNumber), openQuantity: Quantity(open)))
        case .executed(let executed):
            guard let id = ClientOrderID(ouchToken: executed.token) else { return }
            let open = reduce(id, by: Int64(executed.executedShares), executed: true)
            events.append(.executed(id, quantity: Quantity(Int64(executed.executedShares)),
                                    price: Price(Int64(executed.executionPrice)), openQuantity: Quantity(open)))
        case .canceled(let canceled):
            guard let id = ClientOrderID(ouchToken: canceled.token) else { return }
            // Only a cancel the client asked for answers its Cancel Order; an
            // IOC's remainder or a self-trade decrement leaves it awaiting
            // its own answer.
            if canceled.reason == Self.userRequestedCancelReason { answeredCancel(id) }
            events.append(.cancelled(id, openQuantity: Quantity(reduce(id, by: Int64(canceled.decrementShares), executed: false))))
        case .aiqCanceled(let canceled):
            guard let id = ClientOrderID(ouchToken: canceled.token) else { return }
            events.append(.cancelled(id, openQuantity: Quantity(reduce(id, by: Int64(canceled.decrementShares), executed: false))))
        case .orderModified(let modified):
            guard let id = ClientOrderID(ouchToken: modified.token) else { return }
            let open = Int64(modified.shares)
            if var order = orders[id] {
                order.openQuantity = open
                orders[id] = open > 0 ? order : nil
            }
            events.append(.cancelled(id, openQuantity: Quantity(open)))
        case .replaced(let replaced):
            guard let id = ClientOrderID(ouchToken: replaced.replacementToken),
                  let previous = ClientOrderID(ouchToken: replaced.previousToken) else { return }
            pendingReplacements[id] = nil
            answeredOrder(id)
            let open = replaced.orderState == 0x44 ? 0 : Int64(replaced.shares)
            var order = orders.removeValue(forKey: previous) ?? TrackedOrder(
                openQuantity: 0, executedQuantity: 0, timeInForce: replaced.timeInForce, display: replaced.display,
                minimumQuantity: replaced.minimumQuantity, isLive: false)
            order.openQuantity = open
            order.isLive = open > 0
            if open > 0 { orders[id] = order }
            events.append(.replaced(id, previous: previous, openQuantity: Quantity(open)))
        case .rejected(let rejected):
            guard let id = ClientOrderID(ouchToken: rejected.token) else { return }
            // Every Enter and Replace Order awaits its answer in
            // `unansweredOrders`: a Rejected that answers none refuses a
            // copy sent again, whose first copy's answer came before it.
            if resendsUnanswered, unansweredOrders.removeValue(forKey: id) == nil { return }
            if let existing = pendingReplacements.removeValue(forKey: id) {
                events.append(.cancelRejected(existing))
            } else {
                if orders[id]?.isLive == false { orders[id] = nil }
                events.append(.rejected(id))
            }
        case .cancelReject(let cancelReject):
            guard let id = ClientOrderID(ouchToken: cancelReject.token) else { return }
            // A replace whose replacement token names a live order is refused
            // on the existing token: forget exactly those (a rule that does
            // not depend on the dictionary's order).
            if !pendingReplacements.isEmpty {
                let orders = orders
                pendingReplacements.removeAll { replacement, existing in
                    existing == id && orders[replacement]?.isLive == true
                }
            }
            if resendsUnanswered {
                // Such a refused replace is answered too.
                let orders = orders
                let awaiting = unansweredOrders.count
                unansweredOrders.removeAll { replacement, request in
                    guard case .replaceOrder(let replace) = request.message else { return false }
                    return replace.existingToken == id.ouchToken && orders[replacement]?.isLive == true
                }
                // Answering neither a cancel nor a replace: it refuses a
                // copy sent again, as a Rejected above.
                if !answeredCancel(id), unansweredOrders.count == awaiting { return }
            }
            events.append(.cancelRejected(id))
        case .systemEvent, .executedWithReferencePrice, .brokenTrade, .tradeCorrection, .priceCorrection,
             .cancelPending, .orderPriorityUpdate:
            // No neutral event carries these; the venue here never sends them.
            break
        }
    }

    /// Takes `quantity` off an order's open quantity; returns what is left.
    mutating func reduce(_ id: ClientOrderID, by quantity: Int64, executed: Bool) -> Int64 {
        orders.modifyValue(forKey: id) { entry in
            guard var order = entry else { return 0 }
            order.openQuantity = max(0, order.openQuantity - quantity)
            if executed { order.executedQuantity += quantity }
            entry = order.openQuantity > 0 ? order : nil
            return order.openQuantity
        }
    }

    /// Carries out session actions and empties the list.
    mutating func emitSendActions(events: inout [OrderEntryClientEvent], output: inout ConnectionOutput) {
        for action in sendActions { apply(action, events: &events, output: &output) }
        sendActions.removeAll(keepingCapacity: true)
    }

    func apply(
        _ action: SoupBinTCPClientSession.Action, events: inout [OrderEntryClientEvent], output: inout ConnectionOutput
    ) {
        switch action {
        case .send(let packet):
            output.appendMessage(count: SoupBinTCPClientSession.encodedByteCount(of: packet)) {
                SoupBinTCPClientSession.encode(packet, into: $0)
            }
        case .loggedIn:
            events.append(.loggedIn)
        case .armTimer(let atNs):
            output.timerAtNs = atNs
        case .close(let reason):
            let description = "SoupBinTCP: \(reason)"
            output.closeReason = description
            events.append(.disconnected)
        case .deliverSequencedData:
            preconditionFailure("a delivery is handled with its packet")
        }
    }

    static func shares(_ quantity: Quantity) -> UInt32 {
        precondition(quantity.rawValue >= 0 && quantity.rawValue <= Int64(UInt32.max), "\(quantity) shares do not fit OUCH's u32")
        return UInt32(quantity.rawValue)
    }

    static func price(_ price: Price, type: OrderType) -> UInt32 {
        guard type == .limit else { return OUCHConvention.marketPrice }
        precondition(price.rawValue >= 0 && price.rawValue < Int64(OUCHConvention.marketPrice),
                     "price \(price) does not fit OUCH's u32 below the market sentinel")
        return UInt32(price.rawValue)
    }
}
