import Foundation
import Graph
import XCTest

/// `ExpansionCache` on its own: what goes in comes out, and only while it can be trusted.
final class ExpansionCacheUnitTests: XCTestCase {
    private func specs() -> [TaskSpec] {
        var a = TaskSpec(key: ProductKey(family: "copy", values: ["0", "ünï"]), fileInputs: ["in/0/ünï.txt"],
                         outputs: ["out/0/ünï.txt", "out/0/m.tsv"], manifest: "out/0/m.tsv",
                         params: [("pad", "3"), ("mode", "fast")], ruleKind: "shell", ruleVersion: "2",
                         command: .shell("cp 'in/0/ünï.txt' out"),
                         resources: Resources(cpus: 2, memoryMB: 512, timeSeconds: 60, retries: 1, queue: ["qos": "low"]))
        a.orderOnly = [4, 1]
        let b = TaskSpec(key: ProductKey(family: "copy", values: ["1", ""]), productInputs: [7, 3], outputs: ["o"],
                         ruleKind: "cutouts", command: .builtin(kind: "cutouts", arguments: ["b": "2", "a": "1\n2"]))
        return [a, b]
    }

    private func describe(_ list: [TaskSpec]) -> [String] {
        list.map { t in
            "\(t.key) \(t.fileInputs) \(t.productInputs) \(t.orderOnly.sorted()) \(t.outputs) \(t.manifest ?? "-") "
                + "\(t.params.map { "\($0.0)=\($0.1)" }) \(t.ruleKind) \(t.ruleVersion) \(t.command.canonical) "
                + "\(t.resources.cpus) \(t.resources.memoryMB) \(t.resources.timeSeconds) \(t.resources.retries) \(t.resources.queue)"
        }
    }

    func testEntriesComeBackUntilAListedDirectoryChanges() throws {
        let box = try Sandbox()
        try box.write("in/0/a.txt", "a")
        let clock = ManualClock()
        let cache = try ExpansionCache(directory: "expansions", clock: clock)
        clock.pass(["in", "in/0"])
        let definition = Digest("v1")
        cache.store(family: "copy", definition: definition, directories: ["in", "in/0", "missing"], specs: specs(), stamp: cache.stamp())
        XCTAssertEqual(describe(try XCTUnwrap(cache.specs(family: "copy", definition: definition))), describe(specs()))
        XCTAssertNil(cache.specs(family: "copy", definition: Digest("v2")), "another definition")
        XCTAssertNil(cache.specs(family: "other", definition: definition))
        try box.write("in/0/b.txt", "b")
        XCTAssertNil(cache.specs(family: "copy", definition: definition), "a file was added to a listed directory")
        // A directory that did not exist, and now does.
        clock.pass(["in/0"])
        cache.store(family: "copy", definition: definition, directories: ["in/0", "missing"], specs: specs(), stamp: cache.stamp())
        XCTAssertNotNil(cache.specs(family: "copy", definition: definition))
        try FileManager.default.createDirectory(atPath: "missing", withIntermediateDirectories: false)
        XCTAssertNil(cache.specs(family: "copy", definition: definition), "a missing directory appeared")
    }

    func testAnEntryFromTheSameClockTickIsNotKept() throws {
        let box = try Sandbox()
        let clock = ManualClock()
        let cache = try ExpansionCache(directory: "expansions", clock: clock)
        try box.write("in/a.txt", "a")
        clock.sameTick(as: "in")         // changed in the stamp's tick: the listing may be stale
        let stamp = cache.stamp()
        cache.store(family: "copy", definition: Digest("v1"), directories: ["in"], specs: specs(), stamp: stamp)
        XCTAssertNil(cache.specs(family: "copy", definition: Digest("v1")))
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: "expansions"), [])
    }

    /// The files of an entry: the index, then its parts.
    private func entryFiles(_ family: String) throws -> [String] {
        let entry = "expansions/" + Digest(family).description
        let names = try FileManager.default.contentsOfDirectory(atPath: entry)
        return (names.filter { $0 == "index" } + names.filter { $0 != "index" }.sorted()).map { entry + "/" + $0 }
    }

    func testDamagedEntriesAreIgnored() throws {
        let box = try Sandbox()
        try box.write("in/a.txt", "a")
        let clock = ManualClock()
        let cache = try ExpansionCache(directory: "expansions", clock: clock)
        clock.pass(["in"])
        cache.store(family: "copy", definition: Digest("v1"), directories: ["in"], specs: specs(), stamp: cache.stamp())
        let files = try entryFiles("copy")
        XCTAssertEqual(files.count, 2, "an index and one part: \(files)")
        for file in files {
            let good = try Data(contentsOf: URL(fileURLWithPath: file))
            XCTAssertNotNil(cache.specs(family: "copy", definition: Digest("v1")))
            for cut in [0, 10, good.count / 2, good.count - 1] {
                try good.prefix(cut).write(to: URL(fileURLWithPath: file))
                XCTAssertNil(cache.specs(family: "copy", definition: Digest("v1")), "\(file) truncated at \(cut)")
            }
            var flipped = good
            flipped[good.count / 3] ^= 1
            try flipped.write(to: URL(fileURLWithPath: file))
            XCTAssertNil(cache.specs(family: "copy", definition: Digest("v1")), "\(file) with a bit flipped")
            try good.write(to: URL(fileURLWithPath: file))
        }
        XCTAssertNotNil(cache.specs(family: "copy", definition: Digest("v1")))
    }

    /// An entry is versioned by its index's magic (`arrakis-expansions-2`): one of another version,
    /// even whole and checksummed, is never read as this one (a cache: the family is expanded
    /// again and the entry replaced).
    func testAnEntryOfAnotherFormatVersionIsNotRead() throws {
        let box = try Sandbox()
        try box.write("in/a.txt", "a")
        let clock = ManualClock()
        let cache = try ExpansionCache(directory: "expansions", clock: clock)
        clock.pass(["in"])
        cache.store(family: "copy", definition: Digest("v1"), directories: ["in"], specs: specs(), stamp: cache.stamp())
        let file = try entryFiles("copy")[0]
        let good = [UInt8](try Data(contentsOf: URL(fileURLWithPath: file)))
        let magic = Array("arrakis-expansions-2\n".utf8)
        XCTAssertEqual(Array(good.prefix(magic.count)), magic)
        func rewrite(version: Character) throws {
            var body = Array(good.dropLast(16))
            body[magic.count - 2] = UInt8(ascii: version.unicodeScalars.first!)
            var w = ByteWriter(capacity: 16)
            w.digest(Digest(body))
            try Data(body + w.bytes).write(to: URL(fileURLWithPath: file))
        }
        try rewrite(version: "2")
        XCTAssertNotNil(cache.specs(family: "copy", definition: Digest("v1")), "the checksum is recomputed right")
        try rewrite(version: "3")
        XCTAssertNil(cache.specs(family: "copy", definition: Digest("v1")), "a newer version")
        try rewrite(version: "1")
        XCTAssertNil(cache.specs(family: "copy", definition: Digest("v1")), "an older version")
        cache.store(family: "copy", definition: Digest("v1"), directories: ["in"], specs: specs(), stamp: cache.stamp())
        XCTAssertNotNil(cache.specs(family: "copy", definition: Digest("v1")), "replaced by this version's entry")
    }

    /// Instances in parts, one per directory: one directory changing invalidates the entry
    /// as a whole, but the other directories' parts are still given for reuse, and storing
    /// again rewrites only the changed part (and the index).
    func testOnlyTheChangedDirectorysPartIsRenderedAndRewritten() throws {
        let box = try Sandbox()
        for d in 0..<3 { try box.write("in/\(d)/a.txt", "a") }
        let clock = ManualClock()
        let cache = try ExpansionCache(directory: "expansions", clock: clock)
        func spec(_ d: Int, _ f: String) -> TaskSpec {
            TaskSpec(key: ProductKey(family: "copy", values: ["\(d)", f]), fileInputs: ["in/\(d)/\(f).txt"],
                     outputs: ["out/\(d)/\(f).txt"], ruleKind: "shell", command: .shell("cp in/\(d)/\(f).txt out"))
        }
        let all = [spec(0, "a"), spec(0, "b"), spec(1, "a"), spec(2, "a"), spec(2, "b"), spec(2, "c")]
        let parts: [(directory: String, range: Range<Int>)] = [("in/0", 0..<2), ("in/1", 2..<3), ("in/2", 3..<6)]
        let definition = Digest("v1")
        let listed = ["in", "in/0", "in/1", "in/2"]
        clock.pass(listed)
        cache.store(family: "copy", definition: definition, directories: listed, specs: all, parts: parts, stamp: cache.stamp())
        XCTAssertEqual(describe(try XCTUnwrap(cache.specs(family: "copy", definition: definition))), describe(all))
        let files = try entryFiles("copy")
        XCTAssertEqual(files.count, 4, "an index and three parts")
        func inodes() throws -> [String: UInt64] {
            var out: [String: UInt64] = [:]
            for f in try entryFiles("copy") {
                out[f] = try XCTUnwrap(try FileManager.default.attributesOfItem(atPath: f)[.systemFileNumber] as? UInt64)
            }
            return out
        }
        let before = try inodes()

        try box.write("in/1/b.txt", "b")
        XCTAssertNil(cache.specs(family: "copy", definition: definition), "in/1 changed")
        let stored = try XCTUnwrap(cache.storedParts(family: "copy", definition: definition))
        XCTAssertEqual(describe(try XCTUnwrap(stored.instances(of: "in/0", count: 2))), describe(Array(all[0..<2])))
        XCTAssertEqual(describe(try XCTUnwrap(stored.instances(of: "in/2", count: 3))), describe(Array(all[3..<6])))
        XCTAssertNil(stored.instances(of: "in/1", count: 1), "its listing changed")
        XCTAssertNil(stored.instances(of: "in/0", count: 3), "another count: not that part")
        XCTAssertNil(cache.storedParts(family: "copy", definition: Digest("v2")), "another definition")

        let now = [spec(0, "a"), spec(0, "b"), spec(1, "a"), spec(1, "b"), spec(2, "a"), spec(2, "b"), spec(2, "c")]
        clock.pass(listed)
        cache.store(family: "copy", definition: definition, directories: listed, specs: now,
                    parts: [("in/0", 0..<2), ("in/1", 2..<4), ("in/2", 4..<7)], reused: ["in/0", "in/2"], stamp: cache.stamp())
        XCTAssertEqual(describe(try XCTUnwrap(cache.specs(family: "copy", definition: definition))), describe(now))
        let after = try inodes()
        let part = { (d: String) in "expansions/\(Digest("copy").description)/p-\(Digest(d).description)" }
        XCTAssertEqual(after[part("in/0")], before[part("in/0")], "in/0's part was not rewritten")
        XCTAssertEqual(after[part("in/2")], before[part("in/2")], "in/2's part was not rewritten")
        XCTAssertNotEqual(after[part("in/1")], before[part("in/1")], "in/1's part was rewritten")
        let index = "expansions/\(Digest("copy").description)/index"
        XCTAssertNotEqual(after[index], before[index], "the index was rewritten")

        // A directory gone: its part goes too.
        try FileManager.default.removeItem(atPath: "in/2")
        clock.pass(["in"])
        cache.store(family: "copy", definition: definition, directories: ["in", "in/0", "in/1"], specs: Array(now[0..<4]),
                    parts: [("in/0", 0..<2), ("in/1", 2..<4)], reused: ["in/0", "in/1"], stamp: cache.stamp())
        XCTAssertEqual(try entryFiles("copy").count, 3)
        XCTAssertEqual(describe(try XCTUnwrap(cache.specs(family: "copy", definition: definition))), describe(Array(now[0..<4])))
    }

    /// A part's directory that changed in the listing's clock tick is stored untrusted: the
    /// entry is not used whole, but the other parts are reusable.
    func testAPartChangedInTheListingsTickIsLeftOut() throws {
        let box = try Sandbox()
        for d in 0..<2 { try box.write("in/\(d)/a.txt", "a") }
        let clock = ManualClock()
        let cache = try ExpansionCache(directory: "expansions", clock: clock)
        let specs = specs()
        // in/1 changed in the stamp's tick (its time set ahead, so that in and in/0 are
        // surely older).
        try FileManager.default.setAttributes([.modificationDate: Date(timeIntervalSinceNow: 3600)], ofItemAtPath: "in/1")
        clock.sameTick(as: "in/1")
        cache.store(family: "copy", definition: Digest("v1"), directories: ["in", "in/0", "in/1"], specs: specs,
                    parts: [("in/0", 0..<1), ("in/1", 1..<2)], stamp: cache.stamp())
        XCTAssertNil(cache.specs(family: "copy", definition: Digest("v1")), "in/1 is not trusted")
        let stored = try XCTUnwrap(cache.storedParts(family: "copy", definition: Digest("v1")))
        XCTAssertNotNil(stored.instances(of: "in/0", count: 1))
        XCTAssertNil(stored.instances(of: "in/1", count: 1))
    }
}
