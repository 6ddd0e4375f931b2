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
    /// What each client order id awaits, and the order it names while it
    /// rests, by the id's number.
    var orders = ClientOrderTable()
    /// The bytes every client order id of this participant starts with:
    /// the participant number in base 36, then "-".
    let clientIDPrefix: [UInt8]
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
        clientIDPrefix = Array((String(id.rawValue, radix: 36, uppercase: true) + "-").utf8)
    }

    /// The next client order id and its number: the participant number and
    /// the counter in base 36 ("C-9IX"), at most 14 bytes so that an OUCH
    /// token holds it.
    mutating func takeClientOrderID() -> (id: ClientOrderID, number: UInt64) {
        let number = nextClientOrderNumber
        nextClientOrderNumber += 1
        return (clientOrderID(number), number)
    }

    /// The client order id that carries `number`.
    func clientOrderID(_ number: UInt64) -> ClientOrderID {
        var storage: (UInt64, UInt64, UInt64) = (0, 0, 0)
        return withUnsafeMutableBytes(of: &storage) { buffer in
            var length = clientIDPrefix.count
            clientIDPrefix.withUnsafeBytes { buffer.copyMemory(from: $0) }
            // Digits come out least significant first, by division by the
            // constant 36 (a multiply, where a running divisor would cost a
            // hardware division per digit), and are then reversed in place.
            let first = length
            var rest = number
            repeat {
                let digit = UInt8(truncatingIfNeeded: rest % 36)
                buffer[length] = digit < 10 ? UInt8(ascii: "0") + digit : UInt8(ascii: "A") + digit - 10
                rest /= 36
                length += 1
            } while rest > 0
            var low = first
            var high = length - 1
            while low < high {
                buffer.swapAt(low, high)
                low += 1
                high -= 1
            }
            precondition(length <= 14, "client order id too long for an OUCH token")
            return ClientOrderID(bytes: UnsafeRawBufferPointer(rebasing: buffer[0..<length]))!
        }
    }

    /// The number in a client order id this participant issued; nil for any
    /// other id, so an id from elsewhere can never alias one of ours.
    func number(of id: ClientOrderID) -> UInt64? {
        id.withBytes { bytes -> UInt64? in
            let prefixLength = clientIDPrefix.count
            guard bytes.count > prefixLength, bytes.count - prefixLength <= 12 else { return nil }
            for index in 0..<prefixLength where bytes[index] != clientIDPrefix[index] { return nil }
            var number: UInt64 = 0
            for index in prefixLength..<bytes.count {
                let byte = bytes[index]
                let digit: UInt8
                switch byte {
                case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
                case UInt8(ascii: "A")...UInt8(ascii: "Z"): digit = byte - UInt8(ascii: "A") + 10
                default: return nil
                }
                number = number * 36 + UInt64(digit)
            }
            // Leading zeros never appear in an id we made.
            guard number > 0, number < nextClientOrderNumber, bytes[prefixLength] != UInt8(ascii: "0") else { return nil }
            return number
        }
    }

    mutating func noteAcknowledged(_ clientID: ClientOrderID, sentAtNs: Nanoseconds, nowNs: Nanoseconds) {
        if acknowledgedAtNs != nowNs {
            acknowledgedNow.removeAllReusingCapacity()
            acknowledgedAtNs = nowNs
        }
        acknowledgedNow.append((clientID, sentAtNs))
    }

    /// When the order was sent, if it was acknowledged at this same instant.
    func sentAtIfJustAcknowledged(_ clientID: ClientOrderID, nowNs: Nanoseconds) -> Nanoseconds? {
        guard acknowledgedAtNs == nowNs else { return nil }
        return acknowledgedNow.first { $0.clientID == clientID }?.sentAtNs
    }

    /// The id no longer names a resting order.
    mutating func forget(_ number: UInt64) {
        orders.update(number) { $0.order = nil }
    }
}
