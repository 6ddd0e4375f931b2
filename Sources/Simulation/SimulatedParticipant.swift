import Exchange
import MatchingEngine
import OrderFlow
import SimKernel

/// A participant's side of its order-entry session: which client speaks for
/// it, and what it knows about its orders in flight, for the flow's books and
/// for latency measurement.
struct SimulatedParticipant {
    enum Client {
        case ouch(Int)
        case fix(Int)
    }

    let id: ParticipantID
    let flow: Int32
    let venue: Int32
    /// The participant's connection number at its venue's gateway.
    let connection: Int32
    let client: Client
    var loggedIn = false
    var connected = true
    var clientTimer = SessionTimer()
    var portTimer = SessionTimer()

    /// Instructions held until the session is logged in.
    var waiting: [FlowInstruction] = []
    static let waitingLimit = 4_096

    var nextClientOrderNumber: UInt64 = 1
    /// Open orders, both ways.
    var clientIDOfOrder = OpenAddressingMap<OrderID, ClientOrderID>()
    var orderOfClientID = OpenAddressingMap<ClientOrderID, OrderID>()
    /// New orders sent and not yet answered.
    var pendingNew = OpenAddressingMap<ClientOrderID, (sentAtNs: Nanoseconds, order: NewOrder)>()
    /// Cancels sent, by the target order's client id.
    var pendingCancel = OpenAddressingMap<ClientOrderID, Nanoseconds>()
    /// Replaces sent, by the replacement id.
    var pendingReplace = OpenAddressingMap<ClientOrderID, (sentAtNs: Nanoseconds, previous: ClientOrderID)>()
    /// New orders acknowledged at `acknowledgedAtNs`: fills that arrive at the
    /// same instant came from the same venue event, so they are the order's
    /// fills on arrival.
    var acknowledgedAtNs: Nanoseconds = -1
    /// Usually one entry, so a short array beats a hash table.
    var acknowledgedNow: [(clientID: ClientOrderID, sentAtNs: Nanoseconds)] = []

    init(id: ParticipantID, flow: Int32, venue: Int32, connection: Int32, client: Client) {
        self.id = id
        self.flow = flow
        self.venue = venue
        self.connection = connection
        self.client = client
    }

    /// The next client order id: the participant number and a counter in
    /// base 36 ("C-9IX"), at most 14 bytes so that an OUCH token holds it.
    mutating func takeClientOrderID() -> ClientOrderID {
        let number = nextClientOrderNumber
        nextClientOrderNumber += 1
        var storage: (UInt64, UInt64, UInt64) = (0, 0, 0)
        return withUnsafeMutableBytes(of: &storage) { buffer in
            var length = 0
            func appendBase36(_ value: UInt64) {
                var divisor: UInt64 = 1
                while divisor <= value / 36 { divisor *= 36 }
                var rest = value
                while divisor > 0 {
                    let digit = UInt8(rest / divisor)
                    buffer[length] = digit < 10 ? UInt8(ascii: "0") + digit : UInt8(ascii: "A") + digit - 10
                    rest %= divisor
                    divisor /= 36
                    length += 1
                }
            }
            appendBase36(UInt64(id.rawValue))
            buffer[length] = UInt8(ascii: "-")
            length += 1
            appendBase36(number)
            precondition(length <= 14, "client order id too long for an OUCH token")
            return ClientOrderID(bytes: UnsafeRawBufferPointer(rebasing: buffer[0..<length]))!
        }
    }

    mutating func noteAcknowledged(_ clientID: ClientOrderID, sentAtNs: Nanoseconds, nowNs: Nanoseconds) {
        if acknowledgedAtNs != nowNs {
            acknowledgedNow.removeAll(keepingCapacity: true)
            acknowledgedAtNs = nowNs
        }
        acknowledgedNow.append((clientID, sentAtNs))
    }

    /// When the order was sent, if it was acknowledged at this same instant.
    func sentAtIfJustAcknowledged(_ clientID: ClientOrderID, nowNs: Nanoseconds) -> Nanoseconds? {
        guard acknowledgedAtNs == nowNs else { return nil }
        return acknowledgedNow.first { $0.clientID == clientID }?.sentAtNs
    }

    mutating func forget(_ clientID: ClientOrderID) {
        if let order = orderOfClientID.removeValue(forKey: clientID) {
            clientIDOfOrder[order] = nil
        }
    }
}
