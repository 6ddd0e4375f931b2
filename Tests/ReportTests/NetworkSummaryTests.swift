import Foundation
import Testing
@testable import Report

@Suite struct NetworkSummaryTests {
    static let network = NetworkSummary(
        links: [
            LinkSummary(venue: "XSIM", link: "order_entry.to_venue", packetsSent: 1_010, bytesSent: 111_100, packetsDelivered: 1_000,
                        bytesDelivered: 110_000, packetsDuplicated: 2, packetsReordered: 3, drops: ["lost": 9, "queue_full": 1],
                        queueHighWaterBytes: 4_096,
                        tcp: TCPSummary(segments: 1_000, retransmissions: 10, segmentsHeldForOrder: 40, duplicatesDiscarded: 2, breaks: 0)),
            LinkSummary(venue: "XSIM", link: "market_data", packetsSent: 500, bytesSent: 50_000, packetsDelivered: 499, bytesDelivered: 49_900,
                        packetsDuplicated: 0, packetsReordered: 0, drops: ["lost": 1, "queue_full": 0], queueHighWaterBytes: 0, tcp: nil),
        ],
        connectionsBroken: 0, sessionsClosedEarly: 0,
        feeds: [FeedSummary(venue: "XSIM", messagesPublished: 700, messagesDelivered: 700, requestsSent: 1, duplicateMessages: 0,
                            messagesLost: 0, booksMatchVenue: true)])

    @Test func aReportWithLinksRoundTripsAndOneWithoutHasNoNetworkKey() throws {
        var report = sampleReport()
        let without = String(decoding: try report.jsonData(), as: UTF8.self)
        #expect(!without.contains("\"network\""), "reports of scenarios without links keep their old keys")
        report.network = Self.network
        let decoded = try RunReport.decode(from: try report.jsonData())
        #expect(decoded == report)
        let json = try #require(try JSONSerialization.jsonObject(with: try report.jsonData()) as? [String: Any])
        let network = try #require(json["network"] as? [String: Any])
        let links = try #require(network["links"] as? [[String: Any]])
        #expect(links.map { $0["link"] as? String } == ["order_entry.to_venue", "market_data"])
        #expect((links[0]["drops"] as? [String: Int])?["lost"] == 9)
        #expect((links[0]["tcp"] as? [String: Int])?["retransmissions"] == 10)
        #expect(links[1]["tcp"] == nil)
        #expect((network["feeds"] as? [[String: Any]])?.first?["requestsSent"] as? Int == 1)
    }

    @Test func theSummaryTabulatesTheLinks() {
        var report = sampleReport()
        #expect(!report.markdown().contains("| link |"))
        report.network = Self.network
        let markdown = report.markdown()
        #expect(markdown.contains("| XSIM | order_entry.to_venue | 1010 | 9 | 1 | 2 | 3 | 4096 | 10 | 40 |"), "\(markdown)")
        #expect(markdown.contains("| XSIM | market_data | 500 | 1 | 0 | 0 | 0 | 0 | – | – |"), "\(markdown)")
        #expect(markdown.contains("network: 0 connectionsBroken, 0 sessionsClosedEarly"))
        #expect(markdown.contains("feed XSIM over its link: 700 of 700 messagesDelivered, 1 requestsSent, 0 messagesLost, books match the venue's"), "\(markdown)")
    }
}
