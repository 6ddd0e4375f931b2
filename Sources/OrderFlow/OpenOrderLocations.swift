import MatchingEngine

/// Where each open order of a flow sits (its participant and its position
/// in that participant's list), by order id.
///
/// Venues number their orders densely from 1, so the table is an array of
/// pages indexed by id: a lookup is two indexed loads, not a hash, and a
/// page appears only when an id reaches it. A page is freed once every
/// order on it is gone and ids have moved past it, and the array drops
/// freed pages from its front, so a long run holds pages for the orders
/// still open, not for every id it saw. Ids from 2^32 on, which no
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

    struct Page {
        /// Each entry is 0 when absent, else the packed location plus one.
        var entries: [UInt64] = []
        var live = 0
    }

    /// Pages from `firstPage` on; a page without entries holds nothing.
    var pages: [Page] = []
    var firstPage = 0
    /// The highest page an id has been stored in: pages below it are freed
    /// when empty, the ones at or above it may still fill.
    var highestPage = 0
    var sparse: [OrderID: Location] = [:]
    private(set) var count = 0

    subscript(id: OrderID) -> Location? {
        get {
            let raw = id.rawValue
            guard raw < Self.denseLimit else { return sparse[id] }
            let page = Int(raw >> Self.pageBits) - firstPage
            guard page >= 0, page < pages.count, !pages[page].entries.isEmpty else { return nil }
            let entry = pages[page].entries[Int(raw) & (Self.pageSize - 1)]
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
            let absolutePage = Int(raw >> Self.pageBits)
            if absolutePage < firstPage {
                guard newValue != nil else { return }
                pages.insert(contentsOf: repeatElement(Page(), count: firstPage - absolutePage), at: 0)
                firstPage = absolutePage
            }
            let page = absolutePage - firstPage
            if page >= pages.count {
                guard newValue != nil else { return }
                pages.append(contentsOf: repeatElement(Page(), count: page + 1 - pages.count))
            }
            if pages[page].entries.isEmpty {
                guard newValue != nil else { return }
                pages[page].entries = Array(repeating: 0, count: Self.pageSize)
            }
            let slot = Int(raw) & (Self.pageSize - 1)
            let old = pages[page].entries[slot]
            pages[page].entries[slot] = newValue.map(Self.pack) ?? 0
            let change = (newValue != nil ? 1 : 0) - (old != 0 ? 1 : 0)
            count += change
            pages[page].live += change
            if absolutePage > highestPage {
                let left = highestPage - firstPage
                highestPage = absolutePage
                if left >= 0, left < pages.count { freeIfDone(page: left) }
            } else if change < 0 {
                freeIfDone(page: page)
            }
        }
    }

    /// Frees a page with no orders left once ids have moved past it, and
    /// drops the freed pages at the front.
    mutating func freeIfDone(page: Int) {
        guard pages[page].live == 0, firstPage + page < highestPage, !pages[page].entries.isEmpty else { return }
        pages[page].entries = []
        var leading = 0
        while leading < pages.count, pages[leading].entries.isEmpty, firstPage + leading < highestPage { leading += 1 }
        if leading >= 64 {
            pages.removeFirst(leading)
            firstPage += leading
        }
    }

    /// Pages holding entries, for tests of what a long run keeps.
    var allocatedPages: Int { pages.reduce(0) { $0 + ($1.entries.isEmpty ? 0 : 1) } }

    static func pack(_ location: Location) -> UInt64 {
        precondition(location.participant >= 0 && location.position >= 0, "negative location")
        return (UInt64(location.participant) << 32 | UInt64(location.position)) + 1
    }

    static func unpack(_ entry: UInt64) -> Location {
        let value = entry - 1
        return Location(participant: Int32(truncatingIfNeeded: value >> 32), position: Int32(truncatingIfNeeded: value))
    }
}
