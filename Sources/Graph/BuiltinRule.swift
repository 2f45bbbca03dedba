/// A rule kind implemented in-process (the pipeline's science stages). It writes each of
/// `outputs` (temporary paths, renamed by the executor on success) and may log to `log`.
/// `arguments` holds the product's params by name, `input.NAME`/`output.NAME` for named
/// inputs and outputs, `inputs`/`outputs` (all paths, newline-separated), `output.manifest`
/// when the product declares one (its final path: the rule writes to its temporary name,
/// `TemporaryOutput.path(for:)`, and reads the previous build's manifest at the final one),
/// `depfile` when the rule discovers its inputs, and `key.VAR` for each loop variable.
/// Rules run on worker threads, several at once: they must not share mutable state.
public protocol BuiltinRule: Sendable {
    func run(arguments: [String: String], outputs: [String], log: TaskLog) throws
}

/// The built-in rule kinds available to executors, by name.
public struct BuiltinRegistry: Sendable {
    public private(set) var rules: [String: any BuiltinRule] = [:]
    public init() {}
    public mutating func register(_ kind: String, _ rule: any BuiltinRule) { rules[kind] = rule }
}

/// Where a task's messages go (its log file).
public final class TaskLog: @unchecked Sendable {
    public let path: String
    private var lines: [String] = []
    private let lock = NSLock()
    public init(path: String) { self.path = path }
    public func write(_ line: String) { lock.lock(); lines.append(line); lock.unlock() }
    public func save() throws {
        lock.lock(); defer { lock.unlock() }
        try (lines.joined(separator: "\n") + (lines.isEmpty ? "" : "\n")).write(toFile: path)
    }
}

extension String {
    /// Writes the string to `path` (not atomically; for logs).
    public func write(toFile path: String) throws {
        guard let f = fopen(path, "w") else { throw FileError.errno(path, "cannot write") }
        defer { fclose(f) }
        fputs(self, f)
    }
}
#if canImport(Glibc)
import Glibc
#endif
import Foundation
