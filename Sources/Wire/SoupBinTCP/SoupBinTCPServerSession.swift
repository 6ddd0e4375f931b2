/// The server side of one SoupBinTCP 3.00 session (one account's stream of
/// sequenced messages), across the connections that log in to it. Sans-I/O:
/// packets and time go in, actions come out.
///
/// A driver opens a connection with `connectionOpened`, splits the byte
/// stream with `SoupBinTCPFrameDecoder` and hands each packet to `received`,
/// keeps one timer per connection (each `armTimer` replaces the armed one)
/// and calls `timerFired` when it expires, and carries out the actions in
/// order. A `send` is written with `encode(_:into:)` before the next call
/// that can store a message, since a replayed message is read from the store.
///
/// Sequenced messages sent while no client is logged in are stored and
/// replayed on the next login that asks for them; the store keeps the newest
/// `storedMessageLimit`.
public struct SoupBinTCPServerSession {
    /// The default bound on messages kept for replay.
    public static let defaultStoredMessageLimit = 131_072
    /// The default largest sequenced message: every OUCH 4.2 and ITCH 5.0 message fits.
    public static let defaultMaximumMessageByteCount = 128

    /// The session's name, the one account allowed to log in to it, timers, and the replay store's bounds.
    public struct Configuration: Sendable {
        public var session: SoupBinTCPSessionName
        public var username: SoupBinTCPUsername
        public var password: SoupBinTCPPassword
        public var timers: SoupBinTCPTimers
        /// Most sequenced messages kept for replay; older ones are dropped.
        public var storedMessageLimit: Int
        /// Largest sequenced message accepted (the store's slot size).
        public var maximumMessageByteCount: Int
        /// The sequence number of the session's first message.
        public var firstSequenceNumber: UInt64

        public init(
            session: SoupBinTCPSessionName,
            username: SoupBinTCPUsername,
            password: SoupBinTCPPassword,
            timers: SoupBinTCPTimers = .standard,
            storedMessageLimit: Int = SoupBinTCPServerSession.defaultStoredMessageLimit,
            maximumMessageByteCount: Int = SoupBinTCPServerSession.defaultMaximumMessageByteCount,
            firstSequenceNumber: UInt64 = 1
        ) {
            self.session = session
            self.username = username
            self.password = password
            self.timers = timers
            self.storedMessageLimit = storedMessageLimit
            self.maximumMessageByteCount = maximumMessageByteCount
            self.firstSequenceNumber = firstSequenceNumber
        }
    }

    /// A packet to write; `encode(_:into:)` turns it into bytes.
    public enum Packet: Equatable, Sendable {
        case loginAccepted(SoupBinTCPLoginAccepted)
        case loginRejected(SoupBinTCPLoginRejectCode)
        /// The stored message with this sequence number.
        case sequencedData(sequenceNumber: UInt64)
        case serverHeartbeat
        case endOfSession
    }

    /// Why the server closed the connection.
    public enum CloseReason: Equatable, Sendable {
        /// Login Rejected was sent with this code.
        case loginRejected(SoupBinTCPLoginRejectCode)
        case loginTimeout
        /// Nothing arrived from the client for the idle timeout.
        case clientSilent
        case logoutRequested
        /// End of Session was sent.
        case endOfSession
        case protocolViolation(SoupBinTCPProtocolViolation)
    }

    /// What the driver must do, in order.
    public enum Action: Equatable, Sendable {
        case send(Packet)
        /// Hand the payload of the packet just passed to `received` to the
        /// application (an OUCH inbound message, for example).
        case deliverUnsequencedData
        /// Arm the connection's single timer for this time, replacing any armed one.
        case armTimer(atNs: Int64)
        /// Close the connection after writing the sends before this action.
        case close(CloseReason)
    }

    private enum ConnectionState: Equatable {
        case disconnected
        case awaitingLogin(connectedAtNs: Int64)
        case active
    }

    /// Changes only with `startNewSession(named:)`.
    public private(set) var configuration: Configuration
    private var state: ConnectionState = .disconnected
    private var store: SoupBinTCPMessageStore
    private var armedTimerNs: Int64?
    @usableFromInline var liveness: SoupBinTCPLiveness
    /// True once End of Session was sent: no more messages, no more logins.
    public private(set) var hasEnded = false

    public init(configuration: Configuration) {
        self.configuration = configuration
        liveness = SoupBinTCPLiveness(timers: configuration.timers)
        store = SoupBinTCPMessageStore(
            firstSequenceNumber: configuration.firstSequenceNumber,
            messageLimit: configuration.storedMessageLimit,
            maximumMessageByteCount: configuration.maximumMessageByteCount)
    }

    /// The sequence number the next sequenced message will get.
    public var nextSequenceNumber: UInt64 { store.nextSequenceNumber }
    /// The oldest sequence number a login can still ask to replay from.
    public var oldestStoredSequenceNumber: UInt64 { store.oldestSequenceNumber }
    /// Whether a client is logged in on the current connection.
    public var isLoggedIn: Bool { state == .active }

    // MARK: Inputs

    /// A client connected: wait for its Login Request.
    public mutating func connectionOpened(nowNs: Int64, actions: inout [Action]) {
        precondition(state == .disconnected, "one connection at a time per session")
        state = .awaitingLogin(connectedAtNs: nowNs)
        liveness.reset(nowNs: nowNs)
        armedTimerNs = nil
        arm(nowNs + configuration.timers.loginTimeoutNs, &actions)
    }

    /// The connection went away (closed by either side). Stored messages stay.
    public mutating func connectionClosed() {
        state = .disconnected
        armedTimerNs = nil
    }

    /// Starts the session again under another name, as a server that lost
    /// its state does (a gateway restarted without it): the stored messages
    /// are gone, numbering starts again at the configuration's first
    /// sequence number, and the session is between connections. A Login
    /// Request for the old name then gets Login Rejected 'S'; one for the
    /// current session (a blank name) gets the new one.
    /// - Precondition: `name` is not blank and not the current name.
    public mutating func startNewSession(named name: SoupBinTCPSessionName) {
        precondition(!name.isBlank && name != configuration.session, "a new session needs a new name")
        configuration.session = name
        store = SoupBinTCPMessageStore(
            firstSequenceNumber: configuration.firstSequenceNumber,
            messageLimit: configuration.storedMessageLimit,
            maximumMessageByteCount: configuration.maximumMessageByteCount)
        state = .disconnected
        armedTimerNs = nil
        hasEnded = false
    }

    /// The common case of `received` without an action list: Unsequenced
    /// Data on a logged-in session is taken and true returned, as a
    /// `.deliverUnsequencedData` action would say. For any other packet or
    /// state nothing changes and the result is false: the caller hands the
    /// packet to `received`.
    public mutating func receivedUnsequencedData(_ packet: SoupBinTCPPacketView, nowNs: Int64) -> Bool {
        guard state == .active, packet.typeByte == SoupBinTCPPacketType.unsequencedData.rawValue else { return false }
        liveness.noteReceived(nowNs: nowNs)
        return true
    }

    /// One packet from the client. Packets after a `close` action are ignored.
    public mutating func received(_ packet: SoupBinTCPPacketView, nowNs: Int64, actions: inout [Action]) {
        switch state {
        case .disconnected:
            return
        case .awaitingLogin:
            liveness.noteReceived(nowNs: nowNs)
            guard packet.typeByte == SoupBinTCPPacketType.loginRequest.rawValue else {
                close(.protocolViolation(.unexpectedPacket(type: packet.typeByte)), &actions)
                return
            }
            let request: SoupBinTCPLoginRequest
            do {
                request = try SoupBinTCPLoginRequest(decoding: packet.bytes)
            } catch {
                // A login we cannot read gets the protocol's answer, not a trap.
                reject(.notAuthorized, &actions)
                return
            }
            login(request, nowNs: nowNs, actions: &actions)
        case .active:
            liveness.noteReceived(nowNs: nowNs)
            let type: SoupBinTCPPacketType
            do {
                type = try packet.validatedType()
            } catch {
                close(.protocolViolation(.malformedPacket(error)), &actions)
                return
            }
            switch type {
            case .unsequencedData: actions.append(.deliverUnsequencedData)
            case .clientHeartbeat, .debug: break
            case .logoutRequest: close(.logoutRequested, &actions)
            case .loginRequest, .loginAccepted, .loginRejected, .sequencedData, .serverHeartbeat, .endOfSession:
                close(.protocolViolation(.unexpectedPacket(type: type.rawValue)), &actions)
            }
        }
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
        case let .awaitingLogin(connectedAtNs):
            if nowNs - connectedAtNs >= timers.loginTimeoutNs {
                close(.loginTimeout, &actions)
            } else {
                arm(connectedAtNs + timers.loginTimeoutNs, &actions)
            }
        case .active:
            switch liveness.check(nowNs: nowNs) {
            case .peerSilent:
                close(.clientSilent, &actions)
                return
            case .heartbeat:
                actions.append(.send(.serverHeartbeat))
            case .nothing:
                break
            }
            arm(liveness.nextDeadlineNs, &actions)
        }
    }

    /// Stores `message` under the next sequence number and, if a client is
    /// logged in, sends it as Sequenced Data.
    /// - Complexity: O(message size).
    public mutating func sendSequencedData(
        _ message: UnsafeRawBufferPointer, nowNs: Int64, actions: inout [Action]
    ) throws(SoupBinTCPSessionError) {
        let sequenceNumber = try storeSequencedData(message)
        if isLoggedIn {
            actions.append(.send(.sequencedData(sequenceNumber: sequenceNumber)))
            noteSent(nowNs: nowNs)
        }
    }

    /// As `sendSequencedData`, for a caller that frames the packet itself:
    /// instead of a `.send` action, returns true when the message must go
    /// out now as Sequenced Data (a client is logged in). Saves a port the
    /// round trip through the action list and the store for every report.
    /// Not `@inlinable`, nor `sendSequencedData`: inlined into a port, the
    /// check of the private state went through a copy of the whole session
    /// (over 200 bytes) per message.
    public mutating func recordSequencedData(
        _ message: UnsafeRawBufferPointer, nowNs: Int64
    ) throws(SoupBinTCPSessionError) -> Bool {
        _ = try storeSequencedData(message)
        guard isLoggedIn else { return false }
        noteSent(nowNs: nowNs)
        return true
    }

    /// Sends End of Session, if a client is logged in, and ends the session:
    /// later logins get Login Rejected 'S'.
    public mutating func endSession(nowNs: Int64, actions: inout [Action]) {
        hasEnded = true
        guard state == .active else { return }
        actions.append(.send(.endOfSession))
        liveness.noteSent(nowNs: nowNs)
        close(.endOfSession, &actions)
    }

    // MARK: Output

    /// Bytes `encode(packet, into:)` writes.
    @inlinable
    public func encodedByteCount(of packet: Packet) -> Int {
        switch packet {
        case .loginAccepted: SoupBinTCPLoginAccepted.encodedByteCount
        case .loginRejected: SoupBinTCPLoginRejected.encodedByteCount
        case let .sequencedData(sequenceNumber): SoupBinTCP.headerByteCount + storedMessageByteCount(sequenceNumber)
        case .serverHeartbeat, .endOfSession: SoupBinTCP.headerByteCount
        }
    }

    /// Writes `packet` at the start of `buffer` and returns its size.
    @inlinable @discardableResult
    public func encode(_ packet: Packet, into buffer: UnsafeMutableRawBufferPointer) -> Int {
        switch packet {
        case let .loginAccepted(accepted): accepted.encode(into: buffer)
        case let .loginRejected(code): SoupBinTCPLoginRejected(code: code).encode(into: buffer)
        case let .sequencedData(sequenceNumber): encodeStored(sequenceNumber, into: buffer)
        case .serverHeartbeat: SoupBinTCP.encodeEmptyPacket(.serverHeartbeat, into: buffer)
        case .endOfSession: SoupBinTCP.encodeEmptyPacket(.endOfSession, into: buffer)
        }
    }

    /// Traps if the session's bookkeeping is inconsistent.
    public func checkInvariants() {
        store.checkInvariants()
        if state == .active { precondition(armedTimerNs != nil, "a logged-in connection always has a timer") }
        if state == .disconnected { precondition(armedTimerNs == nil) }
    }

    // MARK: Internals

    @usableFromInline
    mutating func storeSequencedData(_ message: UnsafeRawBufferPointer) throws(SoupBinTCPSessionError) -> UInt64 {
        guard !hasEnded else { throw .sessionEnded }
        guard message.count <= store.maximumMessageByteCount else {
            throw .messageTooLarge(byteCount: message.count, maximum: store.maximumMessageByteCount)
        }
        return store.append(message)
    }

    @usableFromInline
    mutating func noteSent(nowNs: Int64) { liveness.noteSent(nowNs: nowNs) }

    @usableFromInline
    func storedMessageByteCount(_ sequenceNumber: UInt64) -> Int {
        store.withMessage(sequenceNumber) { $0.count }
    }

    @usableFromInline
    func encodeStored(_ sequenceNumber: UInt64, into buffer: UnsafeMutableRawBufferPointer) -> Int {
        store.withMessage(sequenceNumber) { message in
            SoupBinTCP.encodeDataPacket(.sequencedData, payload: message, into: buffer)
        }
    }

    private mutating func login(_ request: SoupBinTCPLoginRequest, nowNs: Int64, actions: inout [Action]) {
        guard request.username == configuration.username, request.password == configuration.password else {
            reject(.notAuthorized, &actions)
            return
        }
        guard !hasEnded, request.requestedSession.isBlank || request.requestedSession == configuration.session else {
            reject(.sessionNotAvailable, &actions)
            return
        }
        let next = store.nextSequenceNumber
        // 0 asks for the next message generated; a number past the end gets
        // the current position too, as there is nothing to replay.
        let first = request.requestedSequenceNumber == 0 ? next : min(request.requestedSequenceNumber, next)
        guard first == next || store.contains(first) else {
            // Asked to replay messages the bounded store no longer holds.
            reject(.sessionNotAvailable, &actions)
            return
        }
        state = .active
        actions.append(.send(.loginAccepted(SoupBinTCPLoginAccepted(session: configuration.session, nextSequenceNumber: first))))
        var replay = first
        while replay < next {
            actions.append(.send(.sequencedData(sequenceNumber: replay)))
            replay += 1
        }
        liveness.reset(nowNs: nowNs)
        arm(liveness.nextDeadlineNs, &actions)
    }

    private mutating func reject(_ code: SoupBinTCPLoginRejectCode, _ actions: inout [Action]) {
        actions.append(.send(.loginRejected(code)))
        close(.loginRejected(code), &actions)
    }

    private mutating func close(_ reason: CloseReason, _ actions: inout [Action]) {
        actions.append(.close(reason))
        state = .disconnected
        armedTimerNs = nil
    }

    /// Arms the timer only when the new deadline is earlier than the armed
    /// one: later deadlines are picked up when the armed timer fires, so
    /// ordinary traffic never costs a timer action.
    private mutating func arm(_ deadlineNs: Int64, _ actions: inout [Action]) {
        if let armed = armedTimerNs, armed <= deadlineNs { return }
        armedTimerNs = deadlineNs
        actions.append(.armTimer(atNs: deadlineNs))
    }
}
