import ArgumentParser
import Capture
import Exchange
import Foundation
import MatchingEngine
import Wire

/// `exsim capture book FILE`: the order books an ITCH feed in a capture builds.
struct CaptureBookCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "book",
        abstract: "Rebuild the order books from a capture's ITCH 5.0 feed; print top of book per symbol and the build rate.",
        discussion: """
            The ITCH messages of every MoldUDP64 flow (once each by sequence number: a second \
            feed's copies are dropped) and of every SoupBinTCP/ITCH flow go, in capture order, \
            to the same book builder a simulated client's feed handler uses. Symbols are named \
            by the feed's Stock Directory messages, or by their first Add Order when the \
            capture starts after the directory. Messages that contradict the book (an \
            unknown order, too many shares) are counted and the first ones printed; a gap in \
            the feed shows there. The rate is measured over reading, decoding and building \
            together, on the wall clock; the books are built on a second thread while the \
            capture is read. Exits 64 on a missing, unreadable or corrupt file.
            """
    )

    @Argument(help: "A .pcap, .pcapng, .pcap.zst or .pcapng.zst file.")
    var file: String

    @OptionGroup var portOptions: CapturePortOptions

    func run() throws {
        let portMap = try portOptions.portMap()
        let reader = try openCapture(file, zstdWorkers: BookBuildingPipeline.zstdWorkers)
        let clock = ContinuousClock()
        let started = clock.now
        let built = try BookBuildingPipeline.buildBooks(from: reader, portMap: portMap)
        let (book, inspection) = (built.books, built.inspection)
        let elapsed = clock.now - started
        print(describeCapture(reader))
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
        let applied = book.messagesApplied
        print("ITCH messages: \(applied) applied in \(book.feeds.count) feed(s), \(book.problemCount) contradicting the book; \(book.orderCount) orders resting at the end")
        if applied == 0 {
            print("no ITCH feed found in \(inspection.flows.count) flow(s): name its port with --port PORT=moldudp64 or PORT=soupbintcp-itch")
        }
        for session in inspection.moldUDP64Sessions where session.gapCount > 0 {
            print("warning: MoldUDP64 session \(session.session) has \(session.gapCount) gap(s), \(session.missingMessages) messages missing: the books may be wrong")
        }
        for (feed, books) in book.feeds.enumerated() {
            print("")
            print("\(built.feedNames[feed]): \(books.builder.messagesApplied) messages, \(books.builder.orderCount) orders resting")
            print("| symbol | locate | bid orders | bid shares | bid | ask | ask shares | ask orders |")
            print("|---|---:|---:|---:|---:|---:|---:|---:|")
            for (locate, stock) in books.symbols.sorted(by: { $0.locate < $1.locate }) {
                let bid = books.builder.depth(stockLocate: locate, side: .buy).first
                let ask = books.builder.depth(stockLocate: locate, side: .sell).first
                let bidColumns = bid.map { ["\($0.orders)", "\($0.quantity.rawValue)", Self.price($0.price)] } ?? ["", "", "—"]
                let askColumns = ask.map { [Self.price($0.price), "\($0.quantity.rawValue)", "\($0.orders)"] } ?? ["—", "", ""]
                print("| \(stock) | \(locate) | \((bidColumns + askColumns).joined(separator: " | ")) |")
            }
            for problem in books.builder.problems { print("problem: \(problem)") }
            if books.builder.problemCount > books.builder.problems.count {
                print("… \(books.builder.problemCount - books.builder.problems.count) more problems")
            }
        }
        print("")
        let rate = seconds > 0 ? Double(applied) / seconds : 0
        print(String(format: "book build: %d messages in %.3f s wall clock, %.2fM messages/s (reading, decoding and building)", applied, seconds, rate / 1e6))
    }

    /// ITCH Price(4): four implied decimals.
    static func price(_ price: Price) -> String {
        let raw = price.rawValue
        return "\(raw / 10_000)." + String(format: "%04d", Int(raw % 10_000))
    }
}

/// Builds one set of books per ITCH feed in a capture (each feed has its
/// own order references and stock locates), and names the symbols from
/// each feed's Stock Directory messages.
struct BookBuildingSink: CaptureMessageSink {
    struct FeedBooks {
        var builder = ITCHBookBuilder()
        /// Stock locate and symbol, from the Stock Directory or, for a capture
        /// that starts after it, the first Add Order of the stock.
        var symbols: [(locate: UInt16, stock: Alpha8)] = []
        /// One bit per stock locate already named: a test per Add Order, no hashing.
        var namedLocates = [UInt64](repeating: 0, count: 1 << 10)

        mutating func name(_ locate: UInt16, _ stock: Alpha8) {
            let word = Int(locate >> 6), bit = UInt64(1) << UInt64(locate & 63)
            guard namedLocates[word] & bit == 0 else { return }
            namedLocates[word] |= bit
            symbols.append((locate, stock))
        }
    }

    /// By feed number (`CaptureDissector.feedNames`).
    var feeds: [FeedBooks] = []

    var messagesApplied: Int { feeds.reduce(0) { $0 + $1.builder.messagesApplied } }
    var problemCount: Int { feeds.reduce(0) { $0 + $1.builder.problemCount } }
    var orderCount: Int { feeds.reduce(0) { $0 + $1.builder.orderCount } }

    mutating func itchMessages(_ messages: MessageBlockIterator, feed: Int, timestampNs: Int64) {
        while feeds.count <= feed { feeds.append(FeedBooks()) }
        applyReadingAhead(messages, readAhead: { readAhead($0, feed: feed) },
                          apply: { apply($0, feed: feed) })
    }

    /// Prefetches the slots `message` will look up, ahead of `itchMessage`.
    /// `mutating` so that the builder is reached in place, not copied.
    @inline(__always)
    mutating func readAhead(_ message: UnsafeRawBufferPointer, feed: Int) {
        if feed < feeds.count { feeds[feed].builder.prefetchOrders(of: message) }
    }

    mutating func itchMessage(_ message: UnsafeRawBufferPointer, feed: Int, timestampNs: Int64) {
        while feeds.count <= feed { feeds.append(FeedBooks()) }
        apply(message, feed: feed)
    }

    @inline(__always)
    mutating func apply(_ message: UnsafeRawBufferPointer, feed: Int) {
        let type = message.count > 0 ? message.readUInt8(at: 0) : 0
        if type == ITCHMessageType.stockDirectory.rawValue, let directory = try? ITCHStockDirectoryView(validating: message) {
            feeds[feed].name(directory.stockLocate, directory.stock)
        } else if type == ITCHMessageType.addOrder.rawValue || type == ITCHMessageType.addOrderWithMPID.rawValue,
                  message.count >= ITCHAddOrder.length {
            // Add Order: Stock Locate at 1, Stock at 24 (both types).
            feeds[feed].name(message.readUInt16BE(at: 1), message.readAlpha8(at: 24))
        }
        feeds[feed].builder.deliver(sequenceNumber: UInt64(feeds[feed].builder.messagesApplied + 1), message: message)
    }
}
