import Testing
import MatchingEngine

@Suite struct OrderTypeTests {
    @Test func limitOrdersMatchInPriceThenTimePriority() {
        var venue = Venue()
        let first = venue.order(1, .sell, 100, at: 10_100)
        let second = venue.order(2, .sell, 100, at: 10_100)
        let better = venue.order(3, .sell, 100, at: 10_000)
        venue.order(4, .buy, 250, at: 10_100)
        #expect(venue.executions.map(\.resting) == [better, first, second])
        #expect(venue.executions.map(\.price.rawValue) == [10_000, 10_100, 10_100])
        #expect(venue.executions.map(\.quantity.rawValue) == [100, 100, 50])
        #expect(venue.open(second) == 50)
        #expect(venue.executions.map(\.matchID) == [1, 2, 3])
        #expect(venue.engine.checkInvariants().isEmpty)
    }

    @Test func limitRemainderRests() {
        var venue = Venue()
        venue.order(1, .sell, 100, at: 10_000)
        let buy = venue.order(2, .buy, 300, at: 10_000)
        #expect(venue.open(buy) == 200)
        #expect(venue.engine.bestBid(SymbolIndex(0)) == Price(10_000))
        #expect(venue.engine.bestAsk(SymbolIndex(0)) == nil)
    }

    @Test func marketOrderTakesWhatThereIsAndCancelsTheRest() {
        var venue = Venue()
        venue.order(1, .sell, 100, at: 10_000)
        venue.order(1, .sell, 100, at: 10_500)
        let market = venue.order(2, .buy, 500, type: .market)
        #expect(venue.executions.map(\.quantity.rawValue) == [100, 100])
        #expect(venue.cancels.map(\.1) == [300])
        #expect(venue.cancels.map(\.2) == [.noLiquidity])
        #expect(venue.open(market) == nil)
    }

    @Test func immediateOrCancelNeverRests() {
        var venue = Venue()
        venue.order(1, .sell, 100, at: 10_000)
        let ioc = venue.order(2, .buy, 300, at: 10_000, tif: .immediateOrCancel)
        #expect(venue.executions.count == 1)
        #expect(venue.cancels.map(\.2) == [.immediateOrCancel])
        #expect(venue.open(ioc) == nil)
        #expect(venue.engine.bestBid(SymbolIndex(0)) == nil)
    }

    @Test func fillOrKillIsAllOrNothing() {
        var venue = Venue()
        venue.order(1, .sell, 100, at: 10_000)
        venue.order(1, .sell, 100, at: 10_100)
        venue.order(2, .buy, 300, at: 10_100, tif: .fillOrKill)
        #expect(venue.rejectReason == .fillOrKillNotFillable)
        #expect(venue.executions.isEmpty)
        venue.order(2, .buy, 200, at: 10_100, tif: .fillOrKill)
        #expect(venue.executions.map(\.quantity.rawValue) == [100, 100])
    }

    @Test func postOnlyIsRejectedIfItWouldTake() {
        var venue = Venue()
        venue.order(1, .sell, 100, at: 10_000)
        venue.order(2, .buy, 100, at: 10_000, postOnly: true)
        #expect(venue.rejectReason == .postOnlyWouldTake)
        let passive = venue.order(2, .buy, 100, at: 9_900, postOnly: true)
        #expect(venue.open(passive) == 100)
    }

    @Test func badInstructionsCarryAReason() {
        var venue = Venue()
        venue.order(1, .buy, 0, at: 10_000)
        #expect(venue.rejectReason == .invalidQuantity)
        venue.order(1, .buy, 100, at: 10_050)
        #expect(venue.rejectReason == .priceNotOnTick)
        venue.order(1, .buy, 100, at: -100)
        #expect(venue.rejectReason == .invalidPrice)
        let resting = venue.order(1, .buy, 100, at: 9_000)
        venue.cancel(resting, by: 2)
        #expect(venue.rejectReason == .notOrderOwner)
        venue.cancel(OrderID(999), by: 1)
        #expect(venue.rejectReason == .unknownOrder)
    }

    @Test func reservedOrderIDsAreUnknownUntilAssigned() {
        var venue = Venue()
        let first = venue.order(1, .buy, 100, at: 9_000)
        venue.engine.reserveCapacity(orders: 1_000)
        venue.cancel(OrderID(first.rawValue + 1), by: 1)
        #expect(venue.rejectReason == .unknownOrder, "a reserved id names no order")
        let second = venue.order(2, .sell, 100, at: 9_000)
        #expect(second.rawValue == first.rawValue + 1)
        #expect(venue.executions.count == 1)
        let third = venue.order(1, .buy, 100, at: 8_900)
        venue.cancel(third, by: 1)
        #expect(venue.cancels.map(\.0) == [third])
        #expect(venue.engine.checkInvariants().isEmpty)
    }

    @Test func dayOrdersExpireAtTheCloseAndGoodTillCancelSurvives() {
        var venue = Venue()
        let day = venue.order(1, .buy, 100, at: 9_000, tif: .day)
        let gtc = venue.order(1, .buy, 100, at: 9_100, tif: .goodTillCancel)
        venue.phase(.closed)
        #expect(venue.cancels.map(\.0) == [day])
        #expect(venue.cancels.map(\.2) == [.endOfDay])
        #expect(venue.open(gtc) == 100)
        venue.order(1, .buy, 100, at: 9_000)
        #expect(venue.rejectReason == .marketClosed)
    }
}

@Suite struct CancelAndReplaceTests {
    @Test func cancelRemovesAllOpenQuantity() {
        var venue = Venue()
        let id = venue.order(1, .buy, 300, at: 9_000)
        venue.cancel(id, by: 1)
        #expect(venue.cancels.map(\.1) == [300])
        #expect(venue.open(id) == nil)
        #expect(venue.engine.bestBid(SymbolIndex(0)) == nil)
    }

    @Test func reduceKeepsPriority() {
        var venue = Venue()
        let first = venue.order(1, .sell, 300, at: 10_000)
        venue.order(2, .sell, 300, at: 10_000)
        venue.reduce(first, by: 200, participant: 1)
        #expect(venue.open(first) == 100)
        venue.order(3, .buy, 100, at: 10_000)
        #expect(venue.executions.map(\.resting) == [first])
        venue.reduce(OrderID(2), by: 400, participant: 2)
        #expect(venue.rejectReason == .reduceExceedsOpenQuantity)
    }

    @Test func replaceWithSmallerQuantityKeepsPriority() {
        var venue = Venue()
        let first = venue.order(1, .sell, 300, at: 10_000)
        venue.order(2, .sell, 300, at: 10_000)
        venue.replace(first, price: 10_000, quantity: 100, by: 1)
        #expect(venue.events.contains(.replaced(first, symbol: SymbolIndex(0), price: Price(10_000), quantity: Quantity(100), keptPriority: true)))
        venue.order(3, .buy, 100, at: 10_000)
        #expect(venue.executions.map(\.resting) == [first])
    }

    @Test func replaceWithLargerQuantityLosesPriority() {
        var venue = Venue()
        let first = venue.order(1, .sell, 100, at: 10_000)
        let second = venue.order(2, .sell, 100, at: 10_000)
        venue.replace(first, price: 10_000, quantity: 200, by: 1)
        #expect(venue.events.contains(.replaced(first, symbol: SymbolIndex(0), price: Price(10_000), quantity: Quantity(200), keptPriority: false)))
        venue.order(3, .buy, 100, at: 10_000)
        #expect(venue.executions.map(\.resting) == [second])
    }

    @Test func replaceWithNewPriceLosesPriorityAndMayTrade() {
        var venue = Venue()
        let first = venue.order(1, .sell, 100, at: 10_100)
        let second = venue.order(2, .sell, 100, at: 10_000)
        venue.replace(first, price: 10_000, quantity: 100, by: 1)
        venue.order(3, .buy, 100, at: 10_000)
        #expect(venue.executions.map(\.resting) == [second])
        let buy = venue.order(4, .buy, 100, at: 9_000)
        venue.replace(buy, price: 10_000, quantity: 100, by: 4)
        #expect(venue.executions.map(\.resting) == [first])
        #expect(venue.executions.map(\.aggressor) == [buy])
    }

    @Test func replaceThatChangesNothingIsRejected() {
        var venue = Venue()
        let id = venue.order(1, .sell, 100, at: 10_100)
        venue.replace(id, price: 10_100, quantity: 100, by: 1)
        #expect(venue.rejectReason == .replaceWouldNotChange)
    }
}

@Suite struct SelfTradePreventionTests {
    func venue(_ mode: SelfTradePrevention) -> (Venue, OrderID) {
        var venue = Venue()
        venue.engine.setSelfTradePrevention(mode, for: ParticipantID(1))
        let resting = venue.order(1, .sell, 100, at: 10_000)
        venue.order(2, .sell, 100, at: 10_000)
        return (venue, resting)
    }

    @Test func cancelNewestCancelsTheIncomingOrder() {
        var (venue, resting) = venue(.cancelNewest)
        let incoming = venue.order(1, .buy, 150, at: 10_000)
        #expect(venue.executions.isEmpty)
        #expect(venue.cancels.map(\.0) == [incoming])
        #expect(venue.cancels.map(\.2) == [.selfTradePrevention])
        #expect(venue.open(resting) == 100)
    }

    @Test func cancelOldestCancelsTheRestingOrderAndMatchesOn() {
        var (venue, resting) = venue(.cancelOldest)
        let incoming = venue.order(1, .buy, 150, at: 10_000)
        #expect(venue.cancels.map(\.0) == [resting])
        #expect(venue.executions.map(\.quantity.rawValue) == [100])
        #expect(venue.open(incoming) == 50)
    }

    @Test func cancelBothCancelsBoth() {
        var (venue, resting) = venue(.cancelBoth)
        let incoming = venue.order(1, .buy, 150, at: 10_000)
        #expect(venue.cancels.map(\.0) == [resting, incoming])
        #expect(venue.executions.isEmpty)
    }

    @Test func decrementAndCancelReducesBothBySmaller() {
        var (venue, resting) = venue(.decrementAndCancel)
        let incoming = venue.order(1, .buy, 150, at: 10_000)
        #expect(venue.cancels.map(\.0) == [resting, incoming])
        #expect(venue.cancels.map(\.1) == [100, 100])
        #expect(venue.executions.map(\.quantity.rawValue) == [50])
        #expect(venue.open(incoming) == nil)
        #expect(venue.engine.checkInvariants().isEmpty)
    }

    @Test func otherParticipantsStillTrade() {
        var (venue, _) = venue(.cancelNewest)
        venue.order(3, .buy, 100, at: 10_000)
        #expect(venue.executions.count == 1)
    }
}

@Suite struct PhaseAndAuctionTests {
    @Test func haltedBookAcceptsLimitsWithoutMatchingAndRefusesImmediateOrders() {
        var venue = Venue()
        venue.phase(.halted)
        venue.order(1, .sell, 100, at: 10_000)
        venue.order(2, .buy, 100, at: 10_200)
        #expect(venue.executions.isEmpty)
        venue.order(2, .buy, 100, type: .market)
        #expect(venue.rejectReason == .marketOrderNotAllowedInPhase)
        venue.order(2, .buy, 100, at: 10_200, tif: .immediateOrCancel)
        #expect(venue.rejectReason == .immediateOrderNotAllowedInPhase)
    }

    @Test func reopeningAuctionUncrossesAtTheMaximumVolumePrice() {
        var venue = Venue()
        venue.phase(.halted)
        // Buys: 300 @ 10,200, 200 @ 10,100. Sells: 200 @ 10,000, 200 @ 10,100, 300 @ 10,300.
        venue.order(1, .buy, 300, at: 10_200)
        venue.order(2, .buy, 200, at: 10_100)
        venue.order(3, .sell, 200, at: 10_000)
        venue.order(4, .sell, 200, at: 10_100)
        venue.order(5, .sell, 300, at: 10_300)
        venue.phase(.continuous)
        // At 10,100: buy 500, sell 400 → 400 executes; at 10,000: 200; at 10,200: 300.
        #expect(Set(venue.executions.map(\.price.rawValue)) == [10_100])
        #expect(venue.executions.reduce(0) { $0 + $1.quantity.rawValue } == 400)
        #expect(venue.engine.checkInvariants().isEmpty)
        #expect(venue.engine.bestBid(SymbolIndex(0)) == Price(10_100))
        #expect(venue.engine.bestAsk(SymbolIndex(0)) == Price(10_300))
    }

    @Test func auctionTieOnVolumeGoesToTheMinimumSurplus() {
        var venue = Venue()
        venue.phase(.halted)
        // Buys: 100 @ 10,300, 100 @ 10,000. Sells: 100 @ 9,900.
        // 9,900..10,000 → volume 100, surplus 100 (buy 200 vs sell 100); 10,100..10,300 → volume 100, surplus 0.
        venue.order(1, .buy, 100, at: 10_300)
        venue.order(2, .buy, 100, at: 10_000)
        venue.order(3, .sell, 100, at: 9_900)
        venue.phase(.continuous)
        #expect(venue.executions.map(\.price.rawValue) == [10_300])
    }

    @Test func auctionTieOnSurplusGoesNearestTheLastPrice() {
        var venue = Venue()
        venue.phase(.halted)
        // Buy 100 @ 10,500, sell 100 @ 9,500: every price between executes 100 with surplus 0;
        // the candidates are 9,500 and 10,500, and the reference price 10,000 is equidistant → the lower.
        venue.order(1, .buy, 100, at: 10_500)
        venue.order(2, .sell, 100, at: 9_500)
        venue.phase(.continuous)
        #expect(venue.executions.map(\.price.rawValue) == [9_500])

        var other = Venue()
        other.phase(.halted)
        other.order(1, .buy, 100, at: 10_200)
        other.order(2, .sell, 100, at: 9_000)
        other.phase(.continuous)
        #expect(other.executions.map(\.price.rawValue) == [10_200], "10,200 is nearer the reference 10,000 than 9,000")
    }
}
