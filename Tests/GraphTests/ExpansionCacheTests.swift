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

    func testDamagedEntriesAreIgnored() throws {
        let box = try Sandbox()
        try box.write("in/a.txt", "a")
        let clock = ManualClock()
        let cache = try ExpansionCache(directory: "expansions", clock: clock)
        clock.pass(["in"])
        cache.store(family: "copy", definition: Digest("v1"), directories: ["in"], specs: specs(), stamp: cache.stamp())
        let file = "expansions/" + (try FileManager.default.contentsOfDirectory(atPath: "expansions"))[0]
        let good = try Data(contentsOf: URL(fileURLWithPath: file))
        XCTAssertNotNil(cache.specs(family: "copy", definition: Digest("v1")))
        for cut in [0, 10, good.count / 2, good.count - 1] {
            try good.prefix(cut).write(to: URL(fileURLWithPath: file))
            XCTAssertNil(cache.specs(family: "copy", definition: Digest("v1")), "truncated at \(cut)")
        }
        var flipped = good
        flipped[good.count / 3] ^= 1
        try flipped.write(to: URL(fileURLWithPath: file))
        XCTAssertNil(cache.specs(family: "copy", definition: Digest("v1")))
    }

    /// An entry is versioned by its magic (`arrakis-expansions-1`): one of another version,
    /// even whole and checksummed, is never read as this one (a cache: the family is expanded
    /// again and the entry replaced).
    func testAnEntryOfAnotherFormatVersionIsNotRead() throws {
        let box = try Sandbox()
        try box.write("in/a.txt", "a")
        let clock = ManualClock()
        let cache = try ExpansionCache(directory: "expansions", clock: clock)
        clock.pass(["in"])
        cache.store(family: "copy", definition: Digest("v1"), directories: ["in"], specs: specs(), stamp: cache.stamp())
        let file = "expansions/" + (try FileManager.default.contentsOfDirectory(atPath: "expansions"))[0]
        let good = [UInt8](try Data(contentsOf: URL(fileURLWithPath: file)))
        let magic = Array("arrakis-expansions-1\n".utf8)
        XCTAssertEqual(Array(good.prefix(magic.count)), magic)
        func rewrite(version: Character) throws {
            var body = Array(good.dropLast(16))
            body[magic.count - 2] = UInt8(ascii: version.unicodeScalars.first!)
            var w = ByteWriter(capacity: 16)
            w.digest(Digest(body))
            try Data(body + w.bytes).write(to: URL(fileURLWithPath: file))
        }
        try rewrite(version: "1")
        XCTAssertNotNil(cache.specs(family: "copy", definition: Digest("v1")), "the checksum is recomputed right")
        try rewrite(version: "2")
        XCTAssertNil(cache.specs(family: "copy", definition: Digest("v1")))
        cache.store(family: "copy", definition: Digest("v1"), directories: ["in"], specs: specs(), stamp: cache.stamp())
        XCTAssertNotNil(cache.specs(family: "copy", definition: Digest("v1")), "replaced by this version's entry")
    }
}
