import Foundation
import Measure

extension RunReport {
    /// A compact summary for terminals and CI logs.
    public func markdown() -> String {
        var lines: [String] = []
        lines.append("## exsim run: \(scenario)")
        lines.append("")
        lines.append("seed \(seed) · simulated \(formatNanoseconds(simulatedDurationNs)) · trace digest `\(traceDigest)`")
        lines.append("")
        lines.append("| orders | cancels | replaces | accepted | rejected | trades | unsolicited cancels | events |")
        lines.append("|---:|---:|---:|---:|---:|---:|---:|---:|")
        lines.append("| \(counts.ordersSent) | \(counts.cancelsSent) | \(counts.replacesSent) | \(counts.ordersAccepted) | \(counts.ordersRejected + counts.instructionsRejected) | \(counts.trades) | \(counts.cancelled) | \(counts.eventsDelivered) |")
        lines.append("")
        lines.append("throughput: \(formatRate(throughput.ordersPerSecond)) instructions, \(formatRate(throughput.tradesPerSecond)) trades (simulated time)")
        if let wire {
            let protocols = wire.participantsByProtocol.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key)" }.joined(separator: ", ")
            lines.append("")
            lines.append("wire: \(wire.messagesToVenues) messages (\(formatBytes(wire.bytesToVenues))) to venues, \(wire.messagesFromVenues) (\(formatBytes(wire.bytesFromVenues))) back; participants: \(protocols)")
            lines.append("market data: \(wire.feedMessages) ITCH 5.0 messages in \(wire.feedPackets) MoldUDP64 packets (\(formatBytes(wire.feedBytes)))")
            if let captureFile = wire.captureFile { lines.append("capture: \(captureFile)") }
        }
        lines.append("")
        lines.append("| path | count | p50 | p90 | p99 | p99.9 | p99.99 | max |")
        lines.append("|---|---:|---:|---:|---:|---:|---:|---:|")
        for latency in latencies {
            let cells = [latency.p50Ns, latency.p90Ns, latency.p99Ns, latency.p999Ns, latency.p9999Ns, latency.maxNs].map { formatNanoseconds($0) }
            lines.append("| \(latency.name) | \(latency.count) | " + cells.joined(separator: " | ") + " |")
        }
        lines.append("")
        lines.append("| venue | served | utilisation | max queue |")
        lines.append("|---|---:|---:|---:|")
        for venue in venues {
            lines.append("| \(venue.name) | \(venue.instructionsServed) | \(String(format: "%.1f %%", venue.utilisation * 100)) | \(venue.maxQueueDepth) |")
        }
        lines.append("")
        if !invariants.checked {
            lines.append("invariants: not checked (use --check)")
        } else if invariants.passed {
            lines.append("invariants: all held")
        } else {
            lines.append("invariants: \(invariants.violations.count) VIOLATED")
            lines.append(contentsOf: invariants.violations.prefix(10).map { "- \($0)" })
        }
        lines.append("wall clock: \(String(format: "%.2f", wallClock.elapsedSeconds)) s, \(formatRate(wallClock.eventsPerSecond)) events")
        lines.append("machine: \(machine.description)")
        return lines.joined(separator: "\n") + "\n"
    }
}
