import CXXHash
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Errors reading files for hashing, naming the file.
public struct FileError: Error, CustomStringConvertible, Sendable {
    public var path: String
    public var reason: String
    public init(path: String, reason: String) {
        self.path = path
        self.reason = reason
    }
    public var description: String { "\(path): \(reason)" }

    public static func errno(_ path: String, _ what: String) -> FileError {
        FileError(path: path, reason: "\(what): \(String(cString: strerror(Glibc.errno)))")
    }
}

/// Streams a file through XXH3-128 in 1 MiB reads (bounded memory for multi-GB cubes).
public enum FileHasher {
    /// Content digest and the signature taken from the open descriptor *before* reading,
    /// so a change during the read shows up as a different signature next time.
    public static func hash(_ path: String) throws -> (Digest, FileSignature) {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw FileError.errno(path, "cannot open") }
        defer { close(fd) }
        return try hash(descriptor: fd, path: path)
    }

    /// As `hash(_:)` on a descriptor just opened (read from the start); `path` names it in
    /// errors.
    public static func hash(descriptor fd: Int32, path: String) throws -> (Digest, FileSignature) {
        var st = stat()
        guard fstat(fd, &st) == 0 else { throw FileError.errno(path, "cannot stat") }
        let sig = FileSignature(st)
        // Small files (most outputs of shell tasks): one read into the stack.
        if st.st_size < 4096 {
            let small: (Digest, Bool)? = withUnsafeTemporaryAllocation(byteCount: 4097, alignment: 16) { buf in
                var got = 0
                while got < buf.count {
                    let n = read(fd, buf.baseAddress! + got, buf.count - got)
                    if n < 0 { if errno == EINTR { continue }; return nil }
                    if n == 0 { break }
                    got += n
                }
                guard got < buf.count else { return (Digest.zero, false) }   // grew: stream it
                return (Digest(bytes: UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(buf)[0..<got])), true)
            }
            guard let small else { throw FileError.errno(path, "read failed") }
            if small.1 { return (small.0, sig) }
            lseek(fd, 0, SEEK_SET)
        }
        guard let state = XXH3_createState() else { throw FileError(path: path, reason: "out of memory") }
        defer { XXH3_freeState(state) }
        XXH3_128bits_reset(state)
        let size = 1 << 20
        let buffer = UnsafeMutableRawPointer.allocate(byteCount: size, alignment: 64)
        defer { buffer.deallocate() }
        while true {
            let n = read(fd, buffer, size)
            if n < 0 {
                if errno == EINTR { continue }
                throw FileError.errno(path, "read failed")
            }
            if n == 0 { break }
            XXH3_128bits_update(state, buffer, n)
        }
        let h = XXH3_128bits_digest(state)
        return (Digest(high: h.high64, low: h.low64), sig)
    }
}
