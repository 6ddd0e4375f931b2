import Wire

/// A venue's ITCH 5.0 recovery service over SoupBinTCP 3.0: a client that
/// missed part of the MoldUDP64 feed logs in with the sequence number it
/// wants next and receives every ITCH message from there as Sequenced Data,
/// then the live feed, on one TCP connection. Sequence numbers are the
/// feed's own, so a client joins both streams by number.
///
/// Messages are read from the feed's retransmission store, so any number of
/// recovery connections share one copy. Sans-I/O like every port: bytes and
/// time in, bytes, one timer and a close out.
public struct ITCHRecoveryPort {
    enum State: Equatable {
        case awaitingLogin(connectedAtNs: Int64)
        /// `nextSequenceNumber` is the next message to send.
        case active(nextSequenceNumber: UInt64)
        case closed
    }

    public let session: SoupBinTCPSessionName
    public let username: SoupBinTCPUsername
    public let password: SoupBinTCPPassword
    public let timers: SoupBinTCPTimers
    /// Sequenced Data packets sent per call at most, so one slow reader
    /// catching up from the start of the day never holds up the venue long.
    public static let maximumMessagesPerCall = 10_000

    var state: State = .closed
    var decoder = SoupBinTCPFrameDecoder(maximumPacketLength: 1_024)
    var liveness: SoupBinTCPLiveness

    public init(session: SoupBinTCPSessionName, username: SoupBinTCPUsername, password: SoupBinTCPPassword,
                timers: SoupBinTCPTimers = .standard) {
        self.session = session
        self.username = username
        self.password = password
        self.timers = timers
        liveness = SoupBinTCPLiveness(timers: timers)
    }

    public var isLoggedIn: Bool {
        if case .active = state { return true }
        return false
    }

    /// The next feed sequence number this connection will send, when logged in.
    public var nextSequenceNumber: UInt64? {
        if case .active(let next) = state { return next }
        return nil
    }

    public mutating func connectionOpened(nowNs: Int64, output: inout ConnectionOutput) {
        state = .awaitingLogin(connectedAtNs: nowNs)
        decoder = SoupBinTCPFrameDecoder(maximumPacketLength: 1_024)
        liveness.reset(nowNs: nowNs)
        output.timerAtNs = nowNs + timers.loginTimeoutNs
    }

    /// Bytes from the client: its Login Request, heartbeats, a Logout Request.
    public mutating func received(
        _ bytes: UnsafeRawBufferPointer, nowNs: Int64, store: MoldUDP64RetransmissionStore, output: inout ConnectionOutput
    ) {
        guard state != .closed else { return }
        liveness.noteReceived(nowNs: nowNs)
        var packets: [(type: UInt8, payload: [UInt8])] = []
        do {
            try decoder.decode(bytes) { packet in
                packets.append((packet.typeByte, Array(packet.bytes)))
                return .continueDecoding
            }
        } catch {
            close("framing error: \(error)", output: &output)
            return
        }
        for packet in packets where state != .closed {
            handle(type: packet.type, packet: packet.payload, nowNs: nowNs, store: store, output: &output)
        }
    }

    mutating func handle(type: UInt8, packet: [UInt8], nowNs: Int64, store: MoldUDP64RetransmissionStore,
                         output: inout ConnectionOutput) {
        switch state {
        case .closed:
            return
        case .awaitingLogin:
            guard type == SoupBinTCPPacketType.loginRequest.rawValue else {
                close("packet '\(Character(Unicode.Scalar(type)))' before login", output: &output)
                return
            }
            let request: SoupBinTCPLoginRequest
            do {
                request = try packet.withUnsafeBytes { bytes throws(WireDecodingError) in
                    try SoupBinTCPLoginRequest(decoding: bytes)
                }
            } catch {
                reject(.notAuthorized, output: &output)
                return
            }
            guard request.username == username, request.password == password else {
                reject(.notAuthorized, output: &output)
                return
            }
            guard request.requestedSession.isBlank || request.requestedSession == session else {
                reject(.sessionNotAvailable, output: &output)
                return
            }
            // 0 asks for the next message published; anything older than the
            // store still holds cannot be served.
            let next = request.requestedSequenceNumber == 0 ? store.nextSequenceNumber : request.requestedSequenceNumber
            guard next >= store.firstSequenceNumber else {
                reject(.sessionNotAvailable, output: &output)
                return
            }
            let accepted = SoupBinTCPLoginAccepted(session: session, nextSequenceNumber: next)
            output.appendMessage(count: SoupBinTCPLoginAccepted.encodedByteCount) { accepted.encode(into: $0) }
            state = .active(nextSequenceNumber: next)
            liveness.noteSent(nowNs: nowNs)
            catchUp(nowNs: nowNs, store: store, output: &output)
        case .active:
            switch SoupBinTCPPacketType(rawValue: type) {
            case .clientHeartbeat, .debug:
                break
            case .logoutRequest:
                close("logout requested", output: &output)
            default:
                close("unexpected packet '\(Character(Unicode.Scalar(type)))'", output: &output)
            }
        }
    }

    /// The feed published more messages: send what this client has not had.
    public mutating func catchUp(nowNs: Int64, store: MoldUDP64RetransmissionStore, output: inout ConnectionOutput) {
        guard case .active(var next) = state else { return }
        var sent = 0
        while next < store.nextSequenceNumber, sent < Self.maximumMessagesPerCall {
            guard let message = store.message(sequenceNumber: next) else {
                // Evicted while this client lagged: the gap cannot be served.
                close("sequence \(next) is no longer retained", output: &output)
                return
            }
            output.appendMessage(count: SoupBinTCP.headerByteCount + message.count) { buffer in
                message.withUnsafeBytes { SoupBinTCP.encodeDataPacket(.sequencedData, payload: $0, into: buffer) }
            }
            next += 1
            sent += 1
        }
        if sent > 0 { liveness.noteSent(nowNs: nowNs) }
        state = .active(nextSequenceNumber: next)
        armTimer(output: &output)
    }

    public mutating func timerFired(nowNs: Int64, output: inout ConnectionOutput) {
        switch state {
        case .closed:
            return
        case .awaitingLogin(let connectedAtNs):
            if nowNs >= connectedAtNs + timers.loginTimeoutNs {
                close("login timeout", output: &output)
            } else {
                output.timerAtNs = connectedAtNs + timers.loginTimeoutNs
            }
        case .active:
            switch liveness.check(nowNs: nowNs) {
            case .peerSilent:
                close("client silent", output: &output)
                return
            case .heartbeat:
                output.appendMessage(count: SoupBinTCP.headerByteCount) {
                    SoupBinTCP.encodeEmptyPacket(.serverHeartbeat, into: $0)
                }
            case .nothing:
                break
            }
            armTimer(output: &output)
        }
    }

    /// End of the day: End of Session, then close.
    public mutating func endOfDay(nowNs: Int64, output: inout ConnectionOutput) {
        guard isLoggedIn else { return }
        output.appendMessage(count: SoupBinTCP.headerByteCount) { SoupBinTCP.encodeEmptyPacket(.endOfSession, into: $0) }
        close("end of session", output: &output)
    }

    mutating func armTimer(output: inout ConnectionOutput) {
        output.timerAtNs = liveness.nextDeadlineNs
    }

    mutating func reject(_ code: SoupBinTCPLoginRejectCode, output: inout ConnectionOutput) {
        let rejected = SoupBinTCPLoginRejected(code: code)
        output.appendMessage(count: SoupBinTCPLoginRejected.encodedByteCount) { rejected.encode(into: $0) }
        close("login rejected", output: &output)
    }

    mutating func close(_ reason: String, output: inout ConnectionOutput) {
        state = .closed
        output.timerAtNs = nil
        output.closeReason = reason
    }
}
