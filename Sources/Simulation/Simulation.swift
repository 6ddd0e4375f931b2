import Capture
import Exchange
import Measure
import MatchingEngine
import Network
import OrderFlow
import SimKernel
import Wire

/// A configuration the simulation cannot run (a reference to something that
/// does not exist). Scenario files are validated before this point; this
/// guards configurations built in code.
public struct SimulationConfigError: Error, CustomStringConvertible, Hashable {
    public var description: String
}

/// The simulated world: venues and flows of participants that speak real
/// wire protocols to each other (OUCH 4.2 over SoupBinTCP, FIX 4.2/4.4 for
/// order entry; TotalView-ITCH 5.0 over MoldUDP64 for market data) across a
/// fixed one-way latency, or across the links `SimulationConfig.venueLinks`
/// models (`SimulatedNetwork`), all driven by one discrete-event kernel.
///
/// Single-threaded and deterministic: the same configuration (including the
/// seed) delivers the same events and the same bytes in the same order,
/// which the trace digest in the result proves.
public struct Simulation {
    public let config: SimulationConfig
    public let checkInvariants: Bool

    var kernel = Kernel<SimulationEvent>(reservingCapacity: 1 << 16)
    var venues: [SimulatedVenue]
    var flows: [OrderFlowGenerator]
    /// Participant `id` is at index `id - 1`.
    var participants: [SimulatedParticipant]
    var ouchClients: [OUCHClient] = []
    var fixClients: [FIXClient] = []
    var messages = MessageStore()
    /// Messages scheduled for delivery and not yet delivered.
    var inFlight = 0
    var dayEnded = false
    /// The run stopped at its observation's event limit.
    var cutShort = false
    /// The run stopped because its event tap asked it to.
    var stoppedByTap = false
    /// Messages still queued or in flight when the day had to end.
    var unsettledAtClose = 0
    var phaseEventTargets: [(venue: Int32, symbol: SymbolIndex)]
    /// The venues' modelled links, if the configuration has any.
    var network: SimulatedNetwork
    /// TCP connections given up after every retransmission of a segment was lost.
    var connectionsBroken = 0
    /// Participants' sessions that closed before the day ended.
    var sessionsClosedEarly = 0
    /// Logins again after a connection lost without a reset (`Reconnection.afterLoss`).
    var sessionsReconnected = 0
    /// By venue: the market-data subscriber behind a modelled market-data
    /// link, which rebuilds the books from what arrives and re-requests
    /// what is lost (MoldUDP64); nil where the feed is not modelled.
    var feedSubscribers: [ITCHFeedHandler?] = []
    var subscriberTimers: [SessionTimer] = []
    /// By crash (`SimulationConfig.gatewayCrashes`): its venue, and what it cost.
    var crashVenues: [Int32] = []
    var crashRecords: [GatewayCrashReport] = []
    /// By captured feed (`SimulationConfig.feedReplays`): its venue and its
    /// next message. Its orders trade as `CapturedFeedReplay.participant`.
    var feedReplayVenues: [Int32] = []
    var feedReplayCursors: [Int] = []
    /// Participants from this index on replay captured order-entry sessions
    /// (`SimulationConfig.orderEntryReplays`), one each, in order.
    var firstReplayParticipant = 0
    var replaySessions: [ReplayedSession] = []
    /// By order-entry replay: what its sessions sent and were answered.
    var orderEntryReplayCounts: [OrderEntryReplayCounts] = []
    /// Why a participant is between a lost connection and its next login.
    enum Reconnection: Equatable {
        /// The `index`-th gateway crash cut it off.
        case afterCrash(index: Int32)
        /// Its connection was lost without a reset: TCP gave it up, or its
        /// session timed a silent venue out.
        case afterLoss

        var crash: Int32? { if case .afterCrash(let index) = self { index } else { nil } }
    }

    /// By participant: why it is reconnecting; nil while it is not.
    var reconnecting: [Reconnection?] = []
    /// Participants reconnecting after a crash: the day waits for them.
    var recovering = 0
    /// By participant: how long its next connection attempt waits if the
    /// current one fails, by its flow's `ReconnectBackoff`; back to the
    /// flow's first wait at each login.
    var reconnectWaitNs: [Nanoseconds] = []
    /// By flow: the seeded stream its backoff's jitter draws from.
    var reconnectJitter: [RandomStream] = []
    /// With gateway crashes: by participant, its connection's number (one
    /// more at each reset), and by message slot, the number of the
    /// connection the bytes were written on; bytes of a reset connection
    /// still on the wire are dropped where they arrive.
    let tracksConnectionEpochs: Bool
    var connectionEpochs: [UInt32] = []
    var messageEpochs: [UInt32] = []

    // Scratch reused across events.
    var outputs = GatewayOutputs()
    var clientOutput = ConnectionOutput()
    var clientEvents: [OrderEntryClientEvent] = []

    /// With invariant checks on, one client-side feed handler per venue
    /// rebuilds its books from the ITCH packets it multicasts, and every
    /// check compares them with the venue's own.
    var feedHandlers: [ITCHFeedHandler] = []

    var capture: CaptureWriter? = nil
    var capturedConnections: [CapturedTCPConnection?] = []
    var captureError: String? = nil

    var counts = SimulationCounts()
    var wire = WireStatistics()
    var orderToAck = LatencyRecorder(name: "order→ack")
    var orderToFill = LatencyRecorder(name: "order→fill")
    var cancelToAck = LatencyRecorder(name: "cancel→ack")
    var instructionsServed = ThroughputCounter(name: "instructions")
    var tradesPerSecond = ThroughputCounter(name: "trades")
    var invariantViolations: [String] = []

    /// Venue messages between two full invariant checks when checking is on.
    static let invariantCheckInterval: UInt64 = 50_000
    /// Sequenced messages each simulated SoupBinTCP session keeps for replay.
    /// Only a login reads the store. A client logs in again only after a
    /// gateway crash or a lost connection (`clientsMayReconnect`), to catch
    /// up on what was in flight; every report is copied in, though, and
    /// 16,384 slots per session (128 MiB over 64 sessions) made each copy a
    /// cache miss.
    static let replayStoreMessages = 2_048
    /// The store when no client can reconnect: each logs in once, at the start,
    /// with nothing to catch up on. 64 slots of 128 bytes per session stay
    /// in the cache, where 2,048 made each report's copy a write to cold
    /// memory (2 % of the quickstart's cycles).
    static let replayStoreMessagesWithoutReconnects = 64
    /// The most messages a simulated FIX client keeps for resends when it
    /// may reconnect: 262,144, about 40 MiB at most per session.
    static let fixClientStoreMessages = 1 << 18
    /// How often the end of the day checks whether everything has settled.
    static let closeCheckIntervalNs: Nanoseconds = 1_000

    /// `digestsEngineEvents`: each venue folds its engine events into a
    /// digest (VenueStatistics.engineEventDigest), to compare with a served venue.
    public init(config: SimulationConfig, checkInvariants: Bool = false, digestsEngineEvents: Bool = false)
        throws(SimulationConfigError) {
        if let problem = config.firstProblem { throw SimulationConfigError(description: problem) }
        self.config = config
        self.checkInvariants = checkInvariants

        var venues: [SimulatedVenue] = []
        for (index, venue) in config.venues.enumerated() {
            guard venue.symbols.allSatisfy({ Alpha8($0.name) != nil }) else {
                throw SimulationConfigError(description: "venue '\(venue.name)': symbols must be 1 to 8 ASCII characters")
            }
            let losesSessionState = config.gatewayCrashes.contains { crash in
                crash.venue == venue.name && crash.losesSessionState(standbyTakeoverNs: venue.standbyTakeoverNs)
            }
            venues.append(SimulatedVenue(
                config: venue, index: index, digestsEngineEvents: digestsEngineEvents,
                losesSessionState: losesSessionState,
                random: RandomStream(scenarioSeed: config.seed, component: "venue.\(venue.name).service")))
        }

        var flows: [OrderFlowGenerator] = []
        var participants: [SimulatedParticipant] = []
        var ouchClients: [OUCHClient] = []
        var fixClients: [FIXClient] = []
        var nextParticipant: UInt32 = 1
        for (flowIndex, flow) in config.flows.enumerated() {
            guard let venueIndex = config.venues.firstIndex(where: { $0.name == flow.venue }) else {
                throw SimulationConfigError(description: "flow '\(flow.name)' names unknown venue '\(flow.venue)'")
            }
            let venue = config.venues[venueIndex]
            guard venue.orderEntryProtocols.contains(flow.orderEntryProtocol) else {
                throw SimulationConfigError(description: "flow '\(flow.name)': venue '\(venue.name)' does not accept \(flow.orderEntryProtocol.rawValue)")
            }
            var symbols: [FlowSymbol] = []
            let names = flow.symbols.isEmpty ? venue.symbols.map(\.name) : flow.symbols
            for name in names {
                guard let symbolIndex = venue.symbols.firstIndex(where: { $0.name == name }) else {
                    throw SimulationConfigError(description: "flow '\(flow.name)' names unknown symbol '\(name)' of venue '\(venue.name)'")
                }
                let symbol = venue.symbols[symbolIndex]
                symbols.append(FlowSymbol(index: SymbolIndex(Int32(symbolIndex)), tickSize: symbol.tickSize, referencePrice: symbol.referencePrice,
                                          largestPrice: venue.largestLimitPrice))
            }
            flows.append(OrderFlowGenerator(
                config: flow, symbols: symbols, firstParticipant: nextParticipant,
                random: RandomStream(scenarioSeed: config.seed, component: "flow.\(flow.name)")))
            for _ in 0..<flow.participants {
                let id = ParticipantID(nextParticipant)
                nextParticipant += 1
                participants.append(Self.participant(
                    id: id, flow: Int32(flowIndex), venue: venueIndex, protocol: flow.orderEntryProtocol, config: config,
                    index: participants.count, venues: &venues, ouchClients: &ouchClients, fixClients: &fixClients))
            }
        }
        // Captured order-entry sessions: a participant each, after every flow's.
        let firstReplayParticipant = participants.count
        var replaySessions: [ReplayedSession] = []
        for (replayIndex, replay) in config.orderEntryReplays.enumerated() {
            guard let venueIndex = config.venues.firstIndex(where: { $0.name == replay.venue }) else {
                throw SimulationConfigError(description: "an order-entry replay names unknown venue '\(replay.venue)'")
            }
            for (sessionIndex, session) in replay.sessions.enumerated() {
                guard config.venues[venueIndex].orderEntryProtocols.contains(session.orderEntryProtocol) else {
                    throw SimulationConfigError(description: "a replayed session speaks \(session.orderEntryProtocol.rawValue), which venue '\(replay.venue)' does not accept")
                }
                let id = ParticipantID(nextParticipant)
                nextParticipant += 1
                participants.append(Self.participant(
                    id: id, flow: -1, venue: venueIndex, protocol: session.orderEntryProtocol, config: config,
                    index: participants.count, venues: &venues, ouchClients: &ouchClients, fixClients: &fixClients))
                replaySessions.append(ReplayedSession(replay: Int32(replayIndex), session: Int32(sessionIndex)))
            }
        }
        self.firstReplayParticipant = firstReplayParticipant
        self.replaySessions = replaySessions
        orderEntryReplayCounts = Array(repeating: OrderEntryReplayCounts(), count: config.orderEntryReplays.count)
        self.venues = venues
        if checkInvariants { feedHandlers = venues.map { _ in ITCHFeedHandler() } }
        self.flows = flows
        self.participants = participants
        self.ouchClients = ouchClients
        self.fixClients = fixClients
        network = SimulatedNetwork(config: config, participantVenues: participants.map(\.venue))
        var subscribers: [ITCHFeedHandler?] = []
        for (v, link) in network.marketData.enumerated() {
            guard link != nil else {
                subscribers.append(nil)
                continue
            }
            let feedB = config.venueLinks.first { $0.venue == config.venues[v].name }?.marketDataB
            subscribers.append(ITCHFeedHandler(configuration: .init(
                requestTimeoutNs: Self.subscriberRequestTimeoutNs(roundTripNs: network.feedRoundTripNs(venue: v)),
                feeds: feedB == nil ? 1 : 2, arbitrationWindowNs: feedB?.arbitrationWindowNs ?? 0)))
        }
        feedSubscribers = subscribers
        subscriberTimers = Array(repeating: SessionTimer(), count: venues.count)
        for crash in config.gatewayCrashes {
            guard let v = config.venues.firstIndex(where: { $0.name == crash.venue }) else {
                throw SimulationConfigError(description: "a gateway crash names unknown venue '\(crash.venue)'")
            }
            let takeoverNs = config.venues[v].standbyTakeoverNs
            let byStandby = crash.isTakenOverByStandby(standbyTakeoverNs: takeoverNs)
            let downNs = min(crash.restartAfterNs, takeoverNs ?? crash.restartAfterNs)
            crashVenues.append(Int32(v))
            crashRecords.append(GatewayCrashReport(venue: crash.venue, atNs: crash.atNs, acceptsAgainAtNs: crash.atNs + downNs,
                                                   byStandby: byStandby, silent: crash.silent,
                                                   sessionStateLost: crash.losesSessionState(standbyTakeoverNs: takeoverNs)))
        }
        for replay in config.feedReplays {
            guard let v = config.venues.firstIndex(where: { $0.name == replay.venue }) else {
                throw SimulationConfigError(description: "a feed replay names unknown venue '\(replay.venue)'")
            }
            feedReplayVenues.append(Int32(v))
            feedReplayCursors.append(0)
        }
        reconnecting = Array(repeating: nil, count: participants.count)
        reconnectWaitNs = participants.map { Self.reconnectBackoff(of: $0, config: config).initialNs }
        // Not "flow.<name>.reconnect": a flow named "<name>.reconnect" draws from that.
        reconnectJitter = config.flows.map { RandomStream(scenarioSeed: config.seed, component: "reconnect.\($0.name)") }
        tracksConnectionEpochs = Self.clientsMayReconnect(config)
        connectionEpochs = Array(repeating: 0, count: participants.count)

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

    /// Whether a participant may connect a second time: after a gateway
    /// crash, or after a modelled order-entry link broke its connection.
    public static func clientsMayReconnect(_ config: SimulationConfig) -> Bool {
        !config.gatewayCrashes.isEmpty || config.venueLinks.contains { $0.orderEntry != nil }
    }

    enum ClientSession {
        case ouch(SoupBinTCPClientSession.Configuration)
        case fix(FIXSessionConfiguration)
    }

    /// The two ends of a participant's order-entry session. Credentials are
    /// derived from the participant number (username "P" + number).
    /// A participant of `flow` (-1: a replayed session) with its connection
    /// at the venue and its order-entry client.
    static func participant(
        id: ParticipantID, flow: Int32, venue venueIndex: Int, protocol: OrderEntryProtocol, config: SimulationConfig, index: Int,
        venues: inout [SimulatedVenue], ouchClients: inout [OUCHClient], fixClients: inout [FIXClient]
    ) -> SimulatedParticipant {
        let sessions = Self.sessions(for: id, venue: config.venues[venueIndex], protocol: `protocol`,
                                     reconnects: Self.clientsMayReconnect(config))
        let connection = venues[venueIndex].gateway.addConnection(sessions.port, participant: id)
        venues[venueIndex].participantOfConnection.append(Int32(index))
        let client: SimulatedParticipant.Client
        let directory = venues[venueIndex].gateway.directory
        switch sessions.client {
        case .ouch(let configuration):
            client = .ouch(ouchClients.count)
            // A client that may reconnect sends again what a lost
            // connection may have swallowed (OUCHClient).
            ouchClients.append(OUCHClient(directory: directory, session: configuration,
                                          resendsUnanswered: Self.clientsMayReconnect(config)))
        case .fix(let configuration):
            client = .fix(fixClients.count)
            // Its venue's ResendRequest recovers what a lost connection
            // swallowed, unless the venue lost its state: then the client
            // sends it again itself, PossResend=Y (FIXClient).
            fixClients.append(FIXClient(directory: directory, session: configuration,
                                        resendsUnanswered: Self.clientsMayReconnect(config)))
        }
        return SimulatedParticipant(id: id, flow: flow, venue: Int32(venueIndex), connection: connection, client: client)
    }

    static func sessions(for id: ParticipantID, venue: VenueConfig, protocol: OrderEntryProtocol, reconnects: Bool)
        -> (port: VenueGateway.PortKind, client: ClientSession)
    {
        let user = "P" + String(id.rawValue, radix: 36, uppercase: true)
        switch `protocol` {
        case .ouch42:
            let username = SoupBinTCPUsername(user)!
            let password = SoupBinTCPPassword("exsim")!
            let session = SoupBinTCPSessionName(String(venue.name.prefix(10)))!
            // A simulated client reconnects only after a gateway crash or a lost
            // connection, so the replay store only needs to cover a login's catch-up; the default
            // (131,072 messages of 128 bytes per session) would cost a
            // gigabyte at 64 sessions.
            return (.ouch42(.init(session: session, username: username, password: password,
                                  storedMessageLimit: reconnects ? Self.replayStoreMessages
                                      : Self.replayStoreMessagesWithoutReconnects)),
                    .ouch(.init(username: username, password: password)))
        case .fix42, .fix44:
            let version: FIXVersion = `protocol` == .fix42 ? .fix42 : .fix44
            let venueID = FIXString(venue.name)!
            let participantID = FIXString(user)!
            var client = FIXSessionConfiguration(role: .initiator, version: version, senderCompID: participantID,
                                                 targetCompID: venueID, password: "exsim")
            if reconnects {
                // As a real engine's file store does, a client that may
                // reconnect keeps what it sent, so that the venue's
                // ResendRequest after a crash finds every order written into
                // the dead connection (72 s of them, when only the session's
                // timeout finds a dead host). The store grows as it fills.
                client.outboundStoreCapacityMessages = Self.fixClientStoreMessages
                client.outboundStoreInitialMessages = 1_024
            }
            return (.fix(FIXSessionConfiguration(role: .acceptor, version: version, senderCompID: venueID,
                                                 targetCompID: participantID, password: "exsim")),
                    .fix(client))
        }
    }

    /// Runs until every flow has stopped (at the configured duration), every
    /// message in flight has been delivered and the venues have closed their
    /// sessions. With `capture`, every message and feed packet is also
    /// written to it as seen at the venues' network interfaces.
    public mutating func run(capture: CaptureWriter? = nil, observation: RunObservation = RunObservation()) -> SimulationResult {
        var tap = UntappedEvents()
        return run(capture: capture, observation: observation, tap: &tap)
    }

    /// `run`, handing every delivered event to `tap` (`exsim run --twice`).
    /// Generic so that the untapped run is specialised with no tap at all:
    /// the normal run's loop is the same machine code as before taps.
    mutating func run<Tap: EventTap>(capture: CaptureWriter?, observation: RunObservation, tap: inout Tap) -> SimulationResult {
        self.capture = capture
        capturedConnections = Array(repeating: nil, count: participants.count)
        // Every message crosses the network after the same latency.
        kernel.deliverInOrder(afterDelay: config.oneWayLatencyNs)
        for index in venues.indices {
            venues[index].gateway.open(nowNs: 0, outputs: &outputs)
            carryOut(venue: Int32(index))
        }
        for index in participants.indices {
            openConnection(Int32(index))
        }
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
        for (link, faulted) in network.faultedLinks.enumerated() {
            for (index, transition) in faulted.schedule.transitions.enumerated() {
                kernel.schedule(.linkFault(link: Int32(link), transition: Int32(index)), at: transition.atNs)
            }
        }
        for (index, crash) in config.gatewayCrashes.enumerated() {
            kernel.schedule(.gatewayCrash(venue: crashVenues[index], index: Int32(index)), at: crash.atNs)
        }
        for (index, replay) in config.feedReplays.enumerated() {
            if let first = replay.messages.timesNs.first, first < config.durationNs {
                kernel.schedule(.feedReplay(replay: Int32(index)), at: first)
            }
        }
        for (offset, replayed) in replaySessions.enumerated() {
            let session = config.orderEntryReplays[Int(replayed.replay)].sessions[Int(replayed.session)]
            if let first = session.timesNs.first, first < config.durationNs {
                kernel.schedule(.orderEntryReplay(participant: Int32(firstReplayParticipant + offset)), at: first)
            }
        }
        kernel.schedule(.closeCheck, at: config.durationNs)

        let checkMask = observation.interval - 1
        let watched = observation.observe != nil || observation.eventLimit != nil
        while let event = kernel.next() {
            if watched, kernel.deliveredCount & checkMask == 0 {
                observation.observe?(progress())
                if let limit = observation.eventLimit, kernel.deliveredCount >= limit {
                    cutShort = true
                    break
                }
            }
            if Tap.isActive {
                switch tap.delivered(event, index: kernel.deliveredCount, timeNs: kernel.now, digestWord: kernel.digest.stateWord) {
                case .proceed: break
                case .stop:
                    cutShort = true
                    stoppedByTap = true
                case .perturb:
                    kernel.recordInTrace(EventTapVerdict.perturbationWord)
                }
                if stoppedByTap { break }
            }
            switch event {
            case .flowArrival(let flow): handleFlowArrival(flow)
            case .toVenue(let participant, let message): handleArrivalAtVenue(participant, message)
            case .serviceComplete(let venue): handleServiceComplete(venue: venue)
            case .toParticipant(let participant, let message): handleArrivalAtParticipant(participant, message)
            case .clientTimer(let participant): handleClientTimer(participant)
            case .portTimer(let participant): handlePortTimer(participant)
            case .feedTimer(let venue): handleFeedTimer(venue)
            case .phaseChange(let index): handlePhaseChange(index)
            case .closeCheck: handleCloseCheck()
            case .feedToSubscriber(let venue, let message): handleFeedAtSubscriber(venue, message, feed: 0)
            case .feedBToSubscriber(let venue, let message): handleFeedAtSubscriber(venue, message, feed: 1)
            case .feedRequestToVenue(let venue, let message): handleFeedRequestAtVenue(venue, message)
            case .subscriberTimer(let venue): handleSubscriberTimer(venue)
            case .gatewayCrash(let venue, let index): handleGatewayCrash(venue: venue, index: index)
            case .connectionReset(let participant): handleConnectionReset(participant)
            case .reconnectAttempt(let participant): handleReconnectAttempt(participant)
            case .connectAtVenue(let participant): handleConnectAtVenue(participant)
            case .feedReplay(let replay): handleFeedReplay(replay)
            case .orderEntryReplay(let participant): handleOrderEntryReplay(participant)
            case .linkFault(let link, let transition):
                let isDown = network.faultedLinks[Int(link)].schedule.transitions[Int(transition)].isDown
                network.markTransition(link: Int(link), isDown: isDown, at: kernel.now)
            }
        }

        // A run stopped in mid-flight has books with packets still on the
        // way: comparing them would report differences that are not faults.
        if checkInvariants && !stoppedByTap {
            runInvariantCheck()
            checkSubscribers()
        }
        if let capture {
            do {
                try capture.finish()
            } catch {
                if captureError == nil { captureError = error.description }
            }
        }
        self.capture = nil
        return result()
    }

    func progress() -> RunProgress {
        RunProgress(simulatedNs: kernel.now, eventsDelivered: kernel.deliveredCount, pendingEvents: kernel.pendingCount,
                    venueQueueDepths: venues.map(\.queue.count))
    }

    // MARK: Participants

    mutating func openConnection(_ participant: Int32) {
        let p = Int(participant)
        let venue = Int(participants[p].venue)
        if let capture {
            do {
                capturedConnections[p] = try capture.openTCP(
                    atNs: kernel.now, client: Self.participantHost(participant), clientPort: Self.participantPort(participant),
                    server: Self.venueHost(Int32(venue)), serverPort: Self.venuePort(for: participants[p].client))
            } catch {
                captureFailed(error)
            }
        }
        venues[venue].gateway.connectionOpened(participants[p].connection, nowNs: kernel.now, outputs: &outputs)
        carryOut(venue: Int32(venue))
        switch participants[p].client {
        case .ouch(let index): ouchClients[index].connectionOpened(nowNs: kernel.now, output: &clientOutput)
        case .fix(let index): fixClients[index].connectionOpened(nowNs: kernel.now, output: &clientOutput)
        }
        carryOutClient(participant)
    }

    mutating func handleFlowArrival(_ flow: Int32) {
        let now = kernel.now
        let instruction = flows[Int(flow)].nextInstruction(now: now)
        let participant = Int32(instruction.participant.rawValue) - 1
        if participants[Int(participant)].loggedIn {
            send(instruction, from: participant)
        } else if participants[Int(participant)].waiting.count < SimulatedParticipant.waitingLimit {
            participants[Int(participant)].waiting.append(instruction)
        } else {
            counts.instructionsNotSent += 1
        }
        let next = now + flows[Int(flow)].nextInterarrivalNs()
        if next < config.durationNs {
            kernel.schedule(.flowArrival(flow: flow), at: next)
        }
    }

    /// Turns a flow's instruction into an order-entry request and sends it.
    mutating func send(_ instruction: FlowInstruction, from participant: Int32) {
        let p = Int(participant)
        let now = kernel.now
        let request: OrderEntryRequest
        switch instruction {
        case .new(let order):
            traceNewOrder(side: order.side, type: order.type, timeInForce: order.timeInForce, symbol: order.symbol,
                          price: order.price, quantity: order.quantity, participant: order.participant)
            let (clientID, number) = participants[p].takeClientOrderID()
            participants[p].orders.update(number) {
                $0.pendingNew = .init(sentAtNs: now, symbol: order.symbol, side: order.side, type: order.type,
                                      timeInForce: order.timeInForce, price: order.price)
            }
            counts.ordersSent += 1
            request = .new(NewOrderRequest(
                clientID: clientID, symbol: order.symbol, side: order.side, type: order.type,
                timeInForce: order.timeInForce, price: order.price, quantity: order.quantity, postOnly: order.postOnly))
        case .cancel(let id, let reference, _, _):
            kernel.recordInTrace(1 << 63 | id.rawValue)
            guard participants[p].orders.order(reference) == id else {
                counts.instructionsNotSent += 1
                return
            }
            participants[p].orders.update(reference) { $0.pendingCancelSentAtNs = now }
            counts.cancelsSent += 1
            request = .cancel(target: participants[p].clientOrderID(reference), requestID: nil, newOpenQuantity: .zero)
        case .replace(let id, let reference, _, _, let price, let quantity):
            kernel.recordInTrace(1 << 62 | id.rawValue)
            kernel.recordInTrace(UInt64(bitPattern: price.rawValue) ^ UInt64(bitPattern: quantity.rawValue) << 40)
            guard participants[p].orders.order(reference) == id else {
                counts.instructionsNotSent += 1
                return
            }
            let (replacement, number) = participants[p].takeClientOrderID()
            participants[p].orders.update(number) { $0.pendingReplace = (now, reference) }
            counts.replacesSent += 1
            request = .replace(target: participants[p].clientOrderID(reference), replacementID: replacement,
                               price: price, quantity: quantity, quantityIncludesExecuted: false)
        }
        sendThroughClient(request, from: participant)
    }

    /// A new order's fields into the trace, as every participant's new
    /// order, generated or replayed, contributes them.
    @inline(__always)
    mutating func traceNewOrder(side: Side, type: OrderType, timeInForce: TimeInForce, symbol: SymbolIndex, price: Price,
                                quantity: Quantity, participant: ParticipantID) {
        kernel.recordInTrace(UInt64(side.rawValue) << 48 | UInt64(type.rawValue) << 40 | UInt64(timeInForce.rawValue) << 32 | UInt64(UInt32(bitPattern: symbol.rawValue)))
        kernel.recordInTrace(UInt64(bitPattern: price.rawValue))
        kernel.recordInTrace(UInt64(bitPattern: quantity.rawValue) << 32 | UInt64(participant.rawValue))
    }

    /// Hands a request to the participant's order-entry client and sends what it wrote.
    @inline(__always)
    mutating func sendThroughClient(_ request: OrderEntryRequest, from participant: Int32) {
        switch participants[Int(participant)].client {
        case .ouch(let index): ouchClients[index].send(request, nowNs: kernel.now, output: &clientOutput)
        case .fix(let index): fixClients[index].send(request, nowNs: kernel.now, output: &clientOutput)
        }
        carryOutClient(participant)
    }

    mutating func handleArrivalAtParticipant(_ participant: Int32, _ message: Int32) {
        inFlight -= 1
        if tracksConnectionEpochs, isStale(message, participant: Int(participant)) {
            // Sent on a connection that has since been reset.
            messages.release(message)
            return
        }
        let bytes = messages.bytes(of: message)
        kernel.recordInTrace(MessageStore.fingerprint(bytes))
        let p = Int(participant)
        clientEvents.removeAllReusingCapacity()
        switch participants[p].client {
        case .ouch(let index): ouchClients[index].received(bytes, nowNs: kernel.now, events: &clientEvents, output: &clientOutput)
        case .fix(let index): fixClients[index].received(bytes, nowNs: kernel.now, events: &clientEvents, output: &clientOutput)
        }
        messages.release(message)
        // By index, as `handle` writes to `self`: `for … in` would copy the list.
        for index in clientEvents.indices { handle(clientEvents[index], participant: participant) }
        carryOutClient(participant)
    }

    mutating func handle(_ event: OrderEntryClientEvent, participant: Int32) {
        let p = Int(participant)
        if p >= firstReplayParticipant, !event.isLogin {
            handleReplayed(event, participant: participant)
            return
        }
        let flow = Int(participants[p].flow)
        let now = kernel.now
        switch event {
        case .loggedIn:
            participants[p].loggedIn = true
            switch reconnecting[p] {
            case .afterCrash(let crash):
                recovering -= 1
                crashRecords[Int(crash)].sessionsRecovered += 1
                crashRecords[Int(crash)].lastLoginNs = max(crashRecords[Int(crash)].lastLoginNs ?? now, now)
            case .afterLoss:
                sessionsReconnected += 1
            case nil:
                break
            }
            reconnecting[p] = nil
            reconnectWaitNs[p] = Self.reconnectBackoff(of: participants[p], config: config).initialNs
            if p >= firstReplayParticipant {
                sendWaitingCapturedRequests(participant)
                return
            }
            let waiting = participants[p].waiting
            participants[p].waiting = []
            for instruction in waiting { send(instruction, from: participant) }

        case .accepted(let clientID, let order, let open):
            // One update: an id left with nothing pending may have its page
            // recycled at once, so it cannot be given the order afterwards.
            guard let number = participants[p].number(of: clientID),
                  let pending = participants[p].orders.update(number, { state -> ClientOrderState.PendingNew? in
                      guard let pending = state.pendingNew else { return nil }
                      state.pendingNew = nil
                      if open.rawValue > 0, pending.type == .limit,
                         pending.timeInForce == .day || pending.timeInForce == .goodTillCancel {
                          state.order = order
                      }
                      return pending
                  })
            else { return }
            orderToAck.record(now - pending.sentAtNs)
            counts.ordersAccepted += 1
            participants[p].noteAcknowledged(clientID, sentAtNs: pending.sentAtNs, nowNs: now)
            if open.rawValue > 0, pending.type == .limit, pending.timeInForce == .day || pending.timeInForce == .goodTillCancel {
                flows[flow].orderOpened(order, reference: number, participant: participants[p].id, symbol: pending.symbol,
                                        side: pending.side, price: pending.price, quantity: open)
            }

        case .rejected(let clientID):
            guard let number = participants[p].number(of: clientID) else { return }
            let (pendingNew, pendingReplace) = participants[p].orders.update(number) { state in
                defer {
                    if state.pendingNew != nil { state.pendingNew = nil } else { state.pendingReplace = nil }
                }
                return (state.pendingNew, state.pendingReplace)
            }
            if let pending = pendingNew {
                orderToAck.record(now - pending.sentAtNs)
                counts.ordersRejected += 1
            } else if let replace = pendingReplace {
                replaceRefused(replace.previous, participant: participant)
            }

        case .executed(let clientID, _, _, let open):
            if let sentAtNs = participants[p].sentAtIfJustAcknowledged(clientID, nowNs: now) {
                orderToFill.record(now - sentAtNs)
            }
            if let number = participants[p].number(of: clientID), let order = participants[p].orders.order(number) {
                flows[flow].orderOpenQuantityChanged(order, to: open)
                if open.rawValue == 0 { participants[p].forget(number) }
            }

        case .cancelled(let clientID, let open):
            let number = participants[p].number(of: clientID)
            let cancelSentAtNs = number.flatMap { number in
                participants[p].orders.update(number) { state in
                    defer { state.pendingCancelSentAtNs = nil }
                    return state.pendingCancelSentAtNs
                }
            }
            if let sentAtNs = cancelSentAtNs {
                cancelToAck.record(now - sentAtNs)
            } else {
                counts.cancelled += 1
            }
            if let number, let order = participants[p].orders.order(number) {
                flows[flow].orderOpenQuantityChanged(order, to: open)
                if open.rawValue == 0 { participants[p].forget(number) }
            }

        case .replaced(let clientID, let previous, _):
            guard let number = participants[p].number(of: clientID) else { return }
            let order = participants[p].number(of: previous).flatMap { previousNumber in
                participants[p].orders.update(previousNumber) { state in
                    defer { state.order = nil }
                    return state.order
                }
            }
            participants[p].orders.update(number) { state in
                state.pendingReplace = nil
                if let order { state.order = order }
            }
            if let order { flows[flow].orderReferenceChanged(order, to: number) }

        case .cancelRejected(let clientID):
            guard let number = participants[p].number(of: clientID) else { return }
            let (cancelSentAtNs, pendingReplace) = participants[p].orders.update(number) { state in
                defer {
                    if state.pendingCancelSentAtNs != nil { state.pendingCancelSentAtNs = nil } else { state.pendingReplace = nil }
                }
                return (state.pendingCancelSentAtNs, state.pendingReplace)
            }
            if let sentAtNs = cancelSentAtNs {
                cancelToAck.record(now - sentAtNs)
                counts.instructionsRejected += 1
            } else if let replace = pendingReplace {
                replaceRefused(replace.previous, participant: participant)
            }

        case .disconnected:
            // Counted where the close is carried out (`carryOutClient`),
            // which also sees the closes a session's own timer decides.
            participants[p].loggedIn = false
        }
    }

    /// A refused replace usually means the order had already left the book;
    /// the flow stops counting on it.
    mutating func replaceRefused(_ previous: UInt64, participant: Int32) {
        let p = Int(participant)
        counts.instructionsRejected += 1
        if let order = participants[p].orders.order(previous) {
            flows[Int(participants[p].flow)].orderClosed(order)
            participants[p].forget(previous)
        }
    }

    mutating func handleClientTimer(_ participant: Int32) {
        let p = Int(participant)
        guard participants[p].clientTimer.fired(event: .clientTimer(participant: participant), kernel: &kernel) else { return }
        switch participants[p].client {
        case .ouch(let index): ouchClients[index].timerFired(nowNs: kernel.now, output: &clientOutput)
        case .fix(let index): fixClients[index].timerFired(nowNs: kernel.now, output: &clientOutput)
        }
        carryOutClient(participant)
    }

    /// Sends what a participant's client wrote and arms its timer.
    mutating func carryOutClient(_ participant: Int32) {
        let p = Int(participant)
        defer { clientOutput.removeAll() }
        if !clientOutput.bytes.isEmpty, participants[p].connected {
            wire.messagesToVenues += UInt64(clientOutput.messageCount)
            wire.bytesToVenues += UInt64(clientOutput.bytes.count)
            let venue = Int(participants[p].venue)
            if network.modelsOrderEntry(venue: venue) {
                if let atNs = network.sendToVenue(participant: p, venue: venue, payloadBytes: clientOutput.bytes.count, at: kernel.now) {
                    let slot = clientOutput.bytes.withUnsafeBytes { messages.store($0) }
                    inFlight += 1
                    if tracksConnectionEpochs { noteEpoch(of: slot, participant: p) }
                    kernel.schedule(.toVenue(participant: participant, message: slot), at: atNs)
                } else {
                    connectionBroke(participant)
                }
            } else {
                let slot = clientOutput.bytes.withUnsafeBytes { messages.store($0) }
                inFlight += 1
                if tracksConnectionEpochs { noteEpoch(of: slot, participant: p) }
                kernel.schedule(.toVenue(participant: participant, message: slot), after: config.oneWayLatencyNs)
            }
        }
        // Not for a connection given up on the way (`connectionBroke`): its
        // client waits for the next one.
        if let atNs = clientOutput.timerAtNs, !dayEnded, participants[p].connected {
            participants[p].clientTimer.arm(atNs: atNs, event: .clientTimer(participant: participant), kernel: &kernel)
        }
        if clientOutput.closeReason != nil {
            // A protocol fault, or the peer silent past the session's
            // timeout (its timer closes it: a link down long enough breaks it).
            let closedEarly = participants[p].connected && !dayEnded
            participants[p].connected = false
            participants[p].loggedIn = false
            if closedEarly {
                sessionsClosedEarly += 1
                // After a pause: a session the venue refused (a login it will
                // not take) must not come straight back, once per round trip.
                connectionLost(participant, reconnectAfterNs: waitAfterFailedAttempt(p))
            }
        }
    }

    /// Every retransmission of a segment was lost: the participant's end
    /// gives the connection up and sends nothing more on it, and the venue
    /// hears nothing more from it (its session times out on its own).
    mutating func connectionBroke(_ participant: Int32) {
        let p = Int(participant)
        guard participants[p].connected else { return }
        connectionsBroken += 1
        participants[p].connected = false
        participants[p].loggedIn = false
        // The break is known when the segment is sent; the participant's TCP
        // finds out when it has retried for as long as it does.
        connectionLost(participant, reconnectAfterNs: network.giveUpAfterNs(participant: p))
    }

    /// The participant's end lost its connection with no reset from the
    /// venue: TCP gave it up, or the session's timer heard nothing from the
    /// venue for its timeout (a link down that long, or a venue host that
    /// died without a word). It drops the connection and connects again,
    /// as after a reset; the venue's end of the old connection, if still
    /// open, gives way to the new one when it arrives.
    mutating func connectionLost(_ participant: Int32, reconnectAfterNs: Nanoseconds) {
        guard !dayEnded else { return }
        let p = Int(participant)
        // Cut off by a crash already: its recovery is the crash's.
        if reconnecting[p] == nil { reconnecting[p] = .afterLoss }
        dropConnection(participant)
        kernel.schedule(.reconnectAttempt(participant: participant), after: reconnectAfterNs)
    }

    // MARK: Gateway crashes

    /// The venue's gateway process dies: every connection to it is reset
    /// (its peers hear of it one way later), what it had not served is
    /// lost, and its sessions wait, with their state, for their next login.
    mutating func handleGatewayCrash(venue venueIndex: Int32, index: Int32) {
        let v = Int(venueIndex)
        let silent = config.gatewayCrashes[Int(index)].silent
        for p in participants.indices where participants[p].venue == venueIndex && !venues[v].gateway.isClosed(participants[p].connection) {
            venues[v].gateway.connectionClosed(participants[p].connection)
            crashRecords[Int(index)].sessionsReset += 1
            // Still coming back from an earlier crash: now from this one.
            if reconnecting[p]?.crash == nil { recovering += 1 }
            reconnecting[p] = .afterCrash(index: index)
            // A dead host sends no reset: the participant finds out when its
            // session times the silence out (`connectionLost`).
            if !silent { kernel.schedule(.connectionReset(participant: Int32(p)), after: oneWayDelayNs(venue: v, toVenue: false)) }
        }
        // Whoever takes the connections again finds no session state: the
        // sessions start again, the books stay.
        if crashRecords[Int(index)].sessionStateLost { venues[v].gateway.loseSessionState() }
    }

    /// The reset reaches the participant: it drops the connection and tries
    /// to connect again at once.
    mutating func handleConnectionReset(_ participant: Int32) {
        dropConnection(participant)
        handleReconnectAttempt(participant)
    }

    /// The participant's end of its connection goes: the client's session,
    /// its timer, its TCP streams, and the bytes still on the wire.
    mutating func dropConnection(_ participant: Int32) {
        let p = Int(participant)
        switch participants[p].client {
        case .ouch(let index): ouchClients[index].connectionClosed()
        case .fix(let index): fixClients[index].connectionClosed()
        }
        participants[p].clientTimer.disarm(kernel: &kernel)
        participants[p].connected = false
        participants[p].loggedIn = false
        connectionEpochs[p] &+= 1
        network.resetConnection(participant: p)
        if let capture, var captured = capturedConnections[p] {
            do {
                try capture.closeTCP(&captured, atNs: kernel.now, byClient: false)
            } catch {
                captureFailed(error)
            }
            capturedConnections[p] = nil
        }
    }

    /// A connection attempt travels to the venue.
    mutating func handleReconnectAttempt(_ participant: Int32) {
        let p = Int(participant)
        // The day's sessions are over: nobody reconnects to a closed venue.
        guard !dayEnded else { return }
        if let crash = reconnecting[p]?.crash { crashRecords[Int(crash)].connectionAttempts += 1 }
        let v = Int(participants[p].venue)
        // Over a modelled path that is cut off, the attempt is lost; the
        // participant tries again after its backoff's wait.
        guard !network.orderEntryPathIsDown(venue: v, at: kernel.now) else {
            kernel.schedule(.reconnectAttempt(participant: participant), after: waitAfterFailedAttempt(p))
            return
        }
        kernel.schedule(.connectAtVenue(participant: participant), after: oneWayDelayNs(venue: v, toVenue: true))
    }

    /// The attempt reaches the venue: a gateway that is up (restarted, or
    /// its standby) takes the connection, and the session's login follows;
    /// one that is down refuses it, and the participant tries again once
    /// the refusal is back and its backoff's wait is over.
    mutating func handleConnectAtVenue(_ participant: Int32) {
        let p = Int(participant)
        let v = Int(participants[p].venue)
        guard !dayEnded else { return }
        // Refused from a crash until the restart, or the standby's takeover.
        let refusing = crashRecords.indices.contains {
            crashVenues[$0] == Int32(v) && crashRecords[$0].atNs <= kernel.now && kernel.now < crashRecords[$0].acceptsAgainAtNs
        }
        guard !refusing else {
            kernel.schedule(.reconnectAttempt(participant: participant), after: oneWayDelayNs(venue: v, toVenue: false) + waitAfterFailedAttempt(p))
            return
        }
        // The venue's end of a connection lost without a reset may still
        // be open: the new connection takes the session over from it.
        let connection = participants[p].connection
        if !venues[v].gateway.isClosed(connection) { venues[v].gateway.connectionClosed(connection) }
        participants[p].connected = true
        openConnection(participant)
    }

    mutating func noteEpoch(of slot: Int32, participant p: Int) {
        let index = Int(slot)
        if index >= messageEpochs.count { messageEpochs += repeatElement(0, count: index + 1 - messageEpochs.count + 1_024) }
        messageEpochs[index] = connectionEpochs[p]
    }

    func isStale(_ slot: Int32, participant p: Int) -> Bool { messageEpochs[Int(slot)] != connectionEpochs[p] }

    /// A participant's reconnect backoff: its flow's; a replayed session's is
    /// the default, once a millisecond, which draws nothing.
    static func reconnectBackoff(of participant: SimulatedParticipant, config: SimulationConfig) -> ReconnectBackoff {
        participant.flow >= 0 ? config.flows[Int(participant.flow)].reconnect : .everyMillisecond
    }

    /// How long a participant waits, after an attempt to connect that
    /// failed, before its next: its flow's backoff, which grows with each
    /// failure until a login. Draws from the flow's stream only with jitter,
    /// so that runs without it keep their digests.
    mutating func waitAfterFailedAttempt(_ p: Int) -> Nanoseconds {
        let flow = Int(participants[p].flow)
        let backoff = Self.reconnectBackoff(of: participants[p], config: config)
        let waitNs = reconnectWaitNs[p]
        reconnectWaitNs[p] = backoff.next(after: waitNs)
        return backoff.isJittered ? backoff.jittered(waitNs, draw: reconnectJitter[flow].next()) : waitNs
    }

    /// A connection attempt (`toVenue`) or a reset or refusal from the
    /// venue, sent now, crosses the order-entry path's propagation delay
    /// that way (a shared link's included, the backup's once the route has
    /// moved to it), or the fixed one-way latency.
    func oneWayDelayNs(venue: Int, toVenue: Bool) -> Nanoseconds {
        network.modelsOrderEntry(venue: venue)
            ? network.orderEntryPropagationNs(venue: venue, toVenue: toVenue, at: kernel.now) : config.oneWayLatencyNs
    }

    // MARK: Venues

    mutating func handleArrivalAtVenue(_ participant: Int32, _ message: Int32) {
        inFlight -= 1
        let p = Int(participant)
        let venue = Int(participants[p].venue)
        guard !venues[venue].gateway.isClosed(participants[p].connection),
              !tracksConnectionEpochs || !isStale(message, participant: p) else {
            messages.release(message)
            return
        }
        if capture != nil {
            captureTCP(p, fromClient: true, messages.bytes(of: message))
        }
        if venues[venue].enqueue(.init(participant: participant, message: message, arrivedNs: kernel.now)) {
            startService(venue: Int32(venue))
        }
    }

    mutating func startService(venue: Int32) {
        let serviceNs = venues[Int(venue)].serviceTime.next()
        venues[Int(venue)].beginService(atNs: kernel.now)
        kernel.schedule(.serviceComplete(venue: venue), after: serviceNs)
    }

    mutating func handleServiceComplete(venue venueIndex: Int32) {
        let now = kernel.now
        let v = Int(venueIndex)
        let inbound = venues[v].queue.removeFirst()
        venues[v].busy = false
        venues[v].busyNs += now - venues[v].busySinceNs
        venues[v].served += 1
        instructionsServed.record(atNs: now)

        let trades = venues[v].gateway.statistics.trades
        let bytes = messages.bytes(of: inbound.message)
        kernel.recordInTrace(MessageStore.fingerprint(bytes))
        let connection = participants[Int(inbound.participant)].connection
        venues[v].gateway.received(bytes, on: connection, nowNs: now, outputs: &outputs)
        messages.release(inbound.message)
        for _ in trades..<venues[v].gateway.statistics.trades { tradesPerSecond.record(atNs: now) }
        carryOut(venue: venueIndex)

        if checkInvariants, venues[v].served % Self.invariantCheckInterval == 0 { runInvariantCheck() }
        if !venues[v].queue.isEmpty { startService(venue: venueIndex) }
    }

    /// Sends what a venue's gateway wrote: bytes to participants, packets to
    /// the feed, timers.
    mutating func carryOut(venue venueIndex: Int32) {
        let v = Int(venueIndex)
        let now = kernel.now
        // Counted here and noted once: each write to `venues[v]` costs a uniqueness check.
        var fixedLatencyWrites: UInt64 = 0
        // By index: `for … in` would copy the list (a retain and a release
        // per call), as the loop body writes to `self`.
        for touchedIndex in outputs.touched.indices {
            let connection = outputs.touched[touchedIndex]
            let participant = venues[v].participantOfConnection[Int(connection)]
            let p = Int(participant)
            // Fields are read one by one: a copy of the whole output costs
            // retains and releases for nothing.
            let byteCount = outputs.connections[Int(connection)].bytes.count
            if byteCount > 0, participants[p].connected {
                wire.messagesFromVenues += UInt64(outputs.connections[Int(connection)].messageCount)
                wire.bytesFromVenues += UInt64(byteCount)
                if capture != nil {
                    outputs.connections[Int(connection)].bytes.withUnsafeBytes { bytes in captureTCP(p, fromClient: false, bytes) }
                }
                if network.modelsOrderEntry(venue: v) {
                    if let atNs = network.sendFromVenue(participant: p, venue: v, payloadBytes: byteCount, at: now) {
                        let slot = outputs.connections[Int(connection)].bytes.withUnsafeBytes { messages.store($0) }
                        inFlight += 1
                        if tracksConnectionEpochs { noteEpoch(of: slot, participant: p) }
                        kernel.schedule(.toParticipant(participant: participant, message: slot), at: atNs)
                    } else {
                        connectionBroke(participant)
                    }
                } else {
                    let slot = outputs.connections[Int(connection)].bytes.withUnsafeBytes { messages.store($0) }
                    inFlight += 1
                    fixedLatencyWrites += 1
                    if tracksConnectionEpochs { noteEpoch(of: slot, participant: p) }
                    kernel.schedule(.toParticipant(participant: participant, message: slot), after: config.oneWayLatencyNs)
                }
            }
            if let atNs = outputs.connections[Int(connection)].timerAtNs, !dayEnded {
                participants[p].portTimer.arm(atNs: atNs, event: .portTimer(participant: participant), kernel: &kernel)
            }
            if outputs.connections[Int(connection)].closeReason != nil, let capture, var captured = capturedConnections[p] {
                do {
                    try capture.closeTCP(&captured, atNs: now, byClient: false)
                } catch {
                    captureFailed(error)
                }
                capturedConnections[p] = nil
            }
        }
        if fixedLatencyWrites > 0 { venues[v].writesOut += fixedLatencyWrites }
        for packetIndex in outputs.feedPackets.indices {
            let packet = outputs.feedPackets[packetIndex]
            wire.feedPackets += 1
            wire.feedBytes += UInt64(packet.count)
            if network.modelsMarketData(venue: v) {
                packet.withUnsafeBytes { sendToSubscriber($0, venue: venueIndex) }
                if network.hasFeedB(venue: v) { packet.withUnsafeBytes { sendToSubscriber($0, venue: venueIndex, feed: 1) } }
            }
            if !feedHandlers.isEmpty {
                // The check's receiver reads the venue's own multicast, before
                // any link: nothing is lost on the way, so it asks for nothing.
                _ = packet.withUnsafeBytes { feedHandlers[v].received($0, nowNs: now) }
            }
            if let capture {
                do {
                    try capture.udp(atNs: now, from: Self.venueHost(venueIndex), port: Self.feedSourcePort,
                                    to: Self.feedGroup(venueIndex), port: Self.feedPort, payload: packet)
                } catch {
                    captureFailed(error)
                }
            }
        }
        // Answers to a subscriber's re-requests go back over the same link.
        for packet in outputs.feedRetransmissions {
            packet.withUnsafeBytes { sendToSubscriber($0, venue: venueIndex) }
        }
        if let atNs = outputs.feedTimerAtNs, !dayEnded {
            venues[v].feedTimer.arm(atNs: atNs, event: .feedTimer(venue: venueIndex), kernel: &kernel)
        }
        outputs.removeAll()
    }

    // MARK: Market data over a modelled link

    /// A subscriber asks again after the re-request's round trip (twice
    /// the feed link's propagation, a shared link's each way included) and
    /// a millisecond, rather than MoldUDP64Receiver's default 100 ms, which
    /// would keep a lossy run's day open long after its flows stopped.
    static func subscriberRequestTimeoutNs(roundTripNs: Int64) -> Int64 {
        roundTripNs + 1_000_000
    }

    /// Sends one feed datagram over the venue's market-data link (`feed` 0)
    /// or its B feed's (1), if it has one: its fate enters the trace, and
    /// what arrives is delivered to the venue's subscriber.
    mutating func sendToSubscriber(_ packet: UnsafeRawBufferPointer, venue: Int32, feed: Int = 0) {
        guard let outcome = network.sendFeedPacket(venue: Int(venue), feed: feed, payloadBytes: packet.count, at: kernel.now) else { return }
        kernel.recordInTrace(Self.traceWord(outcome))
        guard let arrivalNs = outcome.arrivalNs else { return }
        let copies = if case .duplicated = outcome { 2 } else { 1 }
        for _ in 0..<copies {
            let slot = messages.store(packet)
            inFlight += 1
            kernel.schedule(feed == 0 ? .feedToSubscriber(venue: venue, message: slot) : .feedBToSubscriber(venue: venue, message: slot), at: arrivalNs)
        }
    }

    mutating func handleFeedAtSubscriber(_ venue: Int32, _ message: Int32, feed: Int) {
        inFlight -= 1
        let actions = feedSubscribers[Int(venue)]!.received(messages.bytes(of: message), feed: feed, nowNs: kernel.now)
        messages.release(message)
        carryOutSubscriber(actions, venue: venue)
    }

    mutating func handleSubscriberTimer(_ venue: Int32) {
        guard subscriberTimers[Int(venue)].fired(event: .subscriberTimer(venue: venue), kernel: &kernel) else { return }
        let actions = feedSubscribers[Int(venue)]!.requestTimerFired(nowNs: kernel.now)
        carryOutSubscriber(actions, venue: venue)
    }

    /// A re-request travels to the venue after the feed path's propagation
    /// delay (`SimulatedNetwork.feedRequestDelayNs`); the request path itself
    /// loses nothing.
    mutating func carryOutSubscriber(_ actions: [MoldUDP64Receiver.Action], venue: Int32) {
        for action in actions {
            switch action {
            case .sendRequest(let request):
                var bytes = (0 as UInt64, 0 as UInt64, 0 as UInt32)
                let slot = withUnsafeMutableBytes(of: &bytes) { buffer in
                    let length = request.encode(into: buffer)
                    return messages.store(UnsafeRawBufferPointer(rebasing: buffer[..<length]))
                }
                inFlight += 1
                kernel.schedule(.feedRequestToVenue(venue: venue, message: slot), at: kernel.now + network.feedRequestDelayNs(venue: Int(venue)))
            case .armRequestTimer(let atNs):
                if !dayEnded { subscriberTimers[Int(venue)].arm(atNs: atNs, event: .subscriberTimer(venue: venue), kernel: &kernel) }
            case .messagesLost, .endOfSession:
                break
            }
        }
    }

    /// A subscriber that received every message the venue published, with
    /// nothing given up, must hold the venue's books.
    mutating func checkSubscribers() {
        for report in subscriberReports() where report.messagesLost == 0 && report.messagesDelivered == report.messagesPublished {
            guard !report.booksMatchVenue, invariantViolations.count < 100 else { continue }
            invariantViolations.append("\(report.venue): the market-data subscriber received every message but its books differ from the venue's")
        }
    }

    func subscriberReports() -> [FeedSubscriberReport] {
        venues.indices.compactMap { v in
            feedSubscribers[v].map { subscriber in
                let statistics = subscriber.receiver.statistics
                return FeedSubscriberReport(
                    venue: venues[v].name, messagesPublished: venues[v].gateway.feedMessageCount,
                    messagesDelivered: UInt64(statistics.messagesDelivered), requestsSent: UInt64(statistics.requestsSent),
                    duplicateMessages: UInt64(statistics.duplicateMessages), messagesLost: statistics.messagesLost,
                    booksMatchVenue: venues[v].gateway.feedBookDifferences(subscriber.book).isEmpty,
                    arbitration: network.hasFeedB(venue: v) ? FeedArbitrationReport(
                        windowNs: subscriber.receiver.configuration.arbitrationWindowNs,
                        messagesFirstOnA: statistics.firstCopiesByFeed[0], messagesFirstOnB: statistics.firstCopiesByFeed[1],
                        gapsFilledWhileArbitrating: UInt64(statistics.gapsFilledWhileArbitrating)) : nil)
            }
        }
    }

    mutating func handleFeedRequestAtVenue(_ venue: Int32, _ message: Int32) {
        inFlight -= 1
        venues[Int(venue)].gateway.receivedFeedRequest(messages.bytes(of: message), outputs: &outputs)
        messages.release(message)
        carryOut(venue: venue)
    }

    mutating func handlePortTimer(_ participant: Int32) {
        let p = Int(participant)
        guard participants[p].portTimer.fired(event: .portTimer(participant: participant), kernel: &kernel) else { return }
        let venue = participants[p].venue
        venues[Int(venue)].gateway.timerFired(participants[p].connection, nowNs: kernel.now, outputs: &outputs)
        carryOut(venue: venue)
    }

    mutating func handleFeedTimer(_ venue: Int32) {
        guard venues[Int(venue)].feedTimer.fired(event: .feedTimer(venue: venue), kernel: &kernel) else { return }
        venues[Int(venue)].gateway.feedTimerFired(nowNs: kernel.now, outputs: &outputs)
        carryOut(venue: venue)
    }

    mutating func handlePhaseChange(_ index: Int32) {
        // Validation keeps phase changes within the duration, and the day
        // cannot end before the duration; a closed feed takes no more.
        guard !dayEnded else { return }
        let target = phaseEventTargets[Int(index)]
        let phase = config.phaseEvents[Int(index)].phase
        venues[Int(target.venue)].gateway.setPhase(phase, symbol: target.symbol, nowNs: kernel.now, outputs: &outputs)
        carryOut(venue: target.venue)
        if checkInvariants { runInvariantCheck() }
    }

    /// The captured messages of a feed replay that apply now go to its
    /// venue, at once: the capture's orders entered the real venue, not
    /// this one's queue. The next time, if within the run, is scheduled.
    mutating func handleFeedReplay(_ replay: Int32) {
        let r = Int(replay)
        let venue = feedReplayVenues[r]
        let messages = config.feedReplays[r].messages
        var cursor = feedReplayCursors[r]
        let now = kernel.now
        while cursor < messages.count, messages.timesNs[cursor] == now {
            messages.withMessage(cursor) { message in
                venues[Int(venue)].gateway.replayCapturedFeed(message, nowNs: now,
                                                             outputs: &outputs)
            }
            carryOut(venue: venue)
            cursor += 1
        }
        feedReplayCursors[r] = cursor
        if cursor < messages.count, messages.timesNs[cursor] < config.durationNs {
            kernel.schedule(.feedReplay(replay: replay), at: messages.timesNs[cursor])
        }
    }

    /// The flows have stopped; once nothing is queued or in flight, the
    /// venues end the day: sessions and feeds close, timers are disarmed.
    mutating func handleCloseCheck() {
        let settled = inFlight == 0 && recovering == 0 && venues.allSatisfy { !$0.busy && $0.queue.isEmpty }
            && feedSubscribers.allSatisfy { !($0?.receiver.hasGap ?? false) }
        let waitedNs = kernel.now - config.durationNs
        guard settled || waitedNs >= SimulationLimits.longestDrainNs else {
            // Every microsecond at first; a wait that drags on backs off, so
            // a long drain costs thousands of checks, not millions.
            kernel.schedule(.closeCheck, after: max(Self.closeCheckIntervalNs, waitedNs / 1_024))
            return
        }
        if !settled {
            unsettledAtClose = inFlight + venues.reduce(0) { $0 + $1.queue.count }
        }
        dayEnded = true
        for index in participants.indices {
            participants[index].clientTimer.disarm(kernel: &kernel)
            participants[index].portTimer.disarm(kernel: &kernel)
        }
        for index in subscriberTimers.indices { subscriberTimers[index].disarm(kernel: &kernel) }
        for index in venues.indices {
            venues[index].feedTimer.disarm(kernel: &kernel)
            venues[index].gateway.endOfDay(nowNs: kernel.now, outputs: &outputs)
            carryOut(venue: Int32(index))
        }
    }

    mutating func runInvariantCheck() {
        for (index, venue) in venues.enumerated() {
            var violations = venue.gateway.checkInvariants()
            if index < feedHandlers.count {
                violations += venue.gateway.feedBookDifferences(feedHandlers[index].book)
                let receiver = feedHandlers[index].receiver
                if receiver.hasGap || receiver.statistics.messagesLost > 0 {
                    violations.append("feed: a gap in the venue's own multicast (\(receiver.statistics.messagesLost) messages lost)")
                }
            }
            for violation in violations where invariantViolations.count < 100 {
                invariantViolations.append("\(venue.name) at \(kernel.now) ns: \(violation)")
            }
        }
    }

    // MARK: Capture

    /// The synthetic network of a capture: venue v at 10.1.0.(v+1); participant
    /// p at 10.2.x.y; each venue's feed to multicast group 233.54.12.(v+1).
    static func venueHost(_ venue: Int32) -> CaptureHost { CaptureHost(10, 1, 0, UInt8(venue + 1)) }
    static func participantHost(_ participant: Int32) -> CaptureHost {
        let number = UInt32(participant) + 1
        return CaptureHost(10, 2, UInt8(truncatingIfNeeded: number >> 8), UInt8(truncatingIfNeeded: number))
    }
    static func feedGroup(_ venue: Int32) -> CaptureHost { CaptureHost(233, 54, 12, UInt8(venue + 1)) }
    /// SoupBinTCP (OUCH) on 15000 and FIX on 9878 at every venue; the feed on UDP 26477.
    public static let ouchPort: UInt16 = 15_000
    public static let fixPort: UInt16 = 9_878
    public static let feedPort: UInt16 = 26_477
    /// Which protocol each of those ports carries, for reading a capture exsim wrote.
    public static var capturePortMap: CapturePortMap {
        CapturePortMap([feedPort: .moldUDP64, ouchPort: .soupBinTCP, fixPort: .fix])
    }
    static let feedSourcePort: UInt16 = 26_400
    static func participantPort(_ participant: Int32) -> UInt16 { UInt16(40_000 + Int(participant) % 25_000) }
    static func venuePort(for client: SimulatedParticipant.Client) -> UInt16 {
        switch client {
        case .ouch: ouchPort
        case .fix: fixPort
        }
    }

    /// Writes bytes of a participant's connection to the capture.
    mutating func captureTCP(_ participant: Int, fromClient: Bool, _ bytes: UnsafeRawBufferPointer) {
        guard let capture, var connection = capturedConnections[participant] else { return }
        do {
            try capture.tcp(&connection, atNs: kernel.now, fromClient: fromClient, payload: bytes)
            capturedConnections[participant] = connection
        } catch {
            captureFailed(error)
        }
    }

    /// The first capture failure is kept and capturing stops; the run goes on.
    mutating func captureFailed(_ error: CaptureWriteError) {
        if captureError == nil { captureError = error.description }
        capture = nil
    }

    func result() -> SimulationResult {
        let elapsed = max(kernel.now, config.durationNs)
        var counts = counts
        for venue in venues {
            let statistics = venue.gateway.statistics
            counts.trades += statistics.trades
            counts.executedQuantity += statistics.executedQuantity
            counts.bookChanges += statistics.bookChanges
            counts.phaseChanges += statistics.phaseChanges
        }
        var wire = wire
        wire.feedMessages = venues.reduce(0) { $0 + $1.gateway.feedMessageCount }
        return SimulationResult(
            config: config,
            traceDigest: kernel.digest.hex,
            eventsDelivered: kernel.deliveredCount,
            endTimeNs: kernel.now,
            counts: counts,
            wire: wire,
            orderToAck: orderToAck,
            orderToFill: orderToFill,
            cancelToAck: cancelToAck,
            instructionsServed: instructionsServed,
            tradesPerSecond: tradesPerSecond,
            venues: venues.map {
                VenueStatistics(
                    name: $0.name, instructionsServed: $0.served, busyNs: $0.busyNs, maxQueueDepth: $0.maxQueueDepth,
                    utilisation: Double($0.busyNs) / Double(elapsed),
                    engineEventDigest: $0.gateway.engineEventDigest?.description,
                    engineEvents: $0.gateway.engineEventDigest.map { $0.eventCount },
                    requestsThrottled: $0.gateway.configuration.sessionMessageLimit == nil ? nil : $0.gateway.statistics.requestsThrottled,
                    feedReplay: $0.gateway.feedReplayStatistics)
            },
            cutShort: cutShort,
            unsettledAtClose: unsettledAtClose,
            invariantsChecked: checkInvariants,
            invariantViolations: invariantViolations,
            captureError: captureError,
            links: network.reports(venueNames: venues.map(\.name)),
            connectionsBroken: connectionsBroken,
            sessionsClosedEarly: sessionsClosedEarly,
            sessionsReconnected: sessionsReconnected,
            feeds: subscriberReports(),
            linkOutages: network.outageReports(venueNames: venues.map(\.name)),
            sharedLinkOutages: network.sharedLinkOutageReports(venueNames: venues.map(\.name), upTo: kernel.now),
            orderEntryPaths: network.orderEntryPathReports(venueNames: venues.map(\.name), upTo: kernel.now),
            latencyAttribution: venues.indices.map { v in
                // Without modelled links every write takes the fixed latency,
                // all of it propagation; every write that reached the venue was served.
                func fixed(_ writes: UInt64) -> TransitTotals {
                    TransitTotals(writes: writes, sum: TransitTiming(propagationNs: Int64(writes) * config.oneWayLatencyNs))
                }
                let modelled = network.modelsOrderEntry(venue: v)
                let shared = network.sharedLinkOfVenue[v]
                return VenueLatencyAttribution(
                    venue: venues[v].name,
                    toVenue: modelled ? network.toVenueTransit[v] : fixed(venues[v].served),
                    messagesServed: venues[v].served, queueWaitNs: venues[v].queueWaitNs, serviceNs: venues[v].busyNs,
                    fromVenue: modelled ? network.fromVenueTransit[v] : fixed(venues[v].writesOut),
                    sharedLink: modelled && shared >= 0 ? network.sharedLinkNames[shared] : nil,
                    toVenueShared: network.toVenueSharedTransit[v], fromVenueShared: network.fromVenueSharedTransit[v])
            },
            gatewayCrashes: crashRecords,
            numberedMessagesNotReceived: numberedMessagesNotReceived(),
            requestsResent: ouchClients.reduce(0) { $0 + UInt64($1.requestsResent) }
                + fixClients.reduce(0) { $0 + UInt64($1.requestsResent) },
            orderEntryReplays: config.orderEntryReplays.enumerated().map { index, replay in
                var counts = orderEntryReplayCounts[index]
                // A session that never logged in still holds what came due.
                counts.requestsNotSent += replaySessions.filter { $0.replay == Int32(index) }
                    .reduce(0) { $0 + UInt64($1.waiting.count) }
                return OrderEntryReplayResult(venue: replay.venue, source: replay.source, sessions: replay.sessions.count,
                                              requestsPlanned: replay.sessions.reduce(0) { $0 + $1.count }, counts: counts)
            })
    }

    /// Over every session: what the venue numbered and its client never took in.
    func numberedMessagesNotReceived() -> UInt64 {
        var missing: UInt64 = 0
        for participant in participants {
            let numbered = venues[Int(participant.venue)].gateway.messagesNumbered(on: participant.connection)
            let received = switch participant.client {
            case .ouch(let index): ouchClients[index].messagesNumberedReceived
            case .fix(let index): fixClients[index].messagesNumberedReceived
            }
            missing += numbered - min(numbered, received)
        }
        return missing
    }

    /// A market-data packet's fate as one trace word: its arrival time, or a
    /// drop marker with the reason.
    static func traceWord(_ outcome: LinkOutcome) -> UInt64 {
        switch outcome {
        case .dropped(.queueFull): 0xD10B_0000_0000_0001
        case .dropped(.lost): 0xD10B_0000_0000_0002
        case .dropped(.linkDown): 0xD10B_0000_0000_0003
        case .delivered(let atNs): UInt64(bitPattern: atNs)
        case .duplicated(let atNs): UInt64(bitPattern: atNs) ^ 0xD0B1_0000_0000_0000
        }
    }
}
