import Foundation
import Graph
import TestServers
import XCTest

// How the CLI tests wait: for an event they can observe (a file, a line of output, a record,
// a process ending), through `Poll.until` with a generous deadline; never for a fixed time.

/// Waits until `condition` holds; fails the test, naming `what`, if it has not within `timeout`.
@discardableResult
func waitUntil(_ what: @autoclosure () -> String, timeout: Double = Poll.patience,
               file: StaticString = #filePath, line: UInt = #line, _ condition: () throws -> Bool) rethrows -> Bool {
    let held = try Poll.until(timeout: timeout, condition)
    if !held { XCTFail("waited \(timeout) s in vain until \(what())", file: file, line: line) }
    return held
}

/// The live processes (zombies excluded) whose working directory is `directory` or below:
/// the commands of an `arrakis build` there, which run in process groups of their own and
/// outlive a build killed with SIGKILL.
func processes(workingIn directory: String) -> [pid_t] {
    let root = URL(fileURLWithPath: directory).resolvingSymlinksInPath().path
    let fm = FileManager.default
    return ((try? fm.contentsOfDirectory(atPath: "/proc")) ?? []).compactMap { name -> pid_t? in
        guard let pid = pid_t(name), pid != getpid(),
              let cwd = try? fm.destinationOfSymbolicLink(atPath: "/proc/\(name)/cwd") else { return nil }
        return cwd == root || cwd.hasPrefix(root + "/") ? pid : nil
    }
}

/// Waits until no command of a killed build in `directory` still runs.
func waitForCommandsToEnd(in directory: String, file: StaticString = #filePath, line: UInt = #line) {
    waitUntil("the commands running in \(directory) end", file: file, line: line) { processes(workingIn: directory).isEmpty }
}

/// Whether a thread of process `pid` is blocked opening a FIFO that has no reader.
func isBlockedOpeningAFIFO(_ pid: pid_t) -> Bool {
    let tasks = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/task")) ?? []
    return tasks.contains { tid in
        // The kernel function a FIFO's open sleeps in (fs/pipe.c); where wchan is hidden
        // ("0"), the system call the thread sleeps in: open or openat.
        let wchan = (try? String(contentsOfFile: "/proc/\(pid)/task/\(tid)/wchan", encoding: .utf8)) ?? ""
        if wchan == "wait_for_partner" { return true }
        guard wchan.isEmpty || wchan == "0" else { return false }
        let call = (try? String(contentsOfFile: "/proc/\(pid)/task/\(tid)/syscall", encoding: .utf8))?
            .split(separator: " ").first.flatMap { Int($0) }
        #if arch(x86_64)
        return call == 2 || call == 257
        #else
        return call == 56
        #endif
    }
}

/// Waits until the filesystem's clock (the one that stamps files, and `.arrakis/` state)
/// reads strictly later than the last change of each of `paths` that exists: a cache entry
/// about them (a directory listing, a file's digest) made after this is trusted next time,
/// not dropped as made in the same clock tick.
func waitForFilesystemClock(toPass paths: [String], file: StaticString = #filePath, line: UInt = #line) throws {
    var st = stat()
    let last = paths.compactMap { stat($0, &st) == 0 ? FileSignature(st).lastChangeNs : nil }.max() ?? .min
    // A marker on the same filesystem as the scratch directories, outside them.
    let marker = NSTemporaryDirectory() + "arrakis-test-clock-" + UUID().uuidString
    defer { unlink(marker) }
    let clock = try FilesystemClock(markerPath: marker)
    waitUntil("the filesystem clock passes the last change of \(paths)", file: file, line: line) { clock.now() > last }
}

/// stderr of a process, read to its end on a thread of its own while its stdout is read
/// elsewhere (neither pipe can fill up and stall it).
final class StderrReader: @unchecked Sendable {
    private let pipe = Pipe()
    private var data = Data()
    private let done = DispatchSemaphore(value: 0)

    /// Connects to `process`, which must not have been started.
    init(_ process: Process) { process.standardError = pipe }

    /// Starts reading (call once the process runs).
    func start() {
        Thread { [self] in
            data = pipe.fileHandleForReading.readDataToEndOfFile()
            done.signal()
        }.start()
    }

    /// All of stderr, once the process (and every child holding it) closed it.
    func text() -> String {
        done.wait()
        done.signal()
        return String(decoding: data, as: UTF8.self)
    }
}

/// Runs `process` (not yet started) to its end: its exit status and output.
func runToEnd(_ process: Process) throws -> RunResult {
    let out = Pipe()
    process.standardOutput = out
    let err = StderrReader(process)
    try process.run()
    err.start()
    let outData = out.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return RunResult(status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self), stderr: err.text())
}
