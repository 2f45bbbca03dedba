import Foundation

/// Reads an Arrakisfile, splices in its includes, parses it and checks it against the rule
/// kinds the caller accepts (`rules`; the pipeline's are `PipelineRules.catalog`).
///
/// Both entry points throw the first error in source order as a `Diagnostic` whose
/// `lineText` holds the offending line, so `description` renders the line with a caret.
public enum ArrakisfileLoader {
    /// Loads the Arrakisfile at `path` and every file it includes (paths relative to the
    /// including file's directory).
    public static func load(path: String, rules: RuleCatalog) throws -> ArrakisfileAST {
        let session = LoadSession(rules: rules)
        return try session.run {
            let source = try session.read(path, missing: { reason in
                Diagnostic("cannot read '\(path)': \(reason) (expected a readable Arrakisfile)",
                           at: SourceLocation(file: path, line: 1, column: 1))
            })
            return try session.parseRoot(source)
        }
    }

    /// Parses an Arrakisfile held in memory; `file` names it in locations, and includes are
    /// resolved relative to its directory.
    public static func parse(source: String, file: String, rules: RuleCatalog) throws -> ArrakisfileAST {
        let session = LoadSession(rules: rules)
        return try session.run {
            let text = SourceText(file: file, text: source)
            session.register(text)
            return try session.parseRoot(text)
        }
    }

    /// Like `parse(source:file:)` for raw bytes, which must be UTF-8: the first invalid byte
    /// is an error located at its line and column.
    public static func parse(bytes: [UInt8], file: String, rules: RuleCatalog) throws -> ArrakisfileAST {
        let session = LoadSession(rules: rules)
        return try session.run {
            let text = SourceText(file: file, bytes: bytes)
            if let invalid = UTF8Validation.diagnostic(for: text) { throw invalid }
            session.register(text)
            return try session.parseRoot(text)
        }
    }
}

/// The state of one load: the files read so far and the chain of open includes.
/// A class because the parser's include callback updates it while parsing; it never
/// leaves the call that created it.
private final class LoadSession {
    /// The rule kinds the checker knows.
    private let rules: RuleCatalog
    init(rules: RuleCatalog) { self.rules = rules }
    /// Every file read, by the name used in its locations.
    private var sources: [String: SourceText] = [:]
    private var files: [String] = []
    /// Identity of each file already read -> where it was included (nil for the root).
    private var seen: [String: SourceLocation?] = [:]
    /// The chain of files being parsed (identity and display name), root first.
    private var open: [(identity: String, file: String)] = []

    /// Runs `body`, completing any diagnostic it throws with its source line.
    func run(_ body: () throws -> ArrakisfileAST) throws -> ArrakisfileAST {
        do {
            return try body()
        } catch let diagnostic as Diagnostic {
            throw annotate(diagnostic)
        }
    }

    func annotate(_ diagnostic: Diagnostic) -> Diagnostic {
        sources[diagnostic.location.file]?.annotate(diagnostic) ?? diagnostic
    }

    func register(_ source: SourceText) {
        sources[source.file] = source
        files.append(source.file)
    }

    /// Reads a file; `missing(reason)` makes the error for a file that cannot be read.
    func read(_ path: String, missing: (String) -> Diagnostic) throws -> SourceText {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw missing("no such file")
        }
        guard !isDirectory.boolValue else { throw missing("it is a directory") }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw missing("permission denied or unreadable")
        }
        let source = SourceText(file: path, bytes: [UInt8](data))
        if let invalid = UTF8Validation.diagnostic(for: source) { throw invalid }
        register(source)
        return source
    }

    func parseRoot(_ source: SourceText) throws -> ArrakisfileAST {
        let identity = SourcePath.identity(of: source.file)
        seen[identity] = .some(nil)
        let statements = try parse(source, identity: identity)
        var ast = ArrakisfileAST(statements: statements, files: files)
        let checked = Checker.checked(ast, rules: rules)
        if let first = checked.diagnostics.first { throw first }
        ast.checkedResources = checked.resources
        return ast
    }

    private func parse(_ source: SourceText, identity: String) throws -> [TopLevel] {
        open.append((identity, source.file))
        defer { open.removeLast() }
        var parser = Parser(source: source) { [unowned self] path, location in
            try self.include(path, at: location, from: source.file)
        }
        return try parser.parseFile()
    }

    private func include(_ path: String, at location: SourceLocation, from file: String) throws -> [TopLevel] {
        let resolved = SourcePath.join(SourcePath.directory(of: file), path)
        let identity = SourcePath.identity(of: resolved)
        if open.contains(where: { $0.identity == identity }) {
            let start = open.firstIndex { $0.identity == identity }!
            let chain = open[start...].map(\.file) + [resolved]
            throw Diagnostic("include cycle: \(chain.joined(separator: " -> ")) (expected a file not to include itself, directly or through other files)",
                             at: location)
        }
        if let first = seen[identity] {
            let whereFirst = first.map { "at \($0)" } ?? "as the root file"
            throw Diagnostic("'\(path)' is already included (\(whereFirst); expected each file to be included once)",
                             at: location)
        }
        let directory = SourcePath.directory(of: file)
        let source = try read(resolved) { reason in
            Diagnostic("cannot include '\(path)': \(reason) at '\(resolved)' (expected a path relative to \(directory.isEmpty ? "the current directory" : "'\(directory)'"))",
                       at: location)
        }
        seen[identity] = .some(location)
        return try parse(source, identity: identity)
    }
}
