#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Dispatch
import Foundation
import Live
import Report

/// What `exsim serve` shows while it serves, on a terminal only: one line,
/// rewritten once a second, with every venue's sessions, requests (and
/// their rate over the last second), trades, rejects, traffic and the
/// gateway's order→ack p99. The counts come from snapshots the venues take
/// on their own loops; nothing here touches a venue.
final class ServeProgressLine: @unchecked Sendable {
    static let refreshNs: Int64 = 1_000_000_000

    let server: LiveServer
    let queue = DispatchQueue(label: "exsim.serve.progress")
    let timer: any DispatchSourceTimer
    // Touched only on `queue`.
    var lastRequests: UInt64 = 0
    var lastNs = WallClock.nowNs()
    var lineShown = false

    /// Starts refreshing; nil unless standard error is a terminal (in a
    /// log, a line that rewrites itself is noise).
    static func startIfTerminal(server: LiveServer) -> ServeProgressLine? {
        guard isatty(STDERR_FILENO) == 1 else { return nil }
        return ServeProgressLine(server: server)
    }

    init(server: LiveServer) {
        self.server = server
        timer = DispatchSource.makeTimerSource(queue: queue)
        timer.schedule(deadline: .now() + .nanoseconds(Int(Self.refreshNs)), repeating: .nanoseconds(Int(Self.refreshNs)))
        timer.setEventHandler { [unowned self] in refresh() }
        timer.resume()
    }

    func refresh() {
        guard let snapshots = try? server.snapshots() else { return }
        let nowNs = WallClock.nowNs()
        let requests = snapshots.reduce(0) { $0 + $1.requests }
        let rate = Double(requests - min(requests, lastRequests)) / (Double(max(1, nowNs - lastNs)) / 1e9)
        lastRequests = requests
        lastNs = nowNs
        let venues = snapshots.map { venue in
            "\(venue.name): \(venue.sessionsConnected) session(s) · \(venue.requests) requests"
                + " · \(venue.trades) trades · \(venue.answers.rejected) rejected"
                + " · in \(formatBytes(venue.bytesIn)) · out \(formatBytes(venue.bytesOut))"
                + (venue.orderAck.count > 0 ? " · gateway order→ack p99 \(formatNanoseconds(venue.orderAck.valueAtPercentile(99)))" : "")
        }
        write("\r\u{1B}[K\(formatRate(rate)) requests/s · " + venues.joined(separator: " | "))
        lineShown = true
    }

    /// Stops refreshing and clears the line, before the summary is printed.
    func stop() {
        // On the timer's queue, so that no refresh runs after the clear.
        queue.sync {
            timer.cancel()
            if lineShown { write("\r\u{1B}[K") }
            lineShown = false
        }
    }

    private func write(_ text: String) {
        FileHandle.standardError.write(Data(text.utf8))
    }
}
