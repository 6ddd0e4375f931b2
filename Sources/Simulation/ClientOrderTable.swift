import MatchingEngine
import SimKernel

/// What a simulated participant is waiting for on one of its client order
/// ids, and which venue order the id stands for while it rests.
///
/// Packed into 40 bytes, since a page holds hundreds: an id is either a new
/// order's or a replacement's, so the two share their fields.
struct ClientOrderState {
    /// What a new order awaiting its answer needs once accepted.
    struct PendingNew {
        var sentAtNs: Nanoseconds
        var symbol: SymbolIndex
        var side: Side
        var type: OrderType
        var timeInForce: TimeInForce
        var price: Price
    }

    static let newPending: UInt8 = 1
    static let replacePending: UInt8 = 2
    static let cancelPending: UInt8 = 4
    static let resting: UInt8 = 8

    private var sentAtNs: Nanoseconds = 0
    private var cancelSentAtNs: Nanoseconds = 0
    private var orderID: UInt64 = 0
    /// A new order's price, or a replacement's previous id number.
    private var priceOrPrevious: Int64 = 0
    private var symbol = SymbolIndex(0)
    private var side = Side.buy
    private var type = OrderType.limit
    private var timeInForce = TimeInForce.day
    private var flags: UInt8 = 0

    var isEmpty: Bool { flags == 0 }

    /// The new order sent under this id, until the venue answers.
    var pendingNew: PendingNew? {
        get {
            guard flags & Self.newPending != 0 else { return nil }
            return PendingNew(sentAtNs: sentAtNs, symbol: symbol, side: side, type: type, timeInForce: timeInForce,
                              price: Price(priceOrPrevious))
        }
        set {
            guard let newValue else { return flags &= ~Self.newPending }
            precondition(flags & Self.replacePending == 0, "an id is a new order's or a replacement's, not both")
            sentAtNs = newValue.sentAtNs
            symbol = newValue.symbol
            side = newValue.side
            type = newValue.type
            timeInForce = newValue.timeInForce
            priceOrPrevious = newValue.price.rawValue
            flags |= Self.newPending
        }
    }

    /// For a replacement id: when the replace was sent and the number of the
    /// id it replaces, until answered.
    var pendingReplace: (sentAtNs: Nanoseconds, previous: UInt64)? {
        get { flags & Self.replacePending != 0 ? (sentAtNs, UInt64(bitPattern: priceOrPrevious)) : nil }
        set {
            guard let newValue else { return flags &= ~Self.replacePending }
            precondition(flags & Self.newPending == 0, "an id is a new order's or a replacement's, not both")
            sentAtNs = newValue.sentAtNs
            priceOrPrevious = Int64(bitPattern: newValue.previous)
            flags |= Self.replacePending
        }
    }

    /// When a cancel of the order known by this id was sent, until answered.
    var pendingCancelSentAtNs: Nanoseconds? {
        get { flags & Self.cancelPending != 0 ? cancelSentAtNs : nil }
        set {
            guard let newValue else { return flags &= ~Self.cancelPending }
            cancelSentAtNs = newValue
            flags |= Self.cancelPending
        }
    }

    /// The venue's order this id names while the order rests.
    var order: OrderID? {
        get { flags & Self.resting != 0 ? OrderID(orderID) : nil }
        set {
            guard let newValue else { return flags &= ~Self.resting }
            orderID = newValue.rawValue
            flags |= Self.resting
        }
    }
}

/// A participant's client order ids, by the number each carries.
///
/// A participant numbers its ids from 1 and answers come back within
/// microseconds, so the live ids form a narrow, moving window: a table of
/// pages indexed by number finds one with two indexed loads instead of a
/// hash probe, ids sent together share cache lines, and a page is recycled
/// once every id on it is done. Lookups of numbers never issued, or done
/// with, find nothing.
struct ClientOrderTable {
    static let pageBits = 6
    static let pageSize = 1 << pageBits

    /// For each page from `firstPage` on, where its states start in
    /// `storage` (a multiple of the page size), or -1 when it has none.
    var directory: ContiguousArray<Int32> = []
    var firstPage = 0
    /// Pages of states back to back, in one array so that an access checks
    /// one buffer's uniqueness, not two.
    var storage: ContiguousArray<ClientOrderState> = []
    /// Entries not empty, per page of `storage`.
    var live: ContiguousArray<Int32> = []
    /// The page number each page of `storage` serves.
    var pageOfChunk: ContiguousArray<Int> = []
    /// Pages of `storage` free for reuse.
    var freeChunks: ContiguousArray<Int32> = []
    /// The highest number stored so far: a page is recycled only once the
    /// numbering has passed it, since until then it may still be written.
    var highestNumber: UInt64 = 0
    /// Ids with something pending or resting.
    private(set) var count = 0

    /// The position of `number`'s state in `storage`, if its page has states.
    @inline(__always)
    func position(of number: UInt64) -> Int? {
        let page = Int(truncatingIfNeeded: number >> Self.pageBits) &- firstPage
        guard page >= 0, page < directory.count else { return nil }
        let chunk = Int(directory[page])
        guard chunk >= 0 else { return nil }
        return chunk << Self.pageBits | Int(truncatingIfNeeded: number) & (Self.pageSize - 1)
    }

    /// The venue's order that `number` names while it rests. Reads the one
    /// field: the whole state is several cache-line-sized copies away.
    func order(_ number: UInt64) -> OrderID? {
        guard let position = position(of: number) else { return nil }
        return storage[position].order
    }

    /// Calls `body` on the state of `number`, giving its page states if
    /// needed, and keeps the counts; returns what `body` returns.
    @inline(__always)
    mutating func update<Result>(_ number: UInt64, _ body: (inout ClientOrderState) -> Result) -> Result {
        let position: Int
        if let found = self.position(of: number) {
            position = found
        } else if number <= highestNumber {
            // Its page was recycled: the id was done, so usually there is
            // nothing to change. A venue that answers an id twice gets its
            // page back rather than a trap.
            var state = ClientOrderState()
            let result = body(&state)
            if !state.isEmpty {
                let position = restorePage(for: number)
                storage[position] = state
                noteLiveness(true, at: position)
            }
            return result
        } else {
            position = makePage(for: number)
        }
        let wasLive = !storage[position].isEmpty
        let result = body(&storage[position])
        let isLive = !storage[position].isEmpty
        if wasLive != isLive { noteLiveness(isLive, at: position) }
        return result
    }

    /// Gives the page of `number`, above every number so far, its states.
    mutating func makePage(for number: UInt64) -> Int {
        precondition(number > highestNumber && number > 0, "client order numbers rise from 1")
        let page = Int(truncatingIfNeeded: number >> Self.pageBits) - firstPage
        let leftPage = Int(truncatingIfNeeded: highestNumber >> Self.pageBits) - firstPage
        highestNumber = number
        if page > leftPage, leftPage >= 0, leftPage < directory.count {
            // The numbering leaves that page: recycle it if it is done.
            recycleIfDone(page: leftPage)
        }
        let relative = Int(truncatingIfNeeded: number >> Self.pageBits) - firstPage
        if relative >= directory.count {
            directory.append(contentsOf: repeatElement(-1, count: relative + 1 - directory.count))
        }
        if directory[relative] < 0 { assignChunk(toPage: relative) }
        return Int(directory[relative]) << Self.pageBits | Int(truncatingIfNeeded: number) & (Self.pageSize - 1)
    }

    /// Gives states again to the recycled page of `number`, at or below the
    /// highest number so far.
    mutating func restorePage(for number: UInt64) -> Int {
        let absolutePage = Int(truncatingIfNeeded: number >> Self.pageBits)
        if absolutePage < firstPage {
            directory.insert(contentsOf: repeatElement(-1, count: firstPage - absolutePage), at: 0)
            firstPage = absolutePage
        }
        let relative = absolutePage - firstPage
        precondition(directory[relative] < 0, "restoring a page that has states")
        assignChunk(toPage: relative)
        return Int(directory[relative]) << Self.pageBits | Int(truncatingIfNeeded: number) & (Self.pageSize - 1)
    }

    /// Gives page `relative` of the directory a chunk of storage, recycled or new.
    mutating func assignChunk(toPage relative: Int) {
        if let chunk = freeChunks.popLast() {
            directory[relative] = chunk
            pageOfChunk[Int(chunk)] = firstPage + relative
        } else {
            directory[relative] = Int32(live.count)
            live.append(0)
            pageOfChunk.append(firstPage + relative)
            storage.append(contentsOf: repeatElement(ClientOrderState(), count: Self.pageSize))
        }
    }

    mutating func noteLiveness(_ isLive: Bool, at position: Int) {
        let chunk = position >> Self.pageBits
        live[chunk] += isLive ? 1 : -1
        count += isLive ? 1 : -1
        guard !isLive, live[chunk] == 0 else { return }
        recycleIfDone(page: pageOfChunk[chunk] - firstPage)
    }

    /// Recycles a page with nothing live once the numbering has passed it,
    /// and drops recycled pages from the front so the directory's length
    /// follows the window.
    mutating func recycleIfDone(page: Int) {
        let chunk = directory[page]
        guard chunk >= 0, live[Int(chunk)] == 0,
              UInt64(firstPage + page + 1) << Self.pageBits - 1 < highestNumber else { return }
        directory[page] = -1
        freeChunks.append(chunk)
        var leading = 0
        while leading < directory.count - 1, directory[leading] < 0 { leading += 1 }
        if leading >= 64 {
            directory.removeFirst(leading)
            firstPage += leading
        }
    }

    /// Pages holding states, for tests of the window's length.
    var allocatedPages: Int { live.count - freeChunks.count }
}
