#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import Report
import Simulation

/// What `exsim run` shows while a run goes on: a progress line refreshed
/// about once a second on a terminal (simulated time, wall time, events/s,
/// queue depths), and on any standard error a warning each time a venue's
/// queue doubles past `warningDepth`, since a queue that keeps growing
/// means the venue cannot keep up and the run's memory grows with it.
///
/// Runs on the driver's side only: it reads the wall clock, which the
/// simulated world never does.
final class RunProgressLine {
    /// Queue depth of the first warning; each later one waits for double.
    static let warningDepth = 10_000
    static let refreshNs: Int64 = 1_000_000_000

    let venueNames: [String]
    let durationNs: Int64
    let showsLine: Bool
    let startedNs = WallClock.nowNs()
    var lastRefreshNs: Int64
    var nextWarningDepth: [Int]
    var lineShown = false

    init(venueNames: [String], durationNs: Int64, showsLine: Bool) {
        self.venueNames = venueNames
        self.durationNs = durationNs
        self.showsLine = showsLine
        lastRefreshNs = startedNs
        nextWarningDepth = Array(repeating: Self.warningDepth, count: venueNames.count)
    }

    /// Whether standard error is a terminal, where a line that rewrites
    /// itself reads well (in a CI log it would be noise).
    static var standardErrorIsTerminal: Bool { isatty(STDERR_FILENO) == 1 }

    func observe(_ progress: RunProgress) {
        for (venue, depth) in progress.venueQueueDepths.enumerated() where depth >= nextWarningDepth[venue] {
            nextWarningDepth[venue] = depth * 2
            clearLine()
            write("warning: venue \(venueNames[venue]) has \(depth) messages queued at \(formatNanoseconds(progress.simulatedNs)) simulated and the queue is growing; the venue cannot keep up with its flows\n")
        }
        guard showsLine else { return }
        let now = WallClock.nowNs()
        guard now - lastRefreshNs >= Self.refreshNs else { return }
        lastRefreshNs = now
        let wallSeconds = Double(now - startedNs) / 1e9
        let queues = zip(venueNames, progress.venueQueueDepths).map { "\($0) \($1)" }.joined(separator: ", ")
        let line = "simulated \(formatNanoseconds(progress.simulatedNs)) of \(formatNanoseconds(durationNs))"
            + " · wall \(String(format: "%.1f", wallSeconds)) s"
            + " · \(formatRate(Double(progress.eventsDelivered) / max(wallSeconds, 1e-9))) events/s"
            + " · queued: \(queues) · pending events \(progress.pendingEvents)"
        write("\r\u{1B}[K" + line)
        lineShown = true
    }

    /// Clears the progress line, if one is shown, before other output.
    func clearLine() {
        guard lineShown else { return }
        write("\r\u{1B}[K")
        lineShown = false
    }

    private func write(_ text: String) {
        FileHandle.standardError.write(Data(text.utf8))
    }
}
