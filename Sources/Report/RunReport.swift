import Foundation
import Measure

/// The versioned result of one `exsim run`, written as report.json.
public struct RunReport: Codable, Hashable, Sendable {
    public static let currentSchemaVersion = 1

    public var schemaVersion: Int
    public var exsimVersion: String
    public var scenario: String
    public var scenarioFile: String?
    public var seed: UInt64
    public var traceDigest: String
    public var simulatedDurationNs: Int64
    public var counts: RunCounts
    public var throughput: Throughput
    public var latencies: [LatencySummary]
    public var venues: [VenueSummary]
    public var invariants: InvariantResult
    /// What crossed the simulated network; absent in reports from before
    /// participants spoke wire protocols.
    public var wire: WireSummary?
    /// The only part that differs between identical runs.
    public var wallClock: WallClockSummary
    public var machine: MachineInfo

    public init(
        exsimVersion: String, scenario: String, scenarioFile: String?, seed: UInt64, traceDigest: String,
        simulatedDurationNs: Int64, counts: RunCounts, throughput: Throughput, latencies: [LatencySummary],
        venues: [VenueSummary], invariants: InvariantResult, wire: WireSummary? = nil,
        wallClock: WallClockSummary, machine: MachineInfo
    ) {
        self.schemaVersion = Self.currentSchemaVersion
        self.exsimVersion = exsimVersion
        self.scenario = scenario
        self.scenarioFile = scenarioFile
        self.seed = seed
        self.traceDigest = traceDigest
        self.simulatedDurationNs = simulatedDurationNs
        self.counts = counts
        self.throughput = throughput
        self.latencies = latencies
        self.venues = venues
        self.invariants = invariants
        self.wire = wire
        self.wallClock = wallClock
        self.machine = machine
    }

    /// Pretty JSON with sorted keys, so equal reports are equal bytes.
    public func jsonData() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(self)
    }

    public static func decode(from data: Data) throws -> RunReport {
        struct Version: Decodable { var schemaVersion: Int }
        let version = try JSONDecoder().decode(Version.self, from: data)
        guard version.schemaVersion == currentSchemaVersion else {
            throw ReportError.unsupportedSchema(found: version.schemaVersion, supported: currentSchemaVersion)
        }
        return try JSONDecoder().decode(RunReport.self, from: data)
    }

    public func latency(named path: String) -> LatencySummary? {
        latencies.first { $0.name == path }
    }
}

public enum ReportError: Error, CustomStringConvertible, Equatable {
    case unsupportedSchema(found: Int, supported: Int)

    public var description: String {
        switch self {
        case .unsupportedSchema(let found, let supported):
            "report schemaVersion \(found) is not supported (this exsim reads \(supported))"
        }
    }
}

/// Messages and bytes on the simulated network: order entry in both
/// directions (real encoded sizes, framing included) and market data.
public struct WireSummary: Codable, Hashable, Sendable {
    public var messagesToVenues: UInt64
    public var bytesToVenues: UInt64
    public var messagesFromVenues: UInt64
    public var bytesFromVenues: UInt64
    public var feedPackets: UInt64
    public var feedMessages: UInt64
    public var feedBytes: UInt64
    /// Participants per order-entry protocol, e.g. ["fix44": 32, "ouch42": 32].
    public var participantsByProtocol: [String: Int]
    /// The pcap file the run wrote, when asked to.
    public var captureFile: String?

    public init(messagesToVenues: UInt64, bytesToVenues: UInt64, messagesFromVenues: UInt64, bytesFromVenues: UInt64,
                feedPackets: UInt64, feedMessages: UInt64, feedBytes: UInt64, participantsByProtocol: [String: Int],
                captureFile: String? = nil) {
        self.messagesToVenues = messagesToVenues
        self.bytesToVenues = bytesToVenues
        self.messagesFromVenues = messagesFromVenues
        self.bytesFromVenues = bytesFromVenues
        self.feedPackets = feedPackets
        self.feedMessages = feedMessages
        self.feedBytes = feedBytes
        self.participantsByProtocol = participantsByProtocol
        self.captureFile = captureFile
    }
}

public struct RunCounts: Codable, Hashable, Sendable {
    public var ordersSent: UInt64
    public var cancelsSent: UInt64
    public var replacesSent: UInt64
    public var ordersAccepted: UInt64
    public var ordersRejected: UInt64
    public var instructionsRejected: UInt64
    public var trades: UInt64
    public var cancelled: UInt64
    public var eventsDelivered: UInt64

    public init(ordersSent: UInt64, cancelsSent: UInt64, replacesSent: UInt64, ordersAccepted: UInt64, ordersRejected: UInt64,
                instructionsRejected: UInt64, trades: UInt64, cancelled: UInt64, eventsDelivered: UInt64) {
        self.ordersSent = ordersSent
        self.cancelsSent = cancelsSent
        self.replacesSent = replacesSent
        self.ordersAccepted = ordersAccepted
        self.ordersRejected = ordersRejected
        self.instructionsRejected = instructionsRejected
        self.trades = trades
        self.cancelled = cancelled
        self.eventsDelivered = eventsDelivered
    }
}

public struct Throughput: Codable, Hashable, Sendable {
    /// Instructions (orders, cancels, replaces) served by venues per simulated second.
    public var ordersPerSecond: Double
    public var tradesPerSecond: Double
    public var ordersPerSimulatedSecond: [UInt64]

    public init(ordersPerSecond: Double, tradesPerSecond: Double, ordersPerSimulatedSecond: [UInt64]) {
        self.ordersPerSecond = ordersPerSecond
        self.tradesPerSecond = tradesPerSecond
        self.ordersPerSimulatedSecond = ordersPerSimulatedSecond
    }
}

public struct VenueSummary: Codable, Hashable, Sendable {
    public var name: String
    public var utilisation: Double
    public var maxQueueDepth: Int
    public var instructionsServed: UInt64

    public init(name: String, utilisation: Double, maxQueueDepth: Int, instructionsServed: UInt64) {
        self.name = name
        self.utilisation = utilisation
        self.maxQueueDepth = maxQueueDepth
        self.instructionsServed = instructionsServed
    }
}

public struct InvariantResult: Codable, Hashable, Sendable {
    public var checked: Bool
    public var violations: [String]
    public var passed: Bool { violations.isEmpty }

    public init(checked: Bool, violations: [String]) {
        self.checked = checked
        self.violations = violations
    }
}

public struct WallClockSummary: Codable, Hashable, Sendable {
    public var elapsedSeconds: Double
    public var eventsPerSecond: Double

    public init(elapsedSeconds: Double, eventsPerSecond: Double) {
        self.elapsedSeconds = elapsedSeconds
        self.eventsPerSecond = eventsPerSecond
    }
}
