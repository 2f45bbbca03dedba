#if canImport(Glibc)
import Glibc
#endif

/// A zeroed array of `count` floats whose pages are all allocated in one system call
/// (`MADV_POPULATE_WRITE`) instead of one page fault per 4 KiB on first touch. For the
/// arrays of hundreds of megabytes a 3-D synthesis fills once, the faults were a fifth of
/// its CPU time. (Huge pages would be cheaper still, but with the kernel's default
/// `madvise` defrag mode a request for them can stall in compaction for longer than the
/// synthesis itself.)
///
/// `zeroed: false` skips writing zeros (the values are then unspecified): for an array the
/// caller overwrites whole.
func prefaultedFloats(count: Int, zeroed: Bool = true) -> [Float] {
    guard count > 0 else { return [] }
    return [Float](unsafeUninitializedCapacity: count) { buffer, initialised in
        populatePages(of: UnsafeMutableRawBufferPointer(buffer))
        if zeroed { buffer.initialize(repeating: 0) }
        initialised = count
    }
}

/// `arrays` arrays of `count` floats, each prefaulted as `prefaultedFloats(count:zeroed:)`
/// does, side by side on `threads` threads (0 = one per core).
func prefaultedFloats(arrays: Int, count: Int, zeroed: Bool = true, threads: Int) -> [[Float]] {
    guard count > 0 else { return [[Float]](repeating: [], count: arrays) }
    var result = (0..<arrays).map { _ in
        [Float](unsafeUninitializedCapacity: count) { _, initialised in initialised = count }
    }
    let buffers = (0..<arrays).map { i in result[i].withUnsafeMutableBufferPointer { SharedPointer($0) } }
    parallelFor(arrays, threads: threads) { i in
        let buffer = UnsafeMutableBufferPointer(start: buffers[i].base, count: count)
        populatePages(of: UnsafeMutableRawBufferPointer(buffer))
        if zeroed { buffer.update(repeating: 0) }
    }
    return result
}

/// Allocates the pages of a buffer of at least 1 MiB in one `MADV_POPULATE_WRITE` call.
private func populatePages(of buffer: UnsafeMutableRawBufferPointer) {
    guard buffer.count >= 1 << 20, let base = buffer.baseAddress else { return }
    let page = Int(sysconf(Int32(_SC_PAGESIZE)))
    let start = (Int(bitPattern: base) + page - 1) / page * page
    let end = (Int(bitPattern: base) + buffer.count) / page * page
    if end > start {
        _ = madvise(UnsafeMutableRawPointer(bitPattern: start), end - start, 23)  // MADV_POPULATE_WRITE
    }
}
