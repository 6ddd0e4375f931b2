/// The client side of a SoupBinTCP 3.00 session. Sans-I/O: packets and time
/// go in, actions come out; the driver's duties are those described on
/// `SoupBinTCPServerSession`.
///
/// It tracks the sequence number of the next Sequenced Data packet, so a
/// reconnect asks the server to resume exactly where the last connection
/// stopped.
public struct SoupBinTCPClientSession {
    /// Credentials, where to start, and timers.
    public struct Configuration: Sendable {
        public var username: SoupBinTCPUsername
        public var password: SoupBinTCPPassword
        /// Blank asks for the server's currently active session.
        public var requestedSession: SoupBinTCPSessionName
        /// Where the first login starts: 1 = from the start, 0 = from now.
        public var requestedSequenceNumber: UInt64
        public var timers: SoupBinTCPTimers

        public init(
            username: SoupBinTCPUsername,
            password: SoupBinTCPPassword,
            requestedSession: SoupBinTCPSessionName = .blank,
            requestedSequenceNumber: UInt64 = 1,
            timers: SoupBinTCPTimers = .standard
        ) {
            self.username = username
            self.password = password
            self.requestedSession = requestedSession
            self.requestedSequenceNumber = requestedSequenceNumber
            self.timers = timers
        }
    }

    /// A packet to write; `encode(_:into:)` turns all but `unsequencedData` into bytes.
    public enum Packet: Equatable, Sendable {
        case loginRequest(SoupBinTCPLoginRequest)
        /// The message passed to `sendUnsequencedData`; the caller frames it
        /// with `SoupBinTCP.encodeDataPacket(.unsequencedData, payload:into:)`.
        case unsequencedData
        case clientHeartbeat
        case logoutRequest
    }

    /// Why the client closed the connection.
    public enum CloseReason: Equatable, Sendable {
        case loginRejected(SoupBinTCPLoginRejectCode)
        case loginTimeout
        /// Nothing arrived from the server for the idle timeout.
        case serverSilent
        case logoutRequested
        /// The server sent End of Session.
        case endOfSession
        case protocolViolation(SoupBinTCPProtocolViolation)
    }

    /// What the driver must do, in order.
    public enum Action: Equatable, Sendable {
        case send(Packet)
        /// The server accepted the login.
        case loggedIn(SoupBinTCPLoginAccepted)
        /// Hand the payload of the packet just passed to `received` to the
        /// application; it is the message with this sequence number.
        case deliverSequencedData(sequenceNumber: UInt64)
        /// Arm the connection's single timer for this time, replacing any armed one.
        case armTimer(atNs: Int64)
        /// Close the connection after writing the sends before this action.
        case close(CloseReason)
    }

    private enum ConnectionState: Equatable {
        case disconnected
        case awaitingLoginResponse(sentAtNs: Int64)
        case active
        /// Logged in to a session found again after it was refused: the
        /// replay of what was taken in before is skipped up to this number
        /// (off the common path, which checks for `.active` alone).
        case catchingUp(deliversFrom: UInt64)
    }

    public let configuration: Configuration
    private var state: ConnectionState = .disconnected
    private var armedTimerNs: Int64?
    @usableFromInline var liveness: SoupBinTCPLiveness
    /// The session the server named in its last Login Accepted.
    public private(set) var session: SoupBinTCPSessionName?
    /// The sequence number the next Sequenced Data packet carries; nil before the first login.
    public private(set) var nextExpectedSequenceNumber: UInt64?
    /// Sequenced messages taken in from sessions the server no longer has.
    public private(set) var messagesOfEarlierSessions: UInt64 = 0
    /// The session refused, and the sequence number this client expected
    /// in it: should the current session turn out to be the same one, what
    /// was already taken in is not delivered again.
    private var refusedSession: (name: SoupBinTCPSessionName, next: UInt64)?
    /// The server refused the session this client was in: the next login
    /// asks for the current session from its first message.
    private var joinsCurrentSession: Bool { refusedSession != nil }

    public init(configuration: Configuration) {
        self.configuration = configuration
        liveness = SoupBinTCPLiveness(timers: configuration.timers)
    }

    /// Whether the server accepted the login on the current connection.
    public var isLoggedIn: Bool {
        switch state {
        case .active, .catchingUp: true
        case .disconnected, .awaitingLoginResponse: false
        }
    }

    /// Sequenced messages taken in since the start, over every session.
    /// Wrapping, as the counts below: a server's numbers, however hostile
    /// (a Login Accepted at 0, or near the largest), never trap the client.
    public var messagesReceived: UInt64 { messagesOfEarlierSessions &+ Self.messagesTakenIn(expecting: nextExpectedSequenceNumber ?? 1) }

    /// Messages of a session taken in by a client that expects `next`
    /// (a server's 0 counts as 1, so the count never traps).
    static func messagesTakenIn(expecting next: UInt64) -> UInt64 { max(next, 1) - 1 }

    /// Connected: send the Login Request.
    public mutating func connectionOpened(nowNs: Int64, actions: inout [Action]) {
        precondition(state == .disconnected, "one connection at a time")
        let request = SoupBinTCPLoginRequest(
            username: configuration.username,
            password: configuration.password,
            requestedSession: joinsCurrentSession ? .blank : session ?? configuration.requestedSession,
            requestedSequenceNumber: joinsCurrentSession ? 1 : nextExpectedSequenceNumber ?? configuration.requestedSequenceNumber)
        state = .awaitingLoginResponse(sentAtNs: nowNs)
        armedTimerNs = nil
        actions.append(.send(.loginRequest(request)))
        liveness.reset(nowNs: nowNs)
        arm(nowNs + configuration.timers.loginTimeoutNs, &actions)
    }

    /// The connection went away (closed by either side).
    public mutating func connectionClosed() {
        state = .disconnected
        armedTimerNs = nil
    }

    /// The common case of `received` without an action list: Sequenced
    /// Data on a logged-in session is taken and its sequence number returned,
    /// exactly as a `.deliverSequencedData` action would carry it. For any
    /// other packet or state nothing changes and the result is nil: the
    /// caller hands the packet to `received`.
    public mutating func receivedSequencedData(_ packet: SoupBinTCPPacketView, nowNs: Int64) -> UInt64? {
        guard state == .active, packet.typeByte == SoupBinTCPPacketType.sequencedData.rawValue,
              let sequenceNumber = nextExpectedSequenceNumber, sequenceNumber < UInt64.max else { return nil }
        liveness.noteReceived(nowNs: nowNs)
        nextExpectedSequenceNumber = sequenceNumber + 1
        return sequenceNumber
    }

    /// One packet from the server. Packets after a `close` action are ignored.
    public mutating func received(_ packet: SoupBinTCPPacketView, nowNs: Int64, actions: inout [Action]) {
        guard state != .disconnected else { return }
        liveness.noteReceived(nowNs: nowNs)
        let type: SoupBinTCPPacketType
        do {
            type = try packet.validatedType()
        } catch {
            close(.protocolViolation(.malformedPacket(error)), &actions)
            return
        }
        // Catching up is being logged in, but for which messages are delivered.
        var phase = state
        if case .catchingUp = state { phase = .active }
        switch (phase, type) {
        case (_, .debug):
            break
        case (.awaitingLoginResponse, .loginAccepted):
            let accepted: SoupBinTCPLoginAccepted
            do {
                accepted = try SoupBinTCPLoginAccepted(decoding: packet.bytes)
            } catch {
                close(.protocolViolation(.malformedPacket(error)), &actions)
                return
            }
            state = .active
            session = accepted.session
            nextExpectedSequenceNumber = accepted.nextSequenceNumber
            if let refused = refusedSession.take(), refused.name == accepted.session {
                // The refusal was not the end of the session: its start is
                // replayed, and what was taken in before stays counted once.
                messagesOfEarlierSessions &-= Self.messagesTakenIn(expecting: refused.next)
                if accepted.nextSequenceNumber < refused.next { state = .catchingUp(deliversFrom: refused.next) }
            }
            actions.append(.loggedIn(accepted))
            arm(liveness.nextDeadlineNs, &actions)
        case (.awaitingLoginResponse, .loginRejected):
            do {
                let rejected = try SoupBinTCPLoginRejected(decoding: packet.bytes)
                if rejected.code == .sessionNotAvailable { forgetSession() }
                close(.loginRejected(rejected.code), &actions)
            } catch {
                close(.protocolViolation(.malformedPacket(error)), &actions)
            }
        case (.active, .sequencedData):
            let sequenceNumber = nextExpectedSequenceNumber!
            // A server that announced the last possible number cannot send
            // another message: that is its violation, never our trap.
            guard sequenceNumber < UInt64.max else {
                close(.protocolViolation(.sequenceNumberExhausted), &actions)
                return
            }
            nextExpectedSequenceNumber = sequenceNumber + 1
            if case .catchingUp(let deliversFrom) = state, sequenceNumber < deliversFrom {
                if sequenceNumber + 1 == deliversFrom { state = .active }
            } else {
                actions.append(.deliverSequencedData(sequenceNumber: sequenceNumber))
            }
        case (.active, .serverHeartbeat):
            break
        case (.active, .endOfSession):
            close(.endOfSession, &actions)
        default:
            close(.protocolViolation(.unexpectedPacket(type: type.rawValue)), &actions)
        }
    }

    /// 'S' for the session this client was in: the server no longer has it
    /// (it restarted without its state, or started the next one). What was
    /// taken in of it is counted; the next login joins the current session
    /// from its first message, whatever its name.
    private mutating func forgetSession() {
        guard let session else { return }
        let next = nextExpectedSequenceNumber ?? 1
        messagesOfEarlierSessions &+= Self.messagesTakenIn(expecting: next)
        refusedSession = (session, next)
        self.session = nil
        nextExpectedSequenceNumber = nil
    }

    /// The byte stream could not be framed: close.
    public mutating func framingFailed(_ error: SoupBinTCPFramingError, actions: inout [Action]) {
        guard state != .disconnected else { return }
        close(.protocolViolation(.framing(error)), &actions)
    }

    /// The armed timer expired. A stale timer (earlier than the armed one) is ignored.
    public mutating func timerFired(nowNs: Int64, actions: inout [Action]) {
        guard let armed = armedTimerNs, nowNs >= armed else { return }
        armedTimerNs = nil
        let timers = configuration.timers
        switch state {
        case .disconnected:
            return
        case let .awaitingLoginResponse(sentAtNs):
            if nowNs - sentAtNs >= timers.loginTimeoutNs {
                close(.loginTimeout, &actions)
            } else {
                arm(sentAtNs + timers.loginTimeoutNs, &actions)
            }
        case .active, .catchingUp:
            switch liveness.check(nowNs: nowNs) {
            case .peerSilent:
                close(.serverSilent, &actions)
                return
            case .heartbeat:
                actions.append(.send(.clientHeartbeat))
            case .nothing:
                break
            }
            arm(liveness.nextDeadlineNs, &actions)
        }
    }

    /// Sends one Unsequenced Data packet (an OUCH inbound message, say):
    /// appends `.send(.unsequencedData)`, which the caller writes. Not
    /// `@inlinable`: inlined into a client, the check of the private state
    /// went through a copy of the whole session per message.
    public mutating func sendUnsequencedData(nowNs: Int64, actions: inout [Action]) throws(SoupBinTCPSessionError) {
        guard isLoggedIn else { throw .notLoggedIn }
        actions.append(.send(.unsequencedData))
        noteSent(nowNs: nowNs)
    }

    /// The same as `sendUnsequencedData` for a caller that frames and writes
    /// the packet itself: no action to append and then discard, per message.
    public mutating func noteUnsequencedDataSent(nowNs: Int64) throws(SoupBinTCPSessionError) {
        guard isLoggedIn else { throw .notLoggedIn }
        noteSent(nowNs: nowNs)
    }

    /// Sends Logout Request and closes.
    public mutating func logout(nowNs: Int64, actions: inout [Action]) {
        guard state != .disconnected else { return }
        actions.append(.send(.logoutRequest))
        liveness.noteSent(nowNs: nowNs)
        close(.logoutRequested, &actions)
    }

    /// Bytes `encode(packet, into:)` writes.
    @inlinable
    public static func encodedByteCount(of packet: Packet) -> Int {
        switch packet {
        case .loginRequest: SoupBinTCPLoginRequest.encodedByteCount
        case .unsequencedData: preconditionFailure("the caller frames its own unsequenced message")
        case .clientHeartbeat, .logoutRequest: SoupBinTCP.headerByteCount
        }
    }

    /// Writes `packet` at the start of `buffer` and returns its size.
    @inlinable @discardableResult
    public static func encode(_ packet: Packet, into buffer: UnsafeMutableRawBufferPointer) -> Int {
        switch packet {
        case let .loginRequest(request): request.encode(into: buffer)
        case .unsequencedData: preconditionFailure("the caller frames its own unsequenced message")
        case .clientHeartbeat: SoupBinTCP.encodeEmptyPacket(.clientHeartbeat, into: buffer)
        case .logoutRequest: SoupBinTCP.encodeEmptyPacket(.logoutRequest, into: buffer)
        }
    }

    /// Traps if the session's bookkeeping is inconsistent.
    public func checkInvariants() {
        if isLoggedIn {
            precondition(armedTimerNs != nil, "a logged-in connection always has a timer")
            precondition(nextExpectedSequenceNumber != nil && session != nil)
        }
        if state == .disconnected { precondition(armedTimerNs == nil) }
    }

    @usableFromInline
    mutating func noteSent(nowNs: Int64) { liveness.noteSent(nowNs: nowNs) }

    private mutating func close(_ reason: CloseReason, _ actions: inout [Action]) {
        actions.append(.close(reason))
        state = .disconnected
        armedTimerNs = nil
    }

    private mutating func arm(_ deadlineNs: Int64, _ actions: inout [Action]) {
        if let armed = armedTimerNs, armed <= deadlineNs { return }
        armedTimerNs = deadlineNs
        actions.append(.armTimer(atNs: deadlineNs))
    }
}
