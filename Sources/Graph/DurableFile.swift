#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Replacing a file so that a crash at any moment leaves either the old or the new contents:
/// write a temporary file beside it, fsync it, rename it over the old one, fsync the directory.
enum DurableFile {
    /// The temporary a replacement of `path` is written to (one at a time: the work
    /// directory's lock is held). A leftover one is a replacement killed before its rename.
    static func temporary(for path: String) -> String { path + ".compact" }

    /// Atomically replaces `path` with `bytes`.
    static func replace(_ path: String, with bytes: [UInt8]) throws {
        let tmp = temporary(for: path)
        let out = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard out >= 0 else { throw FileError.errno(tmp, "cannot create") }
        guard writeAll(out, bytes), fsync(out) == 0 else {
            let e = FileError.errno(tmp, "cannot write")
            close(out)
            unlink(tmp)
            throw e
        }
        close(out)
        guard rename(tmp, path) == 0 else {
            let e = FileError.errno(path, "cannot replace")
            unlink(tmp)
            throw e
        }
        syncDirectory(of: path)
    }

    /// Writes every byte (retrying short writes and EINTR).
    static func writeAll(_ fd: Int32, _ bytes: [UInt8], at offset: Int? = nil) -> Bool {
        bytes.withUnsafeBytes { buf -> Bool in
            var done = 0
            while done < buf.count {
                let n = offset.map { pwrite(fd, buf.baseAddress! + done, buf.count - done, off_t($0 + done)) }
                    ?? write(fd, buf.baseAddress! + done, buf.count - done)
                if n < 0 && errno == EINTR { continue }
                if n <= 0 { return false }
                done += n
            }
            return true
        }
    }

    /// Makes a rename or creation in `path`'s directory durable.
    static func syncDirectory(of path: String) {
        let slash = path.lastIndex(of: "/")
        let dir = slash.map { $0 == path.startIndex ? "/" : String(path[..<$0]) } ?? "."
        let fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { return }
        _ = fsync(fd)
        close(fd)
    }
}
