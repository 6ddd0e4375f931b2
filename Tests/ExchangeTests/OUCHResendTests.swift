import MatchingEngine
import Testing
import Wire
@testable import Exchange

/// An `OUCHClient` with `resendsUnanswered`: what a dead connection may have
/// swallowed goes out again at the next login, and the venue's answers by
/// token make the copies harmless.
@Suite struct OUCHResendTests {
    var venue = OUCHTestVenue(resendsUnanswered: true)

    init() {
        venue.chunking = SplitMix64(state: 0x5E4D)
        venue.connectBoth()
    }

    /// The connection goes; the client hears of it and logs in again.
    mutating func reconnect(_ index: Int) {
        venue.lostToPort[index] = false
        venue.lostToClient[index] = false
        venue.disconnect(index)
        venue.nowNs += 1_000
        venue.connect(index)
    }

    @Test mutating func requestsLostOnTheWayAreSentAgainAtTheLogin() {
        venue.send(0, OUCHTestVenue.limit("A1", .buy, price: 1_890_000, quantity: 300))
        #expect(venue.clients[0].unansweredRequestCount == 0, "answered")
        // The connection dies silently: the client keeps writing.
        venue.lostToPort[0] = true
        venue.send(0, OUCHTestVenue.limit("B1", .sell, price: 1_910_000, quantity: 200))
        venue.send(0, .cancel(target: clientID("A1"), requestID: nil, newOpenQuantity: 100))
        venue.send(0, .replace(target: clientID("B1"), replacementID: clientID("B2"), price: Price(1_920_000),
                               quantity: Quantity(200), quantityIncludesExecuted: false))
        #expect(venue.clients[0].unansweredRequestCount == 3)
        #expect(venue.desk.openOrderCount == 1, "only A1 reached the venue")
        venue.clearCapture()
        reconnect(0)
        // The same three requests, in the order first sent, before anything new.
        let resent = venue.sent[0]
        #expect(resent.count == 3)
        if case .enterOrder(let enter) = resent.first { #expect(enter.token == OUCHToken("B1")!) } else { Issue.record("\(resent)") }
        if case .cancelOrder(let cancel) = resent.dropFirst().first { #expect(cancel.token == OUCHToken("A1")! && cancel.shares == 100) }
        else { Issue.record("\(resent)") }
        if case .replaceOrder(let replace) = resent.last { #expect(replace.replacementToken == OUCHToken("B2")!) } else { Issue.record("\(resent)") }
        #expect(venue.clients[0].requestsResent == 3)
        #expect(venue.clients[0].unansweredRequestCount == 0, "each answered")
        #expect(venue.events[0].contains(.accepted(clientID("B1"), order: OrderID(2), openQuantity: 200)))
        #expect(venue.events[0].contains(.cancelled(clientID("A1"), openQuantity: 100)))
        #expect(venue.events[0].contains { if case .replaced(clientID("B2"), previous: clientID("B1"), _) = $0 { true } else { false } })
        #expect(venue.engine.openQuantity(of: OrderID(1)) == 100)
        venue.checkConsistency()
    }

    @Test mutating func aCopyOfARequestThatArrivedChangesNothing() {
        venue.send(0, OUCHTestVenue.limit("L1", .buy, price: 1_890_000, quantity: 300))
        // Requests reach the venue, but its answers are lost on the way back.
        venue.lostToClient[0] = true
        venue.send(0, OUCHTestVenue.limit("L2", .buy, price: 1_880_000, quantity: 100))
        venue.send(0, OUCHTestVenue.limit("I1", .buy, price: 1_800_000, quantity: 100, tif: .immediateOrCancel))
        venue.send(0, .cancel(target: clientID("L1"), requestID: nil, newOpenQuantity: 0))
        #expect(venue.clients[0].unansweredRequestCount == 3)
        let opened = venue.desk.openOrderCount
        venue.clearCapture()
        reconnect(0)
        // Sent again, and answered by the replay of what the client missed:
        // L2 accepted, I1 accepted and cancelled, L1 cancelled.
        #expect(venue.clients[0].requestsResent == 3)
        #expect(venue.clients[0].unansweredRequestCount == 0)
        #expect(venue.desk.openOrderCount == opened, "no copy opened an order")
        #expect(venue.engine.openQuantity(of: OrderID(2)) == 100, "L2 rests once")
        // The copies' own answers: I1's Rejected (a finished order's token),
        // L1's Cancel Reject (gone); the client passes neither on.
        #expect(venue.wire[0].contains { if case .rejected(let r) = $0 { r.token == OUCHToken("I1")! } else { false } })
        #expect(venue.wire[0].contains(venue.cancelReject("L1")))
        #expect(!venue.events[0].contains(.rejected(clientID("I1"))))
        #expect(!venue.events[0].contains(.cancelRejected(clientID("L1"))))
        #expect(venue.events[0].filter { if case .accepted(clientID("L2"), _, _) = $0 { true } else { false } }.count == 1)
        venue.checkConsistency()
    }

    /// Only a Canceled the client asked for (reason `U`) answers its
    /// Cancel Order: an IOC's remainder or a self-trade decrement on the
    /// same token leaves the cancel awaiting its own answer.
    @Test mutating func anUnsolicitedCanceledDoesNotAnswerACancel() {
        venue.send(0, OUCHTestVenue.limit("A1", .buy, price: 1_890_000, quantity: 300))
        venue.lostToPort[0] = true
        venue.send(0, .cancel(target: clientID("A1"), requestID: nil, newOpenQuantity: 0))
        var events: [OrderEntryClientEvent] = []
        let selfTrade = OUCHCanceled(timestampNs: 0, token: OUCHToken("A1")!, decrementShares: 100, reason: UInt8(ascii: "Q"))
        venue.clients[0].apply(.canceled(selfTrade), events: &events)
        #expect(venue.clients[0].unansweredRequestCount == 1, "the cancel still awaits its answer")
        let requested = OUCHCanceled(timestampNs: 0, token: OUCHToken("A1")!, decrementShares: 200, reason: UInt8(ascii: "U"))
        venue.clients[0].apply(.canceled(requested), events: &events)
        #expect(venue.clients[0].unansweredRequestCount == 0)
    }

    /// Two cancels of one order lost together: two copies go out, each
    /// answered, and nothing is left awaiting.
    @Test mutating func twoLostCancelsOfAnOrderAreBothSentAgain() {
        venue.send(0, OUCHTestVenue.limit("A1", .buy, price: 1_890_000, quantity: 300))
        venue.lostToPort[0] = true
        venue.send(0, .cancel(target: clientID("A1"), requestID: nil, newOpenQuantity: 200))
        venue.send(0, .cancel(target: clientID("A1"), requestID: nil, newOpenQuantity: 100))
        #expect(venue.clients[0].unansweredRequestCount == 2)
        venue.clearCapture()
        reconnect(0)
        #expect(venue.clients[0].requestsResent == 2)
        #expect(venue.sent[0].count == 2)
        #expect(venue.clients[0].unansweredRequestCount == 0)
        #expect(venue.engine.openQuantity(of: OrderID(1)) == 100)
    }

    @Test mutating func aClientWithoutResendsForgetsWhatWasLost() {
        var plain = OUCHTestVenue()
        plain.connectBoth()
        plain.lostToPort[0] = true
        plain.send(0, OUCHTestVenue.limit("B1", .sell, price: 1_910_000, quantity: 200))
        #expect(plain.clients[0].unansweredRequestCount == 0, "nothing kept")
        plain.clearCapture()
        plain.lostToPort[0] = false
        plain.disconnect(0)
        plain.connect(0)
        #expect(plain.sent[0].isEmpty && plain.desk.openOrderCount == 0)
    }
}
