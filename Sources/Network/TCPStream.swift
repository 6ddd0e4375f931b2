import SimKernel

/// A TCP sender's retransmission timer: the first retransmission of a lost
/// segment goes `initialRTONs` after the original, each further one after
/// twice the previous wait (exponential backoff, RFC 6298 §5.5) up to
/// `maxRTONs`; after `maxRetransmissions` the connection is given up.
public struct TCPRetransmissionConfig: Hashable, Sendable {
    public var initialRTONs: Int64
    public var maxRTONs: Int64
    public var maxRetransmissions: Int

    /// RFC 6298 asks for at least 1 s; a data-centre stack runs far lower
    /// (Linux's floor is 200 ms); 200 ms, 60 s and 15 are Linux's defaults
    /// (tcp_rto_min, TCP_RTO_MAX, tcp_retries2).
    public init(initialRTONs: Int64 = 200_000_000, maxRTONs: Int64 = 60_000_000_000, maxRetransmissions: Int = 15) {
        self.initialRTONs = initialRTONs
        self.maxRTONs = maxRTONs
        self.maxRetransmissions = maxRetransmissions
    }

    public var firstProblem: String? {
        if initialRTONs <= 0 { return "the retransmission timeout must be greater than zero" }
        if maxRTONs < initialRTONs { return "the largest retransmission timeout is below the first" }
        if maxRTONs > TCPStream.longestRTONs { return "the largest retransmission timeout is above \(TCPStream.longestRTONs) ns" }
        if !(0...TCPStream.mostRetransmissions).contains(maxRetransmissions) { return "retransmissions must be in 0...\(TCPStream.mostRetransmissions)" }
        return nil
    }

    /// From a segment's first send until the sender gives the connection
    /// up: every retransmission's wait, and one more for the last of them.
    public var giveUpAfterNs: Int64 {
        (1...maxRetransmissions + 1).reduce(0) { $0 + timeoutNs(beforeRetransmission: $1) }
    }

    /// The wait before retransmission number `attempt` (1-based).
    public func timeoutNs(beforeRetransmission attempt: Int) -> Int64 {
        precondition(attempt >= 1, "retransmissions count from 1")
        var timeout = initialRTONs
        for _ in 1..<attempt {
            guard timeout < maxRTONs else { break }
            timeout = min(timeout * 2, maxRTONs)
        }
        return timeout
    }
}

/// What became of a segment sent over a TCP stream.
public enum TCPSendOutcome: Hashable, Sendable {
    /// The receiver's socket hands it to the application at this time, after
    /// every earlier segment of the stream.
    case delivered(atNs: Int64, retransmissions: Int)
    /// Every retransmission was lost too: the sender gives the connection up.
    /// The stream stays broken; later segments come back broken as well.
    case broken
}

/// Counts of one TCP stream direction.
public struct TCPStreamStatistics: Hashable, Sendable {
    public var segments: UInt64 = 0
    public var bytes: UInt64 = 0
    /// Retransmissions sent (a segment lost twice counts two).
    public var retransmissions: UInt64 = 0
    /// Segments that arrived before an earlier one and waited for it in the
    /// receive buffer (head-of-line blocking).
    public var segmentsHeldForOrder: UInt64 = 0
    /// Second copies the receiver threw away.
    public var duplicatesDiscarded: UInt64 = 0
    /// 1 once the stream gave up.
    public var breaks: UInt64 = 0

    public init() {}

    public static func += (lhs: inout Self, rhs: Self) {
        lhs.segments += rhs.segments
        lhs.bytes += rhs.bytes
        lhs.retransmissions += rhs.retransmissions
        lhs.segmentsHeldForOrder += rhs.segmentsHeldForOrder
        lhs.duplicatesDiscarded += rhs.duplicatesDiscarded
        lhs.breaks += rhs.breaks
    }
}

/// One direction of a TCP connection over a `LinkDirection`, as a pure state
/// machine: TCP's reliability and ordering, not its bytes. A lost segment
/// costs a retransmission timeout (with backoff) and arrives late; segments
/// behind it wait in the receive buffer, so the byte stream is never
/// reordered; duplicates are discarded. Several streams may share one link.
///
/// `send` takes one segment's on-wire size (payload plus TCP/IP/Ethernet
/// headers); `sendWrite` cuts an application write into segments first.
public struct TCPStream: Sendable {
    public static let longestRTONs: Int64 = 120 * 1_000_000_000
    public static let mostRetransmissions = 30
    /// A TCP segment carries at most this much payload (a 1,500-byte
    /// Ethernet MTU less IPv4 and TCP headers); a longer write is several
    /// segments, delivered when the last one is.
    public static let maximumSegmentBytes = 1_460

    public let retransmission: TCPRetransmissionConfig
    public private(set) var statistics = TCPStreamStatistics()
    /// When the receiver last handed a segment to the application.
    var lastDeliveredNs: Int64 = .min
    /// Where the last delivered segment's time went, retransmissions and
    /// the wait for order included.
    public private(set) var lastTiming = TransitTiming()
    public private(set) var isBroken = false

    public init(retransmission: TCPRetransmissionConfig) {
        precondition(retransmission.firstProblem == nil, retransmission.firstProblem ?? "")
        self.retransmission = retransmission
    }

    /// Sends one segment of `sizeBytes` at `nowNs` over `link`.
    ///
    /// - Complexity: O(retransmissions) ≤ O(`maxRetransmissions`).
    public mutating func send(sizeBytes: Int, at nowNs: Int64, over link: inout LinkDirection) -> TCPSendOutcome {
        send(sizeBytes: sizeBytes, at: nowNs, overPath: &link)
    }

    /// Sends one segment over a redundant path, whose route picks a link for
    /// each attempt.
    public mutating func send(sizeBytes: Int, at nowNs: Int64, over path: inout RedundantPath) -> TCPSendOutcome {
        send(sizeBytes: sizeBytes, at: nowNs, overPath: &path)
    }

    /// Sends one segment over a venue's redundant path that its primary
    /// reaches over the shared link `shared` (`RedundantPath.send(sizeBytes:at:via:)`).
    public mutating func send(sizeBytes: Int, at nowNs: Int64, over path: inout RedundantPath,
                              via shared: inout LinkDirection) -> TCPSendOutcome {
        withUnsafeMutablePointer(to: &path) { path in
            withUnsafeMutablePointer(to: &shared) { shared in
                var viaShared = PathViaSharedLink(path: path, shared: shared)
                return send(sizeBytes: sizeBytes, at: nowNs, overPath: &viaShared)
            }
        }
    }

    /// One application write of `payloadBytes`, sent at `nowNs` over `path`
    /// as segments of at most `maximumSegmentBytes`: when the last segment
    /// is delivered, or nil once one breaks the connection.
    public mutating func sendWrite(payloadBytes: Int, at nowNs: Int64, over path: inout RedundantPath) -> Int64? {
        sendWrite(payloadBytes: payloadBytes, at: nowNs, overPath: &path)
    }

    /// A write over a venue's redundant path that its primary reaches over
    /// the shared link `shared`, as `sendWrite(payloadBytes:at:over:)`.
    public mutating func sendWrite(payloadBytes: Int, at nowNs: Int64, over path: inout RedundantPath,
                                   via shared: inout LinkDirection) -> Int64? {
        withUnsafeMutablePointer(to: &path) { path in
            withUnsafeMutablePointer(to: &shared) { shared in
                var viaShared = PathViaSharedLink(path: path, shared: shared)
                return sendWrite(payloadBytes: payloadBytes, at: nowNs, overPath: &viaShared)
            }
        }
    }

    @inline(__always)
    mutating func sendWrite<Path: PacketPath>(payloadBytes: Int, at nowNs: Int64, overPath path: inout Path) -> Int64? {
        precondition(payloadBytes > 0, "an empty write")
        var remaining = payloadBytes
        var deliveredNs = nowNs
        while remaining > 0 {
            let segment = min(remaining, Self.maximumSegmentBytes)
            remaining -= segment
            switch send(sizeBytes: segment + WireOverhead.tcpIPv4Bytes, at: nowNs, overPath: &path) {
            case .delivered(let atNs, _): deliveredNs = atNs
            case .broken: return nil
            }
        }
        return deliveredNs
    }

    // One body for all, specialized here: a public generic would run
    // unspecialized, through witness tables, from the modules that call it.
    @inline(__always)
    mutating func send<Path: PacketPath>(sizeBytes: Int, at nowNs: Int64, overPath link: inout Path) -> TCPSendOutcome {
        guard !isBroken else { return .broken }
        statistics.segments += 1
        statistics.bytes += UInt64(sizeBytes)
        var outcome = link.send(sizeBytes: sizeBytes, at: nowNs)
        var attemptNs = nowNs
        var retransmissions = 0
        while outcome.arrivalNs == nil {
            guard retransmissions < retransmission.maxRetransmissions else {
                isBroken = true
                statistics.breaks += 1
                return .broken
            }
            retransmissions += 1
            attemptNs += retransmission.timeoutNs(beforeRetransmission: retransmissions)
            outcome = link.resend(sizeBytes: sizeBytes, at: attemptNs)
        }
        statistics.retransmissions += UInt64(retransmissions)
        if case .duplicated = outcome { statistics.duplicatesDiscarded += 1 }
        let arrivalNs = outcome.arrivalNs!
        var deliveredNs = arrivalNs
        if deliveredNs < lastDeliveredNs {
            statistics.segmentsHeldForOrder += 1
            deliveredNs = lastDeliveredNs
        }
        lastDeliveredNs = deliveredNs
        lastTiming = link.lastTiming
        lastTiming.retransmissionNs = attemptNs - nowNs
        lastTiming.heldForOrderNs = deliveredNs - arrivalNs
        return .delivered(atNs: deliveredNs, retransmissions: retransmissions)
    }
}
