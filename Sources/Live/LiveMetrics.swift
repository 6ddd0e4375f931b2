import CoreMetrics
import Measure
import NIOConcurrencyHelpers
import Prometheus

/// The venues' counters as Prometheus metrics: swift-metrics counters and
/// gauges on a swift-prometheus registry of their own (no process-wide
/// bootstrap, so several servers can live in one process).
///
/// The venues never touch the registry: they count in their own loop-bound
/// tallies, and `exposition` publishes a snapshot of those (the increase
/// since the last publication) when `/metrics` is scraped. One lock per
/// scrape, none per message.
public final class LiveMetrics: Sendable {
    /// The metric families, by name; every one carries the label `venue`.
    public enum Name {
        public static let connectionsAccepted = "exsim_connections_accepted_total"
        public static let connectionsRefused = "exsim_connections_refused_total"
        public static let slowConsumersClosed = "exsim_slow_consumers_closed_total"
        public static let sessionsConnected = "exsim_sessions_connected"
        public static let requests = "exsim_requests_total"
        public static let ordersAccepted = "exsim_orders_accepted_total"
        public static let ordersRejected = "exsim_orders_rejected_total"
        public static let executions = "exsim_executions_total"
        public static let ordersCanceled = "exsim_orders_canceled_total"
        public static let ordersReplaced = "exsim_orders_replaced_total"
        public static let trades = "exsim_trades_total"
        public static let bytesIn = "exsim_bytes_in_total"
        public static let bytesOut = "exsim_bytes_out_total"
        public static let messagesIn = "exsim_messages_in_total"
        public static let messagesOut = "exsim_messages_out_total"
        public static let feedReplayMessages = "exsim_feed_replay_messages_total"
        public static let gatewayOrderAck = "exsim_gateway_order_ack_seconds"
        public static let gatewayOrderAckFlushed = "exsim_gateway_order_ack_flushed_seconds"
    }

    /// The quantiles of the gateway order→ack summary.
    public static let quantiles: [(label: String, percentile: Double)] = [
        ("0.5", 50), ("0.9", 90), ("0.99", 99), ("0.999", 99.9), ("1", 100),
    ]

    /// One venue's metrics and what was last published to its counters.
    final class VenueMetrics: Sendable {
        let counters: [(counter: CoreMetrics.Counter, read: @Sendable (LiveVenueSnapshot) -> UInt64)]
        let sessionsConnected: CoreMetrics.Gauge
        let published: NIOLockedValueBox<[UInt64]>

        init(venue: String, factory: PrometheusMetricsFactory) {
            let dimensions = [("venue", venue)]
            func counter(_ name: String, _ read: @escaping @Sendable (LiveVenueSnapshot) -> UInt64)
                -> (counter: CoreMetrics.Counter, read: @Sendable (LiveVenueSnapshot) -> UInt64)
            {
                (CoreMetrics.Counter(label: name, dimensions: dimensions, factory: factory), read)
            }
            counters = [
                counter(Name.connectionsAccepted) { $0.connectionsAccepted },
                counter(Name.connectionsRefused) { $0.connectionsRefused },
                counter(Name.slowConsumersClosed) { $0.slowConsumersClosed },
                counter(Name.requests) { $0.requests },
                counter(Name.ordersAccepted) { $0.answers.accepted },
                counter(Name.ordersRejected) { $0.answers.rejected },
                counter(Name.executions) { $0.answers.executions },
                counter(Name.ordersCanceled) { $0.answers.canceled },
                counter(Name.ordersReplaced) { $0.answers.replaced },
                counter(Name.trades) { $0.trades },
                counter(Name.bytesIn) { $0.bytesIn },
                counter(Name.bytesOut) { $0.bytesOut },
                counter(Name.messagesIn) { $0.messagesIn },
                counter(Name.messagesOut) { $0.messagesOut },
                counter(Name.feedReplayMessages) { $0.feedReplayMessages },
            ]
            sessionsConnected = CoreMetrics.Gauge(label: Name.sessionsConnected, dimensions: dimensions, factory: factory)
            published = NIOLockedValueBox(Array(repeating: 0, count: counters.count))
        }

        /// Increments each counter by what the venue counted since the last call.
        func publish(_ snapshot: LiveVenueSnapshot) {
            published.withLockedValue { published in
                for (index, metric) in counters.enumerated() {
                    let value = metric.read(snapshot)
                    // Venue counters only grow. Two scrapes at once may
                    // publish their snapshots out of order: the older one
                    // then adds nothing.
                    if value > published[index] {
                        metric.counter.increment(by: Int64(clamping: value - published[index]))
                        published[index] = value
                    }
                }
                sessionsConnected.record(snapshot.sessionsConnected)
            }
        }
    }

    let registry = PrometheusCollectorRegistry()
    let venues: [VenueMetrics]

    /// Metrics for these venues, in this order (the order of `LiveServer.snapshots`).
    public init(venueNames: [String]) {
        let factory = PrometheusMetricsFactory(registry: registry)
        venues = venueNames.map { VenueMetrics(venue: $0, factory: factory) }
    }

    /// Publishes the snapshots and returns the Prometheus text exposition
    /// (format 0.0.4): the counters and gauge from the registry, then the
    /// gateway's order→ack time as a summary, cumulative since the start.
    public func exposition(_ snapshots: [LiveVenueSnapshot]) -> [UInt8] {
        precondition(snapshots.count == venues.count, "one snapshot per venue")
        for (metrics, snapshot) in zip(venues, snapshots) { metrics.publish(snapshot) }
        var text: [UInt8] = []
        registry.emit(into: &text)
        text += Array(Self.summary(
            Name.gatewayOrderAck, help: "Time inside exsim per acknowledged order: its bytes read off the socket to its acknowledgement handed to the flush.",
            snapshots, \.orderAck).utf8)
        text += Array(Self.summary(
            Name.gatewayOrderAckFlushed, help: "The same to the flush's return: the kernel's send of the acknowledgement included.",
            snapshots, \.orderAckFlushed).utf8)
        return text
    }

    /// A Prometheus summary of one latency of each venue, in seconds.
    static func summary(_ name: String, help: String, _ snapshots: [LiveVenueSnapshot],
                        _ latency: KeyPath<LiveVenueSnapshot, LatencyRecorder>) -> String {
        var text = "# HELP \(name) \(help)\n"
        text += "# TYPE \(name) summary\n"
        for snapshot in snapshots {
            let venue = "venue=\"\(escapedLabelValue(snapshot.name))\""
            let recorder = snapshot[keyPath: latency]
            for quantile in quantiles {
                let valueNs = quantile.percentile >= 100 ? recorder.maxNs : recorder.valueAtPercentile(quantile.percentile)
                text += "\(name){\(venue),quantile=\"\(quantile.label)\"} \(seconds(valueNs))\n"
            }
            let sumNs = recorder.meanNs * Double(recorder.count)
            text += "\(name)_sum{\(venue)} \(sumNs / 1e9)\n"
            text += "\(name)_count{\(venue)} \(recorder.count)\n"
        }
        return text
    }

    static func seconds(_ ns: Int64) -> String { "\(Double(ns) / 1e9)" }

    /// Prometheus text format: backslash, double quote and newline are escaped in label values.
    static func escapedLabelValue(_ value: String) -> String {
        var escaped = ""
        for character in value {
            switch character {
            case "\\": escaped += "\\\\"
            case "\"": escaped += "\\\""
            case "\n": escaped += "\\n"
            default: escaped.append(character)
            }
        }
        return escaped
    }
}
