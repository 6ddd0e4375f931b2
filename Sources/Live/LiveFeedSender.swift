import NIOCore

/// Sends a venue's MoldUDP64 packets as UDP datagrams to one unicast destination.
struct LiveFeedSender {
    let channel: any Channel
    let destination: SocketAddress
    /// The buffer the last datagram went out in, kept for the next: a
    /// datagram is written at once, so the next one fills it in place.
    var spare = ReusedWriteBuffer(initialCapacity: 2_048)

    init(channel: any Channel, destination: SocketAddress) {
        self.channel = channel
        self.destination = destination
    }

    mutating func send(_ packet: [UInt8]) {
        let buffer = spare.filled(with: packet, allocator: channel.allocator)
        channel.writeAndFlush(AddressedEnvelope(remoteAddress: destination, data: buffer), promise: nil)
    }
}

/// The venue's MoldUDP64 re-request service: a request datagram (Session,
/// Sequence Number, Requested Message Count) goes to the venue's gateway,
/// which answers from its feed store; the answer packets go back to the
/// address the request came from. Requests the gateway cannot serve get no
/// answer, as the protocol has none.
final class FeedRequestHandler: ChannelInboundHandler {
    typealias InboundIn = AddressedEnvelope<ByteBuffer>
    typealias OutboundOut = AddressedEnvelope<ByteBuffer>

    let venue: LiveVenue

    init(venue: LiveVenue) {
        self.venue = venue
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let request = unwrapInboundIn(data)
        let recorder = venue.configuration.recorder
        let service = context.channel.localAddress
        if let recorder {
            request.data.withUnsafeReadableBytes { recorder.udpDatagram(from: request.remoteAddress, to: service, $0) }
        }
        let answers = venue.receivedFeedRequest(request.data)
        for packet in answers {
            if let recorder {
                packet.withUnsafeBytes { recorder.udpDatagram(from: service, to: request.remoteAddress, $0) }
            }
            context.write(wrapOutboundOut(AddressedEnvelope(remoteAddress: request.remoteAddress,
                                                            data: context.channel.allocator.buffer(bytes: packet))),
                          promise: nil)
        }
        if !answers.isEmpty { context.flush() }
    }
}
