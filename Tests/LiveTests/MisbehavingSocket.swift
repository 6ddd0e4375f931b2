#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A loopback TCP client that behaves badly on purpose: it may shrink its
/// receive buffer before connecting (a slow reader), write into a
/// connection the venue has closed without dying of SIGPIPE, and tell a
/// closed connection from a quiet one.
final class MisbehavingSocket {
    typealias Failure = LoopbackTCPSocket.Failure
    let descriptor: Int32

    /// What a read found.
    enum ReadOutcome: Equatable {
        case bytes(Int)
        /// The venue closed the connection (end of stream, or a reset).
        case closed
        /// Nothing arrived within the timeout: the connection is still open.
        case quiet
    }

    init(port: Int, receiveBufferBytes: Int32? = nil) throws {
        descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw Failure(description: "socket() failed: errno \(errno)") }
        if var size = receiveBufferBytes {
            setsockopt(descriptor, SOL_SOCKET, SO_RCVBUF, &size, socklen_t(MemoryLayout<Int32>.size))
        }
        var sendTimeout = timeval(tv_sec: 10, tv_usec: 0)
        setsockopt(descriptor, SOL_SOCKET, SO_SNDTIMEO, &sendTimeout, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = UInt16(port).bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let status = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard status == 0 else {
            close(descriptor)
            throw Failure(description: "connect to 127.0.0.1:\(port) failed: errno \(errno)")
        }
    }

    deinit { close(descriptor) }

    /// Writes all of `bytes`; false once the venue has closed the connection.
    func write(_ bytes: [UInt8]) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let sent = bytes[offset...].withUnsafeBytes { send(descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if sent <= 0 { return false }
            offset += sent
        }
        return true
    }

    /// One read, waiting at most `timeoutMs`.
    func read(timeoutMs: Int) -> ReadOutcome {
        var poller = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
        guard poll(&poller, 1, Int32(timeoutMs)) > 0 else { return .quiet }
        var chunk = [UInt8](repeating: 0, count: 65_536)
        let count = chunk.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
        return count > 0 ? .bytes(count) : .closed
    }

    /// Reads whatever the venue sent until it closes; false if it is still
    /// open after `timeoutMs` without a byte.
    func drainUntilClosed(timeoutMs: Int = 10_000) -> Bool {
        for _ in 0..<100_000 {
            switch read(timeoutMs: timeoutMs) {
            case .closed: return true
            case .quiet: return false
            case .bytes: continue
            }
        }
        return false
    }

    /// Hangs up (FIN) without a goodbye, whatever was half written.
    func hangUp() {
        shutdown(descriptor, Int32(SHUT_RDWR))
    }
}
