import Foundation
import Testing
@testable import Report

/// A sweep result for `plan`, with every seed divisible by `failEvery` failing its assertion.
func sampleSweep(_ plan: SweepPlan, scenarioDigest: String = "00112233445566778", failEvery: UInt64 = 0) -> SweepResult {
    SweepResult(
        exsimVersion: "0.1.0", scenario: "smoke", scenarioFile: "Scenarios/smoke.yaml", scenarioFileDigest: scenarioDigest,
        runOptions: ["--check"], plan: plan,
        results: plan.seeds.reversed().map { seed in
            let fails = failEvery > 0 && seed % failEvery == 0
            return SeedResult(seed: seed, outcome: fails ? .assertionFailed : .passed, exitStatus: fails ? 1 : 0,
                              traceDigest: String(repeating: "\(seed % 10)", count: 32),
                              failures: fails ? ["assertion order_ack_p99_below: 1us — measured 12.3 µs: FAIL"] : [])
        })
}

@Suite struct SweepResultTests {
    @Test func shardsParseAsKOfNCountedFromOne() throws {
        #expect(try SweepShard(parsing: "1/4") == SweepShard(index: 1, count: 4))
        #expect(try SweepShard(parsing: "4/4").index == 4)
        for bad in ["0/4", "5/4", "1/0", "-1/3", "a/b", "1", "1/4/2", "", "/4", "1/"] {
            #expect(throws: SweepError.self, "\(bad)") { try SweepShard(parsing: bad) }
        }
        do {
            _ = try SweepShard(parsing: "0/4")
        } catch {
            #expect(error.description.contains("counts from 1"), "\(error)")
        }
    }

    @Test func shardsAreDisjointAndTogetherHoldEverySeedOnce() throws {
        for seedCount in 1...13 {
            for shardCount in 1...5 {
                let whole = try SweepPlan(firstSeed: 100, seedCount: seedCount).seeds
                #expect(whole == (0..<seedCount).map { 100 + UInt64($0) })
                var union: [UInt64] = []
                for index in 1...shardCount {
                    let seeds = try SweepPlan(firstSeed: 100, seedCount: seedCount, shard: SweepShard(index: index, count: shardCount)).seeds
                    #expect(seeds == seeds.sorted())
                    #expect(seeds.allSatisfy { (Int($0 - 100)) % shardCount == index - 1 })
                    union += seeds
                }
                #expect(union.sorted() == whole, "\(seedCount) seeds in \(shardCount) shards")
            }
        }
        #expect(try SweepPlan(firstSeed: 10, seedCount: 7, shard: SweepShard(index: 2, count: 3)).seeds == [11, 14])
        #expect(try SweepPlan(firstSeed: 1, seedCount: 2, shard: SweepShard(index: 3, count: 3)).seeds.isEmpty)
    }

    @Test func seedRangesStayWithinUInt64AndLimits() throws {
        #expect(try SweepPlan(firstSeed: .max, seedCount: 1).seeds == [.max])
        #expect(throws: SweepError.self) { try SweepPlan(firstSeed: .max, seedCount: 2) }
        #expect(throws: SweepError.self) { try SweepPlan(firstSeed: 1, seedCount: 0) }
        #expect(throws: SweepError.self) { try SweepPlan(firstSeed: 1, seedCount: SweepPlan.maximumSeeds + 1) }
    }

    @Test func mergingEveryShardGivesTheUnshardedResult() throws {
        let whole = sampleSweep(try SweepPlan(firstSeed: 5, seedCount: 11), failEvery: 4)
        let shards = try (1...3).map { index in
            sampleSweep(try SweepPlan(firstSeed: 5, seedCount: 11, shard: SweepShard(index: index, count: 3)), failEvery: 4)
        }
        // Given in any order.
        let merged = try SweepResult.merge([("c", shards[2]), ("a", shards[0]), ("b", shards[1])])
        #expect(merged == whole)
        #expect(try merged.jsonData() == whole.jsonData())
        #expect(merged.failures.map(\.seed) == [8, 12])
        #expect(merged.worstOutcome == .assertionFailed)
    }

    @Test func mergeNamesMissingAndRepeatedShards() throws {
        func shard(_ index: Int, of count: Int = 3, seeds: Int = 10, digest: String = "00112233445566778") throws -> SweepResult {
            sampleSweep(try SweepPlan(firstSeed: 1, seedCount: seeds, shard: SweepShard(index: index, count: count)), scenarioDigest: digest)
        }
        #expect(throws: SweepError.missingShards([try SweepShard(index: 2, count: 3)])) {
            try SweepResult.merge([("a", try shard(1)), ("c", try shard(3))])
        }
        #expect(throws: SweepError.missingShards([try SweepShard(index: 1, count: 3), try SweepShard(index: 3, count: 3)])) {
            try SweepResult.merge([("b", try shard(2))])
        }
        do {
            _ = try SweepResult.merge([("a", try shard(1)), ("b", try shard(2)), ("a2", try shard(1)), ("c", try shard(3))])
            Issue.record("a repeated shard merged")
        } catch {
            #expect("\(error)".contains("shard 1/3 appears more than once: a, a2"), "\(error)")
        }
        for (other, field) in [(try shard(2, of: 4), "number of shards"), (try shard(2, seeds: 11), "seed count"),
                               (try shard(2, digest: "ffff"), "scenario file digest")] {
            do {
                _ = try SweepResult.merge([("a", try shard(1)), ("other", other), ("c", try shard(3))])
                Issue.record("a shard of another sweep merged")
            } catch {
                #expect("\(error)".contains("other is from another sweep than a: \(field)"), "\(error)")
            }
        }
        #expect(throws: SweepError.self) { try SweepResult.merge([]) }
    }

    @Test func resultFilesRoundTripAndForeignFilesAreRefused() throws {
        let sweep = sampleSweep(try SweepPlan(firstSeed: 1, seedCount: 6, shard: SweepShard(index: 2, count: 2)), failEvery: 3)
        let data = try sweep.jsonData()
        #expect(try SweepResult.decode(from: data) == sweep)
        let text = String(decoding: data, as: UTF8.self)
        #expect(text.contains("\"schemaVersion\" : 1") && text.contains("\"kind\" : \"sweep\""))
        #expect(sweep.results.map(\.seed) == [2, 4, 6], "results in seed order")

        #expect(throws: SweepError.self) { try SweepResult.decode(from: Data("[1, 2]".utf8)) }
        #expect(throws: SweepError.self) { try SweepResult.decode(from: try sampleReport().jsonData()) }
        let future = text.replacingOccurrences(of: "\"schemaVersion\" : 1", with: "\"schemaVersion\" : 99")
        #expect(throws: SweepError.self) { try SweepResult.decode(from: Data(future.utf8)) }
        let badShard = text.replacingOccurrences(of: "\"index\" : 2", with: "\"index\" : 0")
        #expect(throws: SweepError.self) { try SweepResult.decode(from: Data(badShard.utf8)) }
        var missingSeed = sweep
        missingSeed.results.removeLast()
        #expect(throws: SweepError.self) { try SweepResult.decode(from: try missingSeed.jsonData()) }
    }

    @Test func theWorstOutcomeDecidesTheExit() throws {
        var sweep = sampleSweep(try SweepPlan(firstSeed: 1, seedCount: 4))
        #expect(sweep.worstOutcome == .passed)
        sweep.results[1].outcome = .assertionFailed
        #expect(sweep.worstOutcome == .assertionFailed)
        sweep.results[2].outcome = .crashed
        #expect(sweep.worstOutcome == .crashed)
        sweep.results[3].outcome = .invariantBroken
        #expect(sweep.worstOutcome == .invariantBroken)
    }

    @Test func theFileDigestIsFNV1a64() {
        #expect(SweepResult.fileDigest(Data()) == "cbf29ce484222325")
        #expect(SweepResult.fileDigest(Data("a".utf8)) == "af63dc4c8601ec8c")
    }
}
