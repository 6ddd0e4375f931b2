import Exchange
import MatchingEngine
import SimKernel

/// A participant replaying a captured order-entry session: how far it has
/// sent, and its requests awaiting an answer.
struct ReplayedSession {
    /// Its entry in `SimulationConfig.orderEntryReplays`, and the session there.
    var replay: Int32
    var session: Int32
    /// The next captured request to send.
    var next = 0
    /// Requests due while the session was not logged in, sent at its login.
    var waiting: [OrderEntryRequest] = []
    /// When each new order awaiting its answer was sent, by its id.
    var newSentAtNs: [ClientOrderID: Nanoseconds] = [:]
    /// When each cancel awaiting its answer was sent, by its target.
    var cancelSentAtNs: [ClientOrderID: Nanoseconds] = [:]
    /// Replaces awaiting their answer: the replacement's id by its target's,
    /// and the target's by the replacement's. OUCH refuses a replace on
    /// either token (Rejected on the replacement, Cancel Reject on the
    /// target), FIX on the replacement's ClOrdID.
    var replacementOfTarget: [ClientOrderID: ClientOrderID] = [:]
    var targetOfReplacement: [ClientOrderID: ClientOrderID] = [:]

    /// The pending replace whose replacement is `id`, settled: true if there was one.
    mutating func settleReplace(replacement id: ClientOrderID) -> Bool {
        guard let target = targetOfReplacement.removeValue(forKey: id) else { return false }
        replacementOfTarget.removeValue(forKey: target)
        return true
    }

    /// The pending replace of the order `id` names, settled: true if there was one.
    mutating func settleReplace(target id: ClientOrderID) -> Bool {
        guard let replacement = replacementOfTarget.removeValue(forKey: id) else { return false }
        targetOfReplacement.removeValue(forKey: replacement)
        return true
    }

    init(replay: Int32, session: Int32) {
        self.replay = replay
        self.session = session
    }
}

/// What one order-entry replay's sessions sent, and what the venue answered.
public struct OrderEntryReplayCounts: Hashable, Sendable {
    public var ordersSent: UInt64 = 0
    public var cancelsSent: UInt64 = 0
    public var replacesSent: UInt64 = 0
    public var ordersAccepted: UInt64 = 0
    public var ordersRejected: UInt64 = 0
    /// Cancels and replaces the venue refused (Cancel Reject, or a Rejected replacement).
    public var instructionsRejected: UInt64 = 0
    public var executions: UInt64 = 0
    public var executedQuantity: Int64 = 0
    /// Requests due while their session was away, beyond what it holds
    /// for its login, or still held when the run ended.
    public var requestsNotSent: UInt64 = 0

    public init() {}
}

extension OrderEntryClientEvent {
    var isLogin: Bool {
        if case .loggedIn = self { return true }
        return false
    }
}

extension Simulation {
    /// The captured requests of a replayed session due now are sent, in
    /// captured order; its next time, if within the run, is scheduled.
    mutating func handleOrderEntryReplay(_ participant: Int32) {
        let r = Int(participant) - firstReplayParticipant
        let replayed = replaySessions[r]
        let session = config.orderEntryReplays[Int(replayed.replay)].sessions[Int(replayed.session)]
        let now = kernel.now
        var next = replayed.next
        while next < session.count, session.timesNs[next] == now {
            sendCaptured(session.requests[next], from: participant)
            next += 1
        }
        replaySessions[r].next = next
        if next < session.count, session.timesNs[next] < config.durationNs {
            kernel.schedule(.orderEntryReplay(participant: participant), at: session.timesNs[next])
        }
    }

    /// Sends what came due while the session was away, now that it is logged in.
    mutating func sendWaitingCapturedRequests(_ participant: Int32) {
        let r = Int(participant) - firstReplayParticipant
        let waiting = replaySessions[r].waiting
        replaySessions[r].waiting = []
        for request in waiting { sendCaptured(request, from: participant) }
    }

    /// Sends one captured request as it was captured (its token or ClOrdID
    /// included) through the participant's client, or holds it until the
    /// session logs in.
    mutating func sendCaptured(_ request: OrderEntryRequest, from participant: Int32) {
        let p = Int(participant)
        let r = p - firstReplayParticipant
        let replay = Int(replaySessions[r].replay)
        guard participants[p].loggedIn else {
            if replaySessions[r].waiting.count < SimulatedParticipant.waitingLimit {
                replaySessions[r].waiting.append(request)
            } else {
                counts.instructionsNotSent += 1
                orderEntryReplayCounts[replay].requestsNotSent += 1
            }
            return
        }
        let now = kernel.now
        switch request {
        case .new(let order):
            traceNewOrder(side: order.side, type: order.type, timeInForce: order.timeInForce, symbol: order.symbol,
                          price: order.price, quantity: order.quantity, participant: participants[p].id)
            replaySessions[r].newSentAtNs[order.clientID] = now
            counts.ordersSent += 1
            orderEntryReplayCounts[replay].ordersSent += 1
        case .cancel(let target, _, let newOpenQuantity):
            kernel.recordInTrace(1 << 63 | UInt64(bitPattern: newOpenQuantity.rawValue))
            replaySessions[r].cancelSentAtNs[target] = now
            counts.cancelsSent += 1
            orderEntryReplayCounts[replay].cancelsSent += 1
        case .replace(let target, let replacementID, let price, let quantity, _, _):
            kernel.recordInTrace(1 << 62 | UInt64(bitPattern: price.rawValue) ^ UInt64(bitPattern: quantity.rawValue) << 40)
            replaySessions[r].replacementOfTarget[target] = replacementID
            replaySessions[r].targetOfReplacement[replacementID] = target
            counts.replacesSent += 1
            orderEntryReplayCounts[replay].replacesSent += 1
        }
        sendThroughClient(request, from: participant)
    }

    /// What the venue answered a replayed session: counted, and timed from
    /// the request's send, as a flow's participant's answers are.
    mutating func handleReplayed(_ event: OrderEntryClientEvent, participant: Int32) {
        let p = Int(participant)
        let r = p - firstReplayParticipant
        let replay = Int(replaySessions[r].replay)
        let now = kernel.now
        switch event {
        case .loggedIn:
            preconditionFailure("a login goes through the participants' common path")
        case .accepted(let clientID, _, _):
            guard let sentAtNs = replaySessions[r].newSentAtNs.removeValue(forKey: clientID) else { return }
            orderToAck.record(now - sentAtNs)
            counts.ordersAccepted += 1
            orderEntryReplayCounts[replay].ordersAccepted += 1
            participants[p].noteAcknowledged(clientID, sentAtNs: sentAtNs, nowNs: now)
        case .rejected(let clientID):
            if let sentAtNs = replaySessions[r].newSentAtNs.removeValue(forKey: clientID) {
                orderToAck.record(now - sentAtNs)
                counts.ordersRejected += 1
                orderEntryReplayCounts[replay].ordersRejected += 1
            } else if replaySessions[r].settleReplace(replacement: clientID) {
                // The replacement of a refused replace.
                counts.instructionsRejected += 1
                orderEntryReplayCounts[replay].instructionsRejected += 1
            }
        case .executed(let clientID, let quantity, _, _):
            if let sentAtNs = participants[p].sentAtIfJustAcknowledged(clientID, nowNs: now) {
                orderToFill.record(now - sentAtNs)
            }
            orderEntryReplayCounts[replay].executions += 1
            orderEntryReplayCounts[replay].executedQuantity += quantity.rawValue
        case .cancelled(let clientID, _):
            if let sentAtNs = replaySessions[r].cancelSentAtNs.removeValue(forKey: clientID) {
                cancelToAck.record(now - sentAtNs)
            } else {
                counts.cancelled += 1
            }
        case .replaced(let clientID, _, _):
            _ = replaySessions[r].settleReplace(replacement: clientID)
        case .cancelRejected(let clientID):
            // A refusal of a cancel or replace it awaits an answer to, once.
            if let sentAtNs = replaySessions[r].cancelSentAtNs.removeValue(forKey: clientID) {
                cancelToAck.record(now - sentAtNs)
            } else if !replaySessions[r].settleReplace(target: clientID), !replaySessions[r].settleReplace(replacement: clientID) {
                return
            }
            counts.instructionsRejected += 1
            orderEntryReplayCounts[replay].instructionsRejected += 1
        case .disconnected:
            participants[p].loggedIn = false
        }
    }
}
