import ArgumentParser
import Foundation
import Graph
import Rules
import Synchronization

/// Options every command shares: where the project is.
struct ProjectOptions: ParsableArguments {
    @Option(name: .customShort("C"), help: "Change to DIR before doing anything (like make -C).")
    var directory: String?

    @Option(name: .customShort("f"), help: "The Arrakisfile to read (default: ./Arrakisfile).")
    var file: String = "Arrakisfile"
}

/// The project directory's state: `.arrakis/` with traces, the digest cache, logs and a lock.
final class Workspace {
    let project: Project
    let stateDirectory = ".arrakis"
    let digests: DigestCache
    let traces: TraceStore
    /// Instances of glob fan-outs from earlier builds (`.arrakis/expansions/`).
    let expansions: ExpansionCache
    private let lockFD: Int32

    /// Time spent opening the project, for `--timings`.
    var times = PhaseTimes()

    init(_ options: ProjectOptions) throws {
        if let dir = options.directory {
            guard FileManager.default.changeCurrentDirectoryPath(dir) else {
                throw CLIError("cannot change to directory \(dir)")
            }
        }
        guard FileManager.default.fileExists(atPath: options.file) else {
            throw CLIError("no Arrakisfile at \(FileManager.default.currentDirectoryPath)/\(options.file) (use -f FILE or -C DIR)")
        }
        project = try times.measure("load Arrakisfile") { try Project.load(path: options.file) }
        try FileManager.default.createDirectory(atPath: stateDirectory, withIntermediateDirectories: true)
        lockFD = open(stateDirectory + "/lock", O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard lockFD >= 0, flock(lockFD, LOCK_EX | LOCK_NB) == 0 else {
            throw CLIError("another arrakis is running in \(FileManager.default.currentDirectoryPath) (\(stateDirectory)/lock is held)")
        }
        let clock = try FilesystemClock(markerPath: stateDirectory + "/clock")
        expansions = try ExpansionCache(directory: stateDirectory + "/expansions", clock: clock)
        let state = stateDirectory
        // The two stores are independent: open them side by side.
        let opened = Mutex<(DigestCache?, TraceStore?, Error?)>((nil, nil, nil))
        times.measure("open digest cache and trace store") {
            DispatchQueue.concurrentPerform(iterations: 2) { i in
                do {
                    if i == 0 {
                        let d = try DigestCache(path: state + "/digests.log", clock: clock)
                        opened.withLock { $0.0 = d }
                    } else {
                        let t = try TraceStore(path: state + "/traces.log")
                        opened.withLock { $0.1 = t }
                    }
                } catch {
                    opened.withLock { if $0.2 == nil { $0.2 = error } }
                }
            }
        }
        let (d, t, error) = opened.withLock { $0 }
        if let error { throw error }
        digests = d!
        traces = t!
        for notice in [d!.notice, t!.notice].compactMap({ $0 }) { printErr("arrakis: \(notice)\n") }
    }

    deinit { close(lockFD) }

    func engine(targets words: [String], dryRun: Bool, keepGoing: Bool) throws -> BuildEngine {
        let words = words.isEmpty ? project.defaultTargets : words
        return try BuildEngine(families: project.families, targets: project.targets(words),
                               digests: digests, traces: traces, expansions: expansions,
                               options: .init(dryRun: dryRun, keepGoing: keepGoing, valueText: Value.displayText(canonical:)))
    }
}

struct CLIError: Error, CustomStringConvertible {
    var description: String
    init(_ d: String) { description = d }
}

/// Prints an error the way every command does and exits non-zero.
func fail(_ error: Error) -> Never {
    // A Diagnostic already reads "file:line:col: error: ..." with its source line.
    let text = error is Diagnostic ? "\(error)" : "arrakis: error: \(error)"
    FileHandle.standardError.write(Data((text + "\n").utf8))
    exit(error is BuildFailed ? 1 : 2)
}

struct BuildFailed: Error, CustomStringConvertible {
    var description: String
}

func printOut(_ s: String) {
    FileHandle.standardOutput.write(Data(s.utf8))
}

func printErr(_ s: String) {
    FileHandle.standardError.write(Data(s.utf8))
}
