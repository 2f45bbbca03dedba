import XCTest
import Graph
@testable import Rules

/// Path inputs link to the products that write them; globs over other products' outputs are
/// refused; `product[...].NAME` picks one output.
final class PathLinkTests: XCTestCase {
    func testPatternIntersection() {
        func t(_ s: String) -> PathPattern {
            // `*` in these helpers stands for a template field (any text, '/' included).
            PathPattern(atoms: s.flatMap { $0 == "*" ? PathPattern.unknown.atoms : [.char($0)] })
        }
        XCTAssertTrue(t("a/*.txt").intersects(t("a/1.txt")))
        XCTAssertTrue(t("./a//*.txt").intersects(t("a/x/y.txt")))
        XCTAssertFalse(t("a/*.txt").intersects(t("a/*.sum")))
        XCTAssertFalse(t("a/*.txt").intersects(t("b/*.txt")))
        XCTAssertTrue(t("work/epoch_*/fields/*.json").intersects(t("work/epoch_*/fields/*")))
        XCTAssertFalse(t("*_raw.txt").intersects(t("*_b.txt")))
        // Glob wildcards stay within a segment.
        XCTAssertTrue(PathPattern.glob("a/*.txt").intersects(t("a/*.txt")))
        XCTAssertFalse(PathPattern.glob("a/*.txt").intersects(.literal("a/b/c.txt")))
        XCTAssertTrue(PathPattern.glob("a/{x}/c.txt").intersects(.literal("a/b/c.txt")))
        XCTAssertFalse(PathPattern.glob("a/?.txt").intersects(.literal("a/bb.txt")))
        XCTAssertFalse(PathPattern.literal("abc").intersects(.literal("abd")))
    }

    func project(_ text: String) throws -> Project {
        let dir = try temporaryDirectory(self)
        try write(text, to: dir + "/Arrakisfile")
        return try Project.load(path: dir + "/Arrakisfile", environment: [:])
    }

    func testPathInputMakesTheWriterAnInputFamily() throws {
        let p = try project("""
            let out = "work"
            product a { for x in ["1", "2"]; param dir = "{out}/a"; output "{dir}/{x}.txt"; shell "echo {x} > {output}" }
            product b { for x in ["1", "2"]; input "work/a/{x}.txt"; output "b/{x}.txt"; shell "cat {input} > {output}" }
            product c { input "work/b.txt"; output "c.txt"; shell "cat {input} > {output}" }
            """)
        XCTAssertEqual(p.families.first { $0.name == "b" }?.inputFamilies, ["a"])
        XCTAssertEqual(p.families.first { $0.name == "c" }?.inputFamilies, [], "work/b.txt is nobody's output")
        // Instances link to the exact writer.
        let g = BuildGraph()
        for f in p.families.sorted(by: { $0.name < $1.name }) { try g.add(family: f.name, variables: f.variables, tasks: try f.expand(in: g)) }
        let b1 = g.tasks[g.instance(forKey: ProductKey(family: "b", values: ["1"]))!]
        XCTAssertEqual(b1.productInputs.map { g.keyText[$0] }, ["a[1]"])
    }

    func testInputInsideADirectoryARuleOwnsLinksToIt() throws {
        let p = try project("""
            product sources {
                for epoch in [0]
                input islands = "i.fits"
                input components = "c.fits"
                param racs = "survey"
                param fields = "work/epoch_{epoch}/fields"
                manifest "work/epoch_{epoch}/fields.tsv"
                rule sources
            }
            product look {
                for (epoch, field) in [[0, "A"]]
                input "work/epoch_{epoch}/fields/{field}.json"
                output "look/{field}.txt"
                shell "cat {input} > {output}"
            }
            """)
        XCTAssertEqual(p.families.first { $0.name == "look" }?.inputFamilies, ["sources"])
    }

    func testGlobOverAnotherProductsOutputsIsRefused() throws {
        let text = """
            product a { for x in ["1", "2"]; output "a/{x}.txt"; shell "echo {x} > {output}" }
            product c { input every = glob("a/*.txt"); output "c.txt"; shell "cat {input} > {output}" }
            """
        guard let d = diagnostic({ try project(text) }) else { return }
        XCTAssertEqual(d.location.line, 2)
        XCTAssertEqual(d.location.column, 27)
        XCTAssertTrue(d.message.contains("input glob(\"a/*.txt\") can match files that product 'a' writes (its output \"a/{x}.txt\" at "), d.message)
        XCTAssertTrue(d.message.contains("write input every = a"), d.message)
        // A fan-out too.
        guard let f = diagnostic({ try project("""
            product a { for x in ["1", "2"]; output "a/{x}.txt"; shell "echo {x} > {output}" }
            product c { for n in glob("a/{n}.txt"); output "c/{n}"; shell "cat a/{n}.txt > {output}" }
            """) }) else { return }
        XCTAssertTrue(f.message.contains("the fan-out over glob(\"a/{n}.txt\") can match files that product 'a' writes"), f.message)
        // A glob that cannot match is fine.
        XCTAssertNoThrow(try project(text.replacingOccurrences(of: "glob(\"a/*.txt\")", with: "glob(\"inputs/*.txt\")")))
    }

    func testCycleThroughPathsIsNamed() throws {
        guard let d = diagnostic({ try project("""
            product a { input "b.txt"; output "a.txt"; shell "cat {input} > {output}" }
            product b { input a; output "b.txt"; shell "cat {input} > {output}" }
            """) }) else { return }
        XCTAssertEqual(d.location.line, 1)
        XCTAssertEqual(d.location.column, 19)
        XCTAssertTrue(d.message.contains("dependency cycle: a -> b -> a"), d.message)
    }

    func testOneOutputOfAnotherProduct() throws {
        let p = try project("""
            product cat { for f in ["A", "B"]; output votable = "cat/{f}.xml"; output fits = "cat/{f}.fits"; shell "touch {output}" }
            product use { for f in ["A", "B"]; input v = cat[f].votable; output "use/{f}"; shell "cp {input.v} {output}" }
            product all { input cat.fits; output "all"; shell "cat {inputs} > {output}" }
            """)
        let g = BuildGraph()
        for name in ["cat", "use", "all"] {
            let f = p.families.first { $0.name == name }!
            try g.add(family: name, variables: f.variables, tasks: try f.expand(in: g))
        }
        let use = g.tasks[g.instance(forKey: ProductKey(family: "use", values: ["B"]))!]
        XCTAssertEqual(use.command, .shell("cp cat/B.xml use/B.arrakis-tmp"))
        XCTAssertEqual(use.productInputs.map { g.keyText[$0] }, ["cat[B]"])
        XCTAssertEqual(g.tasks[g.instances(of: "all").first!].command, .shell("cat cat/A.fits cat/B.fits > all.arrakis-tmp"))
        assertDiagnostic("""
            product cat { output votable = "c.xml"; shell "touch {output}" }
            product use { input v = cat.votabel; output "u"; shell "cp {input} {output}" }
            """, line: 2, column: 29, "product 'cat' has no output named 'votabel' (did you mean 'votable'?)")
    }
}
