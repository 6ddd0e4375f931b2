import ArgumentParser
import Foundation
import Report

/// `--json FILE`, shared by every bench: the figures as a versioned bench
/// report (docs/reports.md) that `exsim gate` reads.
struct BenchJSONOption: ParsableArguments {
    @Option(help: ArgumentHelp("Also write the figures to this file as a bench report (JSON) for exsim gate.", valueName: "file"))
    var json: String?

    func validate() throws {
        guard let json else { return }
        let directory = URL(fileURLWithPath: json).deletingLastPathComponent().path
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw ValidationError("--json: the directory of '\(json)' does not exist")
        }
    }

    /// Writes the report when asked to; a write failure is bad input (exit 64).
    func write(bench: String, parameters: [String: String], figures: BenchFigures) throws {
        guard let json else { return }
        #if DEBUG
        let build = "debug"
        #else
        let build = "release"
        #endif
        let report = BenchReport(exsimVersion: Exsim.version, bench: bench, parameters: parameters, build: build,
                                 figures: figures.all, machine: MachineInfo.current())
        do {
            try report.jsonData().write(to: URL(fileURLWithPath: json))
        } catch {
            printError("--json: cannot write \(json): \(error.localizedDescription)")
            throw ExsimExit.badInput
        }
        print("bench report: \(json)")
    }
}

/// The figures a bench measured, in the order it measured them.
final class BenchFigures {
    private(set) var all: [MeasuredFigure] = []

    /// A rate: higher is better.
    func rate(_ name: String, _ value: Double, unit: String = "messages/s") {
        precondition(!all.contains { $0.name == name }, "figure \(name) recorded twice")
        all.append(MeasuredFigure(name: name, value: value, unit: unit, better: .higher))
    }

    /// A figure where lower is better: a latency, an error, a count of hiccups.
    func lower(_ name: String, _ value: Double, unit: String) {
        precondition(!all.contains { $0.name == name }, "figure \(name) recorded twice")
        all.append(MeasuredFigure(name: name, value: value, unit: unit, better: .lower))
    }
}
