import CZstd
#if canImport(Glibc)
import Glibc
#endif

/// Decompresses a zstd file of many frames on worker threads, several
/// frames at once, ahead of the one reader that takes their bytes in order.
///
/// A zstd frame depends on nothing before it, so a file written as a run of
/// frames (as `pzstd` writes it, or `CaptureWriter` with `zstdFrameBytes`)
/// decompresses on every core, where one frame can only be decompressed
/// on one. The file is mapped, not read: the frames are found by walking
/// their block headers (`ZSTD_findFrameCompressedSize`), and each worker
/// decompresses straight from the mapping into one of `slotCount`
/// buffers. The reader frees a buffer once it has taken its frame. A frame
/// larger than `largestFrameBytes` (declared so, or found so while
/// decompressing) is left to the reader, which streams it from the mapping
/// into its caller's buffer: memory stays within `slotCount` ×
/// `largestFrameBytes` whatever the file holds. The file must not change
/// while it is read: a mapped file cut short under the reader faults it.
///
/// A class with a mutex and a condition: the workers and the reader share
/// the slots. The workers stop when the file ends, at the first fault, or
/// at `stop()`.
final class ZstdFrameWorkers: @unchecked Sendable {
    /// Frames decompressed ahead of the reader, at most.
    static let slotCount = 4
    /// The default largest frame a worker decompresses into a slot.
    static let defaultLargestFrameBytes = 32 << 20

    private struct Slot {
        /// The frame held, or -1.
        var frame = -1
        var buffer: UnsafeMutableRawPointer? = nil
        var capacity = 0
        var byteCount = 0
        /// Where the frame starts in the mapping, and its compressed size.
        var start = 0
        var compressedByteCount = 0
        /// Too large for a slot: the reader streams it from the mapping.
        var streamedByReader = false
    }

    private let mapping: UnsafeRawPointer
    private let mappedByteCount: Int
    let largestFrameBytes: Int
    private var mutex = pthread_mutex_t()
    private var changed = pthread_cond_t()
    private var threads: [pthread_t] = []

    // Guarded by `mutex`:
    private var slots = [Slot](repeating: Slot(), count: ZstdFrameWorkers.slotCount)
    /// Where the next frame not yet claimed by a worker starts.
    private var nextOffset = 0
    private var nextClaim = 0
    /// Frames the reader has finished with: frame i may fill its slot once
    /// i < released + slotCount.
    private var released = 0
    /// The index past the last frame, once a worker has found the end or a fault.
    private var endFrame: Int?
    private var fault: String?
    private var stopping = false

    // The reader's own, unguarded: the frame it is taking bytes from (its
    // slot is the reader's until released), and its stream for frames too
    // large for a slot.
    private var current = 0
    private var currentSlot: Slot?
    private var currentPosition = 0
    /// The frame the reader streams has been decoded and flushed.
    private var currentStreamEnded = false
    private let readerContext: OpaquePointer?
    /// Compressed bytes of the frames the reader has started.
    private(set) var compressedByteCount: Int64 = 0

    /// Maps the file open as `descriptor` and starts `workers` threads; nil
    /// when the file cannot be mapped or holds a single frame (then it is
    /// read as one stream).
    init?(descriptor: Int32, byteCount: Int, workers: Int, largestFrameBytes: Int = ZstdFrameWorkers.defaultLargestFrameBytes) {
        precondition(workers >= 1 && largestFrameBytes > 0)
        guard byteCount > 0,
              let mapped = mmap(nil, byteCount, PROT_READ, MAP_PRIVATE, descriptor, 0),
              mapped != UnsafeMutableRawPointer(bitPattern: -1)
        else { return nil }
        let first = ZSTD_findFrameCompressedSize(mapped, byteCount)
        guard ZSTD_isError(first) == 0, first < byteCount else {
            munmap(mapped, byteCount)
            return nil
        }
        madvise(mapped, byteCount, MADV_SEQUENTIAL)
        mapping = UnsafeRawPointer(mapped)
        mappedByteCount = byteCount
        self.largestFrameBytes = largestFrameBytes
        readerContext = ZSTD_createDCtx()
        pthread_mutex_init(&mutex, nil)
        pthread_cond_init(&changed, nil)
        for _ in 0..<workers {
            var thread = pthread_t()
            let context = Unmanaged.passRetained(self).toOpaque()
            let created = pthread_create(&thread, nil, { context in
                let workers = Unmanaged<ZstdFrameWorkers>.fromOpaque(context!).takeRetainedValue()
                workers.work()
                return nil
            }, context)
            if created == 0 {
                threads.append(thread)
            } else {
                Unmanaged<ZstdFrameWorkers>.fromOpaque(context).release()
            }
        }
        // Every property is set: a nil here runs deinit, which cleans up.
        guard !threads.isEmpty else { return nil }
    }

    /// Stops the workers and waits for them; the owner calls it before
    /// releasing the object (the workers hold it until they return).
    func stop() {
        pthread_mutex_lock(&mutex)
        stopping = true
        pthread_cond_broadcast(&changed)
        pthread_mutex_unlock(&mutex)
        for thread in threads { pthread_join(thread, nil) }
        threads.removeAll()
    }

    deinit {
        precondition(threads.isEmpty, "stop() before release")
        for slot in slots { slot.buffer?.deallocate() }
        currentSlot?.buffer?.deallocate()
        ZSTD_freeDCtx(readerContext)
        munmap(UnsafeMutableRawPointer(mutating: mapping), mappedByteCount)
        pthread_mutex_destroy(&mutex)
        pthread_cond_destroy(&changed)
    }

    /// Copies up to `count` decompressed bytes in file order into `buffer`:
    /// the count, 0 at the end of the file, or nil at a fault (`failure`).
    func read(into buffer: UnsafeMutableRawPointer, count: Int) -> Int? {
        while true {
            if currentSlot == nil {
                guard let slot = waitForCurrentFrame() else {
                    pthread_mutex_lock(&mutex)
                    defer { pthread_mutex_unlock(&mutex) }
                    return fault == nil ? 0 : nil
                }
                currentSlot = slot
                currentPosition = slot.start
                currentStreamEnded = false
                compressedByteCount += Int64(slot.compressedByteCount)
                if slot.streamedByReader { ZSTD_DCtx_reset(readerContext, ZSTD_reset_session_only) }
            }
            let slot = currentSlot!
            if slot.streamedByReader {
                if !currentStreamEnded {
                    var output = ZSTD_outBuffer(dst: buffer, size: count, pos: 0)
                    var input = ZSTD_inBuffer(src: mapping, size: slot.start + slot.compressedByteCount, pos: currentPosition)
                    let result = ZSTD_decompressStream(readerContext, &output, &input)
                    currentPosition = input.pos
                    if ZSTD_isError(result) != 0 {
                        noteFault(ZstdReadStream.corruptFault(result))
                        return nil
                    }
                    // 0: the frame is decoded and flushed.
                    currentStreamEnded = result == 0
                    if output.pos > 0 { return output.pos }
                    if !currentStreamEnded {
                        guard input.pos < input.size else {
                            noteFault(ZstdReadStream.truncatedFault)
                            return nil
                        }
                        continue
                    }
                }
            } else {
                let available = slot.start + slot.byteCount - currentPosition
                if available > 0 {
                    let taken = min(available, count)
                    buffer.copyMemory(from: slot.buffer! + (currentPosition - slot.start), byteCount: taken)
                    currentPosition += taken
                    return taken
                }
            }
            releaseCurrentFrame()
        }
    }

    /// Waits until the reader's next frame is in its slot; the slot, or nil
    /// once the file has ended or a fault stopped the workers before it.
    private func waitForCurrentFrame() -> Slot? {
        pthread_mutex_lock(&mutex)
        defer { pthread_mutex_unlock(&mutex) }
        while true {
            let index = current % Self.slotCount
            if slots[index].frame == current {
                // The buffer goes with the reader until it gives the slot back.
                let slot = slots[index]
                slots[index].buffer = nil
                slots[index].capacity = 0
                return slot
            }
            if let end = endFrame, current >= end { return nil }
            pthread_cond_wait(&changed, &mutex)
        }
    }

    /// The reader has taken its frame whole: its slot (with the buffer, for
    /// reuse) goes back to the workers.
    private func releaseCurrentFrame() {
        var slot = currentSlot!
        currentSlot = nil
        slot.frame = -1
        pthread_mutex_lock(&mutex)
        slots[current % Self.slotCount] = slot
        current += 1
        released = current
        pthread_cond_broadcast(&changed)
        pthread_mutex_unlock(&mutex)
    }

    /// A fault the reader found in the frame it streams: the earliest, as
    /// every frame before it was read whole.
    private func noteFault(_ description: String) {
        pthread_mutex_lock(&mutex)
        fault = description
        endFrame = current
        stopping = true
        pthread_cond_broadcast(&changed)
        pthread_mutex_unlock(&mutex)
    }

    /// Why the file could not be read to its end, once the reader has
    /// reached the fault.
    var failure: String? {
        pthread_mutex_lock(&mutex)
        defer { pthread_mutex_unlock(&mutex) }
        return fault
    }

    // MARK: Workers

    private func work() {
        let context = ZSTD_createDCtx()
        defer { ZSTD_freeDCtx(context) }
        pthread_mutex_lock(&mutex)
        while !stopping && endFrame == nil {
            let frame = nextClaim
            guard frame < released + Self.slotCount else {
                pthread_cond_wait(&changed, &mutex)
                continue
            }
            if nextOffset == mappedByteCount {
                finish(at: frame, fault: nil)
                break
            }
            let start = nextOffset
            let size = ZSTD_findFrameCompressedSize(mapping + start, mappedByteCount - start)
            if ZSTD_isError(size) != 0 {
                let truncated = ZSTD_getErrorCode(size) == ZSTD_error_srcSize_wrong
                finish(at: frame, fault: truncated
                    ? ZstdReadStream.truncatedFault
                    : ZstdReadStream.corruptFault(size))
                break
            }
            nextOffset += size
            nextClaim += 1
            var slot = slots[frame % Self.slotCount]
            slots[frame % Self.slotCount].buffer = nil
            pthread_mutex_unlock(&mutex)
            slot.start = start
            slot.compressedByteCount = size
            let problem = decompress(UnsafeRawBufferPointer(start: mapping + start, count: size), into: &slot, context: context)
            pthread_mutex_lock(&mutex)
            if let problem {
                slots[frame % Self.slotCount].buffer = slot.buffer
                slots[frame % Self.slotCount].capacity = slot.capacity
                // A frame before this one may end the file first: keep the earliest fault.
                if endFrame.map({ frame < $0 }) ?? true { finish(at: frame, fault: problem) }
                break
            }
            slot.frame = frame
            slots[frame % Self.slotCount] = slot
            pthread_cond_broadcast(&changed)
        }
        pthread_mutex_unlock(&mutex)
    }

    /// Called with the lock held: no frame from `frame` on will come.
    private func finish(at frame: Int, fault: String?) {
        endFrame = frame
        self.fault = fault
        pthread_cond_broadcast(&changed)
    }

    /// One frame into the slot's buffer, grown as needed up to
    /// `largestFrameBytes`; a larger one is marked for the reader to
    /// stream. The fault, if any. A skippable frame gives no bytes.
    private func decompress(_ frame: UnsafeRawBufferPointer, into slot: inout Slot, context: OpaquePointer?) -> String? {
        slot.byteCount = 0
        slot.streamedByReader = false
        let declared = ZSTD_getFrameContentSize(frame.baseAddress, frame.count)
        if declared == ZSTD_CONTENTSIZE_ERROR {
            return "corrupt zstd data: a frame header that cannot be read"
        }
        if declared != ZSTD_CONTENTSIZE_UNKNOWN {
            guard declared <= UInt64(largestFrameBytes) else {
                slot.streamedByReader = true
                return nil
            }
            reserve(max(Int(declared), Self.smallestBuffer), in: &slot)
        } else {
            reserve(min(1 << 20, largestFrameBytes), in: &slot)
        }
        ZSTD_DCtx_reset(context, ZSTD_reset_session_only)
        var input = ZSTD_inBuffer(src: frame.baseAddress, size: frame.count, pos: 0)
        while true {
            if slot.byteCount == slot.capacity {
                guard slot.capacity < largestFrameBytes else {
                    // Larger than it may hold: the reader streams it instead.
                    slot.byteCount = 0
                    slot.streamedByReader = true
                    return nil
                }
                reserve(min(2 * slot.capacity, largestFrameBytes), in: &slot)
            }
            var output = ZSTD_outBuffer(dst: slot.buffer, size: slot.capacity, pos: slot.byteCount)
            let result = ZSTD_decompressStream(context, &output, &input)
            slot.byteCount = output.pos
            if ZSTD_isError(result) != 0 { return ZstdReadStream.corruptFault(result) }
            // 0: the frame is decoded and flushed.
            if result == 0 { return nil }
            if input.pos == input.size && output.pos < output.size {
                return ZstdReadStream.truncatedFault
            }
        }
    }

    /// A slot's buffer is never smaller, so that doubling it always grows it.
    static let smallestBuffer = 1 << 16

    private func reserve(_ byteCount: Int, in slot: inout Slot) {
        guard byteCount > slot.capacity else { return }
        let grown = UnsafeMutableRawPointer.allocate(byteCount: byteCount, alignment: 64)
        if let old = slot.buffer {
            grown.copyMemory(from: old, byteCount: slot.byteCount)
            old.deallocate()
        }
        slot.buffer = grown
        slot.capacity = byteCount
    }
}
