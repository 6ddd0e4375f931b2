import MatchingEngine
import Wire

/// The venue side of one OUCH 4.2 order-entry account over SoupBinTCP 3.00:
/// client bytes in, protocol-neutral `OrderEntryRequest`s out; the desk's
/// `OrderEntryReport`s in, OUCH Sequenced Data out. Sans-I/O: the driver
/// carries out the `ConnectionOutput` (bytes, one timer, close).
///
/// The gateway hands every request `received` returns to
/// `OrderEntryDesk.handle`, in order, and every report the desk addresses to
/// this session to `send`, in order; the port relies on that to pair a
/// cancel's answer with the Cancel or Modify that asked for it. The port
/// keeps no table of orders: the fields an Accepted or Replaced echoes travel
/// with the order (`OrderEntryEcho`), and whether a token names a live order
/// is the desk's to answer (`OrderEntryDesk.openOrder`), or, for an Enter
/// Order not yet handed over, the pending requests'.
///
/// ## Inbound OUCH → requests
///
/// | OUCH | request | notes |
/// |---|---|---|
/// | Enter Order `O` | `.new` | token → `ClientOrderID` (14 bytes, trailing spaces trimmed); side `B` → buy, `S`/`T`/`E` → sell |
/// | — Shares | quantity | above `maximumShares` (1,000,000) → Rejected `Z` at once |
/// | — Stock | directory | unknown → Rejected `S` at once, the desk never sees it |
/// | — Price | price | `0x7FFFFFFF` → a market order (Nasdaq's market sentinel, printed "Market" by Wireshark); any other value is a limit price in the engine's units (both are 1/10,000) |
/// | — Time in Force | | `0` → immediate-or-cancel; `99998`, `99999` and any number of seconds → day: the engine has no timed expiry, and every order leaves at the close anyway |
/// | — Minimum Quantity | | `0` → none; equal to Shares with TIF `0` → fill-or-kill; anything else → Rejected `N`, because a minimum the venue cannot honour must not be dropped silently |
/// | — Display | | `P` → post-only; every other value is a displayed limit order (the engine has no hidden or pegged orders) |
/// | — Cross Type | | `N` only; an auction-only order (`O`, `C`, `H`, `S`, `R`, ...) → Rejected `R`, as the venue runs no separate crosses |
/// | — Firm, Capacity, ISO | | not interpreted; echoed in Accepted and Replaced (Customer Type is read and dropped: neither carries it) |
/// | Cancel Order `X` | `.cancel(newOpenQuantity: shares)` | `0` cancels all; a size at or above the open quantity gets Cancel Reject `I` |
/// | Replace Order `U` | `.replace(quantity: shares, quantityIncludesExecuted: false)` | only price and shares are applied; the order keeps the time in force, display and minimum it was entered with, and Replaced reports those. A market price → Rejected `X`, shares above `maximumShares` → `Z`, both on the replacement token |
/// | Modify Order `M` | `.cancel(newOpenQuantity: shares)` | only a reduction on the same side; a side change → Cancel Reject `I` at once, a size at or above the open quantity → `I` from the desk. Success is answered with Order Modified `M` (shares = what is left), not Canceled, as OUCH 4.2 does |
///
/// ## Reports → outbound OUCH (timestamps: `nowNs + startOfDayOffsetNs`, ns since midnight)
///
/// | report | OUCH |
/// |---|---|
/// | `.accepted` | Accepted `A`: Order Reference Number = engine `OrderID`; Order State `L`, or `D` when already done; BBO Weight Indicator space; other fields echo the Enter Order |
/// | `.rejected` | Rejected `J` with the reason below |
/// | `.executed` | Executed `E`: Match Number = the engine's match id; Liquidity Flag `A` added, `R` removed, `O` auction (the engine's only auctions are the uncrossings it runs when a book opens or reopens for continuous trading; it never runs a closing cross, so `C` would be wrong) |
/// | `.cancelled` | Canceled `C` with Decrement Shares and the reason below (Order Modified `M` when a Modify asked) |
/// | `.replaced` | Replaced `U`: Previous Order Token = the id before the replace; the Order Reference Number stays the engine's id, which a replace keeps |
/// | `.cancelRejected` of a cancel | Cancel Reject `I` on the target token |
/// | `.cancelRejected` of a replace | Rejected `J` on the replacement token, as OUCH 4.2 answers a failed replace; Cancel Reject `I` on the existing token instead when the replacement token names a live order |
///
/// Rejected reasons (OUCH 4.2 has no code for several engine reasons; the
/// closest one is used, `O` "Other" where none is close):
///
/// | reason | code | why |
/// |---|---|---|
/// | unknown symbol (port or engine) | `S` | Invalid Stock |
/// | market closed | `C` | Exchange Closed |
/// | market or IOC/FOK order while halted | `H` | Halted |
/// | invalid price, price not on tick | `X` | Invalid Price |
/// | invalid quantity, reduce beyond open quantity | `Z` | Shares (the quantity is unacceptable) |
/// | fill-or-kill not fillable | `N` | Minimum Quantity: FOK is entered as a minimum equal to shares, and that minimum cannot be met |
/// | post-only would take | `O` | none fits: `D` would read as a malformed Display byte, `W` is for mid-point orders |
/// | duplicate token, unknown token, unknown order, not the owner, replace that changes nothing, over the session's rate limit | `O` | Other |
///
/// A Rejected naming the token of a live order is never sent, since a client
/// would take it for the death of that order: a duplicate Enter Order of a
/// live token is ignored, as Nasdaq ignores duplicate tokens; a duplicate of a
/// finished order's token gets Rejected `O`.
///
/// Canceled reasons:
///
/// | `CancelReason` | code | why |
/// |---|---|---|
/// | requested | `U` | User requested |
/// | immediateOrCancel | `I` | Immediate or Cancel |
/// | noLiquidity | `I` | a market order is immediate-only at this venue; its remainder leaves for the same reason as an IOC's |
/// | selfTradePrevention | `Q` | Self-match prevention |
/// | endOfDay | `T` | Timeout: the order's time in force (market hours) expired |
///
/// ## Faults
///
/// - A bad login gets Login Rejected and a close (the SoupBinTCP session's
///   answer); framing errors, unknown SoupBinTCP packets and data before login
///   close the connection.
/// - An Unsequenced Data packet that is not one well-formed OUCH 4.2 inbound
///   message (unknown type, wrong length, bad Side byte) closes the connection
///   with the decoding error as the reason and without End of Session, as
///   Nasdaq ends sessions on protocol violations: acting on a misread order is
///   worse than a reconnect, and the account's sequenced stream is kept for
///   the client's next login. Requests decoded before it in the same chunk
///   stand; the rest of the chunk is discarded. The engine and other sessions
///   are untouched.
public struct OUCHPort {
    /// 09:30:00, the regular market open, in nanoseconds since midnight.
    public static let defaultStartOfDayOffsetNs: Int64 = 34_200_000_000_000
    /// Orders and replaces for more shares are rejected with `Z`, OUCH's
    /// "Shares exceeds configured safety threshold"; it also keeps price ×
    /// shares sums far inside Int64.
    public static let maximumShares: UInt32 = 1_000_000
    /// The largest client packet accepted: every OUCH inbound message and
    /// login is under 50 bytes; the margin admits Debug packets.
    public static let maximumClientPacketLength = 1_024
    /// Bound on cancels and modifies awaiting their report; beyond it the
    /// oldest is forgotten (its answer would then be Canceled, not Order
    /// Modified). Only a gateway that drops requests could reach it.
    public static let maximumPendingCancels = 65_536

    /// The fields an Accepted or Replaced echoes back from the Enter Order.
    /// Cross Type is not kept: only `N` gets past the port.
    struct OrderEcho: Equatable {
        var side: OUCHSide
        var timeInForce: OUCHTimeInForce
        var firm: Alpha4
        var display: UInt8
        var capacity: UInt8
        var intermarketSweepEligibility: UInt8
        var minimumQuantity: UInt32
        var crossType: UInt8 { 0x4E }

        init(side: OUCHSide, timeInForce: OUCHTimeInForce, firm: Alpha4, display: UInt8, capacity: UInt8,
             intermarketSweepEligibility: UInt8, minimumQuantity: UInt32) {
            self.side = side
            self.timeInForce = timeInForce
            self.firm = firm
            self.display = display
            self.capacity = capacity
            self.intermarketSweepEligibility = intermarketSweepEligibility
            self.minimumQuantity = minimumQuantity
        }

        /// nil for an echo no OUCH port packed (all zero: no side byte).
        init?(packed: OrderEntryEcho) {
            guard let side = OUCHSide(rawValue: UInt8(truncatingIfNeeded: packed.word1 >> 32)) else { return nil }
            self.side = side
            timeInForce = OUCHTimeInForce(rawValue: UInt32(truncatingIfNeeded: packed.word0))
            firm = Alpha4(rawValue: UInt32(truncatingIfNeeded: packed.word0 >> 32))
            minimumQuantity = UInt32(truncatingIfNeeded: packed.word1)
            display = UInt8(truncatingIfNeeded: packed.word1 >> 40)
            capacity = UInt8(truncatingIfNeeded: packed.word1 >> 48)
            intermarketSweepEligibility = UInt8(truncatingIfNeeded: packed.word1 >> 56)
        }

        var packed: OrderEntryEcho {
            OrderEntryEcho(
                word0: UInt64(timeInForce.rawValue) | UInt64(firm.rawValue) << 32,
                word1: UInt64(minimumQuantity) | UInt64(side.rawValue) << 32 | UInt64(display) << 40
                    | UInt64(capacity) << 48 | UInt64(intermarketSweepEligibility) << 56)
        }
    }

    /// A Cancel Order or Modify Order handed to the desk, awaiting its report.
    struct PendingCancel {
        var target: ClientOrderID
        /// The Modify's side, or nil for a Cancel Order.
        var modifySide: OUCHSide?
    }

    public let directory: SymbolDirectory
    public let startOfDayOffsetNs: Int64
    var session: SoupBinTCPServerSession
    var framer = SoupBinTCPFrameDecoder(maximumPacketLength: OUCHPort.maximumClientPacketLength)
    var pendingCancels: [PendingCancel] = []
    /// Whole SoupBinTCP packets received from the client (monitoring).
    public private(set) var packetsReceived: UInt64 = 0
    /// Reused action lists: one for packets from the client, one for sends.
    var packetActions: [SoupBinTCPServerSession.Action] = []
    var sendActions: [SoupBinTCPServerSession.Action] = []

    /// `startOfDayOffsetNs` is added to `nowNs` for OUCH timestamps, which
    /// count nanoseconds since midnight.
    public init(
        directory: SymbolDirectory, session: SoupBinTCPServerSession.Configuration,
        startOfDayOffsetNs: Int64 = OUCHPort.defaultStartOfDayOffsetNs
    ) {
        self.directory = directory
        self.session = SoupBinTCPServerSession(configuration: session)
        self.startOfDayOffsetNs = startOfDayOffsetNs
    }

    /// Whether a client is logged in on the current connection.
    public var isLoggedIn: Bool { session.isLoggedIn }
    /// Sequenced messages the port has numbered for its client, over every
    /// session it has run.
    public var messagesNumbered: UInt64 { numberedInEarlierSessions + session.nextSequenceNumber - 1 }
    /// Sequenced messages of the sessions before the current one.
    var numberedInEarlierSessions: UInt64 = 0
    /// Sessions started since the first (`startNewSession`).
    public private(set) var sessionRestarts = 0
    /// The name of the account's current SoupBinTCP session.
    public var sessionName: SoupBinTCPSessionName { session.configuration.session }

    // MARK: Connection

    /// A client connected: the port waits for its Login Request.
    public mutating func connectionOpened(nowNs: Int64, output: inout ConnectionOutput) {
        framer = SoupBinTCPFrameDecoder(maximumPacketLength: Self.maximumClientPacketLength)
        session.connectionOpened(nowNs: nowNs, actions: &sendActions)
        emitSendActions(output: &output)
    }

    /// The connection went away, closed by either side. The account's
    /// sequenced messages stay for the next login, which may follow
    /// `connectionOpened` on a new connection.
    public mutating func connectionClosed() {
        session.connectionClosed()
        framer = SoupBinTCPFrameDecoder(maximumPacketLength: Self.maximumClientPacketLength)
    }

    /// The port lost its session state (its gateway restarted without it):
    /// the account starts a new SoupBinTCP session under a new name, from
    /// sequence number 1, with nothing stored. The orders stay with the
    /// desk. A client that logs in to the old session is refused with 'S'
    /// and joins the new one (`SoupBinTCPClientSession`).
    /// - Precondition: the connection is closed.
    public mutating func startNewSession() {
        numberedInEarlierSessions = messagesNumbered
        sessionRestarts += 1
        session.startNewSession(named: Self.sessionName(session.configuration.session, restart: sessionRestarts))
        framer = SoupBinTCPFrameDecoder(maximumPacketLength: Self.maximumClientPacketLength)
        pendingCancels.removeAll()
    }

    /// The name of the `restart`-th session after `name`'s: its first
    /// bytes, a dash and the number, in the 10 bytes a name has ("XGW" →
    /// "XGW-1"). Never the name before it.
    static func sessionName(_ name: SoupBinTCPSessionName, restart: Int) -> SoupBinTCPSessionName {
        let base = name.trimmed.split(separator: "-").first.map(String.init) ?? ""
        var number = restart
        while true {
            let suffix = "-\(number)"
            if let next = SoupBinTCPSessionName(String(base.prefix(SoupBinTCPSessionName.byteCount - suffix.count)) + suffix),
               next != name {
                return next
            }
            number += 1
        }
    }

    /// Bytes from the client in any chunking. Requests decoded from OUCH messages are appended in order.
    /// `desk` is the desk this port's orders go to, as desk session
    /// `deskSession`; `requests` must hold exactly the requests not yet
    /// handed to it (entered tokens awaiting their answer count as tracked).
    /// The port only reads `desk`: it is `inout` so that the packet handler
    /// reads it in place, as a closure that captured it by value retained
    /// and released its buffers on every call.
    /// - Complexity: O(bytes), plus O(1) per message.
    public mutating func received(
        _ bytes: UnsafeRawBufferPointer, nowNs: Int64, desk: inout OrderEntryDesk, session deskSession: Int32,
        requests: inout [OrderEntryRequest], output: inout ConnectionOutput
    ) {
        // The packet handler mutates the port, so the framer steps out of it while it runs.
        var framer = self.framer
        self.framer = SoupBinTCPFrameDecoder(maximumPacketLength: 1)
        defer { self.framer = framer }
        do throws(SoupBinTCPFramingError) {
            try framer.decode(bytes) { packet in
                handle(packet, nowNs: nowNs, desk: &desk, deskSession: deskSession, requests: &requests, output: &output)
                    ? .continueDecoding : .stopDecoding
            }
        } catch {
            session.framingFailed(error, actions: &sendActions)
            emitSendActions(output: &output)
        }
    }

    /// Encodes one desk report addressed to this session as OUCH outbound
    /// Sequenced Data. `desk` is the desk that made it, which this port's
    /// orders reach as desk session `deskSession`.
    /// - Complexity: O(1) amortized.
    public mutating func send(
        _ report: OrderEntryReport, nowNs: Int64, desk: OrderEntryDesk, deskSession: Int32, output: inout ConnectionOutput
    ) {
        let timestampNs = timestamp(nowNs)
        switch report {
        case .accepted(let state):
            let echo = Self.echo(of: state)
            sendSequenced(.accepted(OUCHAccepted(
                timestampNs: timestampNs, token: state.clientID.ouchToken, side: echo.side,
                shares: UInt32(clamping: state.orderQuantity.rawValue), stock: directory.name(of: state.symbol),
                price: OUCHConvention.price(state.price, type: state.type), timeInForce: echo.timeInForce,
                firm: echo.firm, display: echo.display, orderReferenceNumber: state.order.rawValue,
                capacity: echo.capacity, intermarketSweepEligibility: echo.intermarketSweepEligibility,
                minimumQuantity: echo.minimumQuantity, crossType: echo.crossType,
                orderState: Self.orderState(state), bboWeightIndicator: 0x20)), nowNs: nowNs, output: &output)

        case .rejected(let request, _, let reason):
            // Never a Rejected naming a live order's token (see the type's notes).
            if desk.openOrder(session: deskSession, clientID: request.clientID) == nil {
                reject(request.clientID.ouchToken, reason: Self.rejectCode(reason), nowNs: nowNs, output: &output)
            }

        case .executed(let state, let quantity, let price, let matchID, let liquidity):
            sendSequenced(.executed(OUCHExecuted(
                timestampNs: timestampNs, token: state.clientID.ouchToken, executedShares: UInt32(clamping: quantity.rawValue),
                executionPrice: UInt32(clamping: price.rawValue), liquidityFlag: Self.liquidityFlag(liquidity),
                matchNumber: matchID)), nowNs: nowNs, output: &output)

        case .cancelled(let state, let decrement, let reason, _):
            let modifySide = reason == .requested ? takePendingCancel(state.clientID)?.modifySide : nil
            if let modifySide {
                sendSequenced(.orderModified(OUCHOrderModified(
                    timestampNs: timestampNs, token: state.clientID.ouchToken, side: modifySide,
                    shares: UInt32(clamping: state.openQuantity.rawValue))), nowNs: nowNs, output: &output)
            } else {
                sendSequenced(.canceled(OUCHCanceled(
                    timestampNs: timestampNs, token: state.clientID.ouchToken,
                    decrementShares: UInt32(clamping: decrement.rawValue), reason: Self.cancelCode(reason))),
                              nowNs: nowNs, output: &output)
            }

        case .replaced(let state, let previous):
            let echo = Self.echo(of: state)
            sendSequenced(.replaced(OUCHReplaced(
                timestampNs: timestampNs, replacementToken: state.clientID.ouchToken, side: echo.side,
                shares: UInt32(clamping: state.openQuantity.rawValue), stock: directory.name(of: state.symbol),
                price: OUCHConvention.price(state.price, type: state.type), timeInForce: echo.timeInForce,
                firm: echo.firm, display: echo.display, orderReferenceNumber: state.order.rawValue,
                capacity: echo.capacity, intermarketSweepEligibility: echo.intermarketSweepEligibility,
                minimumQuantity: echo.minimumQuantity, crossType: echo.crossType,
                orderState: Self.orderState(state), previousToken: previous.ouchToken, bboWeightIndicator: 0x20)),
                          nowNs: nowNs, output: &output)

        case .cancelRejected(let target, let requestID, let isReplace, _, let reason):
            if isReplace, let replacement = requestID {
                rejectReplace(existing: target.ouchToken, replacement: replacement.ouchToken,
                              replacementIsLive: desk.openOrder(session: deskSession, clientID: replacement) != nil,
                              reason: Self.rejectCode(reason), nowNs: nowNs, output: &output)
            } else {
                if !isReplace { _ = takePendingCancel(target) }
                cancelReject(target.ouchToken, nowNs: nowNs, output: &output)
            }

        case .status:
            // Answers a request marked as sent again, which OUCH cannot mark.
            preconditionFailure("an order status report for an OUCH session")
        }
    }

    /// The armed timer expired: heartbeats and idle checks.
    public mutating func timerFired(nowNs: Int64, output: inout ConnectionOutput) {
        session.timerFired(nowNs: nowNs, actions: &sendActions)
        emitSendActions(output: &output)
    }

    /// End of day: OUCH System Event 'E' then SoupBinTCP End of Session.
    /// With no client logged in, both wait in the stream for a login that
    /// will be refused; the session takes no more messages afterwards.
    public mutating func endOfDay(nowNs: Int64, output: inout ConnectionOutput) {
        sendSequenced(.systemEvent(OUCHSystemEvent(timestampNs: timestamp(nowNs), eventCode: 0x45)), nowNs: nowNs, output: &output)
        session.endSession(nowNs: nowNs, actions: &sendActions)
        emitSendActions(output: &output)
    }

    /// Traps if the port's bookkeeping is inconsistent.
    public func checkInvariants() {
        session.checkInvariants()
        framer.checkInvariants()
        precondition(pendingCancels.count <= Self.maximumPendingCancels, "pending cancels exceed their bound")
    }

    // MARK: Inbound

    /// One SoupBinTCP packet; false once the connection is closing.
    mutating func handle(
        _ packet: SoupBinTCPPacketView, nowNs: Int64, desk: inout OrderEntryDesk, deskSession: Int32,
        requests: inout [OrderEntryRequest], output: inout ConnectionOutput
    ) -> Bool {
        packetsReceived &+= 1
        if session.receivedUnsequencedData(packet, nowNs: nowNs) {
            return decodeInbound(packet.payload, nowNs: nowNs, desk: &desk, deskSession: deskSession, requests: &requests,
                                 output: &output)
        }
        session.received(packet, nowNs: nowNs, actions: &packetActions)
        var open = true
        for action in packetActions {
            switch action {
            case .deliverUnsequencedData:
                if !decodeInbound(packet.payload, nowNs: nowNs, desk: &desk, deskSession: deskSession, requests: &requests,
                                  output: &output) { open = false }
            case .close:
                open = false
                apply(action, output: &output)
            default:
                apply(action, output: &output)
            }
        }
        packetActions.removeAll(keepingCapacity: true)
        return open
    }

    /// One OUCH inbound message; false if it was malformed and the connection is closing.
    mutating func decodeInbound(
        _ payload: UnsafeRawBufferPointer, nowNs: Int64, desk: inout OrderEntryDesk, deskSession: Int32,
        requests: inout [OrderEntryRequest], output: inout ConnectionOutput
    ) -> Bool {
        let message: OUCHInboundMessage
        do throws(WireDecodingError) {
            message = try OUCHInboundMessage(decoding: payload)
        } catch {
            output.closeReason = "protocol violation: malformed OUCH 4.2 message: \(error)"
            session.connectionClosed()
            return false
        }
        switch message {
        case .enterOrder(let order):
            enter(order, nowNs: nowNs, desk: &desk, deskSession: deskSession, requests: &requests, output: &output)
        case .cancelOrder(let cancel):
            guard let target = ClientOrderID(ouchToken: cancel.token) else {
                cancelReject(cancel.token, nowNs: nowNs, output: &output)
                return true
            }
            notePendingCancel(PendingCancel(target: target, modifySide: nil))
            requests.append(.cancel(target: target, requestID: nil, newOpenQuantity: Quantity(Int64(cancel.shares))))
        case .replaceOrder(let replace):
            switch Self.replaceRequest(replace) {
            case nil:
                cancelReject(replace.existingToken, nowNs: nowNs, output: &output)
            case .success(let request):
                requests.append(request)
            case .failure(let refusal):
                let replacementIsLive = ClientOrderID(ouchToken: replace.replacementToken)
                    .map { desk.openOrder(session: deskSession, clientID: $0) != nil } ?? false
                rejectReplace(existing: replace.existingToken, replacement: replace.replacementToken,
                              replacementIsLive: replacementIsLive, reason: refusal.code, nowNs: nowNs, output: &output)
            }
        case .modifyOrder(let modify):
            guard let target = ClientOrderID(ouchToken: modify.token),
                  trackedEcho(target, desk: &desk, deskSession: deskSession, requests: requests)
                    .map({ $0.side == modify.side }) ?? true else {
                cancelReject(modify.token, nowNs: nowNs, output: &output)
                return true
            }
            notePendingCancel(PendingCancel(target: target, modifySide: modify.side))
            requests.append(.cancel(target: target, requestID: nil, newOpenQuantity: Quantity(Int64(modify.shares))))
        }
        return true
    }

    mutating func enter(
        _ order: OUCHEnterOrder, nowNs: Int64, desk: inout OrderEntryDesk, deskSession: Int32,
        requests: inout [OrderEntryRequest], output: inout ConnectionOutput
    ) {
        switch Self.newOrderRequest(order, directory: directory) {
        case .success(let request):
            // A duplicate token goes to the desk too, which refuses it.
            requests.append(.new(request))
        case .failure(let refusal):
            guard let id = ClientOrderID(ouchToken: order.token) else {
                reject(order.token, reason: refusal.code, nowNs: nowNs, output: &output)
                return
            }
            // Refused before the desk: silent when the token is tracked, live
            // or entered and awaiting its answer, as a duplicate would be.
            if trackedEcho(id, desk: &desk, deskSession: deskSession, requests: requests) == nil {
                reject(order.token, reason: refusal.code, nowNs: nowNs, output: &output)
            }
        }
    }

    /// Why an Enter Order is refused before the desk: its Rejected reason code.
    public struct Refusal: Error, Hashable, Sendable {
        public var code: UInt8
    }

    /// The request an Enter Order makes, by the table above, or the reason
    /// the port refuses it. Shared with the replay of captured order entry
    /// (`CapturedOrderEntryDecoder`), which must read orders as the port does.
    @inline(__always)
    public static func newOrderRequest(_ order: OUCHEnterOrder, directory: SymbolDirectory) -> Result<NewOrderRequest, Refusal> {
        guard let id = ClientOrderID(ouchToken: order.token) else { return .failure(Refusal(code: otherRejectCode)) }
        guard let symbol = directory.index(of: order.stock) else { return .failure(Refusal(code: 0x53)) } // S: invalid stock
        let isImmediate = order.timeInForce == .immediateOrCancel
        let isFillOrKill = isImmediate && order.minimumQuantity == order.shares && order.shares > 0
        if order.crossType != 0x4E { // N: continuous trading
            return .failure(Refusal(code: 0x52)) // R: not allowed in this cross
        } else if order.shares > maximumShares {
            return .failure(Refusal(code: sharesCode))
        } else if order.minimumQuantity != 0 && !isFillOrKill {
            return .failure(Refusal(code: 0x4E)) // N: invalid minimum quantity
        }
        let isMarket = order.price == OUCHConvention.marketPrice
        let echo = OrderEcho(
            side: order.side, timeInForce: order.timeInForce, firm: order.firm, display: order.display,
            capacity: order.capacity, intermarketSweepEligibility: order.intermarketSweepEligibility,
            minimumQuantity: order.minimumQuantity)
        return .success(NewOrderRequest(
            clientID: id, symbol: symbol, side: OUCHConvention.side(order.side), type: isMarket ? .market : .limit,
            timeInForce: isFillOrKill ? .fillOrKill : isImmediate ? .immediateOrCancel : .day,
            price: isMarket ? Price(0) : Price(Int64(order.price)), quantity: Quantity(Int64(order.shares)),
            postOnly: order.display == 0x50, echo: echo.packed)) // P: post-only
    }

    /// The request a Replace Order makes, or the Rejected reason code the
    /// port answers on the replacement token: a market price, too many
    /// shares, an unusable replacement token.
    @inline(__always)
    public static func replaceRequest(_ replace: OUCHReplaceOrder) -> Result<OrderEntryRequest, Refusal>? {
        guard let target = ClientOrderID(ouchToken: replace.existingToken) else { return nil }
        guard let replacement = ClientOrderID(ouchToken: replace.replacementToken) else { return .failure(Refusal(code: otherRejectCode)) }
        guard replace.shares <= maximumShares else { return .failure(Refusal(code: sharesCode)) }
        guard replace.price != OUCHConvention.marketPrice else { return .failure(Refusal(code: invalidPriceCode)) }
        return .success(.replace(target: target, replacementID: replacement, price: Price(Int64(replace.price)),
                                 quantity: Quantity(Int64(replace.shares)), quantityIncludesExecuted: false))
    }

    /// The echo of the order `id` names, if it is tracked: open at the desk,
    /// or entered in a request not yet handed to the desk (the first such).
    /// O(pending requests) for the latter; only refusals and Modify ask.
    func trackedEcho(
        _ id: ClientOrderID, desk: inout OrderEntryDesk, deskSession: Int32, requests: [OrderEntryRequest]
    ) -> OrderEcho? {
        if let state = desk.openOrder(session: deskSession, clientID: id) { return Self.echo(of: state) }
        for request in requests {
            if case .new(let new) = request, new.clientID == id {
                return OrderEcho(packed: new.echo) ?? Self.defaultEcho(side: new.side, timeInForce: new.timeInForce,
                                                                           quantity: new.quantity, postOnly: new.postOnly)
            }
        }
        return nil
    }

    mutating func notePendingCancel(_ pending: PendingCancel) {
        if pendingCancels.count == Self.maximumPendingCancels { pendingCancels.removeFirst() }
        pendingCancels.append(pending)
    }

    /// The oldest pending cancel or modify of `target`, removed.
    mutating func takePendingCancel(_ target: ClientOrderID) -> PendingCancel? {
        guard let index = pendingCancels.firstIndex(where: { $0.target == target }) else { return nil }
        return pendingCancels.remove(at: index)
    }

    // MARK: Outbound

    /// A failed replace: Rejected `J` on the replacement token, or Cancel
    /// Reject `I` on the existing one when the replacement token is live.
    mutating func rejectReplace(
        existing: OUCHToken, replacement: OUCHToken, replacementIsLive: Bool, reason: UInt8,
        nowNs: Int64, output: inout ConnectionOutput
    ) {
        if replacementIsLive {
            cancelReject(existing, nowNs: nowNs, output: &output)
        } else {
            reject(replacement, reason: reason, nowNs: nowNs, output: &output)
        }
    }

    mutating func reject(_ token: OUCHToken, reason: UInt8, nowNs: Int64, output: inout ConnectionOutput) {
        sendSequenced(.rejected(OUCHRejected(timestampNs: timestamp(nowNs), token: token, reason: reason)),
                      nowNs: nowNs, output: &output)
    }

    mutating func cancelReject(_ token: OUCHToken, nowNs: Int64, output: inout ConnectionOutput) {
        sendSequenced(.cancelReject(OUCHCancelReject(timestampNs: timestamp(nowNs), token: token)), nowNs: nowNs, output: &output)
    }

    /// Encodes the message once, behind room for its SoupBinTCP header: the
    /// session stores the payload, and the framed packet goes straight to
    /// the output when a client is logged in.
    mutating func sendSequenced(_ message: OUCHOutboundMessage, nowNs: Int64, output: inout ConnectionOutput) {
        let header = SoupBinTCP.headerByteCount
        withUnsafeTemporaryAllocation(byteCount: header + OUCHReplaced.length, alignment: 8) { buffer in
            let length = message.encode(into: UnsafeMutableRawBufferPointer(rebasing: buffer[header...]))
            do throws(SoupBinTCPSessionError) {
                let payload = UnsafeRawBufferPointer(rebasing: buffer[header..<header + length])
                if try session.recordSequencedData(payload, nowNs: nowNs) {
                    SoupBinTCP.encodeDataHeader(.sequencedData, payloadByteCount: length, into: buffer)
                    output.appendMessage(UnsafeRawBufferPointer(rebasing: buffer[0..<header + length]))
                }
            } catch {
                // After End of Session the account takes no more messages; a
                // report that races the close has no one to go to.
            }
        }
    }

    /// Carries out the session's actions for a call other than a packet
    /// (never a delivery) and empties the list.
    mutating func emitSendActions(output: inout ConnectionOutput) {
        for action in sendActions { apply(action, output: &output) }
        sendActions.removeAll(keepingCapacity: true)
    }

    func apply(_ action: SoupBinTCPServerSession.Action, output: inout ConnectionOutput) {
        switch action {
        case .send(let packet):
            output.appendMessage(count: session.encodedByteCount(of: packet)) { session.encode(packet, into: $0) }
        case .armTimer(let atNs):
            output.timerAtNs = atNs
        case .close(let reason):
            output.closeReason = "SoupBinTCP: \(reason)"
        case .deliverUnsequencedData:
            preconditionFailure("a delivery is handled with its packet")
        }
    }

    func timestamp(_ nowNs: Int64) -> UInt64 { UInt64(clamping: nowNs &+ startOfDayOffsetNs) }

    // MARK: Mapping tables

    static let otherRejectCode: UInt8 = 0x4F // O
    static let invalidPriceCode: UInt8 = 0x58 // X
    static let sharesCode: UInt8 = 0x5A // Z

    static func rejectCode(_ reason: OrderEntryRejectReason) -> UInt8 {
        switch reason {
        case .unknownSymbol, .engine(.unknownSymbol): 0x53 // S
        case .engine(.marketClosed): 0x43 // C
        case .engine(.marketOrderNotAllowedInPhase), .engine(.immediateOrderNotAllowedInPhase): 0x48 // H
        case .engine(.invalidPrice), .engine(.priceNotOnTick): invalidPriceCode
        case .engine(.invalidQuantity), .engine(.reduceExceedsOpenQuantity): sharesCode
        case .engine(.fillOrKillNotFillable): 0x4E // N
        case .engine(.postOnlyWouldTake), .duplicateClientID, .unknownClientID, .engine(.unknownOrder),
             .engine(.notOrderOwner), .engine(.replaceWouldNotChange), .throttled:
            otherRejectCode
        }
    }

    static func cancelCode(_ reason: CancelReason) -> UInt8 {
        switch reason {
        case .requested: 0x55 // U
        case .immediateOrCancel, .noLiquidity: 0x49 // I
        case .selfTradePrevention: 0x51 // Q
        case .endOfDay: 0x54 // T
        }
    }

    static func liquidityFlag(_ liquidity: Liquidity) -> UInt8 {
        switch liquidity {
        case .added: 0x41 // A
        case .removed: 0x52 // R
        case .auction: 0x4F // O
        }
    }

    static func orderState(_ state: OrderState) -> UInt8 { state.isDone ? 0x44 : 0x4C } // D dead, L live

    /// The echo an OUCH port packed into the order, or the default one.
    static func echo(of state: OrderState) -> OrderEcho {
        OrderEcho(packed: state.echo) ?? defaultEcho(side: state.side, timeInForce: state.timeInForce,
                                                     quantity: state.orderQuantity, postOnly: state.postOnly)
    }

    /// The echo for an order no OUCH port entered (it cannot happen through
    /// the desk; kept so a report never traps).
    static func defaultEcho(side: Side, timeInForce: TimeInForce, quantity: Quantity, postOnly: Bool) -> OrderEcho {
        OrderEcho(
            side: OUCHConvention.ouchSide(side), timeInForce: OUCHConvention.timeInForce(timeInForce),
            firm: .blank, display: postOnly ? 0x50 : 0x59, capacity: 0x41, intermarketSweepEligibility: 0x4E,
            minimumQuantity: timeInForce == .fillOrKill ? UInt32(clamping: quantity.rawValue) : 0)
    }
}
