/// A SoupBinTCP client written from the SoupBinTCP 3.00 and OUCH 4.2
/// layouts rather than with exsim's codecs.
final class LoopbackSoupBinTCPClient {
    typealias Failure = LoopbackTCPSocket.Failure
    let connection: LoopbackTCPSocket
    var received: [UInt8] = []

    init(port: Int) throws {
        connection = try LoopbackTCPSocket(port: port)
    }

    func sendPacket(type: Character, payload: [UInt8] = []) throws {
        let length = UInt16(1 + payload.count)
        try connection.write([UInt8(length >> 8), UInt8(length & 0xFF), UInt8(ascii: type.unicodeScalars.first!)] + payload)
    }

    /// The next packet (type and payload) other than a Server Heartbeat; nil when the server closed.
    func readPacket() throws -> (type: UInt8, payload: [UInt8])? {
        while true {
            while received.count < 2 || received.count < 2 + (Int(received[0]) << 8 | Int(received[1])) {
                let chunk = try connection.receive()
                if chunk.isEmpty { return nil }
                received += chunk
            }
            let length = Int(received[0]) << 8 | Int(received[1])
            let packet = Array(received[2..<(2 + length)])
            received.removeFirst(2 + length)
            if packet[0] != UInt8(ascii: "H") { return (packet[0], Array(packet.dropFirst())) }
        }
    }

    /// The next OUCH message carried in Sequenced Data, skipping System Events.
    func readOUCH() throws -> [UInt8] {
        for _ in 0..<100 {
            guard let packet = try readPacket() else { throw Failure(description: "the server closed the connection") }
            guard packet.type == UInt8(ascii: "S") else {
                throw Failure(description: "expected Sequenced Data, got packet type \(Character(Unicode.Scalar(packet.type)))")
            }
            if packet.payload.first == UInt8(ascii: "S") { continue }
            return packet.payload
        }
        throw Failure(description: "no OUCH message in 100 packets")
    }

    /// SoupBinTCP 3.00 Login Request: Username 6, Password 10, Session 10, Sequence 20 (right-justified).
    func login(username: String, password: String) throws -> (type: UInt8, payload: [UInt8])? {
        let payload = Self.alpha(username, 6) + Self.alpha(password, 10) + Self.alpha("", 10)
            + Array(String(repeating: " ", count: 19).utf8) + Array("1".utf8)
        try sendPacket(type: "L", payload: payload)
        return try readPacket()
    }

    /// OUCH 4.2 Enter Order (49 bytes), a day limit order.
    func enterOrder(token: String, side: Character, shares: UInt32, stock: String, price: UInt32) throws {
        try connection.write(Self.enterOrderPacket(token: token, side: side, shares: shares, stock: stock, price: price))
    }

    /// The SoupBinTCP Unsequenced Data packet carrying an OUCH 4.2 Enter Order.
    static func enterOrderPacket(token: String, side: Character, shares: UInt32, stock: String, price: UInt32) -> [UInt8] {
        var message = [UInt8(ascii: "O")] + alpha(token, 14) + [UInt8(ascii: side.unicodeScalars.first!)]
        message += bigEndian(shares) + alpha(stock, 8) + bigEndian(price) + bigEndian(99_999)
        message += alpha("FIRM", 4) + Array("YAN".utf8) + bigEndian(0) + Array("NR".utf8)
        precondition(message.count == 49)
        return [0, UInt8(1 + message.count), UInt8(ascii: "U")] + message
    }

    static func alpha(_ text: String, _ width: Int) -> [UInt8] {
        Array(text.utf8.prefix(width)) + Array(repeating: UInt8(ascii: " "), count: max(0, width - text.utf8.count))
    }

    static func bigEndian(_ value: UInt32) -> [UInt8] {
        [UInt8(value >> 24), UInt8(value >> 16 & 0xFF), UInt8(value >> 8 & 0xFF), UInt8(value & 0xFF)]
    }

    static func uint32(_ bytes: ArraySlice<UInt8>) -> UInt32 {
        bytes.reduce(0) { $0 << 8 | UInt32($1) }
    }
}
