import Foundation

/// Which way a measured figure improves.
public enum Better: String, Codable, Hashable, Sendable {
    case higher, lower
}

/// One figure measured on the wall clock: noisy, compared for speed by the gate.
public struct MeasuredFigure: Codable, Hashable, Sendable {
    /// ASCII, unique within its report: "eventsPerWallSecond", "itchDecodeMoldUDP64".
    public var name: String
    public var value: Double
    /// "events/s", "messages/s", "x" (a ratio).
    public var unit: String
    public var better: Better

    public init(name: String, value: Double, unit: String, better: Better) {
        self.name = name
        self.value = value
        self.unit = unit
        self.better = better
    }
}

/// The versioned result of one `exsim bench <area> --json FILE`.
public struct BenchReport: Codable, Hashable, Sendable {
    public var schemaVersion: Int
    /// Always "bench".
    public var kind: String
    public var exsimVersion: String
    /// The bench: "kernel", "engine", "codec", "gateway", "network".
    public var bench: String
    /// The options that shape the workload, as given ("--events": "20000000").
    public var parameters: [String: String]
    /// "release" or "debug": a debug build's figures are not representative.
    public var build: String
    public var figures: [MeasuredFigure]
    public var machine: MachineInfo

    public init(exsimVersion: String, bench: String, parameters: [String: String], build: String,
                figures: [MeasuredFigure], machine: MachineInfo) {
        self.schemaVersion = ReportSchema.currentVersion
        self.kind = ReportKind.bench.rawValue
        self.exsimVersion = exsimVersion
        self.bench = bench
        self.parameters = parameters
        self.build = build
        self.figures = figures
        self.machine = machine
    }

    public func jsonData() throws -> Data {
        try ReportSchema.encoder().encode(self)
    }
}

extension RunReport {
    /// The figures of the run that the gate compares for speed.
    public var measuredFigures: [MeasuredFigure] {
        [
            MeasuredFigure(name: "eventsPerWallSecond", value: wallClock.eventsPerWallSecond, unit: "events/s", better: .higher),
            MeasuredFigure(name: "simulatedSecondsPerWallSecond", value: wallClock.simulatedSecondsPerWallSecond, unit: "x", better: .higher),
        ]
    }
}
