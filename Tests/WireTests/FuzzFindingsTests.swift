import Testing
import Wire

/// Inputs that broke a Wire decoder or session, each reduced to the bytes
/// that matter, kept so the fix stays fixed.
@Suite struct FuzzFindingsTests {
    /// A Login Accepted whose Sequence Number is 2^64 − 1, then one
    /// Sequenced Data packet: the client computes the number after it, and
    /// the addition overflows. A server's bytes must not be able to trap the
    /// client; the answer is a protocol violation (close), not a crash.
    static let loginAcceptedAtMaximumThenSequencedData: [UInt8] = [
        0x00, 0x1F, 0x41,  // Packet Length 31, 'A' Login Accepted
        0x46, 0x55, 0x5A, 0x5A, 0x53, 0x45, 0x53, 0x53, 0x20, 0x20,  // Session "FUZZSESS  "
        0x31, 0x38, 0x34, 0x34, 0x36, 0x37, 0x34, 0x34, 0x30, 0x37,  // "18446744073709551615"
        0x33, 0x37, 0x30, 0x39, 0x35, 0x35, 0x31, 0x36, 0x31, 0x35,
        0x00, 0x02, 0x53, 0x58,  // Packet Length 2, 'S' Sequenced Data, payload "X"
    ]

    static func feedClient(_ stream: [UInt8]) -> [SoupBinTCPClientSession.Action] {
        var client = SoupBinTCPClientSession(configuration: .init(
            username: SoupBinTCPUsername("P1")!, password: SoupBinTCPPassword("exsim")!))
        var actions: [SoupBinTCPClientSession.Action] = []
        client.connectionOpened(nowNs: 0, actions: &actions)
        var decoder = SoupBinTCPFrameDecoder()
        stream.withUnsafeBytes { bytes in
            try? decoder.decode(bytes) { packet in
                client.received(packet, nowNs: 1, actions: &actions)
                return .continueDecoding
            }
        }
        client.checkInvariants()
        return actions
    }

    /// A Login Accepted at Sequence Number 0, then, on the next connection,
    /// Login Rejected 'S': the client forgets the session it was in and
    /// counted what it took in of it as "next − 1", which underflowed.
    @Test func soupBinTCPClientRefusedAfterALoginAcceptedAtZeroCountsNothing() {
        var client = SoupBinTCPClientSession(configuration: .init(
            username: SoupBinTCPUsername("P1")!, password: SoupBinTCPPassword("exsim")!))
        var actions: [SoupBinTCPClientSession.Action] = []
        func feed(_ stream: [UInt8]) {
            var decoder = SoupBinTCPFrameDecoder()
            stream.withUnsafeBytes { bytes in
                try? decoder.decode(bytes) { packet in
                    client.received(packet, nowNs: 1, actions: &actions)
                    return .continueDecoding
                }
            }
        }
        client.connectionOpened(nowNs: 0, actions: &actions)
        // Login Accepted, session "FUZZSESS", Sequence Number "0" (right-aligned in 20 bytes).
        feed([0x00, 0x1F, 0x41] + Array("FUZZSESS  ".utf8) + Array(String(repeating: " ", count: 19).utf8) + [0x30])
        #expect(client.isLoggedIn && client.nextExpectedSequenceNumber == 0 && client.messagesReceived == 0)
        client.connectionClosed()
        client.connectionOpened(nowNs: 2, actions: &actions)
        feed([0x00, 0x02, 0x4A, 0x53])  // Login Rejected 'S'
        client.checkInvariants()
        #expect(actions.last == .close(.loginRejected(.sessionNotAvailable)))
        #expect(client.nextExpectedSequenceNumber == nil && client.messagesReceived == 0)
    }

    @Test func soupBinTCPClientClosesOnSequencedDataAfterTheLargestSequenceNumber() {
        let actions = Self.feedClient(Self.loginAcceptedAtMaximumThenSequencedData)
        #expect(actions.contains(.close(.protocolViolation(.sequenceNumberExhausted))), "\(actions)")
        #expect(!actions.contains { if case .deliverSequencedData = $0 { return true } else { return false } })
    }
}
