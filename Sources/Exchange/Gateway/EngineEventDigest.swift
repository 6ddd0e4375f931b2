import MatchingEngine

/// A digest of the engine events a venue produced, in order: every field of
/// every event, and no time (the engine never sees one). Two venues that
/// carried out the same ordered requests have the same digest whichever
/// clock drove them, which is how a served venue is checked against a
/// simulated one. 64-bit FNV-1a over the fields as 64-bit words: not
/// cryptographic, but any difference in one field changes it.
public struct EngineEventDigest: Hashable, Sendable, CustomStringConvertible {
    public private(set) var state: UInt64 = 0xCBF2_9CE4_8422_2325
    public private(set) var eventCount: UInt64 = 0

    public init() {}

    /// Sixteen hex digits.
    public var description: String {
        let hex = String(state, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }

    mutating func fold(_ word: UInt64) {
        state = (state ^ word) &* 0x0000_0100_0000_01B3
    }

    mutating func fold(_ word: Int64) { fold(UInt64(bitPattern: word)) }

    public mutating func fold(_ event: EngineEvent) {
        eventCount += 1
        switch event {
        case .accepted(let order, let symbol, let participant, let side, let price, let quantity):
            fold(UInt64(1))
            fold(order.rawValue)
            fold(UInt64(UInt32(bitPattern: symbol.rawValue)) << 32 | UInt64(participant.rawValue))
            fold(UInt64(side.rawValue))
            fold(price.rawValue)
            fold(quantity.rawValue)
        case .rejected(let order, let symbol, let reason):
            fold(UInt64(2))
            fold(order.rawValue)
            fold(UInt64(UInt32(bitPattern: symbol.rawValue)) << 8 | UInt64(reason.rawValue))
        case .executed(let execution):
            fold(UInt64(3))
            fold(execution.matchID)
            fold(execution.price.rawValue)
            fold(execution.quantity.rawValue)
            fold(execution.aggressor.rawValue)
            fold(execution.aggressorRemaining.rawValue)
            fold(execution.resting.rawValue)
            fold(execution.restingRemaining.rawValue)
            fold(UInt64(UInt32(bitPattern: execution.symbol.rawValue)) << 8 | UInt64(execution.aggressorSide.rawValue))
            fold(UInt64(execution.aggressorParticipant.rawValue) << 32 | UInt64(execution.restingParticipant.rawValue))
        case .cancelled(let order, let symbol, let quantity, let remaining, let reason):
            fold(UInt64(4))
            fold(order.rawValue)
            fold(UInt64(UInt32(bitPattern: symbol.rawValue)) << 8 | UInt64(reason.rawValue))
            fold(quantity.rawValue)
            fold(remaining.rawValue)
        case .replaced(let order, let symbol, let price, let quantity, let keptPriority):
            fold(UInt64(5))
            fold(order.rawValue)
            fold(UInt64(UInt32(bitPattern: symbol.rawValue)) << 1 | (keptPriority ? 1 : 0))
            fold(price.rawValue)
            fold(quantity.rawValue)
        case .bookChanged(let symbol, let side, let price, let levelQuantity):
            fold(UInt64(6))
            fold(UInt64(UInt32(bitPattern: symbol.rawValue)) << 8 | UInt64(side.rawValue))
            fold(price.rawValue)
            fold(levelQuantity.rawValue)
        case .phaseChanged(let symbol, let phase):
            fold(UInt64(7))
            fold(UInt64(UInt32(bitPattern: symbol.rawValue)) << 8 | UInt64(phase.rawValue))
        }
    }
}
