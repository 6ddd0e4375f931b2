import Exchange

/// Client order tokens of the load client: the order's number on its
/// connection in decimal, so a token maps back to its row in
/// `LoadOrderTimes` without a dictionary.
enum LoadToken {
    static let digits = 12

    static func id(_ number: Int) -> ClientOrderID {
        var words: (UInt64, UInt64) = (0, 0)
        return withUnsafeMutableBytes(of: &words) { bytes in
            var value = number
            for position in stride(from: digits - 1, through: 0, by: -1) {
                bytes[position] = UInt8(ascii: "0") + UInt8(value % 10)
                value /= 10
            }
            return ClientOrderID(bytes: UnsafeRawBufferPointer(rebasing: bytes[0..<digits]))!
        }
    }

    /// nil for a token this client did not make.
    static func number(_ id: ClientOrderID) -> Int? {
        id.withBytes { bytes in
            guard bytes.count == digits else { return nil }
            var value = 0
            for byte in bytes {
                guard byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") else { return nil }
                value = value * 10 + Int(byte - UInt8(ascii: "0"))
            }
            return value
        }
    }
}
