import MatchingEngine
import Testing
import Wire
@testable import Exchange

/// Seeded random and mutated bytes thrown at a logged-in `OUCHPort`, in
/// random chunks: the port never traps, answers or closes, and the desk, the
/// engine and the client's view of its orders stay consistent. A closed
/// connection is reopened and logged in again, which replays what it missed.
@Suite struct OUCHPortRobustnessTests {
    static let tokens = (0..<24).map { "T\($0)" }

    /// A plausible OUCH inbound message from a small world of tokens and prices,
    /// sometimes off the rules (unknown stock, off-tick price, odd fields).
    static func randomMessage(_ random: inout SplitMix64) -> OUCHInboundMessage {
        let token = OUCHToken(tokens[random.below(tokens.count)])!
        let shares = UInt32(random.below(6) * 100 + (random.below(20) == 0 ? random.below(100) : 0))
        let price = UInt32(1_900_000 + (random.below(11) - 5) * 100 + (random.below(25) == 0 ? 50 : 0))
        let sides: [OUCHSide] = [.buy, .sell, .sellShort, .sellShortExempt]
        switch random.below(10) {
        case 0..<5:
            let tifs: [OUCHTimeInForce] = [.marketHours, .marketHours, .systemHours, .immediateOrCancel, .seconds(30)]
            let tif = tifs[random.below(tifs.count)]
            let displays = Array("YYYYPNA".utf8)
            return .enterOrder(OUCHEnterOrder(
                token: token, side: sides[random.below(4)], shares: shares,
                stock: [Alpha8("AAPL")!, Alpha8("MSFT")!, Alpha8("AAPL")!, Alpha8("NOPE")!][random.below(4)],
                price: random.below(30) == 0 ? 0x7FFF_FFFF : price + (random.below(2) == 0 ? 0 : 2_100_000),
                timeInForce: tif, firm: .blank, display: displays[random.below(displays.count)], capacity: UInt8(ascii: "A"),
                intermarketSweepEligibility: UInt8(ascii: "N"),
                minimumQuantity: tif == .immediateOrCancel && random.below(3) == 0 ? shares : 0,
                crossType: random.below(30) == 0 ? UInt8(ascii: "O") : UInt8(ascii: "N"), customerType: 0x20))
        case 5..<7:
            return .cancelOrder(OUCHCancelOrder(token: token, shares: UInt32(random.below(4) * 100)))
        case 7..<9:
            return .replaceOrder(OUCHReplaceOrder(
                existingToken: token, replacementToken: OUCHToken(tokens[random.below(tokens.count)] + "R\(random.below(50))")!,
                shares: shares, price: price, timeInForce: .marketHours, display: UInt8(ascii: "Y"),
                intermarketSweepEligibility: UInt8(ascii: "N"), minimumQuantity: 0))
        default:
            return .modifyOrder(OUCHModifyOrder(token: token, side: sides[random.below(4)], shares: UInt32(random.below(4) * 100)))
        }
    }

    /// Every OUCH message both clients received, and how many times a session closed.
    static func walk(seed: UInt64, steps: Int) -> (messages: [OUCHOutboundMessage], closes: Int) {
        var random = SplitMix64(state: seed)
        var venue = OUCHTestVenue()
        venue.chunking = SplitMix64(state: seed ^ 0xFFFF)
        venue.connectBoth()
        var closes = 0
        var messages: [OUCHOutboundMessage] = []
        for step in 0..<steps {
            venue.nowNs += Int64(random.below(2_000_000))
            let index = random.below(5) == 0 ? 1 : 0
            if !venue.connected[index] {
                closes += 1
                venue.connect(index)
                continue
            }
            var bytes: [UInt8] = []
            for _ in 0..<(1 + random.below(3)) {
                var frame = OUCHTestVenue.unsequenced(Self.randomMessage(&random))
                switch random.below(40) {
                case 0:
                    // Flip a few bytes anywhere, header included.
                    for _ in 0..<(1 + random.below(3)) { frame[random.below(frame.count)] = UInt8(truncatingIfNeeded: random.next()) }
                case 1:
                    frame = (0..<random.below(60)).map { _ in UInt8(truncatingIfNeeded: random.next()) }
                case 2:
                    // Cut the payload short, framing kept valid.
                    let keep = 4 + random.below(frame.count - 4)
                    frame = Array(frame[0..<keep])
                    frame[0] = UInt8((keep - 2) >> 8)
                    frame[1] = UInt8((keep - 2) & 0xFF)
                case 3:
                    frame = [0x00, 0x01, [UInt8(ascii: "R"), UInt8(ascii: "O"), UInt8(ascii: "L"), UInt8(ascii: "+")][random.below(4)]]
                default:
                    break
                }
                bytes += frame
            }
            venue.sendRaw(index, bytes)
            if step % 250 == 0 { venue.checkConsistency("seed \(seed) step \(step)") }
            if step % 1_000 == 999 {
                messages += venue.wire[0] + venue.wire[1]
                venue.clearCapture()
            }
        }
        for index in 0..<2 where !venue.connected[index] { venue.connect(index) }
        venue.checkConsistency("seed \(seed) end")
        return (messages + venue.wire[0] + venue.wire[1], closes)
    }

    @Test(arguments: [11, 12, 13] as [UInt64])
    func randomAndMutatedBytesNeverTrapAndLeaveTheDeskConsistent(seed: UInt64) {
        let (messages, closes) = Self.walk(seed: seed, steps: 8_000)
        #expect(closes > 20 && messages.count > 2_000, "the walk both closes sessions and trades: \(closes) closes, \(messages.count) messages")
    }

    @Test func theSameSeedGivesTheSameMessages() {
        let first = Self.walk(seed: 21, steps: 1_500)
        let second = Self.walk(seed: 21, steps: 1_500)
        #expect(first.messages == second.messages && first.closes == second.closes)
    }

    @Test func purelyRandomBuffersAtALoggedInPortNeverTrap() {
        var random = SplitMix64(state: 99)
        var venue = OUCHTestVenue()
        venue.connectBoth()
        var requestCount = 0
        for _ in 0..<40_000 {
            if !venue.connected[0] { venue.connect(0) }
            var payload: [UInt8]
            if random.below(2) == 0 {
                // A valid type byte and length with random fields gets past the layout check.
                let type = random.below(4)
                payload = [Array("OXUM".utf8)[type]]
                payload += (1..<[49, 19, 47, 20][type]).map { _ in UInt8(truncatingIfNeeded: random.next()) }
            } else {
                payload = (0..<random.below(60)).map { _ in UInt8(truncatingIfNeeded: random.next()) }
            }
            var bytes = [UInt8((payload.count + 1) >> 8), UInt8((payload.count + 1) & 0xFF), SoupBinTCPPacketType.unsequencedData.rawValue]
            bytes += payload
            var requests: [OrderEntryRequest] = []
            var output = ConnectionOutput()
            bytes.withUnsafeBytes { venue.ports[0].received($0, nowNs: venue.nowNs, desk: &venue.desk, session: venue.sessions[0],
                                                            requests: &requests, output: &output) }
            requestCount += requests.count
            venue.deliverToClient(0, output)
            for request in requests {
                venue.reports.removeAll()
                venue.desk.handle(request, from: venue.sessions[0], engine: &venue.engine, events: &venue.engineEvents,
                                  reports: &venue.reports)
                venue.route(venue.reports)
            }
            venue.engineEvents.removeAll()
        }
        venue.checkConsistency()
        #expect(requestCount > 3_000, "random fields that decode reach the desk: \(requestCount)")
    }
}
