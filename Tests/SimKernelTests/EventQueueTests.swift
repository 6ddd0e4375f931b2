import Testing
@testable import SimKernel

@Suite struct EventQueueTests {
    @Test func deliversInTimeOrder() {
        var queue = EventQueue<Int>()
        for (payload, time) in [(0, 50), (1, 10), (2, 30), (3, 20), (4, 40)] {
            queue.push(payload, at: Nanoseconds(time))
        }
        var times: [Nanoseconds] = []
        while let entry = queue.popMin() { times.append(entry.time) }
        #expect(times == [10, 20, 30, 40, 50])
    }

    @Test func equalTimesKeepInsertionOrder() {
        var queue = EventQueue<Int>()
        for payload in 0..<100 { queue.push(payload, at: 7) }
        queue.push(-1, at: 3)
        var payloads: [Int] = []
        while let entry = queue.popMin() { payloads.append(entry.payload) }
        #expect(payloads == [-1] + Array(0..<100))
    }

    @Test func matchesASortedReferenceUnderRandomInterleaving() {
        var random = RandomStream(seed: 11)
        var queue = EventQueue<Int>()
        var reference: [(time: Nanoseconds, sequence: Int, payload: Int)] = []
        var sequence = 0
        for step in 0..<20_000 {
            if random.nextBelow(3) != 0 || reference.isEmpty {
                let time = Nanoseconds(random.nextBelow(500))
                queue.push(step, at: time)
                reference.append((time, sequence, step))
                sequence += 1
            } else {
                reference.sort { ($0.time, $0.sequence) < ($1.time, $1.sequence) }
                let expected = reference.removeFirst()
                let popped = queue.popMin()
                #expect(popped?.payload == expected.payload)
                #expect(popped?.time == expected.time)
            }
            if step % 1_000 == 0 { #expect(queue.checkInvariants()) }
        }
    }
}

@Suite struct KernelTests {
    struct Ping: TraceRecordable, Equatable {
        var id: Int
        func record(into digest: inout TraceDigest) { digest.absorb(id) }
    }

    @Test func clockAdvancesToEachEvent() {
        var kernel = Kernel<Ping>()
        kernel.schedule(Ping(id: 1), at: 100)
        kernel.schedule(Ping(id: 2), after: 40)
        var delivered = kernel.next()
        #expect(delivered == Ping(id: 2))
        #expect(kernel.now == 40)
        kernel.schedule(Ping(id: 3), after: 10)
        delivered = kernel.next()
        #expect(delivered == Ping(id: 3))
        #expect(kernel.now == 50)
        delivered = kernel.next()
        #expect(delivered == Ping(id: 1))
        #expect(kernel.now == 100)
        delivered = kernel.next()
        #expect(delivered == nil)
        #expect(kernel.deliveredCount == 3)
    }

    @Test func nextStopsAtTheLimitWithoutAdvancing() {
        var kernel = Kernel<Ping>()
        kernel.schedule(Ping(id: 1), at: 100)
        let early = kernel.next(until: 99)
        #expect(early == nil)
        #expect(kernel.now == 0)
        let due = kernel.next(until: 100)
        #expect(due == Ping(id: 1))
    }

    @Test func cancelledTimerIsNeverDelivered() {
        var kernel = Kernel<Ping>()
        let timer = kernel.scheduleTimer(Ping(id: 1), at: 10)
        _ = kernel.scheduleTimer(Ping(id: 2), at: 20)
        let cancelled = kernel.cancel(timer)
        let cancelledAgain = kernel.cancel(timer)
        #expect(cancelled)
        #expect(!cancelledAgain, "a second cancel reports nothing to cancel")
        let first = kernel.next()
        let second = kernel.next()
        #expect(first == Ping(id: 2))
        #expect(second == nil)
        #expect(kernel.deliveredCount == 1)
    }

    @Test func firedTimerCannotBeCancelledAndSlotsAreReused() {
        var kernel = Kernel<Ping>()
        let first = kernel.scheduleTimer(Ping(id: 1), at: 5)
        let fired = kernel.next()
        #expect(fired == Ping(id: 1))
        let cancelFired = kernel.cancel(first)
        #expect(!cancelFired)
        // The freed slot serves a new timer; the stale handle must not cancel it.
        let second = kernel.scheduleTimer(Ping(id: 2), at: 6)
        let staleCancel = kernel.cancel(first)
        #expect(!staleCancel)
        let secondFired = kernel.next()
        #expect(secondFired == Ping(id: 2))
        let cancelSecond = kernel.cancel(second)
        #expect(!cancelSecond)
    }

    @Test func digestDependsOnTimesAndOrder() {
        func digest(_ schedule: [(Int, Nanoseconds)]) -> String {
            var kernel = Kernel<Ping>()
            for (id, time) in schedule { kernel.schedule(Ping(id: id), at: time) }
            while kernel.next() != nil {}
            return kernel.digest.hex
        }
        let base = digest([(1, 10), (2, 20)])
        #expect(base == digest([(2, 20), (1, 10)]), "same delivered trace, same digest")
        #expect(base != digest([(1, 10), (2, 21)]), "a time differs")
        #expect(base != digest([(2, 10), (1, 20)]), "the order differs")
        #expect(base.count == 32)
    }
}

@Suite struct RandomStreamTests {
    @Test func splitMix64MatchesItsPublishedSequence() {
        // First outputs of SplitMix64 seeded with 1234567 (reference C code by Vigna).
        var generator = SplitMix64(seed: 1_234_567)
        let outputs = (0..<3).map { _ in generator.next() }
        #expect(outputs == [6_457_827_717_110_365_317, 3_203_168_211_198_807_973, 9_817_491_932_198_370_423])
    }

    @Test func xoshiroMatchesTheReferenceImplementation() {
        // State {1, 2, 3, 4}: outputs of the reference xoshiro256** C code.
        var stream = RandomStream(seed: 0)
        stream.s0 = 1; stream.s1 = 2; stream.s2 = 3; stream.s3 = 4
        let outputs = (0..<4).map { _ in stream.next() }
        #expect(outputs == [11_520, 0, 1_509_978_240, 1_215_971_899_390_074_240])
    }

    @Test func sameSeedAndNameGiveTheSameStream() {
        var a = RandomStream(scenarioSeed: 42, component: "flow.background")
        var b = RandomStream(scenarioSeed: 42, component: "flow.background")
        for _ in 0..<1_000 {
            let (x, y) = (a.next(), b.next())
            #expect(x == y)
        }
    }

    @Test func streamsDifferBySeedAndByName() {
        var base = RandomStream(scenarioSeed: 42, component: "venue.XNAS.service")
        var otherSeed = RandomStream(scenarioSeed: 43, component: "venue.XNAS.service")
        var otherName = RandomStream(scenarioSeed: 42, component: "venue.XNYS.service")
        let first = (0..<8).map { _ in base.next() }
        #expect(first != (0..<8).map { _ in otherSeed.next() })
        #expect(first != (0..<8).map { _ in otherName.next() })
    }

    @Test func boundedDrawsStayInRangeAndCoverIt() {
        var stream = RandomStream(seed: 9)
        var seen = Set<Int64>()
        for _ in 0..<10_000 {
            let value = stream.nextInt(in: -3...3)
            #expect((-3...3).contains(value))
            seen.insert(value)
        }
        #expect(seen.count == 7)
        for _ in 0..<10_000 {
            let unit = stream.nextUnitInterval()
            #expect(unit >= 0 && unit < 1)
        }
    }

    @Test func exponentialHasTheRequestedMean() {
        var stream = RandomStream(seed: 5)
        let samples = 200_000
        var sum = 0.0
        for _ in 0..<samples { sum += stream.nextExponential(mean: 1_000) }
        let mean = sum / Double(samples)
        #expect(abs(mean - 1_000) < 15, "mean \(mean)")
    }
}
