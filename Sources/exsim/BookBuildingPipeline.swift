import Capture
import Foundation
import Wire

/// `capture book` on two cores: the reading thread (zstd, libpcap, packet
/// decoding, MoldUDP64 sequencing) copies a packet's new ITCH messages into
/// a chunk, and a second thread builds the books from the chunks, so the two
/// halves of the work overlap. The builder sees the messages in the order
/// the single-threaded `BookBuildingSink` would, so the books come out the
/// same.
///
/// A chunk is a run of records `[feed: UInt32 LE][byte count: UInt32 LE]
/// [message blocks]` in one of a few buffers allocated at the start and
/// handed back and forth, so nothing is allocated per chunk and the memory
/// in flight is bounded. The blocks are MoldUDP64's own (`[length: UInt16
/// BE][message]` each), so a packet's new messages, which lie back to back
/// in it, go into a chunk in one copy rather than one per message.
struct BookBuildingPipeline: CaptureMessageSink {
    /// The bytes of one chunk: thousands of messages per hand-over.
    static let chunkBytes = 256 << 10
    /// Buffers in all: the one being filled, and those the builder holds or has queued.
    static let bufferCount = 8
    static let recordHeaderBytes = 8

    /// What the two threads share, under `condition`.
    final class Handover: @unchecked Sendable {
        let condition = NSCondition()
        /// Filled chunks, in order, and how many bytes of each hold records.
        var filled: [(buffer: UnsafeMutableRawBufferPointer, count: Int)] = []
        /// Buffers the builder is done with.
        var free: [UnsafeMutableRawBufferPointer] = []
        var closed = false
        var books: BookBuildingSink?

        /// Blocks until a buffer is free.
        func takeFree() -> UnsafeMutableRawBufferPointer {
            condition.lock()
            defer { condition.unlock() }
            while free.isEmpty { condition.wait() }
            return free.removeLast()
        }

        func handOver(_ buffer: UnsafeMutableRawBufferPointer, count: Int) {
            condition.lock()
            filled.append((buffer, count))
            condition.broadcast()
            condition.unlock()
        }

        /// The builder's loop: applies every chunk in order until the reader closes.
        func build() {
            var books = BookBuildingSink()
            while true {
                condition.lock()
                while filled.isEmpty && !closed { condition.wait() }
                guard !filled.isEmpty else {
                    self.books = books
                    condition.broadcast()
                    condition.unlock()
                    return
                }
                let (buffer, count) = filled.removeFirst()
                condition.unlock()
                BookBuildingPipeline.apply(UnsafeRawBufferPointer(rebasing: buffer[..<count]), to: &books)
                condition.lock()
                free.append(buffer)
                condition.broadcast()
                condition.unlock()
            }
        }

        /// Waits for the builder to finish the last chunk; its books.
        func close() -> BookBuildingSink {
            condition.lock()
            defer { condition.unlock() }
            closed = true
            condition.broadcast()
            while books == nil { condition.wait() }
            return books!
        }
    }

    let handover = Handover()
    var buffer: UnsafeMutableRawBufferPointer
    var used = 0

    init() {
        for _ in 0..<Self.bufferCount {
            handover.free.append(UnsafeMutableRawBufferPointer.allocate(byteCount: Self.chunkBytes, alignment: 64))
        }
        buffer = handover.free.removeLast()
        let thread = Thread { [handover] in handover.build() }
        thread.name = "exsim book builder"
        thread.start()
    }

    mutating func itchMessages(_ messages: MessageBlockIterator, feed: Int, timestampNs: Int64) {
        // The blocks from the iterator's place to where it ends (its limit,
        // the packet's end, or a block that does not fit) are the messages it yields.
        var end = messages
        while end.next() != nil {}
        guard end.offset > messages.offset else { return }
        let blocks = UnsafeRawBufferPointer(rebasing: messages.bytes[messages.offset..<end.offset])
        record(feed: feed, byteCount: blocks.count) { destination in
            destination.copyMemory(from: blocks)
        }
    }

    mutating func itchMessage(_ message: UnsafeRawBufferPointer, feed: Int, timestampNs: Int64) {
        record(feed: feed, byteCount: messageBlockLengthPrefixBytes + message.count) { destination in
            _ = destination.writeMessageBlock(message, at: 0)
        }
    }

    /// Appends a record of `byteCount` bytes of message blocks, which
    /// `write` puts in place, handing the chunk over first if it is full.
    @inline(__always)
    mutating func record(feed: Int, byteCount: Int, _ write: (UnsafeMutableRawBufferPointer) -> Void) {
        precondition(used >= 0, "an ITCH message after the pipeline finished")
        // A MoldUDP64 packet, or a SoupBinTCP packet as one block, is well
        // under a chunk; `Records` counts on every record holding a block.
        precondition(byteCount >= messageBlockLengthPrefixBytes && Self.recordHeaderBytes + byteCount <= Self.chunkBytes
                     && feed <= Int(UInt32.max), "a record of \(byteCount) bytes of ITCH message blocks")
        if used + Self.recordHeaderBytes + byteCount > Self.chunkBytes {
            handover.handOver(buffer, count: used)
            buffer = handover.takeFree()
            used = 0
        }
        buffer.storeBytes(of: UInt32(truncatingIfNeeded: feed).littleEndian, toByteOffset: used, as: UInt32.self)
        buffer.storeBytes(of: UInt32(truncatingIfNeeded: byteCount).littleEndian, toByteOffset: used + 4, as: UInt32.self)
        let start = used + Self.recordHeaderBytes
        write(UnsafeMutableRawBufferPointer(rebasing: buffer[start..<start + byteCount]))
        used = start + byteCount
    }

    /// Messages whose map slots are prefetched before the first of them is
    /// applied: enough misses in flight at once to cover the memory's
    /// latency, few enough that the slots are still cached when used.
    static let readAheadMessages = 16

    static func apply(_ records: UnsafeRawBufferPointer, to books: inout BookBuildingSink) {
        applyReadingAhead(Records(records), readAhead: { books.readAhead($0.message, feed: $0.feed) },
                          apply: { books.itchMessage($0.message, feed: $0.feed, timestampNs: 0) })
    }

    /// The messages of a chunk's records, in order. The blocks were
    /// written here, whole, and a record holds at least one: they are
    /// walked without the checks a packet off the wire needs.
    struct Records: IteratorProtocol {
        let records: UnsafeRawBufferPointer
        /// Where the next block starts, and where its record ends.
        var blockOffset = 0
        var recordEnd = 0
        /// The current record's feed.
        var feed = 0

        init(_ records: UnsafeRawBufferPointer) { self.records = records }

        @inline(__always)
        mutating func next() -> (feed: Int, message: UnsafeRawBufferPointer)? {
            if blockOffset >= recordEnd {
                guard recordEnd < records.count else { return nil }
                feed = Int(UInt32(littleEndian: records.loadUnaligned(fromByteOffset: recordEnd, as: UInt32.self)))
                let byteCount = Int(UInt32(littleEndian: records.loadUnaligned(fromByteOffset: recordEnd + 4, as: UInt32.self)))
                blockOffset = recordEnd + recordHeaderBytes
                recordEnd = blockOffset + byteCount
            }
            let length = Int(records.readUInt16BE(at: blockOffset))
            let start = blockOffset + messageBlockLengthPrefixBytes
            blockOffset = start + length
            assert(blockOffset <= recordEnd && recordEnd <= records.count, "a block past its record")
            return (feed, UnsafeRawBufferPointer(start: records.baseAddress.unsafelyUnwrapped + start, count: length))
        }
    }

    /// Hands over what is left, waits for the builder, frees the buffers
    /// and returns the books. Call once, after the dissector's `finish`
    /// (which may still deliver messages), or on an error to stop the builder.
    mutating func finish() -> BookBuildingSink {
        precondition(used >= 0, "a book-building pipeline finishes once")
        // Possibly empty: the builder applies nothing and frees it with the rest.
        handover.handOver(buffer, count: used)
        used = -1
        let books = handover.close()
        handover.condition.lock()
        let buffers = handover.free
        handover.free = []
        handover.condition.unlock()
        precondition(buffers.count == Self.bufferCount, "every buffer back from the builder")
        for buffer in buffers { buffer.deallocate() }
        return books
    }
}

extension BookBuildingPipeline {
    /// Threads that decompress a zstd capture of many frames while the
    /// books are built: the builder keeps a core to itself.
    static var zstdWorkers: Int { max(1, CaptureReader.zstdWorkerCount - 1) }

    /// What `buildBooks` returns: the books, what the dissector found, and
    /// the name of each feed (by the books' feed number).
    struct BuiltBooks {
        var books: BookBuildingSink
        var inspection: CaptureInspection
        var feedNames: [String]
    }

    /// Reads every packet of `reader` and builds the books of its ITCH feeds
    /// on a second thread. The ends come in the one safe order: the
    /// dissector's first, as it may still hand over TCP bytes held behind a
    /// hole, then the pipeline's; a fault in the file stops the builder
    /// thread before the error ends the command.
    static func buildBooks(from reader: CaptureReader, portMap: CapturePortMap) throws -> BuiltBooks {
        let dissector = CaptureDissector(linkType: reader.linkType, portMap: portMap, sink: BookBuildingPipeline())
        do {
            try dissectAll(reader, into: dissector)
        } catch {
            _ = dissector.sink.finish()
            throw error
        }
        let inspection = dissector.finish()
        return BuiltBooks(books: dissector.sink.finish(), inspection: inspection, feedNames: dissector.feedNames)
    }
}

/// Applies `messages` in batches of `BookBuildingPipeline.readAheadMessages`:
/// first `readAhead` (a prefetch) on each message of a batch, all at once,
/// so that the cache misses of the table slots they name overlap, then
/// `apply` on each, in order. What the pipeline's builder, a one-thread
/// build and the builder-alone bench all do.
@inline(__always)
func applyReadingAhead<Messages: IteratorProtocol>(
    _ messages: Messages, readAhead: (Messages.Element) -> Void, apply: (Messages.Element) -> Void
) {
    var ahead = messages
    var behind = messages
    while true {
        var read = 0
        while read < BookBuildingPipeline.readAheadMessages, let message = ahead.next() {
            readAhead(message)
            read += 1
        }
        guard read > 0 else { return }
        for _ in 0..<read { apply(behind.next().unsafelyUnwrapped) }
    }
}
