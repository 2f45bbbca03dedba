#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Where the stores get "now" to decide whether a file's last change can be trusted (see
/// `FilesystemClock`). A test may give its own and move it, rather than wait for the
/// filesystem's clock to tick past a change.
public protocol StampClock: AnyObject, Sendable {
    /// A timestamp in nanoseconds on the clock that stamps files' last changes.
    func now() -> Int64
}

/// "Now" as the filesystem stamps it: touches a marker file and reads back its mtime.
///
/// File timestamps come from a coarse kernel clock (or, on network filesystems, from the
/// server's), so comparing them with the system clock is unreliable. A file whose last
/// change is strictly older than a stamp taken *before* we read it cannot have been changed
/// after the read without getting a newer timestamp; otherwise its cache entry is "racy" and
/// is re-hashed next time (the same idea as git's racy-index handling).
public final class FilesystemClock: StampClock, @unchecked Sendable {
    private let fd: Int32

    public init(markerPath: String) throws {
        fd = open(markerPath, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw FileError.errno(markerPath, "cannot open clock marker") }
    }

    deinit { close(fd) }

    /// A timestamp in nanoseconds from the filesystem's clock.
    public func now() -> Int64 {
        _ = futimens(fd, nil)
        var st = stat()
        fstat(fd, &st)
        return FileSignature(st).mtimeNs
    }
}
