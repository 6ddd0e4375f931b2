import SimKernel

/// The classic "hold" model for event-queue benchmarks: a fixed population of
/// pending events; each delivery schedules one replacement at a random delay,
/// so the queue stays at its size while events flow through it.
struct KernelWorkload {
    struct Tick: TraceRecordable {
        var component: Int32
        func record(into digest: inout TraceDigest) { digest.absorb(UInt64(UInt32(bitPattern: component))) }
    }

    let pendingEvents: Int
    let deliveries: Int
    let seed: UInt64

    func run() -> (deliveries: Int, elapsedNs: Int64, digest: String) {
        var kernel = Kernel<Tick>(reservingCapacity: pendingEvents + 1)
        var random = RandomStream(seed: seed)
        for component in 0..<pendingEvents {
            kernel.schedule(Tick(component: Int32(component)), at: Nanoseconds(random.nextBelow(1_000_000)))
        }
        let start = WallClock.nowNs()
        var delivered = 0
        while delivered < deliveries, let tick = kernel.next() {
            delivered += 1
            kernel.schedule(tick, after: Nanoseconds(random.nextBelow(1_000_000)))
        }
        let elapsed = WallClock.nowNs() - start
        return (delivered, elapsed, kernel.digest.hex)
    }
}
