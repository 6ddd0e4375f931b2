extension Array {
    /// Empties a list that is refilled on every call, keeping its capacity.
    ///
    /// `removeAll(keepingCapacity:)` goes through the generic
    /// `replaceSubrange`, about 100 instructions even for one element, and
    /// the gateway's scratch lists (requests, engine events, reports, feed
    /// updates) hold a handful per call: popping them is cheaper. Public for
    /// the simulator's own scratch lists (a participant's client events).
    @inlinable @inline(__always)
    public mutating func removeAllReusingCapacity() {
        if count > 4 {
            removeAll(keepingCapacity: true)
        } else {
            while popLast() != nil {}
        }
    }
}
