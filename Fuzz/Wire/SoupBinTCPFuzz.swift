import Wire

/// SoupBinTCP 3.0. The first byte picks what the rest is:
/// - mode 0: a byte stream, framed whole and in chunks the byte also picks;
///   both framings must agree packet for packet;
/// - mode 1: one frame, and one packet for the login decoders;
/// - mode 2: a script (bytes, timer expiries, messages, reconnects) for a server session;
/// - mode 3: the same for a client session.
enum SoupBinTCPFuzz {
    static let sessionName = SoupBinTCPSessionName("FUZZSESS")!
    static let username = SoupBinTCPUsername("P1")!
    static let password = SoupBinTCPPassword("exsim")!
    /// Short timers, so that a script reaches every timeout in a few steps.
    static let timers = SoupBinTCPTimers(heartbeatIntervalNs: 1_000, idleTimeoutNs: 4_000, loginTimeoutNs: 3_000)

    static func run(_ bytes: UnsafeRawBufferPointer) {
        var reader = FuzzReader(bytes)
        guard let selector = reader.byte() else { return }
        switch selector % 4 {
        case 0: compareFramings(reader.rest, selector: selector)
        case 1: checkFrame(reader.rest)
        case 2: driveServer(&reader)
        default: driveClient(&reader)
        }
    }

    // MARK: Framing

    struct Framing: Equatable {
        var packets: [[UInt8]] = []
        var error: SoupBinTCPFramingError?
    }

    static func compareFramings(_ stream: UnsafeRawBufferPointer, selector: UInt8) {
        let maximumPacketLength = selector & 0x04 != 0 ? 50 : SoupBinTCP.maximumPacketLength
        var whole = Framing()
        var decoder = SoupBinTCPFrameDecoder(maximumPacketLength: maximumPacketLength)
        do throws(SoupBinTCPFramingError) {
            try decoder.decode(stream) { packet in
                whole.packets.append(Array(packet.bytes))
                return .continueDecoding
            }
        } catch {
            whole.error = error
        }
        decoder.checkInvariants()

        var chunked = Framing()
        decoder = SoupBinTCPFrameDecoder(maximumPacketLength: maximumPacketLength)
        forEachChunk(of: stream, seed: UInt64(selector), maximumChunk: selector & 0x08 != 0 ? 4 : 80) { chunk in
            do throws(SoupBinTCPFramingError) {
                try decoder.decode(chunk) { packet in
                    chunked.packets.append(Array(packet.bytes))
                    return .continueDecoding
                }
            } catch {
                fuzzCheck(chunked.error == nil || chunked.error == error, "the framing error changed")
                chunked.error = error
            }
            decoder.checkInvariants()
            fuzzCheck(decoder.bufferedByteCount < 2 + maximumPacketLength, "the decoder held \(decoder.bufferedByteCount) bytes")
        }
        fuzzCheck(whole == chunked, "framing depends on chunking")
        for packet in whole.packets {
            fuzzCheck(!packet.isEmpty && packet.count <= maximumPacketLength, "a packet of \(packet.count) bytes")
            checkPacket(packet)
        }
    }

    /// A framed packet, type byte first: the login decoders round-trip it.
    static func checkPacket(_ packet: [UInt8]) {
        packet.withUnsafeBytes { raw in
            if let request = try? SoupBinTCPLoginRequest(decoding: raw) {
                fuzzCheck(raw.count == SoupBinTCPLoginRequest.packetLength, "a Login Request of \(raw.count) bytes")
                let encoded = encodeExactly(SoupBinTCPLoginRequest.encodedByteCount) { request.encode(into: $0) }
                // Numbers are written right-justified, so compare values, not bytes.
                let again = encoded.withUnsafeBytes { try? SoupBinTCPLoginRequest(decoding: UnsafeRawBufferPointer(rebasing: $0[2...])) }
                fuzzCheck(again == request, "a Login Request did not round-trip")
                fuzzCheck(encoded[2..<29].elementsEqual(raw[0..<27]), "a Login Request's text fields changed")
            }
            if let accepted = try? SoupBinTCPLoginAccepted(decoding: raw) {
                let encoded = encodeExactly(SoupBinTCPLoginAccepted.encodedByteCount) { accepted.encode(into: $0) }
                let again = encoded.withUnsafeBytes { try? SoupBinTCPLoginAccepted(decoding: UnsafeRawBufferPointer(rebasing: $0[2...])) }
                fuzzCheck(again == accepted, "a Login Accepted did not round-trip")
            }
            if let rejected = try? SoupBinTCPLoginRejected(decoding: raw) {
                let encoded = encodeExactly(SoupBinTCPLoginRejected.encodedByteCount) { rejected.encode(into: $0) }
                fuzzCheck(encoded[2...].elementsEqual(raw), "a Login Rejected re-encoded differently")
            }
            if !raw.isEmpty, let type = try? SoupBinTCPPacketView(bytes: raw).validatedType(), let fixed = type.fixedPacketLength {
                fuzzCheck(fixed == raw.count, "a \(type) packet of \(raw.count) bytes validated")
            }
        }
    }

    static func checkFrame(_ frame: UnsafeRawBufferPointer) {
        if let packet = try? SoupBinTCPPacketView(decodingFrame: frame) {
            fuzzCheck(frame.count >= 3 && Int(frame[0]) << 8 | Int(frame[1]) == frame.count - 2, "a frame with the wrong length decoded")
            fuzzCheck(packet.bytes.elementsEqual(frame[2...]), "a frame's packet is not its bytes")
        }
        checkPacket(Array(frame))
    }

    static func encodeExactly(_ count: Int, _ body: (UnsafeMutableRawBufferPointer) -> Int) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: count)
        let written = bytes.withUnsafeMutableBytes(body)
        fuzzCheck(written == count, "wrote \(written) of \(count) bytes")
        return bytes
    }

    // MARK: Server session

    static func driveServer(_ reader: inout FuzzReader) {
        let configuration = SoupBinTCPServerSession.Configuration(
            session: sessionName, username: username, password: password, timers: timers,
            storedMessageLimit: 8, maximumMessageByteCount: 32)
        var server = SoupBinTCPServerSession(configuration: configuration)
        var decoder = SoupBinTCPFrameDecoder()
        var actions: [SoupBinTCPServerSession.Action] = []
        var nowNs: Int64 = 1_000_000
        var open = true
        server.connectionOpened(nowNs: nowNs, actions: &actions)
        while let operation = reader.byte() {
            actions.removeAll(keepingCapacity: true)
            let argument = Int(operation >> 2)
            switch operation & 3 {
            case 1:
                nowNs += Int64(argument) * 100
                server.timerFired(nowNs: nowNs, actions: &actions)
            case 2:
                // Lengths past the 32-byte maximum must be refused, not stored.
                let message = [UInt8](repeating: UInt8(truncatingIfNeeded: argument), count: argument % 40)
                let before = server.nextSequenceNumber
                let outcome = message.withUnsafeBytes { raw in
                    Result { () throws(SoupBinTCPSessionError) in try server.sendSequencedData(raw, nowNs: nowNs, actions: &actions) }
                }
                if case .success = outcome {
                    fuzzCheck(message.count <= 32 && server.nextSequenceNumber == before + 1, "stored a \(message.count)-byte message")
                } else {
                    fuzzCheck(server.nextSequenceNumber == before, "a refused message was stored")
                }
            case 3 where argument % 4 == 0:
                server.connectionClosed()
                decoder = SoupBinTCPFrameDecoder()
                server.connectionOpened(nowNs: nowNs, actions: &actions)
                open = true
            case 3 where argument % 4 == 1:
                server.endSession(nowNs: nowNs, actions: &actions)
            default:
                guard let chunk = reader.record() else { return }
                nowNs += 1
                do throws(SoupBinTCPFramingError) {
                    try decoder.decode(chunk) { packet in
                        server.received(packet, nowNs: nowNs, actions: &actions)
                        // The session ignores what follows a close; so does the driver.
                        return actions.contains { if case .close = $0 { true } else { false } } ? .stopDecoding : .continueDecoding
                    }
                } catch {
                    server.framingFailed(error, actions: &actions)
                }
            }
            server.checkInvariants()
            if !open {
                // After a close, nothing happens until the next connection.
                fuzzCheck(actions.allSatisfy { if case .send = $0 { false } else { true } }, "sent on a closed connection")
            }
            for action in actions {
                switch action {
                case .send(let packet):
                    let count = server.encodedByteCount(of: packet)
                    let bytes = encodeExactly(count) { server.encode(packet, into: $0) }
                    checkEncodedServerPacket(bytes, packet)
                case .close:
                    open = false
                    fuzzCheck(!server.isLoggedIn, "still logged in after a close")
                case .deliverUnsequencedData, .armTimer:
                    break
                }
            }
        }
    }

    static func checkEncodedServerPacket(_ bytes: [UInt8], _ packet: SoupBinTCPServerSession.Packet) {
        bytes.withUnsafeBytes { raw in
            guard let view = try? SoupBinTCPPacketView(decodingFrame: raw), let type = try? view.validatedType() else {
                fuzzFail("the server wrote an invalid frame for \(packet)")
            }
            switch packet {
            case .loginAccepted(let accepted):
                fuzzCheck(type == .loginAccepted && (try? SoupBinTCPLoginAccepted(decoding: view.bytes)) == accepted, "Login Accepted")
            case .loginRejected(let code):
                fuzzCheck(type == .loginRejected && (try? SoupBinTCPLoginRejected(decoding: view.bytes))?.code == code, "Login Rejected")
            case .sequencedData:
                fuzzCheck(type == .sequencedData && view.bytes.count <= 33, "Sequenced Data")
            case .serverHeartbeat:
                fuzzCheck(type == .serverHeartbeat, "Server Heartbeat")
            case .endOfSession:
                fuzzCheck(type == .endOfSession, "End of Session")
            }
        }
    }

    // MARK: Client session

    static func driveClient(_ reader: inout FuzzReader) {
        var client = SoupBinTCPClientSession(configuration: .init(
            username: username, password: password, requestedSession: .blank, requestedSequenceNumber: 1, timers: timers))
        var decoder = SoupBinTCPFrameDecoder()
        var actions: [SoupBinTCPClientSession.Action] = []
        var nowNs: Int64 = 1_000_000
        var open = true
        var expected: UInt64?
        // The model of a refused session (`SoupBinTCPClientSession`): 'S'
        // for the session the client was in forgets it; a login that finds
        // the same session again skips what was taken in before.
        var session: SoupBinTCPSessionName?
        var refused: (name: SoupBinTCPSessionName, next: UInt64)?
        var catchUpFrom: UInt64?
        client.connectionOpened(nowNs: nowNs, actions: &actions)
        while true {
            for action in actions {
                switch action {
                case .send(let packet):
                    fuzzCheck(open, "sent on a closed connection")
                    if case .unsequencedData = packet { continue }
                    let bytes = encodeExactly(SoupBinTCPClientSession.encodedByteCount(of: packet)) {
                        SoupBinTCPClientSession.encode(packet, into: $0)
                    }
                    bytes.withUnsafeBytes { raw in
                        fuzzCheck((try? SoupBinTCPPacketView(decodingFrame: raw).validatedType()) != nil, "the client wrote an invalid frame")
                    }
                case .loggedIn(let accepted):
                    expected = accepted.nextSequenceNumber
                    catchUpFrom = nil
                    if let found = refused.take(), found.name == accepted.session, accepted.nextSequenceNumber < found.next {
                        catchUpFrom = found.next
                    }
                    session = accepted.session
                case .deliverSequencedData(let sequenceNumber):
                    if let from = catchUpFrom {
                        fuzzCheck(sequenceNumber == from, "delivered \(sequenceNumber) while skipping up to \(from)")
                        expected = from
                        catchUpFrom = nil
                    }
                    fuzzCheck(sequenceNumber == expected, "delivered \(sequenceNumber), expected \(String(describing: expected))")
                    expected = sequenceNumber &+ 1
                case .close(let reason):
                    open = false
                    fuzzCheck(!client.isLoggedIn, "still logged in after a close")
                    if reason == .loginRejected(.sessionNotAvailable), let name = session {
                        refused = (name, expected ?? 1)
                        session = nil
                        expected = nil
                    }
                case .armTimer:
                    break
                }
            }
            client.checkInvariants()
            if let from = catchUpFrom, let position = client.nextExpectedSequenceNumber, let start = expected {
                // Skipping: the client moves on without delivering, never past the skip's end.
                fuzzCheck(position >= start && position <= from, "the client skipped past \(from)")
                expected = position
            }
            fuzzCheck(client.nextExpectedSequenceNumber == expected, "the client's position drifted")
            guard let operation = reader.byte() else { return }
            actions.removeAll(keepingCapacity: true)
            let argument = Int(operation >> 2)
            switch operation & 3 {
            case 1:
                nowNs += Int64(argument) * 100
                client.timerFired(nowNs: nowNs, actions: &actions)
            case 2:
                if argument % 2 == 0 {
                    do throws(SoupBinTCPSessionError) {
                        try client.sendUnsequencedData(nowNs: nowNs, actions: &actions)
                        fuzzCheck(client.isLoggedIn, "sent data before logging in")
                    } catch {
                        fuzzCheck(!client.isLoggedIn, "refused data while logged in")
                    }
                } else {
                    client.logout(nowNs: nowNs, actions: &actions)
                }
            case 3 where argument % 4 == 0:
                client.connectionClosed()
                decoder = SoupBinTCPFrameDecoder()
                client.connectionOpened(nowNs: nowNs, actions: &actions)
                open = true
            default:
                guard let chunk = reader.record() else { return }
                nowNs += 1
                do throws(SoupBinTCPFramingError) {
                    try decoder.decode(chunk) { packet in
                        client.received(packet, nowNs: nowNs, actions: &actions)
                        return actions.contains { if case .close = $0 { true } else { false } } ? .stopDecoding : .continueDecoding
                    }
                } catch {
                    client.framingFailed(error, actions: &actions)
                }
            }
        }
    }

    // MARK: Seeds

    static func frame(_ encode: (UnsafeMutableRawBufferPointer) -> Int) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: 128)
        let count = bytes.withUnsafeMutableBytes(encode)
        return Array(bytes[0..<count])
    }

    static func dataFrame(_ type: SoupBinTCPPacketType, _ payload: [UInt8]) -> [UInt8] {
        frame { buffer in payload.withUnsafeBytes { SoupBinTCP.encodeDataPacket(type, payload: $0, into: buffer) } }
    }

    static func seeds() -> [[UInt8]] {
        let login = frame { SoupBinTCPLoginRequest(
            username: username, password: password, requestedSession: .blank, requestedSequenceNumber: 1).encode(into: $0) }
        let accepted = frame { SoupBinTCPLoginAccepted(session: sessionName, nextSequenceNumber: 1).encode(into: $0) }
        let rejected = frame { SoupBinTCPLoginRejected(code: .notAuthorized).encode(into: $0) }
        let heartbeat = frame { SoupBinTCP.encodeEmptyPacket(.clientHeartbeat, into: $0) }
        let serverHeartbeat = frame { SoupBinTCP.encodeEmptyPacket(.serverHeartbeat, into: $0) }
        let logout = frame { SoupBinTCP.encodeEmptyPacket(.logoutRequest, into: $0) }
        let end = frame { SoupBinTCP.encodeEmptyPacket(.endOfSession, into: $0) }
        let unsequenced = dataFrame(.unsequencedData, Array("OORDER0000001B".utf8))
        let sequenced = dataFrame(.sequencedData, Array("SACCEPTED".utf8))
        let debug = dataFrame(.debug, Array("hello".utf8))

        let stream = login + heartbeat + unsequenced + debug + accepted + sequenced + rejected + logout
        var seeds: [[UInt8]] = [[0] + stream, [0x0C] + stream]
        for packet in [login, accepted, rejected, unsequenced] { seeds.append([1] + packet) }

        var server = SeedBuilder(mode: 2)
        server.raw([2 | 4 << 2])  // store a message before the login, to be replayed
        server.raw([0]); server.record(login)
        server.raw([2 | 9 << 2])
        server.raw([0]); server.record(heartbeat + unsequenced)
        server.raw([1 | 12 << 2])
        server.raw([0]); server.record(debug + logout)
        server.raw([3])
        server.raw([0]); server.record(login)
        server.raw([3 | 1 << 2])
        seeds.append(server.bytes)

        var client = SeedBuilder(mode: 3)
        client.raw([0]); client.record(accepted + sequenced)
        client.raw([0]); client.record(sequenced + serverHeartbeat)
        client.raw([2, 1 | 12 << 2])
        client.raw([0]); client.record(end)
        client.raw([3])
        client.raw([0]); client.record(rejected)
        seeds.append(client.bytes)
        return seeds
    }
}
