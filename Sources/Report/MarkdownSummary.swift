import Foundation
import Measure

extension RunReport {
    /// A compact summary for terminals and CI logs. Every count appears under
    /// its report.json key, with the same value.
    public func markdown() -> String {
        var lines: [String] = []
        lines.append("## exsim run: \(scenario)")
        lines.append("")
        lines.append("seed \(seed) · simulated \(formatNanoseconds(simulatedDurationNs)) of flow, run ended at \(formatNanoseconds(simulatedEndNs)) · trace digest `\(traceDigest)`")
        lines.append("")
        let countColumns: [(String, UInt64)] = [
            ("ordersSent", counts.ordersSent), ("cancelsSent", counts.cancelsSent), ("replacesSent", counts.replacesSent),
            ("instructionsNotSent", counts.instructionsNotSent), ("ordersAccepted", counts.ordersAccepted),
            ("ordersRejected", counts.ordersRejected), ("instructionsRejected", counts.instructionsRejected),
            ("trades", counts.trades), ("cancelled", counts.cancelled), ("eventsDelivered", counts.eventsDelivered),
        ]
        lines.append("| " + countColumns.map(\.0).joined(separator: " | ") + " |")
        lines.append("|" + String(repeating: "---:|", count: countColumns.count))
        lines.append("| " + countColumns.map { String($0.1) }.joined(separator: " | ") + " |")
        lines.append("")
        lines.append("throughput (simulated, over the flows' \(formatNanoseconds(simulatedDurationNs))): \(formatRate(throughput.instructionsPerSecond)) instructions sent, \(formatRate(throughput.tradesPerSecond)) trades")
        let protocols = wire.participantsByProtocol.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key)" }.joined(separator: ", ")
        lines.append("")
        lines.append("wire: \(wire.messagesToVenues) messagesToVenues (\(formatBytes(wire.bytesToVenues))), \(wire.messagesFromVenues) messagesFromVenues (\(formatBytes(wire.bytesFromVenues))); participants: \(protocols)")
        lines.append("market data: \(wire.feedMessages) feedMessages (ITCH 5.0) in \(wire.feedPackets) feedPackets (MoldUDP64, \(formatBytes(wire.feedBytes)))")
        if let captureFile = wire.captureFile { lines.append("capture: \(captureFile)") }
        lines.append("")
        lines.append("| path | count | p50 | p90 | p99 | p99.9 | p99.99 | max |")
        lines.append("|---|---:|---:|---:|---:|---:|---:|---:|")
        for latency in latencies {
            let cells = [latency.p50Ns, latency.p90Ns, latency.p99Ns, latency.p999Ns, latency.p9999Ns, latency.maxNs].map { formatNanoseconds($0) }
            lines.append("| \(LatencyPathName.display(latency.name)) | \(latency.count) | " + cells.joined(separator: " | ") + " |")
        }
        lines.append("")
        lines.append("| venue | messagesServed | utilisation | maxQueueDepth |")
        lines.append("|---|---:|---:|---:|")
        for venue in venues {
            lines.append("| \(venue.name) | \(venue.messagesServed) | \(String(format: "%.1f %%", venue.utilisation * 100)) | \(venue.maxQueueDepth) |")
        }
        let throttled = venues.compactMap { venue in venue.requestsThrottled.map { (venue.name, $0) } }
        if !throttled.isEmpty { lines.append("") }
        for (name, count) in throttled {
            lines.append("\(name): \(count) requests refused over the per-session throttle")
        }
        for venue in venues {
            guard let replay = venue.feedReplay else { continue }
            lines.append("")
            lines.append("\(venue.name) replays \(replay.source): \(replay.messages) messages; orders \(replay.ordersAdded) added, "
                + "\(replay.ordersReduced) reduced, \(replay.ordersDeleted) deleted, \(replay.ordersReplaced) replaced; "
                + "\(replay.ordersGone) named an order the participants had traded away, \(replay.ordersUnknown) one the venue never rested; "
                + "\(replay.executions) executions of captured orders (\(replay.executedQuantity) shares); "
                + "\(replay.refused) refused, \(replay.unknownStocks) adds in stocks the venue does not list, "
                + "\(replay.otherMessages) other messages, \(replay.malformed) malformed")
        }
        if let network {
            lines.append("")
            lines.append("| venue | link | packetsSent | lost | queue_full | packetsDuplicated | packetsReordered | queueHighWaterBytes | retransmissions | segmentsHeldForOrder |")
            lines.append("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|")
            for link in network.links {
                let tcp = link.tcp.map { ["\($0.retransmissions)", "\($0.segmentsHeldForOrder)"] } ?? ["–", "–"]
                let cells = ["\(link.packetsSent)", "\(link.drops["lost"] ?? 0)", "\(link.drops["queue_full"] ?? 0)", "\(link.packetsDuplicated)",
                             "\(link.packetsReordered)", "\(link.queueHighWaterBytes)"] + tcp
                lines.append("| \(link.venue) | \(link.link) | " + cells.joined(separator: " | ") + " |")
            }
            lines.append("network: \(network.connectionsBroken) connectionsBroken, \(network.sessionsClosedEarly) sessionsClosedEarly"
                + (network.sessionsReconnected.map { ", \($0) sessionsReconnected" } ?? ""))
            for feed in network.feeds {
                lines.append("feed \(feed.venue) over its link: \(feed.messagesDelivered) of \(feed.messagesPublished) messagesDelivered, \(feed.requestsSent) requestsSent, \(feed.messagesLost) messagesLost, books \(feed.booksMatchVenue ? "match" : "DIFFER from") the venue's")
                if let a = feed.arbitration {
                    lines.append("feed \(feed.venue) A/B arbitration (window \(formatNanoseconds(a.windowNs))): \(a.messagesFirstOnA) messagesFirstOnA, \(a.messagesFirstOnB) messagesFirstOnB, \(a.gapsFilledWhileArbitrating) gapsFilledWhileArbitrating, \(feed.duplicateMessages) duplicateMessages")
                }
            }
            for outage in network.outages ?? [] {
                guard !outage.intervals.isEmpty else {
                    lines.append("outages \(outage.venue) \(outage.link): none")
                    continue
                }
                let linkDown = network.links.filter { $0.venue == outage.venue && ($0.link == outage.link || $0.link.hasPrefix(outage.link + ".")) }
                    .reduce(0) { $0 + ($1.drops["link_down"] ?? 0) }
                let intervals = outage.intervals.map { "\(formatNanoseconds($0.startNs))–\($0.endNs.map { formatNanoseconds($0) } ?? "end")" }
                lines.append("outages \(outage.venue) \(outage.link): \(outage.intervals.count) (longest \(formatNanoseconds(outage.longestNs)), total \(formatNanoseconds(outage.totalNs)), \(linkDown) packets dropped link_down): \(intervals.joined(separator: ", "))")
            }
            for availability in network.orderEntryAvailability ?? [] {
                lines.append(Self.availabilityLine(availability))
            }
        }
        for crash in gatewayCrashes ?? [] {
            lines.append("")
            let recovery = crash.recoveryNs.map { "all logged in again \(formatNanoseconds($0)) after the crash" } ?? "NOT all logged in again"
            let what = crash.action == "host_crash" ? "host crash" : "gateway crash"
            let cut = crash.action == "host_crash" ? "sessions cut off (found by their timeouts)" : "sessions reset"
            lines.append("\(what) \(crash.venue) at \(formatNanoseconds(crash.atNs)): \(crash.sessionsReset) \(cut), "
                + "connections taken again at \(formatNanoseconds(crash.acceptsAgainAtNs))\(crash.byStandby ? " by the standby" : " after the restart")"
                + "\(crash.sessionState == "lost" ? " without the sessions' state" : ""), "
                + "\(crash.sessionsRecovered) sessionsRecovered, \(crash.connectionAttempts) connectionAttempts; \(recovery)")
        }
        if gatewayCrashes != nil, let lost = numberedMessagesNotReceived {
            lines.append("numberedMessagesNotReceived: \(lost)")
        }
        for replay in orderEntryReplays ?? [] {
            lines.append("")
            lines.append("\(replay.venue) replays \(replay.source): \(replay.requestsPlanned) requests planned; sent \(replay.ordersSent) orders, "
                + "\(replay.cancelsSent) cancels, \(replay.replacesSent) replaces; \(replay.ordersAccepted) accepted, \(replay.ordersRejected) rejected, "
                + "\(replay.instructionsRejected) cancels or replaces refused; \(replay.executions) executions (\(replay.executedQuantity) shares)"
                + (replay.requestsNotSent > 0 ? "; \(replay.requestsNotSent) not sent, their session away" : ""))
        }
        if let resent = requestsResent, resent > 0 {
            lines.append("requestsResent: \(resent) (sent again after a lost connection: OUCH at the login, FIX at the venue's ResendRequest or, after a venue's reset, with PossResend=Y)")
        }
        if let attribution = latencyAttribution, !attribution.isEmpty {
            lines.append("")
            lines.append(contentsOf: Self.attributionTable(attribution, orderToAck: latency(named: "order-to-ack")))
        }
        if let assertions {
            lines.append("")
            lines.append(contentsOf: assertionLines(assertions))
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
        lines.append("wall clock: \(String(format: "%.2f", wallClock.elapsedSeconds)) s, \(formatRate(wallClock.eventsPerWallSecond)) events, \(formatRatio(wallClock.simulatedSecondsPerWallSecond)) simulated per wall second")
        lines.append("machine: \(machine.description)")
        return lines.joined(separator: "\n") + "\n"
    }

    /// "order-entry availability XAVAIL: 99.9549% over the primary link
    /// alone, 99.9993% with the backup path (detection 20 µs); path
    /// outages: …", in the summary's words and report.json's figures.
    static func availabilityLine(_ a: OrderEntryAvailabilitySummary) -> String {
        var line = "order-entry availability \(a.venue): \(formatPartsPerMillion(a.withoutRedundancyPpm)) over the primary link alone"
        if let detectionNs = a.detectionNs {
            line += ", \(formatPartsPerMillion(a.withRedundancyPpm)) with the backup path (detection \(formatNanoseconds(detectionNs)), \(a.packetsOverBackup) packetsOverBackup)"
        } else {
            line += " (no backup path)"
        }
        line += "; path outages: \(a.pathOutages.count)"
        if !a.pathOutages.isEmpty {
            line += " (longest \(formatNanoseconds(a.longestPathOutageNs)), total \(formatNanoseconds(a.totalPathOutageNs)))"
        }
        return line
    }

    /// Where a round trip's time went, a row per hop and the parts of each
    /// network hop, beside the measured order→ack mean.
    static func attributionTable(_ venues: [LatencyAttributionSummary], orderToAck: LatencySummary?) -> [String] {
        func mean(_ ns: Double) -> String { formatNanoseconds(ns) }
        func parts(_ transit: TransitSummary) -> String {
            transit.parts.map { "\($0.name) \(mean($0.meanNs))" }.joined(separator: ", ")
        }
        var lines = ["| venue | hop | count | mean | parts |", "|---|---|---:|---:|---|"]
        for v in venues {
            // The shared link's part of a hop, beneath it: not a hop of its own in the sum.
            func sharedPart(_ transit: TransitSummary?) {
                guard let link = v.sharedLink, let transit else { return }
                lines.append("| \(v.venue) | of which on \(link) (shared) | \(transit.writes) | \(mean(transit.meanNs)) | \(parts(transit)) |")
            }
            lines.append("| \(v.venue) | to venue (writes) | \(v.toVenue.writes) | \(mean(v.toVenue.meanNs)) | \(parts(v.toVenue)) |")
            sharedPart(v.toVenueShared)
            lines.append("| \(v.venue) | venue queue | \(v.messagesServed) | \(mean(v.venueQueueMeanNs)) | |")
            lines.append("| \(v.venue) | venue service | \(v.messagesServed) | \(mean(v.venueServiceMeanNs)) | |")
            lines.append("| \(v.venue) | from venue (writes) | \(v.fromVenue.writes) | \(mean(v.fromVenue.meanNs)) | \(parts(v.fromVenue)) |")
            sharedPart(v.fromVenueShared)
            lines.append("| \(v.venue) | round trip | | \(mean(v.roundTripMeanNs)) | the four hops' means added |")
        }
        if let orderToAck, venues.count == 1 {
            lines.append("order→ack mean, measured: \(mean(orderToAck.meanNs))")
        }
        return lines
    }

    /// One line per assertion: the statement, the measured value, pass or FAIL.
    public func assertionLines(_ assertions: [AssertionSummary]) -> [String] {
        assertions.map { "assertion \($0.name): \($0.bound) — measured \($0.measured): \($0.passed ? "pass" : "FAIL")" }
    }
}
