import CReplaySend
#if canImport(Glibc)
import Glibc
#endif

/// Why a replay cannot send.
public struct ReplaySendError: Error, CustomStringConvertible, Sendable {
    public var description: String
    public init(_ description: String) { self.description = description }
}

/// One UDP socket connected to one IPv4 destination, sending several
/// datagrams per system call (sendmmsg). Connected, so the kernel looks the
/// route up once rather than per datagram; an ICMP "port unreachable" from
/// a destination nobody listens on then fails the next send with
/// ECONNREFUSED, which is counted and the send retried: a feed publisher
/// does not know who listens.
///
/// Consecutive datagrams of one length go as one message that the kernel
/// cuts into them (UDP segmentation offload, `UDP_SEGMENT`), so that the
/// sending path runs once per run of them rather than once per datagram:
/// at top speed that path is most of a replay's time. The receiver gets
/// the same datagrams. Where the kernel or the route cannot segment (a
/// datagram longer than the interface's MTU allows), the sender says so
/// once with EINVAL, EIO or EOPNOTSUPP and sends one by one from then on.
///
/// A class, because it owns the socket.
public final class UDPDatagramSender {
    /// The most datagrams one `send` hands to the kernel.
    public static let batchLimit = Int(EXSIM_SEND_BATCH_LIMIT)

    let descriptor: Int32
    var address: sockaddr_in
    public let destination: String

    /// Opens the socket and resolves `host` (an IPv4 address or a name) to an IPv4 address.
    /// `segments`: send runs of datagrams of one length segmented (the
    /// default), or every datagram on its own.
    public init(host: String, port: Int, segments: Bool = true) throws(ReplaySendError) {
        precondition((1...65_535).contains(port))
        self.segments = segments
        var hints = addrinfo()
        hints.ai_family = AF_INET
        hints.ai_socktype = Int32(SOCK_DGRAM.rawValue)
        var found: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(host, String(port), &hints, &found)
        guard status == 0, let found, let resolved = found.pointee.ai_addr else {
            let reason = status == 0 ? "no IPv4 address" : String(cString: gai_strerror(status))
            throw ReplaySendError("cannot resolve \(host): \(reason)")
        }
        address = resolved.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { $0.pointee }
        freeaddrinfo(found)
        let descriptor = socket(AF_INET, Int32(SOCK_DGRAM.rawValue), 0)
        guard descriptor >= 0 else {
            throw ReplaySendError("cannot open a UDP socket: \(String(cString: strerror(errno)))")
        }
        var bufferBytes: Int32 = 4 << 20
        _ = setsockopt(descriptor, SOL_SOCKET, SO_SNDBUF, &bufferBytes, socklen_t(MemoryLayout<Int32>.size))
        let connected = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard connected == 0 else {
            let reason = String(cString: strerror(errno))
            close(descriptor)
            throw ReplaySendError("cannot send to \(host):\(port): \(reason)")
        }
        self.descriptor = descriptor
        var text = [CChar](repeating: 0, count: Int(INET_ADDRSTRLEN))
        var ipv4 = address.sin_addr
        inet_ntop(AF_INET, &ipv4, &text, socklen_t(text.count))
        destination = "\(text.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }):\(port)"
    }

    deinit { close(descriptor) }

    /// Sends retried because the destination had answered an earlier datagram
    /// with ICMP port unreachable (nobody listening there).
    public private(set) var refusedCount = 0
    /// Whether runs of datagrams of one length still go segmented: until
    /// the kernel first refuses a segmented send.
    public private(set) var segments: Bool

    /// Sends `count` datagrams (at most `batchLimit`) whose bytes and
    /// lengths are given, in order, calling again when the kernel takes
    /// only some.
    /// - Throws: the error that stopped it; the datagrams before it were sent.
    public func send(payloads: UnsafePointer<UnsafeRawPointer?>, lengths: UnsafePointer<Int>, count: Int) throws(ReplaySendError) {
        precondition(count > 0 && count <= Self.batchLimit)
        var sent = 0
        var retries = 0
        while sent < count {
            let taken = segments
                ? exsim_send_datagrams_segmented(descriptor, payloads + sent, lengths + sent, UInt32(count - sent))
                : exsim_send_datagrams(descriptor, nil, 0, payloads + sent, lengths + sent, UInt32(count - sent))
            if taken > 0 {
                sent += Int(taken)
                continue
            }
            let code = errno
            // No segmentation here: the same datagrams, one by one.
            if segments, code == EINVAL || code == EIO || code == EOPNOTSUPP {
                segments = false
                continue
            }
            // An ICMP port unreachable for an earlier datagram; this one was not sent.
            if code == ECONNREFUSED && retries < Self.retryLimit {
                refusedCount += 1
                retries += 1
                continue
            }
            // A full socket buffer or the interface's queue: wait for room, as a blocking send would.
            if (code == EINTR || code == ENOBUFS || code == EAGAIN) && retries < Self.retryLimit {
                retries += 1
                continue
            }
            throw ReplaySendError("sending to \(destination): \(String(cString: strerror(code)))")
        }
    }

    /// Retries of one `send` (for lack of buffer space, or refused) before giving up.
    static let retryLimit = 1_000_000
}
