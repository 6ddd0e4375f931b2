import MatchingEngine

/// The order-entry half of a venue gateway, independent of protocol: turns
/// sessions' requests into engine instructions, and the engine's events into
/// reports addressed to the sessions that own the orders.
///
/// It enforces what the engine does not know about: client identifiers are
/// unique per session for the day (a reused one is rejected without reaching
/// the engine), and a session can only cancel or replace its own open orders.
public struct OrderEntryDesk {
    /// A report and the session it is for.
    public struct AddressedReport: Hashable, Sendable {
        public var session: Int32
        public var report: OrderEntryReport
    }

    struct SessionBook {
        var participant: ParticipantID
        /// Every client id used today, with the order it last named (none,
        /// or none once a replace moved the order to another id); that order
        /// is open while `orders` holds it. One table answers both "already
        /// used?" and "which open order?", and a request looks its id up once.
        var clientIDs = ClientOrderIDTable()
        /// Whether the session's finished orders stay known, so that a new
        /// order sent again under a used id can be answered with its final
        /// status (FIX PossResend); see `finished`.
        var keepsFinishedOrders = false
    }

    struct OrderRecord {
        var session: Int32
        var state: OrderState
    }

    var sessions: [SessionBook] = []
    var orders = OrderIDTable<OrderRecord>()
    /// The final state of each finished order of the sessions that keep
    /// them, for the day: the status a resent new order is answered with.
    var finished = OrderIDTable<OrderRecord>()
    /// Sessions with `keepsFinishedOrders`: none spares finishing an order
    /// the lookup of its session.
    var sessionsKeepingFinishedOrders = 0

    public init() {}

    /// Registers a session trading as `participant`; returns its number.
    /// `keepsFinishedOrders`: the session's protocol can send a new order
    /// again (FIX PossResend), and the desk then answers with the order's
    /// status, open or finished. That keeps a record per order for the day.
    public mutating func addSession(participant: ParticipantID, keepsFinishedOrders: Bool = false) -> Int32 {
        sessions.append(SessionBook(participant: participant, keepsFinishedOrders: keepsFinishedOrders))
        if keepsFinishedOrders { sessionsKeepingFinishedOrders += 1 }
        return Int32(sessions.count - 1)
    }

    public var sessionCount: Int { sessions.count }

    /// Traps if a session's table of client ids is inconsistent. O(ids used today).
    public func checkInvariants() {
        for book in sessions { book.clientIDs.checkInvariants() }
        for (id, record) in orders {
            let clientIDs = sessions[Int(record.session)].clientIDs
            precondition(clientIDs.find(record.state.clientID).flatMap { clientIDs.order(at: $0) } == id,
                         "open order \(id) not named by its client id")
        }
    }
    public var openOrderCount: Int { orders.count }

    /// The order a session knows as `clientID`, while it is open.
    public func openOrder(session: Int32, clientID: ClientOrderID) -> OrderState? {
        ownedOpenOrder(session: session, clientID: clientID)?.state
    }

    /// Starts bringing the client-id slots that `requests` will look up
    /// towards the cache, all at once, before `handle` carries them out one
    /// by one (`ClientOrderIDTable.prefetchHome`), once the session's table
    /// is large: their cache misses then overlap. Changes nothing.
    public func prefetchClientIDs(of requests: [OrderEntryRequest], from session: Int32) {
        // Only a table past its split misses the cache often enough to pay
        // for the pass (a simulated session's table stays small).
        guard sessions[Int(session)].clientIDs.isSplit else { return }
        for request in requests {
            switch request {
            case .new(let new): sessions[Int(session)].clientIDs.prefetchHome(new.clientID)
            case .cancel(let target, _, _): sessions[Int(session)].clientIDs.prefetchHome(target)
            case .replace(let target, let replacementID, _, _, _, _):
                sessions[Int(session)].clientIDs.prefetchHome(target)
                sessions[Int(session)].clientIDs.prefetchHome(replacementID)
            }
        }
    }

    /// Refuses `request` without carrying it out: the report a refusal of
    /// its kind gets (a reject of a new order, a cancel reject of a cancel
    /// or replace, with the order's state while it is open). The request
    /// leaves no trace: its client id stays unused, free for a later try.
    public func refuse(_ request: OrderEntryRequest, from session: Int32, reason: OrderEntryRejectReason,
                       reports: inout [AddressedReport]) {
        precondition(session >= 0 && Int(session) < sessions.count, "unknown session \(session)")
        let report: OrderEntryReport
        switch request {
        case .new(let new):
            report = .rejected(new, order: nil, reason: reason)
        case .cancel(let target, let requestID, _):
            report = .cancelRejected(target: target, requestID: requestID, isReplace: false,
                                     state: ownedOpenOrder(session: session, clientID: target)?.state, reason: reason)
        case .replace(let target, let replacementID, _, _, _, _):
            report = .cancelRejected(target: target, requestID: replacementID, isReplace: true,
                                     state: ownedOpenOrder(session: session, clientID: target)?.state, reason: reason)
        }
        reports.append(AddressedReport(session: session, report: report))
    }

    /// Carries out one request. The engine's events are appended to `events`
    /// (for the market-data side) and the reports to `reports`.
    public mutating func handle(
        _ request: OrderEntryRequest, from session: Int32, engine: inout MatchingEngine,
        events: inout [EngineEvent], reports: inout [AddressedReport]
    ) {
        precondition(session >= 0 && Int(session) < sessions.count, "unknown session \(session)")
        let firstEvent = events.count
        switch request {
        case .new(let new):
            let (slot, inserted) = sessions[Int(session)].clientIDs.insert(new.clientID)
            guard inserted else {
                // A copy sent again of an order taken: its status, which the
                // client may have missed, rather than a duplicate's reject.
                if new.possibleResend, let state = lastKnownState(session: session, slot: slot) {
                    reports.append(AddressedReport(session: session, report: .status(state)))
                } else {
                    reports.append(AddressedReport(
                        session: session, report: .rejected(new, order: nil, reason: .duplicateClientID)))
                }
                return
            }
            guard new.symbol.rawValue >= 0, Int(new.symbol.rawValue) < engine.symbolCount else {
                reports.append(AddressedReport(session: session, report: .rejected(new, order: nil, reason: .unknownSymbol)))
                return
            }
            let order = NewOrder(
                symbol: new.symbol, participant: sessions[Int(session)].participant, side: new.side, type: new.type,
                timeInForce: new.timeInForce, price: new.price, quantity: new.quantity, postOnly: new.postOnly)
            let id = engine.submit(order, events: &events)
            route(events, from: firstEvent, context: .new(new, id, session, slot: slot), reports: &reports)

        case .cancel(let target, let requestID, let newOpen):
            guard let (id, state, _) = ownedOpenOrder(session: session, clientID: target) else {
                reports.append(AddressedReport(session: session, report: .cancelRejected(
                    target: target, requestID: requestID, isReplace: false, state: nil, reason: .unknownClientID)))
                return
            }
            if let requestID, !sessions[Int(session)].clientIDs.insert(requestID).inserted {
                reports.append(AddressedReport(session: session, report: .cancelRejected(
                    target: target, requestID: requestID, isReplace: false, state: state, reason: .duplicateClientID)))
                return
            }
            let participant = sessions[Int(session)].participant
            if newOpen.rawValue <= 0 {
                engine.cancel(id, participant: participant, events: &events)
            } else if newOpen < state.openQuantity {
                engine.reduce(id, by: Quantity(state.openQuantity.rawValue - newOpen.rawValue), participant: participant, events: &events)
            } else {
                reports.append(AddressedReport(session: session, report: .cancelRejected(
                    target: target, requestID: requestID, isReplace: false, state: state,
                    reason: .engine(.invalidQuantity))))
                return
            }
            route(events, from: firstEvent, context: .cancel(target, requestID, id, session), reports: &reports)

        case .replace(let target, let replacementID, let price, let quantity, let includesExecuted, let possibleResend):
            guard let (id, state, foundSlot) = ownedOpenOrder(session: session, clientID: target) else {
                // A copy sent again of a replace carried out: the order now
                // goes by the replacement id, and its status answers the copy
                // (the first copy's answer may have been lost).
                if possibleResend, let slot = sessions[Int(session)].clientIDs.find(replacementID),
                   let state = lastKnownState(session: session, slot: slot) {
                    reports.append(AddressedReport(session: session, report: .status(state)))
                    return
                }
                reports.append(AddressedReport(session: session, report: .cancelRejected(
                    target: target, requestID: replacementID, isReplace: true, state: nil, reason: .unknownClientID)))
                return
            }
            let capacity = sessions[Int(session)].clientIDs.capacity
            let (replacementSlot, inserted) = sessions[Int(session)].clientIDs.insert(replacementID)
            guard inserted else {
                reports.append(AddressedReport(session: session, report: .cancelRejected(
                    target: target, requestID: replacementID, isReplace: true, state: state, reason: .duplicateClientID)))
                return
            }
            // Slots move only when the table grows.
            let targetSlot = sessions[Int(session)].clientIDs.capacity == capacity ? foundSlot
                : sessions[Int(session)].clientIDs.find(target)!
            let open = includesExecuted ? quantity.rawValue - state.executedQuantity.rawValue : quantity.rawValue
            engine.replace(id, price: price, quantity: Quantity(open), participant: sessions[Int(session)].participant,
                           events: &events)
            route(events, from: firstEvent, context: .replace(
                target, replacementID, id, session, targetSlot: targetSlot, replacementSlot: replacementSlot), reports: &reports)
        }
    }

    /// Reports the consequences of events no request caused (a phase change's
    /// auction executions, day orders cancelled at the close).
    public mutating func absorbUnsolicited(_ events: [EngineEvent], from firstEvent: Int = 0, reports: inout [AddressedReport]) {
        route(events, from: firstEvent, context: .none, reports: &reports)
    }

    // MARK: Routing

    /// The request being carried out. Slots are in the session's
    /// `clientIDs`, which takes no insert while the request's events are
    /// routed, so they stay valid.
    enum Context {
        case none
        case new(NewOrderRequest, OrderID, Int32, slot: Int)
        case cancel(ClientOrderID, ClientOrderID?, OrderID, Int32)
        case replace(ClientOrderID, ClientOrderID, OrderID, Int32, targetSlot: Int, replacementSlot: Int)
    }

    /// The state of the order the client id in `slot` last named: open, or
    /// finished for a session that keeps finished orders.
    func lastKnownState(session: Int32, slot: Int) -> OrderState? {
        guard let id = sessions[Int(session)].clientIDs.order(at: slot) else { return nil }
        return orders[id]?.state ?? finished[id]?.state
    }

    /// The open order a session knows as `clientID`, and the id's slot.
    func ownedOpenOrder(session: Int32, clientID: ClientOrderID) -> (id: OrderID, state: OrderState, slot: Int)? {
        let clientIDs = sessions[Int(session)].clientIDs
        guard let slot = clientIDs.find(clientID), let id = clientIDs.order(at: slot), let record = orders[id] else { return nil }
        return (id, record.state, slot)
    }

    mutating func route(_ events: [EngineEvent], from firstEvent: Int, context: Context, reports: inout [AddressedReport]) {
        // By index: a slice of the list would be retained and released per call.
        for index in firstEvent..<events.count {
            switch events[index] {
            case .accepted(let id, let symbol, _, let side, let price, let quantity):
                guard case .new(let request, let newID, let session, let slot) = context, newID == id else {
                    preconditionFailure("accepted \(id) outside its own request")
                }
                let state = OrderState(
                    clientID: request.clientID, order: id, symbol: symbol, side: side, type: request.type,
                    timeInForce: request.timeInForce, price: price, orderQuantity: quantity, openQuantity: quantity,
                    executedQuantity: .zero, executedNotional: 0, postOnly: request.postOnly, echo: request.echo)
                orders[id] = OrderRecord(session: session, state: state)
                sessions[Int(session)].clientIDs.setOrder(id, at: slot)
                reports.append(AddressedReport(session: session, report: .accepted(state)))

            case .rejected(let id, _, let reason):
                switch context {
                case .new(let request, _, let session, _):
                    reports.append(AddressedReport(session: session, report: .rejected(request, order: id, reason: .engine(reason))))
                case .cancel(let target, let requestID, _, let session):
                    reports.append(AddressedReport(session: session, report: .cancelRejected(
                        target: target, requestID: requestID, isReplace: false, state: orders[id]?.state, reason: .engine(reason))))
                case .replace(let target, let replacementID, _, let session, _, _):
                    reports.append(AddressedReport(session: session, report: .cancelRejected(
                        target: target, requestID: replacementID, isReplace: true, state: orders[id]?.state, reason: .engine(reason))))
                case .none:
                    preconditionFailure("rejected \(id) outside a request")
                }

            case .executed(let execution):
                let auction: Bool
                if case .none = context { auction = true } else { auction = false }
                reportExecution(execution.aggressor, remaining: execution.aggressorRemaining, execution: execution,
                                liquidity: auction ? .auction : .removed, reports: &reports)
                reportExecution(execution.resting, remaining: execution.restingRemaining, execution: execution,
                                liquidity: auction ? .auction : .added, reports: &reports)

            case .cancelled(let id, _, let quantity, let remaining, let reason):
                var requestID: ClientOrderID? = nil
                if reason == .requested, case .cancel(_, let cancelID, let target, _) = context, target == id {
                    requestID = cancelID
                }
                let isDone = orders.modify(id) { record in
                    record.state.openQuantity = remaining
                    reports.append(AddressedReport(session: record.session, report: .cancelled(
                        record.state, decrement: quantity, reason: reason, requestID: requestID)))
                    return record.state.isDone
                }
                if isDone == true { forget(id) }

            case .replaced(let id, _, let price, let quantity, _):
                guard case .replace(let previous, let replacementID, let target, let session, let previousSlot, let replacementSlot)
                        = context, target == id else {
                    preconditionFailure("replaced \(id) outside its own request")
                }
                let isDone = orders.modify(id) { record in
                    record.state.clientID = replacementID
                    record.state.price = price
                    record.state.openQuantity = quantity
                    record.state.orderQuantity = Quantity(record.state.executedQuantity.rawValue + quantity.rawValue)
                    reports.append(AddressedReport(session: session, report: .replaced(record.state, previousClientID: previous)))
                    return record.state.isDone
                }
                guard let isDone else { preconditionFailure("replaced \(id), which is not open") }
                sessions[Int(session)].clientIDs.setOrder(nil, at: previousSlot)
                sessions[Int(session)].clientIDs.setOrder(id, at: replacementSlot)
                if isDone { forget(id) }

            case .bookChanged, .phaseChanged:
                continue
            }
        }
    }

    mutating func reportExecution(
        _ id: OrderID, remaining: Quantity, execution: Execution, liquidity: Liquidity, reports: inout [AddressedReport]
    ) {
        let isDone = orders.modify(id) { record in
            record.state.openQuantity = remaining
            record.state.executedQuantity.rawValue += execution.quantity.rawValue
            // Saturates rather than traps: ports bound price and quantity, but the
            // desk must not be the thing a hostile order brings down.
            let (notional, overflow) = execution.quantity.rawValue.multipliedReportingOverflow(by: execution.price.rawValue)
            let (sum, sumOverflow) = record.state.executedNotional.addingReportingOverflow(notional)
            record.state.executedNotional = overflow || sumOverflow ? .max : sum
            reports.append(AddressedReport(session: record.session, report: .executed(
                record.state, quantity: execution.quantity, price: execution.price, matchID: execution.matchID,
                liquidity: liquidity)))
            return record.state.isDone
        }
        if isDone == true { forget(id) }
    }

    /// Forgets a finished order's record. The client id keeps naming the
    /// order: `orders` no longer holds it, which is what makes it not open,
    /// and leaving the entry spares a lookup in the day's largest table.
    /// A session that keeps finished orders keeps its record in `finished`.
    mutating func forget(_ id: OrderID) {
        if sessionsKeepingFinishedOrders > 0, let record = orders[id], sessions[Int(record.session)].keepsFinishedOrders {
            finished[id] = record
        }
        orders.remove(id)
    }
}
