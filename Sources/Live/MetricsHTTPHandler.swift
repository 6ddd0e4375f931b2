import NIOCore
import NIOHTTP1

/// Serves `GET /metrics` (Prometheus text format 0.0.4) on an HTTP/1.1
/// connection; anything else gets 404, or 405 for another method. The body
/// comes from `render`, which gathers the venues' snapshots off their loops.
final class MetricsHTTPHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    static let path = "/metrics"
    static let contentType = "text/plain; version=0.0.4; charset=utf-8"

    let render: @Sendable (any EventLoop) -> EventLoopFuture<[UInt8]>
    var request: HTTPRequestHead?

    init(render: @escaping @Sendable (any EventLoop) -> EventLoopFuture<[UInt8]>) {
        self.render = render
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head): request = head
        case .body: break
        case .end:
            guard let head = request else { return }
            request = nil
            respond(to: head, context: context)
        }
    }

    func respond(to head: HTTPRequestHead, context: ChannelHandlerContext) {
        let path = head.uri.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
        guard path == Self.path else {
            write(status: .notFound, body: Array("not found; metrics are at \(Self.path)\n".utf8), head: head, context: context)
            return
        }
        guard head.method == .GET || head.method == .HEAD else {
            write(status: .methodNotAllowed, body: Array("use GET\n".utf8), head: head, context: context)
            return
        }
        let bound = NIOLoopBound((handler: self, context: context), eventLoop: context.eventLoop)
        render(context.eventLoop).hop(to: context.eventLoop).whenComplete { result in
            let (handler, context) = bound.value
            switch result {
            case .success(let body):
                handler.write(status: .ok, body: head.method == .HEAD ? [] : body, head: head, context: context)
            case .failure(let error):
                handler.write(status: .serviceUnavailable, body: Array("cannot read the venues: \(error)\n".utf8), head: head,
                              context: context)
            }
        }
    }

    func write(status: HTTPResponseStatus, body: [UInt8], head: HTTPRequestHead, context: ChannelHandlerContext) {
        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: status == .ok ? Self.contentType : "text/plain; charset=utf-8")
        headers.add(name: "Content-Length", value: "\(body.count)")
        if !head.isKeepAlive { headers.add(name: "Connection", value: "close") }
        context.write(wrapOutboundOut(.head(HTTPResponseHead(version: head.version, status: status, headers: headers))), promise: nil)
        if !body.isEmpty {
            context.write(wrapOutboundOut(.body(.byteBuffer(context.channel.allocator.buffer(bytes: body)))), promise: nil)
        }
        let keepAlive = head.isKeepAlive
        let channel = context.channel
        context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { _ in
            if !keepAlive { channel.close(promise: nil) }
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }
}
