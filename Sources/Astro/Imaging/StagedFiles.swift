import Foundation
#if canImport(Glibc)
import Glibc
#endif

#if os(Linux)
@_silgen_name("syncfs")
private func arrakis_syncfs(_ fd: Int32) -> Int32
#endif

/// Files written under temporary names beside their final paths and made visible
/// together: `commit()` makes every staged file durable with one `syncfs` per filesystem
/// (instead of one `fsync` per file, each a journal commit) and then renames them into
/// place in the order they were staged. Nothing half-written ever has a final name: a
/// crash leaves only hidden temporary files (`.<name>.tmp-<pid>-<n>`), and staged files
/// that are never committed are deleted when the batch is dropped.
///
/// Files are staged in groups (one island's image and weights copy); a group whose write
/// or rename fails is removed as a whole. One batch is used by one thread at a time; it
/// may be handed to another thread to commit.
public final class StagedFiles: @unchecked Sendable {
    private struct Entry {
        var temporary: String
        var final: String
        var group: Int
    }

    private var entries: [Entry] = []
    private var groups = 0
    /// One open descriptor per filesystem written to, for `syncfs`.
    private var filesystems: [UInt64: Int32] = [:]
    /// Bytes written so far.
    public private(set) var bytes = 0
    /// Files staged (and not discarded) so far.
    public var count: Int { entries.count }

    public init() {}

    deinit {
        for e in entries { unlink(e.temporary) }
        for fd in filesystems.values { close(fd) }
    }

    /// A new group id for files that must appear together.
    public func newGroup() -> Int {
        groups += 1
        return groups
    }

    /// Writes `data` to a temporary file beside `path`, to be renamed onto `path` on commit.
    public func write(_ data: UnsafeRawBufferPointer, to path: String, group: Int) throws(CutoutFailure) {
        if let failure = stage(data, to: path, group: group) { throw failure }
    }

    /// Writes `data` to a temporary file beside `path`, to be renamed onto `path` on commit.
    public func write(_ data: [UInt8], to path: String, group: Int) throws(CutoutFailure) {
        if let failure = data.withUnsafeBytes({ stage($0, to: path, group: group) }) { throw failure }
    }

    private func stage(_ data: UnsafeRawBufferPointer, to path: String, group: Int) -> CutoutFailure? {
        let temporary = FITSFile.temporaryName(for: path)
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o666)
        guard fd >= 0 else { return .writeFailed(path: path, reason: Self.errnoText()) }
        var done = 0
        while done < data.count {
            let n = Glibc.write(fd, data.baseAddress! + done, data.count - done)
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else {
                let reason = n < 0 ? Self.errnoText() : "short write"
                close(fd)
                unlink(temporary)
                return .writeFailed(path: path, reason: reason)
            }
            done += n
        }
        keepFilesystem(of: fd)
        entries.append(Entry(temporary: temporary, final: path, group: group))
        bytes += data.count
        return nil
    }

    /// Takes over a finished temporary file (e.g. from `FITSFile.finishUnrenamed()`).
    public func adopt(temporary: String, final path: String, group: Int) {
        let fd = open(temporary, O_RDONLY | O_CLOEXEC)
        if fd >= 0 {
            var st = stat()
            if fstat(fd, &st) == 0 { bytes += Int(st.st_size) }
            keepFilesystem(of: fd)
        }
        entries.append(Entry(temporary: temporary, final: path, group: group))
    }

    /// Deletes the staged files of `group`.
    public func discard(group: Int) {
        entries.removeAll { e in
            guard e.group == group else { return false }
            unlink(e.temporary)
            return true
        }
    }

    /// Makes every staged file durable (when `sync`), then renames each onto its final path
    /// in staging order. Returns the groups that failed to appear, with why; their files
    /// are removed (those already renamed too). The batch is empty afterwards.
    @discardableResult
    public func commit(sync: Bool = true) -> [Int: CutoutFailure] {
        var failed: [Int: CutoutFailure] = [:]
        if sync { syncAll(&failed) }
        var renamed: [Int: [String]] = [:]
        for e in entries {
            if failed[e.group] != nil { unlink(e.temporary); continue }
            if rename(e.temporary, e.final) == 0 {
                renamed[e.group, default: []].append(e.final)
            } else {
                failed[e.group] = .writeFailed(path: e.final, reason: "cannot rename the finished file into place: \(Self.errnoText())")
                unlink(e.temporary)
                for path in renamed[e.group] ?? [] { unlink(path) }
            }
        }
        entries = []
        for fd in filesystems.values { close(fd) }
        filesystems = [:]
        return failed
    }

    private func syncAll(_ failed: inout [Int: CutoutFailure]) {
        var fellBack = false
        for fd in filesystems.values where Self.syncFilesystem(fd) != 0 { fellBack = true }
        guard fellBack else { return }
        // No syncfs (or it failed): one fsync per file.
        for e in entries {
            let fd = open(e.temporary, O_RDONLY | O_CLOEXEC)
            if fd < 0 || fsync(fd) != 0 {
                failed[e.group] = .writeFailed(path: e.final, reason: "cannot sync: \(Self.errnoText())")
            }
            if fd >= 0 { close(fd) }
        }
    }

    /// Keeps `fd` open when it is the first on its filesystem, else closes it.
    private func keepFilesystem(of fd: Int32) {
        var st = stat()
        let device = fstat(fd, &st) == 0 ? UInt64(st.st_dev) : UInt64.max
        if filesystems[device] == nil, device != .max {
            filesystems[device] = fd
        } else {
            close(fd)
        }
    }

    /// `syncfs(2)` where there is one (Glibc's module does not export it), else -1.
    private static func syncFilesystem(_ fd: Int32) -> Int32 {
        #if os(Linux)
        return arrakis_syncfs(fd)
        #else
        return -1
        #endif
    }

    private static func errnoText() -> String { String(cString: strerror(errno)) }
}
