#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A UDP socket on a free loopback port that receives a venue's feed. A
/// receive gives up after `readTimeoutSeconds`.
final class LoopbackUDPReceiver {
    static let readTimeoutSeconds = 10
    let descriptor: Int32
    let port: Int

    init() throws {
        let descriptor = socket(AF_INET, Int32(SOCK_DGRAM.rawValue), 0)
        var timeout = timeval(tv_sec: Self.readTimeoutSeconds, tv_usec: 0)
        setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        port = try LoopbackTCPSocket.bindToFreeLoopbackPort(descriptor, listening: false, what: "bind a loopback UDP port")
        self.descriptor = descriptor
    }

    deinit { close(descriptor) }

    /// The next datagram; throws when none arrives in time.
    func receive() throws -> [UInt8] {
        var datagram = [UInt8](repeating: 0, count: 65_536)
        let count = datagram.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
        guard count >= 0 else {
            throw LoopbackTCPSocket.Failure(description: "no datagram within \(Self.readTimeoutSeconds) s (errno \(errno))")
        }
        return Array(datagram[0..<count])
    }
}
