// The participant end of one FIX 4.2 / 4.4 order-entry connection.
//
// | OrderEntryRequest                          | FIX                                                   |
// |--------------------------------------------|-------------------------------------------------------|
// | .new                                       | NewOrderSingle (D); postOnly → ExecInst(18)=6;         |
// |                                            | TimeInForce always sent (0 day, 1 GTC, 3 IOC, 4 FOK)   |
// | .cancel(target, requestID, newOpen: 0)     | OrderCancelRequest (F) with the order's Symbol, Side,  |
// |                                            | OrderQty; ClOrdID = requestID or a generated one       |
// | .replace(target, id, price, quantity, _)   | OrderCancelReplaceRequest (G), OrdType limit, OrderQty |
// |                                            | = executed + quantity unless quantity includes it      |
//
// | venue message                              | OrderEntryClientEvent                                 |
// |--------------------------------------------|-------------------------------------------------------|
// | Logon reply                                | .loggedIn                                              |
// | ExecutionReport ExecType 0                 | .accepted(ClOrdID, order: OrderID, open: LeavesQty)    |
// | ExecutionReport trade (1/2 in 4.2, F)      | .executed(ClOrdID, LastQty, LastPx, open: LeavesQty)   |
// | ExecutionReport 4 Canceled / D Restated    | .cancelled(OrigClOrdID ?? ClOrdID, open: LeavesQty)    |
// | ExecutionReport 5 Replaced                 | .replaced(ClOrdID, previous: OrigClOrdID, LeavesQty)   |
// | ExecutionReport 8 Rejected                 | .rejected(ClOrdID)                                     |
// | ExecutionReport I Order Status (4.2: 20=3) | answering a new order sent again: .accepted, and       |
// |                                            | .executed for CumQty; OrdStatus 8 → .rejected; a       |
// |                                            | replace: .replaced, .executed for what executed since  |
// | OrderCancelReject 434=1 / 434=2            | .cancelRejected(OrigClOrdID) / (ClOrdID, the replacement)|
// | disconnect                                 | .disconnected (reason in output.closeReason)          |
//
// A client made with `resendsUnanswered` keeps each request until a report
// names its ClOrdID (ExecutionReport or OrderCancelReject). When the venue's
// Logon reply resets the sequence numbers unasked (the venue lost its state,
// and will ask for nothing it missed), the client sends every request still
// unanswered again, in the order first sent, PossResend (97)=Y, before
// anything new. The venue answers a NewOrderSingle it already took with the
// order's status (ExecType I; ExecTransType 3 in 4.2): .accepted for what was
// open and executed, then one .executed of CumQty, or .rejected when
// OrdStatus is 8. A status report that answers nothing awaited is dropped.
// A fill or cancel of a new order or replacement still awaiting its answer
// (that answer lost with the venue's state, the fill made after the
// restart) reports the lost .accepted or .replaced first. A copy of a cancel
// refused as an unknown order means the order is not open: .cancelled. The
// venue answers a replace it already carried out with the status of the
// order under its new ClOrdID: .replaced, then one .executed of what executed
// since; a copy of a replace refused as an unknown order (the replacement
// replaced in its turn) is left unanswered, its outcome unknown.
//
// FIX names the order in a cancel by Symbol, Side and OrderQty besides
// OrigClOrdID, and a replace's OrderQty counts what has executed, so the
// client keeps each open order's terms and executed quantity from what it
// sent and what the venue reported.

import MatchingEngine
import Wire

/// The participant end of one FIX order-entry connection: a sans-I/O
/// initiator session plus the mapping between the simulator's
/// protocol-neutral requests and events and FIX application messages.
public struct FIXClient {
    /// What the client knows of one of its orders while it is open.
    struct OrderRecord {
        var symbol: FIXString
        var side: FIXSide
        var timeInForce: FIXTimeInForce
        var orderQuantity: Int64
        var executedQuantity: Int64
        /// Whether the venue has accepted it: a later reject of the same
        /// ClOrdID refuses a duplicate, not this order.
        var isAcknowledged = false
    }

    let directory: SymbolDirectory
    let symbolNames: [FIXString]
    /// ExecInst (18) of a post-only order: 6 Participate don't initiate.
    static let postOnlyExecInst: FIXString = "6"

    let clock: FIXSessionClock
    var session: FIXSession
    /// The session's output for the call being handled, reused across calls.
    var sessionOutput = FIXSessionOutput()
    /// Open (or not yet acknowledged) orders by their current ClOrdID; only
    /// looked up, never iterated.
    var orders: [ClientOrderID: OrderRecord] = [:]
    /// Prefix of generated cancel ClOrdIDs: unique to this connection's
    /// start time, so that a reconnecting participant does not reuse one.
    var cancelIDPrefix: FIXString = "C"
    /// Closed since the last `connectionOpened`: the session needs a new connection.
    var reconnecting = false
    var nextCancelNumber: UInt64 = 1

    /// A request kept until a report names its ClOrdID, with its place in
    /// the order of sending.
    struct UnansweredRequest {
        var sequence: UInt64
        var message: FIXApplicationMessage
        /// Sent again with PossResend=Y: its answer may be a refusal of
        /// the copy, the first copy having been carried out.
        var wasResent = false
    }

    /// Whether requests are kept until answered and sent again, PossResend=Y,
    /// after a Logon reply that reset the sequence numbers unasked.
    public let resendsUnanswered: Bool
    /// By the request's own ClOrdID (a cancel's, a replacement's), which
    /// the venue's answer names. Kept only with `resendsUnanswered`.
    var unanswered: [ClientOrderID: UnansweredRequest] = [:]
    /// Requests kept so far: each one's place in the order of sending.
    var requestsSent: UInt64 = 0
    /// Requests sent again, PossResend=Y, after an unasked-for reset.
    var requestsSentAgain = 0
    /// Set by the Logon reply of an unasked-for reset, until the resend has
    /// gone out on a logged-on session (a connection lost in the same read
    /// leaves it for the next Logon).
    var owesResend = false

    /// - Precondition: an initiator configuration with 4 price decimals.
    /// `sessionDateEpochNs`: the date SendingTime carries (the simulator's
    /// fixed date, or today when live, as the venue's gateway has it).
    public init(directory: SymbolDirectory, session configuration: FIXSessionConfiguration,
                startOfDayOffsetNs: Int64 = TradingDay.marketOpenNs,
                sessionDateEpochNs: Int64 = TradingDay.sessionDateEpochNs,
                resendsUnanswered: Bool = false) {
        precondition(configuration.role == .initiator, "a client is the initiator")
        precondition(configuration.priceDecimals == 4, "engine prices have 4 implied decimals")
        self.resendsUnanswered = resendsUnanswered
        self.directory = directory
        symbolNames = directory.names.map { FIXString($0) }
        clock = FIXSessionClock(startOfDayOffsetNs: startOfDayOffsetNs, sessionDateEpochNs: sessionDateEpochNs)
        session = FIXSession(configuration: configuration)
    }

    /// Whether the venue answered the Logon and the session has not ended.
    public var isLoggedIn: Bool { session.isLoggedOn }

    var version: FIXVersion { session.configuration.version }

    /// The connection went away; a later `connectionOpened` logs on again
    /// with the session's sequence numbers (the venue resends what was missed).
    public mutating func connectionClosed() {
        session.connectionClosed()
        reconnecting = true
    }

    /// Requests sent again: PossDupFlag=Y at the venue's ResendRequest, and
    /// PossResend=Y after a reset the client did not ask for.
    public var requestsResent: Int { session.applicationMessagesResent + requestsSentAgain }

    /// Requests sent and not answered yet; 0 unless `resendsUnanswered`.
    public var unansweredRequestCount: Int { unanswered.count }

    /// Messages the venue numbered that this client has taken in (its next
    /// expected MsgSeqNum less one, plus what it took in before a reset).
    public var messagesNumberedReceived: UInt64 { session.messagesReceived }

    /// Connected: sends the Logon.
    public mutating func connectionOpened(nowNs: Int64, output: inout ConnectionOutput) {
        if reconnecting {
            session.connectionOpened()
            reconnecting = false
        }
        let sessionNs = clock.sessionNs(nowNs)
        // "C" + start time in base-36 milliseconds + "-": 10 bytes, leaving 14
        // for the counter, more than any day's cancels need.
        let prefix = FIXString.base36(UInt64(max(sessionNs, 0)) / 1_000_000, prefix: "C")
        cancelIDPrefix = prefix.withBytes { bytes in
            var text = Array(bytes)
            text.append(0x2D)
            return text.withUnsafeBytes { FIXString(bytes: $0)! }
        }
        var events: [OrderEntryClientEvent] = []
        session.start(nowNs: sessionNs, output: &sessionOutput)
        carryOut(events: &events, output: &output)
        precondition(events.isEmpty)
    }

    /// Encodes a request as NewOrderSingle, OrderCancelRequest or
    /// OrderCancelReplaceRequest.
    ///
    /// - Precondition: logged in; a cancel cancels all (`newOpenQuantity` 0:
    ///   FIX has no reduce, a smaller OrderQty is a replace).
    public mutating func send(_ request: OrderEntryRequest, nowNs: Int64, output: inout ConnectionOutput) {
        precondition(session.isLoggedOn, "send after the Logon reply")
        let sessionNs = clock.sessionNs(nowNs)
        var events: [OrderEntryClientEvent] = []
        switch request {
        case .new(let new):
            let symbolIndex = Int(new.symbol.rawValue)
            precondition(symbolNames.indices.contains(symbolIndex), "symbol \(new.symbol) is not in the directory")
            let record = OrderRecord(
                symbol: symbolNames[symbolIndex], side: FIXSide(new.side), timeInForce: FIXTimeInForce(new.timeInForce),
                orderQuantity: new.quantity.rawValue, executedQuantity: 0)
            // A reused ClOrdID of an open order will be refused; the open order keeps its terms.
            if orders[new.clientID] == nil { orders[new.clientID] = record }
            let message = FIXNewOrderSingle(
                clOrdID: FIXString(new.clientID), symbol: record.symbol, side: record.side, transactTimeNs: sessionNs,
                orderQuantity: new.quantity.rawValue, orderType: FIXOrdType(new.type),
                price: new.type == .limit ? new.price.rawValue : nil, timeInForce: record.timeInForce,
                execInst: new.postOnly ? Self.postOnlyExecInst : nil)
            send(.newOrderSingle(message), answeredBy: new.clientID, sessionNs: sessionNs)
            carryOut(events: &events, output: &output)

        case .cancel(let target, let requestID, let newOpenQuantity):
            precondition(newOpenQuantity.rawValue == 0, "a FIX cancel cancels the whole order")
            let record = orders[target] ?? unknownOrderRecord
            let clOrdID = requestID.map { FIXString($0) } ?? takeCancelID()
            let message = FIXOrderCancelRequest(
                origClOrdID: FIXString(target), clOrdID: clOrdID,
                symbol: record.symbol, side: record.side, transactTimeNs: sessionNs,
                orderQuantity: record.orderQuantity)
            send(.orderCancelRequest(message), answeredBy: ClientOrderID(clOrdID), sessionNs: sessionNs)
            carryOut(events: &events, output: &output)

        case .replace(let target, let replacementID, let price, let quantity, let includesExecuted, _):
            let record = orders[target] ?? unknownOrderRecord
            let total = includesExecuted ? quantity.rawValue : record.executedQuantity + quantity.rawValue
            let message = FIXOrderCancelReplaceRequest(
                origClOrdID: FIXString(target), clOrdID: FIXString(replacementID), symbol: record.symbol,
                side: record.side, transactTimeNs: sessionNs, orderQuantity: total, orderType: .limit,
                price: price.rawValue, timeInForce: record.timeInForce)
            send(.orderCancelReplaceRequest(message), answeredBy: replacementID, sessionNs: sessionNs)
            carryOut(events: &events, output: &output)
        }
        precondition(events.isEmpty)
    }

    /// Sends a request, kept until answered when the client resends.
    mutating func send(_ message: FIXApplicationMessage, answeredBy id: ClientOrderID?, sessionNs: Int64) {
        if resendsUnanswered, let id {
            requestsSent += 1
            unanswered[id] = UnansweredRequest(sequence: requestsSent, message: message)
        }
        session.sendApplication(message, nowNs: sessionNs, output: &sessionOutput)
    }

    /// After a Logon reply that reset the sequence numbers unasked: every
    /// request still unanswered goes out again, PossResend=Y, in the order
    /// first sent.
    mutating func resendUnanswered(sessionNs: Int64, events: inout [OrderEntryClientEvent], output: inout ConnectionOutput) {
        // Not while a Logout is under way: the session would drop them.
        guard session.isActive else { return }
        owesResend = false
        // Sequences are unique, so the order does not depend on the dictionary's.
        let requests = unanswered.sorted { $0.value.sequence < $1.value.sequence }
        for (id, request) in requests {
            guard session.isActive else { break }
            unanswered[id]?.wasResent = true
            session.sendApplication(request.message, nowNs: sessionNs, possibleResend: true, output: &sessionOutput)
            requestsSentAgain += 1
            carryOut(events: &events, output: &output)
        }
    }

    /// Bytes from the venue in any chunking; what they mean is appended to `events`.
    public mutating func received(
        _ bytes: UnsafeRawBufferPointer, nowNs: Int64, events: inout [OrderEntryClientEvent],
        output: inout ConnectionOutput
    ) {
        let sessionNs = clock.sessionNs(nowNs)
        session.received(bytes, nowNs: sessionNs, output: &sessionOutput)
        carryOut(events: &events, output: &output)
        if owesResend { resendUnanswered(sessionNs: sessionNs, events: &events, output: &output) }
    }

    /// The timer armed through `output.timerAtNs` expired. A session that
    /// ends here (Logon or heartbeat timeout) closes without an event: the
    /// driver learns it from `output.closeReason`.
    public mutating func timerFired(nowNs: Int64, output: inout ConnectionOutput) {
        var events: [OrderEntryClientEvent] = []
        session.timerFired(nowNs: clock.sessionNs(nowNs), output: &sessionOutput)
        carryOut(events: &events, output: &output)
    }

    /// Sends Logout; the connection closes when the venue answers.
    public mutating func logout(nowNs: Int64, output: inout ConnectionOutput) {
        var events: [OrderEntryClientEvent] = []
        session.logout(nowNs: clock.sessionNs(nowNs), output: &sessionOutput)
        carryOut(events: &events, output: &output)
    }

    // MARK: Session actions

    /// Carries out `sessionOutput` (the messages first, as the session
    /// already numbered them) and empties it.
    mutating func carryOut(events: inout [OrderEntryClientEvent], output: inout ConnectionOutput) {
        output.appendMessages(sessionOutput.bytes, starts: sessionOutput.messageStarts)
        for action in sessionOutput.actions {
            switch action {
            case .send(let bytes):
                // Not produced by the output form of the session's calls.
                output.appendMessage(bytes)
            case .established:
                events.append(.loggedIn)
                if resendsUnanswered, session.lastLogonResetUnasked { owesResend = true }
            case .deliver(let message, _, _, _):
                handle(message, events: &events)
            case .armTimer(let atNs):
                output.timerAtNs = clock.driverNs(atNs)
            case .disconnect(let reason):
                let text = "FIX session: \(reason)"
                output.closeReason = text
                events.append(.disconnected)
            }
        }
        sessionOutput.removeAll()
    }

    // MARK: Venue messages

    mutating func handle(_ message: FIXApplicationMessage, events: inout [OrderEntryClientEvent]) {
        switch message {
        case .executionReport(let report):
            handle(report, events: &events)
        case .orderCancelReject(let reject):
            let awaited = resendsUnanswered ? ClientOrderID(reject.clOrdID).flatMap { unanswered.removeValue(forKey: $0) } : nil
            // A copy sent again after a reset, refused because the venue has
            // no such open order (CxlRejReason 1): the first copy may have
            // been carried out. A cancel's order is not open either way. A
            // replace carried out is answered with its status instead; one
            // refused so had its replacement replaced in turn, or comes from
            // a venue that gives no status: its outcome is unknown, so it is
            // left unanswered rather than reported refused.
            if awaited?.wasResent == true, reject.cancelRejectReason == 1 {
                if reject.responseTo == .cancelReplaceRequest { return }
                if let target = ClientOrderID(reject.origClOrdID) {
                    orders[target] = nil
                    events.append(.cancelled(target, openQuantity: .zero))
                }
                return
            }
            let id = reject.responseTo == .cancelReplaceRequest ? reject.clOrdID : reject.origClOrdID
            if let id = ClientOrderID(id) { events.append(.cancelRejected(id)) }
        case .businessMessageReject, .newOrderSingle, .orderCancelRequest, .orderCancelReplaceRequest:
            // A BusinessMessageReject refers to no order the simulator tracks;
            // the initiator session refuses order messages before delivery.
            break
        }
    }

    mutating func handle(_ report: FIXExecutionReport, events: inout [OrderEntryClientEvent]) {
        guard let clOrdID = report.clOrdID.flatMap({ ClientOrderID($0) }) else { return }
        let open = Quantity(report.leavesQuantity)
        let awaited = resendsUnanswered ? unanswered.removeValue(forKey: clOrdID) : nil
        if let awaited, report.execType == .trade || report.execType == .canceled || report.execType == .restated {
            answerLost(awaited.message, by: report, events: &events)
        }
        switch report.execType {
        case .new:
            update(clOrdID, from: report)
            events.append(.accepted(clOrdID, order: Self.orderID(of: report), openQuantity: open))
        case .trade:
            update(clOrdID, from: report)
            events.append(.executed(
                clOrdID, quantity: Quantity(report.lastQuantity ?? 0), price: Price(report.lastPrice ?? 0),
                openQuantity: open))
        case .canceled, .restated:
            let order = report.origClOrdID.flatMap { ClientOrderID($0) } ?? clOrdID
            update(order, from: report)
            events.append(.cancelled(order, openQuantity: open))
        case .replaced:
            guard let previous = report.origClOrdID.flatMap({ ClientOrderID($0) }) else { return }
            if let record = orders.removeValue(forKey: previous) { orders[clOrdID] = record }
            update(clOrdID, from: report)
            events.append(.replaced(clOrdID, previous: previous, openQuantity: open))
        case .rejected:
            if orders[clOrdID]?.isAcknowledged == false { orders[clOrdID] = nil }
            events.append(.rejected(clOrdID))
        case .orderStatus:
            // The answer to a new order or replace sent again, and all it
            // will hear of what happened meanwhile: accepted (or replaced)
            // for what is open and executed since, then what executed, in one.
            if case .orderCancelReplaceRequest(let replace)? = awaited?.message {
                answerReplaceByStatus(replace, report: report, events: &events)
                return
            }
            guard case .newOrderSingle? = awaited?.message else { return }
            if report.orderStatus == .rejected {
                orders[clOrdID] = nil
                events.append(.rejected(clOrdID))
                return
            }
            let executed = report.cumulativeQuantity
            update(clOrdID, from: report)
            events.append(.accepted(clOrdID, order: Self.orderID(of: report),
                                    openQuantity: Quantity(report.leavesQuantity + executed)))
            if executed > 0 {
                events.append(.executed(clOrdID, quantity: Quantity(executed), price: Price(report.averagePrice),
                                        openQuantity: open))
            }
        default:
            break
        }
    }

    /// A fill or cancel answers a request still awaiting its answer: the
    /// venue sends a request's own answer first on a connection, so that
    /// answer was lost with the venue's state and the request was carried
    /// out. Reports it before the fill or cancel: a new order accepted
    /// (for what was open before this report), a replace done.
    mutating func answerLost(_ request: FIXApplicationMessage, by report: FIXExecutionReport,
                             events: inout [OrderEntryClientEvent]) {
        let openBefore: Int64 =
            switch report.execType {
            case .trade: report.leavesQuantity + (report.lastQuantity ?? 0)
            case .canceled: max(report.leavesQuantity, (report.orderQuantity ?? 0) - report.cumulativeQuantity)
            default: report.leavesQuantity
            }
        switch request {
        case .newOrderSingle(let order):
            guard let id = ClientOrderID(order.clOrdID) else { return }
            events.append(.accepted(id, order: Self.orderID(of: report), openQuantity: Quantity(openBefore)))
        case .orderCancelReplaceRequest(let replace):
            guard let id = ClientOrderID(replace.clOrdID), let previous = ClientOrderID(replace.origClOrdID) else { return }
            if let record = orders.removeValue(forKey: previous) { orders[id] = record }
            events.append(.replaced(id, previous: previous, openQuantity: Quantity(openBefore)))
        default:
            break
        }
    }

    /// The status of a replacement answering its replace sent again: the
    /// replace was carried out. What executed since the client last heard
    /// (CumQty less the executed quantity it knew) comes as one execution
    /// at AvgPx, the only price a status gives (the average of the whole
    /// order's fills); an order done since without executing, as cancelled.
    mutating func answerReplaceByStatus(_ replace: FIXOrderCancelReplaceRequest, report: FIXExecutionReport,
                                        events: inout [OrderEntryClientEvent]) {
        guard let id = ClientOrderID(replace.clOrdID), let previous = ClientOrderID(replace.origClOrdID) else { return }
        let record = orders.removeValue(forKey: previous)
        let executedSince = max(report.cumulativeQuantity - (record?.executedQuantity ?? 0), 0)
        if let record { orders[id] = record }
        update(id, from: report)
        events.append(.replaced(id, previous: previous, openQuantity: Quantity(report.leavesQuantity + executedSince)))
        if executedSince > 0 {
            events.append(.executed(id, quantity: Quantity(executedSince), price: Price(report.averagePrice),
                                    openQuantity: Quantity(report.leavesQuantity)))
        } else if report.leavesQuantity == 0 {
            // Done since without executing (cancelled by the venue, say):
            // nothing above says the order is gone.
            events.append(.cancelled(id, openQuantity: .zero))
        }
    }

    /// OrderID (37) as the engine's number; 0 when it is not one ("NONE").
    static func orderID(of report: FIXExecutionReport) -> OrderID {
        OrderID(report.orderID.withBytes { FIXNumberText.integer($0) }.map { UInt64(max($0, 0)) } ?? 0)
    }

    /// Takes the venue's totals for the order; forgets it once nothing is open.
    mutating func update(_ id: ClientOrderID, from report: FIXExecutionReport) {
        guard report.leavesQuantity > 0 else {
            orders[id] = nil
            return
        }
        guard var record = orders[id] else { return }
        record.isAcknowledged = true
        record.executedQuantity = report.cumulativeQuantity
        if let orderQuantity = report.orderQuantity { record.orderQuantity = orderQuantity }
        orders[id] = record
    }

    /// The terms sent for an order the client does not know (done, or never
    /// sent): the venue refuses the cancel by OrigClOrdID whatever they say.
    var unknownOrderRecord: OrderRecord {
        OrderRecord(symbol: symbolNames.first ?? "?", side: .buy, timeInForce: .day, orderQuantity: 1, executedQuantity: 0)
    }

    mutating func takeCancelID() -> FIXString {
        defer { nextCancelNumber += 1 }
        return FIXString.base36(nextCancelNumber, prefix: cancelIDPrefix)
    }
}
