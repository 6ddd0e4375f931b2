// Conversions between the engine's and the desk's values and the FIX
// field values that carry them, shared by `FIXPort` and `FIXClient`.

import MatchingEngine
import Wire

extension FIXString {
    /// The decimal digits of `value` (OrderID, ExecID).
    static func decimal(_ value: UInt64) -> FIXString {
        // 20 digits hold any UInt64.
        var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)
        return withUnsafeMutableBytes(of: &digits) { buffer in
            var rest = value
            var start = 20
            repeat {
                start -= 1
                buffer[start] = UInt8(truncatingIfNeeded: 0x30 + rest % 10)
                rest /= 10
            } while rest > 0
            return FIXString(bytes: UnsafeRawBufferPointer(rebasing: buffer[start..<20]))!
        }
    }

    /// `prefix` followed by `value` in base 36 (lower case), for generated ClOrdIDs.
    static func base36(_ value: UInt64, prefix: FIXString) -> FIXString {
        // 13 digits hold any UInt64; the buffer holds 48 bytes.
        precondition(prefix.count <= 32, "prefix too long")
        var digits: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0, 0, 0)
        return withUnsafeMutableBytes(of: &digits) { buffer in
            let end = buffer.count
            var rest = value
            var start = end
            repeat {
                start -= 1
                let digit = UInt8(truncatingIfNeeded: rest % 36)
                buffer[start] = digit < 10 ? 0x30 + digit : 0x61 + digit - 10
                rest /= 36
            } while rest > 0
            prefix.withBytes { text in
                start -= text.count
                for offset in 0..<text.count { buffer[start + offset] = text[offset] }
            }
            return FIXString(bytes: UnsafeRawBufferPointer(rebasing: buffer[start..<end]))!
        }
    }

    /// The identifier's bytes (at most 24, so they always fit).
    init(_ clientID: ClientOrderID) {
        self = clientID.withBytes { FIXString(bytes: $0)! }
    }

    /// A symbol name without its padding spaces.
    init(_ symbol: Alpha8) {
        var bigEndian = symbol.rawValue.bigEndian
        self = withUnsafeBytes(of: &bigEndian) { bytes in
            var count = 8
            while count > 0, bytes[count - 1] == 0x20 { count -= 1 }
            return FIXString(bytes: UnsafeRawBufferPointer(rebasing: bytes[0..<count])) ?? FIXString()
        }
    }
}

extension ClientOrderID {
    /// nil when the FIX value is empty or longer than `maximumLength`.
    init?(_ value: FIXString) {
        guard let id = value.withBytes({ ClientOrderID(bytes: $0) }) else { return nil }
        self = id
    }
}

extension Alpha8 {
    /// The padded 8-byte name of a FIX Symbol (55); nil when longer than 8
    /// bytes or not printable ASCII, which no directory entry can match.
    init?(fixSymbol value: FIXString) {
        guard let packed: UInt64 = value.withBytes({ bytes in
            guard !bytes.isEmpty, bytes.count <= 8 else { return nil }
            var packed: UInt64 = 0
            for index in 0..<8 {
                let byte = index < bytes.count ? bytes[index] : 0x20
                guard byte >= 0x20, byte < 0x7F else { return nil }
                packed = packed << 8 | UInt64(byte)
            }
            return packed
        }) else { return nil }
        self.init(rawValue: packed)
    }
}

extension FIXSide {
    /// Short sales (5, 6) are sells to the engine, which has no short-sale marking.
    var engineSide: Side { self == .buy ? .buy : .sell }

    init(_ side: Side) { self = side == .buy ? .buy : .sell }
}

extension FIXTimeInForce {
    /// nil for the FIX values the engine has no rule for (OPG, GTX, GTD).
    var engineTimeInForce: TimeInForce? {
        switch self {
        case .day: .day
        case .goodTillCancel: .goodTillCancel
        case .immediateOrCancel: .immediateOrCancel
        case .fillOrKill: .fillOrKill
        case .atTheOpening, .goodTillCrossing, .goodTillDate: nil
        }
    }

    init(_ timeInForce: TimeInForce) {
        switch timeInForce {
        case .day: self = .day
        case .goodTillCancel: self = .goodTillCancel
        case .immediateOrCancel: self = .immediateOrCancel
        case .fillOrKill: self = .fillOrKill
        }
    }
}

extension FIXOrdType {
    init(_ type: OrderType) { self = type == .market ? .market : .limit }
}

/// The FIX session clock: driver nanoseconds mapped onto the simulated
/// trading day's date, so SendingTime and TransactTime are real UTC times.
struct FIXSessionClock {
    /// UNIX-epoch nanoseconds of driver time 0.
    let epochOfDriverZeroNs: Int64

    init(startOfDayOffsetNs: Int64, sessionDateEpochNs: Int64 = TradingDay.sessionDateEpochNs) {
        epochOfDriverZeroNs = sessionDateEpochNs + startOfDayOffsetNs
    }

    func sessionNs(_ driverNs: Int64) -> Int64 { epochOfDriverZeroNs &+ driverNs }

    func driverNs(_ sessionNs: Int64) -> Int64 { sessionNs &- epochOfDriverZeroNs }
}
