import Foundation

/// The one versioning scheme of exsim's JSON files: run reports
/// (`exsim run`) and bench reports (`exsim bench … --json`) share it, so
/// that the gate reads both.
public enum ReportSchema {
    /// 2: run reports gained `kind`, `simulatedEndNs`, measured wall-clock
    /// ratios and ASCII path names; bench reports appeared.
    public static let currentVersion = 2

    static func encoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return encoder
    }
}

/// What a report file holds.
public enum ReportKind: String, Codable, Sendable, CaseIterable {
    case run, bench
}

/// A report file of either kind.
public enum ReportFile: Hashable, Sendable {
    case run(RunReport)
    case bench(BenchReport)

    /// Reads the version and kind first, so that an old or foreign file gets
    /// an error naming what it is rather than a missing-key message.
    public static func decode(from data: Data) throws(ReportError) -> ReportFile {
        struct Envelope: Decodable {
            var schemaVersion: Int?
            var kind: String?
        }
        let envelope: Envelope
        do {
            envelope = try JSONDecoder().decode(Envelope.self, from: data)
        } catch {
            throw ReportError.malformed(Self.describe(error))
        }
        guard let version = envelope.schemaVersion else { throw ReportError.notAReport }
        guard version == ReportSchema.currentVersion else {
            throw ReportError.unsupportedSchema(found: version, supported: ReportSchema.currentVersion)
        }
        do {
            switch envelope.kind {
            case ReportKind.run.rawValue: return .run(try JSONDecoder().decode(RunReport.self, from: data))
            case ReportKind.bench.rawValue: return .bench(try JSONDecoder().decode(BenchReport.self, from: data))
            default: throw ReportError.unknownKind(envelope.kind ?? "(none)")
            }
        } catch let error as ReportError {
            throw error
        } catch {
            throw ReportError.malformed(Self.describe(error))
        }
    }

    /// Reads and decodes a file; every failure is a `ReportError` naming the file.
    public static func load(path: String) throws(ReportError) -> ReportFile {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw ReportError.unreadable(path: path, reason: FileManager.default.fileExists(atPath: path) ? "cannot be read" : "no such file")
        }
        do {
            return try decode(from: data)
        } catch {
            throw ReportError.inFile(path: path, error)
        }
    }

    /// "Key 'counts.ordersSent' not found" rather than Foundation's debug dump.
    static func describe(_ error: any Error) -> String {
        guard let error = error as? DecodingError else { return "\(error)" }
        func path(_ keys: [any CodingKey]) -> String {
            keys.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
        }
        switch error {
        case .keyNotFound(let key, let context): return "missing key '\(path(context.codingPath + [key]))'"
        case .typeMismatch(_, let context), .valueNotFound(_, let context):
            return "wrong type at '\(path(context.codingPath))': \(context.debugDescription)"
        case .dataCorrupted(let context):
            return context.codingPath.isEmpty ? "not valid JSON" : "bad value at '\(path(context.codingPath))': \(context.debugDescription)"
        @unknown default: return "\(error)"
        }
    }
}

/// Why a report file could not be used.
public indirect enum ReportError: Error, CustomStringConvertible, Equatable {
    case unreadable(path: String, reason: String)
    case malformed(String)
    case notAReport
    case unsupportedSchema(found: Int, supported: Int)
    case unknownKind(String)
    case wrongKind(found: String, expected: String)
    case inFile(path: String, ReportError)

    public var description: String {
        switch self {
        case .unreadable(let path, let reason): "\(path): \(reason)"
        case .malformed(let reason): "not an exsim report: \(reason)"
        case .notAReport: "not an exsim report: it has no schemaVersion"
        case .unsupportedSchema(let found, let supported) where found < supported:
            "report schemaVersion \(found) was written by an older exsim; this exsim reads \(supported). Write it again with this exsim (exsim run … --out DIR, or exsim bench … --json FILE)"
        case .unsupportedSchema(let found, let supported):
            "report schemaVersion \(found) is not supported (this exsim reads \(supported))"
        case .unknownKind(let kind): "unknown report kind '\(kind)' (expected run or bench)"
        case .wrongKind(let found, let expected): "a \(found) report where a \(expected) report was expected"
        case .inFile(let path, let error): "\(path): \(error.description)"
        }
    }
}
