import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// libmongoc (as Debian builds it) initialises itself when any arrakis process starts and
/// keeps its performance counters in `/dev/shm/mongoc-<pid>`, removed when the process
/// ends normally. A process that is killed leaves its file behind; a later process that
/// happens to get the same PID then cannot create its own, and libmongoc prints "Falling
/// back to malloc for counters." on stderr, before any of our code runs. Removing the
/// files of processes that no longer exist keeps that from happening.
public enum MongoCounterFiles {
    /// Removes `mongoc-<pid>` files of `directory` whose process is gone; returns how many.
    @discardableResult
    public static func removeStale(in directory: String = "/dev/shm") -> Int {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory) else { return 0 }
        var removed = 0
        for name in names where name.hasPrefix("mongoc-") {
            guard let pid = Int32(name.dropFirst("mongoc-".count)), pid > 0, pid != getpid() else { continue }
            // kill(pid, 0): ESRCH means no such process; EPERM means it exists (another user's).
            if kill(pid, 0) == -1, errno == ESRCH, unlink(directory + "/" + name) == 0 { removed += 1 }
        }
        return removed
    }
}
