import Foundation
import Testing
@testable import Replay
#if canImport(Glibc)
import Glibc
#endif

/// `UDPDatagramSender` onto a loopback socket: runs of datagrams of one
/// length go segmented (`UDP_SEGMENT`), and the receiver gets exactly the
/// datagrams sent, one by one, in order, as it does from the sender that
/// sends each on its own.
@Suite struct UDPDatagramSenderTests {
    /// A bound loopback UDP socket, read after the sends.
    final class Receiver {
        let descriptor: Int32
        let port: Int

        init() throws {
            let descriptor = socket(AF_INET, Int32(SOCK_DGRAM.rawValue), 0)
            self.descriptor = descriptor
            var size: Int32 = 16 << 20
            if setsockopt(descriptor, SOL_SOCKET, SO_RCVBUFFORCE, &size, socklen_t(MemoryLayout<Int32>.size)) != 0 {
                setsockopt(descriptor, SOL_SOCKET, SO_RCVBUF, &size, socklen_t(MemoryLayout<Int32>.size))
            }
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            var length = socklen_t(MemoryLayout<sockaddr_in>.size)
            let bound = withUnsafeMutablePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, length) == 0 && getsockname(descriptor, $0, &length) == 0 }
            }
            port = Int(UInt16(bigEndian: address.sin_port))
            try #require(bound, "a loopback UDP port")
        }

        deinit { close(descriptor) }

        func drain() -> [[UInt8]] {
            var datagrams: [[UInt8]] = []
            var buffer = [UInt8](repeating: 0, count: 65_536)
            while true {
                let count = buffer.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, Int32(MSG_DONTWAIT)) }
                if count < 0 { return datagrams }
                datagrams.append(Array(buffer[0..<count]))
            }
        }
    }

    /// Runs of one length: 100 of 36 bytes ended by a shorter one, 70 of
    /// 100 (more than a message's 64 segments), 3 of 9,000; an empty
    /// datagram, and lengths that change at every datagram. Each datagram
    /// is stamped with its index.
    static let datagrams: [[UInt8]] = {
        var lengths = Array(repeating: 36, count: 100) + [20] + Array(repeating: 100, count: 70) + [0]
        lengths += Array(repeating: 9_000, count: 3) + (1...40).map { 10 + $0 } + Array(repeating: 1_400, count: 10)
        return lengths.enumerated().map { index, length in (0..<length).map { UInt8(truncatingIfNeeded: index &* 31 &+ $0) } }
    }()

    func send(_ datagrams: [[UInt8]], segments: Bool) throws -> (received: [[UInt8]], segmented: Bool) {
        let receiver = try Receiver()
        let sender = try UDPDatagramSender(host: "127.0.0.1", port: receiver.port, segments: segments)
        let pointers = datagrams.map { datagram in
            let copy = UnsafeMutableRawPointer.allocate(byteCount: max(datagram.count, 1), alignment: 8)
            datagram.withUnsafeBytes { copy.copyMemory(from: $0.baseAddress!, byteCount: datagram.count) }
            return UnsafeRawPointer(copy)
        }
        defer { for pointer in pointers { pointer.deallocate() } }
        var payloads: [UnsafeRawPointer?] = pointers
        var lengths = datagrams.map(\.count)
        // In batches of at most the limit, as the replay hands them over.
        var first = 0
        while first < datagrams.count {
            let count = min(UDPDatagramSender.batchLimit, datagrams.count - first, 97)
            try payloads.withUnsafeMutableBufferPointer { payloads in
                try lengths.withUnsafeMutableBufferPointer { lengths in
                    try sender.send(payloads: payloads.baseAddress! + first, lengths: lengths.baseAddress! + first, count: count)
                }
            }
            first += count
        }
        return (receiver.drain(), sender.segments)
    }

    @Test func runsOfOneLengthArriveAsTheDatagramsSent() throws {
        let segmented = try send(Self.datagrams, segments: true)
        // This project's Linux kernels segment UDP (4.18 and later): the path was taken.
        #expect(segmented.segmented, "the kernel refused a segmented send")
        #expect(Self.firstDifference(segmented.received) == nil)
        let oneByOne = try send(Self.datagrams, segments: false)
        #expect(!oneByOne.segmented)
        #expect(Self.firstDifference(oneByOne.received) == nil)
    }

    /// Where `received` first departs from the datagrams sent, said short.
    static func firstDifference(_ received: [[UInt8]]) -> String? {
        if let index = zip(received, datagrams).enumerated().first(where: { $0.element.0 != $0.element.1 })?.offset {
            return "datagram \(index): \(received[index].count) bytes received, \(datagrams[index].count) sent"
        }
        return received.count == datagrams.count ? nil : "\(received.count) datagrams received, \(datagrams.count) sent"
    }
}
