import XCTest
@testable import Rules

/// Parses an in-memory Arrakisfile named `Arrakisfile`.
func parse(_ source: String, file: String = "Arrakisfile") throws -> ArrakisfileAST {
    try ArrakisfileLoader.parse(source: source, file: file)
}

/// Asserts that `source` fails with one Diagnostic at `line`:`column` whose message contains
/// `phrase`, and whose rendering shows the source line with a caret under the column.
/// When the text is syntactically valid, the checker must also find exactly one error, so
/// a mistake is never reported twice or drowned in follow-on errors.
func assertDiagnostic(_ source: String, line: Int, column: Int, _ phrase: String,
                      file: String = "Arrakisfile", sourceLine: String? = nil,
                      testFile: StaticString = #filePath, testLine: UInt = #line) {
    do {
        let ast = try ArrakisfileLoader.parse(source: source, file: file)
        XCTFail("expected an error containing \"\(phrase)\", but it parsed into \(ast.statements.count) statements",
                file: testFile, line: testLine)
    } catch let diagnostic as Diagnostic {
        assertDiagnostic(diagnostic, line: line, column: column, phrase, file: file,
                         sourceLine: sourceLine ?? lineOf(source, line), testFile: testFile, testLine: testLine)
        if let all = checkerErrors(source, file: file) {
            XCTAssertEqual(all.count, 1, "expected exactly one error, got:\n" + all.map(\.description).joined(separator: "\n"),
                           file: testFile, line: testLine)
        }
    } catch {
        XCTFail("expected a Diagnostic, got \(type(of: error)): \(error)", file: testFile, line: testLine)
    }
}

/// Every checker error in `source`, or nil if it does not parse (or includes files).
func checkerErrors(_ source: String, file: String = "Arrakisfile") -> [Diagnostic]? {
    var parser = Parser(source: SourceText(file: file, text: source)) { _, location in
        throw Diagnostic("includes are not followed here", at: location)
    }
    guard let statements = try? parser.parseFile() else { return nil }
    return Checker.check(ArrakisfileAST(statements: statements, files: [file]), rules: PipelineRules.catalog)
}

/// The Diagnostic `body` throws, or nil (after failing the test) if it throws nothing or
/// something else.
func diagnostic(testFile: StaticString = #filePath, testLine: UInt = #line,
                _ body: () throws -> Any) -> Diagnostic? {
    do {
        _ = try body()
        XCTFail("expected a Diagnostic, but there was no error", file: testFile, line: testLine)
    } catch let diagnostic as Diagnostic {
        return diagnostic
    } catch {
        XCTFail("expected a Diagnostic, got \(type(of: error)): \(error)", file: testFile, line: testLine)
    }
    return nil
}

/// The repository's root directory (for examples/ and docs/).
let repositoryRoot: String = {
    var url = URL(fileURLWithPath: #filePath)
    for _ in 0..<3 { url.deleteLastPathComponent() }
    return url.path
}()

func assertDiagnostic(_ diagnostic: Diagnostic, line: Int, column: Int, _ phrase: String,
                      file: String, sourceLine: String?,
                      testFile: StaticString = #filePath, testLine: UInt = #line) {
    let rendered = diagnostic.description
    XCTAssertEqual(diagnostic.location.file, file, rendered, file: testFile, line: testLine)
    XCTAssertEqual(diagnostic.location.line, line, "line; \(rendered)", file: testFile, line: testLine)
    XCTAssertEqual(diagnostic.location.column, column, "column; \(rendered)", file: testFile, line: testLine)
    XCTAssertTrue(diagnostic.message.contains(phrase), "expected \"\(phrase)\" in: \(rendered)", file: testFile, line: testLine)
    XCTAssertTrue(rendered.hasPrefix("\(file):\(line):\(column): error: "), rendered, file: testFile, line: testLine)
    guard let sourceLine else { return }
    let pad = String(sourceLine.prefix(column - 1).map { $0 == "\t" ? "\t" : " " })
    XCTAssertEqual(diagnostic.lineText, sourceLine, rendered, file: testFile, line: testLine)
    XCTAssertTrue(rendered.hasSuffix("\n    \(sourceLine)\n    \(pad)^"), "caret: \n\(rendered)", file: testFile, line: testLine)
}

/// The 1-based line `n` of `source` (without its newline).
func lineOf(_ source: String, _ n: Int) -> String {
    let lines = source.split(separator: "\n", omittingEmptySubsequences: false)
    return n >= 1 && n <= lines.count ? String(lines[n - 1]) : ""
}

/// A fresh temporary directory, removed when the test ends.
func temporaryDirectory(_ test: XCTestCase) throws -> String {
    let path = NSTemporaryDirectory() + "arrakis-rules-" + UUID().uuidString
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    test.addTeardownBlock { try? FileManager.default.removeItem(atPath: path) }
    return path
}

func write(_ text: String, to path: String) throws {
    try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent,
                                            withIntermediateDirectories: true)
    try Data(text.utf8).write(to: URL(fileURLWithPath: path))
}

extension ArrakisfileAST {
    var products: [ProductDecl] {
        statements.compactMap { if case .product(let p) = $0 { return p } else { return nil } }
    }
    var variables: [VariableDecl] {
        statements.compactMap { if case .variable(let v) = $0 { return v } else { return nil } }
    }
    func product(_ name: String) -> ProductDecl? { products.first { $0.name.name == name } }
}

/// A compact, location-free rendering of an expression for assertions.
func render(_ expr: Expr) -> String {
    switch expr {
    case .string(let template, _): return "\"" + render(template) + "\""
    case .integer(let v, _): return "\(v)"
    case .float(let v, _): return "\(v)"
    case .bool(let v, _): return "\(v)"
    case .list(let items, _): return "[" + items.map(render).joined(separator: ", ") + "]"
    case .name(let id, let attr): return id.name + (attr.map { "." + $0.name } ?? "")
    case .call(let id, let args, _): return id.name + "(" + args.map(render).joined(separator: ", ") + ")"
    case .select(let id, let sels, let output, _):
        return id.name + "[" + sels.map { $0.variable.name + ($0.value.map { " = " + render($0) } ?? "") }.joined(separator: ", ") + "]"
            + (output.map { "." + $0.name } ?? "")
    }
}

func render(_ template: Template) -> String {
    template.parts.map { part in
        switch part {
        case .text(let t): return t
        case .field(let f): return "{" + f.name + (f.attribute.map { "." + $0 } ?? "") + (f.format.map { ":" + $0 } ?? "") + "}"
        }
    }.joined()
}
