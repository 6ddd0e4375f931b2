import Measure
import MatchingEngine
import OrderFlow
import SimKernel

/// A configuration the simulation cannot run (a reference to something that
/// does not exist). Scenario files are validated before this point; this
/// guards configurations built in code.
public struct SimulationConfigError: Error, CustomStringConvertible, Hashable {
    public var description: String
}

/// The simulated world: venues, flows of participants, a fixed one-way
/// latency between them, all driven by one discrete-event kernel.
///
/// Single-threaded and deterministic: the same configuration (including the
/// seed) delivers the same events in the same order, which the trace digest
/// in the result proves.
public struct Simulation {
    public let config: SimulationConfig
    public let checkInvariants: Bool

    var kernel = Kernel<SimulationEvent>(reservingCapacity: 1 << 16)
    var venues: [SimulatedVenue]
    var flows: [OrderFlowGenerator]
    var flowVenue: [Int32]
    /// Flow of each participant id (participants are numbered from 1).
    var flowOfParticipant: [Int32]
    var tickets = TicketPool()
    var engineEvents: [EngineEvent] = []
    var phaseEventTargets: [(venue: Int32, symbol: SymbolIndex)]

    var counts = SimulationCounts()
    var orderToAck = LatencyRecorder(name: "order→ack")
    var orderToFill = LatencyRecorder(name: "order→fill")
    var cancelToAck = LatencyRecorder(name: "cancel→ack")
    var instructionsServed = ThroughputCounter(name: "instructions")
    var tradesPerSecond = ThroughputCounter(name: "trades")
    var invariantViolations: [String] = []

    /// Instructions between two full invariant checks when checking is on.
    static let invariantCheckInterval: UInt64 = 50_000

    public init(config: SimulationConfig, checkInvariants: Bool = false) throws(SimulationConfigError) {
        guard config.durationNs > 0 else { throw SimulationConfigError(description: "duration must be positive") }
        guard config.oneWayLatencyNs >= 0 else { throw SimulationConfigError(description: "latency must not be negative") }
        self.config = config
        self.checkInvariants = checkInvariants

        venues = config.venues.map { venue in
            SimulatedVenue(config: venue, random: RandomStream(scenarioSeed: config.seed, component: "venue.\(venue.name).service"))
        }

        var flows: [OrderFlowGenerator] = []
        var flowVenue: [Int32] = []
        var flowOfParticipant: [Int32] = [-1]
        var nextParticipant: UInt32 = 1
        for (flowIndex, flow) in config.flows.enumerated() {
            guard let venueIndex = config.venues.firstIndex(where: { $0.name == flow.venue }) else {
                throw SimulationConfigError(description: "flow '\(flow.name)' names unknown venue '\(flow.venue)'")
            }
            let venue = config.venues[venueIndex]
            var symbols: [FlowSymbol] = []
            let names = flow.symbols.isEmpty ? venue.symbols.map(\.name) : flow.symbols
            for name in names {
                guard let symbolIndex = venue.symbols.firstIndex(where: { $0.name == name }) else {
                    throw SimulationConfigError(description: "flow '\(flow.name)' names unknown symbol '\(name)' of venue '\(venue.name)'")
                }
                let symbol = venue.symbols[symbolIndex]
                symbols.append(FlowSymbol(index: SymbolIndex(Int32(symbolIndex)), tickSize: symbol.tickSize, referencePrice: symbol.referencePrice))
            }
            flows.append(OrderFlowGenerator(
                config: flow, symbols: symbols, firstParticipant: nextParticipant,
                random: RandomStream(scenarioSeed: config.seed, component: "flow.\(flow.name)")))
            flowVenue.append(Int32(venueIndex))
            flowOfParticipant.append(contentsOf: repeatElement(Int32(flowIndex), count: flow.participants))
            nextParticipant += UInt32(flow.participants)
        }
        self.flows = flows
        self.flowVenue = flowVenue
        self.flowOfParticipant = flowOfParticipant

        for (venueIndex, venue) in config.venues.enumerated() where venue.selfTradePrevention != .none {
            for participant in 1..<nextParticipant {
                venues[venueIndex].engine.setSelfTradePrevention(venue.selfTradePrevention, for: ParticipantID(participant))
            }
        }

        var targets: [(venue: Int32, symbol: SymbolIndex)] = []
        for event in config.phaseEvents {
            guard let venueIndex = config.venues.firstIndex(where: { $0.name == event.venue }) else {
                throw SimulationConfigError(description: "phase event names unknown venue '\(event.venue)'")
            }
            guard let symbolIndex = config.venues[venueIndex].symbols.firstIndex(where: { $0.name == event.symbol }) else {
                throw SimulationConfigError(description: "phase event names unknown symbol '\(event.symbol)' of venue '\(event.venue)'")
            }
            targets.append((Int32(venueIndex), SymbolIndex(Int32(symbolIndex))))
        }
        phaseEventTargets = targets
    }

    /// Runs until every flow has stopped (at the configured duration) and every
    /// instruction and response in flight has been delivered.
    public mutating func run() -> SimulationResult {
        for index in flows.indices {
            let first = flows[index].nextInterarrivalNs()
            if first < config.durationNs {
                kernel.schedule(.flowArrival(flow: Int32(index)), at: first)
            }
        }
        // Phase events are scheduled in time order; equal times keep file order.
        let phaseOrder = config.phaseEvents.indices.sorted {
            (config.phaseEvents[$0].atNs, $0) < (config.phaseEvents[$1].atNs, $1)
        }
        for index in phaseOrder {
            kernel.schedule(.phaseChange(index: Int32(index)), at: config.phaseEvents[index].atNs)
        }

        while let event = kernel.next() {
            switch event {
            case .flowArrival(let flow):
                handleFlowArrival(flow)
            case .instructionArrival(let venue, let ticket):
                handleInstructionArrival(venue: venue, ticket: ticket)
            case .serviceComplete(let venue):
                handleServiceComplete(venue: venue)
            case .response(let flow, let message):
                handleResponse(flow: flow, message: message)
            case .phaseChange(let index):
                handlePhaseChange(index)
            }
        }

        if checkInvariants { runInvariantCheck() }
        return result()
    }

    // MARK: Participants

    mutating func handleFlowArrival(_ flow: Int32) {
        let now = kernel.now
        let instruction = flows[Int(flow)].nextInstruction(now: now)
        switch instruction {
        case .new(let order):
            counts.ordersSent += 1
            kernel.recordInTrace(UInt64(order.side.rawValue) << 48 | UInt64(order.type.rawValue) << 40 | UInt64(order.timeInForce.rawValue) << 32 | UInt64(UInt32(bitPattern: order.symbol.rawValue)))
            kernel.recordInTrace(UInt64(bitPattern: order.price.rawValue))
            kernel.recordInTrace(UInt64(bitPattern: order.quantity.rawValue) << 32 | UInt64(order.participant.rawValue))
        case .cancel(let id, _, _):
            counts.cancelsSent += 1
            kernel.recordInTrace(1 << 63 | id.rawValue)
        case .replace(let id, _, _, let price, let quantity):
            counts.replacesSent += 1
            kernel.recordInTrace(1 << 62 | id.rawValue)
            kernel.recordInTrace(UInt64(bitPattern: price.rawValue) ^ UInt64(bitPattern: quantity.rawValue) << 40)
        }
        let ticket = tickets.issue(InstructionTicket(instruction: instruction, flow: flow, sentAtNs: now))
        kernel.schedule(.instructionArrival(venue: flowVenue[Int(flow)], ticket: ticket), after: config.oneWayLatencyNs)

        let next = now + flows[Int(flow)].nextInterarrivalNs()
        if next < config.durationNs {
            kernel.schedule(.flowArrival(flow: flow), at: next)
        }
    }

    mutating func handleResponse(flow: Int32, message: ParticipantMessage) {
        let now = kernel.now
        switch message {
        case .acknowledged(let ticketSlot, let order, let accepted):
            let ticket = tickets[ticketSlot]
            tickets.release(ticketSlot)
            switch ticket.instruction {
            case .new(let new):
                orderToAck.record(now - ticket.sentAtNs)
                if accepted, new.type == .limit, new.timeInForce == .day || new.timeInForce == .goodTillCancel {
                    flows[Int(flow)].orderOpened(order, participant: new.participant, symbol: new.symbol, side: new.side, price: new.price, quantity: new.quantity)
                }
            case .cancel:
                cancelToAck.record(now - ticket.sentAtNs)
            case .replace:
                if !accepted { flows[Int(flow)].orderClosed(order) }
            }
        case .filled(let order, let remaining, let sentAtNs):
            if sentAtNs >= 0 { orderToFill.record(now - sentAtNs) }
            flows[Int(flow)].orderOpenQuantityChanged(order, to: remaining)
        case .cancelled(let order, let remaining):
            flows[Int(flow)].orderOpenQuantityChanged(order, to: remaining)
        }
    }

    // MARK: Venues

    mutating func handleInstructionArrival(venue: Int32, ticket: Int32) {
        venues[Int(venue)].queue.append(ticket)
        venues[Int(venue)].maxQueueDepth = max(venues[Int(venue)].maxQueueDepth, venues[Int(venue)].queue.count)
        if !venues[Int(venue)].busy { startService(venue: venue) }
    }

    mutating func startService(venue: Int32) {
        let serviceNs = venues[Int(venue)].serviceTime.next()
        venues[Int(venue)].busy = true
        venues[Int(venue)].busySinceNs = kernel.now
        kernel.schedule(.serviceComplete(venue: venue), after: serviceNs)
    }

    mutating func handleServiceComplete(venue venueIndex: Int32) {
        let now = kernel.now
        let v = Int(venueIndex)
        let ticketSlot = venues[v].queue.removeFirst()
        venues[v].busy = false
        venues[v].busyNs += now - venues[v].busySinceNs
        venues[v].served += 1
        instructionsServed.record(atNs: now)

        let ticket = tickets[ticketSlot]
        engineEvents.removeAll(keepingCapacity: true)
        var newOrderID: OrderID? = nil
        switch ticket.instruction {
        case .new(let order):
            newOrderID = venues[v].engine.submit(order, events: &engineEvents)
        case .cancel(let id, let participant, _):
            venues[v].engine.cancel(id, participant: participant, events: &engineEvents)
        case .replace(let id, let participant, _, let price, let quantity):
            venues[v].engine.replace(id, price: price, quantity: quantity, participant: participant, events: &engineEvents)
        }
        dispatch(venue: venueIndex, ticketSlot: ticketSlot, ticket: ticket, newOrderID: newOrderID)

        if checkInvariants, venues[v].served % Self.invariantCheckInterval == 0 { runInvariantCheck() }
        if !venues[v].queue.isEmpty { startService(venue: venueIndex) }
    }

    /// Turns the engine's events for one instruction (or phase change) into
    /// messages to the participants concerned.
    mutating func dispatch(venue venueIndex: Int32, ticketSlot: Int32?, ticket: InstructionTicket?, newOrderID: OrderID?) {
        let v = Int(venueIndex)
        let latency = config.oneWayLatencyNs
        var acknowledged = false
        for event in engineEvents {
            switch event {
            case .accepted(let id, _, let participant, _, _, _):
                venues[v].recordOwner(id, participant)
                counts.ordersAccepted += 1
                if let ticketSlot, let ticket, id == newOrderID {
                    acknowledged = true
                    send(.acknowledged(ticket: ticketSlot, order: id, accepted: true), to: ticket.flow, after: latency)
                }
            case .rejected(let id, _, _):
                if let ticketSlot, let ticket {
                    if case .new = ticket.instruction { counts.ordersRejected += 1 } else { counts.instructionsRejected += 1 }
                    acknowledged = true
                    send(.acknowledged(ticket: ticketSlot, order: id, accepted: false), to: ticket.flow, after: latency)
                }
            case .executed(let execution):
                counts.trades += 1
                counts.executedQuantity += execution.quantity.rawValue
                tradesPerSecond.record(atNs: kernel.now)
                let aggressorSentAt: Nanoseconds = (execution.aggressor == newOrderID ? ticket?.sentAtNs : nil) ?? -1
                sendToOwner(execution.aggressorParticipant, .filled(execution.aggressor, remaining: execution.aggressorRemaining, sentAtNs: aggressorSentAt), after: latency)
                sendToOwner(execution.restingParticipant, .filled(execution.resting, remaining: execution.restingRemaining, sentAtNs: -1), after: latency)
            case .cancelled(let id, _, _, let remaining, let reason):
                if reason == .requested, let ticketSlot, let ticket, !acknowledged, case .cancel(id, _, _) = ticket.instruction {
                    acknowledged = true
                    send(.acknowledged(ticket: ticketSlot, order: id, accepted: true), to: ticket.flow, after: latency)
                } else {
                    counts.cancelled += 1
                    sendToOwner(venues[v].owner(of: id), .cancelled(id, remaining: remaining), after: latency)
                }
            case .replaced(let id, _, _, _, _):
                if let ticketSlot, let ticket, !acknowledged {
                    acknowledged = true
                    send(.acknowledged(ticket: ticketSlot, order: id, accepted: true), to: ticket.flow, after: latency)
                }
            case .bookChanged:
                counts.bookChanges += 1
            case .phaseChanged:
                counts.phaseChanges += 1
            }
        }
        precondition(ticketSlot == nil || acknowledged, "the engine answered an instruction with neither an ack nor a reject")
    }

    mutating func send(_ message: ParticipantMessage, to flow: Int32, after delay: Nanoseconds) {
        kernel.schedule(.response(flow: flow, message: message), after: delay)
    }

    mutating func sendToOwner(_ participant: ParticipantID, _ message: ParticipantMessage, after delay: Nanoseconds) {
        let index = Int(participant.rawValue)
        guard index > 0, index < flowOfParticipant.count else { return }
        send(message, to: flowOfParticipant[index], after: delay)
    }

    mutating func handlePhaseChange(_ index: Int32) {
        let target = phaseEventTargets[Int(index)]
        let phase = config.phaseEvents[Int(index)].phase
        engineEvents.removeAll(keepingCapacity: true)
        venues[Int(target.venue)].engine.setPhase(phase, symbol: target.symbol, events: &engineEvents)
        dispatch(venue: target.venue, ticketSlot: nil, ticket: nil, newOrderID: nil)
        if checkInvariants { runInvariantCheck() }
    }

    mutating func runInvariantCheck() {
        for venue in venues {
            for violation in venue.engine.checkInvariants() where invariantViolations.count < 100 {
                invariantViolations.append("\(venue.name) at \(kernel.now) ns: \(violation)")
            }
        }
    }

    func result() -> SimulationResult {
        let elapsed = max(kernel.now, config.durationNs)
        return SimulationResult(
            config: config,
            traceDigest: kernel.digest.hex,
            eventsDelivered: kernel.deliveredCount,
            endTimeNs: kernel.now,
            counts: counts,
            orderToAck: orderToAck,
            orderToFill: orderToFill,
            cancelToAck: cancelToAck,
            instructionsServed: instructionsServed,
            tradesPerSecond: tradesPerSecond,
            venues: venues.map {
                VenueStatistics(
                    name: $0.name, instructionsServed: $0.served, busyNs: $0.busyNs, maxQueueDepth: $0.maxQueueDepth,
                    utilisation: Double($0.busyNs) / Double(elapsed))
            },
            invariantsChecked: checkInvariants,
            invariantViolations: invariantViolations)
    }
}
