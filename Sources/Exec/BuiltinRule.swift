import Graph

/// A rule kind implemented in-process (the pipeline's science stages). It writes each of
/// `outputs` (temporary paths, renamed by the executor on success) and may log to `log`.
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
    init(path: String) { self.path = path }
    public func write(_ line: String) { lines.append(line) }
    func save() throws {
        try (lines.joined(separator: "\n") + (lines.isEmpty ? "" : "\n")).write(toFile: path)
    }
}

extension String {
    func write(toFile path: String) throws {
        guard let f = fopen(path, "w") else { throw FileError.errno(path, "cannot write") }
        defer { fclose(f) }
        fputs(self, f)
    }
}
#if canImport(Glibc)
import Glibc
#endif
