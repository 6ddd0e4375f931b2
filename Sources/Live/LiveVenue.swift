import Exchange
import Measure
import NIOCore
import SimKernel
import Wire

/// A venue on real sockets: the same `VenueGateway` the simulator drives,
/// driven here by channel events and the wall clock. It lives on one event
/// loop, with every connection of the venue, and is touched only there, so
/// decode, match and encode need no lock and no hop.
///
/// The venue carries out `GatewayOutputs` as the simulator's kernel does:
/// bytes to the connection, one timer per connection, close when told,
/// packets to the feed. It decides nothing the gateway did not.
final class LiveVenue {
    let configuration: LiveVenueConfiguration
    let loop: any EventLoop
    let clock: LiveClock
    var gateway: VenueGateway
    var outputs = GatewayOutputs()
    /// The channel of each gateway connection; nil once it closed.
    var channels: [(any Channel)?] = []
    /// By connection, the buffer its last write went out in, kept for the next.
    var writeBuffers: [ReusedWriteBuffer] = []
    var timers: [LoopTimer] = []
    var isFIXConnection: [Bool] = []
    /// ITCH over SoupBinTCP: its output is the feed, not answers to count.
    var isFeedConnection: [Bool] = []
    /// Connections written to since the last flush.
    var unflushed: [Int32] = []
    var feed: LiveFeedSender?
    var feedTimer = LoopTimer()
    var report: LiveVenueReport
    var gatewayTime = LatencyRecorder(name: "gateway")
    /// Per acknowledged order: its bytes read → its acknowledgement's bytes
    /// handed to the channel for the flush (the write system call not included).
    var orderAckTime = LatencyRecorder(name: "gatewayOrderAck")
    /// The same, to the flush's return: the kernel's send included.
    var orderAckFlushedTime = LatencyRecorder(name: "gatewayOrderAckFlushed")
    /// Acknowledgements written and not yet flushed: the wall-clock time
    /// their orders' bytes were read, and how many that read acknowledged.
    /// Emptied at every flush, keeping its capacity.
    var unflushedAcks: [(readNs: Int64, count: UInt64)] = []
    /// Channels accepted and not yet closed, bound to a connection or not.
    var openChannels: [ObjectIdentifier: any Channel] = [:]
    /// Channels bound to a gateway connection (their login named an account) and not yet closed.
    var sessionsConnected = 0
    var dayEnded = false
    /// The gateway connection of each account's order-entry session (OUCH,
    /// or FIX per version), so that a reconnect continues the session: its
    /// sequence numbers, its orders, and the reports kept while it was away.
    var sessionOfAccount: [AccountSession: Int32] = [:]
    /// `LiveVenueConfiguration.serviceTime`, drawn from here.
    var serviceTime: ServiceTimeSampler?
    /// The next message of `LiveVenueConfiguration.feedReplay`, the task
    /// that applies it when due, and how late each was applied.
    var replayCursor = 0
    /// Driver time of the replay's time 0 (`startFeedReplay`).
    var replayOriginNs: Int64 = 0
    var replayTask: Scheduled<Void>?
    var replayLateness = LatencyRecorder(name: "feedReplayLateness")

    /// One account's order-entry session on this venue.
    struct AccountSession: Hashable {
        var account: Int
        /// The FIX version; nil for OUCH over SoupBinTCP.
        var fixVersion: FIXVersion?
    }

    init(configuration: LiveVenueConfiguration, loop: any EventLoop, clock: LiveClock) {
        var gatewayConfiguration = configuration.gateway
        gatewayConfiguration.startOfDayOffsetNs = clock.startOfDayOffsetNs
        gatewayConfiguration.sessionDateEpochNs = clock.sessionDateEpochNs
        self.configuration = configuration
        self.loop = loop
        self.clock = clock
        gateway = VenueGateway(configuration: gatewayConfiguration)
        report = LiveVenueReport(name: configuration.name)
        serviceTime = configuration.serviceTime
    }

    /// Opens the market: every symbol continuous, the feed's start of day.
    func open() {
        loop.preconditionInEventLoop()
        gateway.open(nowNs: clock.nowNs, outputs: &outputs)
        carryOut()
    }

    // MARK: Captured feed replay

    /// At most this many captured messages apply per turn of the loop, so
    /// that a burst the capture holds (or a replay far faster than
    /// recorded) does not keep the venue's connections waiting for it.
    static let replayMessagesPerTurn = 1_024
    /// After a full turn with more messages due, the replay waits this long.
    /// NIO runs every task that is due, re-reading the clock, before it
    /// polls the sockets again, so a task due at once (or a few µs on, when
    /// the loop is slow to look) would run in the same tick and keep the
    /// connections out until the replay caught up. A tenth of a millisecond
    /// is past any such look; at a turn of 1,024 messages it costs a catch-up
    /// about a tenth of its speed.
    static let replayYieldNs: Int64 = 100_000

    /// Starts the captured feed's replay: its message planned at time t
    /// applies at driver time `originNs` + t.
    func startFeedReplay(originNs: Int64) {
        loop.preconditionInEventLoop()
        precondition(replayTask == nil && replayCursor == 0, "a venue's feed replay starts once")
        replayOriginNs = originNs
        if let first = configuration.feedReplay?.messages.timesNs.first { scheduleReplay(atNs: first) }
    }

    /// Wakes the replay at replay time `atNs`.
    func scheduleReplay(atNs: Int64) {
        replayTask = scheduled(atNs: replayOriginNs &+ atNs) { $0.feedReplayTaskRan() }
    }

    /// Applies every captured message due by now (up to a turn's worth),
    /// each at the clock's time as it applies, writes what they caused, and
    /// wakes again for the next.
    func feedReplayTaskRan() {
        replayTask = nil
        guard !dayEnded, let messages = configuration.feedReplay?.messages else { return }
        var applied = 0
        while replayCursor < messages.count, applied < Self.replayMessagesPerTurn {
            let nowNs = clock.nowNs
            let lateNs = nowNs &- replayOriginNs &- messages.timesNs[replayCursor]
            guard lateNs >= 0 else { break }
            messages.withMessage(replayCursor) { gateway.replayCapturedFeed($0, nowNs: nowNs, outputs: &outputs) }
            replayLateness.record(lateNs)
            replayCursor += 1
            applied += 1
        }
        if applied > 0 { carryOut() }
        guard replayCursor < messages.count else { return }
        if applied == Self.replayMessagesPerTurn {
            // More may be due: after the connections have had their turn.
            replayTask = scheduled(atNs: clock.nowNs &+ Self.replayYieldNs) { $0.feedReplayTaskRan() }
        } else {
            scheduleReplay(atNs: messages.timesNs[replayCursor])
        }
    }

    // MARK: Connections

    /// A new connection; false when the venue holds `maximumConnections`
    /// already, and the caller closes it.
    func accepted(_ channel: any Channel) -> Bool {
        report.connectionsAccepted += 1
        guard openChannels.count < configuration.maximumConnections else {
            report.connectionsRefused += 1
            return false
        }
        openChannels[ObjectIdentifier(channel)] = channel
        configuration.recorder?.tcpOpened(ObjectIdentifier(channel), client: channel.remoteAddress, server: channel.localAddress)
        return true
    }

    /// The connection's output queued past `maximumQueuedOutputBytes`: its
    /// client stopped reading. Nothing more can reach it, so the session
    /// ends without a goodbye and its queued bytes are dropped.
    func slowConsumer(_ channel: any Channel, connection: Int32?) {
        guard openChannels[ObjectIdentifier(channel)] != nil else { return }
        report.slowConsumersClosed += 1
        if let connection, let current = channels[Int(connection)], current === channel {
            channels[Int(connection)] = nil
            timers[Int(connection)].cancel()
            gateway.connectionClosed(connection)
        }
        channel.close(mode: .all, promise: nil)
    }

    /// Whether the login `route` names an account whose session is still
    /// connected: a second login of it is refused (the duplicate-connection
    /// rule, `VenueConnectionHandler.refuseDuplicateLogin`).
    func isConnectedElsewhere(_ route: LoginRouter.Route, listener: LoginRouter.Listener) -> Bool {
        loop.preconditionInEventLoop()
        guard listener != .itchOverSoupBinTCP, route.recognised,
              let existing = sessionOfAccount[AccountSession(account: route.account, fixVersion: route.fixVersion)] else { return false }
        return channels[Int(existing)] != nil
    }

    func noteDuplicateLoginRefused() {
        loop.preconditionInEventLoop()
        report.duplicateLoginsRefused += 1
    }

    /// Gives the channel its own gateway connection on the routed account's port.
    func bind(_ channel: any Channel, route: LoginRouter.Route, listener: LoginRouter.Listener) -> Int32 {
        loop.preconditionInEventLoop()
        let accounts = configuration.accounts
        let connection: Int32
        if listener == .itchOverSoupBinTCP {
            // The account's credentials; the port checks them at login.
            connection = gateway.addRecoveryConnection(username: SoupBinTCPUsername(accounts.name(route.account))!,
                                                       password: SoupBinTCPPassword(accounts.password)!)
        } else if route.recognised, let existing = sessionOfAccount[AccountSession(account: route.account, fixVersion: route.fixVersion)],
                  channels[Int(existing)] == nil
        {
            // The account's session has no connection: this one continues it.
            channels[Int(existing)] = channel
            report.loginsRouted += 1
            sessionsConnected += 1
            gateway.connectionClosed(existing)
            gateway.connectionOpened(existing, nowNs: clock.nowNs, outputs: &outputs)
            carryOut()
            return existing
        } else {
            let kind: VenueGateway.PortKind
            if let version = route.fixVersion {
                kind = accounts.fixPort(route.account, version: version, venue: configuration.name)
            } else {
                kind = accounts.ouchPort(route.account, venue: configuration.name)
            }
            connection = gateway.addConnection(kind, participant: accounts.participant(route.account))
            let key = AccountSession(account: route.account, fixVersion: route.fixVersion)
            // A second login of a connected account never gets here
            // (`isConnectedElsewhere`); an unrecognised one gets a port of
            // its own, whose login check refuses it.
            if route.recognised, sessionOfAccount[key] == nil { sessionOfAccount[key] = connection }
        }
        precondition(Int(connection) == channels.count, "gateway connections are numbered in order")
        channels.append(channel)
        writeBuffers.append(ReusedWriteBuffer(initialCapacity: Self.writeBufferBytes))
        timers.append(LoopTimer())
        isFIXConnection.append(route.fixVersion != nil)
        isFeedConnection.append(listener == .itchOverSoupBinTCP)
        if route.recognised { report.loginsRouted += 1 }
        sessionsConnected += 1
        gateway.connectionOpened(connection, nowNs: clock.nowNs, outputs: &outputs)
        carryOut()
        return connection
    }

    /// Bytes from a connection; what the gateway answers is written, and
    /// flushed at the end of the read (`flush`).
    func received(_ buffer: ByteBuffer, on connection: Int32) {
        report.bytesIn += UInt64(buffer.readableBytes)
        if let recorder = configuration.recorder, let channel = channels[Int(connection)] {
            buffer.withUnsafeReadableBytes { recorder.tcpBytes(ObjectIdentifier(channel), fromClient: true, $0) }
        }
        let startNs = clock.nowNs
        let requestsBefore = gateway.statistics.requests
        buffer.withUnsafeReadableBytes { bytes in
            gateway.received(bytes, on: connection, nowNs: startNs, outputs: &outputs)
        }
        if serviceTime != nil { serve(gateway.statistics.requests - requestsBefore, readAtNs: startNs) }
        gatewayTime.record(clock.nowNs - startNs)
        carryOut(flushNow: false, reading: (connection, startNs))
    }

    /// Holds the answers to `requests` until the venue has been busy for a
    /// service time each, from the read (`LiveVenueConfiguration.serviceTime`).
    func serve(_ requests: UInt64, readAtNs: Int64) {
        guard requests > 0 else { return }
        var busyNs: Int64 = 0
        for _ in 0..<requests { busyNs &+= serviceTime!.next() }
        report.serviceTimeNs = (report.serviceTimeNs ?? 0) &+ busyNs
        let doneNs = readAtNs &+ busyNs
        while clock.nowNs < doneNs {}
    }

    /// Flushes every connection written to since the last flush: once per
    /// read burst, not per message. The acknowledgements in those writes
    /// are timed by one clock read before the flushes and one after.
    func flush() {
        let handedNs = unflushedAcks.isEmpty ? 0 : clock.nowNs
        for connection in unflushed { channels[Int(connection)]?.flush() }
        unflushed.removeAll(keepingCapacity: true)
        guard !unflushedAcks.isEmpty else { return }
        let flushedNs = clock.nowNs
        for ack in unflushedAcks { timeAcks(ack, handedNs: handedNs, flushedNs: flushedNs) }
        unflushedAcks.removeAll(keepingCapacity: true)
    }

    func timeAcks(_ acks: (readNs: Int64, count: UInt64), handedNs: Int64, flushedNs: Int64) {
        orderAckTime.record(max(0, handedNs - acks.readNs), count: acks.count)
        orderAckFlushedTime.record(max(0, flushedNs - acks.readNs), count: acks.count)
    }

    func closed(_ channel: any Channel, connection: Int32?) {
        guard openChannels.removeValue(forKey: ObjectIdentifier(channel)) != nil else { return }  // refused on arrival
        report.connectionsClosed += 1
        configuration.recorder?.tcpClosed(ObjectIdentifier(channel))
        guard let connection else { return }
        sessionsConnected -= 1
        precondition(sessionsConnected >= 0, "a session closed twice")
        // The gateway connection may already belong to a reconnect of its account.
        guard let current = channels[Int(connection)], current === channel else { return }
        channels[Int(connection)] = nil
        timers[Int(connection)].cancel()
        gateway.connectionClosed(connection)
    }

    /// The counters as of now, for monitoring.
    func snapshot() -> LiveVenueSnapshot {
        loop.preconditionInEventLoop()
        let statistics = gateway.statistics
        return LiveVenueSnapshot(
            name: configuration.name, connectionsAccepted: report.connectionsAccepted,
            connectionsRefused: report.connectionsRefused, slowConsumersClosed: report.slowConsumersClosed,
            sessionsConnected: sessionsConnected,
            bytesIn: report.bytesIn, bytesOut: report.bytesOut, messagesIn: statistics.messagesIn,
            messagesOut: report.messagesOut, requests: statistics.requests, trades: statistics.trades,
            answers: report.answers, feedReplayMessages: UInt64(replayCursor), orderAck: orderAckTime,
            orderAckFlushed: orderAckFlushedTime)
    }

    // MARK: Timers

    func timerTaskRan(_ connection: Int32) {
        let due = timers[Int(connection)].taskRan(nowNs: clock.nowNs) { atNs in
            scheduled(atNs: atNs) { $0.timerTaskRan(connection) }
        }
        guard due, channels[Int(connection)] != nil else { return }
        gateway.timerFired(connection, nowNs: clock.nowNs, outputs: &outputs)
        carryOut()
    }

    /// A MoldUDP64 re-request datagram: the packets that answer it (none
    /// for a malformed, foreign or unservable request).
    func receivedFeedRequest(_ datagram: ByteBuffer) -> [[UInt8]] {
        loop.preconditionInEventLoop()
        report.feedRequests += 1
        datagram.withUnsafeReadableBytes { gateway.receivedFeedRequest($0, outputs: &outputs) }
        let answers = outputs.feedRetransmissions
        report.feedRetransmittedPackets += UInt64(answers.count)
        // Nothing else is pending here: the other outputs were carried out
        // at the end of the input that made them.
        outputs.removeAll()
        return answers
    }

    func feedTimerTaskRan() {
        guard feedTimer.taskRan(nowNs: clock.nowNs, schedule: { scheduled(atNs: $0) { $0.feedTimerTaskRan() } }) else { return }
        gateway.feedTimerFired(nowNs: clock.nowNs, outputs: &outputs)
        carryOut()
    }

    // MARK: End of day

    /// Ends the day: OUCH sessions get End of Session, FIX sessions a
    /// Logout, the feed its End of Session. The future completes when
    /// every connection has closed.
    func endOfDay() -> EventLoopFuture<Void> {
        loop.preconditionInEventLoop()
        if !dayEnded {
            dayEnded = true
            replayTask?.cancel()
            replayTask = nil
            gateway.endOfDay(nowNs: clock.nowNs, outputs: &outputs)
            carryOut()
        }
        return EventLoopFuture.andAllComplete(openChannels.values.map(\.closeFuture), on: loop)
    }

    /// Closes whatever is still open (a client that did not answer a Logout),
    /// stops the timers, and returns the report.
    func finish() -> LiveVenueReport {
        loop.preconditionInEventLoop()
        for channel in openChannels.values { channel.close(promise: nil) }
        for index in timers.indices { timers[index].cancel() }
        feedTimer.cancel()
        replayTask?.cancel()
        var report = report
        let statistics = gateway.statistics
        report.requests = statistics.requests
        if gateway.configuration.sessionMessageLimit != nil { report.requestsThrottled = statistics.requestsThrottled }
        report.messagesIn = statistics.messagesIn
        report.trades = statistics.trades
        report.executedQuantity = statistics.executedQuantity
        report.feedMessages = gateway.feedMessageCount
        report.gatewayTime = gatewayTime.count > 0 ? gatewayTime.summary : nil
        report.engineEventDigest = gateway.engineEventDigest?.description
        report.engineEvents = gateway.engineEventDigest.map { $0.eventCount }
        report.gatewayOrderAck = orderAckTime.count > 0 ? orderAckTime.summary : nil
        report.gatewayOrderAckFlushed = orderAckFlushedTime.count > 0 ? orderAckFlushedTime.summary : nil
        if let replay = configuration.feedReplay {
            report.feedReplay = LiveFeedReplayReport(
                source: replay.source, messagesPlanned: UInt64(replay.messages.count),
                statistics: gateway.feedReplayStatistics ?? CapturedFeedReplay.Statistics(),
                lateness: replayLateness.count > 0 ? replayLateness.summary : nil)
        }
        return report
    }

    // MARK: Carrying out the gateway's outputs

    /// Writes what the gateway asked for, in the order it asked. `reading`
    /// names the connection whose bytes (read at `readNs`) caused these
    /// outputs: the acknowledgements written back to it are timed at the flush.
    func carryOut(flushNow: Bool = true, reading: (connection: Int32, readNs: Int64)? = nil) {
        for connection in outputs.touched {
            let index = Int(connection)
            let output = outputs.connections[index]
            guard let channel = channels[index] else { continue }
            // Acknowledgements of the orders in the bytes just read.
            var acks: (readNs: Int64, count: UInt64)?
            if !output.bytes.isEmpty {
                if let recorder = configuration.recorder {
                    output.bytes.withUnsafeBytes { recorder.tcpBytes(ObjectIdentifier(channel), fromClient: false, $0) }
                }
                report.bytesOut += UInt64(output.bytes.count)
                report.messagesOut += UInt64(output.messageCount)
                let count = isFeedConnection[index] ? 0 : tally(output, fix: isFIXConnection[index])
                if count > 0, let reading, reading.connection == connection { acks = (reading.readNs, count) }
            }
            if output.closeReason != nil {
                // Close after the bytes are written: a Login Rejected or an
                // End of Session must reach the client.
                channels[index] = nil
                timers[index].cancel()
                let handedNs = acks == nil ? 0 : clock.nowNs
                channel.writeAndFlush(channel.allocator.buffer(bytes: output.bytes)).whenComplete { _ in
                    channel.close(promise: nil)
                }
                if let acks { timeAcks(acks, handedNs: handedNs, flushedNs: clock.nowNs) }
                continue
            }
            if !output.bytes.isEmpty {
                channel.write(writeBuffers[index].filled(with: output.bytes, allocator: channel.allocator), promise: nil)
                if flushNow {
                    let handedNs = acks == nil ? 0 : clock.nowNs
                    channel.flush()
                    if let acks { timeAcks(acks, handedNs: handedNs, flushedNs: clock.nowNs) }
                } else {
                    unflushed.append(connection)
                    if let acks { unflushedAcks.append(acks) }
                }
            }
            // Timers stay armed after the end of day: a FIX Logout waits for
            // its reply on one.
            if let atNs = output.timerAtNs { arm(connection, atNs: atNs) }
        }
        if feed != nil {
            for packet in outputs.feedPackets {
                report.feedPackets += 1
                report.feedBytes += UInt64(packet.count)
                if let recorder = configuration.recorder, let feed {
                    packet.withUnsafeBytes { recorder.udpDatagram(from: feed.channel.localAddress, to: feed.destination, $0) }
                }
                // In place: the sender keeps its buffer for the next packet.
                feed!.send(packet)
            }
        }
        if let atNs = outputs.feedTimerAtNs, !dayEnded {
            feedTimer.set(atNs: atNs) { scheduled(atNs: $0) { $0.feedTimerTaskRan() } }
        }
        outputs.removeAll()
    }

    /// A connection's first write buffer: room for a burst of answers.
    static let writeBufferBytes = 16 * 1_024

    func arm(_ connection: Int32, atNs: Int64) {
        timers[Int(connection)].set(atNs: atNs) { scheduled(atNs: $0) { $0.timerTaskRan(connection) } }
    }

    func scheduled(atNs: Int64, _ body: @escaping (LiveVenue) -> Void) -> Scheduled<Void> {
        let venue = NIOLoopBound(self, eventLoop: loop)
        let action = NIOLoopBound(body, eventLoop: loop)
        return loop.scheduleTask(deadline: clock.deadline(atNs: atNs)) { action.value(venue.value) }
    }

    /// Counts the answers in a connection's output; returns how many acknowledge an order.
    func tally(_ output: ConnectionOutput, fix: Bool) -> UInt64 {
        var acks: UInt64 = 0
        for message in 0..<output.messageCount {
            let bytes = output.bytes[output.messageRange(message)]
            let isAck = fix ? report.answers.countFIXMessage(bytes) : report.answers.countSoupBinTCPPacket(bytes)
            if isAck { acks += 1 }
        }
        return acks
    }
}
