import Testing
@testable import Wire

private struct SplitMix64 {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

private let second: Int64 = 1_000_000_000

/// A server and a client session wired back to back through two byte pipes
/// and two frame decoders, driven by a virtual clock: the simulator's job,
/// done by hand. Bytes cross in chunks of random sizes.
private struct Wiring {
    var server: SoupBinTCPServerSession
    var client: SoupBinTCPClientSession
    var random = SplitMix64(state: 7)
    var nowNs: Int64 = 0
    var serverDecoder = SoupBinTCPFrameDecoder()
    var clientDecoder = SoupBinTCPFrameDecoder()
    var serverOpen = false
    var clientOpen = false
    var serverTimerNs: Int64?
    var clientTimerNs: Int64?
    /// A side whose timers are off behaves as a hung peer.
    var serverTimersEnabled = true
    var clientTimersEnabled = true
    var toServer: [UInt8] = []
    var toClient: [UInt8] = []
    var pendingUnsequenced: [UInt8] = []

    var serverCloses: [SoupBinTCPServerSession.CloseReason] = []
    var clientCloses: [SoupBinTCPClientSession.CloseReason] = []
    var serverSent: [SoupBinTCPServerSession.Packet] = []
    var clientSent: [SoupBinTCPClientSession.Packet] = []
    var deliveredToServer: [[UInt8]] = []
    var deliveredToClient: [(sequenceNumber: UInt64, message: [UInt8])] = []
    var logins: [SoupBinTCPLoginAccepted] = []

    init(server: SoupBinTCPServerSession.Configuration, client: SoupBinTCPClientSession.Configuration) {
        self.server = SoupBinTCPServerSession(configuration: server)
        self.client = SoupBinTCPClientSession(configuration: client)
    }

    mutating func connect() {
        serverDecoder = SoupBinTCPFrameDecoder()
        clientDecoder = SoupBinTCPFrameDecoder()
        serverOpen = true
        clientOpen = true
        var serverActions: [SoupBinTCPServerSession.Action] = []
        server.connectionOpened(nowNs: nowNs, actions: &serverActions)
        applyServer(serverActions)
        var clientActions: [SoupBinTCPClientSession.Action] = []
        client.connectionOpened(nowNs: nowNs, actions: &clientActions)
        applyClient(clientActions)
        pump()
    }

    mutating func applyServer(_ actions: [SoupBinTCPServerSession.Action]) {
        for action in actions {
            switch action {
            case let .send(packet):
                serverSent.append(packet)
                var bytes = [UInt8](repeating: 0, count: server.encodedByteCount(of: packet))
                let written = bytes.withUnsafeMutableBytes { server.encode(packet, into: $0) }
                #expect(written == bytes.count)
                if clientOpen { toClient += bytes }
            case .deliverUnsequencedData:
                break // recorded where the packet is in hand
            case let .armTimer(atNs):
                #expect(atNs >= nowNs)
                serverTimerNs = atNs
            case let .close(reason):
                serverCloses.append(reason)
                serverOpen = false
                serverTimerNs = nil
                toServer.removeAll()
            }
        }
        server.checkInvariants()
    }

    mutating func applyClient(_ actions: [SoupBinTCPClientSession.Action]) {
        for action in actions {
            switch action {
            case let .send(packet):
                clientSent.append(packet)
                var bytes: [UInt8]
                if case .unsequencedData = packet {
                    bytes = [UInt8](repeating: 0, count: 3 + pendingUnsequenced.count)
                    bytes.withUnsafeMutableBytes { output in
                        pendingUnsequenced.withUnsafeBytes { payload in
                            _ = SoupBinTCP.encodeDataPacket(.unsequencedData, payload: payload, into: output)
                        }
                    }
                } else {
                    bytes = [UInt8](repeating: 0, count: SoupBinTCPClientSession.encodedByteCount(of: packet))
                    bytes.withUnsafeMutableBytes { _ = SoupBinTCPClientSession.encode(packet, into: $0) }
                }
                if serverOpen { toServer += bytes }
            case let .loggedIn(accepted):
                logins.append(accepted)
            case .deliverSequencedData:
                break // recorded where the packet is in hand
            case let .armTimer(atNs):
                #expect(atNs >= nowNs)
                clientTimerNs = atNs
            case let .close(reason):
                clientCloses.append(reason)
                clientOpen = false
                clientTimerNs = nil
                toClient.removeAll()
            }
        }
        client.checkInvariants()
    }

    /// Moves every pending byte across, in random chunks, until both pipes are
    /// empty; a side that closed makes the other see the connection close.
    mutating func pump() {
        while !toServer.isEmpty || !toClient.isEmpty {
            if !toServer.isEmpty {
                let bytes = toServer
                toServer.removeAll()
                feedServer(bytes)
            }
            if !toClient.isEmpty {
                let bytes = toClient
                toClient.removeAll()
                feedClient(bytes)
            }
        }
        if !serverOpen && clientOpen {
            client.connectionClosed()
            clientOpen = false
            clientTimerNs = nil
        }
        if !clientOpen && serverOpen {
            server.connectionClosed()
            serverOpen = false
            serverTimerNs = nil
        }
    }

    mutating func feedServer(_ bytes: [UInt8]) {
        var offset = 0
        while offset < bytes.count && serverOpen {
            let size = min(bytes.count - offset, Int(random.next() % 40) + 1)
            let chunk = Array(bytes[offset..<(offset + size)])
            offset += size
            var actions: [SoupBinTCPServerSession.Action] = []
            do {
                try chunk.withUnsafeBytes { chunk in
                    try serverDecoder.decode(chunk) { packet in
                        let before = actions.count
                        server.received(packet, nowNs: nowNs, actions: &actions)
                        if actions[before...].contains(.deliverUnsequencedData) { deliveredToServer.append(Array(packet.payload)) }
                        if actions[before...].contains(where: { if case .close = $0 { true } else { false } }) { return .stopDecoding }
                        return .continueDecoding
                    }
                }
            } catch let error as SoupBinTCPFramingError {
                server.framingFailed(error, actions: &actions)
            } catch {
                Issue.record("untyped \(error)")
            }
            applyServer(actions)
        }
    }

    mutating func feedClient(_ bytes: [UInt8]) {
        var offset = 0
        while offset < bytes.count && clientOpen {
            let size = min(bytes.count - offset, Int(random.next() % 40) + 1)
            let chunk = Array(bytes[offset..<(offset + size)])
            offset += size
            var actions: [SoupBinTCPClientSession.Action] = []
            do {
                try chunk.withUnsafeBytes { chunk in
                    try clientDecoder.decode(chunk) { packet in
                        let before = actions.count
                        client.received(packet, nowNs: nowNs, actions: &actions)
                        for case let .deliverSequencedData(sequenceNumber) in actions[before...] {
                            deliveredToClient.append((sequenceNumber, Array(packet.payload)))
                        }
                        if actions[before...].contains(where: { if case .close = $0 { true } else { false } }) { return .stopDecoding }
                        return .continueDecoding
                    }
                }
            } catch let error as SoupBinTCPFramingError {
                client.framingFailed(error, actions: &actions)
            } catch {
                Issue.record("untyped \(error)")
            }
            applyClient(actions)
        }
    }

    /// Runs the clock to `targetNs`, firing timers in time order.
    mutating func advance(to targetNs: Int64) {
        while true {
            let serverDue = serverTimersEnabled ? serverTimerNs : nil
            let clientDue = clientTimersEnabled ? clientTimerNs : nil
            guard let due = [serverDue, clientDue].compactMap({ $0 }).min(), due <= targetNs else { break }
            nowNs = due
            if serverDue == due {
                serverTimerNs = nil
                var actions: [SoupBinTCPServerSession.Action] = []
                server.timerFired(nowNs: nowNs, actions: &actions)
                applyServer(actions)
            } else {
                clientTimerNs = nil
                var actions: [SoupBinTCPClientSession.Action] = []
                client.timerFired(nowNs: nowNs, actions: &actions)
                applyClient(actions)
            }
            pump()
        }
        nowNs = targetNs
    }

    mutating func serverSends(_ message: [UInt8]) {
        var actions: [SoupBinTCPServerSession.Action] = []
        message.withUnsafeBytes { payload in
            #expect(throws: Never.self) { try server.sendSequencedData(payload, nowNs: nowNs, actions: &actions) }
        }
        applyServer(actions)
        pump()
    }

    mutating func clientSends(_ message: [UInt8]) {
        var actions: [SoupBinTCPClientSession.Action] = []
        pendingUnsequenced = message
        #expect(throws: Never.self) { try client.sendUnsequencedData(nowNs: nowNs, actions: &actions) }
        applyClient(actions)
        pump()
    }

    mutating func clientLogsOut() {
        var actions: [SoupBinTCPClientSession.Action] = []
        client.logout(nowNs: nowNs, actions: &actions)
        applyClient(actions)
        pump()
    }

    /// Bytes from a misbehaving client, straight onto the wire.
    mutating func rawToServer(_ bytes: [UInt8]) {
        toServer += bytes
        pump()
    }
}

private let sessionName = SoupBinTCPSessionName("EXSIM00001")!
private let serverConfiguration = SoupBinTCPServerSession.Configuration(
    session: sessionName, username: SoupBinTCPUsername("TRADER")!, password: SoupBinTCPPassword("hunter2")!)

private func clientConfiguration(
    username: String = "TRADER", password: String = "hunter2", session: SoupBinTCPSessionName = .blank,
    sequence: UInt64 = 1
) -> SoupBinTCPClientSession.Configuration {
    SoupBinTCPClientSession.Configuration(
        username: SoupBinTCPUsername(username)!, password: SoupBinTCPPassword(password)!,
        requestedSession: session, requestedSequenceNumber: sequence)
}

private func outboundMessage(_ index: Int) -> [UInt8] {
    OUCHSamples.bytes(of: OUCHSamples.outbound[index % OUCHSamples.outbound.count])
}

@Suite struct SoupBinTCPSessionTests {
    @Test func loginReplaysStoredMessagesThenStreamsLiveOnes() throws {
        var wiring = Wiring(server: serverConfiguration, client: clientConfiguration())
        for index in 0..<3 { wiring.serverSends(outboundMessage(index)) }
        #expect(wiring.serverSent.isEmpty, "nothing goes out before a login")
        wiring.nowNs = 5 * second
        wiring.connect()
        #expect(wiring.logins == [SoupBinTCPLoginAccepted(session: sessionName, nextSequenceNumber: 1)])
        #expect(wiring.client.isLoggedIn && wiring.server.isLoggedIn)
        for index in 3..<5 { wiring.serverSends(outboundMessage(index)) }
        #expect(wiring.deliveredToClient.map(\.sequenceNumber) == [1, 2, 3, 4, 5])
        #expect(wiring.deliveredToClient.map(\.message) == (0..<5).map(outboundMessage))
        #expect(wiring.client.nextExpectedSequenceNumber == 6)
        let decoded = try wiring.deliveredToClient[1].message.withUnsafeBytes { try OUCHOutboundMessage(decoding: $0) }
        #expect(decoded == OUCHSamples.outbound[1])

        for message in OUCHSamples.inbound { wiring.clientSends(OUCHSamples.bytes(of: message)) }
        #expect(wiring.deliveredToServer == OUCHSamples.inbound.map(OUCHSamples.bytes(of:)))
        #expect(wiring.serverCloses.isEmpty && wiring.clientCloses.isEmpty)
    }

    @Test func loginRequestsAReplayStartingPoint() {
        var fromThree = Wiring(server: serverConfiguration, client: clientConfiguration(sequence: 3))
        for index in 0..<5 { fromThree.serverSends(outboundMessage(index)) }
        fromThree.connect()
        #expect(fromThree.logins.map(\.nextSequenceNumber) == [3])
        #expect(fromThree.deliveredToClient.map(\.sequenceNumber) == [3, 4, 5])
        #expect(fromThree.deliveredToClient.map(\.message) == (2..<5).map(outboundMessage))

        var fromNow = Wiring(server: serverConfiguration, client: clientConfiguration(sequence: 0))
        for index in 0..<5 { fromNow.serverSends(outboundMessage(index)) }
        fromNow.connect()
        #expect(fromNow.logins.map(\.nextSequenceNumber) == [6])
        #expect(fromNow.deliveredToClient.isEmpty)
        fromNow.serverSends(outboundMessage(5))
        #expect(fromNow.deliveredToClient.map(\.sequenceNumber) == [6])

        var pastTheEnd = Wiring(server: serverConfiguration, client: clientConfiguration(sequence: 99))
        pastTheEnd.serverSends(outboundMessage(0))
        pastTheEnd.connect()
        #expect(pastTheEnd.logins.map(\.nextSequenceNumber) == [2])
    }

    @Test func reconnectResumesWhereTheClientStopped() {
        var wiring = Wiring(server: serverConfiguration, client: clientConfiguration())
        wiring.connect()
        for index in 0..<3 { wiring.serverSends(outboundMessage(index)) }
        wiring.clientLogsOut()
        #expect(wiring.serverCloses == [.logoutRequested])
        #expect(wiring.clientCloses == [.logoutRequested])
        for index in 3..<6 { wiring.serverSends(outboundMessage(index)) }
        wiring.nowNs += second
        wiring.connect()
        #expect(wiring.logins.map(\.nextSequenceNumber) == [1, 4])
        #expect(wiring.deliveredToClient.map(\.sequenceNumber) == [1, 2, 3, 4, 5, 6])
        #expect(wiring.deliveredToClient.map(\.message) == (0..<6).map(outboundMessage))
        guard case let .loginRequest(request) = wiring.clientSent.last(where: {
            if case .loginRequest = $0 { true } else { false }
        }) else { Issue.record("no second login"); return }
        #expect(request.requestedSession == sessionName && request.requestedSequenceNumber == 4)
    }

    @Test func bothSidesHeartbeatAfterOneSecondOfSilence() {
        var wiring = Wiring(server: serverConfiguration, client: clientConfiguration())
        wiring.connect()
        wiring.advance(to: second - 1)
        #expect(!wiring.serverSent.contains(.serverHeartbeat) && !wiring.clientSent.contains(.clientHeartbeat))
        wiring.advance(to: second)
        #expect(wiring.serverSent.filter { $0 == .serverHeartbeat }.count == 1)
        #expect(wiring.clientSent.filter { $0 == .clientHeartbeat }.count == 1)
        // Heartbeats keep an otherwise idle session alive well past the timeout.
        wiring.advance(to: 60 * second)
        #expect(wiring.serverCloses.isEmpty && wiring.clientCloses.isEmpty)
        #expect(wiring.serverSent.filter { $0 == .serverHeartbeat }.count == 60)
        #expect(wiring.clientSent.filter { $0 == .clientHeartbeat }.count == 60)
        // Other output postpones the heartbeat.
        let heartbeatsBefore = wiring.serverSent.filter { $0 == .serverHeartbeat }.count
        for step in 1...10 {
            wiring.advance(to: 60 * second + Int64(step) * second / 2)
            wiring.serverSends(outboundMessage(step))
        }
        #expect(wiring.serverSent.filter { $0 == .serverHeartbeat }.count == heartbeatsBefore)
    }

    @Test func serverDropsASilentClient() {
        var wiring = Wiring(server: serverConfiguration, client: clientConfiguration())
        wiring.connect()
        wiring.clientTimersEnabled = false
        wiring.advance(to: 15 * second - 1)
        #expect(wiring.serverCloses.isEmpty)
        wiring.advance(to: 15 * second)
        #expect(wiring.serverCloses == [.clientSilent])
        #expect(!wiring.clientOpen && !wiring.client.isLoggedIn)
    }

    @Test func clientDropsASilentServer() {
        let timers = SoupBinTCPTimers(heartbeatIntervalNs: second / 2, idleTimeoutNs: 3 * second, loginTimeoutNs: second)
        var configuration = clientConfiguration()
        configuration.timers = timers
        var wiring = Wiring(server: serverConfiguration, client: configuration)
        wiring.connect()
        wiring.serverTimersEnabled = false
        wiring.advance(to: 3 * second)
        #expect(wiring.clientCloses == [.serverSilent])
        #expect(wiring.clientSent.filter { $0 == .clientHeartbeat }.count == 5)
    }

    @Test func connectionWithoutLoginTimesOut() {
        var server = SoupBinTCPServerSession(configuration: serverConfiguration)
        var actions: [SoupBinTCPServerSession.Action] = []
        server.connectionOpened(nowNs: 0, actions: &actions)
        #expect(actions == [.armTimer(atNs: 15 * second)])
        actions.removeAll()
        server.timerFired(nowNs: 15 * second - 1, actions: &actions)
        #expect(actions.isEmpty, "a stale timer does nothing")
        server.timerFired(nowNs: 15 * second, actions: &actions)
        #expect(actions == [.close(.loginTimeout)])
    }

    @Test func wrongCredentialsGetLoginRejectedNotAuthorized() {
        for (username, password) in [("TRADER", "wrong"), ("OTHER", "hunter2"), ("trader", "hunter2")] {
            var wiring = Wiring(server: serverConfiguration, client: clientConfiguration(username: username, password: password))
            wiring.serverSends(outboundMessage(0))
            wiring.connect()
            #expect(wiring.serverSent == [.loginRejected(.notAuthorized)])
            #expect(wiring.serverCloses == [.loginRejected(.notAuthorized)])
            #expect(wiring.clientCloses == [.loginRejected(.notAuthorized)])
            #expect(wiring.deliveredToClient.isEmpty)
        }
        // The server survives and serves the next, correct login.
        var wiring = Wiring(server: serverConfiguration, client: clientConfiguration(password: "nope"))
        wiring.connect()
        wiring.client = SoupBinTCPClientSession(configuration: clientConfiguration())
        wiring.connect()
        #expect(wiring.logins.count == 1 && wiring.server.isLoggedIn)
    }

    @Test func unknownSessionGetsLoginRejectedSessionNotAvailable() {
        var wiring = Wiring(server: serverConfiguration, client: clientConfiguration(session: SoupBinTCPSessionName("OTHER")!))
        wiring.connect()
        #expect(wiring.serverSent == [.loginRejected(.sessionNotAvailable)])
        #expect(wiring.clientCloses == [.loginRejected(.sessionNotAvailable)])
        var named = Wiring(server: serverConfiguration, client: clientConfiguration(session: sessionName))
        named.connect()
        #expect(named.logins.map(\.session) == [sessionName])
    }

    /// A server that lost its state starts a new session under a new name:
    /// the client's login to the old one is refused with 'S', and its next
    /// login joins the current session from its first message.
    @Test func aClientRefusedItsOldSessionJoinsTheNewOneFromTheStart() {
        var wiring = Wiring(server: serverConfiguration, client: clientConfiguration())
        wiring.connect()
        for index in 0..<3 { wiring.serverSends(outboundMessage(index)) }
        wiring.clientLogsOut()
        // Numbered while the client was away, then lost with the state.
        wiring.serverSends(outboundMessage(3))
        let restarted = SoupBinTCPSessionName("EXSIM0000R")!
        wiring.server.startNewSession(named: restarted)
        #expect(wiring.server.nextSequenceNumber == 1 && wiring.server.configuration.session == restarted)
        wiring.serverSends(outboundMessage(4))
        wiring.nowNs += second
        wiring.connect()
        #expect(wiring.clientCloses.last == .loginRejected(.sessionNotAvailable))
        #expect(wiring.client.nextExpectedSequenceNumber == nil && wiring.client.messagesReceived == 3)
        wiring.nowNs += second
        wiring.connect()
        let logins = wiring.clientSent.compactMap { packet -> SoupBinTCPLoginRequest? in
            if case let .loginRequest(request) = packet { request } else { nil }
        }
        #expect(logins.map(\.requestedSession) == [.blank, sessionName, .blank])
        #expect(logins.map(\.requestedSequenceNumber) == [1, 4, 1])
        #expect(wiring.logins.map(\.session) == [sessionName, restarted])
        #expect(wiring.deliveredToClient.map(\.sequenceNumber) == [1, 2, 3, 1])
        #expect(wiring.deliveredToClient.last?.message == outboundMessage(4))
        #expect(wiring.client.messagesReceived == 4)
        // Reconnecting within the new session resumes it by name.
        wiring.clientLogsOut()
        wiring.serverSends(outboundMessage(5))
        wiring.connect()
        #expect(wiring.logins.last == SoupBinTCPLoginAccepted(session: restarted, nextSequenceNumber: 2))
        #expect(wiring.deliveredToClient.last?.message == outboundMessage(5) && wiring.client.messagesReceived == 5)
    }

    /// A refusal that was not the end of the session (here, a replay the
    /// bounded store no longer held): when the session it rejoins from the
    /// start is the same one, what the client took in before is not
    /// delivered twice.
    @Test func aClientThatRejoinsTheSameSessionSkipsWhatItHad() {
        var configuration = serverConfiguration
        configuration.storedMessageLimit = 4
        var wiring = Wiring(server: configuration, client: clientConfiguration())
        wiring.connect()
        for index in 0..<2 { wiring.serverSends(outboundMessage(index)) }
        wiring.clientLogsOut()
        for index in 2..<8 { wiring.serverSends(outboundMessage(index)) }
        wiring.connect()
        #expect(wiring.clientCloses.last == .loginRejected(.sessionNotAvailable), "message 3 is no longer stored")
        // The same session, whole again (a server restarted from its
        // journal): the blank login from 1 replays it from its start.
        configuration.storedMessageLimit = 8
        var server = SoupBinTCPServerSession(configuration: configuration)
        var actions: [SoupBinTCPServerSession.Action] = []
        for index in 0..<8 { outboundMessage(index).withUnsafeBytes { _ = try? server.sendSequencedData($0, nowNs: 0, actions: &actions) } }
        wiring.server = server
        wiring.connect()
        #expect(wiring.logins.last == SoupBinTCPLoginAccepted(session: sessionName, nextSequenceNumber: 1))
        #expect(wiring.deliveredToClient.map(\.sequenceNumber) == [1, 2, 3, 4, 5, 6, 7, 8])
        #expect(wiring.client.messagesReceived == 8)
    }

    @Test func replayOfMessagesTheStoreDroppedIsRefused() {
        var configuration = serverConfiguration
        configuration.storedMessageLimit = 4
        var tooOld = Wiring(server: configuration, client: clientConfiguration(sequence: 6))
        for index in 0..<10 { tooOld.serverSends(outboundMessage(index)) }
        #expect(tooOld.server.oldestStoredSequenceNumber == 7)
        tooOld.connect()
        #expect(tooOld.clientCloses == [.loginRejected(.sessionNotAvailable)])
        var inRange = Wiring(server: configuration, client: clientConfiguration(sequence: 7))
        for index in 0..<10 { inRange.serverSends(outboundMessage(index)) }
        inRange.connect()
        #expect(inRange.deliveredToClient.map(\.sequenceNumber) == [7, 8, 9, 10])
        #expect(inRange.deliveredToClient.map(\.message) == (6..<10).map(outboundMessage))
    }

    @Test func loginReplaysFromARequestedNumberAfterTheStoreWrapped() {
        var configuration = serverConfiguration
        configuration.storedMessageLimit = 7
        var wiring = Wiring(server: configuration, client: clientConfiguration(sequence: 20))
        // Messages of every outbound size, so that the byte ring wraps mid-message.
        for index in 0..<25 { wiring.serverSends(outboundMessage(index)) }
        #expect(wiring.server.oldestStoredSequenceNumber == 19)
        wiring.server.checkInvariants()
        wiring.connect()
        #expect(wiring.logins.map(\.nextSequenceNumber) == [20])
        #expect(wiring.deliveredToClient.map(\.sequenceNumber) == Array(20...25))
        #expect(wiring.deliveredToClient.map(\.message) == (19..<25).map(outboundMessage))
        wiring.serverSends(outboundMessage(25))
        #expect(wiring.deliveredToClient.last?.sequenceNumber == 26)
    }

    @Test func endOfSessionClosesAndRefusesLaterLogins() {
        var wiring = Wiring(server: serverConfiguration, client: clientConfiguration())
        wiring.connect()
        var actions: [SoupBinTCPServerSession.Action] = []
        wiring.server.endSession(nowNs: wiring.nowNs, actions: &actions)
        #expect(actions == [.send(.endOfSession), .close(.endOfSession)])
        wiring.applyServer(actions)
        wiring.pump()
        #expect(wiring.clientCloses == [.endOfSession])
        [UInt8](repeating: 1, count: 3).withUnsafeBytes { payload in
            var more: [SoupBinTCPServerSession.Action] = []
            #expect(throws: SoupBinTCPSessionError.sessionEnded) {
                try wiring.server.sendSequencedData(payload, nowNs: 0, actions: &more)
            }
        }
        wiring.connect()
        #expect(wiring.clientCloses.last == .loginRejected(.sessionNotAvailable))
    }

    @Test func dataBeforeLoginClosesTheConnection() {
        var wiring = Wiring(server: serverConfiguration, client: clientConfiguration())
        var actions: [SoupBinTCPServerSession.Action] = []
        wiring.server.connectionOpened(nowNs: 0, actions: &actions)
        wiring.serverOpen = true
        wiring.rawToServer([0, 4, UInt8(ascii: "U"), 1, 2, 3])
        #expect(wiring.serverCloses == [.protocolViolation(.unexpectedPacket(type: UInt8(ascii: "U")))])
        #expect(wiring.serverSent.isEmpty)
    }

    @Test func malformedLoginIsRejectedThenClosed() {
        var request = [UInt8](repeating: 0, count: SoupBinTCPLoginRequest.encodedByteCount)
        request.withUnsafeMutableBytes {
            _ = SoupBinTCPLoginRequest(
                username: SoupBinTCPUsername("TRADER")!, password: SoupBinTCPPassword("hunter2")!,
                requestedSession: .blank, requestedSequenceNumber: 1
            ).encode(into: $0)
        }
        request[40] = UInt8(ascii: "x") // inside the sequence number
        for bad in [request, [0, 5, UInt8(ascii: "L"), 1, 2, 3, 4]] {
            var wiring = Wiring(server: serverConfiguration, client: clientConfiguration())
            var actions: [SoupBinTCPServerSession.Action] = []
            wiring.server.connectionOpened(nowNs: 0, actions: &actions)
            wiring.serverOpen = true
            wiring.rawToServer(bad)
            #expect(wiring.serverSent == [.loginRejected(.notAuthorized)])
            #expect(wiring.serverCloses == [.loginRejected(.notAuthorized)])
        }
    }

    @Test func garbageFramesCloseWithoutATrap() {
        let streams: [[UInt8]] = [
            [0, 0, 1, 2],                   // zero Packet Length
            [0xFF, 0xFF] + [UInt8](repeating: 0x55, count: 300), // above the maximum
            [0, 2, UInt8(ascii: "R"), 9],   // heartbeat with a payload
            [0, 1, 0x07],                   // unknown type
            [0, 1, UInt8(ascii: "H")],      // a server packet from the client
            [0, 1, UInt8(ascii: "L")],      // a second, short login
        ]
        for stream in streams {
            var wiring = Wiring(server: serverConfiguration, client: clientConfiguration())
            wiring.serverDecoder = SoupBinTCPFrameDecoder(maximumPacketLength: 256)
            wiring.connect()
            wiring.serverDecoder = SoupBinTCPFrameDecoder(maximumPacketLength: 256)
            wiring.rawToServer(stream)
            #expect(wiring.serverCloses.count == 1, "\(stream.prefix(4))")
            guard case .protocolViolation = wiring.serverCloses.first else {
                Issue.record("\(wiring.serverCloses)"); continue
            }
        }
    }

    @Test func randomBytesNeverTrapEitherSession() {
        var random = SplitMix64(state: 0xC0FFEE)
        var closed = 0
        for round in 0..<10_000 {
            var wiring = Wiring(server: serverConfiguration, client: clientConfiguration())
            wiring.random = SplitMix64(state: UInt64(round))
            if round % 2 == 0 { wiring.connect() } else {
                var actions: [SoupBinTCPServerSession.Action] = []
                wiring.server.connectionOpened(nowNs: 0, actions: &actions)
                wiring.serverOpen = true
                wiring.clientOpen = true
            }
            // Mostly plausible frames with random types and lengths, sometimes raw noise.
            var stream: [UInt8] = []
            for _ in 0..<8 {
                let length = Int(random.next() % 50)
                let type = Array("+ALUROSHZJ".utf8)[Int(random.next() % 10)]
                stream += [UInt8(length >> 8), UInt8(length & 0xFF), type]
                stream += (0..<max(0, length - 1)).map { _ in UInt8(truncatingIfNeeded: random.next()) }
                if random.next() % 8 == 0 { stream.append(UInt8(truncatingIfNeeded: random.next())) }
            }
            wiring.toClient += stream
            wiring.rawToServer(stream)
            wiring.advance(to: 20 * second)
            closed += wiring.serverCloses.isEmpty ? 0 : 1
        }
        #expect(closed > 7_000)
    }
}
