import MatchingEngine

/// Where each open order of a flow sits (its participant and its position
/// in that participant's list), by order id.
///
/// Venues number their orders densely from 1, so the table is an array of
/// pages indexed by id: a lookup is two indexed loads, not a hash, and a
/// page appears only when an id reaches it. Ids from 2^32 on, which no
/// simulated venue reaches, fall back to a dictionary that is only looked
/// up, never iterated, so hash order cannot reach the run.
struct OpenOrderLocations {
    struct Location: Equatable {
        var participant: Int32
        var position: Int32
    }

    static let pageBits = 12
    static let pageSize = 1 << pageBits
    static let denseLimit: UInt64 = 1 << 32

    /// Each entry is 0 when absent, else the packed location plus one.
    var pages: [[UInt64]] = []
    var sparse: [OrderID: Location] = [:]
    private(set) var count = 0

    subscript(id: OrderID) -> Location? {
        get {
            let raw = id.rawValue
            guard raw < Self.denseLimit else { return sparse[id] }
            let page = Int(raw >> Self.pageBits)
            guard page < pages.count, !pages[page].isEmpty else { return nil }
            let entry = pages[page][Int(raw) & (Self.pageSize - 1)]
            return entry == 0 ? nil : Self.unpack(entry)
        }
        set {
            let raw = id.rawValue
            guard raw < Self.denseLimit else {
                let had = sparse[id] != nil
                sparse[id] = newValue
                count += (newValue != nil ? 1 : 0) - (had ? 1 : 0)
                return
            }
            let page = Int(raw >> Self.pageBits)
            if page >= pages.count {
                guard newValue != nil else { return }
                pages.append(contentsOf: repeatElement([], count: page + 1 - pages.count))
            }
            if pages[page].isEmpty {
                guard newValue != nil else { return }
                pages[page] = Array(repeating: 0, count: Self.pageSize)
            }
            let slot = Int(raw) & (Self.pageSize - 1)
            let old = pages[page][slot]
            pages[page][slot] = newValue.map(Self.pack) ?? 0
            count += (newValue != nil ? 1 : 0) - (old != 0 ? 1 : 0)
        }
    }

    static func pack(_ location: Location) -> UInt64 {
        precondition(location.participant >= 0 && location.position >= 0, "negative location")
        return (UInt64(location.participant) << 32 | UInt64(location.position)) + 1
    }

    static func unpack(_ entry: UInt64) -> Location {
        let value = entry - 1
        return Location(participant: Int32(truncatingIfNeeded: value >> 32), position: Int32(truncatingIfNeeded: value))
    }
}
