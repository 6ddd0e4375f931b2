// The venue end of one FIX 4.2 / 4.4 order-entry connection.
//
// Requests (client → venue)
//
// | FIX                                  | OrderEntryRequest                                            |
// |--------------------------------------|--------------------------------------------------------------|
// | NewOrderSingle (D)                   | .new: ClOrdID(11), Symbol(55) by the directory, Side(54),     |
// |                                      | OrdType(40), Price(44), OrderQty(38), TimeInForce(59),        |
// |                                      | ExecInst(18) containing 6 → postOnly                          |
// | OrderCancelRequest (F)               | .cancel(target: OrigClOrdID, requestID: ClOrdID, newOpen: 0)  |
// | OrderCancelReplaceRequest (G)        | .replace(target: OrigClOrdID, replacementID: ClOrdID, Price,  |
// |                                      | OrderQty, quantityIncludesExecuted: true)                     |
//
// - Side 1 buy, 2 sell; 5 sell short and 6 sell short exempt are sells (the
//   engine keeps no short-sale marking, and venues that accept 5/6 match them
//   as sells).
// - OrdType 1 market, 2 limit. Stop (3) and stop-limit (4) are refused with an
//   ExecutionReport; other values never get here (the session answers them
//   with Reject 373=5).
// - TimeInForce absent or 0 day, 1 GTC, 3 IOC, 4 FOK; OPG (2), GTX (5) and GTD
//   (6) are refused with an ExecutionReport.
// - A market order's Price, if sent, is ignored. A replace must be a limit
//   (it needs a price); Side, Symbol, OrdType and TimeInForce of F and G are
//   not compared with the order's, which OrigClOrdID alone identifies (as on
//   most venues; the desk checks that the session owns it).
// - Refused by the port itself, without reaching the desk, because the desk
//   cannot represent them: a ClOrdID or OrigClOrdID longer than 24 bytes, an
//   unknown Symbol, an unsupported OrdType or TimeInForce, an OrderQty above
//   `maximumOrderQuantity` (OrdRejReason 3 Order exceeds limit) or a Price
//   above `maximumPrice`. Such a new order does not use up its ClOrdID. The
//   limits are a venue's fat-finger bounds, and keep price × quantity (the
//   desk's executed notional) inside Int64.
//
// Reports (venue → client): ExecutionReport (8) unless noted
//
// | OrderEntryReport                 | ExecType (150)         | OrdStatus (39)           | notes                   |
// |----------------------------------|------------------------|--------------------------|-------------------------|
// | .accepted                        | 0 New                  | 0 New                    |                         |
// | .executed                        | trade: 1/2 (4.2) F (4.4)| 1 partial / 2 filled    | LastPx, LastShares/Qty  |
// | .cancelled, nothing left open    | 4 Canceled             | 4 Canceled               | Text: why, unless asked |
// | .cancelled, quantity left open   | D Restated             | by fills                 | OUCH reduces only       |
// | .replaced                        | 5 Replaced             | by fills (0/1/2)         | OrigClOrdID = previous  |
// | .rejected                        | 8 Rejected             | 8 Rejected               | OrdRejReason, Text      |
// | .cancelRejected                  | OrderCancelReject (9)  | by fills, or 8 if unknown| CxlRejReason, Text      |
// | .status                          | I Order Status (4.4);  | by fills                 | ClOrdID as sent         |
// |                                  | 4.2: 20=3, 150=OrdStatus|                         |                         |
//
// - "By fills": 0 New with nothing executed, 1 Partially filled with some, 2
//   Filled when nothing is open and executions cover OrderQty. FIX 4.2's
//   OrdStatus 5 Replaced is not used: 4.4 dropped it for the order's real
//   status, which a 4.2 counterparty reads just as well.
// - A requested cancel's report carries the cancel's ClOrdID and the order's
//   as OrigClOrdID; an unsolicited one (IOC remainder, market order without
//   liquidity, self-trade prevention, end of day) carries the order's ClOrdID
//   and a Text naming the cause.
// - Every ExecutionReport carries OrderID(37) = the engine's OrderID in
//   decimal ("NONE" for a request refused before the engine saw it), ExecID(17)
//   = a per-connection counter, Symbol, Side, OrderQty, OrdType, Price (limit
//   orders), TimeInForce, LeavesQty(151), CumQty(14), AvgPx(6) =
//   executedNotional / executedQuantity rounded to 4 decimals, TransactTime(60).
// - OrdRejReason (103): duplicate ClOrdID → 6 Duplicate order; unknown symbol
//   → 1; closed or halted phase → 2 Exchange closed. Otherwise FIX 4.4 says
//   11 Unsupported order characteristic (OrdType, TimeInForce), 13 Incorrect
//   quantity, or 99 Other; FIX 4.2 has none of these and says 0 Broker /
//   Exchange option. Text (58) always names the reason.
// - CxlRejReason (102): 1 Unknown order when the session has no such open
//   order (or the engine says it is unknown); 6 Duplicate ClOrdID in FIX 4.4
//   (2 Broker / Exchange option in 4.2, which lacks 6); for any other engine
//   refusal of an open order, 99 Other in 4.4 and 2 in 4.2: "too late" (0)
//   would mislead for a replace that is refused for its price. OrderID is
//   "NONE" and OrdStatus 8 when the order is unknown, as FIX asks.
//
// A NewOrderSingle marked PossResend (97)=Y whose ClOrdID the session already
// used is a copy sent again of an order the venue took: it is answered with
// the order's status (open, or as it finished), not refused as a duplicate,
// so that a client whose answers were lost (its venue restarted without
// its state) learns the order's fate. Without 97=Y a used ClOrdID is still
// refused (OrdRejReason 6). An OrderCancelReplaceRequest marked 97=Y whose
// OrigClOrdID names no open order but whose ClOrdID names an order of the
// session (the first copy was carried out) is answered with that order's
// status too. An OrderCancelRequest sent again is handled as any request:
// when the first copy was carried out the order is no longer open under
// OrigClOrdID, and the copy gets OrderCancelReject with CxlRejReason 1
// (FIXClient reads that).
//
// Session: an acceptor FIXSession checks the Logon (CompIDs, Username and
// Password from the configuration) and answers session-level faults itself,
// including BusinessMessageReject 380=3 for application messages a venue does
// not take (an ExecutionReport sent by a client). The port keeps its own
// FIXLogonRegistry: it serves one connection of one configured session, so a
// duplicate logon across connections is the gateway's to refuse.

import MatchingEngine
import Wire

/// The venue end of one FIX order-entry connection: a sans-I/O acceptor
/// session plus the mapping between FIX application messages and the desk's
/// protocol-neutral requests and reports (see the tables above).
public struct FIXPort {
    /// The largest OrderQty accepted.
    public static let maximumOrderQuantity = Quantity(100_000_000)
    /// The largest limit price accepted: 1,000,000.0000.
    public static let maximumPrice = Price(10_000_000_000)

    let directory: SymbolDirectory
    /// Symbol (55) text of each directory entry, by engine symbol index.
    let symbolNames: [FIXString]
    let clock: FIXSessionClock
    var session: FIXSession
    var registry = FIXLogonRegistry()
    /// The session's output for the input being handled, reused across inputs.
    var sessionOutput = FIXSessionOutput()
    /// Whole FIX messages received from the client (monitoring).
    public var messagesReceived: UInt64 { session.framesReceived }
    var nextExecID: UInt64 = 1
    /// Whether a connection was opened before: the next one continues the session.
    var hasHadConnection = false
    /// When a connection that has not logged on is closed, in driver time.
    var logonDeadlineNs: Int64? = nil
    /// Refusals decided while the session's actions are carried out, sent
    /// after them so that MsgSeqNums reach the wire in order.
    var pendingRefusals: [FIXApplicationMessage] = []
    /// Session time of the input being handled, for the refusals' TransactTime.
    var inputSessionNs: Int64 = 0

    /// - Precondition: an acceptor configuration with 4 price decimals (the
    ///   engine's prices are 1/10,000 units).
    public init(directory: SymbolDirectory, session configuration: FIXSessionConfiguration,
                startOfDayOffsetNs: Int64 = TradingDay.marketOpenNs,
                sessionDateEpochNs: Int64 = TradingDay.sessionDateEpochNs) {
        precondition(configuration.role == .acceptor, "a port is the acceptor")
        precondition(configuration.priceDecimals == 4, "engine prices have 4 implied decimals")
        self.directory = directory
        symbolNames = directory.names.map { FIXString($0) }
        clock = FIXSessionClock(startOfDayOffsetNs: startOfDayOffsetNs, sessionDateEpochNs: sessionDateEpochNs)
        session = FIXSession(configuration: configuration)
    }

    /// Whether the client has logged on and the session has not ended.
    public var isLoggedIn: Bool { session.isLoggedOn }
    /// Messages the port has numbered for its client, of every type, over
    /// every reset of the sequence numbers.
    public var messagesNumbered: UInt64 { session.messagesSent }

    var version: FIXVersion { session.configuration.version }

    /// A connection arrived: the client has `logonTimeoutNs` to log on.
    /// A later connection of the same port continues the session: its
    /// Logon carries on the sequence numbers (or resets them with
    /// ResetSeqNumFlag), and what was sent meanwhile is resent on request.
    public mutating func connectionOpened(nowNs: Int64, output: inout ConnectionOutput) {
        if hasHadConnection {
            registry.release(session)
            session.connectionOpened()
            pendingRefusals.removeAll(keepingCapacity: true)
        }
        hasHadConnection = true
        let deadline = nowNs + session.configuration.logonTimeoutNs
        logonDeadlineNs = deadline
        output.timerAtNs = deadline
    }

    /// The port lost its session state (its gateway restarted without it):
    /// what it sent is gone, and the next Logon starts the sequence numbers
    /// again from 1 with ResetSeqNumFlag=Y (`FIXSession.loseState`). The
    /// orders stay with the desk.
    /// - Precondition: the connection is closed.
    public mutating func loseSessionState() {
        registry.release(session)
        session.loseState()
        logonDeadlineNs = nil
        pendingRefusals.removeAll(keepingCapacity: true)
    }

    /// The connection went away, closed by either side. Reports sent until
    /// the next connection logs on are numbered and kept for its resend.
    public mutating func connectionClosed() {
        registry.release(session)
        session.connectionClosed()
        logonDeadlineNs = nil
    }

    /// Bytes from the client in any chunking. Requests decoded from
    /// application messages are appended in order.
    public mutating func received(
        _ bytes: UnsafeRawBufferPointer, nowNs: Int64, requests: inout [OrderEntryRequest],
        output: inout ConnectionOutput
    ) {
        inputSessionNs = clock.sessionNs(nowNs)
        session.received(bytes, nowNs: inputSessionNs, registry: &registry, output: &sessionOutput)
        carryOut(requests: &requests, output: &output)
        if session.isLoggedOn { logonDeadlineNs = nil }
        sendPendingRefusals(nowNs: nowNs, output: &output)
    }

    /// Encodes one desk report as an ExecutionReport or OrderCancelReject.
    public mutating func send(_ report: OrderEntryReport, nowNs: Int64, output: inout ConnectionOutput) {
        let message = encode(report, transactTimeNs: clock.sessionNs(nowNs))
        var requests: [OrderEntryRequest] = []
        session.sendApplication(message, nowNs: clock.sessionNs(nowNs), output: &sessionOutput)
        carryOut(requests: &requests, output: &output)
        precondition(requests.isEmpty)
    }

    /// The timer armed through `output.timerAtNs` expired.
    public mutating func timerFired(nowNs: Int64, output: inout ConnectionOutput) {
        if let deadline = logonDeadlineNs, !session.isLoggedOn, !session.isDisconnected {
            if nowNs >= deadline {
                logonDeadlineNs = nil
                output.closeReason = "no Logon in time"
                return
            }
            output.timerAtNs = deadline
        }
        var requests: [OrderEntryRequest] = []
        session.timerFired(nowNs: clock.sessionNs(nowNs), output: &sessionOutput)
        carryOut(requests: &requests, output: &output)
        precondition(requests.isEmpty)
    }

    /// End of day: Logout; the connection closes when the client answers (or
    /// after the session's logout timeout).
    public mutating func endOfDay(nowNs: Int64, output: inout ConnectionOutput) {
        var requests: [OrderEntryRequest] = []
        session.logout(text: "End of day", nowNs: clock.sessionNs(nowNs), output: &sessionOutput)
        carryOut(requests: &requests, output: &output)
        precondition(requests.isEmpty)
    }

    // MARK: Session actions

    /// Carries out `sessionOutput` (the messages first, as the session
    /// already numbered them) and empties it.
    mutating func carryOut(requests: inout [OrderEntryRequest], output: inout ConnectionOutput) {
        output.appendMessages(sessionOutput.bytes, starts: sessionOutput.messageStarts)
        for action in sessionOutput.actions {
            switch action {
            case .send(let bytes):
                // Not produced by the output form of the session's calls.
                output.appendMessage(bytes)
            case .established:
                logonDeadlineNs = nil
            case .deliver(let message, _, _, let possibleResend):
                // A possible duplicate is handled like any request: the desk
                // refuses a ClOrdID it has already seen. A possible resend
                // of a NewOrderSingle whose ClOrdID it has seen, or of a
                // replace carried out, is answered with the order's status.
                decode(message, possibleResend: possibleResend, requests: &requests)
            case .armTimer(let atNs):
                output.timerAtNs = clock.driverNs(atNs)
            case .disconnect(let reason):
                output.closeReason = "FIX session: \(reason)"
            }
        }
        sessionOutput.removeAll()
    }

    mutating func sendPendingRefusals(nowNs: Int64, output: inout ConnectionOutput) {
        guard !pendingRefusals.isEmpty else { return }
        let refusals = pendingRefusals
        pendingRefusals.removeAll(keepingCapacity: true)
        var requests: [OrderEntryRequest] = []
        for refusal in refusals {
            session.sendApplication(refusal, nowNs: clock.sessionNs(nowNs), output: &sessionOutput)
            carryOut(requests: &requests, output: &output)
        }
        precondition(requests.isEmpty)
    }

    // MARK: Requests

    mutating func decode(_ message: FIXApplicationMessage, possibleResend: Bool, requests: inout [OrderEntryRequest]) {
        switch message {
        case .newOrderSingle(let order):
            if var request = newOrderRequest(order, postOnly: order.isPostOnly) {
                request.possibleResend = possibleResend
                requests.append(.new(request))
            }
        case .orderCancelRequest(let cancel):
            switch Self.cancelRequest(cancel, version: version) {
            case .success(let request): requests.append(request)
            case .failure(let refusal):
                refuseCancel(clOrdID: cancel.clOrdID, origClOrdID: cancel.origClOrdID, isReplace: false,
                             reason: refusal.reason, text: refusal.text)
            }
        case .orderCancelReplaceRequest(let replace):
            switch Self.replaceRequest(replace, version: version) {
            case .success(var request):
                if possibleResend, case .replace(let target, let replacementID, let price, let quantity, let includesExecuted, _) = request {
                    request = .replace(target: target, replacementID: replacementID, price: price, quantity: quantity,
                                       quantityIncludesExecuted: includesExecuted, possibleResend: true)
                }
                requests.append(request)
            case .failure(let refusal):
                refuseCancel(clOrdID: replace.clOrdID, origClOrdID: replace.origClOrdID, isReplace: true,
                             reason: refusal.reason, text: refusal.text)
            }
        case .executionReport, .orderCancelReject, .businessMessageReject:
            // The acceptor session answers these with BusinessMessageReject
            // 380=3 before delivery; nothing reaches here.
            break
        }
    }

    mutating func newOrderRequest(_ order: FIXNewOrderSingle, postOnly: Bool) -> NewOrderRequest? {
        switch Self.newOrderRequest(order, postOnly: postOnly, directory: directory, version: version) {
        case .success(let request):
            return request
        case .failure(let refusal):
            refuseOrder(order, reason: refusal.reason, text: refusal.text)
            return nil
        }
    }

    /// Why a request is refused before the desk: the reject reason (OrdRejReason
    /// or CxlRejReason) and the Text the port answers with.
    public struct Refusal: Error, Hashable, Sendable {
        public var reason: Int64
        public var text: FIXString
    }

    /// The request a NewOrderSingle makes, by the rules above, or why the
    /// port refuses it. Shared with the replay of captured order entry
    /// (`CapturedOrderEntryDecoder`), which must read orders as the port does.
    public static func newOrderRequest(
        _ order: FIXNewOrderSingle, postOnly: Bool, directory: SymbolDirectory, version: FIXVersion
    ) -> Result<NewOrderRequest, Refusal> {
        let otherReason = otherOrderRejectReason(version)
        let unsupportedReason = unsupportedCharacteristicReason(version)
        guard let clientID = ClientOrderID(order.clOrdID) else {
            return .failure(Refusal(reason: otherReason, text: "ClOrdID longer than 24 bytes"))
        }
        guard let name = Alpha8(fixSymbol: order.symbol), let symbol = directory.index(of: name) else {
            return .failure(Refusal(reason: 1, text: "Unknown symbol"))
        }
        let type: OrderType
        switch order.orderType {
        case .market: type = .market
        case .limit: type = .limit
        case .stop, .stopLimit: return .failure(Refusal(reason: unsupportedReason, text: "Unsupported OrdType"))
        }
        guard let timeInForce = (order.timeInForce ?? .day).engineTimeInForce else {
            return .failure(Refusal(reason: unsupportedReason, text: "Unsupported TimeInForce"))
        }
        guard order.orderQuantity <= maximumOrderQuantity.rawValue else {
            return .failure(Refusal(reason: 3, text: "Order exceeds quantity limit"))
        }
        if type == .limit, let price = order.price, price > maximumPrice.rawValue {
            return .failure(Refusal(reason: otherReason, text: "Price exceeds limit"))
        }
        return .success(NewOrderRequest(
            clientID: clientID, symbol: symbol, side: order.side.engineSide, type: type, timeInForce: timeInForce,
            price: Price(type == .limit ? order.price ?? 0 : 0), quantity: Quantity(order.orderQuantity),
            postOnly: postOnly))
    }

    /// The request an OrderCancelRequest makes, or why the port refuses it.
    public static func cancelRequest(_ cancel: FIXOrderCancelRequest, version: FIXVersion) -> Result<OrderEntryRequest, Refusal> {
        guard let target = ClientOrderID(cancel.origClOrdID) else { return .failure(Refusal(reason: 1, text: "Unknown order")) }
        guard let requestID = ClientOrderID(cancel.clOrdID) else {
            return .failure(Refusal(reason: otherCancelRejectReason(version), text: "ClOrdID longer than 24 bytes"))
        }
        return .success(.cancel(target: target, requestID: requestID, newOpenQuantity: .zero))
    }

    /// The request an OrderCancelReplaceRequest makes, or why the port refuses it.
    public static func replaceRequest(_ replace: FIXOrderCancelReplaceRequest, version: FIXVersion) -> Result<OrderEntryRequest, Refusal> {
        let otherReason = otherCancelRejectReason(version)
        guard let target = ClientOrderID(replace.origClOrdID) else { return .failure(Refusal(reason: 1, text: "Unknown order")) }
        guard let replacementID = ClientOrderID(replace.clOrdID) else {
            return .failure(Refusal(reason: otherReason, text: "ClOrdID longer than 24 bytes"))
        }
        guard replace.orderType == .limit, let price = replace.price else {
            return .failure(Refusal(reason: otherReason, text: "Replace must be a limit order"))
        }
        guard replace.orderQuantity <= maximumOrderQuantity.rawValue, price <= maximumPrice.rawValue else {
            return .failure(Refusal(reason: otherReason, text: "Quantity or price exceeds limit"))
        }
        return .success(.replace(target: target, replacementID: replacementID, price: Price(price),
                                 quantity: Quantity(replace.orderQuantity), quantityIncludesExecuted: true))
    }

    mutating func refuseOrder(_ order: FIXNewOrderSingle, reason: Int64, text: FIXString) {
        pendingRefusals.append(.executionReport(FIXExecutionReport(
            orderID: "NONE", clOrdID: order.clOrdID, execID: takeExecID(), execType: .rejected,
            orderStatus: .rejected, orderRejectReason: reason, symbol: order.symbol, side: order.side,
            orderQuantity: order.orderQuantity, orderType: order.orderType, price: order.price,
            timeInForce: order.timeInForce, leavesQuantity: 0, cumulativeQuantity: 0, averagePrice: 0,
            transactTimeNs: inputSessionNs, text: text)))
    }

    mutating func refuseCancel(clOrdID: FIXString, origClOrdID: FIXString, isReplace: Bool, reason: Int64, text: FIXString) {
        pendingRefusals.append(.orderCancelReject(FIXOrderCancelReject(
            orderID: "NONE", clOrdID: clOrdID, origClOrdID: origClOrdID, orderStatus: .rejected,
            responseTo: isReplace ? .cancelReplaceRequest : .cancelRequest, cancelRejectReason: reason,
            transactTimeNs: inputSessionNs, text: text)))
    }

    // MARK: Reports

    mutating func encode(_ report: OrderEntryReport, transactTimeNs: Int64) -> FIXApplicationMessage {
        switch report {
        case .accepted(let state):
            return .executionReport(executionReport(state, execType: .new, transactTimeNs: transactTimeNs))

        case .executed(let state, let quantity, let price, _, _):
            var message = executionReport(state, execType: .trade, transactTimeNs: transactTimeNs)
            message.lastQuantity = quantity.rawValue
            message.lastPrice = price.rawValue
            return .executionReport(message)

        case .cancelled(let state, _, let reason, let requestID):
            let isWhole = state.openQuantity.rawValue == 0
            var message = executionReport(state, execType: isWhole ? .canceled : .restated, transactTimeNs: transactTimeNs)
            if isWhole { message.orderStatus = .canceled }
            if let requestID {
                message.clOrdID = FIXString(requestID)
                message.origClOrdID = FIXString(state.clientID)
            }
            message.text = Self.text(for: reason)
            return .executionReport(message)

        case .replaced(let state, let previous):
            var message = executionReport(state, execType: .replaced, transactTimeNs: transactTimeNs)
            message.origClOrdID = FIXString(previous)
            return .executionReport(message)

        case .rejected(let request, let order, let reason):
            let symbolIndex = Int(request.symbol.rawValue)
            return .executionReport(FIXExecutionReport(
                orderID: order.map { FIXString.decimal($0.rawValue) } ?? "NONE", clOrdID: FIXString(request.clientID),
                execID: takeExecID(), execType: .rejected, orderStatus: .rejected,
                orderRejectReason: orderRejectReason(reason),
                symbol: symbolNames.indices.contains(symbolIndex) ? symbolNames[symbolIndex] : "?",
                side: FIXSide(request.side), orderQuantity: request.quantity.rawValue,
                orderType: FIXOrdType(request.type), price: request.type == .limit ? request.price.rawValue : nil,
                timeInForce: FIXTimeInForce(request.timeInForce), leavesQuantity: 0, cumulativeQuantity: 0,
                averagePrice: 0, transactTimeNs: transactTimeNs, text: Self.text(for: reason)))

        case .status(let state):
            return .executionReport(executionReport(state, execType: .orderStatus, transactTimeNs: transactTimeNs))

        case .cancelRejected(let target, let requestID, let isReplace, let state, let reason):
            let known = state != nil && reason != .unknownClientID && reason != .engine(.unknownOrder)
                && reason != .engine(.notOrderOwner)
            let code: Int64 =
                if !known { 1 } else if reason == .duplicateClientID { version == .fix44 ? 6 : 2 } else {
                    otherCancelRejectReason
                }
            return .orderCancelReject(FIXOrderCancelReject(
                orderID: state.map { FIXString.decimal($0.order.rawValue) } ?? "NONE",
                clOrdID: FIXString(requestID ?? target), origClOrdID: FIXString(target),
                orderStatus: state.map(Self.orderStatus) ?? .rejected,
                responseTo: isReplace ? .cancelReplaceRequest : .cancelRequest, cancelRejectReason: code,
                transactTimeNs: transactTimeNs, text: Self.text(for: reason)))
        }
    }

    mutating func executionReport(_ state: OrderState, execType: FIXExecType, transactTimeNs: Int64) -> FIXExecutionReport {
        let executed = state.executedQuantity.rawValue
        let symbolIndex = Int(state.symbol.rawValue)
        return FIXExecutionReport(
            orderID: FIXString.decimal(state.order.rawValue), clOrdID: FIXString(state.clientID), execID: takeExecID(),
            execType: execType, orderStatus: Self.orderStatus(state),
            symbol: symbolNames.indices.contains(symbolIndex) ? symbolNames[symbolIndex] : "?",
            side: FIXSide(state.side), orderQuantity: state.orderQuantity.rawValue, orderType: FIXOrdType(state.type),
            price: state.type == .limit ? state.price.rawValue : nil, timeInForce: FIXTimeInForce(state.timeInForce),
            leavesQuantity: state.openQuantity.rawValue, cumulativeQuantity: executed,
            averagePrice: executed > 0 ? (state.executedNotional &+ executed / 2) / executed : 0,
            transactTimeNs: transactTimeNs)
    }

    mutating func takeExecID() -> FIXString {
        defer { nextExecID += 1 }
        return FIXString.decimal(nextExecID)
    }

    /// OrdStatus from what is open and what executed.
    static func orderStatus(_ state: OrderState) -> FIXOrdStatus {
        if state.openQuantity.rawValue > 0 { return state.executedQuantity.rawValue > 0 ? .partiallyFilled : .new }
        return state.executedQuantity >= state.orderQuantity ? .filled : .canceled
    }

    // MARK: Reason codes

    /// OrdRejReason for a refusal FIX has no code for: 99 Other (4.4), 0 Broker / Exchange option (4.2).
    var otherOrderRejectReason: Int64 { Self.otherOrderRejectReason(version) }
    static func otherOrderRejectReason(_ version: FIXVersion) -> Int64 { version == .fix44 ? 99 : 0 }
    /// OrdRejReason 11 Unsupported order characteristic exists from FIX 4.3 on.
    static func unsupportedCharacteristicReason(_ version: FIXVersion) -> Int64 { version == .fix44 ? 11 : 0 }
    /// CxlRejReason 99 Other (4.4), 2 Broker / Exchange option (4.2).
    var otherCancelRejectReason: Int64 { Self.otherCancelRejectReason(version) }
    static func otherCancelRejectReason(_ version: FIXVersion) -> Int64 { version == .fix44 ? 99 : 2 }

    func orderRejectReason(_ reason: OrderEntryRejectReason) -> Int64 {
        switch reason {
        case .duplicateClientID: 6
        case .unknownSymbol, .engine(.unknownSymbol): 1
        case .engine(.marketClosed), .engine(.marketOrderNotAllowedInPhase), .engine(.immediateOrderNotAllowedInPhase): 2
        case .engine(.invalidQuantity): version == .fix44 ? 13 : 0
        default: otherOrderRejectReason
        }
    }

    static func text(for reason: CancelReason) -> FIXString? {
        switch reason {
        case .requested: nil
        case .immediateOrCancel: "Immediate or cancel remainder"
        case .selfTradePrevention: "Self-trade prevention"
        case .endOfDay: "End of day"
        case .noLiquidity: "No liquidity for market order"
        }
    }

    static func text(for reason: OrderEntryRejectReason) -> FIXString {
        switch reason {
        case .duplicateClientID: "Duplicate ClOrdID"
        case .throttled: "Throttle limit exceeded"
        case .unknownClientID: "Unknown order"
        case .unknownSymbol: "Unknown symbol"
        case .engine(let engineReason):
            switch engineReason {
            case .unknownSymbol: "Unknown symbol"
            case .unknownOrder: "Unknown order"
            case .notOrderOwner: "Not the order's owner"
            case .invalidQuantity: "Invalid quantity"
            case .invalidPrice: "Invalid price"
            case .priceNotOnTick: "Price not on tick"
            case .marketClosed: "Market closed"
            case .postOnlyWouldTake: "Post-only order would take liquidity"
            case .fillOrKillNotFillable: "Fill or kill not fillable"
            case .marketOrderNotAllowedInPhase: "Market order not allowed in this phase"
            case .immediateOrderNotAllowedInPhase: "IOC or FOK not allowed in this phase"
            case .replaceWouldNotChange: "Replace would not change the order"
            case .reduceExceedsOpenQuantity: "Reduce exceeds open quantity"
            }
        }
    }
}
