/// Where a reassembled TCP byte stream goes: bytes in sequence order, and
/// holes where the capture lost bytes (never filled in).
public protocol TCPStreamSink {
    /// The next bytes of the stream, in order. Valid only during the call.
    mutating func streamBytes(_ bytes: UnsafeRawBufferPointer, timestampNs: Int64)
    /// `byteCount` bytes of the stream are missing from the capture here;
    /// the bytes that follow do not continue what came before.
    mutating func streamHole(byteCount: Int, timestampNs: Int64)
}

/// Reassembles one direction of a TCP connection from captured segments:
/// in-order bytes pass straight through, segments ahead of the next
/// expected byte wait (copied) until the bytes before them arrive, and
/// retransmitted or overlapping bytes already delivered are dropped. A
/// hole is reported, never papered over, when the bytes waiting exceed
/// `maximumBufferedBytes` or the stream ends with bytes missing.
///
/// Sequence numbers compare modulo 2^32 (RFC 1982 serial arithmetic).
public struct TCPStreamReassembler {
    struct Pending {
        var sequence: UInt32
        var bytes: [UInt8]
        var timestampNs: Int64
    }

    /// The most out-of-order bytes held before the first missing range is
    /// declared a hole.
    public let maximumBufferedBytes: Int
    /// The sequence number of the next byte expected; nil before the first
    /// segment (a capture may start mid-connection).
    public private(set) var nextSequence: UInt32?
    /// The sequence number of the FIN, once seen.
    public private(set) var finSequence: UInt32?
    var pending: [Pending] = []
    public private(set) var bufferedByteCount = 0

    public private(set) var segmentCount = 0
    public private(set) var deliveredByteCount: Int64 = 0
    /// Segments whose bytes had all been delivered already.
    public private(set) var retransmittedSegmentCount = 0
    /// Bytes dropped because an earlier segment had delivered them.
    public private(set) var overlappingByteCount: Int64 = 0
    /// Segments that arrived ahead of a missing byte and waited.
    public private(set) var outOfOrderSegmentCount = 0
    public private(set) var holeCount = 0
    public private(set) var missingByteCount: Int64 = 0

    public init(maximumBufferedBytes: Int = 4 << 20) {
        precondition(maximumBufferedBytes > 0)
        self.maximumBufferedBytes = maximumBufferedBytes
    }

    /// True once the FIN's sequence number is reached: every byte before it delivered.
    public var isFinished: Bool { finSequence != nil && finSequence == nextSequence }

    /// One captured segment of this direction.
    public mutating func segment<Sink: TCPStreamSink>(
        sequence: UInt32, flags: UInt8, payload: UnsafeRawBufferPointer, timestampNs: Int64, sink: inout Sink
    ) {
        segmentCount += 1
        let isSYN = flags & 0x02 != 0
        let isFIN = flags & 0x01 != 0
        var dataSequence = sequence
        if isSYN {
            // SYN takes one sequence number; data (rare) follows it.
            dataSequence = sequence &+ 1
            if nextSequence == nil { nextSequence = dataSequence }
        }
        if nextSequence == nil { nextSequence = dataSequence }
        if isFIN { finSequence = dataSequence &+ UInt32(payload.count) }
        if !payload.isEmpty { accept(dataSequence, payload, timestampNs: timestampNs, sink: &sink) }
    }

    /// Ends the stream (connection closed, reset or the capture over):
    /// whatever still waits is delivered after the holes before it, and
    /// bytes missing before a seen FIN are a hole too.
    public mutating func finish<Sink: TCPStreamSink>(timestampNs: Int64, sink: inout Sink) {
        while !pending.isEmpty { skipToFirstPending(sink: &sink) }
        if let fin = finSequence, let next = nextSequence {
            let missing = Int32(bitPattern: fin &- next)
            if missing > 0 { reportHole(Int(missing), timestampNs: timestampNs, sink: &sink); nextSequence = fin }
        }
    }

    mutating func accept<Sink: TCPStreamSink>(
        _ sequence: UInt32, _ payload: UnsafeRawBufferPointer, timestampNs: Int64, sink: inout Sink
    ) {
        let next = nextSequence!
        let offset = Int(Int32(bitPattern: sequence &- next))
        if offset + payload.count <= 0 {
            retransmittedSegmentCount += 1
            overlappingByteCount += Int64(payload.count)
            return
        }
        if offset <= 0 {
            overlappingByteCount += Int64(-offset)
            deliver(UnsafeRawBufferPointer(rebasing: payload[(-offset)...]), timestampNs: timestampNs, sink: &sink)
            drain(sink: &sink)
            return
        }
        hold(sequence, payload, timestampNs: timestampNs)
        while bufferedByteCount > maximumBufferedBytes { skipToFirstPending(sink: &sink) }
    }

    mutating func deliver<Sink: TCPStreamSink>(_ bytes: UnsafeRawBufferPointer, timestampNs: Int64, sink: inout Sink) {
        sink.streamBytes(bytes, timestampNs: timestampNs)
        deliveredByteCount += Int64(bytes.count)
        nextSequence = nextSequence! &+ UInt32(bytes.count)
    }

    /// Keeps a segment that lies ahead of the next expected byte, ordered by
    /// its distance from it. A segment already waiting whole is a retransmission.
    mutating func hold(_ sequence: UInt32, _ payload: UnsafeRawBufferPointer, timestampNs: Int64) {
        let next = nextSequence!
        let distance = Int32(bitPattern: sequence &- next)
        var index = pending.count
        for (position, waiting) in pending.enumerated() {
            let waitingDistance = Int32(bitPattern: waiting.sequence &- next)
            if waitingDistance == distance && waiting.bytes.count >= payload.count {
                retransmittedSegmentCount += 1
                overlappingByteCount += Int64(payload.count)
                return
            }
            if waitingDistance > distance { index = position; break }
        }
        outOfOrderSegmentCount += 1
        pending.insert(Pending(sequence: sequence, bytes: Array(payload), timestampNs: timestampNs), at: index)
        bufferedByteCount += payload.count
    }

    /// Delivers waiting segments that the next expected byte has reached.
    mutating func drain<Sink: TCPStreamSink>(sink: inout Sink) {
        while let first = pending.first {
            let offset = Int(Int32(bitPattern: first.sequence &- nextSequence!))
            if offset > 0 { return }
            pending.removeFirst()
            bufferedByteCount -= first.bytes.count
            if offset + first.bytes.count <= 0 {
                overlappingByteCount += Int64(first.bytes.count)
                continue
            }
            overlappingByteCount += Int64(-offset)
            first.bytes.withUnsafeBytes { bytes in
                deliver(UnsafeRawBufferPointer(rebasing: bytes[(-offset)...]), timestampNs: first.timestampNs, sink: &sink)
            }
        }
    }

    /// Declares the bytes before the first waiting segment lost, and goes on from it.
    mutating func skipToFirstPending<Sink: TCPStreamSink>(sink: inout Sink) {
        guard let first = pending.first else { return }
        let missing = Int(Int32(bitPattern: first.sequence &- nextSequence!))
        precondition(missing > 0, "a waiting segment the stream has reached is drained at once")
        reportHole(missing, timestampNs: first.timestampNs, sink: &sink)
        nextSequence = first.sequence
        drain(sink: &sink)
    }

    mutating func reportHole<Sink: TCPStreamSink>(_ byteCount: Int, timestampNs: Int64, sink: inout Sink) {
        holeCount += 1
        missingByteCount += Int64(byteCount)
        sink.streamHole(byteCount: byteCount, timestampNs: timestampNs)
    }

    /// Waiting segments lie strictly ahead of the next expected byte, in order,
    /// and their bytes add up to `bufferedByteCount`.
    public func checkInvariants() {
        var total = 0
        var previous: Int32 = 0
        for waiting in pending {
            let distance = Int32(bitPattern: waiting.sequence &- nextSequence!)
            precondition(distance > 0 && distance >= previous, "waiting segments ahead of the stream, in order")
            previous = distance
            total += waiting.bytes.count
        }
        precondition(total == bufferedByteCount)
    }
}
