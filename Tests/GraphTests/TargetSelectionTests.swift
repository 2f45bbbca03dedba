import Foundation
@testable import Graph
import XCTest

/// Targets: which families they need (`TargetSelection` directly), which instances they
/// select as families are expanded, and the `UnknownTarget` messages (through `BuildEngine`).
final class TargetSelectionTests: XCTestCase {
    var box: Sandbox!

    override func setUpWithError() throws {
        box = try Sandbox()
        for n in ["a", "b", "c"] { try box.write("in/\(n).txt", "\(n)\n") }
        try box.write(FanOutProject.names, "name\na\nb\n")
    }

    /// `count[x]` reads `in/x.txt` and writes `out/x.n`; `total` reads every count.
    func counting() -> [any FamilySource] {
        let count = CodeFamily(name: "count", variables: ["x"]) { _ in
            ["a", "b", "c"].map { testTask("count", [$0], reads: ["in/\($0).txt"], writes: ["out/\($0).n"]) }
        }
        let total = CodeFamily(name: "total", inputFamilies: ["count"]) { g in
            [testTask("total", upstream: Array(g.instances(of: "count")), writes: ["out/total"])]
        }
        return [total, count]
    }

    /// `pair[epoch, field]`: (1, x), (1, y), (2, x), each writing `out/p-EPOCH-FIELD`.
    func pairs() -> [TaskSpec] {
        [("1", "x"), ("1", "y"), ("2", "x")].map { e, f in testTask("pair", [e, f], writes: ["out/p-\(e)-\(f)"]) }
    }

    func byName(_ families: [any FamilySource]) -> [String: FamilySource] {
        Dictionary(uniqueKeysWithValues: families.map { ($0.name, $0) })
    }

    func selection(_ targets: [BuildTarget], _ families: [any FamilySource]) throws -> TargetSelection {
        try TargetSelection(targets: targets, families: byName(families))
    }

    // MARK: - Closure and whole families

    func testNoTargetsNeedEveryFamilyWhole() throws {
        let s = try selection([], FanOutProject.families())
        XCTAssertEqual(s.closure, ["all", "item", "list"])
        XCTAssertEqual(s.wholeFamilies, ["all", "item", "list"])
        XCTAssertFalse(s.awaitsOutputs)
    }

    func testFamilyTargetNeedsWhatItReadsAndWhatItFansOutOverWhole() throws {
        let s = try selection([.family("all")], FanOutProject.families())
        XCTAssertEqual(s.closure, ["all", "item", "list"])
        // `item` is needed only through what `all` reads; `list` is needed whole to expand `item`.
        XCTAssertEqual(s.wholeFamilies, ["all", "list"])
    }

    func testInstanceTargetNeedsItsFamilyButNotWhole() throws {
        let s = try selection([.instance(ProductKey(family: "item", values: ["a"]))], FanOutProject.families())
        XCTAssertEqual(s.closure, ["item", "list"])
        XCTAssertEqual(s.wholeFamilies, ["list"])
        XCTAssertEqual(s.instanceTargets, [ProductKey(family: "item", values: ["a"])])
    }

    func testOutputTargetNeedsEveryFamilyButNoneWhole() throws {
        let s = try selection([.output("out/item-a.txt")], FanOutProject.families())
        XCTAssertEqual(s.closure, ["all", "item", "list"])
        XCTAssertEqual(s.wholeFamilies, ["list"])
        XCTAssertTrue(s.awaitsOutputs)
    }

    func testUnknownFamiliesAreRefusedUpFront() throws {
        XCTAssertThrowsError(try selection([.family("nope")], counting())) { e in
            XCTAssertEqual("\(e)", "no product matches target 'nope' (products: count, total)")
        }
        XCTAssertThrowsError(try selection([.instance(ProductKey(family: "nope", values: ["1"]))], counting())) { e in
            XCTAssertEqual("\(e)", "no product matches target 'nope[1]' (no product 'nope')")
        }
        XCTAssertThrowsError(try selection([.matching(family: "nope", value: "v")], counting())) { e in
            XCTAssertEqual("\(e)", "no product matches target 'nope:v' (no product 'nope')")
        }
        // Through the engine, before anything is expanded.
        let (d, t) = try Sandbox.openStores()
        XCTAssertThrowsError(try BuildEngine(families: counting(), targets: [.family("nope")], digests: d, traces: t)) { e in
            XCTAssertTrue(e is UnknownTarget, "\(e)")
        }
    }

    // MARK: - Selecting in a new family

    func testSelectMarksWholeFamilyThenInstancesThenMatchesThenOutputs() throws {
        let pair = CodeFamily(name: "pair", variables: ["epoch", "field"]) { _ in [] }
        var s = try selection([.family("pair"), .instance(ProductKey(family: "pair", values: ["2", "x"])),
                               .matching(family: "pair", value: "y"), .output("out/p-1-x")], [pair])
        let g = BuildGraph()
        let range = try g.add(family: "pair", variables: ["epoch", "field"], tasks: pairs())
        var marked: [InstanceID] = []
        try s.select(newFamily: "pair", range: range, in: g) { marked.append($0) }
        XCTAssertEqual(marked, [0, 1, 2, 2, 1, 0])
        XCTAssertEqual(s.instanceTargets, [])
        XCTAssertEqual(s.matchingTargets.count, 0)
        XCTAssertFalse(s.awaitsOutputs)
    }

    func testSelectLeavesOtherFamiliesTargetsForLater() throws {
        let pair = CodeFamily(name: "pair", variables: ["epoch", "field"]) { _ in [] }
        let other = CodeFamily(name: "other") { _ in [] }
        var s = try selection([.instance(ProductKey(family: "other")), .matching(family: "pair", value: "x"),
                               .output("out/elsewhere")], [pair, other])
        let g = BuildGraph()
        let range = try g.add(family: "pair", variables: ["epoch", "field"], tasks: pairs())
        var marked: [InstanceID] = []
        try s.select(newFamily: "pair", range: range, in: g) { marked.append($0) }
        XCTAssertEqual(marked, [0, 2], "every instance with the value x")
        XCTAssertEqual(s.instanceTargets, [ProductKey(family: "other")])
        XCTAssertTrue(s.awaitsOutputs)
        XCTAssertThrowsError(try s.failUnclaimedOutputs()) { e in
            XCTAssertEqual("\(e)", "no product matches target 'out/elsewhere' (no product declares this output)")
        }
        XCTAssertFalse(s.awaitsOutputs)
        XCTAssertNoThrow(try s.failUnclaimedOutputs(), "reported once")
    }

    func testUnknownInstanceHintListsAtMostFiveInstances() throws {
        let n = CodeFamily(name: "n", variables: ["i"]) { _ in [] }
        var s = try selection([.instance(ProductKey(family: "n", values: ["zz"]))], [n])
        let g = BuildGraph()
        let range = try g.add(family: "n", variables: ["i"], tasks: (0..<7).map { testTask("n", ["\($0)"], writes: ["out/n\($0)"]) })
        XCTAssertThrowsError(try s.select(newFamily: "n", range: range, in: g) { _ in }) { e in
            XCTAssertEqual("\(e)", "no product matches target 'n[zz]' (n has 7 instances: n[0], n[1], n[2], n[3], n[4], ...)")
        }
        var empty = try selection([.instance(ProductKey(family: "n", values: ["zz"]))], [n])
        let none = try BuildGraph().add(family: "n", variables: ["i"], tasks: [])
        XCTAssertThrowsError(try empty.select(newFamily: "n", range: none, in: g) { _ in }) { e in
            XCTAssertEqual("\(e)", "no product matches target 'n[zz]' (n has 0 instances)")
        }
    }

    func testUnknownMatchingValueHintListsSomeInstances() throws {
        let pair = CodeFamily(name: "pair", variables: ["epoch", "field"]) { _ in [] }
        var s = try selection([.matching(family: "pair", value: "zz")], [pair])
        let g = BuildGraph()
        let range = try g.add(family: "pair", variables: ["epoch", "field"], tasks: pairs())
        XCTAssertThrowsError(try s.select(newFamily: "pair", range: range, in: g) { _ in }) { e in
            XCTAssertEqual("\(e)", "no product matches target 'pair:zz' (no instance of pair has the value 'zz'; some are: pair[1, x], pair[1, y], pair[2, x])")
        }
    }

    // MARK: - Through the engine

    func testOutputTargetSelectsItsProducer() throws {
        let engine = try makeEngine(counting(), targets: [.output("out/b.n")])
        XCTAssertEqual(try runToCompletion(engine), ["count[b]"])
        XCTAssertEqual(engine.counts.needed, 1)
        XCTAssertEqual(engine.state(of: "count[a]"), .unneeded)
    }

    func testUnknownOutputPathIsReportedOnce() throws {
        let engine = try makeEngine(counting(), targets: [.output("out/nothing")])
        XCTAssertThrowsError(try engine.start()) { e in
            XCTAssertEqual("\(e)", "no product matches target 'out/nothing' (no product declares this output)")
        }
        XCTAssertNoThrow(try engine.start(), "an executor starts the engine again")
    }

    func testOutputTargetOfAFanOutFromAManifestThatIsThere() throws {
        try runToCompletion(try makeEngine(FanOutProject.families()))
        try FileManager.default.removeItem(atPath: "out/item-b.txt")
        let engine = try makeEngine(FanOutProject.families(), targets: [.output("out/item-b.txt")])
        XCTAssertEqual(try runToCompletion(engine), ["item[b]"])
        XCTAssertEqual(engine.counts.needed, 2, "item[b], and list, which item fans out over")
    }

    func testOutputTargetOfAFanOutNotExpandedYetIsUnknown() throws {
        // As the engine stands: an output path is looked up among the families expanded once
        // nothing more can be expanded without building, so a path only a manifest not yet
        // built would declare is unknown.
        let engine = try makeEngine(FanOutProject.families(), targets: [.output("out/item-b.txt")])
        XCTAssertThrowsError(try engine.start()) { e in
            XCTAssertEqual("\(e)", "no product matches target 'out/item-b.txt' (no product declares this output)")
        }
    }

    func testInstanceTargetOfAFanOutWaitsForTheManifest() throws {
        let engine = try makeEngine(FanOutProject.families(), targets: [.instance(ProductKey(family: "item", values: ["b"]))])
        XCTAssertEqual(try runToCompletion(engine), ["list", "item[b]"])
        XCTAssertEqual(engine.state(of: "item[a]"), .unneeded)
        // `all` is outside the targets: expanded once `item` is (to check what it writes), not needed.
        XCTAssertTrue(engine.graph.isExpanded("all"))
        XCTAssertEqual(engine.state(of: "all"), .unneeded)
    }

    func testUnknownInstanceOfAFanOutIsReportedWhenTheManifestIsBuilt() throws {
        let engine = try makeEngine(FanOutProject.families(), targets: [.instance(ProductKey(family: "item", values: ["z"]))])
        try engine.start()
        let jobs = engine.takeJobs()
        XCTAssertEqual(jobs.map(\.key), ["list"])
        XCTAssertThrowsError(try runJob(engine, jobs[0])) { e in
            XCTAssertEqual("\(e)", "no product matches target 'item[z]' (item has 2 instances: item[a], item[b])")
        }
    }

    func testMatchingTargetSelectsEveryInstanceWithTheValue() throws {
        let engine = try makeEngine(counting(), targets: [.matching(family: "count", value: "b")])
        XCTAssertEqual(try runToCompletion(engine), ["count[b]"])
    }

    func testUnknownMatchingValueThroughTheEngine() throws {
        let engine = try makeEngine(counting(), targets: [.matching(family: "count", value: "zz")])
        XCTAssertThrowsError(try engine.start()) { e in
            XCTAssertEqual("\(e)", "no product matches target 'count:zz' (no instance of count has the value 'zz'; some are: count[a], count[b], count[c])")
        }
    }

    func testUnknownInstanceThroughTheEngineKeepsWhatWasMarkedBefore() throws {
        // The family target is marked before the instance target is found missing, as always:
        // what a caller reads from the engine after the error (its counts) is unchanged.
        let engine = try makeEngine(counting(), targets: [.family("count"), .instance(ProductKey(family: "count", values: ["zz"]))])
        XCTAssertThrowsError(try engine.start()) { e in
            XCTAssertEqual("\(e)", "no product matches target 'count[zz]' (count has 3 instances: count[a], count[b], count[c])")
        }
        XCTAssertEqual(engine.counts.needed, 3)
    }
}
