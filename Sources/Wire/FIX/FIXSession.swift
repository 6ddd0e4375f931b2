// The FIX 4.2 / 4.4 session layer as a sans-I/O state machine: bytes and
// time in, actions out. Behaviour follows the table in PROTOCOLS.md §5
// (FIX session test cases as mature engines implement them).

/// One FIX session, acceptor (venue) or initiator (participant).
///
/// Feed it stream bytes with `received(_:nowNs:)`, timer expiries with
/// `timerFired(nowNs:)`, and outbound traffic with `sendApplication` and
/// `logout`; carry out the returned actions in order. Each entry point also
/// comes in a form that appends to a caller's `FIXSessionOutput` instead of
/// returning an array, which allocates nothing per message once the
/// buffers have grown.
public struct FIXSession {
    /// What the driver must do, in order.
    public enum Action: Equatable {
        /// Write these bytes to the connection.
        case send([UInt8])
        /// The session is logged on (after the Logon exchange).
        case established
        /// Hand an application message to the application.
        /// `possibleResend`: PossResendFlag (97)=Y, the sender may have sent
        /// this request before under another MsgSeqNum.
        case deliver(FIXApplicationMessage, msgSeqNum: Int64, possibleDuplicate: Bool, possibleResend: Bool)
        /// Call `timerFired` at this time (replaces any earlier timer).
        case armTimer(atNs: Int64)
        /// Close the connection; the session accepts no more input.
        case disconnect(FIXDisconnectReason)
    }

    private enum State: Equatable {
        /// Acceptor: waiting for the counterparty's Logon. Initiator: not started.
        case awaitingLogon
        /// Initiator: Logon sent, waiting for the reply.
        case logonSent(deadlineNs: Int64)
        case active
        /// We sent Logout and wait for the counterparty's.
        case logoutSent(deadlineNs: Int64)
        case disconnected
    }

    /// A message received ahead of a sequence gap.
    private struct QueuedMessage {
        var msgSeqNum: Int64
        var bytes: [UInt8]
    }

    public let configuration: FIXSessionConfiguration
    private var state: State = .awaitingLogon
    /// MsgSeqNum of the next message we send.
    public private(set) var nextOutgoingMsgSeqNum: Int64 = 1
    /// MsgSeqNum we expect on the next message received.
    public private(set) var nextExpectedMsgSeqNum: Int64 = 1
    /// Whole frames received, garbled ones included: a count for
    /// monitoring, not a sequence number.
    public private(set) var framesReceived: UInt64 = 0
    private var heartbeatIntervalNs: Int64
    private var lastSentNs: Int64 = 0
    private var lastReceivedNs: Int64 = 0
    private var testRequestSentNs: Int64? = nil
    private var testRequestCounter: Int64 = 0
    /// While a ResendRequest of ours is unanswered: the highest MsgSeqNum seen beyond the gap.
    private var gapHighestMsgSeqNum: Int64? = nil
    private var queue: [QueuedMessage] = []
    private var armedTimerNs: Int64? = nil
    private var framer: FIXFramer
    private var parser = FIXParser()
    private var writer = FIXMessageWriter()
    private var store: FIXOutboundStore
    private var inboundScratch: [UInt8] = []
    /// What the current input produced: the caller's output, swapped in for
    /// the duration of one call.
    private var pending = FIXSessionOutput()
    /// The venue's registry, lent to the session for the duration of one `received` call.
    private var logonRegistry = FIXLogonRegistry()
    /// Whether this session claimed its CompID pair in a `FIXLogonRegistry`.
    public private(set) var holdsLogonClaim = false
    /// Whether a Logon exchange has completed on some connection.
    private var hasLoggedOn = false
    /// Initiator: whether the acceptor's latest Logon reply reset the
    /// sequence numbers unasked (it lost its state). Requests sent before
    /// under the old numbers may never have reached it, and no
    /// ResendRequest will ask for them: the application sends again what
    /// is unanswered, PossResend=Y.
    public private(set) var lastLogonResetUnasked = false
    /// Acceptor: the state was lost (`loseState`), so the next Logon
    /// starts the sequence numbers again, whatever it carries.
    private var resetsAtNextLogon = false
    /// Messages numbered, and messages taken in, under sequence numbers
    /// that a reset has since started again.
    public private(set) var messagesSentBeforeResets: UInt64 = 0
    public private(set) var messagesReceivedBeforeResets: UInt64 = 0

    public init(configuration: FIXSessionConfiguration) {
        self.configuration = configuration
        heartbeatIntervalNs = Int64(configuration.heartbeatIntervalSeconds) * 1_000_000_000
        framer = FIXFramer(maximumMessageBytes: configuration.maximumMessageBytes)
        store = FIXOutboundStore(capacityMessages: configuration.outboundStoreCapacityMessages,
                                 initialMessages: configuration.outboundStoreInitialMessages > 0
                                     ? configuration.outboundStoreInitialMessages : nil)
    }

    /// Whether the Logon exchange is done and no Logout has finished.
    public var isLoggedOn: Bool {
        switch state {
        case .active, .logoutSent: true
        default: false
        }
    }

    /// Logged on with no Logout under way: application messages go out.
    public var isActive: Bool { state == .active }

    public var isDisconnected: Bool { state == .disconnected }

    // MARK: - Inputs

    /// Initiator: sends the Logon.
    public mutating func start(nowNs: Int64) -> [Action] {
        var output = FIXSessionOutput()
        start(nowNs: nowNs, output: &output)
        return output.interleavedActions
    }

    /// Initiator: sends the Logon (into `output`).
    public mutating func start(nowNs: Int64, output: inout FIXSessionOutput) {
        swap(&pending, &output)
        defer { swap(&pending, &output) }
        precondition(configuration.role == .initiator, "only an initiator starts a session")
        precondition(state == .awaitingLogon, "start once")
        beginOutbound(.logon, nowNs: nowNs)
        writer.append(tag: FIXTag.encryptMethod, integer: 0)
        writer.append(tag: FIXTag.heartBtInt, integer: Int64(configuration.heartbeatIntervalSeconds))
        if configuration.resetOnLogon { writer.append(tag: FIXTag.resetSeqNumFlag, character: 0x59) }
        if let username = configuration.username { writer.append(tag: FIXTag.username, string: username) }
        if let password = configuration.password { writer.append(tag: FIXTag.password, string: password) }
        finishOutbound(nowNs: nowNs)
        state = .logonSent(deadlineNs: nowNs + configuration.logonTimeoutNs)
        lastReceivedNs = nowNs
        finishInput(nowNs: nowNs)
    }

    /// Bytes from the connection, in any chunking. An acceptor checks a
    /// Logon against `registry`: a CompID pair that another session holds
    /// is disconnected without a reply.
    public mutating func received(
        _ chunk: UnsafeRawBufferPointer, nowNs: Int64, registry: inout FIXLogonRegistry
    ) -> [Action] {
        var output = FIXSessionOutput()
        received(chunk, nowNs: nowNs, registry: &registry, output: &output)
        return output.interleavedActions
    }

    /// Bytes from the connection, in any chunking.
    public mutating func received(_ chunk: UnsafeRawBufferPointer, nowNs: Int64) -> [Action] {
        var output = FIXSessionOutput()
        received(chunk, nowNs: nowNs, output: &output)
        return output.interleavedActions
    }

    /// Bytes from the connection (into `output`), checking a Logon against
    /// `registry` as `received(_:nowNs:registry:)` does.
    public mutating func received(
        _ chunk: UnsafeRawBufferPointer, nowNs: Int64, registry: inout FIXLogonRegistry, output: inout FIXSessionOutput
    ) {
        swap(&registry, &logonRegistry)
        defer { swap(&registry, &logonRegistry) }
        received(chunk, nowNs: nowNs, output: &output)
    }

    /// Bytes from the connection, in any chunking (into `output`).
    public mutating func received(_ chunk: UnsafeRawBufferPointer, nowNs: Int64, output: inout FIXSessionOutput) {
        guard state != .disconnected else { return }
        swap(&pending, &output)
        defer { swap(&pending, &output) }
        framer.append(chunk)
        while state != .disconnected, let frame = framer.nextFrame() {
            framesReceived &+= 1
            switch frame {
            case .garbled:
                // Garbled: ignored without reply or sequence increment; on a
                // connection that has not logged on yet it ends the connection.
                if state == .awaitingLogon, configuration.role == .acceptor { disconnect(.invalidLogon) }
            case .message(let range):
                framer.copyFrame(range, into: &inboundScratch)
                let message = inboundScratch
                message.withUnsafeBytes { process($0, nowNs: nowNs) }
            }
        }
        finishInput(nowNs: nowNs)
    }

    /// The timer armed by `.armTimer` expired (or any earlier wake-up).
    public mutating func timerFired(nowNs: Int64) -> [Action] {
        var output = FIXSessionOutput()
        timerFired(nowNs: nowNs, output: &output)
        return output.interleavedActions
    }

    /// The timer expired (into `output`).
    public mutating func timerFired(nowNs: Int64, output: inout FIXSessionOutput) {
        swap(&pending, &output)
        defer { swap(&pending, &output) }
        armedTimerNs = nil
        switch state {
        case .awaitingLogon, .disconnected:
            break
        case .logonSent(let deadlineNs):
            if nowNs >= deadlineNs { disconnect(.logonTimeout) }
        case .logoutSent(let deadlineNs):
            if nowNs >= deadlineNs { disconnect(.logoutTimeout) }
        case .active:
            guard heartbeatIntervalNs > 0 else { break }
            if let sentNs = testRequestSentNs {
                if nowNs >= sentNs + heartbeatGraceNs {
                    sendLogout(text: "Heartbeat timeout", nowNs: nowNs)
                    disconnect(.heartbeatTimeout)
                    break
                }
            } else if nowNs >= lastReceivedNs + heartbeatGraceNs {
                testRequestCounter += 1
                beginOutbound(.testRequest, nowNs: nowNs)
                writer.append(tag: FIXTag.testReqID, integer: testRequestCounter)
                finishOutbound(nowNs: nowNs)
                testRequestSentNs = nowNs
            }
            if nowNs >= lastSentNs + heartbeatIntervalNs {
                beginOutbound(.heartbeat, nowNs: nowNs)
                finishOutbound(nowNs: nowNs)
            }
        }
        finishInput(nowNs: nowNs)
    }

    /// Sends an application message (stored for resends). Ignored unless logged on.
    public mutating func sendApplication(_ message: FIXApplicationMessage, nowNs: Int64) -> [Action] {
        var output = FIXSessionOutput()
        sendApplication(message, nowNs: nowNs, output: &output)
        return output.interleavedActions
    }

    /// Sends an application message (into `output`). Ignored unless logged
    /// on, or, on a session that has been logged on, between connections:
    /// then the message takes its MsgSeqNum and waits in the store for the
    /// next Logon's gap, which the counterparty's ResendRequest fills.
    ///
    /// `possibleResend` marks the message PossResend (97)=Y: a request sent
    /// before under a sequence number the counterparty may never have seen
    /// (after an unasked-for reset), which it answers once whichever copy
    /// it takes in.
    public mutating func sendApplication(
        _ message: FIXApplicationMessage, nowNs: Int64, possibleResend: Bool = false, output: inout FIXSessionOutput
    ) {
        guard state == .active else {
            if isBetweenConnections { storeWhileAway(message, nowNs: nowNs) }
            return
        }
        swap(&pending, &output)
        defer { swap(&pending, &output) }
        let msgSeqNum = nextOutgoingMsgSeqNum
        beginOutbound(message.msgType, nowNs: nowNs, possibleResend: possibleResend)
        let bodyStart = writer.bodyByteCount
        message.encodeBody(into: &writer, version: configuration.version, priceDecimals: configuration.priceDecimals)
        let bodyEnd = writer.bodyByteCount
        finishOutbound(nowNs: nowNs)
        writer.withMessageBytes { bytes in
            // The finished message starts with `8=...9=...`; the body sits
            // just before the `10=ccc<SOH>` trailer.
            let end = bytes.count - 7
            let start = end - (bodyEnd - bodyStart)
            store.record(
                msgSeqNum: msgSeqNum, msgType: message.msgType, sendingTimeNs: nowNs, possibleResend: possibleResend,
                body: UnsafeRawBufferPointer(rebasing: bytes[start..<end])
            )
        }
        finishInput(nowNs: nowNs)
    }

    /// Whether the session has been logged on and now waits for its next
    /// connection's Logon: what it sends meanwhile is numbered and stored.
    private var isBetweenConnections: Bool {
        hasLoggedOn && (state == .disconnected || state == .awaitingLogon)
    }

    /// Numbers and stores an application message without writing it.
    private mutating func storeWhileAway(_ message: FIXApplicationMessage, nowNs: Int64) {
        let msgSeqNum = nextOutgoingMsgSeqNum
        beginOutbound(message.msgType, nowNs: nowNs)
        let bodyStart = writer.bodyByteCount
        message.encodeBody(into: &writer, version: configuration.version, priceDecimals: configuration.priceDecimals)
        let bodyEnd = writer.bodyByteCount
        writer.finish(configuration.version)
        writer.withMessageBytes { bytes in
            let end = bytes.count - 7
            let start = end - (bodyEnd - bodyStart)
            store.record(
                msgSeqNum: msgSeqNum, msgType: message.msgType, sendingTimeNs: nowNs,
                body: UnsafeRawBufferPointer(rebasing: bytes[start..<end]))
        }
    }

    /// The connection went away (closed by either side, or by us). The
    /// sequence numbers and the sent messages stay for the next connection.
    public mutating func connectionClosed() {
        if state != .disconnected {
            state = .disconnected
            queue.removeAll()
        }
        // A driver that lends a registry releases the claim there; the
        // session's own registry (no registry lent) is released here.
        logonRegistry.release(self)
        holdsLogonClaim = false
    }

    /// A new connection for this session (acceptor: wait for its Logon).
    /// Sequence numbers and sent messages carry over from the previous
    /// connection unless the Logon asks for a reset (ResetSeqNumFlag=Y);
    /// everything that belonged to the old byte stream is dropped.
    public mutating func connectionOpened() {
        connectionClosed()
        state = .awaitingLogon
        framer = FIXFramer(maximumMessageBytes: configuration.maximumMessageBytes)
        heartbeatIntervalNs = Int64(configuration.heartbeatIntervalSeconds) * 1_000_000_000
        testRequestSentNs = nil
        gapHighestMsgSeqNum = nil
        armedTimerNs = nil
    }

    /// Acceptor: the session loses its state, as an engine restarted
    /// without its message store does: the sent messages are gone, and the
    /// next Logon, whatever its MsgSeqNum, is answered with
    /// ResetSeqNumFlag=Y and both sides start again from 1, the two Logons
    /// being the first messages. Application messages sent until then are
    /// stored and follow that Logon, numbered 2, 3, …
    public mutating func loseState() {
        precondition(configuration.role == .acceptor, "an initiator keeps its own state")
        connectionOpened()
        state = .disconnected
        restartSequences()
        resetsAtNextLogon = true
    }

    /// Messages numbered since the start, over every reset.
    public var messagesSent: UInt64 { messagesSentBeforeResets + messagesSentSinceReset }
    /// Messages taken in since the start, over every reset.
    public var messagesReceived: UInt64 { messagesReceivedBeforeResets + messagesReceivedSinceReset }
    private var messagesSentSinceReset: UInt64 { UInt64(max(nextOutgoingMsgSeqNum - 1, 0)) }
    private var messagesReceivedSinceReset: UInt64 { UInt64(max(nextExpectedMsgSeqNum - 1, 0)) }

    /// Both sequence numbers back to 1 and the sent messages dropped; what
    /// was numbered and taken in before stays counted.
    private mutating func restartSequences() {
        messagesSentBeforeResets += messagesSentSinceReset
        messagesReceivedBeforeResets += messagesReceivedSinceReset
        nextExpectedMsgSeqNum = 1
        nextOutgoingMsgSeqNum = 1
        store.removeAll()
        queue.removeAll()
    }

    /// Starts the Logout exchange.
    public mutating func logout(text: String? = nil, nowNs: Int64) -> [Action] {
        var output = FIXSessionOutput()
        logout(text: text, nowNs: nowNs, output: &output)
        return output.interleavedActions
    }

    /// Starts the Logout exchange (into `output`).
    public mutating func logout(text: String? = nil, nowNs: Int64, output: inout FIXSessionOutput) {
        swap(&pending, &output)
        defer { swap(&pending, &output) }
        if state == .active {
            sendLogout(text: text, nowNs: nowNs)
            state = .logoutSent(deadlineNs: nowNs + configuration.logoutTimeoutNs)
        }
        finishInput(nowNs: nowNs)
    }

    // MARK: - Inbound processing

    private var heartbeatGraceNs: Int64 { heartbeatIntervalNs + heartbeatIntervalNs / 5 }

    private mutating func process(_ bytes: UnsafeRawBufferPointer, nowNs: Int64) {
        guard state != .disconnected else { return }
        var problem: FIXParseError? = nil
        let view: FIXMessageView
        do {
            view = try parser.parse(bytes)
        } catch {
            guard error.isRejectable, let tolerant = try? parser.parse(bytes, tolerant: true) else {
                // Garbled syntax: ignored like a bad checksum.
                if state == .awaitingLogon, configuration.role == .acceptor { disconnect(.invalidLogon) }
                return
            }
            problem = error
            view = tolerant
        }
        guard let msgSeqNum = try? view.integer(FIXTag.msgSeqNum), msgSeqNum > 0 else {
            if state == .awaitingLogon, configuration.role == .acceptor { disconnect(.invalidLogon) }
            return
        }
        lastReceivedNs = nowNs
        testRequestSentNs = nil
        let msgType = view.msgType

        switch state {
        case .disconnected:
            return
        case .awaitingLogon:
            guard configuration.role == .acceptor, msgType == .logon else {
                disconnect(.firstMessageNotLogon)
                return
            }
            acceptLogon(view, msgSeqNum: msgSeqNum, problem: problem, nowNs: nowNs)
            return
        case .logonSent:
            if msgType == .logout {
                disconnect(.logonRefused)
                return
            }
            guard msgType == .logon else {
                disconnect(.firstMessageNotLogon)
                return
            }
            completeLogon(view, msgSeqNum: msgSeqNum, problem: problem, nowNs: nowNs)
            return
        case .active, .logoutSent:
            break
        }

        guard view.version == configuration.version else {
            sendLogout(text: "Incorrect BeginString", nowNs: nowNs)
            disconnect(.incorrectBeginString)
            return
        }
        guard compIDsMatch(view) else {
            sendReject(refSeqNum: msgSeqNum, refMsgType: msgType, refTagID: nil, reason: 9, text: "CompID problem", nowNs: nowNs)
            sendLogout(text: "CompID problem", nowNs: nowNs)
            disconnect(.compIDProblem)
            return
        }
        guard let sendingTimeNs = try? view.utcTimestampNs(FIXTag.sendingTime) else {
            if msgSeqNum == nextExpectedMsgSeqNum {
                let missing = view.value(of: FIXTag.sendingTime) == nil
                sendReject(
                    refSeqNum: msgSeqNum, refMsgType: msgType, refTagID: FIXTag.sendingTime, reason: missing ? 1 : 6,
                    text: missing ? "Required tag missing" : "Incorrect data format for value", nowNs: nowNs)
                advanceExpected(nowNs: nowNs)
            }
            return
        }
        guard isAccurate(sendingTimeNs, nowNs: nowNs) else {
            sendReject(
                refSeqNum: msgSeqNum, refMsgType: msgType, refTagID: FIXTag.sendingTime, reason: 10,
                text: "SendingTime accuracy problem", nowNs: nowNs)
            sendLogout(text: "SendingTime accuracy problem", nowNs: nowNs)
            disconnect(.sendingTimeAccuracy)
            return
        }
        let possDup = (try? view.boolean(FIXTag.possDupFlag)) == true
        let gapFill = msgType == .sequenceReset && (try? view.boolean(FIXTag.gapFillFlag)) == true

        // SequenceReset-Reset ignores MsgSeqNum.
        if msgType == .sequenceReset, !gapFill {
            handleSequenceReset(view, msgSeqNum: msgSeqNum, nowNs: nowNs)
            return
        }
        // ResendRequest and Logout are served whatever their MsgSeqNum, so
        // two sides with gaps do not deadlock.
        if msgType == .resendRequest, msgSeqNum != nextExpectedMsgSeqNum, problem == nil {
            handleResendRequest(view, msgSeqNum: msgSeqNum, nowNs: nowNs)
            if msgSeqNum > nextExpectedMsgSeqNum { requestResend(seen: msgSeqNum, nowNs: nowNs) }
            return
        }
        if msgType == .logout, msgSeqNum > nextExpectedMsgSeqNum {
            handleLogout(nowNs: nowNs)
            return
        }
        if msgSeqNum > nextExpectedMsgSeqNum {
            requestResend(seen: msgSeqNum, nowNs: nowNs)
            enqueue(msgSeqNum: msgSeqNum, bytes: bytes)
            return
        }
        if msgSeqNum < nextExpectedMsgSeqNum {
            if possDup { return }
            sendLogout(
                text: "MsgSeqNum too low, expecting \(nextExpectedMsgSeqNum) but received \(msgSeqNum)", nowNs: nowNs)
            disconnect(.msgSeqNumTooLow)
            return
        }
        if possDup {
            guard let origSendingTimeNs = try? view.utcTimestampNs(FIXTag.origSendingTime) else {
                sendReject(
                    refSeqNum: msgSeqNum, refMsgType: msgType, refTagID: FIXTag.origSendingTime, reason: 1,
                    text: "Required tag missing", nowNs: nowNs)
                advanceExpected(nowNs: nowNs)
                return
            }
            if origSendingTimeNs > sendingTimeNs {
                sendReject(
                    refSeqNum: msgSeqNum, refMsgType: msgType, refTagID: FIXTag.origSendingTime, reason: 10,
                    text: "SendingTime accuracy problem", nowNs: nowNs)
                advanceExpected(nowNs: nowNs)
                return
            }
        }
        if let problem {
            switch problem {
            case .emptyValue(let tag):
                sendReject(
                    refSeqNum: msgSeqNum, refMsgType: msgType, refTagID: tag, reason: 4,
                    text: "Tag specified without a value", nowNs: nowNs)
            case .repeatedTag(let tag):
                sendReject(
                    refSeqNum: msgSeqNum, refMsgType: msgType, refTagID: tag, reason: 13,
                    text: "Tag appears more than once", nowNs: nowNs)
            default:
                break
            }
            advanceExpected(nowNs: nowNs)
            return
        }
        dispatch(view, msgType: msgType, msgSeqNum: msgSeqNum, possDup: possDup, nowNs: nowNs)
    }

    /// Handles an in-sequence message by type; advances the expected number.
    private mutating func dispatch(
        _ view: FIXMessageView, msgType: FIXMsgType, msgSeqNum: Int64, possDup: Bool, nowNs: Int64
    ) {
        switch msgType {
        case .heartbeat, .reject:
            advanceExpected(nowNs: nowNs)
        case .testRequest:
            if let testReqID = view.value(of: FIXTag.testReqID) {
                beginOutbound(.heartbeat, nowNs: nowNs)
                writer.append(tag: FIXTag.testReqID, bytes: testReqID)
                finishOutbound(nowNs: nowNs)
            } else {
                sendReject(
                    refSeqNum: msgSeqNum, refMsgType: msgType, refTagID: FIXTag.testReqID, reason: 1,
                    text: "Required tag missing", nowNs: nowNs)
            }
            advanceExpected(nowNs: nowNs)
        case .resendRequest:
            handleResendRequest(view, msgSeqNum: msgSeqNum, nowNs: nowNs)
            advanceExpected(nowNs: nowNs)
        case .sequenceReset:
            // Only GapFill reaches here.
            guard let newSeqNo = try? view.integer(FIXTag.newSeqNo) else {
                sendReject(
                    refSeqNum: msgSeqNum, refMsgType: msgType, refTagID: FIXTag.newSeqNo, reason: 1,
                    text: "Required tag missing", nowNs: nowNs)
                advanceExpected(nowNs: nowNs)
                return
            }
            if newSeqNo > msgSeqNum {
                nextExpectedMsgSeqNum = newSeqNo
                drainQueue(nowNs: nowNs)
            } else {
                sendReject(
                    refSeqNum: msgSeqNum, refMsgType: msgType, refTagID: FIXTag.newSeqNo, reason: 5,
                    text: "Value is incorrect (out of range) for this tag", nowNs: nowNs)
                advanceExpected(nowNs: nowNs)
            }
        case .logout:
            nextExpectedMsgSeqNum += 1
            handleLogout(nowNs: nowNs)
        case .logon:
            sendLogout(text: "Unexpected Logon", nowNs: nowNs)
            disconnect(.unexpectedLogon)
        default:
            handleApplication(view, msgType: msgType, msgSeqNum: msgSeqNum, possDup: possDup, nowNs: nowNs)
            advanceExpected(nowNs: nowNs)
        }
    }

    private mutating func handleApplication(
        _ view: FIXMessageView, msgType: FIXMsgType, msgSeqNum: Int64, possDup: Bool, nowNs: Int64
    ) {
        let version = configuration.version
        guard msgType.isDefined(in: version) else {
            sendReject(
                refSeqNum: msgSeqNum, refMsgType: msgType, refTagID: nil, reason: 11, text: "Invalid MsgType",
                nowNs: nowNs)
            return
        }
        let supported = configuration.role == .acceptor
            ? FIXApplicationMessage.venueBoundTypes : FIXApplicationMessage.participantBoundTypes
        guard supported.contains(msgType) else {
            sendBusinessReject(refSeqNum: msgSeqNum, refMsgType: msgType, nowNs: nowNs)
            return
        }
        do {
            if let message = try FIXApplicationMessage.decode(
                view, version: version, priceDecimals: configuration.priceDecimals)
            {
                let possResend = (try? view.boolean(FIXTag.possResend)) == true
                pending.append(.deliver(message, msgSeqNum: msgSeqNum, possibleDuplicate: possDup, possibleResend: possResend))
            }
        } catch {
            let (reason, text): (Int, StaticString) =
                switch error {
                case .missing: (1, "Required tag missing")
                case .notDefinedForMsgType: (2, "Tag not defined for this message type")
                case .valueOutOfRange: (5, "Value is incorrect (out of range) for this tag")
                case .badFormat: (6, "Incorrect data format for value")
                case .headerFieldInBody: (14, "Tag specified out of required order")
                case .groupCountMismatch: (16, "Incorrect NumInGroup count for repeating group")
                }
            sendReject(refSeqNum: msgSeqNum, refMsgType: msgType, refTagID: error.tag, reason: reason, text: text, nowNs: nowNs)
        }
    }

    /// Acceptor: checks the counterparty's Logon and answers it.
    private mutating func acceptLogon(_ view: FIXMessageView, msgSeqNum: Int64, problem: FIXParseError?, nowNs: Int64) {
        guard problem == nil, view.version == configuration.version, compIDsMatch(view),
              let sendingTimeNs = try? view.utcTimestampNs(FIXTag.sendingTime),
              isAccurate(sendingTimeNs, nowNs: nowNs),
              let heartbeatSeconds = try? view.integer(FIXTag.heartBtInt), heartbeatSeconds >= 0,
              heartbeatSeconds <= 3600
        else {
            disconnect(.invalidLogon)
            return
        }
        if !credentialMatches(configuration.username, view.value(of: FIXTag.username))
            || !credentialMatches(configuration.password, view.value(of: FIXTag.password))
        {
            sendLogout(text: "Invalid username or password", nowNs: nowNs)
            disconnect(.authenticationFailed)
            return
        }
        if let required = configuration.requiredHeartbeatIntervalSeconds, heartbeatSeconds != Int64(required) {
            sendLogout(text: "HeartBtInt must be \(required)", nowNs: nowNs)
            disconnect(.heartbeatIntervalRefused)
            return
        }
        guard logonRegistry.claim(counterpartyCompID: configuration.targetCompID, venueCompID: configuration.senderCompID)
        else {
            disconnect(.duplicateLogon)
            return
        }
        holdsLogonClaim = true
        let resetRequested = configuration.resetOnLogon || resetsAtNextLogon
            || (try? view.boolean(FIXTag.resetSeqNumFlag)) == true
        // Application messages stored since the state was lost go out again
        // after the Logon under the new numbers, as a new OUCH session holds
        // what it numbered before its client came back.
        var held: [(msgType: FIXMsgType, body: [UInt8])] = []
        if resetsAtNextLogon {
            for seq in Swift.stride(from: Int64(1), to: nextOutgoingMsgSeqNum, by: 1) {
                if let stored = store.message(seq), !stored.msgType.isAdmin { held.append((stored.msgType, stored.body)) }
            }
        }
        if resetRequested { restartSequences() }
        messagesSentBeforeResets -= UInt64(held.count)
        // Without its state the acceptor cannot hold the counterparty to its
        // old numbers: its Logon counts as the first message of the reset.
        let logonSeqNum = resetsAtNextLogon ? 1 : msgSeqNum
        resetsAtNextLogon = false
        if logonSeqNum < nextExpectedMsgSeqNum {
            sendLogout(
                text: "MsgSeqNum too low, expecting \(nextExpectedMsgSeqNum) but received \(msgSeqNum)", nowNs: nowNs)
            disconnect(.msgSeqNumTooLow)
            return
        }
        heartbeatIntervalNs = heartbeatSeconds * 1_000_000_000
        beginOutbound(.logon, nowNs: nowNs)
        writer.append(tag: FIXTag.encryptMethod, integer: 0)
        writer.append(tag: FIXTag.heartBtInt, integer: heartbeatSeconds)
        if resetRequested { writer.append(tag: FIXTag.resetSeqNumFlag, character: 0x59) }
        finishOutbound(nowNs: nowNs)
        state = .active
        hasLoggedOn = true
        pending.append(.established)
        enterSequence(msgSeqNum: logonSeqNum, nowNs: nowNs)
        for message in held { sendStored(message.msgType, body: message.body, nowNs: nowNs) }
    }

    /// Sends an application message already encoded (its body fields) under
    /// the next MsgSeqNum, and stores it.
    private mutating func sendStored(_ msgType: FIXMsgType, body: [UInt8], nowNs: Int64) {
        let msgSeqNum = nextOutgoingMsgSeqNum
        beginOutbound(msgType, nowNs: nowNs)
        body.withUnsafeBytes { writer.appendEncodedFields($0) }
        finishOutbound(nowNs: nowNs)
        body.withUnsafeBytes { store.record(msgSeqNum: msgSeqNum, msgType: msgType, sendingTimeNs: nowNs, body: $0) }
    }

    /// Initiator: the acceptor's Logon reply.
    private mutating func completeLogon(_ view: FIXMessageView, msgSeqNum: Int64, problem: FIXParseError?, nowNs: Int64) {
        guard problem == nil, view.version == configuration.version, compIDsMatch(view) else {
            disconnect(.invalidLogon)
            return
        }
        // A reset this side did not ask for: the acceptor lost its state
        // (`loseState`). Both sides start again from 1, our Logon being our
        // first message; what we sent before is gone with the old numbers.
        lastLogonResetUnasked = false
        if !configuration.resetOnLogon, (try? view.boolean(FIXTag.resetSeqNumFlag)) == true {
            lastLogonResetUnasked = true
            restartSequences()
            // Our Logon counts as the first message of the new numbers.
            messagesSentBeforeResets -= 1
            nextOutgoingMsgSeqNum = 2
        }
        if msgSeqNum < nextExpectedMsgSeqNum {
            sendLogout(
                text: "MsgSeqNum too low, expecting \(nextExpectedMsgSeqNum) but received \(msgSeqNum)", nowNs: nowNs)
            disconnect(.msgSeqNumTooLow)
            return
        }
        state = .active
        hasLoggedOn = true
        pending.append(.established)
        enterSequence(msgSeqNum: msgSeqNum, nowNs: nowNs)
    }

    /// After a Logon: consume its number, or ask for the gap before it.
    private mutating func enterSequence(msgSeqNum: Int64, nowNs: Int64) {
        if msgSeqNum > nextExpectedMsgSeqNum {
            requestResend(seen: msgSeqNum, nowNs: nowNs)
        } else {
            advanceExpected(nowNs: nowNs)
        }
    }

    /// Whether SendingTime lies within the tolerance of our clock (written
    /// without subtracting the two, which could overflow for a hostile value).
    private func isAccurate(_ sendingTimeNs: Int64, nowNs: Int64) -> Bool {
        let tolerance = configuration.sendingTimeToleranceNs
        return sendingTimeNs >= nowNs &- tolerance && sendingTimeNs <= nowNs &+ tolerance
    }

    private func credentialMatches(_ expected: FIXString?, _ received: UnsafeRawBufferPointer?) -> Bool {
        guard configuration.role == .acceptor, let expected else { return true }
        guard let received else { return false }
        return expected.equals(received)
    }

    private func compIDsMatch(_ view: FIXMessageView) -> Bool {
        guard let sender = view.value(of: FIXTag.senderCompID), let target = view.value(of: FIXTag.targetCompID) else {
            return false
        }
        return configuration.targetCompID.equals(sender) && configuration.senderCompID.equals(target)
    }

    private mutating func handleSequenceReset(_ view: FIXMessageView, msgSeqNum: Int64, nowNs: Int64) {
        guard let newSeqNo = try? view.integer(FIXTag.newSeqNo) else {
            sendReject(
                refSeqNum: msgSeqNum, refMsgType: .sequenceReset, refTagID: FIXTag.newSeqNo, reason: 1,
                text: "Required tag missing", nowNs: nowNs)
            return
        }
        guard newSeqNo >= nextExpectedMsgSeqNum else {
            sendReject(
                refSeqNum: msgSeqNum, refMsgType: .sequenceReset, refTagID: FIXTag.newSeqNo, reason: 5,
                text: "Value is incorrect (out of range) for this tag", nowNs: nowNs)
            return
        }
        nextExpectedMsgSeqNum = newSeqNo
        drainQueue(nowNs: nowNs)
    }

    private mutating func handleLogout(nowNs: Int64) {
        if case .logoutSent = state {
            disconnect(.loggedOut)
            return
        }
        sendLogout(text: nil, nowNs: nowNs)
        disconnect(.loggedOut)
    }

    /// Application messages sent again, PossDupFlag=Y, to answer ResendRequests.
    public private(set) var applicationMessagesResent = 0

    /// Resends stored application messages in [BeginSeqNo, EndSeqNo] with
    /// PossDupFlag=Y and OrigSendingTime; every run of admin (or evicted)
    /// messages becomes one SequenceReset-GapFill.
    private mutating func handleResendRequest(_ view: FIXMessageView, msgSeqNum: Int64, nowNs: Int64) {
        guard let beginSeqNo = try? view.integer(FIXTag.beginSeqNo),
              let requestedEnd = try? view.integer(FIXTag.endSeqNo)
        else {
            let missingTag = (try? view.integer(FIXTag.beginSeqNo)) == nil ? FIXTag.beginSeqNo : FIXTag.endSeqNo
            sendReject(
                refSeqNum: msgSeqNum, refMsgType: .resendRequest, refTagID: missingTag, reason: 1,
                text: "Required tag missing", nowNs: nowNs)
            return
        }
        let lastSent = nextOutgoingMsgSeqNum - 1
        // EndSeqNo 0 means "to the last sent" (FIX 4.2+); 999999 is the 4.0/4.1 spelling.
        let endSeqNo = requestedEnd == 0 || requestedEnd >= lastSent ? lastSent : requestedEnd
        var seq = max(beginSeqNo, 1)
        var gapStart: Int64? = nil
        // Bounded by the outbound sequence: at most lastSent messages are walked.
        while seq <= endSeqNo {
            if let stored = store.message(seq), !stored.msgType.isAdmin {
                if let start = gapStart {
                    sendGapFill(msgSeqNum: start, newSeqNo: seq, nowNs: nowNs)
                    gapStart = nil
                }
                beginOutbound(stored.msgType, nowNs: nowNs, resentMsgSeqNum: seq, origSendingTimeNs: stored.sendingTimeNs,
                              possibleResend: stored.possibleResend)
                stored.body.withUnsafeBytes { writer.appendEncodedFields($0) }
                finishOutbound(nowNs: nowNs)
                applicationMessagesResent += 1
            } else if gapStart == nil {
                gapStart = seq
            }
            seq += 1
        }
        if let start = gapStart { sendGapFill(msgSeqNum: start, newSeqNo: endSeqNo + 1, nowNs: nowNs) }
    }

    // MARK: - Sequence bookkeeping

    private mutating func advanceExpected(nowNs: Int64) {
        nextExpectedMsgSeqNum += 1
        drainQueue(nowNs: nowNs)
    }

    /// Sends ResendRequest expected..0 unless one is already outstanding.
    private mutating func requestResend(seen msgSeqNum: Int64, nowNs: Int64) {
        if let highest = gapHighestMsgSeqNum {
            gapHighestMsgSeqNum = max(highest, msgSeqNum)
            return
        }
        gapHighestMsgSeqNum = msgSeqNum
        beginOutbound(.resendRequest, nowNs: nowNs)
        writer.append(tag: FIXTag.beginSeqNo, integer: nextExpectedMsgSeqNum)
        writer.append(tag: FIXTag.endSeqNo, integer: 0)
        finishOutbound(nowNs: nowNs)
    }

    private mutating func enqueue(msgSeqNum: Int64, bytes: UnsafeRawBufferPointer) {
        guard queue.count < configuration.inboundQueueCapacityMessages else { return }
        var insertAt = queue.count
        for index in queue.indices {
            if queue[index].msgSeqNum == msgSeqNum { return }
            if queue[index].msgSeqNum > msgSeqNum {
                insertAt = index
                break
            }
        }
        queue.insert(QueuedMessage(msgSeqNum: msgSeqNum, bytes: Array(bytes)), at: insertAt)
    }

    /// Processes queued messages that have become next in sequence.
    ///
    /// Parsing a queued message reuses the parser, which invalidates the
    /// view of the message being handled: callers read nothing from their
    /// view after draining.
    private mutating func drainQueue(nowNs: Int64) {
        while let first = queue.first, first.msgSeqNum <= nextExpectedMsgSeqNum, state != .disconnected {
            queue.removeFirst()
            if first.msgSeqNum == nextExpectedMsgSeqNum {
                first.bytes.withUnsafeBytes { process($0, nowNs: nowNs) }
            }
        }
        if let highest = gapHighestMsgSeqNum, nextExpectedMsgSeqNum > highest { gapHighestMsgSeqNum = nil }
    }

    // MARK: - Outbound

    private mutating func beginOutbound(
        _ msgType: FIXMsgType, nowNs: Int64, resentMsgSeqNum: Int64? = nil, origSendingTimeNs: Int64? = nil,
        possibleResend: Bool = false
    ) {
        writer.startMessage(msgType)
        writer.append(tag: FIXTag.senderCompID, string: configuration.senderCompID)
        writer.append(tag: FIXTag.targetCompID, string: configuration.targetCompID)
        writer.append(tag: FIXTag.msgSeqNum, integer: resentMsgSeqNum ?? nextOutgoingMsgSeqNum)
        if resentMsgSeqNum != nil { writer.append(tag: FIXTag.possDupFlag, character: 0x59) }
        if possibleResend { writer.append(tag: FIXTag.possResend, character: 0x59) }
        writer.append(tag: FIXTag.sendingTime, utcTimestampNs: nowNs)
        if let origSendingTimeNs { writer.append(tag: FIXTag.origSendingTime, utcTimestampNs: origSendingTimeNs) }
        if resentMsgSeqNum == nil { nextOutgoingMsgSeqNum += 1 }
    }

    private mutating func finishOutbound(nowNs: Int64) {
        writer.finish(configuration.version)
        writer.withMessageBytes { pending.appendMessage($0) }
        lastSentNs = nowNs
    }

    private mutating func sendGapFill(msgSeqNum: Int64, newSeqNo: Int64, nowNs: Int64) {
        beginOutbound(.sequenceReset, nowNs: nowNs, resentMsgSeqNum: msgSeqNum, origSendingTimeNs: nowNs)
        writer.append(tag: FIXTag.gapFillFlag, character: 0x59)
        writer.append(tag: FIXTag.newSeqNo, integer: newSeqNo)
        finishOutbound(nowNs: nowNs)
    }

    private mutating func sendLogout(text: String?, nowNs: Int64) {
        beginOutbound(.logout, nowNs: nowNs)
        if let text, let value = FIXString(text) {
            writer.append(tag: FIXTag.text, string: value)
        }
        finishOutbound(nowNs: nowNs)
    }

    /// Session-level Reject (35=3). FIX 4.2 defines SessionRejectReason
    /// 0-11 only; a later code is then left out and only Text explains.
    private mutating func sendReject(
        refSeqNum: Int64, refMsgType: FIXMsgType, refTagID: Int?, reason: Int, text: StaticString, nowNs: Int64
    ) {
        beginOutbound(.reject, nowNs: nowNs)
        writer.append(tag: FIXTag.refSeqNum, integer: refSeqNum)
        if let refTagID { writer.append(tag: FIXTag.refTagID, integer: Int64(refTagID)) }
        writer.append(tag: FIXTag.refMsgType, msgType: refMsgType)
        if configuration.version == .fix44 || reason <= 11 {
            writer.append(tag: FIXTag.sessionRejectReason, integer: Int64(reason))
        }
        writer.append(tag: FIXTag.text, text: text)
        finishOutbound(nowNs: nowNs)
    }

    private mutating func sendBusinessReject(refSeqNum: Int64, refMsgType: FIXMsgType, nowNs: Int64) {
        beginOutbound(.businessMessageReject, nowNs: nowNs)
        let reject = FIXBusinessMessageReject(
            refSeqNum: refSeqNum, refMsgType: refMsgType, reason: .unsupportedMessageType,
            text: "Unsupported Message Type")
        reject.encodeBody(into: &writer, version: configuration.version, priceDecimals: configuration.priceDecimals)
        finishOutbound(nowNs: nowNs)
    }

    private mutating func disconnect(_ reason: FIXDisconnectReason) {
        guard state != .disconnected else { return }
        state = .disconnected
        queue.removeAll()
        pending.append(.disconnect(reason))
    }

    // MARK: - Timer

    /// The earliest time something is due, or nil.
    private var nextDeadlineNs: Int64? {
        switch state {
        case .awaitingLogon, .disconnected:
            return nil
        case .logonSent(let deadlineNs), .logoutSent(let deadlineNs):
            return deadlineNs
        case .active:
            guard heartbeatIntervalNs > 0 else { return nil }
            let heartbeatDue = lastSentNs + heartbeatIntervalNs
            let silenceDue = (testRequestSentNs ?? lastReceivedNs) + heartbeatGraceNs
            return min(heartbeatDue, silenceDue)
        }
    }

    private mutating func finishInput(nowNs: Int64) {
        if let deadline = nextDeadlineNs, deadline != armedTimerNs {
            armedTimerNs = deadline
            pending.append(.armTimer(atNs: deadline))
        }
        checkInvariants()
    }

    /// Checks the session's bookkeeping; cheap enough to run after every input.
    public func checkInvariants() {
        precondition(nextOutgoingMsgSeqNum >= 1 && nextExpectedMsgSeqNum >= 1)
        precondition(queue.count <= configuration.inboundQueueCapacityMessages)
        for index in queue.indices.dropFirst() {
            precondition(queue[index - 1].msgSeqNum < queue[index].msgSeqNum, "queue is ordered by MsgSeqNum")
        }
    }
}
