import NIOCore

/// Sends a venue's MoldUDP64 packets as UDP datagrams to one unicast destination.
struct LiveFeedSender {
    let channel: any Channel
    let destination: SocketAddress

    func send(_ packet: [UInt8]) {
        let datagram = AddressedEnvelope(remoteAddress: destination, data: channel.allocator.buffer(bytes: packet))
        channel.writeAndFlush(datagram, promise: nil)
    }
}
