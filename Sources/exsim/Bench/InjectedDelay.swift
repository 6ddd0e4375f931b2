/// A deliberate slowdown, compiled in only with `-Xswiftc -DEXSIM_INJECT_DELAY`:
/// the build that `scripts/gate-selftest.sh` makes to prove that the gate
/// rejects a slower exsim. Without the flag every function here is empty.
enum InjectedDelay {
    /// Busy-waits this long per gateway message in `exsim bench gateway`.
    static let perMessageNs: Int64 = 2_000

    @inline(__always)
    static func perMessage() {
        #if EXSIM_INJECT_DELAY
        spin(ns: perMessageNs)
        #endif
    }

    /// After a simulated run that took `elapsedNs`, busy-waits as long
    /// again, inside the run's timed span: the run looks twice as slow.
    @inline(__always)
    static func afterRun(elapsedNs: Int64) {
        #if EXSIM_INJECT_DELAY
        spin(ns: elapsedNs)
        #endif
    }

    static var isCompiledIn: Bool {
        #if EXSIM_INJECT_DELAY
        true
        #else
        false
        #endif
    }

    static func spin(ns: Int64) {
        let until = WallClock.nowNs() + ns
        while WallClock.nowNs() < until {}
    }
}
