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

    private let condition = NSCondition()
    private var free: [UnsafeMutableRawPointer]
    private var ready: [Chunk] = []
    private var head = 0
    private var finished = false
    private var cancelled = false
    private let all: [UnsafeMutableRawPointer]
    private let exited = DispatchSemaphore(value: 0)

    /// Starts reading. Every run must be at most `bufferBytes` long.
    init(files: [(path: String, runs: [Range<Int>])], buffers: Int, bufferBytes: Int) {
        all = (0..<max(1, buffers)).map { _ in UnsafeMutableRawPointer.allocate(byteCount: bufferBytes, alignment: 4096) }
        free = all
        let thread = Thread { [self] in
            read(files)
            condition.lock()
            finished = true
            condition.broadcast()
            condition.unlock()
            exited.signal()
        }
        thread.name = "arrakis.cutouts.read"
        thread.start()
    }

    deinit {
        condition.lock()
        cancelled = true
        condition.broadcast()
        condition.unlock()
        exited.wait()
        for buffer in all { buffer.deallocate() }
    }

    /// The next chunk in order, waiting for it; nil once every run has been handed out.
    func next() -> Chunk? {
        condition.lock()
        defer { condition.unlock() }
        while head == ready.count && !finished { condition.wait() }
        guard head < ready.count else { return nil }
        let chunk = ready[head]
        head += 1
        if head == ready.count { ready.removeAll(keepingCapacity: true); head = 0 }
        return chunk
    }

    /// Gives a chunk's buffer back for the next reads.
    func recycle(_ chunk: Chunk) {
        condition.lock()
        free.append(chunk.bytes)
        condition.broadcast()
        condition.unlock()
    }

    private func read(_ files: [(path: String, runs: [Range<Int>])]) {
        for (index, file) in files.enumerated() where !file.runs.isEmpty {
            let fd = open(file.path, O_RDONLY | O_CLOEXEC)
            guard fd >= 0 else {
                _ = deliver(file: index, range: file.runs[0], error: "cannot open: \(String(cString: strerror(errno)))") { _ in nil }
                return
            }
            defer { close(fd) }
            _ = posix_fadvise(fd, 0, 0, POSIX_FADV_RANDOM)
            for run in file.runs {
                let ok = deliver(file: index, range: run, error: nil) { buffer in
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
    private func deliver(file: Int, range: Range<Int>, error: String?,
                         fill: (UnsafeMutableRawPointer) -> String?) -> Bool {
        condition.lock()
        while free.isEmpty && !cancelled { condition.wait() }
        if cancelled { condition.unlock(); return false }
        let buffer = free.removeLast()
        condition.unlock()
        let failure = error ?? fill(buffer)
        condition.lock()
        ready.append(Chunk(file: file, range: range, bytes: buffer, error: failure))
        condition.broadcast()
        condition.unlock()
        return failure == nil
    }
}
