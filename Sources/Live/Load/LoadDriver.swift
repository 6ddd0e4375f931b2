import Measure
import NIOCore

/// Every connection of a load run on one event loop, and the pacing turn
/// that sends them their due orders. All its methods run on that loop.
final class LoadDriver: LiveClientRun<LoadConnection> {
    let plan: LoadPlan
    var endNs: Int64 = 0

    init(plan: LoadPlan, clock: LiveClock, loop: any EventLoop) {
        self.plan = plan
        super.init(connections: (0..<plan.connections).map { LoadConnection(index: $0, plan: plan, clock: clock) },
                   clock: clock, loop: loop, runName: "run")
    }

    /// Self, for closures the loop runs later.
    var bound: NIOLoopBound<LoadDriver> { NIOLoopBound(self, eventLoop: loop) }

    /// `--ping`: the next order goes as soon as the last is answered.
    override func answered(on load: LoadConnection) {
        if case .ping = plan.pacing, sending, load.isIdle {
            let now = clock.nowNs
            if now < endNs { load.appendOrder(plannedNs: now, nowNs: now) } else { stopSending(load) }
        }
    }

    // MARK: Pacing

    /// Starts sending: order 0 of connection c is planned at start + c × spacing / connections.
    override func start() {
        // A connection closed between the logins and now has ended the run.
        guard !isFinished else { return }
        startNs = clock.nowNs
        endNs = startNs + plan.durationNs
        sending = true
        let offset = plan.spacingNs / Double(plan.connections)
        for load in connections {
            if plan.spacingNs > 0 {
                load.schedule = LoadSchedule(firstNs: startNs + Int64((Double(load.index) * offset).rounded()),
                                             spacingNs: plan.spacingNs, arrivals: plan.arrivals, connection: load.index)
            }
        }
        let driver = bound
        drainDeadline = loop.scheduleTask(deadline: clock.deadline(atNs: endNs + plan.drainTimeoutNs)) {
            driver.value.finish(failure: nil)
        }
        switch plan.pacing {
        case .openLoop:
            sendDueOrders()
        case .ping:
            // One order in flight over all connections: ping uses the first.
            let load = connections[0]
            load.appendOrder(plannedNs: startNs, nowNs: startNs)
            load.flush(clock: clock)
        }
    }

    /// One turn: every connection's due orders in one write each, then the
    /// next turn at the earliest planned time (at once if it has passed).
    func sendDueOrders() {
        guard sending else { return }
        let now = clock.nowNs
        var next = LiveClientNextTurn()
        for load in connections where !load.closed {
            next.note(plannedNs: load.appendDueOrders(nowNs: now, endNs: endNs), heldBack: load.isHeldBack)
            load.flush(clock: clock)
        }
        guard next.plannedNs != nil else {
            sending = false
            finishIfAnswered()
            return
        }
        let driver = bound
        turn = loop.scheduleTask(deadline: clock.deadline(atNs: next.deadlineNs(nowNs: clock.nowNs))) { driver.value.sendDueOrders() }
    }

    func stopSending(_ load: LoadConnection) {
        sending = false
        finishIfAnswered()
    }

    override var isAnswered: Bool { connections.allSatisfy(\.isIdle) }

    func result() -> LoadResult {
        var result = LoadResult()
        var recorders = LoadLatencyPath.all.map { LatencyRecorder(name: $0) }
        var firstNs = Int64.max
        var lastNs: Int64 = 0
        for load in connections {
            result.sent += load.sent
            result.accepted += load.accepted
            result.rejected += load.rejected
            result.executedOrders += load.executedOrders
            result.executions += load.executions
            result.heldBackTurns += load.heldBackTurns
            // A run that failed (a connection lost) did not hold its orders back: they are not counted.
            if failure == nil { result.notSent += load.ordersNotSent(endNs: endNs) }
            recorders[0].merge(load.ackFromPlanned)
            recorders[1].merge(load.ackFromSend)
            recorders[2].merge(load.fillFromPlanned)
            recorders[3].merge(load.fillFromSend)
            if load.sent > 0 {
                firstNs = min(firstNs, load.times.sentNs[0])
                lastNs = max(lastNs, load.lastSentNs)
            }
        }
        // Orders held back to the end leave the rate over the whole plan:
        // sending was meant to go on until its end, and could not.
        if result.notSent > 0 { lastNs = max(lastNs, endNs) }
        result.sendingSeconds = firstNs < lastNs ? Double(lastNs - firstNs) / 1e9 : 0
        result.latencies = recorders
        result.failure = failure
        return result
    }
}
