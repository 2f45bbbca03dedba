#if canImport(Glibc)
import Glibc
#endif

/// A zeroed array of `count` floats whose pages are all allocated in one system call
/// (`MADV_POPULATE_WRITE`) instead of one page fault per 4 KiB on first touch. For the
/// arrays of hundreds of megabytes a 3-D synthesis fills once, the faults were a fifth of
/// its CPU time (see `populatePages` on huge pages).
///
/// `zeroed: false` skips writing zeros (the values are then unspecified): for an array the
/// caller overwrites whole.
func prefaultedFloats(count: Int, zeroed: Bool = true) -> [Float] {
    prefaultedArray(count: count, zeroed: zeroed)
}

/// `prefaultedFloats` for any plain type (zeros: all bits zero).
func prefaultedArray<T: BitwiseCopyable>(count: Int, zeroed: Bool = true) -> [T] {
    guard count > 0 else { return [] }
    return [T](unsafeUninitializedCapacity: count) { buffer, initialised in
        let bytes = UnsafeMutableRawBufferPointer(buffer)
        populatePages(of: bytes)
        if zeroed { bytes.initializeMemory(as: UInt8.self, repeating: 0) }
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
/// Not as 2 MiB pages: they were three times faster to populate when they came, but one
/// request in a few made the kernel compact memory, or zero blocks at under 1 GB/s (this
/// VM's host backing them as they were touched), and a 3-D synthesis stalled for 0.3 s.
private func populatePages(of buffer: UnsafeMutableRawBufferPointer) {
    guard buffer.count >= 1 << 20, let base = buffer.baseAddress else { return }
    let page = Int(sysconf(Int32(_SC_PAGESIZE)))
    let start = (Int(bitPattern: base) + page - 1) / page * page
    let end = (Int(bitPattern: base) + buffer.count) / page * page
    if end > start {
        _ = madvise(UnsafeMutableRawPointer(bitPattern: start), end - start, 23)  // MADV_POPULATE_WRITE
    }
}
