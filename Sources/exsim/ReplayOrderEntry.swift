import Capture
import Exchange
import Foundation
import Live
import Measure
import MatchingEngine
import OrderFlow
import Replay
import Report
import Scenario
import Simulation
import Wire

/// `exsim replay FILE --order-entry --ports-file PORTS`: the capture's client
/// sessions, each logged in as an account of the venue's, send their
/// captured requests at their paced times, ids rewritten.
extension ReplayCommand {
    func runOrderEntry(mode: PacingMode, gapLimitNs: Int64?) throws {
        guard feedTo == nil else {
            printError("--order-entry replays the clients' side to a venue, --feed-to the venue's feed: choose one")
            throw ExsimExit.badInput
        }
        guard let portsFile else {
            printError("--order-entry needs --ports-file FILE: the venue's address, ports, accounts and symbols (exsim serve --ports-file writes it)")
            throw ExsimExit.badInput
        }
        let drainTimeout = drainTimeout ?? "5s"
        guard let drainNs = ScenarioValues.duration(drainTimeout), drainNs > 0 else {
            printError("--drain-timeout \(drainTimeout): expected a duration like 5s")
            throw ExsimExit.badInput
        }
        let sessions = sessions ?? "all"
        guard ["all", "ouch42", "fix"].contains(sessions) else {
            printError("--sessions \(sessions): expected all, ouch42 or fix")
            throw ExsimExit.badInput
        }
        let venue = try Self.venue(portsFile: portsFile, name: venueName)
        let symbols = venue.symbols.map { SymbolConfig(name: $0.name, tickSize: $0.tickSize, referencePrice: Price($0.referencePrice)) }
        let (takesOUCH, takesFIX) = (sessions != "fix", sessions != "ouch42")
        let reader = try openCapture(file)
        let dissector = CaptureDissector(
            linkType: reader.linkType, portMap: try portOptions.portMap(),
            sink: OrderEntryCollectingSink(directory: SymbolDirectory(symbols: symbols), takesOUCH: takesOUCH, takesFIX: takesFIX,
                                           startNs: 0, endNs: .max, mode: mode, gapLimitNs: gapLimitNs))
        try dissectAll(reader, into: dissector)
        let collected = dissector.sink
        let captured = collected.sessions.enumerated().compactMap { number, session -> (String, CapturedOrderEntrySession)? in
            guard let session, session.count > 0 else { return nil }
            return (dissector.orderEntrySessionNames[number], session)
        }
        guard !captured.isEmpty else {
            let refused = collected.firstRefusal.map { "; \(collected.refused) requests \(venue.name) would refuse, the first: \($0)" } ?? ""
            printError("\(file): no \(sessions) order entry to replay to \(venue.name)\(refused)")
            throw ExsimExit.badInput
        }
        guard captured.count <= CapturedIDRewriter.maximumSessions else {
            printError("\(file) holds \(captured.count) client sessions; a replay takes at most \(CapturedIDRewriter.maximumSessions) (choose fewer with --sessions)")
            throw ExsimExit.badInput
        }
        guard captured.count <= venue.accounts.count else {
            printError("\(file) holds \(captured.count) client sessions and \(venue.name) has \(venue.accounts.count) accounts: serve it with --accounts \(captured.count) or more")
            throw ExsimExit.badInput
        }
        // Ids unique to this run, so that a venue that keeps its sessions'
        // day (exsim serve does) never sees one twice.
        let milliseconds = Int(Date().timeIntervalSince1970 * 1_000)
        let prefix = CapturedIDRewriter.base36(milliseconds % 2_176_782_336, width: 6)  // 36^6: repeats after 25 days
        var replayed: [SessionReplayPlan.Session] = []
        for (index, (name, session)) in captured.enumerated() {
            let orderEntry: LoadPlan.OrderEntry
            let port: Int?
            switch session.orderEntryProtocol {
            case .ouch42:
                (orderEntry, port) = (.ouch42, venue.ouchPort)
            case .fix42, .fix44:
                let version: FIXVersion = session.orderEntryProtocol == .fix42 ? .fix42 : .fix44
                (orderEntry, port) = (.fix(version, venueCompID: venue.venueCompID),
                                      venue.fixVersions.contains(version.beginString.description) ? venue.fixPort : nil)
            }
            guard let port else {
                printError("the captured session \(name) speaks \(session.orderEntryProtocol.rawValue), which \(venue.name) does not serve")
                throw ExsimExit.badInput
            }
            var ids = CapturedIDRewriter(prefix: prefix, session: index)
            replayed.append(SessionReplayPlan.Session(
                account: venue.accounts[index], orderEntry: orderEntry, port: port,
                requests: session.requests.map { ids.rewrite($0) }, plannedOffsetsNs: session.timesNs))
        }
        var plan = SessionReplayPlan(host: venue.host, password: venue.password, symbols: symbols, sessions: replayed, drainTimeoutNs: drainNs)
        if let problem = plan.credentialsProblem {
            printError("--ports-file \(portsFile): \(problem)")
            throw ExsimExit.badInput
        }
        plan.tls = try tlsOptions.context(venueSpeaksTLS: venue.tls == true)

        print("exsim \(Exsim.version) · replay \(file) → \(venue.name) at \(venue.host) (order entry, \(replayed.count) session(s))")
        print("machine: \(MachineInfo.current().description) · load average \(Self.loadAverage())")
        #if DEBUG
        print("warning: this is a debug build; send-time errors and latencies are not representative (use swift build -c release)")
        #endif
        print("pacing: \(mode)\(gapLimitNs.map { ", recorded gaps over \(formatNanoseconds($0)) compressed to it" } ?? "")")
        for (index, (name, session)) in captured.enumerated() {
            print("  \(name) → \(replayed[index].account) (\(session.orderEntryProtocol.rawValue), \(session.count) requests)")
        }
        var skipped: [String] = []
        if collected.refused > 0 { skipped.append("\(collected.refused) \(venue.name)'s port would refuse (the first: \(collected.firstRefusal ?? ""))") }
        if collected.duplicates > 0 { skipped.append("\(collected.duplicates) FIX resends (PossDupFlag Y)") }
        if collected.malformed > 0 { skipped.append("\(collected.malformed) malformed messages") }
        if !skipped.isEmpty { print("not sent: " + skipped.joined(separator: ", ")) }

        let result: SessionReplayResult
        do {
            result = try SessionReplayRun.run(plan)
        } catch {
            printError(error.description)
            throw ExsimExit.addressUnavailable
        }
        print("sent: \(formatCount(result.requestsSent)) requests (\(formatCount(result.ordersSent)) orders, \(formatCount(result.cancelsSent)) cancels, \(formatCount(result.replacesSent)) replaces) in \(String(format: "%.6f", Double(result.elapsedNs) / 1e9)) s (planned \(String(format: "%.6f", Double(result.plannedSpanNs) / 1e9)) s)")
        print("answers: \(formatCount(result.accepted)) accepted, \(formatCount(result.rejected)) rejected, \(formatCount(result.executions)) executions, \(formatCount(result.cancelled)) cancelled, \(formatCount(result.replaced)) replaced, \(formatCount(result.cancelRejected)) cancels or replaces refused; \(formatCount(result.unanswered)) orders unanswered")
        let errors = result.sendErrors.summary
        print("send-time error (actual − planned): p50 \(formatNanoseconds(errors.p50Ns)) · p99 \(formatNanoseconds(errors.p99Ns)) · max \(formatNanoseconds(errors.maxNs)) over \(formatCount(Int(errors.count))) requests; drift \(formatNanoseconds(result.driftNs))")
        if result.heldBackTurns > 0 {
            print("held back: the venue read slower than the replay sent (a session's socket full on \(formatCount(result.heldBackTurns)) turns); "
                  + "the waits of the requests sent since are in their send-time error")
        }
        if result.notSent > 0 {
            print("not sent: \(formatCount(result.notSent)) captured requests (the run ended first)")
        }
        let ack = result.orderToAck.summary
        print("order→ack from send: p50 \(formatNanoseconds(ack.p50Ns)) · p99 \(formatNanoseconds(ack.p99Ns)) · max \(formatNanoseconds(ack.maxNs)) (\(formatCount(Int(ack.count))))")
        if let json {
            do {
                try writeOrderEntryJSON(json, result: result, venue: venue.name, mode: mode, sessions: replayed.count)
            } catch where result.failure != nil || result.unanswered > 0 {
                // The run's own failure decides the exit code.
            }
        }
        if let failure = result.failure {
            printError(failure)
            throw ExsimExit.checkFailed
        }
        if result.unanswered > 0 {
            printError("\(result.unanswered) orders were not answered within --drain-timeout \(drainTimeout)")
            throw ExsimExit.checkFailed
        }
    }

    static func venue(portsFile: String, name: String?) throws -> LiveVenueEndpoints {
        let file: ServePortsFile
        do {
            file = try ServePortsFile.read(portsFile)
        } catch {
            printError(error.description)
            throw ExsimExit.badInput
        }
        if let name {
            guard let venue = file.venues.first(where: { $0.name == name }) else {
                printError("--venue \(name): \(portsFile) has \(file.venues.map(\.name).joined(separator: ", "))")
                throw ExsimExit.badInput
            }
            return venue
        }
        guard file.venues.count == 1, let venue = file.venues.first else {
            printError("--ports-file \(portsFile) has \(file.venues.count) venues (\(file.venues.map(\.name).joined(separator: ", "))): name one with --venue")
            throw ExsimExit.badInput
        }
        return venue
    }

    /// The run's description, then the result's keys beside it (`SessionReplayResult`'s encoding).
    struct OrderEntryReplayJSON: Encodable {
        var file: String
        var venue: String
        var pacing: String
        var sessions: Int
        var result: SessionReplayResult
        var machine: MachineInfo
        var loadAverage: String

        enum CodingKeys: String, CodingKey {
            case file, venue, pacing, sessions, machine, loadAverage
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(file, forKey: .file)
            try container.encode(venue, forKey: .venue)
            try container.encode(pacing, forKey: .pacing)
            try container.encode(sessions, forKey: .sessions)
            try container.encode(machine, forKey: .machine)
            try container.encode(loadAverage, forKey: .loadAverage)
            try result.encode(to: encoder)
        }
    }

    func writeOrderEntryJSON(_ path: String, result: SessionReplayResult, venue: String, mode: PacingMode, sessions: Int) throws {
        let document = OrderEntryReplayJSON(file: file, venue: venue, pacing: mode.description, sessions: sessions, result: result,
                                            machine: MachineInfo.current(), loadAverage: Self.loadAverage())
        try Self.write(document, toJSON: path)
    }
}

/// Gives a captured session's order ids new ones, consistently: the same
/// captured id always becomes the same new one, so cancels and replaces
/// name the orders they named. A new id is the run's prefix (six base-36
/// characters of the wall-clock millisecond), the session's number in two,
/// and a counter in six: 14 characters, an OUCH token's width.
struct CapturedIDRewriter {
    /// Sessions whose numbers fit the id's two base-36 characters.
    static let maximumSessions = 36 * 36
    let stem: String
    var ids: [ClientOrderID: ClientOrderID] = [:]

    init(prefix: String, session: Int) {
        precondition(session < Self.maximumSessions, "a session number in two base-36 characters")
        stem = prefix + Self.base36(session, width: 2)
    }

    mutating func id(_ captured: ClientOrderID) -> ClientOrderID {
        if let id = ids[captured] { return id }
        let id = ClientOrderID(stem + Self.base36(ids.count, width: 6))!
        ids[captured] = id
        return id
    }

    mutating func rewrite(_ request: OrderEntryRequest) -> OrderEntryRequest {
        switch request {
        case .new(var order):
            order.clientID = id(order.clientID)
            return .new(order)
        case .cancel(let target, let requestID, let newOpenQuantity):
            return .cancel(target: id(target), requestID: requestID.map { id($0) }, newOpenQuantity: newOpenQuantity)
        case .replace(let target, let replacementID, let price, let quantity, let includesExecuted, _):
            return .replace(target: id(target), replacementID: id(replacementID), price: price, quantity: quantity,
                            quantityIncludesExecuted: includesExecuted)
        }
    }

    static func base36(_ value: Int, width: Int) -> String {
        let digits = String(value, radix: 36, uppercase: true)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits.suffix(width)
    }
}
