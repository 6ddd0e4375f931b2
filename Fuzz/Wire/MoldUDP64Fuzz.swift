import Wire

/// MoldUDP64. The first byte picks what the rest is:
/// - mode 0: one datagram, read as a downstream packet and as a request;
/// - mode 1: a script of datagrams and timer expiries for a receiver;
/// - mode 2: stored messages, then request datagrams for a re-request server.
enum MoldUDP64Fuzz {
    static let session = MoldUDP64SessionID("FUZZ000001")!

    static func run(_ bytes: UnsafeRawBufferPointer) {
        var reader = FuzzReader(bytes)
        guard let selector = reader.byte() else { return }
        switch selector % 3 {
        case 0: checkDatagram(reader.rest)
        case 1: driveReceiver(&reader, followFirstSession: selector & 0x80 != 0)
        default: driveRequestServer(&reader, payloadChoice: Int(selector / 3) % 3)
        }
    }

    // MARK: One datagram

    static func checkDatagram(_ bytes: UnsafeRawBufferPointer) {
        if let request = try? MoldUDP64RequestPacket(decoding: bytes) {
            fuzzCheck(bytes.count == MoldUDP64RequestPacket.length, "a request of \(bytes.count) bytes decoded")
            fuzzCheck(request.bytes.elementsEqual(bytes), "a request re-encoded differently")
        }
        guard let packet = try? MoldUDP64PacketView(validating: bytes) else { return }
        var header = [UInt8](repeating: 0, count: MoldUDP64Header.length)
        _ = header.withUnsafeMutableBytes { packet.header.encode(into: $0) }
        fuzzCheck(header.elementsEqual(bytes.prefix(MoldUDP64Header.length)), "a header re-encoded differently")
        var messages = packet.messages
        var count = 0
        var end = MoldUDP64Header.length
        while let message = messages.next() {
            let start = message.baseAddress.map { $0 - bytes.baseAddress! } ?? end + 2
            fuzzCheck(start == end + 2 && start + message.count <= bytes.count, "blocks are not contiguous")
            end = start + message.count
            count += 1
            ITCHFuzz.checkMessage(message)
        }
        fuzzCheck(!messages.isMalformed, "a validated packet has a malformed block")
        fuzzCheck(end == bytes.count, "a validated packet has bytes after its blocks")
        switch packet.kind {
        case .messages(let expected):
            fuzzCheck(count == expected, "\(count) blocks for Message Count \(expected)")
            fuzzCheck(packet.sequenceNumber <= UInt64.max - UInt64(expected), "the packet's sequence numbers overflow")
        case .heartbeat, .endOfSession:
            fuzzCheck(count == 0 && bytes.count == MoldUDP64Header.length, "a count-only packet carries blocks")
        }
    }

    // MARK: Receiver

    /// Checks what reaches the consumer: strictly increasing sequence numbers.
    struct CheckingSink: MoldUDP64MessageSink {
        var lastSequenceNumber: UInt64 = 0
        var delivered: UInt64 = 0

        mutating func deliver(sequenceNumber: UInt64, message: UnsafeRawBufferPointer) {
            fuzzCheck(sequenceNumber > lastSequenceNumber, "delivered \(sequenceNumber) after \(lastSequenceNumber)")
            lastSequenceNumber = sequenceNumber
            delivered &+= 1
            fuzzCheck(message.count <= messageBlockMaximumLength, "a message longer than a block")
        }
    }

    static func driveReceiver(_ reader: inout FuzzReader, followFirstSession: Bool) {
        // Small limits, so that buffering, overflow, retries and loss are all reachable.
        let configuration = MoldUDP64Receiver.Configuration(
            session: followFirstSession ? nil : session, firstSequenceNumber: 1, requestTimeoutNs: 1_000,
            outOfOrderLimitMessages: 8, maximumRequestMessages: 5, requestAttemptLimit: 2)
        var receiver = MoldUDP64Receiver(configuration: configuration)
        var sink = CheckingSink()
        var lost: UInt64 = 0
        var endsReported = 0
        var nowNs: Int64 = 1_000_000
        while let operation = reader.byte() {
            let actions: [MoldUDP64Receiver.Action]
            if operation & 3 == 3 {
                nowNs += Int64(operation >> 2) * 100
                actions = receiver.requestTimerFired(nowNs: nowNs, sink: &sink)
            } else {
                guard let datagram = reader.record() else { break }
                nowNs += Int64(operation >> 2)
                actions = receiver.received(datagram, nowNs: nowNs, sink: &sink)
            }
            receiver.checkInvariants()
            for action in actions {
                switch action {
                case .sendRequest(let request):
                    fuzzCheck(request.requestedMessageCount >= 1
                        && request.requestedMessageCount <= configuration.maximumRequestMessages,
                        "a request for \(request.requestedMessageCount) messages")
                    fuzzCheck(request.sequenceNumber == receiver.nextExpectedSequenceNumber, "a request not at the gap")
                    fuzzCheck(receiver.session == request.session, "a request for another session")
                case .armRequestTimer(let atNs):
                    fuzzCheck(atNs > nowNs, "a timer armed in the past")
                case .messagesLost(let first, let count):
                    fuzzCheck(count > 0, "an empty loss reported at \(first)")
                    lost &+= count
                case .endOfSession(let next):
                    endsReported += 1
                    fuzzCheck(next == receiver.nextExpectedSequenceNumber && !receiver.hasGap, "end of session with a gap")
                }
            }
            fuzzCheck(endsReported <= 1, "end of session reported twice")
            // Every sequence number behind the position was delivered once or reported lost.
            fuzzCheck(receiver.nextExpectedSequenceNumber &- configuration.firstSequenceNumber == sink.delivered &+ lost,
                      "position \(receiver.nextExpectedSequenceNumber) after \(sink.delivered) delivered and \(lost) lost")
        }
    }

    // MARK: Re-request server

    static func driveRequestServer(_ reader: inout FuzzReader, payloadChoice: Int) {
        // The first record lays out the store: one message per byte, of that byte's length (0...64).
        var store = MoldUDP64RetransmissionStore(firstSequenceNumber: 1, messageLimit: 16, maximumMessageBytes: 64)
        guard let layout = reader.record() else { return }
        var message = [UInt8](repeating: 0, count: 64)
        for byte in layout {
            let length = Int(byte) % 65
            for index in 0..<length { message[index] = UInt8(truncatingIfNeeded: Int(store.nextSequenceNumber) &+ index) }
            _ = message.withUnsafeBytes { store.append(UnsafeRawBufferPointer(rebasing: $0[0..<length])) }
        }
        store.checkInvariants()
        let payloadBytes = [86, 150, 1400][payloadChoice]
        var server = MoldUDP64RequestServer(session: session, maximumMessagesPerAnswer: 12, maximumPayloadBytes: payloadBytes)
        while let datagram = reader.record() {
            let request = try? MoldUDP64RequestPacket(decoding: datagram)
            var next = request.map { max($0.sequenceNumber, store.firstSequenceNumber) } ?? 0
            var resent = 0
            for action in server.received(datagram, store: store) {
                guard case .send(let bytes) = action else { continue }
                guard let request else { fuzzFail("answered a malformed request") }
                fuzzCheck(bytes.count <= payloadBytes, "a \(bytes.count)-byte answer")
                bytes.withUnsafeBytes { raw in
                    guard let packet = try? MoldUDP64PacketView(validating: raw) else { fuzzFail("an answer does not parse") }
                    fuzzCheck(packet.session == session && packet.sequenceNumber == next, "answer starts at \(packet.sequenceNumber), not \(next)")
                    var messages = packet.messages
                    while let sent = messages.next() {
                        fuzzCheck(next < request.sequenceNumber &+ UInt64(request.requestedMessageCount), "resent beyond the request")
                        fuzzCheck(store.message(sequenceNumber: next).map { sent.elementsEqual($0) } == true, "resent the wrong bytes for \(next)")
                        next += 1
                        resent += 1
                    }
                }
            }
            fuzzCheck(resent <= 12, "resent \(resent) messages for one request")
        }
    }

    // MARK: Seeds

    static func seeds() -> [[UInt8]] {
        let messages = ITCHFuzz.seeds().filter { $0.count <= 50 }
        func packet(sequenceNumber: UInt64, _ payloads: [[UInt8]], session: MoldUDP64SessionID = session) -> [UInt8] {
            var buffer = [UInt8](repeating: 0, count: 1400)
            let length = buffer.withUnsafeMutableBytes { raw in
                var builder = MoldUDP64PacketBuilder(buffer: raw, session: session, sequenceNumber: sequenceNumber)
                for payload in payloads {
                    let fits = payload.withUnsafeBytes { builder.append($0) }
                    precondition(fits)
                }
                return builder.finish()
            }
            return Array(buffer[0..<length])
        }
        func header(_ header: MoldUDP64Header) -> [UInt8] {
            var bytes = [UInt8](repeating: 0, count: MoldUDP64Header.length)
            _ = bytes.withUnsafeMutableBytes { header.encode(into: $0) }
            return bytes
        }
        let first = packet(sequenceNumber: 1, Array(messages[0..<3]))
        let second = packet(sequenceNumber: 4, Array(messages[3..<5]))
        let third = packet(sequenceNumber: 6, Array(messages[5..<6]))
        let heartbeat = header(.heartbeat(session: session, nextSequenceNumber: 7))
        let end = header(.endOfSession(session: session, nextSequenceNumber: 7))
        let request = MoldUDP64RequestPacket(session: session, sequenceNumber: 2, requestedMessageCount: 3).bytes

        var seeds: [[UInt8]] = [[0] + first, [0] + heartbeat, [0] + end, [0] + request, [0] + packet(sequenceNumber: 9, [[]])]
        // In order; out of order with a gap that a timer turns into a request and then a loss.
        var inOrder = SeedBuilder(mode: 1)
        for datagram in [first, second, third, end] { inOrder.raw([0]); inOrder.record(datagram) }
        var gapped = SeedBuilder(mode: 1)
        for datagram in [first, third, heartbeat] { gapped.raw([4]); gapped.record(datagram) }
        gapped.raw([0xFF, 0xFF, 0xFF])
        gapped.raw([0]); gapped.record(second)
        // Sequence numbers at the top of the range, where arithmetic could overflow.
        var edge = SeedBuilder(mode: 1)
        edge.raw([0]); edge.record(first)
        edge.raw([0]); edge.record(packet(sequenceNumber: UInt64.max - 1, Array(messages[0..<1])))
        edge.raw([0]); edge.record(header(.heartbeat(session: session, nextSequenceNumber: UInt64.max)))
        edge.raw([0xFF, 0xFF, 0xFF])
        seeds += [inOrder.bytes, gapped.bytes, edge.bytes, [0] + packet(sequenceNumber: UInt64.max - 1, Array(messages[0..<1]))]
        var server = SeedBuilder(mode: 2)
        server.record((0..<40).map { UInt8($0 * 7 % 65) })
        for (sequenceNumber, count) in [(1, 5), (20, 12), (30, 20), (41, 1), (0, 3)] as [(UInt64, UInt16)] {
            server.record(MoldUDP64RequestPacket(session: session, sequenceNumber: sequenceNumber, requestedMessageCount: count).bytes)
        }
        seeds.append(server.bytes)
        return seeds
    }
}
