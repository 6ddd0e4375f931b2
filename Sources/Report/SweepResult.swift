import Foundation

/// One slice of a sweep's seeds: the `index`-th of `count` disjoint slices,
/// `index` counted from 1 ("--shard 2/4"). Seed number `i` of the sweep
/// (0 for the first seed) belongs to slice `i % count + 1`, so every slice
/// gets seeds from the whole range and the slices together hold each seed
/// exactly once.
public struct SweepShard: Codable, Hashable, Sendable, CustomStringConvertible {
    /// 1 ... count.
    public var index: Int
    public var count: Int

    /// Slices a sweep can be cut into at most.
    public static let maximumCount = 100_000

    public init(index: Int, count: Int) throws(SweepError) {
        guard count >= 1, count <= Self.maximumCount else {
            throw SweepError.badShard("the number of shards N in K/N must be 1 to \(Self.maximumCount), not \(count)")
        }
        guard index >= 1, index <= count else {
            throw SweepError.badShard("shard K in K/N counts from 1 and must be 1 to \(count), not \(index)")
        }
        self.index = index
        self.count = count
    }

    /// Parses "K/N".
    public init(parsing text: String) throws(SweepError) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let index = Int(parts[0]), let count = Int(parts[1]) else {
            throw SweepError.badShard("'\(text)' is not K/N (for instance 1/4: the first of four shards; K counts from 1)")
        }
        try self.init(index: index, count: count)
    }

    /// The whole sweep as one slice.
    public static let whole = try! SweepShard(index: 1, count: 1)

    public var description: String { "\(index)/\(count)" }

    /// Whether seed number `position` (0-based within the sweep) is in this slice.
    public func contains(position: Int) -> Bool {
        position % count == index - 1
    }
}

/// The seeds a sweep (or one shard of it) runs.
public struct SweepPlan: Codable, Hashable, Sendable {
    public var firstSeed: UInt64
    /// Seeds in the whole sweep: `firstSeed` ..< `firstSeed + seedCount`.
    public var seedCount: Int
    public var shard: SweepShard

    /// Seeds one sweep runs at most.
    public static let maximumSeeds = 10_000_000

    public init(firstSeed: UInt64, seedCount: Int, shard: SweepShard = .whole) throws(SweepError) {
        guard seedCount >= 1, seedCount <= Self.maximumSeeds else {
            throw SweepError.badSeeds("--seeds must be 1 to \(Self.maximumSeeds), not \(seedCount)")
        }
        guard UInt64.max - firstSeed >= UInt64(seedCount - 1) else {
            throw SweepError.badSeeds("--first-seed \(firstSeed) with --seeds \(seedCount) passes the largest seed, \(UInt64.max)")
        }
        self.firstSeed = firstSeed
        self.seedCount = seedCount
        self.shard = shard
    }

    /// This slice's seeds, ascending.
    public var seeds: [UInt64] {
        stride(from: shard.index - 1, to: seedCount, by: shard.count).map { firstSeed + UInt64($0) }
    }
}

/// What became of one seed.
public enum SeedOutcome: String, Codable, Hashable, Sendable, CaseIterable {
    case passed = "pass"
    /// An assertion of the scenario failed (exsim run exited 1).
    case assertionFailed = "assertion-failed"
    /// `--check` found a broken invariant (exit 3).
    case invariantBroken = "invariant-broken"
    /// The run ended any other way: a crash, a signal, an unexpected exit
    /// code, no report. A bug in exsim, like a broken invariant.
    case crashed = "crashed"
}

/// One seed's run in a sweep.
public struct SeedResult: Codable, Hashable, Sendable {
    public var seed: UInt64
    public var outcome: SeedOutcome
    /// The run's exit code, or 128 + the signal that ended it.
    public var exitStatus: Int32
    /// Nil when the run wrote no report.
    public var traceDigest: String?
    /// What failed: each broken invariant, each failed assertion, or how the
    /// run ended; empty for a passing seed.
    public var failures: [String]

    public init(seed: UInt64, outcome: SeedOutcome, exitStatus: Int32, traceDigest: String?, failures: [String]) {
        self.seed = seed
        self.outcome = outcome
        self.exitStatus = exitStatus
        self.traceDigest = traceDigest
        self.failures = failures
    }
}

/// The result of `exsim sweep` (or of one shard of it), written with
/// `--out` and combined by `exsim sweep merge`. Versioned; keys sorted;
/// results in seed order, so two equal sweeps are equal bytes.
public struct SweepResult: Codable, Hashable, Sendable {
    /// 1: the first.
    public static let currentVersion = 1

    public var schemaVersion: Int
    /// Always "sweep".
    public var kind: String
    public var exsimVersion: String
    /// The scenario's name and the file as given on the command line.
    public var scenario: String
    public var scenarioFile: String
    /// FNV-1a 64 of the scenario file's bytes (16 hex digits): shards of one
    /// sweep ran the same file.
    public var scenarioFileDigest: String
    /// Options given to every run besides the seed ("--check" always).
    public var runOptions: [String]
    public var plan: SweepPlan
    /// One per seed of `plan.seeds`, ascending by seed.
    public var results: [SeedResult]

    public init(exsimVersion: String, scenario: String, scenarioFile: String, scenarioFileDigest: String,
                runOptions: [String], plan: SweepPlan, results: [SeedResult]) {
        self.schemaVersion = Self.currentVersion
        self.kind = "sweep"
        self.exsimVersion = exsimVersion
        self.scenario = scenario
        self.scenarioFile = scenarioFile
        self.scenarioFileDigest = scenarioFileDigest
        self.runOptions = runOptions
        self.plan = plan
        self.results = results.sorted { $0.seed < $1.seed }
    }

    /// The failing seeds, ascending.
    public var failures: [SeedResult] { results.filter { $0.outcome != .passed } }

    /// The most serious outcome: a crash or broken invariant before a failed
    /// assertion before a pass.
    public var worstOutcome: SeedOutcome {
        if results.contains(where: { $0.outcome == .invariantBroken || $0.outcome == .crashed }) {
            return results.contains(where: { $0.outcome == .invariantBroken }) ? .invariantBroken : .crashed
        }
        return results.contains(where: { $0.outcome == .assertionFailed }) ? .assertionFailed : .passed
    }

    /// Pretty JSON with sorted keys.
    public func jsonData() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(self)
    }

    /// Decodes a sweep result file, refusing other kinds and versions.
    public static func decode(from data: Data) throws(SweepError) -> SweepResult {
        struct Envelope: Decodable {
            var schemaVersion: Int?
            var kind: String?
        }
        guard let envelope = try? JSONDecoder().decode(Envelope.self, from: data) else {
            throw SweepError.badFile("not a JSON object")
        }
        guard envelope.kind == "sweep" else {
            throw SweepError.badFile("not a sweep result (kind \(envelope.kind.map { "'\($0)'" } ?? "missing"))")
        }
        guard envelope.schemaVersion == currentVersion else {
            throw SweepError.badFile("sweep result version \(envelope.schemaVersion.map(String.init) ?? "missing"); this exsim reads version \(currentVersion)")
        }
        let result: SweepResult
        do {
            result = try JSONDecoder().decode(SweepResult.self, from: data)
        } catch {
            throw SweepError.badFile("malformed sweep result (\(error))")
        }
        // Decoding fills the fields directly; the initialisers hold the rules.
        do {
            _ = try SweepPlan(firstSeed: result.plan.firstSeed, seedCount: result.plan.seedCount,
                              shard: try SweepShard(index: result.plan.shard.index, count: result.plan.shard.count))
        } catch {
            throw SweepError.badFile(error.description)
        }
        guard result.results.map(\.seed) == result.plan.seeds else {
            throw SweepError.badFile("its results are not the seeds of shard \(result.plan.shard) of \(result.plan.seedCount) seeds from \(result.plan.firstSeed)")
        }
        return result
    }

    /// Combines the shards of one sweep into the whole sweep's result.
    /// Every shard must come from the same sweep (scenario file, seeds,
    /// options, exsim version, number of shards); each shard must appear
    /// once, and all of them must be there.
    /// - Complexity: O(seeds · log seeds).
    public static func merge(_ files: [(name: String, result: SweepResult)]) throws(SweepError) -> SweepResult {
        guard let (firstName, first) = files.first else { throw SweepError.mismatchedShards("no sweep results to merge") }
        for (name, file) in files.dropFirst() {
            func check<T: Equatable>(_ what: String, _ a: T, _ b: T) throws(SweepError) {
                guard a == b else {
                    throw SweepError.mismatchedShards("\(name) is from another sweep than \(firstName): \(what) \(b) ≠ \(a)")
                }
            }
            try check("scenario file", first.scenarioFile, file.scenarioFile)
            try check("scenario file digest", first.scenarioFileDigest, file.scenarioFileDigest)
            try check("scenario", first.scenario, file.scenario)
            try check("exsim version", first.exsimVersion, file.exsimVersion)
            try check("run options", first.runOptions.joined(separator: " "), file.runOptions.joined(separator: " "))
            try check("first seed", first.plan.firstSeed, file.plan.firstSeed)
            try check("seed count", first.plan.seedCount, file.plan.seedCount)
            try check("number of shards", first.plan.shard.count, file.plan.shard.count)
        }
        let shardCount = first.plan.shard.count
        var holders = Array(repeating: [String](), count: shardCount + 1)
        for (name, file) in files { holders[file.plan.shard.index].append(name) }
        if let twice = (1...shardCount).first(where: { holders[$0].count > 1 }) {
            throw SweepError.mismatchedShards("shard \(twice)/\(shardCount) appears more than once: \(holders[twice].joined(separator: ", "))")
        }
        let missing = (1...shardCount).filter { holders[$0].isEmpty }
        guard missing.isEmpty else {
            throw SweepError.missingShards(missing.map { try! SweepShard(index: $0, count: shardCount) })
        }
        let plan = try SweepPlan(firstSeed: first.plan.firstSeed, seedCount: first.plan.seedCount)
        let merged = SweepResult(
            exsimVersion: first.exsimVersion, scenario: first.scenario, scenarioFile: first.scenarioFile,
            scenarioFileDigest: first.scenarioFileDigest, runOptions: first.runOptions, plan: plan,
            results: files.flatMap { $0.result.results })
        // Disjoint, complete shards hold every seed once; a file edited by hand may not.
        guard merged.results.map(\.seed) == plan.seeds else {
            throw SweepError.mismatchedShards("the shards' seeds are not \(plan.seedCount) seeds from \(plan.firstSeed), each once")
        }
        return merged
    }

    /// FNV-1a 64 of `bytes` as 16 hex digits.
    public static func fileDigest(_ bytes: Data) -> String {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in bytes {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01B3
        }
        let digits = String(hash, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }
}

/// Why a sweep cannot start or its results cannot be merged.
public enum SweepError: Error, Hashable, Sendable, CustomStringConvertible {
    case badShard(String)
    case badSeeds(String)
    case badFile(String)
    case mismatchedShards(String)
    case missingShards([SweepShard])

    public var description: String {
        switch self {
        case .badShard(let text), .badSeeds(let text), .badFile(let text), .mismatchedShards(let text): text
        case .missingShards(let shards):
            "missing shard\(shards.count == 1 ? "" : "s") \(shards.map(\.description).joined(separator: ", ")): run each with --shard K/N, then merge all \(shards.first?.count ?? 0) files"
        }
    }
}
