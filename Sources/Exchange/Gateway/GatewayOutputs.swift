import Wire

/// Everything one gateway input asks the driver to do: bytes and timers per
/// order-entry connection, and market-data packets to multicast.
public struct GatewayOutputs: Sendable {
    /// Output of each connection, indexed by connection number.
    public internal(set) var connections: [ConnectionOutput] = []
    /// Connections that have output, in the order they first got some: the
    /// order a driver must carry them out in, to stay deterministic.
    public internal(set) var touched: [Int32] = []
    /// MoldUDP64 packets for the venue's feed, in order.
    public internal(set) var feedPackets = FeedPacketList()
    /// Answers to MoldUDP64 re-requests, to send back to the requester.
    public internal(set) var feedRetransmissions: [[UInt8]] = []
    /// Call `feedTimerFired` at this time, replacing the armed feed timer.
    public internal(set) var feedTimerAtNs: Int64? = nil

    public init() {}

    /// Empties everything, keeping capacity.
    public mutating func removeAll() {
        // Called after every gateway input: an empty list is left alone, as
        // even a no-op removeAll checks uniqueness and walks a replace path.
        for index in touched { connections[Int(index)].removeAll() }
        touched.removeAllReusingCapacity()
        feedPackets.removeAll()
        if !feedRetransmissions.isEmpty { feedRetransmissions.removeAll(keepingCapacity: true) }
        feedTimerAtNs = nil
    }

    mutating func ensureCapacity(connections count: Int) {
        while connections.count < count { connections.append(ConnectionOutput()) }
    }

    /// Runs `body` on a connection's output, noting it as touched if it gains anything.
    mutating func withOutput(of connection: Int32, _ body: (inout ConnectionOutput) -> Void) {
        let index = Int(connection)
        let wasEmpty = connections[index].isEmpty
        body(&connections[index])
        if wasEmpty, !connections[index].isEmpty { touched.append(connection) }
    }

    mutating func absorb(_ actions: [ITCHFeedPublisher.Action]) {
        for action in actions {
            switch action {
            case .send(let packet): packet.withUnsafeBytes { feedPackets.append($0) }
            case .armHeartbeatTimer(let atNs): feedTimerAtNs = atNs
            }
        }
    }
}

extension GatewayOutputs: MoldUDP64PacketSink {
    /// A packet from the venue's feed publisher, written in place.
    public mutating func send(packet: UnsafeRawBufferPointer) { feedPackets.append(packet) }
}
