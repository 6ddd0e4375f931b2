// The MoldUDP64 re-request server, sans I/O: a request datagram in, unicast
// downstream packets for the requester out.

/// Answers request packets with ordinary downstream packets built from a
/// publisher's retransmission store.
public struct MoldUDP64RequestServer {
    /// Messages resent for one request at most: bounds the burst a single
    /// datagram can trigger.
    public static let defaultMaximumMessagesPerAnswer = 1_000

    public enum Action: Equatable, Sendable {
        /// Send this downstream packet to the requester's address and port.
        case send([UInt8])
        /// The request gets no answer, for this reason.
        case ignore(Rejection)
    }

    public enum Rejection: Equatable, Sendable {
        case malformed(WireDecodingError)
        case wrongSession(MoldUDP64SessionID)
        case zeroMessagesRequested
        /// Every requested message is older than the store's oldest.
        case noLongerRetained(firstRetainedSequenceNumber: UInt64)
        /// The request starts at or past the next sequence number.
        case notYetPublished(nextSequenceNumber: UInt64)
    }

    public let session: MoldUDP64SessionID
    public let maximumMessagesPerAnswer: Int
    public let maximumPayloadBytes: Int
    public private(set) var requestsAnswered = 0
    public private(set) var requestsIgnored = 0
    public private(set) var messagesResent = 0
    var packet: [UInt8]

    public init(
        session: MoldUDP64SessionID,
        maximumMessagesPerAnswer: Int = defaultMaximumMessagesPerAnswer,
        maximumPayloadBytes: Int = MoldUDP64PacketBuilder.defaultMaximumPayloadBytes
    ) {
        precondition(maximumMessagesPerAnswer > 0, "answer at least one message")
        precondition(maximumPayloadBytes > MoldUDP64Header.length, "a packet needs room for messages")
        self.session = session
        self.maximumMessagesPerAnswer = maximumMessagesPerAnswer
        self.maximumPayloadBytes = maximumPayloadBytes
        packet = [UInt8](repeating: 0, count: maximumPayloadBytes)
    }

    /// Decodes a request datagram and answers it from `store`.
    public mutating func received(
        _ datagram: UnsafeRawBufferPointer, store: MoldUDP64RetransmissionStore
    ) -> [Action] {
        do {
            return answer(try MoldUDP64RequestPacket(decoding: datagram), store: store)
        } catch {
            requestsIgnored += 1
            return [.ignore(.malformed(error))]
        }
    }

    /// The packets that carry the requested messages still in `store`, at most
    /// `maximumMessagesPerAnswer` of them, from the first requested one that is
    /// still held.
    /// - Complexity: O(messages resent).
    public mutating func answer(_ request: MoldUDP64RequestPacket, store: MoldUDP64RetransmissionStore) -> [Action] {
        if let rejection = rejection(of: request, store: store) {
            requestsIgnored += 1
            return [.ignore(rejection)]
        }
        let requestedEnd = request.sequenceNumber &+ UInt64(request.requestedMessageCount)
        let first = max(request.sequenceNumber, store.firstSequenceNumber)
        let end = min(requestedEnd, store.nextSequenceNumber, first + UInt64(maximumMessagesPerAnswer))
        var actions: [Action] = []
        let session = session
        packet.withUnsafeMutableBytes { buffer in
            var builder = MoldUDP64PacketBuilder(
                buffer: buffer, session: session, sequenceNumber: first, maximumPayloadBytes: maximumPayloadBytes
            )
            var sequenceNumber = first
            while sequenceNumber < end {
                let message = store.message(sequenceNumber: sequenceNumber)!
                let appended = message.withUnsafeBytes { builder.append($0) }
                if appended {
                    sequenceNumber += 1
                    continue
                }
                precondition(!builder.isEmpty, "a stored message does not fit in an empty packet")
                actions.append(.send(Array(buffer[0..<builder.finish()])))
                builder.reset(sequenceNumber: sequenceNumber)
            }
            if !builder.isEmpty { actions.append(.send(Array(buffer[0..<builder.finish()]))) }
        }
        requestsAnswered += 1
        messagesResent += Int(end - first)
        return actions
    }

    func rejection(of request: MoldUDP64RequestPacket, store: MoldUDP64RetransmissionStore) -> Rejection? {
        if request.session != session { return .wrongSession(request.session) }
        if request.requestedMessageCount == 0 { return .zeroMessagesRequested }
        if request.sequenceNumber >= store.nextSequenceNumber {
            return .notYetPublished(nextSequenceNumber: store.nextSequenceNumber)
        }
        let requestedEnd = request.sequenceNumber &+ UInt64(request.requestedMessageCount)
        if requestedEnd <= store.firstSequenceNumber {
            return .noLongerRetained(firstRetainedSequenceNumber: store.firstSequenceNumber)
        }
        return nil
    }
}
