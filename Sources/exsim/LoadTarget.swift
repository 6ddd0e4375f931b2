import Foundation
import Live
import MatchingEngine

/// Where `exsim load` connects and what it trades: from the ports file
/// `exsim serve` wrote, or from --host/--port with --symbol and --price.
struct LoadTarget {
    var host: String
    var port: Int
    var venue: String
    var symbol: SymbolConfig
    /// The venue's FIX CompID (from the ports file, or --venue).
    var venueCompID: String = ""
    /// The ports file says the venue speaks TLS.
    var tls = false

    struct Problem: Error, CustomStringConvertible {
        var description: String
    }

    /// The named venue (or the first serving the protocol), its first symbol unless `symbolName` is given.
    static func fromPortsFile(_ path: String, venue name: String?, symbolName: String?, price: Int64?,
                              protocol orderEntry: LoadCommand.OrderEntryProtocol = .ouch42) throws(Problem) -> LoadTarget {
        let file = try ServePortsFile.read(path)
        func port(of venue: LiveVenueEndpoints) -> Int? {
            switch orderEntry {
            case .ouch42: venue.ouchPort
            case .fix42, .fix44: venue.fixVersions.contains(orderEntry.fixVersion!.beginString.description) ? venue.fixPort : nil
            }
        }
        let candidates = file.venues.filter { port(of: $0) != nil && (name == nil || $0.name == name) }
        guard let venue = candidates.first, let port = port(of: venue) else {
            let known = file.venues.filter { port(of: $0) != nil }.map(\.name).joined(separator: ", ")
            throw Problem(description: name.map { "--venue \($0): no venue of that name serves \(orderEntry.label) (venues with it: \(known))" }
                          ?? "--ports-file \(path): no venue serves \(orderEntry.label)")
        }
        let symbols = venue.symbols
        guard let symbol = symbolName.map({ wanted in symbols.first { $0.name == wanted } }) ?? symbols.first else {
            throw Problem(description: "--symbol \(symbolName ?? ""): \(venue.name) trades \(symbols.map(\.name).joined(separator: ", "))")
        }
        let reference = price ?? symbol.referencePrice
        guard reference > 0, reference % symbol.tickSize == 0 else {
            throw Problem(description: "--price \(reference): not a positive multiple of \(symbol.name)'s tick \(symbol.tickSize)")
        }
        return LoadTarget(host: venue.host, port: port, venue: venue.name,
                          symbol: SymbolConfig(name: symbol.name, tickSize: symbol.tickSize, referencePrice: Price(reference)),
                          venueCompID: venue.venueCompID, tls: venue.tls == true)
    }
}

extension ServePortsFile {
    /// The ports file at `path`, or why it is not one `exsim serve` writes.
    static func read(_ path: String) throws(LoadTarget.Problem) -> ServePortsFile {
        do {
            return try JSONDecoder().decode(ServePortsFile.self, from: Data(contentsOf: URL(fileURLWithPath: path)))
        } catch {
            throw LoadTarget.Problem(description: "--ports-file \(path): cannot be read as the ports file exsim serve writes (\(error.localizedDescription))")
        }
    }
}

/// "100k/s", "1M/s", "2500/s", "20000": orders per second.
enum LoadRateText {
    static func parse(_ text: String) -> Double? {
        var body = Substring(text)
        if body.hasSuffix("/s") { body = body.dropLast(2) }
        var scale = 1.0
        if let last = body.last, let multiplier = ["k": 1e3, "K": 1e3, "M": 1e6, "m": 1e6][last] {
            scale = multiplier
            body = body.dropLast()
        }
        guard let value = Double(body), value > 0, value.isFinite else { return nil }
        return value * scale
    }
}
