import NIOCore

/// Keeps a copy of a venue's traffic as it passes the venue's sockets:
/// `exsim serve --capture` writes it to a pcap or pcapng file. Live itself
/// records nothing; the venue only reports what it read and wrote.
///
/// The venues call it from their own event loops, several at once when
/// several venues run: an implementation serialises its calls and stamps
/// each record with the time itself, so that its records stay in time order.
public protocol LiveTrafficRecorder: AnyObject, Sendable {
    /// A TCP connection the venue accepted; `client` is the remote end,
    /// `server` the venue's.
    func tcpOpened(_ connection: ObjectIdentifier, client: SocketAddress?, server: SocketAddress?)
    /// Bytes the venue read from (`fromClient`) or wrote to a connection.
    func tcpBytes(_ connection: ObjectIdentifier, fromClient: Bool, _ bytes: UnsafeRawBufferPointer)
    /// The connection closed.
    func tcpClosed(_ connection: ObjectIdentifier)
    /// A datagram the venue sent or received (the feed, re-requests and their answers).
    func udpDatagram(from source: SocketAddress?, to destination: SocketAddress?, _ bytes: UnsafeRawBufferPointer)
}
