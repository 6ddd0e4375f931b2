/// Planned and actual send times of one connection's orders, indexed by the
/// order's number on that connection (its token). Allocated once for the
/// whole run, so that steady state allocates nothing per order.
struct LoadOrderTimes {
    static let unanswered: UInt8 = 0
    static let answered: UInt8 = 1

    var plannedNs: [Int64]
    var sentNs: [Int64]
    var answer: [UInt8]
    var filled: [Bool]

    init(capacity: Int) {
        plannedNs = Array(repeating: 0, count: capacity)
        sentNs = Array(repeating: 0, count: capacity)
        answer = Array(repeating: Self.unanswered, count: capacity)
        filled = Array(repeating: false, count: capacity)
    }

    var capacity: Int { plannedNs.count }

    /// Grows (doubling) only when `--ping` outlasts its first guess.
    mutating func reserve(_ index: Int) {
        guard index >= capacity else { return }
        let extra = capacity
        plannedNs.append(contentsOf: repeatElement(0, count: extra))
        sentNs.append(contentsOf: repeatElement(0, count: extra))
        answer.append(contentsOf: repeatElement(Self.unanswered, count: extra))
        filled.append(contentsOf: repeatElement(false, count: extra))
    }
}
