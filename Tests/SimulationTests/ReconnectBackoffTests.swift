import Testing
@testable import Simulation

/// The wait between a participant's failed connection attempts.
@Suite struct ReconnectBackoffTests {
    @Test func theWaitGrowsByItsMultiplierUpToItsMaximum() {
        let backoff = ReconnectBackoff(initialNs: 1_000_000, multiplier: 2, maximumNs: 5_000_000, jitter: 0)
        var waits: [Int64] = [backoff.initialNs]
        for _ in 0..<4 { waits.append(backoff.next(after: waits.last!)) }
        #expect(waits == [1_000_000, 2_000_000, 4_000_000, 5_000_000, 5_000_000])
        let slow = ReconnectBackoff(initialNs: 1, multiplier: 1.5, maximumNs: 100, jitter: 0)
        #expect(slow.next(after: 1) == 2, "1.5 ns rounds up: a wait of a nanosecond still grows")
        #expect(slow.next(after: 3) == 5)
        #expect(ReconnectBackoff.everyMillisecond.next(after: 1_000_000) == 1_000_000)
    }

    @Test func jitterTakesOffAtMostItsFraction() {
        let backoff = ReconnectBackoff(initialNs: 1_000_000, multiplier: 2, maximumNs: 8_000_000, jitter: 0.25)
        #expect(backoff.jittered(1_000_000, draw: 0) == 1_000_000)
        #expect(backoff.jittered(1_000_000, draw: UInt64.max) == 750_001)
        #expect(backoff.jittered(1_000_000, draw: 1 << 63) == 875_000)
        var random = RandomStream(seed: 5)
        for _ in 0..<1_000 {
            let wait = backoff.jittered(4_000_000, draw: random.next())
            #expect(wait > 3_000_000 && wait <= 4_000_000)
        }
        #expect(ReconnectBackoff.everyMillisecond.jittered(1_000_000, draw: UInt64.max) == 1_000_000)
        #expect(ReconnectBackoff(initialNs: 1, multiplier: 1, maximumNs: 1, jitter: 0.99).jittered(1, draw: UInt64.max) == 1)
    }

    /// A crash without a standby: the gateway refuses connections for 8 ms.
    func config(reconnect: ReconnectBackoff) -> SimulationConfig {
        var config = smallConfig(rate: 20_000)
        config.gatewayCrashes = [GatewayCrashConfig(atNs: 10_000_000, venue: "XTST", restartAfterNs: 8_000_000)]
        config.flows[0].reconnect = reconnect
        return config
    }

    @Test func aBackoffMakesFewerAttemptsAndComesBackWithinItsLongestWait() throws {
        let fixed = try #require(try run(config(reconnect: .everyMillisecond)).gatewayCrashes.first)
        let backoff = ReconnectBackoff(initialNs: 1_000_000, multiplier: 2, maximumNs: 64_000_000, jitter: 0)
        let result = try run(config(reconnect: backoff))
        #expect(result.invariantViolations.isEmpty, "\(result.invariantViolations.prefix(3))")
        let crash = try #require(result.gatewayCrashes.first)
        #expect(crash.sessionsRecovered == 16 && result.numberedMessagesNotReceived == 0)
        // Each of the 16 sessions: at once (refused), then after 1, 2 and
        // 4 ms (refused: the restart is at 8 ms), then after 8 ms (taken).
        #expect(crash.connectionAttempts == 16 * 5, "\(crash.connectionAttempts)")
        #expect(fixed.connectionAttempts == 16 * 9, "every 1 ms: \(fixed.connectionAttempts)")
        // The last attempt leaves about 15 ms after the crash: back after
        // its round trip and the login's, past the restart.
        let recovery = try #require(crash.recoveryNs)
        #expect(recovery > 15_000_000 && recovery < 15_100_000, "\(recovery)")
        #expect(try #require(fixed.recoveryNs) < 9_100_000)
    }

    @Test func aJitteredBackoffStaysDeterministicAndWithinItsBounds() throws {
        let jittered = ReconnectBackoff(initialNs: 1_000_000, multiplier: 2, maximumNs: 64_000_000, jitter: 0.5)
        let first = try run(config(reconnect: jittered))
        let second = try run(config(reconnect: jittered))
        #expect(first.traceDigest == second.traceDigest)
        #expect(first.invariantViolations.isEmpty, "\(first.invariantViolations.prefix(3))")
        let crash = try #require(first.gatewayCrashes.first)
        #expect(crash.sessionsRecovered == 16 && first.numberedMessagesNotReceived == 0)
        let unjittered = try run(config(reconnect: ReconnectBackoff(initialNs: 1_000_000, multiplier: 2, maximumNs: 64_000_000, jitter: 0)))
        #expect(first.traceDigest != unjittered.traceDigest)
        // Each wait is between half and all of 1, 2, 4, 8, 16 ms: the
        // fourth attempt comes before the restart (at most 7 ms of waits),
        // the sixth after it (at least 7.5 ms), so each session makes 5 or 6.
        #expect(crash.connectionAttempts >= 16 * 5 && crash.connectionAttempts <= 16 * 6, "\(crash.connectionAttempts)")
        // Back after the restart, and at the latest after waits of 1 + 2 +
        // 4 + 8 ms (the fifth attempt just before the restart) and 16 ms.
        let recovery = try #require(crash.recoveryNs)
        #expect(recovery >= 8_000_000 && recovery < 31_100_000, "\(recovery)")
    }

    @Test func withoutAFailedAttemptTheBackoffChangesNothing() throws {
        var plain = smallConfig(rate: 20_000)
        let baseline = try run(plain).traceDigest
        plain.flows[0].reconnect = ReconnectBackoff(initialNs: 1_000_000, multiplier: 2, maximumNs: 64_000_000, jitter: 0.5)
        #expect(try run(plain).traceDigest == baseline, "no attempt failed, nothing drawn")
    }
}

@Suite struct ReconnectBackoffConfigTests {
    @Test func aBackoffSetFieldByFieldIsCheckedBeforeTheRun() {
        var config = smallConfig(rate: 20_000)
        config.flows[0].reconnect.jitter = 1
        #expect(config.firstProblem == "flow 'background': reconnect: jitter must be in 0 ≤ jitter < 1")
        config.flows[0].reconnect = .everyMillisecond
        config.flows[0].reconnect.maximumNs = 1
        #expect(config.firstProblem?.contains("0 < initial ≤ max") == true)
        #expect(throws: SimulationConfigError.self) { try Simulation(config: config) }
    }
}
