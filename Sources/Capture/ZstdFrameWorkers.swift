import CZstd
#if canImport(Glibc)
import Glibc
#endif

/// Decompresses a zstd file of many frames on worker threads, several
/// frames at once, ahead of the one reader that takes their bytes in order.
///
/// A zstd frame depends on nothing before it, so a file written as a run of
/// frames (exsim's captures end one every `CaptureWriter.zstdFrameBytes`;
/// `pzstd` writes them too) decompresses on every core, where one frame
/// can only be decompressed on one. The file is mapped, not read: the
/// frames are found by walking their block headers
/// (`ZSTD_findFrameCompressedSize`), and each worker decompresses straight
/// from the mapping into one of `slotCount` buffers. The reader frees a
/// buffer once it has taken its frame, so memory stays at the slots
/// whatever the size of the file.
///
/// A class with a mutex and a condition: the workers and the reader share
/// the slots. The workers stop when the file ends, at the first fault, or
/// when the object is released.
final class ZstdFrameWorkers: @unchecked Sendable {
    /// Frames decompressed ahead of the reader, at most.
    static let slotCount = 4
    /// The largest first frame that makes a file worth reading this way:
    /// one frame of the whole file would only hold the memory.
    static let largestFirstFrameBytes = 64 << 20

    private struct Slot {
        /// The frame held, or -1.
        var frame = -1
        var buffer: UnsafeMutableRawPointer? = nil
        var capacity = 0
        var byteCount = 0
        var compressedByteCount = 0
    }

    private let mapping: UnsafeRawPointer
    private let mappedByteCount: Int
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

    // The reader's own, unguarded: the frame it is taking bytes from.
    private var current = 0
    private var currentPosition = 0
    private var currentHeld = false
    /// Decompressed bytes handed to the reader so far, and their compressed size.
    private(set) var compressedByteCount: Int64 = 0

    /// Maps the file open as `descriptor` and starts `workers` threads; nil
    /// when the file cannot be mapped or is not worth it: a single frame,
    /// or a first frame over `largestFirstFrameBytes` (its size unknown
    /// counts as over). The caller then reads it as one stream.
    init?(descriptor: Int32, byteCount: Int, workers: Int) {
        precondition(workers >= 1)
        guard byteCount > 0,
              let mapped = mmap(nil, byteCount, PROT_READ, MAP_PRIVATE, descriptor, 0),
              mapped != UnsafeMutableRawPointer(bitPattern: -1)
        else { return nil }
        let first = ZSTD_findFrameCompressedSize(mapped, byteCount)
        let firstContent = ZSTD_getFrameContentSize(mapped, byteCount)
        guard ZSTD_isError(first) == 0, first < byteCount,
              firstContent != ZSTD_CONTENTSIZE_UNKNOWN, firstContent != ZSTD_CONTENTSIZE_ERROR,
              firstContent <= UInt64(Self.largestFirstFrameBytes)
        else {
            munmap(mapped, byteCount)
            return nil
        }
        madvise(mapped, byteCount, MADV_SEQUENTIAL)
        mapping = UnsafeRawPointer(mapped)
        mappedByteCount = byteCount
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
        guard !threads.isEmpty else {
            pthread_mutex_destroy(&mutex)
            pthread_cond_destroy(&changed)
            munmap(mapped, byteCount)
            return nil
        }
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
        munmap(UnsafeMutableRawPointer(mutating: mapping), mappedByteCount)
        pthread_mutex_destroy(&mutex)
        pthread_cond_destroy(&changed)
    }

    /// Copies up to `count` decompressed bytes in file order into `buffer`:
    /// the count, 0 at the end of the file, or nil at a fault (`failure`).
    func read(into buffer: UnsafeMutableRawPointer, count: Int) -> Int? {
        pthread_mutex_lock(&mutex)
        defer { pthread_mutex_unlock(&mutex) }
        while true {
            let index = current % Self.slotCount
            if slots[index].frame == current {
                let slot = slots[index]
                if !currentHeld {
                    currentHeld = true
                    compressedByteCount += Int64(slot.compressedByteCount)
                }
                let available = slot.byteCount - currentPosition
                if available > 0 {
                    let taken = min(available, count)
                    // The slot is the reader's until it releases it: copying
                    // under the lock only keeps the code short.
                    buffer.copyMemory(from: slot.buffer! + currentPosition, byteCount: taken)
                    currentPosition += taken
                    return taken
                }
                // Taken whole (or empty, a skippable frame): free the slot.
                slots[index].frame = -1
                current += 1
                currentPosition = 0
                currentHeld = false
                released = current
                pthread_cond_broadcast(&changed)
                continue
            }
            if let end = endFrame, current >= end { return fault == nil ? 0 : nil }
            pthread_cond_wait(&changed, &mutex)
        }
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
                    ? "the zstd stream ends inside a frame (the file is truncated)"
                    : "corrupt zstd data: \(String(cString: ZSTD_getErrorName(size)))")
                break
            }
            nextOffset += size
            nextClaim += 1
            var slot = slots[frame % Self.slotCount]
            slots[frame % Self.slotCount].buffer = nil
            pthread_mutex_unlock(&mutex)
            let problem = decompress(UnsafeRawBufferPointer(start: mapping + start, count: size), into: &slot, context: context)
            pthread_mutex_lock(&mutex)
            slot.compressedByteCount = size
            if let problem {
                slots[frame % Self.slotCount].buffer = slot.buffer
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

    /// One frame into the slot's buffer, grown as needed; the fault, if any.
    /// A skippable frame gives no bytes.
    private func decompress(_ frame: UnsafeRawBufferPointer, into slot: inout Slot, context: OpaquePointer?) -> String? {
        slot.byteCount = 0
        let declared = ZSTD_getFrameContentSize(frame.baseAddress, frame.count)
        if declared != ZSTD_CONTENTSIZE_UNKNOWN, declared != ZSTD_CONTENTSIZE_ERROR, declared <= UInt64(Int.max / 2) {
            reserve(max(Int(declared), Self.smallestBuffer), in: &slot)
        } else {
            reserve(1 << 20, in: &slot)
        }
        ZSTD_DCtx_reset(context, ZSTD_reset_session_only)
        var input = ZSTD_inBuffer(src: frame.baseAddress, size: frame.count, pos: 0)
        while true {
            if slot.byteCount == slot.capacity { reserve(2 * slot.capacity, in: &slot) }
            var output = ZSTD_outBuffer(dst: slot.buffer, size: slot.capacity, pos: slot.byteCount)
            let result = ZSTD_decompressStream(context, &output, &input)
            slot.byteCount = output.pos
            if ZSTD_isError(result) != 0 { return "corrupt zstd data: \(String(cString: ZSTD_getErrorName(result)))" }
            // 0: the frame is decoded and flushed.
            if result == 0 { return nil }
            if input.pos == input.size && output.pos < output.size {
                return "the zstd stream ends inside a frame (the file is truncated)"
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
