import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Reads the runs of one or more files, in the order given, on a thread of its own, into a
/// fixed pool of buffers that the consumer hands back (`recycle`): the disk stays busy while
/// the consumer assembles and writes, and memory is `buffers x bufferBytes` whatever the
/// files' size. Each run is one `pread` (looped over short reads); readahead is turned off
/// (`POSIX_FADV_RANDOM`: the runs say exactly what is needed, and the kernel's readahead
/// would fetch the gaps between them) and the pages read are dropped from the page cache
/// (`POSIX_FADV_DONTNEED`) once copied, so a pass over a cube larger than memory does not
/// push everything else out of it.
final class SequentialRunReader: @unchecked Sendable {
    /// One run's bytes, or why it could not be read (then the last chunk).
    struct Chunk {
        /// Index of the file in the list given to `init`.
        let file: Int
        let range: Range<Int>
        let bytes: UnsafeMutableRawPointer
        let error: String?
    }

    /// What the reading thread and the consumer share; the thread holds only this, so that
    /// dropping the reader (after an error, mid-way) cancels the reads and joins the thread.
    private final class Shared: @unchecked Sendable {
        let condition = NSCondition()
        var free: [UnsafeMutableRawPointer]
        var ready: [Chunk] = []
        var head = 0
        var finished = false
        var cancelled = false
        let exited = DispatchSemaphore(value: 0)

        init(free: [UnsafeMutableRawPointer]) { self.free = free }
    }

    private let shared: Shared
    private let all: [UnsafeMutableRawPointer]

    /// Starts reading. Every run must be at most `bufferBytes` long.
    init(files: [(path: String, runs: [Range<Int>])], buffers: Int, bufferBytes: Int) {
        all = (0..<max(1, buffers)).map { _ in UnsafeMutableRawPointer.allocate(byteCount: bufferBytes, alignment: 4096) }
        let shared = Shared(free: all)
        self.shared = shared
        let thread = Thread {
            Self.read(files, shared)
            shared.condition.lock()
            shared.finished = true
            shared.condition.broadcast()
            shared.condition.unlock()
            shared.exited.signal()
        }
        thread.name = "arrakis.cutouts.read"
        thread.start()
    }

    deinit {
        shared.condition.lock()
        shared.cancelled = true
        shared.condition.broadcast()
        shared.condition.unlock()
        shared.exited.wait()
        for buffer in all { buffer.deallocate() }
    }

    /// The next chunk in order, waiting for it; nil once every run has been handed out.
    func next() -> Chunk? {
        let s = shared
        s.condition.lock()
        defer { s.condition.unlock() }
        while s.head == s.ready.count && !s.finished { s.condition.wait() }
        guard s.head < s.ready.count else { return nil }
        let chunk = s.ready[s.head]
        s.head += 1
        if s.head == s.ready.count { s.ready.removeAll(keepingCapacity: true); s.head = 0 }
        return chunk
    }

    /// Gives a chunk's buffer back for the next reads.
    func recycle(_ chunk: Chunk) {
        shared.condition.lock()
        shared.free.append(chunk.bytes)
        shared.condition.broadcast()
        shared.condition.unlock()
    }

    private static func read(_ files: [(path: String, runs: [Range<Int>])], _ shared: Shared) {
        for (index, file) in files.enumerated() where !file.runs.isEmpty {
            let fd = open(file.path, O_RDONLY | O_CLOEXEC)
            guard fd >= 0 else {
                _ = deliver(shared, file: index, range: file.runs[0], error: "cannot open: \(String(cString: strerror(errno)))") { _ in nil }
                return
            }
            defer { close(fd) }
            _ = posix_fadvise(fd, 0, 0, POSIX_FADV_RANDOM)
            for run in file.runs {
                let ok = deliver(shared, file: index, range: run, error: nil) { buffer in
                    var done = 0
                    while done < run.count {
                        let n = pread(fd, buffer + done, run.count - done, off_t(run.lowerBound + done))
                        if n < 0 && errno == EINTR { continue }
                        if n < 0 { return String(cString: strerror(errno)) }
                        if n == 0 { return "truncated: the file ends at byte \(run.lowerBound + done), the image needs \(run.upperBound)" }
                        done += n
                    }
                    _ = posix_fadvise(fd, off_t(run.lowerBound), off_t(run.count), POSIX_FADV_DONTNEED)
                    return nil
                }
                if !ok { return }
            }
        }
    }

    /// Takes a free buffer, fills it with `fill` (which returns an error text or nil) and
    /// queues the chunk; false when cancelled or after an error (reading stops).
    private static func deliver(_ s: Shared, file: Int, range: Range<Int>, error: String?,
                                fill: (UnsafeMutableRawPointer) -> String?) -> Bool {
        s.condition.lock()
        while s.free.isEmpty && !s.cancelled { s.condition.wait() }
        if s.cancelled { s.condition.unlock(); return false }
        let buffer = s.free.removeLast()
        s.condition.unlock()
        let failure = error ?? fill(buffer)
        s.condition.lock()
        s.ready.append(Chunk(file: file, range: range, bytes: buffer, error: failure))
        s.condition.broadcast()
        s.condition.unlock()
        return failure == nil
    }
}
