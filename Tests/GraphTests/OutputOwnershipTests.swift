import Foundation
import Graph
import XCTest

/// Every output has one owner: the graph refuses a second instance writing a declared output,
/// a claimed directory (or anything in it) or a claimed resource, and links a file input to
/// the instance that writes it.
final class OutputOwnershipTests: XCTestCase {
    func spec(_ family: String, _ values: [String] = [], inputs: [String] = [], outputs: [String],
              claims: [OutputClaim] = []) -> TaskSpec {
        Self.spec(family, values, inputs: inputs, outputs: outputs, claims: claims)
    }

    static func spec(_ family: String, _ values: [String] = [], inputs: [String] = [], outputs: [String],
                     claims: [OutputClaim] = []) -> TaskSpec {
        var t = TaskSpec(key: ProductKey(family: family, values: values), fileInputs: PathList(inputs), outputs: PathList(outputs),
                         ruleKind: "test", command: .shell("true"))
        t.claims = claims
        return t
    }

    func conflict(_ body: () throws -> Void, file: StaticString = #filePath, line: UInt = #line) -> OutputConflict? {
        do {
            try body()
            XCTFail("expected an OutputConflict", file: file, line: line)
        } catch let c as OutputConflict {
            return c
        } catch {
            XCTFail("expected an OutputConflict, got \(error)", file: file, line: line)
        }
        return nil
    }

    func testTwoFamiliesWritingOneFileAreRefusedNamingBoth() throws {
        let g = BuildGraph()
        try g.add(family: "a", variables: ["x"], tasks: [spec("a", ["1"], outputs: ["out/1.txt"]), spec("a", ["2"], outputs: ["out/2.txt"])])
        let c = conflict { try g.add(family: "b", variables: [], tasks: [spec("b", outputs: ["./out//2.txt"])]) }
        XCTAssertEqual(c?.what, "the file ./out//2.txt")
        XCTAssertEqual(c?.first, "a[2]")
        XCTAssertEqual(c?.firstFamily, "a")
        XCTAssertEqual(c?.second, "b")
        XCTAssertEqual(c?.secondFamily, "b")
    }

    func testTwoInstancesOfOneFamilyWritingOneFileAreRefused() {
        let g = BuildGraph()
        let c = conflict {
            try g.add(family: "a", variables: ["epoch", "field"], tasks: [
                spec("a", ["0", "F"], outputs: ["out/F.txt"]), spec("a", ["1", "F"], outputs: ["out/F.txt"]),
            ])
        }
        XCTAssertEqual(c?.first, "a[0, F]")
        XCTAssertEqual(c?.second, "a[1, F]")
        XCTAssertTrue(c?.description.contains("two instances of product 'a'") == true, c?.description ?? "")
    }

    func testDirectoryClaimsExcludeEverythingInside() throws {
        let g = BuildGraph()
        try g.add(family: "tables", variables: [], tasks: [spec("tables", outputs: ["m.tsv"], claims: [.directory("work/fields")])])
        // A file in it, the same directory, a directory inside it, one around it.
        XCTAssertEqual(conflict { try g.add(family: "b", variables: [], tasks: [spec("b", outputs: ["work/fields/x.json"])]) }?.first, "tables")
        XCTAssertNotNil(conflict { try g.add(family: "c", variables: [], tasks: [spec("c", outputs: ["c"], claims: [.directory("work/fields/")])]) })
        XCTAssertNotNil(conflict { try g.add(family: "d", variables: [], tasks: [spec("d", outputs: ["d"], claims: [.directory("work/fields/sub")])]) })
        XCTAssertNotNil(conflict { try g.add(family: "e", variables: [], tasks: [spec("e", outputs: ["e"], claims: [.directory("work")])]) })
        // Beside it is fine.
        try g.add(family: "f", variables: [], tasks: [spec("f", outputs: ["work/fields2/x"], claims: [.directory("work/other")])])
    }

    func testAFileAlreadyWrittenInsideANewDirectoryClaimIsRefused() throws {
        let g = BuildGraph()
        try g.add(family: "a", variables: [], tasks: [spec("a", outputs: ["work/fields/x.json"])])
        XCTAssertNotNil(conflict { try g.add(family: "b", variables: [], tasks: [spec("b", outputs: ["b"], claims: [.directory("work/fields")])]) })
    }

    func testResourceClaimsConflictOnlyWhenEqual() throws {
        let g = BuildGraph()
        try g.add(family: "r1", variables: ["f"], tasks: [
            spec("r1", ["A"], outputs: ["r1/A"], claims: [.resource("results of field A")]),
            spec("r1", ["B"], outputs: ["r1/B"], claims: [.resource("results of field B")]),
        ])
        let c = conflict { try g.add(family: "r2", variables: ["f"], tasks: [spec("r2", ["B"], outputs: ["r2/B"], claims: [.resource("results of field B")])]) }
        XCTAssertEqual(c?.what, "results of field B")
        XCTAssertEqual(c?.first, "r1[B]")
        try g.add(family: "r3", variables: ["f"], tasks: [spec("r3", ["B"], outputs: ["r3/B"], claims: [.resource("wide results of field B")])])
    }

    /// A file input another family declares (or writes into a directory it owns) becomes a
    /// dependency on it; order-only for a directory.
    func testFileInputsLinkToTheirProducers() throws {
        let g = BuildGraph()
        try g.add(family: "a", variables: ["x"], tasks: [spec("a", ["1"], outputs: ["a/1.txt"]), spec("a", ["2"], outputs: ["a/2.txt"])])
        try g.add(family: "t", variables: [], tasks: [spec("t", outputs: ["t.tsv"], claims: [.directory("tables")])])
        try g.add(family: "b", variables: ["x"], tasks: [
            spec("b", ["2"], inputs: ["./a/2.txt", "tables/2.json", "elsewhere.txt"], outputs: ["b/2.txt"]),
        ])
        let b = g.tasks[g.instances(of: "b").first!]
        XCTAssertEqual(b.productInputs.map { g.keyText[$0] }, ["a[2]", "t"])
        XCTAssertEqual(b.orderOnly.map { g.keyText[$0] }, ["t"])
        XCTAssertEqual(g.dependents[g.instances(of: "a").last!].map { g.keyText[$0] }, ["b[2]"])
        XCTAssertEqual(g.instance(forOutput: "a/1.txt").map { g.keyText[$0] }, "a[1]")
    }

    /// The engine expands families outside the targets too, so a conflict with a product
    /// the build was not asked for stops it before anything runs.
    func testEngineRefusesAConflictWithAProductOutsideTheTargets() throws {
        let box = try Sandbox()
        let (d, t) = try box.stores()
        let first = CodeFamily(name: "first") { _ in [Self.spec("first", outputs: ["shared.txt"])] }
        let second = CodeFamily(name: "second") { _ in [Self.spec("second", outputs: ["shared.txt"])] }
        let engine = try BuildEngine(families: [first, second], targets: [.family("first")], digests: d, traces: t)
        XCTAssertNotNil(conflict { try engine.start() })
        XCTAssertTrue(engine.takeJobs().isEmpty)
        XCTAssertNil(box.read("shared.txt"))
    }
}
