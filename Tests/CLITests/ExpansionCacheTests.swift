import Foundation
import Graph
import XCTest

/// A glob fan-out's instances are kept under `.arrakis/expansions/` and reused by the next
/// build, but never once a listed directory, the Arrakisfile or the environment changed.
final class ExpansionCacheTests: XCTestCase {
    private var dir = ""

    override func setUpWithError() throws {
        dir = try copyOfExample("shell-demo", self)
        let first = try arrakis(["build"], in: dir)
        XCTAssertEqual(first.status, 0, first.stderr)
        // The inputs' directory was just written: wait for the filesystem clock to pass it,
        // so the next build may keep `wc`'s instances (an entry is never written in the same tick).
        try waitForFilesystemClock(toPass: [dir, dir + "/inputs"])
        XCTAssertEqual(try dryRunPlan(in: dir).count, 0)
        XCTAssertEqual(cached().count, 1, "the no-op build kept wc's instances")
    }

    private func cached() -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: dir + "/.arrakis/expansions")) ?? [])
            .filter { !$0.hasSuffix(".tmp") }
    }

    func testANewInputFileIsPlannedAtOnce() throws {
        try write("a brand new file\n", to: dir + "/inputs/zeta.txt")
        let plan = try dryRunPlan(in: dir)
        XCTAssertEqual(plan.products, ["wc[zeta]", "long[zeta]", "summary"])
        // Replaced right away, in the same clock tick as the build that listed it: the
        // entry is not trusted, and the file is found by name again.
        try FileManager.default.removeItem(atPath: dir + "/inputs/zeta.txt")
        try write("renamed\n", to: dir + "/inputs/eta.txt")
        let again = try dryRunPlan(in: dir)
        XCTAssertEqual(again.products, ["wc[eta]", "long[eta]", "summary"])
    }

    func testARemovedInputFileLeavesTheGraph() throws {
        try FileManager.default.removeItem(atPath: dir + "/inputs/gamma.txt")
        let plan = try dryRunPlan(in: dir)
        XCTAssertEqual(plan.products, ["summary"])
        let build = try arrakis(["build"], in: dir)
        XCTAssertEqual(build.status, 0, build.stderr)
        XCTAssertFalse(try read(dir + "/summary.txt").isEmpty)
    }

    func testAChangedCommandIsPlannedForEveryInstance() throws {
        let file = dir + "/Arrakisfile"
        try write(try read(file).replacingOccurrences(of: "wc -w < {input} > {output}", with: "wc -w < {input} >{output}"), to: file)
        let plan = try dryRunPlan(in: dir)
        XCTAssertEqual(plan.tasks.filter { $0.product.hasPrefix("wc[") }.count, 5)
        XCTAssertTrue(plan.tasks.filter { $0.product.hasPrefix("wc[") }.allSatisfy { $0.reason == "command changed" }, "\(plan.tasks)")
    }

    private func entryInode() throws -> UInt64 {
        let attributes = try FileManager.default.attributesOfItem(atPath: dir + "/.arrakis/expansions/" + cached()[0] + "/index")
        return try XCTUnwrap(attributes[.systemFileNumber] as? UInt64)
    }

    /// An environment variable the Arrakisfile names invalidates the entry (it is made
    /// again); one it does not name leaves it in use.
    func testOnlyTheEnvironmentTheArrakisfileNamesMatters() throws {
        let kept = try entryInode()
        XCTAssertEqual(try dryRunPlan(in: dir, environment: ["ARRAKIS_UNRELATED_SETTING": "x"]).count, 0)
        XCTAssertEqual(try entryInode(), kept, "an unrelated variable made the entry again")
        _ = try dryRunPlan(in: dir, environment: ["MIN_WORDS": "3"])
        XCTAssertNotEqual(try entryInode(), kept, "MIN_WORDS is named by the Arrakisfile: the entry is made again")
    }

    func testADamagedEntryIsIgnored() throws {
        let entry = dir + "/.arrakis/expansions/" + cached()[0] + "/index"
        var bytes = try Data(contentsOf: URL(fileURLWithPath: entry))
        bytes[bytes.count / 2] ^= 0x5A
        try bytes.write(to: URL(fileURLWithPath: entry))
        XCTAssertEqual(try dryRunPlan(in: dir).count, 0)
        try Data().write(to: URL(fileURLWithPath: entry))
        XCTAssertEqual(try dryRunPlan(in: dir).count, 0)
        try write("one more\n", to: dir + "/inputs/theta.txt")
        XCTAssertEqual(try dryRunPlan(in: dir).products, ["wc[theta]", "long[theta]", "summary"])
    }
}

/// A glob over many directories is kept one part per directory: a file added to one
/// directory re-renders and rewrites that directory's part only, and the instances are the
/// same as a build without any cache would make.
final class ExpansionCachePartTests: XCTestCase {
    private let arrakisfile = """
        product copy {
            for (d, f) in glob("in/{d}/{f}.txt")
            input "in/{d}/{f}.txt"
            output "out/{d}/{f}.txt"
            shell "cp {input} {output}"
        }
        product total {
            input copy
            output "total.txt"
            shell "cat {inputs} > {output}"
        }
        default total
        """

    private func partInodes(_ dir: String) throws -> [String: UInt64] {
        let root = dir + "/.arrakis/expansions"
        let entries = try FileManager.default.contentsOfDirectory(atPath: root).filter { !$0.hasSuffix(".tmp") }
        XCTAssertEqual(entries.count, 1, "one family's entry: \(entries)")
        var out: [String: UInt64] = [:]
        for name in try FileManager.default.contentsOfDirectory(atPath: root + "/" + entries[0]) {
            let attributes = try FileManager.default.attributesOfItem(atPath: root + "/" + entries[0] + "/" + name)
            out[name] = try XCTUnwrap(attributes[.systemFileNumber] as? UInt64)
        }
        return out
    }

    func testAFileAddedToOneDirectoryRewritesOnlyItsPart() throws {
        let dir = try scratchDirectory(self)
        try write(arrakisfile, to: dir + "/Arrakisfile")
        for d in 0..<4 {
            for f in 0..<3 { try write("\(d)/\(f)\n", to: dir + "/in/\(d)/\(f).txt") }
        }
        let first = try arrakis(["build"], in: dir)
        XCTAssertEqual(first.status, 0, first.stderr)
        try waitForFilesystemClock(toPass: [dir + "/in"] + (0..<4).map { dir + "/in/\($0)" })
        XCTAssertEqual(try dryRunPlan(in: dir).count, 0)
        let before = try partInodes(dir)
        XCTAssertEqual(before.count, 5, "an index and four parts: \(before.keys.sorted())")

        try write("new\n", to: dir + "/in/2/9.txt")
        XCTAssertEqual(try dryRunPlan(in: dir).products, ["copy[2, 9]", "total"])
        let build = try arrakis(["build"], in: dir)
        XCTAssertEqual(build.status, 0, build.stderr)
        XCTAssertEqual(try read(dir + "/out/2/9.txt"), "new\n")
        let after = try partInodes(dir)
        let changed = Set(after.keys.filter { after[$0] != before[$0] })
        XCTAssertEqual(changed, ["index", "p-" + Digest("in/2").description], "only in/2's part and the index were rewritten")

        // What the parts gave back is what a build without the cache makes: rendered afresh,
        // every instance (command, inputs, outputs) has the fingerprint the build recorded.
        try FileManager.default.removeItem(atPath: dir + "/.arrakis/expansions")
        let fresh = try dryRunPlan(in: dir)
        XCTAssertEqual(fresh.count, 0, "\(fresh.tasks)")
    }
}
