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
        var st = stat()
        guard fstat(fd, &st) == 0 else { throw FileError.errno(path, "cannot stat") }
        let sig = FileSignature(st)
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
