import MatchingEngine
import Wire

// An OUCH token is 14 space-padded bytes; a ClientOrderID holds the bytes
// without the padding, so that a token and the FIX-style id a simulator
// writes ("B17") name the same order. Both directions work on the 8-byte
// words directly: the token's fields are big-endian reads of its bytes, the
// id's words little-endian ones, so a byte swap lines them up.

extension ClientOrderID {
    static let spaces: UInt64 = 0x2020_2020_2020_2020

    /// The token's bytes with trailing spaces removed; nil for an all-space token.
    init?(ouchToken token: OUCHToken) {
        let low = token.head.byteSwapped
        let high = UInt64(token.middle.byteSwapped) | UInt64(token.tail.byteSwapped) << 32
        // Bytes 8...13 in `high`, then 0...7 in `low`, first byte lowest.
        // XORed with spaces, the trailing spaces are the zero bytes at the
        // top: one leading-zero count finds the length instead of a loop
        // over up to 14 bytes.
        let length: Int
        let highWithoutSpaces = high ^ (Self.spaces >> 16)
        if highWithoutSpaces != 0 {
            length = 8 + (64 - highWithoutSpaces.leadingZeroBitCount + 7) / 8
        } else {
            let lowWithoutSpaces = low ^ Self.spaces
            guard lowWithoutSpaces != 0 else { return nil }
            length = (64 - lowWithoutSpaces.leadingZeroBitCount + 7) / 8
        }
        self.init(word0: length >= 8 ? low : low & ((1 << UInt64(8 * length)) - 1),
                  word1: length <= 8 ? 0 : high & ((1 << UInt64(8 * (length - 8))) - 1),
                  word2: 0, length: UInt8(length))
    }

    /// Whether the id fits in an OUCH token.
    var fitsOUCHToken: Bool { count <= OUCHToken.byteCount }

    /// The id padded with spaces to 14 bytes. Precondition: it fits.
    var ouchToken: OUCHToken {
        precondition(fitsOUCHToken, "client order id \(self) is longer than an OUCH token's 14 bytes")
        let length = Int(self.length)
        var low = word0
        var high = word1
        if length < 8 {
            let kept: UInt64 = (1 << UInt64(8 * length)) - 1
            low = (low & kept) | (Self.spaces & ~kept)
            high = Self.spaces
        } else {
            let kept: UInt64 = (1 << UInt64(8 * (length - 8))) - 1
            high = (high & kept) | (Self.spaces & ~kept)
        }
        return OUCHToken(head: low.byteSwapped, middle: UInt32(truncatingIfNeeded: high).byteSwapped,
                         tail: UInt16(truncatingIfNeeded: high >> 32).byteSwapped)
    }
}

/// OUCH 4.2 field conventions both ends of an order-entry connection share.
enum OUCHConvention {
    /// The Price value that marks a market order. OUCH 4.2 has no order type
    /// field; Nasdaq's market orders carry this sentinel, and Wireshark's
    /// OUCH dissector prints it as "Market".
    static let marketPrice: UInt32 = 0x7FFF_FFFF

    static func side(_ side: OUCHSide) -> Side { side == .buy ? .buy : .sell }

    static func ouchSide(_ side: Side) -> OUCHSide { side == .buy ? .buy : .sell }

    /// The Time in Force a client sends for an engine time in force.
    static func timeInForce(_ timeInForce: TimeInForce) -> OUCHTimeInForce {
        switch timeInForce {
        case .day: .marketHours
        case .goodTillCancel: .systemHours
        case .immediateOrCancel, .fillOrKill: .immediateOrCancel
        }
    }

    static func price(_ price: Price, type: OrderType) -> UInt32 {
        type == .market ? marketPrice : UInt32(clamping: price.rawValue)
    }
}

