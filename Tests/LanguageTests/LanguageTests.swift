import XCTest
@testable import Language

/// The language on its own: no pipeline, no engine, no C library. The rule kinds are the
/// ones the test gives the checker.
final class LanguageTests: XCTestCase {
    private let toy = RuleCatalog([RuleSignature(kind: "toy", summary: "a rule for this test",
                                                 outputs: [OutputSpec("result", "what it writes")], manifest: false)])

    private func parse(_ source: String) throws -> ArrakisfileAST {
        try ArrakisfileLoader.parse(source: source, file: "Arrakisfile", rules: toy)
    }

    private func error(_ source: String) -> Diagnostic? {
        do {
            _ = try parse(source)
            return nil
        } catch {
            return error as? Diagnostic
        }
    }

    func testAShellProductAndAGivenRuleKindLoad() throws {
        let ast = try parse("""
            let n = 4
            product a { output "a.txt"; shell "true > {output}"; cpus n; mem "4GiB"; time "1-00:00:00" }
            product b { output result = "b.txt"; rule toy }
            """)
        XCTAssertEqual(ast.statements.count, 3)
        XCTAssertEqual(ast.checkedResources["a"], [.cpus: 4, .mem: 4096, .time: 86400])
    }

    func testOnlyTheGivenKindsAreRules() {
        let d = error("product a {\n    output \"a.txt\"\n    rule cutouts\n}\n")
        XCTAssertEqual(d?.message, "unknown rule 'cutouts' (expected a built-in rule: toy; or use shell \"...\")")
        XCTAssertEqual(d?.location.line, 3)
        XCTAssertEqual(d?.location.column, 10)
    }

    func testABadResourceIsRefusedAtItsPosition() {
        let d = error("product a {\n    output \"a.txt\"\n    shell \"true\"\n    mem \"4 GX\"\n}\n")
        XCTAssertEqual(d?.location.line, 4)
        XCTAssertEqual(d?.location.column, 9)
        XCTAssertEqual(d?.message, ResourceSetting.mem.refusal(found: "\"4 GX\""))
    }

    func testTheResourceSyntax() {
        XCTAssertEqual(ResourceSyntax.megabytes("4GiB"), 4096)
        XCTAssertEqual(ResourceSyntax.megabytes("4 G"), 4096)
        XCTAssertEqual(ResourceSyntax.megabytes("1.5GB"), 1536)
        XCTAssertNil(ResourceSyntax.megabytes("4X"))
        XCTAssertNil(ResourceSyntax.megabytes("0"))
        XCTAssertEqual(ResourceSyntax.seconds("1-00:00:00"), 86400)
        XCTAssertEqual(ResourceSyntax.seconds("1-02"), 93600)
        XCTAssertEqual(ResourceSyntax.seconds("1-02:30"), 95400)
        XCTAssertEqual(ResourceSyntax.seconds("01:30"), 90)
        XCTAssertEqual(ResourceSyntax.seconds("2 h"), 7200)
        XCTAssertNil(ResourceSyntax.seconds("1-24"))
        XCTAssertNil(ResourceSyntax.seconds("1:2:3"))
        XCTAssertNil(ResourceSyntax.seconds("90"))
        XCTAssertNil(ResourceSyntax.seconds("0:00"))
    }

    func testLetsEvaluateWithoutTheEngine() throws {
        let ast = try parse("let beams = range(0, 3)\nlet name = \"x{beams}\"\nproduct a { output \"a.txt\"; shell \"true\" }\n")
        let lets = ast.statements.compactMap { if case .variable(let v) = $0 { return v } else { return nil } }
        let scope = try GlobalScope(variables: lets, products: ["a"], environment: [:])
        XCTAssertEqual(scope.values["beams"], .list([.integer(0), .integer(1), .integer(2)]))
    }
}
