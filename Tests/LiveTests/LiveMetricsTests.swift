import Exchange
import Live
import MatchingEngine
import Testing
import Wire

/// `/metrics` of a venue served in-process: a client trades over OUCH, a
/// plain-socket HTTP client scrapes, and the counters must equal what the
/// venue did.
@Suite struct LiveMetricsTests {
    static let price = LiveOUCHSessionTests.price

    /// One HTTP/1.1 GET with `Connection: close`; the status code and the body.
    static func get(port: Int, path: String) throws -> (status: Int, headers: String, body: String) {
        let socket = try LoopbackTCPSocket(port: port)
        try socket.write(Array("GET \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".utf8))
        var response: [UInt8] = []
        while true {
            let chunk = try socket.receive()
            if chunk.isEmpty { break }
            response += chunk
        }
        let text = String(decoding: response, as: UTF8.self)
        let parts = text.split(separator: "\r\n\r\n", maxSplits: 1, omittingEmptySubsequences: false)
        let headers = String(parts.first ?? "")
        let statusLine = headers.split(separator: "\r\n").first ?? ""
        let status = Int(statusLine.split(separator: " ").dropFirst().first ?? "") ?? -1
        return (status, headers, parts.count > 1 ? String(parts[1]) : "")
    }

    /// Sample lines of a Prometheus text exposition: `name{labels}` → value.
    static func samples(_ exposition: String) -> [String: Double] {
        var samples: [String: Double] = [:]
        for line in exposition.split(separator: "\n") where !line.hasPrefix("#") {
            guard let space = line.lastIndex(of: " "), let value = Double(line[line.index(after: space)...]) else { continue }
            samples[String(line[..<space])] = value
        }
        return samples
    }

    @Test func scrapedCountersEqualWhatTheVenueDid() throws {
        let server = try LiveServer.start(venues: [LiveOUCHSessionTests.venue()], host: "127.0.0.1", metricsPort: 0)
        var shutDown = false
        defer { if !shutDown { _ = server.shutdown() } }
        let metricsPort = try #require(server.metricsPort)
        let port = try #require(server.endpoints.first?.ouchPort)
        #expect(metricsPort > 0 && metricsPort != port)

        let buyer = try LoopbackSoupBinTCPClient(port: port)
        #expect(try buyer.login(username: "P1", password: "exsim")?.type == UInt8(ascii: "A"))
        let seller = try LoopbackSoupBinTCPClient(port: port)
        #expect(try seller.login(username: "P2", password: "exsim")?.type == UInt8(ascii: "A"))
        try buyer.enterOrder(token: "B1", side: "B", shares: 300, stock: "AAPL", price: Self.price)
        #expect(try buyer.readOUCH().first == UInt8(ascii: "A"))
        try buyer.enterOrder(token: "B2", side: "B", shares: 100, stock: "AAPL", price: Self.price - 100)
        #expect(try buyer.readOUCH().first == UInt8(ascii: "A"))
        try seller.enterOrder(token: "S1", side: "S", shares: 200, stock: "AAPL", price: Self.price)
        #expect(try seller.readOUCH().first == UInt8(ascii: "A"))
        #expect(try seller.readOUCH().first == UInt8(ascii: "E"))
        #expect(try buyer.readOUCH().first == UInt8(ascii: "E"))
        try seller.enterOrder(token: "S2", side: "S", shares: 100, stock: "NOPE", price: Self.price)
        #expect(try seller.readOUCH().first == UInt8(ascii: "J"), "an unknown stock is Rejected")

        let scrape = try Self.get(port: metricsPort, path: "/metrics")
        #expect(scrape.status == 200)
        #expect(scrape.headers.contains("text/plain; version=0.0.4"))
        let samples = Self.samples(scrape.body)
        func value(_ name: String) -> Double? { samples["\(name){venue=\"XLIVE\"}"] }
        #expect(value(LiveMetrics.Name.requests) == 3, "two buys and a sell; the unknown stock never reached the desk")
        #expect(value(LiveMetrics.Name.ordersAccepted) == 3)
        #expect(value(LiveMetrics.Name.ordersRejected) == 1)
        #expect(value(LiveMetrics.Name.executions) == 2, "one Executed to each side")
        #expect(value(LiveMetrics.Name.trades) == 1)
        #expect(value(LiveMetrics.Name.sessionsConnected) == 2)
        #expect(value(LiveMetrics.Name.connectionsAccepted) == 2)
        #expect(value(LiveMetrics.Name.messagesIn) == 6, "two Login Requests and four Enter Orders")
        #expect(value(LiveMetrics.Name.bytesIn) == Double(2 * (3 + 46) + 4 * (3 + 49)), "SoupBinTCP framing included")
        let orderAck = LiveMetrics.Name.gatewayOrderAck
        #expect(samples["\(orderAck)_count{venue=\"XLIVE\"}"] == 4, "three Accepted and a Rejected")
        #expect(samples["\(LiveMetrics.Name.gatewayOrderAckFlushed)_count{venue=\"XLIVE\"}"] == 4)
        let p99 = try #require(samples["\(orderAck){venue=\"XLIVE\",quantile=\"0.99\"}"])
        #expect(p99 > 0 && p99 < 1, "seconds")
        #expect(scrape.body.contains("# TYPE \(LiveMetrics.Name.trades) counter"))
        #expect(scrape.body.contains("# TYPE \(LiveMetrics.Name.sessionsConnected) gauge"))
        #expect(scrape.body.contains("# TYPE \(orderAck) summary"))

        // A second scrape publishes only what happened since: no orders.
        // (Bytes and messages out may grow by a heartbeat between the two.)
        let again = Self.samples(try Self.get(port: metricsPort, path: "/metrics").body)
        for name in [LiveMetrics.Name.requests, LiveMetrics.Name.ordersAccepted, LiveMetrics.Name.trades] {
            #expect(again["\(name){venue=\"XLIVE\"}"] == value(name), "\(name) unchanged between scrapes")
        }
        #expect(try Self.get(port: metricsPort, path: "/other").status == 404)

        let report = try #require(server.shutdown().first)
        shutDown = true
        #expect(Double(report.requests) == value(LiveMetrics.Name.requests))
        #expect(Double(report.answers.accepted) == value(LiveMetrics.Name.ordersAccepted))
        #expect(Double(report.trades) == value(LiveMetrics.Name.trades))
        #expect(Double(report.bytesIn) == value(LiveMetrics.Name.bytesIn))
        #expect(Double(report.messagesIn) == value(LiveMetrics.Name.messagesIn))
        #expect(Double(report.gatewayOrderAck?.count ?? 0) == samples["\(orderAck)_count{venue=\"XLIVE\"}"])
    }

    @Test func aMetricsPortInUseIsAClearError() throws {
        let first = try LiveServer.start(venues: [LiveOUCHSessionTests.venue()], host: "127.0.0.1", metricsPort: 0)
        defer { _ = first.shutdown() }
        let busy = try #require(first.metricsPort)
        #expect(throws: LiveStartError.metricsAddressInUse(LiveAddress(host: "127.0.0.1", port: busy))) {
            _ = try LiveServer.start(venues: [LiveOUCHSessionTests.venue()], host: "127.0.0.1", metricsPort: busy)
        }
    }
}
