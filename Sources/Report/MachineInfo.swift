import Foundation

/// The machine a run or benchmark ran on.
public struct MachineInfo: Codable, Hashable, Sendable, CustomStringConvertible {
    public var cpuModel: String
    public var logicalCores: Int
    public var memoryBytes: UInt64
    public var os: String

    public init(cpuModel: String, logicalCores: Int, memoryBytes: UInt64, os: String) {
        self.cpuModel = cpuModel
        self.logicalCores = logicalCores
        self.memoryBytes = memoryBytes
        self.os = os
    }

    public static func current() -> MachineInfo {
        let cpuinfo = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) ?? ""
        let model = cpuinfo.split(separator: "\n")
            .first { $0.hasPrefix("model name") }
            .flatMap { $0.split(separator: ":", maxSplits: 1).last }
            .map { $0.trimmingCharacters(in: .whitespaces) } ?? "unknown CPU"
        var system = utsname()
        uname(&system)
        let release = withUnsafeBytes(of: &system.release) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
        let sysname = withUnsafeBytes(of: &system.sysname) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
        return MachineInfo(
            cpuModel: model,
            logicalCores: ProcessInfo.processInfo.activeProcessorCount,
            memoryBytes: ProcessInfo.processInfo.physicalMemory,
            os: "\(sysname) \(release)")
    }

    public var description: String {
        let gib = Double(memoryBytes) / Double(1 << 30)
        return "\(cpuModel) · \(logicalCores) cores · \(String(format: "%.0f", gib)) GiB · \(os)"
    }
}
