import Foundation
import Graph
import XCTest

/// Files a task finds only when it runs (its depfile): `day[x]` reads `maps/<whatever
/// in/x.txt names>` and lists it in its depfile. A change to that file rebuilds exactly the
/// products that read it; a file listed as absent rebuilds its reader when it appears.
final class DepfileTests: XCTestCase {
    var box: Sandbox!

    override func setUpWithError() throws {
        box = try Sandbox()
        try box.write("in/a.txt", "maps/day1\n")
        try box.write("in/b.txt", "maps/day2\n")
        try box.write("in/c.txt", "maps/day1\n")
        try box.write("maps/day1", "one\n")
        try box.write("maps/day2", "two\n")
    }

    func families(depfile: Bool = true) -> [any FamilySource] {
        [CodeFamily(name: "day", variables: ["x"]) { _ in
            ["a", "b", "c"].map { x in
                var spec = TaskSpec(key: ProductKey(family: "day", values: [x]), fileInputs: ["in/\(x).txt"],
                                    outputs: ["out/\(x)"], ruleKind: "test", command: .shell("day \(x)"))
                if depfile { spec.depfile = "out/\(x).inputs" }
                return spec
            }
        }]
    }

    func build(_ fams: [any FamilySource], dryRun: Bool = false, writeDepfile: Bool = true) throws -> (BuildEngine, [String]) {
        let (d, t) = try box.stores()
        let engine = try BuildEngine(families: fams, targets: [], digests: d, traces: t, options: .init(dryRun: dryRun))
        let ran = try drive(engine) { job in
            let map = (self.box.read(job.spec.fileInputs[0]) ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
            let text = self.box.read(map) ?? "absent\n"
            try text.write(toFile: TemporaryOutput.path(for: job.spec.outputs[0]), atomically: false, encoding: .utf8)
            if let depfile = job.spec.depfile, writeDepfile {
                try (map + "\n").write(toFile: depfile, atomically: true, encoding: .utf8)
            }
        }
        return (engine, ran)
    }

    func testChangingADiscoveredFileRebuildsExactlyItsReaders() throws {
        XCTAssertEqual(try build(families()).1.sorted(), ["day[a]", "day[b]", "day[c]"])
        XCTAssertEqual(try build(families()).1, [], "no-op")
        try box.write("maps/day1", "one, revised\n")
        let (dry, _) = try build(families(), dryRun: true)
        XCTAssertEqual(dry.plannedJobs().map(\.key), ["day[a]", "day[c]"])
        XCTAssertEqual(dry.plannedJobs().first?.reason, .discoveredInputChanged("maps/day1"))
        XCTAssertEqual(dry.plannedJobs().first?.reason.description, "input maps/day1 changed (read by the last run)")
        XCTAssertEqual(try build(families()).1, ["day[a]", "day[c]"])
        XCTAssertEqual(box.read("out/a"), "one, revised\n")
        XCTAssertEqual(try build(families()).1, [])
    }

    func testADeletedDiscoveredFileIsNamed() throws {
        try build(families())
        try FileManager.default.removeItem(atPath: "maps/day2")
        let (dry, _) = try build(families(), dryRun: true)
        XCTAssertEqual(dry.plannedJobs().map(\.key), ["day[b]"])
        XCTAssertEqual(dry.plannedJobs().first?.reason, .discoveredInputMissing("maps/day2"))
    }

    func testAListedFileThatAppearsLaterRebuildsItsReader() throws {
        try box.write("in/b.txt", "maps/day3\n")
        try build(families())
        XCTAssertEqual(box.read("out/b"), "absent\n")
        XCTAssertEqual(try build(families()).1, [])
        try box.write("maps/day3", "three\n")
        XCTAssertEqual(try build(families()).1, ["day[b]"])
        XCTAssertEqual(box.read("out/b"), "three\n")
    }

    func testATaskThatWritesNoDepfileFailsRatherThanForgettingItsInputs() throws {
        let (engine, ran) = try build(families(), writeDepfile: false)
        XCTAssertEqual(ran.count, 3)
        XCTAssertEqual(engine.counts.failed, 3)
        XCTAssertEqual(try build(families()).1.count, 3, "nothing was recorded as built")
    }

    func testTracesWithoutDiscoveredInputsStillDecode() throws {
        try build(families(depfile: false))
        XCTAssertEqual(try build(families(depfile: false)).1, [])
        try box.write("maps/day1", "changed\n")
        XCTAssertEqual(try build(families(depfile: false)).1, [], "undeclared and unlisted: not an input")
    }
}
