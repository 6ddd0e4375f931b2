import MatchingEngine
import Wire

/// A venue's symbols by wire name (8-byte alpha, as OUCH and ITCH carry
/// them) and by engine index.
public struct SymbolDirectory: Sendable {
    public let names: [Alpha8]
    let indexByName: [Alpha8: SymbolIndex]

    public init(names: [Alpha8]) {
        precondition(Set(names).count == names.count, "symbol names must be unique")
        self.names = names
        var index: [Alpha8: SymbolIndex] = [:]
        for (position, name) in names.enumerated() { index[name] = SymbolIndex(Int32(position)) }
        indexByName = index
    }

    public init(symbols: [SymbolConfig]) {
        self.init(names: symbols.map { Alpha8($0.name) ?? .blank })
    }

    /// Venues list a handful of symbols: up to `linearSearchLimit` of them,
    /// comparing 8-byte words in order beats hashing the name per order.
    public func index(of name: Alpha8) -> SymbolIndex? {
        if names.count <= Self.linearSearchLimit {
            for position in names.indices where names[position] == name { return SymbolIndex(Int32(position)) }
            return nil
        }
        return indexByName[name]
    }

    static let linearSearchLimit = 16

    public func name(of symbol: SymbolIndex) -> Alpha8 { names[Int(symbol.rawValue)] }
}
