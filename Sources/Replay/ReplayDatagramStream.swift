import Capture
import Foundation

/// Reads a capture's MoldUDP64 datagrams on a thread of its own, in chunks,
/// ahead of the send loop: at most `readAheadBytes` of datagrams wait in
/// memory, so a feed of any size replays in bounded memory, while one that
/// fits is read whole before the first send (`waitUntilReady`), as the
/// send loop must never wait for the file at 1×.
///
/// A class with a lock and a condition: the reader thread and the send
/// loop share the queue of chunks.
public final class ReplayDatagramStream: @unchecked Sendable {
    /// The most datagram bytes waiting in memory.
    public let readAheadBytes: Int
    /// The datagram bytes of one chunk, at most.
    public let chunkBytes: Int

    let reader: CaptureReader
    let portMap: CapturePortMap
    let condition = NSCondition()
    // Guarded by `condition`:
    var chunks: [ReplayDatagrams] = []
    var queuedBytes = 0
    var finished = false
    /// The reader holds a chunk that does not fit: the read-ahead is full.
    var readerIsWaiting = false
    var failureFound: CaptureReadError?
    var countsFound = ReplayDatagrams.LoadCounts()

    /// Opens the capture (so a missing or unreadable file fails here, before
    /// anything is sent); `start` begins reading.
    public init(path: String, portMap: CapturePortMap, readAheadBytes: Int = 256 << 20) throws(CaptureReadError) {
        precondition(readAheadBytes > 0)
        reader = try CaptureReader(path: path)
        self.portMap = portMap
        self.readAheadBytes = readAheadBytes
        chunkBytes = max(1, min(4 << 20, readAheadBytes / 16))
    }

    /// Starts the reader thread.
    public func start() {
        let thread = Thread { [self] in read() }
        thread.name = "exsim replay reader"
        thread.start()
    }

    /// Waits until the read-ahead is full or the capture is read to its end;
    /// true when at least one datagram is waiting.
    public func waitUntilReady() -> Bool {
        condition.lock()
        defer { condition.unlock() }
        while !finished && !readerIsWaiting { condition.wait() }
        return !chunks.isEmpty
    }

    /// The next chunk in capture order, waiting for the reader when none is
    /// ready; nil once every datagram has been handed out.
    public func next() -> ReplayDatagrams? {
        condition.lock()
        defer { condition.unlock() }
        while chunks.isEmpty && !finished { condition.wait() }
        guard !chunks.isEmpty else { return nil }
        let chunk = chunks.removeFirst()
        queuedBytes -= chunk.byteCount
        condition.broadcast()
        return chunk
    }

    /// What the reader found besides the datagrams, once it has finished.
    public var counts: ReplayDatagrams.LoadCounts {
        condition.lock()
        defer { condition.unlock() }
        return countsFound
    }

    /// The fault that stopped the reader (a truncated or corrupt file), once it has finished.
    public var failure: CaptureReadError? {
        condition.lock()
        defer { condition.unlock() }
        return failureFound
    }

    func read() {
        var picker = MoldUDP64DatagramPicker(linkType: reader.linkType, portMap: portMap)
        var chunk = ReplayDatagrams()
        var failure: CaptureReadError?
        do {
            while let packet = try reader.next() {
                picker.packet(packet) { chunk.append($0, timestampNs: packet.timestampNs) }
                if chunk.byteCount >= chunkBytes {
                    enqueue(chunk)
                    chunk = ReplayDatagrams()
                }
            }
        } catch {
            failure = error
        }
        if chunk.count > 0 { enqueue(chunk) }
        let counts = ReplayDatagrams.LoadCounts(packets: reader.packetCount, picker: picker)
        condition.lock()
        countsFound = counts
        failureFound = failure
        finished = true
        condition.broadcast()
        condition.unlock()
    }

    func enqueue(_ chunk: ReplayDatagrams) {
        condition.lock()
        // A chunk always goes in when nothing waits, however large it is.
        while !chunks.isEmpty && queuedBytes + chunk.byteCount > readAheadBytes {
            readerIsWaiting = true
            condition.broadcast()
            condition.wait()
        }
        readerIsWaiting = false
        chunks.append(chunk)
        queuedBytes += chunk.byteCount
        condition.broadcast()
        condition.unlock()
    }
}
