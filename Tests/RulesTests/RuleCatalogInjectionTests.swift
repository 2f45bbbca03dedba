import XCTest
@testable import Rules

/// The checker accepts the rule kinds its caller gives it, not the pipeline's by itself.
final class RuleCatalogInjectionTests: XCTestCase {
    private let toy = RuleCatalog([RuleSignature(kind: "toy", summary: "a rule for this test",
                                                     outputs: [OutputSpec("result", "what it writes")], manifest: false)])

    func testAKindOfTheGivenCatalogIsAccepted() throws {
        let source = "product a {\n    output result = \"a.txt\"\n    rule toy\n}\n"
        XCTAssertNoThrow(try ArrakisfileLoader.parse(source: source, file: "Arrakisfile", rules: toy))
        let d = diagnostic { try ArrakisfileLoader.parse(source: source, file: "Arrakisfile") }
        XCTAssertTrue(d?.message.hasPrefix("unknown rule 'toy'") == true, d?.message ?? "")
    }

    func testThePipelinesKindsAreNotBuiltIntoTheChecker() {
        let source = "product a {\n    output \"a.txt\"\n    rule cutouts\n}\n"
        let d = diagnostic { try ArrakisfileLoader.parse(source: source, file: "Arrakisfile", rules: toy) }
        XCTAssertEqual(d?.message, "unknown rule 'cutouts' (expected a built-in rule: toy; or use shell \"...\")")
        XCTAssertEqual(d?.location.line, 3)
    }

    func testAnEmptyCatalogAcceptsShellProducts() throws {
        let source = "product a {\n    output \"a.txt\"\n    shell \"true > {output}\"\n}\n"
        XCTAssertNoThrow(try ArrakisfileLoader.parse(source: source, file: "Arrakisfile", rules: RuleCatalog([])))
    }
}
