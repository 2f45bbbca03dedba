import XCTest
@testable import Rules

/// docs/pipeline.md describes the built-in rules as they are declared, and its examples load.
final class PipelineDocumentationTests: XCTestCase {
    static let path = repositoryRoot + "/docs/pipeline.md"

    func testRuleReferenceIsTheOneTheDeclarationsMake() throws {
        let text = try String(contentsOfFile: Self.path, encoding: .utf8)
        let begin = try XCTUnwrap(text.range(of: RuleReference.begin), "no reference markers in \(Self.path)")
        let end = try XCTUnwrap(text.range(of: RuleReference.end, range: begin.upperBound..<text.endIndex))
        let inDocs = String(text[begin.upperBound..<end.lowerBound]).trimmingCharacters(in: .newlines)
        let made = RuleReference.markdown(PipelineRules.catalog, order: PipelineRules.order).trimmingCharacters(in: .newlines)
        XCTAssertEqual(inDocs, made, "docs/pipeline.md is out of date: run `arrakis rules --markdown` and paste it between the markers")
        for kind in PipelineRules.catalog.kinds {
            XCTAssertTrue(inDocs.contains("### `rule \(kind)`"), kind)
            for p in PipelineRules.catalog[kind]!.params { XCTAssertTrue(inDocs.contains("| `\(p.name)` |"), "\(kind).\(p.name)") }
        }
    }

    /// docs/arrakisfile.md names every rule kind.
    func testArrakisfileReferenceListsEveryRuleKind() throws {
        let text = try String(contentsOfFile: repositoryRoot + "/docs/arrakisfile.md", encoding: .utf8)
        let sentence = try XCTUnwrap(text.range(of: "The kinds are ").map { text[$0.upperBound...].prefix(300) })
        for kind in PipelineRules.catalog.kinds { XCTAssertTrue(sentence.contains("`\(kind)`"), kind) }
    }

    /// The sweep example, added to the root Arrakisfile, loads and lowers.
    func testSweepExampleLoadsWithTheRootArrakisfile() throws {
        let blocks = MarkdownCodeBlock.all(in: try String(contentsOfFile: Self.path, encoding: .utf8)).filter { $0.language == "arrakis" }
        XCTAssertEqual(blocks.count, 1)
        let dir = try temporaryDirectory(self)
        let root = try String(contentsOfFile: repositoryRoot + "/Arrakisfile", encoding: .utf8)
        try write(root + "\n" + blocks[0].text, to: dir + "/Arrakisfile")
        let project = try Project.load(path: dir + "/Arrakisfile", environment: [:])
        XCTAssertTrue(project.productNames.contains("rmsynth_wide"))
        XCTAssertTrue(project.productNames.contains("rmclean_wide"))
    }
}
