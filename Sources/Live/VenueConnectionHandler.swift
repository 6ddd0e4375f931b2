import NIOCore
import Wire

/// The channel end of one order-entry connection: received bytes go to the
/// venue's gateway, and the venue writes what the gateway answers. Until
/// the first message names an account (`LoginRouter`), bytes are held;
/// after that the handler only relays.
final class VenueConnectionHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer

    let venue: LiveVenue
    let listener: LoginRouter.Listener
    /// The gateway connection, once the login picked the account's port.
    var connection: Int32?
    var firstBytes: ByteBuffer?
    var loginDeadline: Scheduled<Void>?
    /// Closed on arrival: the venue held its maximum of connections.
    var refused = false

    /// How long a connection may take to send its first message: the
    /// SoupBinTCP login timeout, which the port applies once bound.
    static let loginTimeoutNs = SoupBinTCPTimers.standard.loginTimeoutNs

    init(venue: LiveVenue, listener: LoginRouter.Listener) {
        self.venue = venue
        self.listener = listener
    }

    func channelActive(context: ChannelHandlerContext) {
        guard venue.accepted(context.channel) else {
            refused = true
            context.close(promise: nil)
            return
        }
        let channel = context.channel
        loginDeadline = context.eventLoop.scheduleTask(in: .nanoseconds(Self.loginTimeoutNs)) {
            channel.close(promise: nil)
        }
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !refused else { return }
        let bytes = unwrapInboundIn(data)
        if let connection {
            venue.received(bytes, on: connection)
            return
        }
        var pending = firstBytes ?? context.channel.allocator.buffer(capacity: bytes.readableBytes)
        pending.writeImmutableBuffer(bytes)
        let route = pending.withUnsafeReadableBytes { LoginRouter.route($0, listener: listener, accounts: venue.configuration.accounts) }
        guard let route else {
            firstBytes = pending
            return
        }
        if venue.isConnectedElsewhere(route, listener: listener) {
            // Credentials first: a wrong password gets the port's Login
            // Rejected `A` (on a port of its own), as any wrong password does.
            guard listener == .ouch42 else { return refuseDuplicateLogin(context: context) }
            let loginBytes = SoupBinTCPLoginRequest.encodedByteCount
            guard pending.readableBytes >= loginBytes else {
                firstBytes = pending
                return
            }
            // The packet without its length prefix; a malformed one is the port's to refuse.
            let login = pending.withUnsafeReadableBytes { bytes in
                try? SoupBinTCPLoginRequest(decoding: UnsafeRawBufferPointer(rebasing: bytes[2..<loginBytes]))
            }
            if let login, login.password == SoupBinTCPPassword(venue.configuration.accounts.password) {
                return refuseDuplicateLogin(context: context)
            }
        }
        firstBytes = nil
        loginDeadline?.cancel()
        loginDeadline = nil
        let connection = venue.bind(context.channel, route: route, listener: listener)
        self.connection = connection
        venue.received(pending, on: connection)
    }

    /// The account's session is connected elsewhere. SoupBinTCP answers
    /// Login Rejected `S` (session not available) and closes; FIX closes
    /// without a word, as QuickFIX's acceptor does with a second Logon of a
    /// session it has connected ("Multiple logons/connections for this
    /// session are not allowed"). The session and its first connection go on.
    func refuseDuplicateLogin(context: ChannelHandlerContext) {
        refused = true
        firstBytes = nil
        loginDeadline?.cancel()
        loginDeadline = nil
        venue.noteDuplicateLoginRefused()
        if listener == .ouch42 {
            var buffer = context.channel.allocator.buffer(capacity: SoupBinTCPLoginRejected.encodedByteCount)
            buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: SoupBinTCPLoginRejected.encodedByteCount) {
                SoupBinTCPLoginRejected(code: .sessionNotAvailable).encode(into: $0)
            }
            let channel = context.channel
            channel.writeAndFlush(buffer).whenComplete { _ in channel.close(promise: nil) }
        } else {
            context.close(promise: nil)
        }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        venue.flush()
        context.fireChannelReadComplete()
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if !context.channel.isWritable, context.channel.isActive {
            // Past the high water mark (`maximumQueuedOutputBytes`). Closed
            // on the next turn: this may fire inside one of the venue's writes.
            let venue = NIOLoopBound(venue, eventLoop: context.eventLoop)
            let channel = context.channel
            let connection = connection
            context.eventLoop.execute { venue.value.slowConsumer(channel, connection: connection) }
        }
        context.fireChannelWritabilityChanged()
    }

    func channelInactive(context: ChannelHandlerContext) {
        loginDeadline?.cancel()
        venue.closed(context.channel, connection: connection)
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        // A reset by the peer or a failed write ends the connection; the
        // venue goes on serving the others.
        context.close(promise: nil)
    }
}
