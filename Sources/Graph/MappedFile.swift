#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A file's bytes mapped read-only (`MAP_PRIVATE`): pages come straight from the page cache,
/// with no copy and no zero-fill, and only the pages read become resident. Where a file
/// cannot be mapped (an odd filesystem) its bytes are read into memory instead. The bytes
/// stay valid for the object's lifetime, even if the file is replaced by a rename meanwhile
/// (the mapping keeps the old inode alive).
final class MappedFile: @unchecked Sendable {
    let bytes: UnsafeRawBufferPointer
    private let base: UnsafeMutableRawPointer?
    private let length: Int
    private let mapped: Bool

    /// Maps the first `size` bytes of the open file `fd` (its size at the call if nil).
    init(fd: Int32, size: Int? = nil) {
        var total = size ?? 0
        if size == nil {
            var st = stat()
            if fstat(fd, &st) == 0 { total = Int(st.st_size) }
        }
        guard total > 0 else {
            (base, length, mapped, bytes) = (nil, 0, false, UnsafeRawBufferPointer(start: nil, count: 0))
            return
        }
        if let p = mmap(nil, total, PROT_READ, MAP_PRIVATE, fd, 0), p != MAP_FAILED {
            (base, length, mapped) = (p, total, true)
            bytes = UnsafeRawBufferPointer(start: p, count: total)
            return
        }
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: total, alignment: 16)
        var got = 0
        while got < total {
            let n = pread(fd, buffer.baseAddress! + got, total - got, off_t(got))
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { break }
            got += n
        }
        (base, length, mapped) = (buffer.baseAddress, total, false)
        bytes = UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(buffer)[0..<got])
    }

    /// Maps the file at `path`; nil if it cannot be opened.
    convenience init?(path: String) {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        self.init(fd: fd)
    }

    /// Lets the kernel drop the resident pages wholly before `offset` (a mapping only; they
    /// are read back from the page cache if touched again). For a big file read once from
    /// front to back: what was decoded need not stay resident beside what it became.
    func release(upTo offset: Int) {
        guard mapped, let base else { return }
        let page = Int(sysconf(Int32(_SC_PAGESIZE)))
        let length = min(offset, self.length) / page * page
        if length > 0 { _ = madvise(base, length, MADV_DONTNEED) }
    }

    deinit {
        if mapped { munmap(base, length) } else { base?.deallocate() }
    }
}
