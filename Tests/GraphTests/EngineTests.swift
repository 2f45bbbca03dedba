import Foundation
import Graph
import XCTest

/// A two-level pipeline: `count[x]` reads `in/x.txt` and writes its line count; `total`
/// sums every count. Commands are simulated in-process.
final class EngineTests: XCTestCase {
    var box: Sandbox!

    override func setUpWithError() throws {
        box = try Sandbox()
        for n in ["a", "b", "c"] { try box.write("in/\(n).txt", "\(n)\n") }
    }

    func families(param: String = "1") -> [any FamilySource] {
        let count = CodeFamily(name: "count", variables: ["x"]) { _ in
            ["a", "b", "c"].map { x in
                TaskSpec(key: ProductKey(family: "count", values: [x]), fileInputs: ["in/\(x).txt"],
                         outputs: ["out/\(x).n"], params: [("scale", param)], ruleKind: "test",
                         command: .shell("count \(x)"))
            }
        }
        let total = CodeFamily(name: "total", inputFamilies: ["count"]) { g in
            [TaskSpec(key: ProductKey(family: "total"), productInputs: Array(g.instances(of: "count")),
                      outputs: ["out/total"], ruleKind: "test", command: .shell("total"))]
        }
        return [total, count]
    }

    func build(_ fams: [any FamilySource], dryRun: Bool = false) throws -> (BuildEngine, [String]) {
        let (d, t) = try box.stores()
        let engine = try BuildEngine(families: fams, targets: [], digests: d, traces: t, options: .init(dryRun: dryRun))
        let ran = try drive(engine) { job in
            let tmp = job.spec.outputs.map(TemporaryOutput.path(for:))
            if job.spec.key.family == "count" {
                let text = self.box.read(job.spec.fileInputs[0]) ?? ""
                try "\(text.split(separator: "\n").count)\n".write(toFile: tmp[0], atomically: false, encoding: .utf8)
            } else {
                let sum = job.spec.productInputs.count
                try "\(sum) files\n".write(toFile: tmp[0], atomically: false, encoding: .utf8)
            }
        }
        return (engine, ran)
    }

    func testFirstBuildThenNoOp() throws {
        let (_, first) = try build(families())
        XCTAssertEqual(first.sorted(), ["count[a]", "count[b]", "count[c]", "total"])
        let (e2, second) = try build(families())
        XCTAssertEqual(second, [])
        XCTAssertEqual(e2.counts.upToDate, 4)
    }

    func testChangedInputRebuildsItAndTheAggregate() throws {
        try build(families())
        try box.write("in/b.txt", "b\nb2\n")
        let (dry, _) = try build(families(), dryRun: true)
        let planned = dry.plannedJobs()
        XCTAssertEqual(planned.map(\.key), ["count[b]", "total"])
        XCTAssertEqual(planned[0].reason, .inputChanged("in/b.txt"))
        XCTAssertEqual(planned[1].reason, .upstreamWillRebuild("count[b]"))
        let (_, ran) = try build(families())
        XCTAssertEqual(ran, ["count[b]", "total"])
    }

    func testEarlyCutoffStopsAtIdenticalOutput() throws {
        try build(families())
        // Same number of lines: count[a] reruns, writes the same "1", total is not rebuilt.
        try box.write("in/a.txt", "changed\n")
        let (engine, ran) = try build(families())
        XCTAssertEqual(ran, ["count[a]"])
        XCTAssertEqual(engine.counts.unchangedAfterBuild, 1)
    }

    func testTouchWithoutChangeRunsNothing() throws {
        try build(families())
        let later = Date().addingTimeInterval(5)
        try FileManager.default.setAttributes([.modificationDate: later], ofItemAtPath: "in/c.txt")
        let (_, ran) = try build(families())
        XCTAssertEqual(ran, [])
    }

    func testParameterChangeNamesTheParameter() throws {
        try build(families())
        let (dry, _) = try build(families(param: "2"), dryRun: true)
        XCTAssertEqual(dry.plannedJobs().filter { $0.key.hasPrefix("count") }.map(\.reason),
                       Array(repeating: .parameterChanged("scale", from: "1", to: "2"), count: 3))
    }

    func testDeletedOutputRebuildsOnlyIt() throws {
        try build(families())
        try FileManager.default.removeItem(atPath: "out/c.n")
        let (dry, _) = try build(families(), dryRun: true)
        XCTAssertEqual(dry.plannedJobs().map(\.key), ["count[c]", "total"])
        XCTAssertEqual(dry.plannedJobs()[0].reason, .outputMissing("out/c.n"))
        let (_, ran) = try build(families())
        XCTAssertEqual(ran, ["count[c]"], "restored output is identical, so total stays")
    }

    func testModifiedOutputIsRebuilt() throws {
        try build(families())
        try box.write("out/total", "tampered\n")
        let (dry, _) = try build(families(), dryRun: true)
        XCTAssertEqual(dry.plannedJobs().map(\.reason), [.outputModified("out/total")])
    }

    func testFailureSkipsDependentsAndKeepsOthers() throws {
        let (d, t) = try box.stores()
        let engine = try BuildEngine(families: families(), targets: [], digests: d, traces: t,
                                     options: .init(keepGoing: true))
        try drive(engine) { job in
            if job.key == "count[b]" { throw FileError(path: "x", reason: "boom") }
            try "1\n".write(toFile: TemporaryOutput.path(for: job.spec.outputs[0]), atomically: false, encoding: .utf8)
        }
        XCTAssertEqual(engine.counts.failed, 1)
        XCTAssertEqual(engine.counts.skipped, 1)
        XCTAssertEqual(engine.counts.built, 2)
        XCTAssertNil(box.read("out/b.n"))
        XCTAssertNil(box.read("out/b.arrakis-tmp.n"))
    }

    func testInstanceTargetBuildsOnlyItsClosure() throws {
        let (d, t) = try box.stores()
        let engine = try BuildEngine(families: families(), targets: [.instance(ProductKey(family: "count", values: ["a"]))],
                                     digests: d, traces: t)
        let ran = try drive(engine) { job in
            try "1\n".write(toFile: TemporaryOutput.path(for: job.spec.outputs[0]), atomically: false, encoding: .utf8)
        }
        XCTAssertEqual(ran, ["count[a]"])
    }

    func testUnknownInstanceTargetListsInstances() throws {
        let (d, t) = try box.stores()
        let engine = try BuildEngine(families: families(), targets: [.instance(ProductKey(family: "count", values: ["zz"]))],
                                     digests: d, traces: t)
        XCTAssertThrowsError(try engine.start()) { e in
            XCTAssertTrue("\(e)".contains("count has 3 instances"), "\(e)")
        }
    }

    func testNewKeyReason() throws {
        try build(families())
        try box.write("in/d.txt", "d\n")
        let withD = CodeFamily(name: "count", variables: ["x"]) { _ in
            ["a", "b", "c", "d"].map { x in
                TaskSpec(key: ProductKey(family: "count", values: [x]), fileInputs: ["in/\(x).txt"],
                         outputs: ["out/\(x).n"], params: [("scale", "1")], ruleKind: "test", command: .shell("count \(x)"))
            }
        }
        let (dry, _) = try build([families()[0], withD], dryRun: true)
        XCTAssertEqual(dry.plannedJobs().first?.key, "count[d]")
        XCTAssertEqual(dry.plannedJobs().first?.reason, .newKey)
    }
}
