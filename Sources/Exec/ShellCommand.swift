#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// Runs `/bin/sh -c COMMAND` with posix_spawn in its own process group; stdout and stderr
/// go to a log file.
public enum ShellCommand {
    public enum Outcome: Sendable, Equatable {
        case exited(Int32)
        case signaled(Int32)
        case spawnFailed(String)
    }

    /// Spawns and returns the pid (or an error text). `onSpawn` lets the caller remember the
    /// pid for cancellation before waiting.
    public static func run(_ command: String, logPath: String,
                           onSpawn: (pid_t) -> Void = { _ in }) -> Outcome {
        runMeasured(command, logPath: logPath, onSpawn: onSpawn).outcome
    }

    /// `run`, also returning the command's peak resident memory in KiB: `ru_maxrss` from
    /// `wait4`, the largest of the shell and the children it waited for.
    public static func runMeasured(_ command: String, logPath: String,
                                   onSpawn: (pid_t) -> Void = { _ in }) -> (outcome: Outcome, peakMemoryKB: Int?) {
        let log = open(logPath, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard log >= 0 else { return (.spawnFailed("cannot open \(logPath): \(String(cString: strerror(errno)))"), nil) }
        defer { close(log) }
        return runMeasured(command, log: log, onSpawn: onSpawn)
    }

    /// `/dev/null`, opened once for every command's standard input.
    static let devNull: Int32 = open("/dev/null", O_RDONLY | O_CLOEXEC)

    /// As `runMeasured(_:logPath:onSpawn:)`, writing to an open log descriptor (at its
    /// current offset). The child only duplicates descriptors the parent opened once: no
    /// path lookup, creation or truncation of a log file per command.
    public static func runMeasured(_ command: String, log: Int32,
                                   onSpawn: (pid_t) -> Void = { _ in }) -> (outcome: Outcome, peakMemoryKB: Int?) {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        if devNull > 2 {
            posix_spawn_file_actions_adddup2(&actions, devNull, 0)
        } else {
            posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        }
        posix_spawn_file_actions_adddup2(&actions, log, 1)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        var attr = posix_spawnattr_t()
        posix_spawnattr_init(&attr)
        defer { posix_spawnattr_destroy(&attr) }
        var flags = Int16(POSIX_SPAWN_SETPGROUP) | Int16(POSIX_SPAWN_SETSIGMASK) | Int16(POSIX_SPAWN_SETSIGDEF)
        posix_spawnattr_setflags(&attr, flags)
        posix_spawnattr_setpgroup(&attr, 0)
        var none = sigset_t()
        sigemptyset(&none)
        posix_spawnattr_setsigmask(&attr, &none)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        sigaddset(&defaults, SIGINT)
        sigaddset(&defaults, SIGTERM)
        sigaddset(&defaults, SIGPIPE)
        posix_spawnattr_setsigdefault(&attr, &defaults)

        let argv: [String] = ["/bin/sh", "-c", command]
        var cargs: [UnsafeMutablePointer<CChar>?] = argv.map { strdup($0) } + [nil]
        defer { for p in cargs { free(p) } }
        var pid: pid_t = 0
        let rc = posix_spawn(&pid, "/bin/sh", &actions, &attr, &cargs, environ)
        guard rc == 0 else { return (.spawnFailed(String(cString: strerror(rc))), nil) }
        onSpawn(pid)
        var status: Int32 = 0
        var usage = rusage()
        while wait4(pid, &status, 0, &usage) < 0 {
            if errno != EINTR { return (.spawnFailed("waitpid: \(String(cString: strerror(errno)))"), nil) }
        }
        let peak = MemoryUsage.kilobytes(Int(usage.ru_maxrss))
        if status & 0x7f == 0 { return (.exited((status >> 8) & 0xff), peak) }
        return (.signaled(status & 0x7f), peak)
    }
}
