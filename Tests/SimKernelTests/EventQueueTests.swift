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
        var reference = SortedReference()
        for step in 0..<20_000 {
            if random.nextBelow(3) != 0 || reference.events.isEmpty {
                let time = Nanoseconds(random.nextBelow(500))
                queue.push(step, at: time)
                reference.insert(step, at: time)
            } else {
                expectSame(&queue, &reference)
            }
            if step % 1_000 == 0 { #expect(queue.checkInvariants()) }
        }
    }
}

extension EventQueueTests {
    /// The reference: events sorted by (time, sequence), kept sorted on insert.
    private struct SortedReference {
        var events: [(time: Nanoseconds, payload: Int)] = []

        mutating func insert(_ payload: Int, at time: Nanoseconds) {
            // After every event at the same time: the new one has the highest sequence.
            var low = 0, high = events.count
            while low < high {
                let middle = (low + high) / 2
                if events[middle].time <= time { low = middle + 1 } else { high = middle }
            }
            events.insert((time, payload), at: low)
        }
    }

    private func expectSame(_ queue: inout EventQueue<Int>, _ reference: inout SortedReference) {
        let expected = reference.events.removeFirst()
        let popped = queue.popMin()
        #expect(popped?.payload == expected.payload)
        #expect(popped?.time == expected.time)
    }

    /// Times from nanoseconds to hours apart, with many exact ties: events
    /// land in the bottom heap, on the wheel and beyond it, and the wheel's
    /// width adapts (and rebuilds) as the gaps change scale.
    @Test func matchesASortedReferenceAcrossTimeScales() {
        var random = RandomStream(seed: 23)
        var queue = EventQueue<Int>()
        var reference = SortedReference()
        var now: Nanoseconds = 0
        var shifts = Set<UInt64>()
        let scales: [UInt64] = [1, 40, 3_000, 1_000_000, 7, 1 << 40, 200]
        for (phase, scale) in scales.enumerated() {
            for step in 0..<12_000 {
                let target = 2_000
                let pushes = reference.events.isEmpty
                    || random.nextBelow(UInt64(2 * target)) >= UInt64(reference.events.count)
                if pushes {
                    // Never before `now`, as the kernel guarantees; a tenth of
                    // the events land far beyond the typical gap.
                    let far = random.nextBelow(10) == 0 ? scale * 20_000 : 0
                    let time = now + Nanoseconds(random.nextBelow(scale * 4 + 1) + far)
                    queue.push(phase * 100_000 + step, at: time)
                    reference.insert(phase * 100_000 + step, at: time)
                } else {
                    now = reference.events[0].time
                    expectSame(&queue, &reference)
                }
                #expect(queue.count == reference.events.count)
                #expect(queue.peekTime == reference.events.first?.time)
                if step % 3_000 == 0 { #expect(queue.checkInvariants()) }
            }
            shifts.insert(queue.shift)
        }
        #expect(shifts.count >= 3, "the bucket width adapted to the scale of the gaps: \(shifts.sorted())")
        while !reference.events.isEmpty { expectSame(&queue, &reference) }
        #expect(queue.popMin() == nil)
    }

    /// After the queue has moved on to a later bucket, an event may still be
    /// scheduled before it (the kernel peeks, finds nothing due, and the
    /// driver schedules something sooner).
    @Test func anEventBeforeTheCurrentBucketStillComesFirst() {
        var queue = EventQueue<Int>()
        queue.push(1, at: 0)
        queue.push(2, at: 5_000_000)
        queue.push(3, at: 9_000_000_000)
        #expect(queue.popMin()?.payload == 1)
        #expect(queue.peekTime == 5_000_000)
        queue.push(4, at: 10)
        queue.push(5, at: 4_999_999)
        #expect(queue.checkInvariants())
        let order = (0..<4).compactMap { _ in queue.popMin()?.payload }
        #expect(order == [4, 5, 2, 3])
        #expect(queue.isEmpty)
    }

    /// Delivering the last near event must not move the current bucket up
    /// to a far one (a timer an hour away): the events the delivery then
    /// schedules belong on the wheel, not in the bottom heap.
    @Test func aFarEventDoesNotPullTheWheelForward() {
        var queue = EventQueue<Int>()
        queue.push(0, at: 0)
        queue.push(-1, at: 3_600_000_000_000)
        #expect(queue.popMin()?.payload == 0)
        for step in 1...1_000 { queue.push(step, at: Nanoseconds(step) * 1_000) }
        #expect(queue.bottom.keys.isEmpty)
        #expect(queue.wheelCount == 1_000)
        #expect(queue.checkInvariants())
        let order = (0..<1_001).compactMap { _ in queue.popMin()?.payload }
        #expect(order == Array(1...1_000) + [-1])
    }

    /// Many events pending over a long span: a width sized by the gap alone
    /// would leave half of them beyond the wheel, so the width grows until
    /// the wheel reaches them.
    @Test func theWheelWidensToReachWhatIsPending() {
        var random = RandomStream(seed: 3)
        var queue = EventQueue<Int>()
        for index in 0..<40_000 { queue.push(index, at: Nanoseconds(random.nextBelow(4_000_000))) }
        var last: Nanoseconds = 0
        for step in 0..<(5 * 8_192) {
            guard let entry = queue.popMin() else { Issue.record("queue ran dry"); return }
            #expect(entry.time >= last)
            last = entry.time
            queue.push(step, at: entry.time + Nanoseconds(random.nextBelow(4_000_000)))
        }
        // The mean gap is 100 ns, for which the gap rule alone picks 128 ns
        // buckets: a wheel of 2.1 ms over a span of 4 ms.
        #expect(queue.shift >= 8, "width 2^\(queue.shift) ns")
        #expect(queue.far.keys.count < 4_000, "\(queue.far.keys.count) of 40,000 beyond the wheel")
        #expect(queue.checkInvariants())
    }

    @Test func popMinStopsAtTheLimit() {
        var queue = EventQueue<Int>()
        queue.push(1, at: 100)
        queue.push(2, at: 200)
        #expect(queue.popMin(notAfter: 150)?.payload == 1)
        #expect(queue.popMin(notAfter: 150) == nil)
        #expect(queue.count == 1)
        #expect(queue.peekTime == 200)
        queue.push(3, at: 120)
        #expect(queue.peekTime == 120)
        #expect(queue.popMin(notAfter: 150)?.payload == 3)
        #expect(queue.popMin(notAfter: 199) == nil)
        #expect(queue.popMin(notAfter: 200)?.payload == 2)
        #expect(queue.isEmpty)
    }

    @Test func timesNearTheEndOfTheClock() {
        var queue = EventQueue<Int>()
        let times: [Nanoseconds] = [.max, 0, .max - 1, 1 << 62, .max, 1]
        for (payload, time) in times.enumerated() { queue.push(payload, at: time) }
        #expect(queue.checkInvariants())
        var popped: [(Nanoseconds, Int)] = []
        while let entry = queue.popMin() { popped.append((entry.time, entry.payload)) }
        #expect(popped.map(\.0) == [0, 1, 1 << 62, .max - 1, .max, .max])
        #expect(popped.map(\.1) == [1, 5, 3, 2, 0, 4])
    }

    /// The sequence field of a key is 40 bits wide; when it runs out the
    /// pending keys are renumbered in order. A lowered limit makes that
    /// happen every few dozen pushes.
    @Test func renumberingSequencesKeepsTheOrder() {
        var random = RandomStream(seed: 5)
        var queue = EventQueue<Int>()
        queue.sequenceLimit = 50
        var reference = SortedReference()
        var now: Nanoseconds = 0
        for step in 0..<20_000 {
            let pending = reference.events.count
            if pending < 10 || (pending < 40 && random.nextBelow(2) == 0) {
                let time = now + Nanoseconds(random.nextBelow(4))
                queue.push(step, at: time)
                reference.insert(step, at: time)
            } else {
                now = reference.events[0].time
                expectSame(&queue, &reference)
            }
            #expect(queue.sequenceCounter <= 50)
            if step % 1_000 == 0 { #expect(queue.checkInvariants()) }
        }
        while !reference.events.isEmpty { expectSame(&queue, &reference) }
    }

    /// Events at a fixed delay after the clock go through the in-order
    /// lane, the rest through the tiers, at every time scale and with ties
    /// between the two: the order of delivery is the reference's, with the
    /// limit honoured and sequences renumbered along the way.
    @Test(arguments: [(UInt64(1), UInt64(1) << 40), (5, 50), (3_000, 1 << 40), (1_000_000, 1 << 40)])
    func theInOrderLaneInterleavesWithTheTiers(scale: UInt64, sequenceLimit: UInt64) {
        var random = RandomStream(seed: 31 &+ scale)
        var queue = EventQueue<Int>()
        queue.sequenceLimit = sequenceLimit
        var reference = SortedReference()
        var now: Nanoseconds = 0
        let delay = Nanoseconds(scale * 3)
        for step in 0..<20_000 {
            let pending = reference.events.count
            if pending < 5 || (pending < 30 && random.nextBelow(2) == 0) {
                if random.nextBelow(2) == 0 {
                    queue.pushInOrder(step, at: now + delay)
                    reference.insert(step, at: now + delay)
                } else {
                    // Often exactly at a lane event's time, so keys tie on time.
                    let time = now + (random.nextBelow(3) == 0 ? delay : Nanoseconds(random.nextBelow(scale * 6 + 1)))
                    queue.push(step, at: time)
                    reference.insert(step, at: time)
                }
            } else if random.nextBelow(8) == 0 {
                // A limit before the next event delivers nothing.
                let next = reference.events[0].time
                if next > now {
                    #expect(queue.popMin(notAfter: next - 1) == nil)
                }
            } else {
                now = reference.events[0].time
                expectSame(&queue, &reference)
            }
            #expect(queue.count == reference.events.count)
            #expect(queue.peekTime == reference.events.first?.time)
            if step % 1_000 == 0 { #expect(queue.checkInvariants()) }
        }
        while !reference.events.isEmpty { expectSame(&queue, &reference) }
        #expect(queue.isEmpty)
        #expect(queue.popMin() == nil)
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

    /// Scheduled after the in-order delay or not, events come out in the
    /// same order, and the digest is the same.
    @Test func theInOrderDelayChangesNothingDelivered() {
        func run(inOrder: Bool) -> (ids: [Int], digest: String) {
            var kernel = Kernel<Ping>()
            if inOrder { kernel.deliverInOrder(afterDelay: 7) }
            var random = RandomStream(seed: 9)
            var ids: [Int] = []
            kernel.schedule(Ping(id: 0), at: 0)
            var next = 1
            while let event = kernel.next() {
                ids.append(event.id)
                guard next < 5_000 else { continue }
                for _ in 0..<Int(random.nextBelow(3)) {
                    let delay = random.nextBelow(2) == 0 ? 7 : Nanoseconds(random.nextBelow(15))
                    kernel.schedule(Ping(id: next), after: delay)
                    next += 1
                }
                if kernel.pendingCount == 0 { kernel.schedule(Ping(id: next), after: 7); next += 1 }
            }
            return (ids, kernel.digest.hex)
        }
        let plain = run(inOrder: false)
        let laned = run(inOrder: true)
        #expect(plain.ids.count >= 5_000)
        #expect(plain.ids == laned.ids)
        #expect(plain.digest == laned.digest)
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
