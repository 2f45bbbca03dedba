#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Stats files through a few directories held open, so that the kernel walks a directory's
/// path once per batch of its files instead of once per file (`fstatat(dirfd, name)`).
/// A no-op build stats every input and output; products of a fan-out sit side by side,
/// so a handful of handles serve long runs of them.
///
/// One per thread and batch (handles close when it is released). The result is the same as `stat(path)`:
/// only the lookup of the leading directories is shared.
final class DirectoryHandles {
    private var paths: [[UInt8]] = []
    private var fds: [Int32] = []
    private var next = 0
    static let slots = 4

    init() {}

    deinit {
        for fd in fds where fd >= 0 { close(fd) }
    }

    /// `FileSignature.of(path)`: nil unless a regular file.
    func signature(of path: String) -> FileSignature? {
        var st = stat()
        guard statFile(path, &st), (st.st_mode & S_IFMT) == S_IFREG else { return nil }
        return FileSignature(st)
    }

    /// `stat(2)` of `path`, following symlinks; false if it fails.
    func statFile(_ path: String, _ st: inout stat) -> Bool {
        let original = path
        var path = path
        let shared: Bool? = path.withUTF8 { bytes -> Bool? in
            var slash = bytes.count - 1
            while slash >= 0 && bytes[slash] != UInt8(ascii: "/") { slash -= 1 }
            let nameStart = slash + 1
            // No directory part, the root, or no name: nothing to share.
            guard slash > 0, nameStart < bytes.count else { return nil }
            let dir = UnsafeBufferPointer(rebasing: bytes[..<slash])
            guard let fd = handle(dir) else { return nil }
            // The name, NUL-terminated, on the stack for short names.
            let nameLength = bytes.count - nameStart
            return withUnsafeTemporaryAllocation(of: CChar.self, capacity: nameLength + 1) { name in
                for i in 0..<nameLength { name[i] = CChar(bitPattern: bytes[nameStart + i]) }
                name[nameLength] = 0
                return fstatat(fd, name.baseAddress!, &st, 0) == 0
            }
        }
        if let shared { return shared }
        return stat(original, &st) == 0
    }

    /// An open handle on `dir`, reusing one of the last few; nil if it cannot be opened.
    private func handle(_ dir: UnsafeBufferPointer<UInt8>) -> Int32? {
        for i in paths.indices where paths[i].count == dir.count {
            if paths[i].withUnsafeBufferPointer({ memcmp($0.baseAddress!, dir.baseAddress!, dir.count) == 0 }) {
                return fds[i] >= 0 ? fds[i] : nil
            }
        }
        var cPath = [UInt8](dir)
        cPath.append(0)
        #if canImport(Glibc)
        // O_PATH (not exported to Swift): a handle for lookups only, no read permission needed.
        let flags = Int32(0o10000000) | O_DIRECTORY | O_CLOEXEC
        #else
        let flags = O_RDONLY | O_DIRECTORY | O_CLOEXEC
        #endif
        let fd = cPath.withUnsafeBufferPointer { b in
            b.withMemoryRebound(to: CChar.self) { open($0.baseAddress!, flags) }
        }
        let path = [UInt8](dir)
        if paths.count < Self.slots {
            paths.append(path)
            fds.append(fd)
        } else {
            if fds[next] >= 0 { close(fds[next]) }
            paths[next] = path
            fds[next] = fd
            next = (next + 1) % Self.slots
        }
        return fd >= 0 ? fd : nil
    }
}
