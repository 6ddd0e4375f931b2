import Foundation

/// A FIX initiator reduced to what a test needs, written from the FIX
/// framing rules (BodyLength, three-digit CheckSum) rather than with
/// exsim's codecs: it sends tag=value messages with the real UTC
/// SendingTime and reads whole messages back as fields.
final class LoopbackFIXClient {
    typealias Failure = LoopbackTCPSocket.Failure
    let connection: LoopbackTCPSocket
    let beginString: String
    let senderCompID: String
    let targetCompID: String
    var nextSequenceNumber = 1
    var received: [UInt8] = []

    convenience init(port: Int, beginString: String, senderCompID: String, targetCompID: String) throws {
        self.init(connection: try LoopbackTCPSocket(port: port), beginString: beginString, senderCompID: senderCompID,
                  targetCompID: targetCompID)
    }

    init(connection: LoopbackTCPSocket, beginString: String, senderCompID: String, targetCompID: String) {
        self.connection = connection
        self.beginString = beginString
        self.senderCompID = senderCompID
        self.targetCompID = targetCompID
    }

    static func utcTimestamp() -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyyMMdd-HH:mm:ss.SSS"
        return formatter.string(from: Date())
    }

    func send(_ msgType: String, _ fields: [(Int, String)]) throws {
        var body = "35=\(msgType)\u{1}49=\(senderCompID)\u{1}56=\(targetCompID)\u{1}34=\(nextSequenceNumber)\u{1}52=\(Self.utcTimestamp())\u{1}"
        for (tag, value) in fields { body += "\(tag)=\(value)\u{1}" }
        let head = "8=\(beginString)\u{1}9=\(body.utf8.count)\u{1}"
        let checksum = (head + body).utf8.reduce(0) { ($0 + Int($1)) % 256 }
        let trailer = "10=" + String(repeating: "0", count: 3 - String(checksum).count) + String(checksum) + "\u{1}"
        try connection.write(Array((head + body + trailer).utf8))
        nextSequenceNumber += 1
    }

    /// The next whole message as (tag, value) pairs, Heartbeats skipped; nil when the venue closed.
    func receive() throws -> [(tag: Int, value: String)]? {
        while true {
            if let end = Self.endOfFirstMessage(received) {
                let message = String(decoding: received[..<end], as: UTF8.self)
                received.removeFirst(end)
                let fields = message.split(separator: "\u{1}").map { field -> (tag: Int, value: String) in
                    let parts = field.split(separator: "=", maxSplits: 1)
                    return (Int(parts[0]) ?? -1, parts.count > 1 ? String(parts[1]) : "")
                }
                if fields.first(where: { $0.tag == 35 })?.value == "0" { continue }
                return fields
            }
            let chunk = try connection.receive()
            if chunk.isEmpty { return nil }
            received += chunk
        }
    }

    /// The next message, which must be of `msgType`.
    func expect(_ msgType: String) throws -> [(tag: Int, value: String)] {
        guard let message = try receive() else { throw Failure(description: "the venue closed while 35=\(msgType) was expected") }
        let type = message.first { $0.tag == 35 }?.value
        guard type == msgType else { throw Failure(description: "expected 35=\(msgType), got \(message)") }
        return message
    }

    /// The end of the first message in `bytes`: just past `<SOH>10=nnn<SOH>`.
    static func endOfFirstMessage(_ bytes: [UInt8]) -> Int? {
        let trailer = Array("\u{1}10=".utf8)
        guard bytes.count >= trailer.count + 4 else { return nil }
        for start in 0...(bytes.count - trailer.count - 4) where Array(bytes[start..<(start + trailer.count)]) == trailer {
            let end = start + trailer.count + 4
            return bytes[end - 1] == 0x01 ? end : nil
        }
        return nil
    }
}

extension Array where Element == (tag: Int, value: String) {
    subscript(tag tag: Int) -> String? { first { $0.tag == tag }?.value }
}
