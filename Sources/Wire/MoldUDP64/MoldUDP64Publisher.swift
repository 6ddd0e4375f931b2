// The downstream side of a MoldUDP64 session, sans I/O: messages and time in,
// packets to multicast and timer deadlines out.

/// Where a publisher's finished downstream packets go: a gateway's output,
/// which copies them into buffers it reuses, or a list of actions.
public protocol MoldUDP64PacketSink {
    /// One finished downstream packet; `packet` is valid only during the call.
    mutating func send(packet: UnsafeRawBufferPointer)
}

/// Collects packets as `.send` actions, for the action-returning calls.
@usableFromInline
struct MoldUDP64ActionSink: MoldUDP64PacketSink {
    @usableFromInline var actions: [MoldUDP64Publisher.Action] = []

    @inlinable init() {}

    @inlinable
    mutating func send(packet: UnsafeRawBufferPointer) { actions.append(.send(Array(packet))) }
}

/// Assigns sequence numbers, packs messages into downstream packets, keeps
/// them for re-requests, and sends heartbeats and the end of session.
///
/// Messages wait in the open packet until it is full, `flush(nowNs:)` is
/// called or the heartbeat timer fires, so a burst of engine events leaves as
/// few packets as possible. The driver keeps one heartbeat timer: each
/// `armHeartbeatTimer` replaces the previous deadline.
public struct MoldUDP64Publisher {
    public struct Configuration: Sendable {
        public var session: MoldUDP64SessionID
        public var firstSequenceNumber: UInt64
        /// Largest packet, header included.
        public var maximumPayloadBytes: Int
        /// Silence after which a heartbeat goes out (the spec suggests about one second).
        public var heartbeatIntervalNs: Int64
        /// Messages kept for re-requests.
        public var retransmissionLimitMessages: Int
        /// Longest message accepted; sizes the retransmission slots.
        public var maximumMessageBytes: Int
        /// End-of-session packets sent, one per heartbeat interval, before going quiet.
        public var endOfSessionRepeatCount: Int

        public init(
            session: MoldUDP64SessionID,
            firstSequenceNumber: UInt64 = 1,
            maximumPayloadBytes: Int = MoldUDP64PacketBuilder.defaultMaximumPayloadBytes,
            heartbeatIntervalNs: Int64 = 1_000_000_000,
            retransmissionLimitMessages: Int = MoldUDP64RetransmissionStore.defaultMessageLimit,
            maximumMessageBytes: Int = MoldUDP64RetransmissionStore.defaultMaximumMessageBytes,
            endOfSessionRepeatCount: Int = 3
        ) {
            self.session = session
            self.firstSequenceNumber = firstSequenceNumber
            self.maximumPayloadBytes = maximumPayloadBytes
            self.heartbeatIntervalNs = heartbeatIntervalNs
            self.retransmissionLimitMessages = retransmissionLimitMessages
            self.maximumMessageBytes = maximumMessageBytes
            self.endOfSessionRepeatCount = endOfSessionRepeatCount
        }
    }

    public enum Action: Hashable, Sendable {
        /// Multicast this downstream packet.
        case send([UInt8])
        /// Call `heartbeatTimerFired(nowNs:)` at this time, replacing any earlier deadline.
        case armHeartbeatTimer(atNs: Int64)
    }

    @usableFromInline
    enum State {
        case notStarted
        case publishing
        /// `remaining` more end-of-session packets to send.
        case ending(remaining: Int)
        case ended
    }

    public let configuration: Configuration
    /// Published messages, for the re-request server.
    public var store: MoldUDP64RetransmissionStore { _store }
    @usableFromInline var _store: MoldUDP64RetransmissionStore
    @usableFromInline var state: State = .notStarted
    @usableFromInline var packet: [UInt8]
    @usableFromInline var packetByteCount = MoldUDP64Header.length
    @usableFromInline var packetMessageCount = 0
    @usableFromInline var lastSendNs: Int64 = 0

    public init(configuration: Configuration) {
        precondition(configuration.heartbeatIntervalNs > 0, "the heartbeat interval must be positive")
        precondition(configuration.endOfSessionRepeatCount >= 1, "send at least one end-of-session packet")
        precondition(
            configuration.maximumPayloadBytes >= MoldUDP64Header.length + messageBlockLengthPrefixBytes
                + configuration.maximumMessageBytes,
            "the longest message must fit in one packet"
        )
        self.configuration = configuration
        _store = MoldUDP64RetransmissionStore(
            firstSequenceNumber: configuration.firstSequenceNumber,
            messageLimit: configuration.retransmissionLimitMessages,
            maximumMessageBytes: configuration.maximumMessageBytes
        )
        packet = [UInt8](repeating: 0, count: configuration.maximumPayloadBytes)
    }

    /// The sequence number the next published message gets.
    @inlinable public var nextSequenceNumber: UInt64 { store.nextSequenceNumber }

    /// Messages waiting in the open packet.
    @inlinable public var pendingMessageCount: Int { packetMessageCount }

    /// Opens the session: a first heartbeat tells receivers where the sequence starts.
    public mutating func start(nowNs: Int64) -> [Action] {
        guard case .notStarted = state else { preconditionFailure("the publisher was already started") }
        state = .publishing
        return [.send(countOnlyPacket(MoldUDP64Header.heartbeatCount, nowNs: nowNs)),
                .armHeartbeatTimer(atNs: nowNs + configuration.heartbeatIntervalNs)]
    }

    /// Adds one message to the open packet. Returns the previous packet to
    /// send when this message did not fit in it, and nothing otherwise.
    /// - Precondition: the session is started and not ended; the message is
    ///   at most `maximumMessageBytes` long.
    @inlinable
    public mutating func publish<Message: ITCHEncodable>(_ message: Message, nowNs: Int64) -> [Action] {
        var actions: [Action] = []
        publish(message, nowNs: nowNs, into: &actions)
        return actions
    }

    /// As `publish(_:nowNs:)`, appending the action (if any) to `actions`,
    /// so a caller publishing many messages reuses one list.
    @inlinable
    public mutating func publish<Message: ITCHEncodable>(_ message: Message, nowNs: Int64, into actions: inout [Action]) {
        var sink = MoldUDP64ActionSink()
        swap(&sink.actions, &actions)
        publish(message, nowNs: nowNs, sendingTo: &sink)
        swap(&sink.actions, &actions)
    }

    /// As `publish(_:nowNs:)`, handing the previous packet (if this message
    /// did not fit in it) to `sink`: the message is encoded in place in the
    /// open packet, and a packet is copied once, by the sink.
    /// - Complexity: O(message size).
    @inlinable
    public mutating func publish<Message: ITCHEncodable, Sink: MoldUDP64PacketSink>(
        _ message: Message, nowNs: Int64, sendingTo sink: inout Sink
    ) {
        let length = message.encodedLength
        prepareToAppend(messageLength: length, nowNs: nowNs, sink: &sink)
        packet.withUnsafeMutableBytes { storage in
            let block = UnsafeMutableRawBufferPointer(rebasing: storage[packetByteCount..<packetByteCount + 2 + length])
            _ = message.encodeBlock(into: block)
            _store.append(UnsafeRawBufferPointer(rebasing: block[messageBlockLengthPrefixBytes...]))
        }
        packetByteCount += messageBlockLengthPrefixBytes + length
        packetMessageCount += 1
    }

    /// As `publish(_:nowNs:)`, for a message already in bytes.
    @inlinable
    public mutating func publish(bytes message: UnsafeRawBufferPointer, nowNs: Int64) -> [Action] {
        var sink = MoldUDP64ActionSink()
        prepareToAppend(messageLength: message.count, nowNs: nowNs, sink: &sink)
        packet.withUnsafeMutableBytes { storage in
            packetByteCount += storage.writeMessageBlock(message, at: packetByteCount)
        }
        _store.append(message)
        packetMessageCount += 1
        return sink.actions
    }

    @inlinable
    mutating func prepareToAppend<Sink: MoldUDP64PacketSink>(messageLength: Int, nowNs: Int64, sink: inout Sink) {
        guard case .publishing = state else { preconditionFailure("publish needs a started, open session") }
        precondition(messageLength <= configuration.maximumMessageBytes, "the message is longer than maximumMessageBytes")
        let fits = packetMessageCount < MoldUDP64Header.maximumMessageCount
            && packet.count - packetByteCount >= messageBlockLengthPrefixBytes + messageLength
        if !fits { sendPacket(nowNs: nowNs, to: &sink) }
    }

    /// Sends the open packet now, if it holds any message.
    public mutating func flush(nowNs: Int64) -> [Action] {
        var sink = MoldUDP64ActionSink()
        flush(nowNs: nowNs, sendingTo: &sink)
        return sink.actions
    }

    /// As `flush(nowNs:)`, appending to `actions`.
    public mutating func flush(nowNs: Int64, into actions: inout [Action]) {
        var sink = MoldUDP64ActionSink()
        swap(&sink.actions, &actions)
        flush(nowNs: nowNs, sendingTo: &sink)
        swap(&sink.actions, &actions)
    }

    /// As `flush(nowNs:)`, handing the packet to `sink`.
    @inlinable
    public mutating func flush<Sink: MoldUDP64PacketSink>(nowNs: Int64, sendingTo sink: inout Sink) {
        if packetMessageCount > 0 { sendPacket(nowNs: nowNs, to: &sink) }
    }

    /// The heartbeat deadline passed: send what is pending, or a heartbeat
    /// after a silent interval, or the next end-of-session packet.
    public mutating func heartbeatTimerFired(nowNs: Int64) -> [Action] {
        let interval = configuration.heartbeatIntervalNs
        switch state {
        case .notStarted, .ended:
            return []
        case .ending(let remaining):
            state = remaining > 1 ? .ending(remaining: remaining - 1) : .ended
            let packet = countOnlyPacket(MoldUDP64Header.endOfSessionCount, nowNs: nowNs)
            return remaining > 1
                ? [.send(packet), .armHeartbeatTimer(atNs: nowNs + interval)]
                : [.send(packet)]
        case .publishing:
            var sink = MoldUDP64ActionSink()
            if packetMessageCount > 0 {
                sendPacket(nowNs: nowNs, to: &sink)
            } else if nowNs - lastSendNs >= interval {
                sink.actions.append(.send(countOnlyPacket(MoldUDP64Header.heartbeatCount, nowNs: nowNs)))
            }
            sink.actions.append(.armHeartbeatTimer(atNs: max(lastSendNs + interval, nowNs + 1)))
            return sink.actions
        }
    }

    /// Ends the session: flushes, then sends end-of-session packets (the
    /// first now, the rest one per heartbeat interval). Re-requests stay valid.
    public mutating func endSession(nowNs: Int64) -> [Action] {
        guard case .publishing = state else { preconditionFailure("endSession needs a started, open session") }
        var actions = flush(nowNs: nowNs)
        actions.append(.send(countOnlyPacket(MoldUDP64Header.endOfSessionCount, nowNs: nowNs)))
        let remaining = configuration.endOfSessionRepeatCount - 1
        if remaining > 0 {
            state = .ending(remaining: remaining)
            actions.append(.armHeartbeatTimer(atNs: nowNs + configuration.heartbeatIntervalNs))
        } else {
            state = .ended
        }
        return actions
    }

    /// Closes the open packet: writes its header in place and hands the
    /// packet's bytes to `sink`.
    @inlinable
    mutating func sendPacket<Sink: MoldUDP64PacketSink>(nowNs: Int64, to sink: inout Sink) {
        precondition(packetMessageCount > 0, "no packet is open")
        let firstSequenceNumber = store.nextSequenceNumber - UInt64(packetMessageCount)
        let header = MoldUDP64Header(
            session: configuration.session, sequenceNumber: firstSequenceNumber, messageCount: UInt16(packetMessageCount)
        )
        let byteCount = packetByteCount
        packet.withUnsafeMutableBytes { storage in
            _ = header.encode(into: storage)
            sink.send(packet: UnsafeRawBufferPointer(rebasing: storage[0..<byteCount]))
        }
        packetByteCount = MoldUDP64Header.length
        packetMessageCount = 0
        lastSendNs = nowNs
    }

    mutating func countOnlyPacket(_ messageCount: UInt16, nowNs: Int64) -> [UInt8] {
        precondition(packetMessageCount == 0, "flush before a count-only packet")
        var bytes = [UInt8](repeating: 0, count: MoldUDP64Header.length)
        let header = MoldUDP64Header(
            session: configuration.session, sequenceNumber: store.nextSequenceNumber, messageCount: messageCount
        )
        bytes.withUnsafeMutableBytes { _ = header.encode(into: $0) }
        lastSendNs = nowNs
        return bytes
    }

    public func checkInvariants() {
        store.checkInvariants()
        precondition(packetByteCount >= MoldUDP64Header.length && packetByteCount <= packet.count)
        precondition(packetMessageCount <= store.count || store.count == store.messageLimit)
    }
}
