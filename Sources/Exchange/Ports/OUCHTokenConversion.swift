import MatchingEngine
import Wire

// An OUCH token is 14 space-padded bytes; a ClientOrderID holds the bytes
// without the padding, so that a token and the FIX-style id a simulator
// writes ("B17") name the same order. Both directions copy through a stack
// buffer: no String, no heap.

extension ClientOrderID {
    /// The token's bytes with trailing spaces removed; nil for an all-space token.
    init?(ouchToken token: OUCHToken) {
        var storage: (UInt64, UInt64) = (0, 0)
        let id: ClientOrderID? = withUnsafeMutableBytes(of: &storage) { buffer in
            token.write(to: buffer, at: 0)
            var length = OUCHToken.byteCount
            while length > 0 && buffer[length - 1] == 0x20 { length -= 1 }
            return ClientOrderID(bytes: UnsafeRawBufferPointer(rebasing: buffer[0..<length]))
        }
        guard let id else { return nil }
        self = id
    }

    /// Whether the id fits in an OUCH token.
    var fitsOUCHToken: Bool { count <= OUCHToken.byteCount }

    /// The id padded with spaces to 14 bytes. Precondition: it fits.
    var ouchToken: OUCHToken {
        precondition(fitsOUCHToken, "client order id \(self) is longer than an OUCH token's 14 bytes")
        var storage: (UInt64, UInt64) = (0x2020_2020_2020_2020, 0x2020_2020_2020_2020)
        return withUnsafeMutableBytes(of: &storage) { buffer in
            withBytes { id in buffer.copyMemory(from: id) }
            return OUCHToken(readingFrom: UnsafeRawBufferPointer(buffer), at: 0)
        }
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

