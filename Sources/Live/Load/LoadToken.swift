import Exchange

/// Client order tokens of the load client: a stamp of the connection's
/// start, then the order's number on its connection in decimal, so a
/// token maps back to its row in `LoadOrderTimes` without a dictionary.
///
/// A venue keeps a session's tokens for the whole day, across reconnects
/// and sequence resets (exsim serve does for FIX), and refuses one used
/// twice. The stamp — the wall-clock millisecond the connection was made,
/// in six base-36 characters, which repeat only after 25 days — keeps the
/// tokens of one load run (or one `--find-max` trial) apart from those of
/// the runs before it on the same account.
struct LoadToken {
    static let stampCharacters = 6
    static let numberDigits = 8
    static let characters = stampCharacters + numberDigits
    /// The largest order number a token carries.
    static let maximumNumber = 99_999_999

    /// The stamp's characters, in the first `stampCharacters` bytes.
    let stamp: (UInt64, UInt64)

    init(epochMilliseconds: Int64) {
        precondition(epochMilliseconds >= 0)
        var words: (UInt64, UInt64) = (0, 0)
        withUnsafeMutableBytes(of: &words) { bytes in
            var value = epochMilliseconds
            for position in stride(from: Self.stampCharacters - 1, through: 0, by: -1) {
                let digit = UInt8(value % 36)
                bytes[position] = digit < 10 ? UInt8(ascii: "0") + digit : UInt8(ascii: "A") + digit - 10
                value /= 36
            }
        }
        stamp = words
    }

    func id(_ number: Int) -> ClientOrderID {
        precondition(number >= 0 && number <= Self.maximumNumber)
        var words = stamp
        return withUnsafeMutableBytes(of: &words) { bytes in
            var value = number
            for position in stride(from: Self.characters - 1, through: Self.stampCharacters, by: -1) {
                bytes[position] = UInt8(ascii: "0") + UInt8(value % 10)
                value /= 10
            }
            return ClientOrderID(bytes: UnsafeRawBufferPointer(rebasing: bytes[0..<Self.characters]))!
        }
    }

    /// nil for a token this connection did not make.
    func number(_ id: ClientOrderID) -> Int? {
        var ownStamp = stamp
        return id.withBytes { bytes in
            guard bytes.count == Self.characters else { return nil }
            let stampMatches = withUnsafeBytes(of: &ownStamp) { own in
                own[0..<Self.stampCharacters].elementsEqual(bytes[0..<Self.stampCharacters])
            }
            guard stampMatches else { return nil }
            var value = 0
            for byte in bytes[Self.stampCharacters...] {
                guard byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") else { return nil }
                value = value * 10 + Int(byte - UInt8(ascii: "0"))
            }
            return value
        }
    }
}
