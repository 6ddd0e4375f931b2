#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import NIOCore
import NIOHTTP1
import NIOPosix

/// Why `exsim serve` could not start.
public enum LiveStartError: Error, CustomStringConvertible, Equatable {
    /// Another socket already listens on the address.
    case addressInUse(LiveAddress)
    /// The address could not be bound or resolved for another reason.
    case cannotBind(LiveAddress, reason: String)
    case badFeedDestination(LiveAddress, reason: String)
    /// Another socket already listens on the address asked for `/metrics`.
    case metricsAddressInUse(LiveAddress)

    public var description: String {
        switch self {
        case .addressInUse(let address): "address already in use: \(address) (another process listens there; choose another port, or 0 for any free port)"
        case .cannotBind(let address, let reason): "cannot listen on \(address): \(reason)"
        case .badFeedDestination(let address, let reason): "cannot send the feed to \(address): \(reason)"
        case .metricsAddressInUse(let address): "metrics address already in use: \(address) (another process listens there; choose another --metrics-port, or 0 for any free port)"
        }
    }
}

/// The sockets a started venue listens and sends on.
public struct LiveVenueEndpoints: Codable, Hashable, Sendable {
    public var name: String
    public var host: String
    /// OUCH 4.2 over SoupBinTCP (TCP).
    public var ouchPort: Int?
    /// FIX acceptor (TCP).
    public var fixPort: Int?
    /// ITCH 5.0 over SoupBinTCP (TCP): the feed from any sequence number, then live.
    public var itchPort: Int?
    public var fixVersions: [String]
    /// The UDP port the ITCH / MoldUDP64 feed is sent from, and where to.
    public var feedSourcePort: Int?
    public var feedDestination: String?
    /// True when the feed goes to a multicast group; absent for unicast.
    public var feedMulticast: Bool?
    /// The UDP port of the MoldUDP64 re-request service, with the feed.
    public var feedRequestPort: Int?
    /// True when the venue's TCP sockets speak TLS; absent when plain.
    public var tls: Bool?
    /// The FIX CompID and SoupBinTCP session name of the venue.
    public var venueCompID: String
    /// Accounts: OUCH usernames and FIX SenderCompIDs, and their password.
    public var accounts: [String]
    public var password: String
    /// What the venue trades, so that a client (`exsim load`) can price its orders.
    public var symbols: [LiveSymbol]
}

/// A symbol as the ports file gives it: prices in the venue's integer units.
public struct LiveSymbol: Codable, Hashable, Sendable {
    public var name: String
    public var tickSize: Int64
    public var referencePrice: Int64

    public init(name: String, tickSize: Int64, referencePrice: Int64) {
        self.name = name
        self.tickSize = tickSize
        self.referencePrice = referencePrice
    }
}

/// Every venue of a scenario on real sockets, one event loop per venue.
/// Start with `start`, stop with `shutdown`: the venues end their day
/// (SoupBinTCP End of Session, FIX Logout), connections close, and each
/// venue's report comes back.
public final class LiveServer: Sendable {
    struct RunningVenue: Sendable {
        let venue: NIOLoopBound<LiveVenue>
        let loop: any EventLoop
        let listeners: [any Channel]
        let feedChannel: (any Channel)?
        let feedRequestChannel: (any Channel)?
    }

    let group: MultiThreadedEventLoopGroup
    let running: [RunningVenue]
    public let endpoints: [LiveVenueEndpoints]
    public let clock: LiveClock
    /// The venues' Prometheus metrics, published at each scrape.
    public let metrics: LiveMetrics
    /// The HTTP socket serving `/metrics`, when asked for.
    let metricsChannel: (any Channel)?
    /// The port `/metrics` is served on, when asked for.
    public var metricsPort: Int? { metricsChannel?.localAddress?.port }

    /// How long a shutdown waits for clients to answer the end of day
    /// (a FIX Logout reply) before it closes their connections itself.
    public static let drainTimeoutNs: Int64 = 5_000_000_000

    init(group: MultiThreadedEventLoopGroup, running: [RunningVenue], endpoints: [LiveVenueEndpoints], clock: LiveClock,
         metrics: LiveMetrics, metricsChannel: (any Channel)?) {
        self.group = group
        self.running = running
        self.endpoints = endpoints
        self.clock = clock
        self.metrics = metrics
        self.metricsChannel = metricsChannel
    }

    /// Binds every venue's sockets on `host` and opens its market; with
    /// `metricsPort`, serves Prometheus `/metrics` over HTTP on that port
    /// (0: any free port), on an event loop of its own, not a venue's.
    /// A venue's captured feed (`LiveVenueConfiguration.feedReplay`) starts
    /// `feedReplayDelayNs` after every venue listens.
    /// - Throws: `LiveStartError`, after releasing whatever was bound.
    public static func start(venues: [LiveVenueConfiguration], host: String, metricsPort: Int? = nil, feedReplayDelayNs: Int64 = 0)
        throws(LiveStartError) -> LiveServer
    {
        let clock = LiveClock.startingNow()
        // Loops are handed out in turn: one per venue, then the metrics server's.
        let group = MultiThreadedEventLoopGroup(numberOfThreads: max(1, venues.count) + (metricsPort == nil ? 0 : 1))
        var running: [RunningVenue] = []
        var endpoints: [LiveVenueEndpoints] = []
        let metrics = LiveMetrics(venueNames: venues.map(\.name))
        var metricsChannel: (any Channel)?
        do {
            for configuration in venues {
                let loop = group.next()
                let started = try startVenue(configuration, on: loop, host: host, clock: clock)
                running.append(started.running)
                endpoints.append(started.endpoints)
            }
            if let metricsPort {
                let snapshots = running
                metricsChannel = try listenForMetrics(host: host, port: metricsPort, loop: group.next()) { loop in
                    Self.snapshots(of: snapshots, on: loop).map { metrics.exposition($0) }
                }
            }
        } catch {
            for venue in running {
                for channel in venue.listeners { try? channel.close().wait() }
                try? venue.feedChannel?.close().wait()
                try? venue.feedRequestChannel?.close().wait()
            }
            try? group.syncShutdownGracefully()
            throw error
        }
        // Every venue's captured feed starts from one time 0 for all:
        // `feedReplayDelayNs` after all of them listen, time for the stack
        // to connect before the first message.
        precondition(feedReplayDelayNs >= 0, "a negative replay delay")
        let replayOriginNs = clock.nowNs &+ feedReplayDelayNs
        for (configuration, venue) in zip(venues, running) where configuration.feedReplay != nil {
            try? venue.loop.submit { venue.venue.value.startFeedReplay(originNs: replayOriginNs) }.wait()
        }
        return LiveServer(group: group, running: running, endpoints: endpoints, clock: clock, metrics: metrics,
                          metricsChannel: metricsChannel)
    }

    static func listenForMetrics(
        host: String, port: Int, loop: any EventLoop, render: @escaping @Sendable (any EventLoop) -> EventLoopFuture<[UInt8]>
    ) throws(LiveStartError) -> any Channel {
        let address = LiveAddress(host: host, port: port)
        let bootstrap = ServerBootstrap(group: loop)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline(withErrorHandling: true)
                    try channel.pipeline.syncOperations.addHandler(MetricsHTTPHandler(render: render))
                }
            }
        do {
            return try bootstrap.bind(host: host, port: port).wait()
        } catch let error as IOError where error.errnoCode == EADDRINUSE {
            throw .metricsAddressInUse(address)
        } catch {
            throw .cannotBind(address, reason: "metrics: \(error)")
        }
    }

    /// Every venue's counters, taken on its own loop and gathered on `loop`.
    static func snapshots(of running: [RunningVenue], on loop: any EventLoop) -> EventLoopFuture<[LiveVenueSnapshot]> {
        let taken = running.map { venue in venue.loop.submit { venue.venue.value.snapshot() } }
        return EventLoopFuture.whenAllSucceed(taken, on: loop)
    }

    /// Every venue's counters as of now, in the order of `endpoints`. Blocks
    /// the calling thread, which must not be a venue's loop.
    public func snapshots() throws -> [LiveVenueSnapshot] {
        try EventLoopFuture.whenAllSucceed(running.map { venue in venue.loop.submit { venue.venue.value.snapshot() } },
                                           on: group.any()).wait()
    }

    static func startVenue(_ configuration: LiveVenueConfiguration, on loop: any EventLoop, host: String, clock: LiveClock)
        throws(LiveStartError) -> (running: RunningVenue, endpoints: LiveVenueEndpoints)
    {
        let venue: NIOLoopBound<LiveVenue>
        do {
            venue = try loop.submit { NIOLoopBound(LiveVenue(configuration: configuration, loop: loop, clock: clock), eventLoop: loop) }.wait()
        } catch {
            preconditionFailure("the venue's loop refused work at start: \(error)")
        }
        var listeners: [any Channel] = []
        var feedChannel: (any Channel)?
        var feedRequestChannel: (any Channel)?
        func releaseAll() {
            for channel in listeners { try? channel.close().wait() }
            try? feedChannel?.close().wait()
            try? feedRequestChannel?.close().wait()
        }
        var endpoints = LiveVenueEndpoints(
            name: configuration.name, host: host, fixVersions: configuration.fixVersions.map { $0.beginString.description },
            venueCompID: configuration.name,
            accounts: (0..<configuration.accounts.count).map { configuration.accounts.name($0) },
            password: configuration.accounts.password,
            symbols: configuration.gateway.symbols.map {
                LiveSymbol(name: $0.name, tickSize: $0.tickSize, referencePrice: $0.referencePrice.rawValue)
            })
        if configuration.tls != nil { endpoints.tls = true }
        do throws(LiveStartError) {
            if let port = configuration.ouchPort {
                let channel = try listen(venue, .ouch42, host: host, port: port, loop: loop,
                                         queuedOutputLimitBytes: configuration.maximumQueuedOutputBytes, tls: configuration.tls)
                listeners.append(channel)
                endpoints.ouchPort = channel.localAddress?.port
            }
            if let port = configuration.fixPort {
                let channel = try listen(venue, .fix(configuration.fixVersions), host: host, port: port, loop: loop,
                                         queuedOutputLimitBytes: configuration.maximumQueuedOutputBytes, tls: configuration.tls)
                listeners.append(channel)
                endpoints.fixPort = channel.localAddress?.port
            }
            if let port = configuration.itchPort {
                let channel = try listen(venue, .itchOverSoupBinTCP, host: host, port: port, loop: loop,
                                         queuedOutputLimitBytes: configuration.maximumQueuedOutputBytes, tls: configuration.tls)
                listeners.append(channel)
                endpoints.itchPort = channel.localAddress?.port
            }
            if let destination = configuration.feedDestination {
                let sender = try feedSender(to: destination, host: host, loop: loop,
                                            multicastInterface: configuration.feedMulticastInterface,
                                            multicastTTL: configuration.feedMulticastTTL)
                feedChannel = sender.channel
                endpoints.feedSourcePort = sender.channel.localAddress?.port
                endpoints.feedDestination = destination.description
                if Self.isMulticast(sender.destination) { endpoints.feedMulticast = true }
                try? loop.submit { venue.value.feed = sender }.wait()
                if let port = configuration.feedRequestPort {
                    let channel = try feedRequestService(venue, host: host, port: port, loop: loop)
                    feedRequestChannel = channel
                    endpoints.feedRequestPort = channel.localAddress?.port
                }
            }
        } catch {
            releaseAll()
            throw error
        }
        try? loop.submit { venue.value.open() }.wait()
        return (RunningVenue(venue: venue, loop: loop, listeners: listeners, feedChannel: feedChannel,
                             feedRequestChannel: feedRequestChannel), endpoints)
    }

    static func listen(_ venue: NIOLoopBound<LiveVenue>, _ listener: LoginRouter.Listener, host: String, port: Int,
                       loop: any EventLoop, queuedOutputLimitBytes: Int, tls: LiveTLSContext? = nil) throws(LiveStartError) -> any Channel {
        let address = LiveAddress(host: host, port: port)
        let bootstrap = ServerBootstrap(group: loop)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelOption(.writeBufferWaterMark, value: ChannelOptions.Types.WriteBufferWaterMark(
                low: queuedOutputLimitBytes / 2, high: queuedOutputLimitBytes))
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    // Decrypted before the venue sees a byte: the venue, its
                    // sessions and a capture see the same bytes as over plain TCP.
                    if let tls { try channel.pipeline.syncOperations.addHandler(tls.serverHandler()) }
                    try channel.pipeline.syncOperations.addHandler(VenueConnectionHandler(venue: venue.value, listener: listener))
                }
            }
        return try bind(address) { try bootstrap.bind(host: host, port: port).wait() }
    }

    /// Binds with `body`; a port in use is its own error.
    static func bind(_ address: LiveAddress, _ body: () throws -> any Channel) throws(LiveStartError) -> any Channel {
        do {
            return try body()
        } catch let error as IOError where error.errnoCode == EADDRINUSE {
            throw .addressInUse(address)
        } catch {
            throw .cannotBind(address, reason: "\(error)")
        }
    }

    static func feedSender(to destination: LiveAddress, host: String, loop: any EventLoop,
                           multicastInterface: String? = nil, multicastTTL: Int = 1) throws(LiveStartError) -> LiveFeedSender {
        let address: SocketAddress
        do {
            address = try SocketAddress.makeAddressResolvingHost(destination.host, port: destination.port)
        } catch {
            throw .badFeedDestination(destination, reason: "\(error)")
        }
        let channel: any Channel
        do {
            channel = try DatagramBootstrap(group: loop).bind(host: host, port: 0).wait()
        } catch {
            throw .cannotBind(LiveAddress(host: host, port: 0), reason: "\(error)")
        }
        if isMulticast(address) {
            // A group's datagrams leave by one interface: the one asked
            // for, or the one of the bound address (a socket bound to
            // 127.0.0.1 cannot send by another). The sending host's own
            // members of the group get them too (loop on).
            let interface = multicastInterface ?? host
            guard let interfaceAddress = ipv4(interface) else {
                try? channel.close().wait()
                throw .badFeedDestination(destination, reason: "a multicast feed needs an IPv4 interface address; \(interface) is not one")
            }
            do {
                // The option's value is an in_addr. NIO passes a 64-bit Int
                // on Linux; the kernel reads its first four bytes, which on
                // a little-endian machine are s_addr.
                try channel.setOption(ChannelOptions.Types.SocketOption.ipOption(.ip_multicast_if),
                                      value: SocketOptionValue(interfaceAddress.s_addr)).wait()
                try channel.setOption(ChannelOptions.Types.SocketOption.ipOption(.ip_multicast_ttl), value: SocketOptionValue(multicastTTL)).wait()
                try channel.setOption(ChannelOptions.Types.SocketOption.ipOption(.ip_multicast_loop), value: 1).wait()
            } catch {
                try? channel.close().wait()
                throw .badFeedDestination(destination, reason: "cannot send to the group by \(interface): \(error)")
            }
        }
        return LiveFeedSender(channel: channel, destination: address)
    }

    /// An IPv4 multicast address: 224.0.0.0/4.
    static func isMulticast(_ address: SocketAddress) -> Bool {
        guard case .v4(let v4) = address else { return false }
        return UInt32(bigEndian: v4.address.sin_addr.s_addr) >> 28 == 0xE
    }

    static func ipv4(_ text: String) -> in_addr? {
        var address = in_addr()
        return inet_pton(AF_INET, text, &address) == 1 ? address : nil
    }

    static func feedRequestService(_ venue: NIOLoopBound<LiveVenue>, host: String, port: Int, loop: any EventLoop)
        throws(LiveStartError) -> any Channel
    {
        let address = LiveAddress(host: host, port: port)
        let bootstrap = DatagramBootstrap(group: loop)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(FeedRequestHandler(venue: venue.value))
                }
            }
        return try bind(address) { try bootstrap.bind(host: host, port: port).wait() }
    }

    /// Ends every venue's day, waits (at most `drainTimeoutNs`) for the
    /// clients to go, closes the sockets and the event loops, and returns
    /// what each venue did.
    public func shutdown() -> [LiveVenueReport] {
        try? metricsChannel?.close().wait()
        for venue in running {
            for channel in venue.listeners { try? channel.close().wait() }
        }
        let drained = running.map { venue in
            venue.loop.flatSubmit { venue.venue.value.endOfDay() }
        }
        let deadline = NIODeadline.now() + .nanoseconds(Self.drainTimeoutNs)
        for (index, future) in drained.enumerated() {
            // Whichever comes first, the last connection closing or the deadline.
            let loop = running[index].loop
            let settled = loop.makePromise(of: Void.self)
            future.whenComplete { _ in settled.succeed(()) }
            let timeout = loop.scheduleTask(deadline: deadline) { settled.succeed(()) }
            try? settled.futureResult.wait()
            timeout.cancel()
        }
        var reports: [LiveVenueReport] = []
        for venue in running {
            if let report = try? venue.loop.submit({ venue.venue.value.finish() }).wait() { reports.append(report) }
            try? venue.feedChannel?.close().wait()
            try? venue.feedRequestChannel?.close().wait()
        }
        try? group.syncShutdownGracefully()
        return reports
    }
}
