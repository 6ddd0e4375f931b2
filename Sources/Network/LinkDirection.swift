import SimKernel

/// Why a link did not deliver a packet.
public enum LinkDropReason: Hashable, Sendable, CaseIterable {
    /// The transmit queue was full (tail drop).
    case queueFull
    /// The wire lost it (the loss model, or a scheduled degradation's added loss).
    case lost
    /// A scheduled fault had the link down (docs/network.md, "Faults").
    case linkDown
}

/// What became of one packet sent over a link direction.
public enum LinkOutcome: Hashable, Sendable {
    case dropped(LinkDropReason)
    /// It arrives once, at this time.
    case delivered(atNs: Int64)
    /// It arrives twice: two copies, both at this time, the copy just behind.
    case duplicated(atNs: Int64)

    /// The arrival time, or nil for a dropped packet.
    public var arrivalNs: Int64? {
        switch self {
        case .dropped: nil
        case .delivered(let atNs), .duplicated(let atNs): atNs
        }
    }
}

/// Counts of what one link direction carried. All sizes are on-wire bytes
/// as given by the sender (headers included).
public struct LinkStatistics: Hashable, Sendable {
    /// Packets and bytes offered to the link.
    public var packetsSent: UInt64 = 0
    public var bytesSent: UInt64 = 0
    /// Packets and bytes that arrived (a duplicated packet counts once here).
    public var packetsDelivered: UInt64 = 0
    public var bytesDelivered: UInt64 = 0
    public var packetsDuplicated: UInt64 = 0
    public var packetsReordered: UInt64 = 0
    public var droppedQueueFull: UInt64 = 0
    public var droppedLost: UInt64 = 0
    public var droppedLinkDown: UInt64 = 0
    /// The most bytes the transmit queue held at once (the packet being serialized included).
    public var queueHighWaterBytes: Int64 = 0

    public init() {}

    public func drops(_ reason: LinkDropReason) -> UInt64 {
        switch reason {
        case .queueFull: droppedQueueFull
        case .lost: droppedLost
        case .linkDown: droppedLinkDown
        }
    }

    /// Every packet sent was delivered or dropped, exactly once.
    public var isBalanced: Bool { packetsSent == packetsDelivered + droppedQueueFull + droppedLost + droppedLinkDown }
}

/// One direction of a link as a pure state machine: a packet and the time it
/// is sent go in, its fate comes out (`LinkDirectionConfig` describes the
/// steps). It reads no clock and schedules nothing; the caller delivers the
/// packet at the returned time.
///
/// Invariants: calls come in nondecreasing time; the transmitter serves
/// packets one at a time in the order sent; a packet that `reorder` did not
/// pick never arrives before one sent earlier that was not picked either.
public struct LinkDirection: Sendable {
    public let config: LinkDirectionConfig
    /// When the link is down or degraded; empty, it never is, and no
    /// random draw is spent on it.
    public let faults: LinkFaultSchedule
    public private(set) var statistics = LinkStatistics()
    /// Where the last delivered packet's time went.
    public private(set) var lastTiming = TransitTiming()

    var random: RandomStream
    /// When the transmitter finishes the last packet given to it.
    var transmitterFreeAtNs: Int64 = 0
    /// Arrival time of the latest packet that keeps FIFO order.
    var lastArrivalNs: Int64 = 0
    var lastSendNs: Int64 = .min
    var inBadState = false

    /// Packets given to the transmitter and not yet fully serialized, in
    /// order: when each finishes, and its size. Finish times never decrease,
    /// so the ones done by `now` are a prefix.
    var pendingFinishNs: [Int64] = []
    var pendingBytes: [Int64] = []
    var pendingHead = 0
    /// Bytes of `pending` from `pendingHead` on.
    var queuedBytes: Int64 = 0

    /// - Precondition: `config.firstProblem == nil`.
    public init(config: LinkDirectionConfig, random: RandomStream, faults: LinkFaultSchedule = .none) {
        precondition(config.firstProblem == nil, config.firstProblem ?? "")
        self.config = config
        self.faults = faults
        self.random = random
    }

    /// Bytes waiting for or in the transmitter at the last send.
    public var queuedBytesAtLastSend: Int64 { queuedBytes }

    /// Nanoseconds to clock `sizeBytes` onto the wire, rounded up; 0 with no bandwidth limit.
    ///
    /// - Complexity: O(1), integer arithmetic only.
    public static func serializationDelayNs(sizeBytes: Int, bandwidthBitsPerSecond: Int64) -> Int64 {
        precondition(sizeBytes >= 0, "negative packet size")
        guard bandwidthBitsPerSecond > 0 else { return 0 }
        // bits × 10⁹ / bps, rounded up; a 1 MiB packet is 8.4 × 10¹⁵ at most, far below Int64.max.
        let numerator = Int64(sizeBytes) * 8 * 1_000_000_000
        return (numerator + bandwidthBitsPerSecond - 1) / bandwidthBitsPerSecond
    }

    /// Sends one packet of `sizeBytes` on-wire bytes at `nowNs`.
    ///
    /// - Complexity: amortized O(1).
    public mutating func send(sizeBytes: Int, at nowNs: Int64) -> LinkOutcome {
        precondition(sizeBytes > 0 && sizeBytes <= LinkLimits.largestPacketBytes, "packet size \(sizeBytes) outside 1...\(LinkLimits.largestPacketBytes)")
        precondition(nowNs >= lastSendNs, "link sends must come in time order: \(nowNs) < \(lastSendNs)")
        lastSendNs = nowNs
        let size = Int64(sizeBytes)
        statistics.packetsSent += 1
        statistics.bytesSent += UInt64(size)

        // 0. A link that is down drops everything, before any queue.
        let faulted = !faults.isEmpty
        if faulted, faults.isDown(at: nowNs) {
            statistics.droppedLinkDown += 1
            return .dropped(.linkDown)
        }

        // 1. The transmit queue, as it stands at `nowNs`.
        drainTransmitter(upTo: nowNs)
        if config.queueLimitBytes > 0, queuedBytes + size > config.queueLimitBytes {
            statistics.droppedQueueFull += 1
            return .dropped(.queueFull)
        }

        // 2. Serialization, after whatever the transmitter is still sending.
        let startNs = max(nowNs, transmitterFreeAtNs)
        let finishNs = startNs + Self.serializationDelayNs(sizeBytes: sizeBytes, bandwidthBitsPerSecond: config.bandwidthBitsPerSecond)
        transmitterFreeAtNs = finishNs
        if finishNs > nowNs {
            pendingFinishNs.append(finishNs)
            pendingBytes.append(size)
            queuedBytes += size
            statistics.queueHighWaterBytes = max(statistics.queueHighWaterBytes, queuedBytes)
        }

        // 3. Loss on the wire: the packet was serialized all the same.
        if isLost() {
            statistics.droppedLost += 1
            return .dropped(.lost)
        }
        let degradation = faulted ? faults.degradation(at: nowNs) : (addedDelayNs: 0, addedLoss: 0)
        if degradation.addedLoss > 0, random.nextUnitInterval() < degradation.addedLoss {
            statistics.droppedLost += 1
            return .dropped(.lost)
        }

        // 4. Propagation and jitter; FIFO unless picked for reordering.
        let propagationNs = config.propagationDelayNs + degradation.addedDelayNs
        var arrivalNs = finishNs + propagationNs + config.jitter.sampleNs(&random)
        if let reorder = config.reorder, reorder.probability > 0, random.nextUnitInterval() < reorder.probability {
            arrivalNs += reorder.delayNs
            statistics.packetsReordered += 1
        } else {
            arrivalNs = max(arrivalNs, lastArrivalNs)
            lastArrivalNs = arrivalNs
        }
        statistics.packetsDelivered += 1
        statistics.bytesDelivered += UInt64(size)
        lastTiming = TransitTiming(queueingNs: startNs - nowNs, serializationNs: finishNs - startNs, propagationNs: propagationNs,
                                   jitterNs: arrivalNs - finishNs - propagationNs)

        // 5. Duplication.
        if config.duplicateProbability > 0, random.nextUnitInterval() < config.duplicateProbability {
            statistics.packetsDuplicated += 1
            return .duplicated(atNs: arrivalNs)
        }
        return .delivered(atNs: arrivalNs)
    }

    /// Sends a retransmission of a packet at `atNs`, which may be later than
    /// packets sent since (a transport's retransmission timer decided it
    /// when the first copy was sent). It goes out beside the transmit queue:
    /// serialization, loss, propagation and jitter apply, but it neither
    /// waits for nor occupies the queue, and it holds back no later packet.
    /// No duplication or reordering: the transport orders its own stream.
    ///
    /// Its loss is drawn at the loss model's long-run rate and leaves the
    /// Gilbert–Elliott state alone: the state moves per packet sent now,
    /// while the retransmission goes out a timeout later, after many other
    /// packets, when the burst that lost the original has long mixed away.
    /// A retransmission at a time the fault schedule has the link down is
    /// dropped (`linkDown`), so a transport backs off through an outage.
    public mutating func resend(sizeBytes: Int, at atNs: Int64) -> LinkOutcome {
        precondition(sizeBytes > 0 && sizeBytes <= LinkLimits.largestPacketBytes, "packet size \(sizeBytes) outside 1...\(LinkLimits.largestPacketBytes)")
        statistics.packetsSent += 1
        statistics.bytesSent += UInt64(sizeBytes)
        let faulted = !faults.isEmpty
        if faulted, faults.isDown(at: atNs) {
            statistics.droppedLinkDown += 1
            return .dropped(.linkDown)
        }
        let finishNs = atNs + Self.serializationDelayNs(sizeBytes: sizeBytes, bandwidthBitsPerSecond: config.bandwidthBitsPerSecond)
        let lossProbability = config.loss.longRunLossRate
        if lossProbability > 0, random.nextUnitInterval() < lossProbability {
            statistics.droppedLost += 1
            return .dropped(.lost)
        }
        let degradation = faulted ? faults.degradation(at: atNs) : (addedDelayNs: 0, addedLoss: 0)
        if degradation.addedLoss > 0, random.nextUnitInterval() < degradation.addedLoss {
            statistics.droppedLost += 1
            return .dropped(.lost)
        }
        statistics.packetsDelivered += 1
        statistics.bytesDelivered += UInt64(sizeBytes)
        let propagationNs = config.propagationDelayNs + degradation.addedDelayNs
        let jitterNs = config.jitter.sampleNs(&random)
        lastTiming = TransitTiming(serializationNs: finishNs - atNs, propagationNs: propagationNs, jitterNs: jitterNs)
        return .delivered(atNs: finishNs + propagationNs + jitterNs)
    }

    /// Forgets the packets the transmitter has finished by `nowNs`.
    mutating func drainTransmitter(upTo nowNs: Int64) {
        while pendingHead < pendingFinishNs.count, pendingFinishNs[pendingHead] <= nowNs {
            queuedBytes -= pendingBytes[pendingHead]
            pendingHead += 1
        }
        if pendingHead == pendingFinishNs.count {
            pendingFinishNs.removeAll(keepingCapacity: true)
            pendingBytes.removeAll(keepingCapacity: true)
            pendingHead = 0
        } else if pendingHead >= 4_096, pendingHead * 2 >= pendingFinishNs.count {
            pendingFinishNs.removeFirst(pendingHead)
            pendingBytes.removeFirst(pendingHead)
            pendingHead = 0
        }
    }

    /// Draws the loss model for one packet that reached the wire, then
    /// moves the Gilbert–Elliott state.
    mutating func isLost() -> Bool {
        switch config.loss {
        case .none:
            return false
        case .bernoulli(let probability):
            return probability > 0 && random.nextUnitInterval() < probability
        case .gilbertElliott(let goodToBad, let badToGood, let lossInGood, let lossInBad):
            let lossProbability = inBadState ? lossInBad : lossInGood
            let lost = lossProbability > 0 && random.nextUnitInterval() < lossProbability
            let leave = inBadState ? badToGood : goodToBad
            if random.nextUnitInterval() < leave { inBadState.toggle() }
            return lost
        }
    }

    /// Checks the queue's bookkeeping; tests call it.
    public func checkInvariants() {
        precondition(pendingFinishNs.count == pendingBytes.count, "queue arrays out of step")
        var bytes: Int64 = 0
        var previous = Int64.min
        for index in pendingHead..<pendingFinishNs.count {
            precondition(pendingFinishNs[index] >= previous, "transmitter finish times go backwards")
            previous = pendingFinishNs[index]
            bytes += pendingBytes[index]
        }
        precondition(bytes == queuedBytes, "queued bytes \(queuedBytes) != \(bytes)")
        precondition(config.queueLimitBytes == 0 || queuedBytes <= config.queueLimitBytes, "queue above its limit")
        precondition(statistics.isBalanced, "packets sent != delivered + dropped")
    }
}

/// Where one packet's (or one TCP write's) time between its send and its
/// delivery went: the parts add up to the whole.
public struct TransitTiming: Hashable, Sendable {
    /// Waiting for the transmitter, behind packets sent before it.
    public var queueingNs: Int64 = 0
    /// Clocking its bytes onto the wire.
    public var serializationNs: Int64 = 0
    /// The link's latency, plus a degradation's added delay.
    public var propagationNs: Int64 = 0
    /// The jitter draw, a reordering hold-back, and waiting not to overtake
    /// an earlier packet (FIFO).
    public var jitterNs: Int64 = 0
    /// TCP: from the first send until the attempt that got through.
    public var retransmissionNs: Int64 = 0
    /// TCP: arrived, then waited in the receive buffer for an earlier segment.
    public var heldForOrderNs: Int64 = 0

    public init(queueingNs: Int64 = 0, serializationNs: Int64 = 0, propagationNs: Int64 = 0, jitterNs: Int64 = 0,
                retransmissionNs: Int64 = 0, heldForOrderNs: Int64 = 0) {
        self.queueingNs = queueingNs
        self.serializationNs = serializationNs
        self.propagationNs = propagationNs
        self.jitterNs = jitterNs
        self.retransmissionNs = retransmissionNs
        self.heldForOrderNs = heldForOrderNs
    }

    public var totalNs: Int64 { queueingNs + serializationNs + propagationNs + jitterNs + retransmissionNs + heldForOrderNs }

    public static func += (lhs: inout Self, rhs: Self) {
        lhs.queueingNs += rhs.queueingNs
        lhs.serializationNs += rhs.serializationNs
        lhs.propagationNs += rhs.propagationNs
        lhs.jitterNs += rhs.jitterNs
        lhs.retransmissionNs += rhs.retransmissionNs
        lhs.heldForOrderNs += rhs.heldForOrderNs
    }
}
