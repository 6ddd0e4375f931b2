import SimKernel
import Testing
@testable import Simulation

/// A test tap: keeps every event like the first run of `--twice`, and can
/// perturb the trace at one event like the hidden test option.
struct KeepingTap: EventTap {
    var times: [Nanoseconds] = []
    var words: [UInt64] = []
    let perturbAt: UInt64?
    static var isActive: Bool { true }

    mutating func delivered(_ event: SimulationEvent, index: UInt64, timeNs: Nanoseconds, digestWord: UInt64) -> EventTapVerdict {
        #expect(index == UInt64(words.count) + 1, "events are counted from 1 without gaps")
        times.append(timeNs)
        words.append(digestWord)
        return index == perturbAt ? .perturb : .proceed
    }
}

/// The events of one run of `config`, with the trace perturbed at `perturbAt`.
func keptEvents(_ config: SimulationConfig, perturbAt: UInt64? = nil) throws -> KeepingTap {
    var simulation = try Simulation(config: config)
    var tap = KeepingTap(perturbAt: perturbAt)
    _ = simulation.run(capture: nil, observation: RunObservation(), tap: &tap)
    return tap
}

/// The first index (from 1) at which two kept runs differ in time or digest word.
func firstDifference(_ a: KeepingTap, _ b: KeepingTap) -> UInt64? {
    for i in 0..<min(a.words.count, b.words.count) where a.words[i] != b.words[i] || a.times[i] != b.times[i] {
        return UInt64(i + 1)
    }
    return a.words.count == b.words.count ? nil : UInt64(min(a.words.count, b.words.count) + 1)
}

@Suite struct TwiceTests {
    @Test func twoRunsOfOneConfigurationAgreeAndKeepTheirDigest() throws {
        let plain = try run(smallConfig(), check: false)
        var first = try Simulation(config: smallConfig())
        let (recorded, trace) = first.runRecording()
        var second = try Simulation(config: smallConfig())
        let comparison = second.runComparing(with: trace)
        #expect(comparison.divergence == nil)
        #expect(recorded.traceDigest == plain.traceDigest, "recording changes nothing in the run")
        #expect(comparison.result.traceDigest == plain.traceDigest, "comparing changes nothing in the run")
        #expect(trace.finalDigest == plain.traceDigest)
        #expect(trace.eventsDelivered == plain.eventsDelivered && trace.count == Int(plain.eventsDelivered))
        #expect(!trace.isTruncated)
        #expect(plain.eventsDelivered > 1_000)
    }

    @Test(arguments: [1, 2, 500, 4_321] as [UInt64])
    func aPerturbationIsFoundAtTheFirstEventItChanges(at event: UInt64) throws {
        var first = try Simulation(config: smallConfig())
        let (_, trace) = first.runRecording()
        var second = try Simulation(config: smallConfig())
        let comparison = second.runComparing(with: trace, perturbingEvent: event)
        let divergence = try #require(comparison.divergence)

        // Independently: keep every event of both runs and look for the first difference.
        let expected = firstDifference(try keptEvents(smallConfig()), try keptEvents(smallConfig(), perturbAt: event))
        #expect(divergence.index == expected)
        #expect(divergence.index == event + 1, "the extra word is recorded while handling the event, so the next one differs")
        #expect(divergence.kind == .differentFactsBefore)
        let firstEvent = try #require(divergence.first)
        let secondEvent = try #require(divergence.second)
        #expect(firstEvent.index == divergence.index && secondEvent.index == divergence.index)
        #expect(firstEvent.timeNs == secondEvent.timeNs && firstEvent.description == secondEvent.description)
        #expect(divergence.previous?.index == event)
        #expect(comparison.result.cutShort, "the second run stops at the divergence")
        #expect(comparison.result.eventsDelivered == divergence.index)
    }

    /// Another seed stands in for a nondeterminism that changes which events happen.
    @Test func differentEventsAreReportedAtTheFirstThatDiffers() throws {
        var first = try Simulation(config: smallConfig(seed: 7))
        let (_, trace) = first.runRecording()
        var second = try Simulation(config: smallConfig(seed: 8))
        let divergence = try #require(second.runComparing(with: trace).divergence)
        let expected = firstDifference(try keptEvents(smallConfig(seed: 7)), try keptEvents(smallConfig(seed: 8)))
        #expect(divergence.index == expected)
        #expect(divergence.kind == .differentEvent || divergence.kind == .differentFactsBefore)
        #expect(divergence.first != nil && divergence.second != nil)
        if divergence.kind == .differentEvent {
            #expect(divergence.first != divergence.second)
        }
    }

    @Test func pastTheKeptEventsTheFinalDigestsAreCompared() throws {
        var first = try Simulation(config: smallConfig())
        let (_, trace) = first.runRecording(eventLimit: 100)
        #expect(trace.isTruncated && trace.count == 100)

        var same = try Simulation(config: smallConfig())
        #expect(same.runComparing(with: trace).divergence == nil)

        var perturbed = try Simulation(config: smallConfig())
        let divergence = try #require(perturbed.runComparing(with: trace, perturbingEvent: 2_000).divergence)
        #expect(divergence.kind == .beyondRecordedEvents)
        #expect(divergence.index == 101)
        #expect(divergence.previous?.index == 100)

        var early = try Simulation(config: smallConfig())
        let inWindow = try #require(early.runComparing(with: trace, perturbingEvent: 50).divergence)
        #expect(inWindow.index == 51 && inWindow.kind == .differentFactsBefore)
    }

    /// A run that ends before the first run did differs at the event it lacks.
    @Test func aShorterSecondRunDiffersAtTheEventItLacks() throws {
        var first = try Simulation(config: smallConfig())
        let (_, trace) = first.runRecording()
        var shorter = smallConfig()
        shorter.durationNs = 30_000_000
        var second = try Simulation(config: shorter)
        let divergence = try #require(second.runComparing(with: trace).divergence)
        let expected = firstDifference(try keptEvents(smallConfig()), try keptEvents(shorter))
        #expect(divergence.index == expected)
    }
}
