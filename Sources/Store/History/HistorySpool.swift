#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// Records kept on local disk while the history store cannot take them:
/// `DIR/<run id>.jsonl`, one JSON record a line, appended and fsync'd before the writer
/// moves on. A spool file is replayed (upserted, so replaying twice is harmless) into the
/// store by the next writer that reaches it, then removed.
///
/// The run writing a file holds an exclusive `flock` on it, so a replay elsewhere (another
/// build, `arrakis runs`) never takes a file that is still growing.
public final class HistorySpool {
    public let directory: String
    /// The file this process appends to, named for its run.
    public let ownName: String
    private var ownFD: Int32 = -1

    public init(directory: String, runID: String) {
        self.directory = directory
        ownName = runID + ".jsonl"
    }

    deinit { close() }

    private var ownPath: String { directory + "/" + ownName }

    /// Appends records and fsyncs them. Throws when the disk refuses (the only way a record
    /// can be lost, and then the caller says so).
    public func append(runs: [RunRecord], tasks: [TaskRecord]) throws {
        guard !runs.isEmpty || !tasks.isEmpty else { return }
        if ownFD < 0 {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true,
                                                    attributes: [.posixPermissions: 0o700])
            let fd = open(ownPath, O_RDWR | O_APPEND | O_CREAT | O_CLOEXEC, 0o600)
            guard fd >= 0 else { throw SpoolError(path: ownPath, what: "cannot open", errno: errno) }
            flock(fd, LOCK_EX)
            ownFD = fd
        }
        var text = Data()
        for r in runs { text.append(try SpoolEntry.encoder.encode(SpoolEntry.run(r))); text.append(0x0A) }
        for t in tasks { text.append(try SpoolEntry.encoder.encode(SpoolEntry.task(t))); text.append(0x0A) }
        try text.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let n = write(ownFD, raw.baseAddress! + offset, raw.count - offset)
                if n < 0 {
                    if errno == EINTR { continue }
                    throw SpoolError(path: ownPath, what: "cannot write", errno: errno)
                }
                offset += n
            }
        }
        guard fsync(ownFD) == 0 else { throw SpoolError(path: ownPath, what: "cannot fsync", errno: errno) }
    }

    /// Closes this process's file, removing it when nothing in it waits to be replayed.
    public func close() {
        guard ownFD >= 0 else { return }
        var st = stat()
        if fstat(ownFD, &st) == 0 && st.st_size == 0 { unlink(ownPath) }
        Glibc.close(ownFD)
        ownFD = -1
    }

    /// Whether any spool file waits to be replayed.
    public var isEmpty: Bool { files().isEmpty }

    /// Writes every spool file it can lock into `history` and removes it (this process's own
    /// file is emptied). Returns how many records went in. A file another live run holds is
    /// left for later; a store failure stops the replay and leaves the files in place.
    @discardableResult
    public func replay(into history: RunHistory, batch: Int = 500) throws(HistoryError) -> Int {
        var total = 0
        for name in files() {
            let path = directory + "/" + name
            let own = name == ownName && ownFD >= 0
            let fd = own ? ownFD : open(path, O_RDWR | O_CLOEXEC)
            guard fd >= 0 else { continue }
            if !own && flock(fd, LOCK_EX | LOCK_NB) != 0 { Glibc.close(fd); continue }
            defer { if !own { Glibc.close(fd) } }
            let entries = Self.read(fd)
            var i = 0
            while i < entries.count {
                let slice = entries[i..<min(i + batch, entries.count)]
                var runs: [RunRecord] = [], tasks: [TaskRecord] = []
                for e in slice {
                    switch e {
                    case .run(let r): runs.append(r)
                    case .task(let t): tasks.append(t)
                    }
                }
                try history.store(runs: runs, tasks: tasks)
                i += slice.count
            }
            total += entries.count
            if own { _ = ftruncate(fd, 0) } else { unlink(path) }
        }
        return total
    }

    /// Every entry of a file; a line that does not parse (a write cut by a crash) is skipped.
    static func read(_ fd: Int32) -> [SpoolEntry] {
        var data = Data()
        var buffer = [UInt8](repeating: 0, count: 65536)
        var offset: off_t = 0
        while true {
            let n = pread(fd, &buffer, buffer.count, offset)
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { break }
            data.append(contentsOf: buffer[0..<n])
            offset += off_t(n)
        }
        return data.split(separator: 0x0A).compactMap { try? SpoolEntry.decoder.decode(SpoolEntry.self, from: Data($0)) }
    }

    private func files() -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).filter { $0.hasSuffix(".jsonl") }.sorted()
    }
}

/// The local disk refused a spool write.
public struct SpoolError: Error, CustomStringConvertible {
    public var path: String
    public var what: String
    public var errno: Int32
    init(path: String, what: String, errno: Int32) {
        self.path = path
        self.what = what
        self.errno = errno
    }
    public var description: String { "history spool \(path): \(what): \(String(cString: strerror(errno)))" }
}
