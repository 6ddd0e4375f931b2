// The client side of a MoldUDP64 session, sans I/O: datagrams and time in,
// messages in sequence order plus requests and timer deadlines out.

/// Where a receiver delivers messages, in sequence order. A generic sink
/// (rather than an action per message) lets in-order messages go straight
/// from the datagram to the consumer without a copy.
public protocol MoldUDP64MessageSink {
    /// `message` is valid only during the call.
    mutating func deliver(sequenceNumber: UInt64, message: UnsafeRawBufferPointer)
}

/// Delivers a session's messages exactly once and in order, whatever the
/// network does to the packets.
///
/// Gaps are seen from a packet's sequence numbers or from a heartbeat's or
/// end of session's next sequence number. The receiver then asks the
/// re-request server for the missing range (at most `maximumRequestMessages`
/// at a time), keeps messages that arrive ahead of the gap (at most
/// `outOfOrderLimitMessages`), and asks again each `requestTimeoutNs` until
/// `requestAttemptLimit` requests for the same position went unanswered; it
/// then reports the range lost and moves on. The driver keeps one request
/// timer: each `armRequestTimer` replaces the previous deadline.
///
/// With two copies of the feed (A/B, `Configuration.feeds`), the first copy
/// of each message wins and the later one is a duplicate. A gap that only
/// one feed has passed waits up to `arbitrationWindowNs` for the other to
/// fill it; a gap that every feed has passed (both lost the message) is
/// re-requested at once.
public struct MoldUDP64Receiver {
    public struct Configuration: Sendable {
        /// The session to follow; nil follows the first session seen.
        public var session: MoldUDP64SessionID?
        public var firstSequenceNumber: UInt64
        /// Wait for an answer before asking again.
        public var requestTimeoutNs: Int64
        /// Messages buffered ahead of a gap; later ones are dropped and re-requested.
        public var outOfOrderLimitMessages: Int
        /// Messages asked for in one request.
        public var maximumRequestMessages: UInt16
        /// Unanswered requests for one position before its gap is declared lost.
        public var requestAttemptLimit: Int
        /// Copies of the feed the receiver arbitrates between: 1, or 2 for A/B.
        public var feeds: Int
        /// With two feeds, how long a gap that one feed has passed waits for
        /// the other to fill it before it is re-requested.
        public var arbitrationWindowNs: Int64

        public init(
            session: MoldUDP64SessionID? = nil,
            firstSequenceNumber: UInt64 = 1,
            requestTimeoutNs: Int64 = 100_000_000,
            outOfOrderLimitMessages: Int = 4_096,
            maximumRequestMessages: UInt16 = UInt16(MoldUDP64RequestServer.defaultMaximumMessagesPerAnswer),
            requestAttemptLimit: Int = 8,
            feeds: Int = 1,
            arbitrationWindowNs: Int64 = 0
        ) {
            self.session = session
            self.firstSequenceNumber = firstSequenceNumber
            self.requestTimeoutNs = requestTimeoutNs
            self.outOfOrderLimitMessages = outOfOrderLimitMessages
            self.maximumRequestMessages = maximumRequestMessages
            self.requestAttemptLimit = requestAttemptLimit
            self.feeds = feeds
            self.arbitrationWindowNs = arbitrationWindowNs
        }
    }

    public enum Action: Hashable, Sendable {
        /// Send this request to the re-request server.
        case sendRequest(MoldUDP64RequestPacket)
        /// Call `requestTimerFired(nowNs:)` at this time, replacing any earlier deadline.
        case armRequestTimer(atNs: Int64)
        /// These messages could not be recovered and were skipped.
        case messagesLost(firstSequenceNumber: UInt64, count: UInt64)
        /// Every message of the session was delivered and the server ended it.
        case endOfSession(nextSequenceNumber: UInt64)
    }

    /// Counters for reports and tests.
    public struct Statistics: Hashable, Sendable {
        public var packetsReceived = 0
        public var malformedPackets = 0
        public var foreignSessionPackets = 0
        public var messagesDelivered = 0
        public var duplicateMessages = 0
        public var messagesBufferedOutOfOrder = 0
        /// Ahead of the gap by more than the buffer holds; recovered by request later.
        public var messagesDroppedBeyondBuffer = 0
        public var requestsSent = 0
        public var messagesLost: UInt64 = 0
        /// By feed: messages whose first copy came in that feed's datagrams
        /// (delivered or held ahead of a gap); re-request answers count
        /// under the feed the driver hands them in on.
        public var firstCopiesByFeed: [UInt64] = []
        /// Gaps that closed while they waited for the other feed, with no re-request.
        public var gapsFilledWhileArbitrating = 0
    }

    struct BufferedMessage {
        var sequenceNumber: UInt64
        var bytes: [UInt8]
    }

    struct OutstandingRequest {
        /// The position (`nextExpectedSequenceNumber`) the request was for.
        var position: UInt64
        var end: UInt64
        var deadlineNs: Int64
        var attempts: Int
    }

    public let configuration: Configuration
    public private(set) var session: MoldUDP64SessionID?
    /// The sequence number the next delivered message will have.
    public private(set) var nextExpectedSequenceNumber: UInt64
    /// One past the highest sequence number the server has announced.
    public private(set) var announcedEndSequenceNumber: UInt64
    public private(set) var statistics = Statistics()
    public private(set) var endOfSessionSeen = false
    var endOfSessionReported = false
    /// Messages ahead of the gap; slot = sequence number % limit.
    var buffered: [BufferedMessage?]
    var bufferedCount = 0
    var outstanding: OutstandingRequest?
    /// By feed: one past the highest sequence number it has announced.
    var feedAnnouncedEnd: [UInt64]
    /// A gap waiting for the other feed: its position and when the wait ends.
    var arbitration: (position: UInt64, deadlineNs: Int64)?

    public init(configuration: Configuration = Configuration()) {
        precondition(configuration.firstSequenceNumber >= 1, "MoldUDP64 sequence numbers start at 1")
        precondition(configuration.outOfOrderLimitMessages > 0, "the out-of-order buffer needs a slot")
        precondition(configuration.maximumRequestMessages > 0, "a request asks for at least one message")
        precondition(configuration.requestAttemptLimit > 0, "make at least one request")
        precondition(configuration.requestTimeoutNs > 0, "the request timeout must be positive")
        precondition((1...2).contains(configuration.feeds), "one feed, or an A and a B")
        precondition(configuration.arbitrationWindowNs >= 0, "a negative arbitration window")
        self.configuration = configuration
        feedAnnouncedEnd = Array(repeating: configuration.firstSequenceNumber, count: configuration.feeds)
        statistics.firstCopiesByFeed = Array(repeating: 0, count: configuration.feeds)
        session = configuration.session
        nextExpectedSequenceNumber = configuration.firstSequenceNumber
        announcedEndSequenceNumber = configuration.firstSequenceNumber
        buffered = Array(repeating: nil, count: configuration.outOfOrderLimitMessages)
    }

    /// Messages held ahead of a gap.
    public var bufferedMessageCount: Int { bufferedCount }

    /// Whether messages are known to be missing.
    public var hasGap: Bool { nextExpectedSequenceNumber < announcedEndSequenceNumber }

    /// Handles one downstream datagram (multicast or a re-request answer)
    /// that came in on `feed` (0 is A, 1 is B).
    /// Malformed datagrams and other sessions' packets are counted and dropped.
    public mutating func received<Sink: MoldUDP64MessageSink>(
        _ datagram: UnsafeRawBufferPointer, feed: Int = 0, nowNs: Int64, sink: inout Sink
    ) -> [Action] {
        precondition(feed >= 0 && feed < configuration.feeds, "feed \(feed) of \(configuration.feeds)")
        statistics.packetsReceived += 1
        let packet: MoldUDP64PacketView
        do {
            packet = try MoldUDP64PacketView(validating: datagram)
        } catch {
            statistics.malformedPackets += 1
            return []
        }
        if let session, session != packet.session {
            statistics.foreignSessionPackets += 1
            return []
        }
        session = packet.session
        switch packet.kind {
        case .heartbeat:
            announce(end: packet.sequenceNumber, feed: feed)
        case .endOfSession:
            endOfSessionSeen = true
            announce(end: packet.sequenceNumber, feed: feed)
        case .messages(let count):
            var sequenceNumber = packet.sequenceNumber
            var messages = packet.messages
            while let message = messages.next() {
                accept(sequenceNumber: sequenceNumber, message: message, feed: feed, sink: &sink)
                sequenceNumber += 1
            }
            announce(end: packet.sequenceNumber + UInt64(count), feed: feed)
        }
        return followUp(nowNs: nowNs, sink: &sink)
    }

    /// The request timer fired: ask again for a gap still open, or give it up
    /// after `requestAttemptLimit` attempts.
    public mutating func requestTimerFired<Sink: MoldUDP64MessageSink>(nowNs: Int64, sink: inout Sink) -> [Action] {
        if outstanding == nil, let waiting = arbitration {
            // The other feed had its chance: ask the server.
            guard nowNs >= waiting.deadlineNs else { return [] }
            return followUp(nowNs: nowNs, sink: &sink)
        }
        guard var request = outstanding, nowNs >= request.deadlineNs else { return [] }
        guard hasGap else {
            outstanding = nil
            return []
        }
        var actions: [Action] = []
        if request.position == nextExpectedSequenceNumber && request.attempts >= configuration.requestAttemptLimit {
            let end = missingRangeEnd()
            let count = end - nextExpectedSequenceNumber
            actions.append(.messagesLost(firstSequenceNumber: nextExpectedSequenceNumber, count: count))
            // A forged heartbeat can announce a range near 2^64; the counter saturates.
            let (total, overflow) = statistics.messagesLost.addingReportingOverflow(count)
            statistics.messagesLost = overflow ? .max : total
            nextExpectedSequenceNumber = end
            drainBuffered(sink: &sink)
            outstanding = nil
            actions += followUp(nowNs: nowNs, sink: &sink)
            return actions
        }
        if request.position != nextExpectedSequenceNumber {
            request.attempts = 0
        }
        outstanding = request
        actions += sendRequest(nowNs: nowNs, attempts: request.attempts + 1)
        return actions
    }

    mutating func announce(end: UInt64, feed: Int) {
        announcedEndSequenceNumber = max(announcedEndSequenceNumber, end)
        feedAnnouncedEnd[feed] = max(feedAnnouncedEnd[feed], end)
    }

    mutating func accept<Sink: MoldUDP64MessageSink>(
        sequenceNumber: UInt64, message: UnsafeRawBufferPointer, feed: Int, sink: inout Sink
    ) {
        if sequenceNumber < nextExpectedSequenceNumber {
            statistics.duplicateMessages += 1
        } else if sequenceNumber == nextExpectedSequenceNumber {
            sink.deliver(sequenceNumber: sequenceNumber, message: message)
            statistics.messagesDelivered += 1
            statistics.firstCopiesByFeed[feed] += 1
            if arbitration?.position == sequenceNumber { statistics.gapsFilledWhileArbitrating += 1 }
            nextExpectedSequenceNumber += 1
            if bufferedCount > 0 { drainBuffered(sink: &sink) }
        } else if sequenceNumber - nextExpectedSequenceNumber < UInt64(buffered.count) {
            let slot = Int(sequenceNumber % UInt64(buffered.count))
            if buffered[slot] == nil {
                buffered[slot] = BufferedMessage(sequenceNumber: sequenceNumber, bytes: Array(message))
                bufferedCount += 1
                statistics.messagesBufferedOutOfOrder += 1
                statistics.firstCopiesByFeed[feed] += 1
            } else {
                statistics.duplicateMessages += 1
            }
        } else {
            statistics.messagesDroppedBeyondBuffer += 1
        }
    }

    mutating func drainBuffered<Sink: MoldUDP64MessageSink>(sink: inout Sink) {
        let limit = UInt64(buffered.count)
        while bufferedCount > 0 {
            let slot = Int(nextExpectedSequenceNumber % limit)
            guard let message = buffered[slot], message.sequenceNumber == nextExpectedSequenceNumber else { break }
            buffered[slot] = nil
            bufferedCount -= 1
            message.bytes.withUnsafeBytes {
                sink.deliver(sequenceNumber: message.sequenceNumber, message: $0)
            }
            statistics.messagesDelivered += 1
            nextExpectedSequenceNumber += 1
        }
        // Skipping a lost range can leave messages behind the new position.
        if bufferedCount > 0 { evictBehindPosition() }
    }

    mutating func evictBehindPosition() {
        for slot in buffered.indices {
            if let message = buffered[slot], message.sequenceNumber < nextExpectedSequenceNumber {
                buffered[slot] = nil
                bufferedCount -= 1
            }
        }
    }

    /// One past the last missing message before the next buffered one.
    /// - Complexity: O(buffered limit) while a gap is open.
    func missingRangeEnd() -> UInt64 {
        var end = announcedEndSequenceNumber
        if bufferedCount > 0 {
            for message in buffered {
                if let message, message.sequenceNumber < end { end = message.sequenceNumber }
            }
        }
        return end
    }

    mutating func followUp<Sink: MoldUDP64MessageSink>(nowNs: Int64, sink: inout Sink) -> [Action] {
        guard hasGap else {
            outstanding = nil
            arbitration = nil
            if endOfSessionSeen && !endOfSessionReported {
                endOfSessionReported = true
                return [.endOfSession(nextSequenceNumber: nextExpectedSequenceNumber)]
            }
            return []
        }
        // One request in flight at a time; a new one as soon as the position
        // has moved past what was asked for.
        if let request = outstanding, nextExpectedSequenceNumber < request.end {
            return []
        }
        // A/B: a gap that a feed has not yet passed may still come on it.
        if configuration.feeds > 1, configuration.arbitrationWindowNs > 0,
           !feedAnnouncedEnd.allSatisfy({ $0 > nextExpectedSequenceNumber }) {
            if arbitration?.position != nextExpectedSequenceNumber {
                // A new gap (any request in flight was for one now filled).
                outstanding = nil
                let deadlineNs = nowNs + configuration.arbitrationWindowNs
                arbitration = (nextExpectedSequenceNumber, deadlineNs)
                return [.armRequestTimer(atNs: deadlineNs)]
            }
            if let waiting = arbitration, nowNs < waiting.deadlineNs { return [] }
        }
        arbitration = nil
        return sendRequest(nowNs: nowNs, attempts: 1)
    }

    mutating func sendRequest(nowNs: Int64, attempts: Int) -> [Action] {
        guard let session else { preconditionFailure("a gap cannot open before the first packet") }
        let missing = missingRangeEnd() - nextExpectedSequenceNumber
        let count = UInt16(min(missing, UInt64(configuration.maximumRequestMessages)))
        let deadlineNs = nowNs + configuration.requestTimeoutNs
        outstanding = OutstandingRequest(
            position: nextExpectedSequenceNumber,
            end: nextExpectedSequenceNumber + UInt64(count),
            deadlineNs: deadlineNs,
            attempts: attempts
        )
        statistics.requestsSent += 1
        return [
            .sendRequest(MoldUDP64RequestPacket(
                session: session, sequenceNumber: nextExpectedSequenceNumber, requestedMessageCount: count
            )),
            .armRequestTimer(atNs: deadlineNs),
        ]
    }

    public func checkInvariants() {
        precondition(nextExpectedSequenceNumber >= configuration.firstSequenceNumber)
        var held = 0
        for (slot, message) in buffered.enumerated() {
            guard let message else { continue }
            held += 1
            precondition(Int(message.sequenceNumber % UInt64(buffered.count)) == slot, "a message sits in the wrong slot")
            precondition(message.sequenceNumber > nextExpectedSequenceNumber, "a deliverable message is still buffered")
        }
        precondition(held == bufferedCount, "the buffered count drifted")
        if let outstanding { precondition(outstanding.attempts >= 1 && outstanding.end > outstanding.position) }
    }
}
