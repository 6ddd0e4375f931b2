import Capture
import Foundation
import Live
import NIOCore

/// `exsim serve --capture`: the venues' traffic written to a pcap or pcapng
/// file as the venues saw it (docs/capture.md, "Live sessions"). Each TCP
/// connection gets a handshake when accepted, its bytes as segments in the
/// order the venue read and wrote them, and a FIN exchange when it closes;
/// the feed and the re-request service's datagrams are UDP. Timestamps are
/// the wall clock when the venue handed the bytes over, taken under the
/// lock that orders the records, so the file is in time order though
/// several venues' loops record at once.
final class CaptureTrafficRecorder: LiveTrafficRecorder, @unchecked Sendable {
    let path: String
    private let lock = NSLock()
    private let writer: CaptureWriter
    private var connections: [ObjectIdentifier: CapturedTCPConnection] = [:]
    private var lastNs: Int64 = 0
    /// The first write that failed; nothing is recorded after it.
    private var failure: CaptureWriteError?

    init(path: String) throws(CaptureWriteError) {
        self.path = path
        writer = try CaptureWriter(path: path)
    }

    func tcpOpened(_ connection: ObjectIdentifier, client: SocketAddress?, server: SocketAddress?) {
        record { (now: Int64) throws(CaptureWriteError) in
            if var earlier = connections.removeValue(forKey: connection) {
                try writer.closeTCP(&earlier, atNs: now, byClient: true)
            }
            let (clientHost, clientPort) = Self.endpoint(client)
            let (serverHost, serverPort) = Self.endpoint(server)
            connections[connection] = try writer.openTCP(atNs: now, client: clientHost, clientPort: clientPort,
                                                          server: serverHost, serverPort: serverPort)
        }
    }

    func tcpBytes(_ connection: ObjectIdentifier, fromClient: Bool, _ bytes: UnsafeRawBufferPointer) {
        record { (now: Int64) throws(CaptureWriteError) in
            guard var tcp = connections[connection] else { return }
            try writer.tcp(&tcp, atNs: now, fromClient: fromClient, payload: bytes)
            connections[connection] = tcp
        }
    }

    func tcpClosed(_ connection: ObjectIdentifier) {
        record { (now: Int64) throws(CaptureWriteError) in
            guard var tcp = connections.removeValue(forKey: connection) else { return }
            try writer.closeTCP(&tcp, atNs: now, byClient: true)
        }
    }

    func udpDatagram(from source: SocketAddress?, to destination: SocketAddress?, _ bytes: UnsafeRawBufferPointer) {
        record { (now: Int64) throws(CaptureWriteError) in
            let (sourceHost, sourcePort) = Self.endpoint(source)
            let (destinationHost, destinationPort) = Self.endpoint(destination)
            try writer.udp(atNs: now, from: sourceHost, port: sourcePort, to: destinationHost, port: destinationPort,
                           payload: bytes)
        }
    }

    /// Closes the connections still open, writes what is buffered and
    /// closes the file. Returns the packets written, or why the capture is
    /// incomplete.
    func finish() -> Result<Int, CaptureWriteError> {
        lock.lock()
        defer { lock.unlock() }
        if failure == nil {
            do throws(CaptureWriteError) {
                let now = max(lastNs, Self.wallClockNs())
                // Connections the venue did not see close before the end: the venue closes them.
                for var tcp in connections.values { try writer.closeTCP(&tcp, atNs: now, byClient: false) }
                connections.removeAll()
                try writer.finish()
            } catch {
                failure = error
            }
        }
        if let failure { return .failure(failure) }
        return .success(writer.packetsWritten)
    }

    private func record(_ body: (Int64) throws(CaptureWriteError) -> Void) {
        lock.lock()
        defer { lock.unlock() }
        guard failure == nil else { return }
        // The wall clock may step back; the file's records may not.
        let now = max(lastNs, Self.wallClockNs())
        lastNs = now
        do throws(CaptureWriteError) {
            try body(now)
        } catch {
            failure = error
        }
    }

    static func wallClockNs() -> Int64 {
        var time = timespec()
        clock_gettime(CLOCK_REALTIME, &time)
        return Int64(time.tv_sec) * 1_000_000_000 + Int64(time.tv_nsec)
    }

    /// The IPv4 host and port of an address; other families (IPv6, UNIX)
    /// are written as 0.0.0.0, port 0, since the capture frames IPv4 only.
    static func endpoint(_ address: SocketAddress?) -> (CaptureHost, UInt16) {
        guard case .v4(let v4)? = address else { return (CaptureHost(0, 0, 0, 0), 0) }
        return (CaptureHost(ipv4Address: UInt32(bigEndian: v4.address.sin_addr.s_addr)),
                UInt16(bigEndian: v4.address.sin_port))
    }
}
