import XCTest
@testable import Rules

/// One malformed Arrakisfile per test: each must give exactly one error, at the right file,
/// line and column, that says what was expected, rendered with its line and a caret.
final class DiagnosticTests: XCTestCase {
    /// A valid product to refer to. It fills lines 1-7, so text appended starts at line 8.
    private let wc = """
        product wc {
            for name in glob("inputs/{name}.txt")
            input "inputs/{name}.txt"
            output "counts/{name}.count"
            shell "wc -w < {input} > {output}"
        }


        """

    // MARK: Characters, numbers, strings

    func testUnterminatedString() {
        assertDiagnostic("let x = \"abc\nlet y = 2\n", line: 1, column: 9,
                         "unterminated string (expected a closing '\"' on the same line")
    }

    func testInvalidEscape() {
        assertDiagnostic("let x = \"a\\qb\"\n", line: 1, column: 11,
                         "invalid escape '\\q' in string (expected one of")
    }

    func testStrayCharacter() {
        assertDiagnostic("let x = 1\nlet y = 2 @ 3\n", line: 2, column: 11,
                         "unexpected character '@' (expected a name, a number, a string")
    }

    func testInvisibleCharacterIsNamedByCodePoint() {
        assertDiagnostic("let x = 1\u{00A0}\n", line: 1, column: 10, "unexpected character U+00A0")
    }

    func testCharacterColumnsCountCharactersNotBytes() {
        assertDiagnostic("let x = \"Größe\" @\n", line: 1, column: 17, "unexpected character '@'")
    }

    func testInvalidUTF8() {
        let bytes = Array("let x = 1\nlet y = \"é".utf8) + [0xFF] + Array("\"\n".utf8)
        guard let d = diagnostic({ try ArrakisfileLoader.parse(bytes: bytes, file: "Arrakisfile") }) else { return }
        assertDiagnostic(d, line: 2, column: 11, "not UTF-8 text: invalid byte 0xFF (expected UTF-8",
                         file: "Arrakisfile", sourceLine: "let y = \"é\u{FFFD}\"")
    }

    func testInvalidNumber() {
        assertDiagnostic("let cutoff = 4x\n", line: 1, column: 14,
                         "invalid number '4x' (expected digits like 3, -2, 2.5 or 1e6; put text in quotes)")
    }

    func testIntegerTooLarge() {
        assertDiagnostic("let n = 99999999999999999999\n", line: 1, column: 9, "is too large (expected at most")
    }

    // MARK: Templates

    private func product(output: String) -> String {
        "product a {\n    for beam in range(0, 36)\n    output \"\(output)\"\n    shell \"true\"\n}\n"
    }

    func testUnterminatedTemplateField() {
        assertDiagnostic(product(output: "cutouts/{beam"), line: 3, column: 21,
                         "unterminated template field: '{' has no matching '}' (expected {name}")
    }

    func testEmptyTemplateField() {
        assertDiagnostic(product(output: "cutouts/{}.fits"), line: 3, column: 21,
                         "empty template field '{}' (expected a name inside")
    }

    func testUnmatchedCloseBrace() {
        assertDiagnostic(product(output: "cutouts/}.fits"), line: 3, column: 21,
                         "unmatched '}' in string (expected it to close a '{' field; write {{ and }} for literal braces)")
    }

    func testBadFormatSpec() {
        assertDiagnostic(product(output: "cutouts/beam{beam:x2}.fits"), line: 3, column: 31,
                         "invalid format spec 'x2' in template field '{beam:x2}' (expected [<|>][0][width][.precision]")
    }

    func testUnknownNameInOutputTemplate() {
        assertDiagnostic(product(output: "cutouts/{bean:02}.fits"), line: 3, column: 22,
                         "unknown template field 'bean' (expected a loop variable, let, or param: beam; did you mean 'beam'?)")
    }

    func testUnknownPathAttribute() {
        let source = """
            product a {
                for file in glob("*.fits")
                output "out/{file.sterm}.txt"
                shell "true"
            }
            """
        assertDiagnostic(source, line: 3, column: 18,
                         "unknown attribute 'sterm' in template field '{file.sterm}' (expected stem, name, dir, or ext; did you mean 'stem'?)")
    }

    // MARK: Statements and blocks

    func testUnknownTopLevelStatement() {
        assertDiagnostic("prodcut wc {\n}\n", line: 1, column: 1,
                         "unknown statement 'prodcut' (did you mean 'product'?); expected one of: let, include, product")
    }

    func testAssignmentWithoutLet() {
        assertDiagnostic("root = \"/data\"\n", line: 1, column: 1,
                         "unknown statement 'root' (to define a variable, write 'let root = ...')")
    }

    func testMissingEqualsAfterLet() {
        assertDiagnostic("let x \"a\"\n", line: 1, column: 7, "expected '=' after 'let x' (as in let x = \"value\"), found a string")
    }

    func testMissingProductName() {
        assertDiagnostic("product {\n}\n", line: 1, column: 9, "expected a product name after 'product', found '{'")
    }

    func testUnterminatedBlockAtEndOfFile() {
        assertDiagnostic("product a {\n    output \"a.txt\"\n    shell \"true\"\n", line: 1, column: 11,
                         "unterminated block: product 'a' has no closing '}' (expected '}' before the end of the file)")
    }

    func testUnterminatedBlockBeforeNextStatement() {
        assertDiagnostic("product a {\n    output \"a.txt\"\n    shell \"true\"\n\nlet x = 1\n", line: 1, column: 11,
                         "unterminated block: product 'a' has no closing '}' (expected '}' before the 'let' statement at line 5)")
    }

    func testUnterminatedSettingsBlock() {
        assertDiagnostic("executor local {\n    jobs 4\nproduct a {\n}\n", line: 1, column: 16,
                         "unterminated block: 'executor local' has no closing '}' (expected '}' before the 'product' statement at line 3)")
    }

    func testUnterminatedList() {
        assertDiagnostic("let beams = [0, 1, 2\n", line: 1, column: 13,
                         "unterminated list: '[' has no matching ']' (expected ']' before the end of the file)")
    }

    func testUnknownKeywordInProductSuggestsOne() {
        assertDiagnostic("product a {\n    inptu \"a.txt\"\n}\n", line: 2, column: 5,
                         "unknown keyword 'inptu' (did you mean 'input'?) in product 'a'; expected one of: for, input, output")
    }

    func testTwoValuesInOneStatement() {
        assertDiagnostic("product a {\n    output \"a.txt\"\n    shell \"true\" \"false\"\n}\n", line: 3, column: 18,
                         "expected end of line, ';' or '}' after the 'shell' statement, found a string")
    }

    func testNestingTooDeep() {
        let source = "let x = " + String(repeating: "[", count: 10_000) + "\n"
        assertDiagnostic(source, line: 1, column: 9 + Parser.maxDepth,
                         "expression nested too deeply (expected at most 200 levels")
    }

    // MARK: Names and references

    func testUnknownProductInInput() {
        let source = wc + """
            product summary {
                input wcc
                output "summary.txt"
                shell "cat {inputs} > {output}"
            }
            """
        assertDiagnostic(source, line: 9, column: 11,
                         "unknown name 'wcc' (did you mean 'wc'?); expected a let, a loop variable of product 'summary', or a product name")
    }

    func testDependencyCycleNamesBothProducts() {
        let source = """
            product a {
                input b
                output "a.txt"
                shell "cat {input} > {output}"
            }
            product b {
                input a
                output "b.txt"
                shell "cat {input} > {output}"
            }
            """
        assertDiagnostic(source, line: 7, column: 11,
                         "dependency cycle: a -> b -> a (expected products not to depend on themselves")
    }

    func testProductThatIsItsOwnInput() {
        assertDiagnostic("product a {\n    input a\n    output \"a.txt\"\n    shell \"true\"\n}\n", line: 2, column: 11,
                         "dependency cycle: a -> a (a product cannot be its own input)")
    }

    func testDuplicateProduct() {
        let source = wc + "product wc {\n    output \"b.txt\"\n    shell \"true\"\n}\n"
        assertDiagnostic(source, line: 8, column: 9,
                         "duplicate product 'wc' (first defined at Arrakisfile:1:9; expected each product name once)")
    }

    func testDuplicateLet() {
        assertDiagnostic("let x = 1\nlet x = 2\n", line: 2, column: 5,
                         "duplicate let 'x' (first defined at Arrakisfile:1:5; expected each let to be defined once)")
    }

    func testLetCycle() {
        assertDiagnostic("let a = \"{b}\"\nlet b = \"{a}\"\n", line: 2, column: 11, "let cycle: a -> b -> a")
    }

    func testUnknownFunction() {
        assertDiagnostic("let files = globb(\"*.fits\")\n", line: 1, column: 13,
                         "unknown function 'globb' (did you mean 'glob'?); expected one of: env, glob, range, manifest")
    }

    func testWrongArgumentCount() {
        assertDiagnostic("let beams = range(36)\n", line: 1, column: 13,
                         "wrong number of arguments to range(): expected 2")
    }

    func testEmptyRange() {
        assertDiagnostic("let beams = range(36, 0)\n", line: 1, column: 13, "range(36, 0) is empty (expected first < end")
    }

    func testDefaultNamesUnknownProduct() {
        assertDiagnostic(wc + "default wcc\n", line: 8, column: 9,
                         "unknown product 'wcc' in 'default' (did you mean 'wc'?); expected a product name: wc")
    }

    // MARK: Product contents

    func testMissingOutput() {
        assertDiagnostic("product a {\n    shell \"true\"\n}\n", line: 1, column: 9,
                         "product 'a' has no 'output' or 'manifest' (expected at least one")
    }

    func testShellAndRule() {
        assertDiagnostic("product a {\n    output \"a.txt\"\n    shell \"true\"\n    rule cutouts\n}\n", line: 4, column: 5,
                         "product 'a' has both 'shell' and 'rule' (expected exactly one of them)")
    }

    func testUnknownRuleKind() {
        assertDiagnostic("product a {\n    output \"a.txt\"\n    rule cutout\n}\n", line: 3, column: 10,
                         "unknown rule 'cutout' (did you mean 'cutouts'? expected a built-in rule: ")
    }

    func testNeitherShellNorRule() {
        assertDiagnostic("product a {\n    output \"a.txt\"\n}\n", line: 1, column: 9,
                         "product 'a' has neither 'shell' nor 'rule' (expected exactly one")
    }

    private func product(setting: String) -> String {
        "product a {\n    output \"a.txt\"\n    shell \"true\"\n    \(setting)\n}\n"
    }

    func testInvalidMemory() {
        assertDiagnostic(product(setting: "mem \"4X\""), line: 4, column: 9,
                         "'mem' must be megabytes as a positive integer or a size like \"512M\", \"4G\" or \"2000MB\", found \"4X\"")
    }

    func testInvalidTime() {
        assertDiagnostic(product(setting: "time \"1:2:3\""), line: 4, column: 10,
                         "'time' must be \"HH:MM:SS\", \"MM:SS\", a duration like \"30s\"")
    }

    func testNegativeCPUs() {
        assertDiagnostic(product(setting: "cpus -2"), line: 4, column: 10,
                         "'cpus' must be a positive integer (as in cpus 4), found -2")
    }

    func testNegativeRetries() {
        assertDiagnostic(product(setting: "retries -1"), line: 4, column: 13,
                         "'retries' must be an integer >= 0 (as in retries 2), found -1")
    }

    func testDuplicateSetting() {
        assertDiagnostic("product a {\n    output \"a.txt\"\n    shell \"true\"\n    cpus 1\n    cpus 2\n}\n", line: 5, column: 5,
                         "duplicate 'cpus' in product 'a' (first at line 4; expected each setting once)")
    }

    // MARK: Fan-out and selections

    func testSelectionOfUnknownLoopVariable() {
        let source = wc + """
            product long {
                for name in glob("inputs/{name}.txt")
                input wc[nmae]
                output "long/{name}.flag"
                shell "cat {input} > {output}"
            }
            """
        assertDiagnostic(source, line: 10, column: 14,
                         "product 'wc' has no loop variable 'nmae' (did you mean 'name'?); expected one of: name")
    }

    func testSelectorThatIsNotMyLoopVariable() {
        let source = wc + "product s {\n    input wc[name]\n    output \"s.txt\"\n    shell \"true\"\n}\n"
        assertDiagnostic(source, line: 9, column: 14,
                         "selector 'name' is not a loop variable of product 's' (product 's' has no loop variables; to pick instances by value write 'name = VALUE')")
    }

    func testSelectionOutsideInput() {
        let source = wc + "product s {\n    for name in [\"a\"]\n    output wc[name]\n    shell \"true\"\n}\n"
        assertDiagnostic(source, line: 10, column: 12,
                         "a selection 'wc[...]' can only be used as an input (expected a value in an output)")
    }

    func testLoopVariablesMustMatchGlobWildcards() {
        let source = """
            product a {
                for (field, beam) in glob("cutouts/{field}/beam{bem}.fits")
                output "out/{field}_{beam}.txt"
                shell "true"
            }
            """
        assertDiagnostic(source, line: 2, column: 10,
                         "loop variables (field, beam) do not match the glob's wildcards (expected the loop variables to be exactly its wildcards: field, bem)")
    }

    func testManifestOfProductWithoutManifest() {
        let source = wc + """
            product cutouts {
                for (name) in manifest(wc)
                output "cutouts/{name}.fits"
                shell "true"
            }
            """
        assertDiagnostic(source, line: 9, column: 28,
                         "product 'wc' does not declare a 'manifest' (expected a product with a 'manifest \"file.tsv\"' statement)")
    }

    func testLoopOverProductDirectly() {
        let source = wc + "product s {\n    for x in wc\n    output \"s/{x}.txt\"\n    shell \"true\"\n}\n"
        assertDiagnostic(source, line: 9, column: 14, "cannot loop over product 'wc' directly (expected a list")
    }

    func testLoopTuplesOfWrongSize() {
        let source = "product a {\n    for (field, beam) in [[\"f1\", 0], [\"f2\"]]\n    output \"{field}_{beam}\"\n    shell \"true\"\n}\n"
        assertDiagnostic(source, line: 2, column: 38,
                         "'for (field, beam)' needs each list element to be a list of 2 values")
    }

    // MARK: Includes

    func testIncludeOfMissingFileIsReportedAtTheIncludeLine() throws {
        let dir = try temporaryDirectory(self)
        let root = dir + "/Arrakisfile"
        try write("let x = 1\ninclude \"common.arrakis\"\n", to: root)
        guard let d = diagnostic({ try ArrakisfileLoader.load(path: root) }) else { return }
        assertDiagnostic(d, line: 2, column: 9, "cannot include 'common.arrakis': no such file at '\(dir)/common.arrakis'",
                         file: root, sourceLine: "include \"common.arrakis\"")
    }

    func testErrorInIncludedFileNamesThatFile() throws {
        let dir = try temporaryDirectory(self)
        try write("let x = 1\ninclude \"lib/common.arrakis\"\n", to: dir + "/Arrakisfile")
        try write("let scratch = env(\"SCRATCH\", \"/tmp\")\nlet scratch = \"/data\"\n", to: dir + "/lib/common.arrakis")
        guard let d = diagnostic({ try ArrakisfileLoader.load(path: dir + "/Arrakisfile") }) else { return }
        assertDiagnostic(d, line: 2, column: 5, "duplicate let 'scratch' (first defined at \(dir)/lib/common.arrakis:1:5",
                         file: dir + "/lib/common.arrakis", sourceLine: "let scratch = \"/data\"")
    }

    func testIncludeCycle() throws {
        let dir = try temporaryDirectory(self)
        try write("include \"a.arrakis\"\n", to: dir + "/Arrakisfile")
        try write("let a = 1\ninclude \"b.arrakis\"\n", to: dir + "/a.arrakis")
        try write("include \"a.arrakis\"\n", to: dir + "/b.arrakis")
        guard let d = diagnostic({ try ArrakisfileLoader.load(path: dir + "/Arrakisfile") }) else { return }
        assertDiagnostic(d, line: 1, column: 9,
                         "include cycle: \(dir)/a.arrakis -> \(dir)/b.arrakis -> \(dir)/a.arrakis (expected a file not to include itself",
                         file: dir + "/b.arrakis", sourceLine: "include \"a.arrakis\"")
    }

    func testFileIncludedTwice() throws {
        let dir = try temporaryDirectory(self)
        try write("include \"a.arrakis\"\ninclude \"./a.arrakis\"\n", to: dir + "/Arrakisfile")
        try write("let a = 1\n", to: dir + "/a.arrakis")
        guard let d = diagnostic({ try ArrakisfileLoader.load(path: dir + "/Arrakisfile") }) else { return }
        assertDiagnostic(d, line: 2, column: 9, "'./a.arrakis' is already included (at \(dir)/Arrakisfile:1:9",
                         file: dir + "/Arrakisfile", sourceLine: "include \"./a.arrakis\"")
    }

    func testInvalidUTF8InIncludedFile() throws {
        let dir = try temporaryDirectory(self)
        try write("include \"latin1.arrakis\"\n", to: dir + "/Arrakisfile")
        // "let unit = "µJy"" saved as Latin-1: µ is the single byte 0xB5.
        try Data(Array("# flux\nlet unit = \"".utf8) + [0xB5] + Array("Jy\"\n".utf8))
            .write(to: URL(fileURLWithPath: dir + "/latin1.arrakis"))
        guard let d = diagnostic({ try ArrakisfileLoader.load(path: dir + "/Arrakisfile") }) else { return }
        assertDiagnostic(d, line: 2, column: 13, "file is not UTF-8 text: invalid byte 0xB5",
                         file: dir + "/latin1.arrakis", sourceLine: "let unit = \"\u{FFFD}Jy\"")
    }
}
