import XCTest
@testable import Rules

/// Thousands of deterministic mutations of valid Arrakisfiles: each must parse or give one
/// Diagnostic located inside the text, never crash or hang.
final class FuzzTests: XCTestCase {
    static let seed: UInt64 = 0x4152_5241_4B49_5321  // "ARRAKIS!"
    static let casesPerFile = 1_100

    /// Tuples, selections by value, escapes, format specs, non-ASCII text, `;`, blocks.
    static let assorted = """
        # Tuples, selections by value, escapes, formats, unicode.
        let fields = [["RACS_0000-12", 1], ["RACS_1237+12", 2]]
        let scale = 1.5e3
        let unit = "µJy/beam"
        settings { jobs 4; keep_going true }
        history { path ".arrakis/history" }

        product stamps {
            for (field, epoch) in fields
            for beam in range(0, 36)
            output "stamps/{field:>14}/e{epoch:02}_b{beam:02}.txt"
            param label = "{field} \\"{unit}\\" {{literal}}\\t\\\\"
            shell "echo {label} > {output}"
            cpus 2; mem 1024; time "01:30:00"; retries 0; version "2024-06"
        }

        product first_beam {
            for field in ["RACS_0000-12", "RACS_1237+12"]
            input stamps[field, beam = 0]
            output "first/{field}.txt"
            shell "cat {inputs} > {output}"
        }
        default first_beam
        """

    func testMutatedFilesParseOrFailWithLocatedDiagnostic() throws {
        // A directory of its own, so that includes (mutated or not) resolve inside it.
        let dir = try temporaryDirectory(self)
        let site = try XCTUnwrap(DocumentationTests.exampleFiles()["config/site.arrakis"])
        try write(ValidFileTests.common, to: dir + "/config/common.arrakis")
        try write(site, to: dir + "/config/site.arrakis")
        let corpus: [(name: String, text: String)] = [
            ("shell-demo", try String(contentsOfFile: repositoryRoot + "/examples/shell-demo/Arrakisfile", encoding: .utf8)),
            ("pipeline", ValidFileTests.pipeline),
            ("common", ValidFileTests.common),
            ("assorted", Self.assorted),
            ("documentation", try DocumentationTests.mainExample()),
        ]
        let file = dir + "/Arrakisfile"
        let included = [dir + "/config/common.arrakis": Array(ValidFileTests.common.utf8),
                        dir + "/config/site.arrakis": Array(site.utf8)]
        var outcomes = (parsed: 0, diagnosed: 0)
        let started = Date()
        for (index, entry) in corpus.enumerated() {
            XCTAssertNoThrow(try ArrakisfileLoader.parse(source: entry.text, file: file), "corpus file \(entry.name)")
            var mutator = ArrakisfileMutator(random: SplitMix64(seed: Self.seed &+ UInt64(index)))
            let original = Array(entry.text.utf8)
            for n in 0..<Self.casesPerFile {
                let bytes = mutator.mutate(original)
                let what = "\(entry.name) case \(n)"
                // Through a String (bad bytes become U+FFFD) and as raw bytes.
                let text = String(decoding: bytes, as: UTF8.self)
                var files = included
                files[file] = Array(text.utf8)
                let viaString = check(what, files) { try ArrakisfileLoader.parse(source: text, file: file) }
                files[file] = bytes
                let viaBytes = check(what + " (bytes)", files) { try ArrakisfileLoader.parse(bytes: bytes, file: file) }
                for parsed in [viaString, viaBytes] {
                    if parsed { outcomes.parsed += 1 } else { outcomes.diagnosed += 1 }
                }
            }
        }
        let cases = corpus.count * Self.casesPerFile
        XCTAssertGreaterThanOrEqual(cases, 5_000)
        // Most mutations break the file, but not all: both outcomes must be exercised.
        XCTAssertGreaterThan(outcomes.parsed, cases / 20)
        XCTAssertGreaterThan(outcomes.diagnosed, cases)
        print("fuzz: \(cases) cases, \(outcomes.parsed) parses and \(outcomes.diagnosed) diagnostics in \(String(format: "%.2f", Date().timeIntervalSince(started))) s")
    }

    /// Ten thousand openers of each kind, at the top level, in a let and in an input.
    func testDeepNestingIsADiagnosticNotACrash() {
        for opener in ["[", "(", "{", "f(", "a[", "a[x = ", "\"{", "for (", "product a {"] {
            let deep = String(repeating: opener, count: 10_000)
            for source in [deep, "let x = " + deep, "product p {\n    input " + deep + "\n}\n"] {
                let file = "Arrakisfile"
                let parsed = check("nesting \(opener)", [file: Array(source.utf8)]) {
                    try ArrakisfileLoader.parse(source: source, file: file)
                }
                XCTAssertFalse(parsed, "\(opener) x 10000 parsed")
            }
        }
    }

    /// Runs one parse and returns true if it succeeded. A failure must be a Diagnostic
    /// inside the text of the file it names (`files` holds each file's bytes), quickly.
    private func check(_ what: String, _ files: [String: [UInt8]], _ parse: () throws -> ArrakisfileAST) -> Bool {
        let started = Date()
        defer {
            let seconds = Date().timeIntervalSince(started)
            XCTAssertLessThan(seconds, 1, "\(what) took \(seconds) s")
        }
        do {
            _ = try parse()
            return true
        } catch let diagnostic as Diagnostic {
            if let text = files[diagnostic.location.file] {
                assertInside(diagnostic, text, what)
            } else {
                XCTFail("\(what): error in an unexpected file: \(diagnostic)")
            }
            return false
        } catch {
            XCTFail("\(what): expected a Diagnostic, got \(type(of: error)): \(error)")
            return false
        }
    }

    /// Line from 1 to the number of lines + 1; column from 1 to one past the line's end;
    /// the line's text attached; a message.
    private func assertInside(_ diagnostic: Diagnostic, _ text: [UInt8], _ what: String) {
        let location = diagnostic.location
        let lines = text.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
        guard location.line >= 1, location.line <= lines.count, location.column >= 1 else {
            return XCTFail("\(what): location outside the text (\(lines.count) lines): \(diagnostic)")
        }
        // Columns count characters; a line has at least as many scalars as characters.
        let scalars = String(decoding: lines[location.line - 1], as: UTF8.self).unicodeScalars.count
        XCTAssertLessThanOrEqual(location.column, scalars + 1, "\(what): column past the end of the line: \(diagnostic)")
        XCTAssertNotNil(diagnostic.lineText, "\(what): no source line: \(diagnostic)")
        XCTAssertFalse(diagnostic.message.isEmpty, what)
        XCTAssertTrue(diagnostic.description.contains(": error: "), what)
    }
}
