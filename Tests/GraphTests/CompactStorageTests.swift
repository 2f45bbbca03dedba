import Foundation
@testable import Graph
import XCTest

/// The graph's compact per-instance storage behaves as plain values: `TaskSpec`'s shared
/// box of rarely-set fields is copied on write, and `DependentsTable` lists every
/// dependent in the order added.
final class CompactStorageTests: XCTestCase {
    private func plain(_ v: String) -> TaskSpec {
        TaskSpec(key: ProductKey(family: "f", values: [v]), fileInputs: ["in/\(v)"], outputs: ["out/\(v)"],
                 ruleKind: "shell", command: .shell("cp in/\(v) out/\(v)"))
    }

    func testSettingARareFieldChangesOnlyThatInstance() {
        let a = plain("a")
        var b = a
        b.orderOnly = [3]
        b.params = [("n", "1")]
        b.resources.cpus = 4
        b.manifest = "out/m.tsv"
        b.depfile = "out/d"
        b.claims = [.directory("out/dir")]
        b.ruleVersion = "2"
        XCTAssertEqual(a.orderOnly, [])
        XCTAssertTrue(a.params.isEmpty)
        XCTAssertEqual(a.resources, Resources())
        XCTAssertNil(a.manifest)
        XCTAssertNil(a.depfile)
        XCTAssertTrue(a.claims.isEmpty)
        XCTAssertEqual(a.ruleVersion, "1")
        XCTAssertEqual(b.orderOnly, [3])
        XCTAssertEqual(b.params.map { "\($0.0)=\($0.1)" }, ["n=1"])
        XCTAssertEqual(b.resources.cpus, 4)
        XCTAssertEqual(b.manifest, "out/m.tsv")
        XCTAssertEqual(b.depfile, "out/d")
        XCTAssertEqual(b.claims, [.directory("out/dir")])
        XCTAssertEqual(b.ruleVersion, "2")
        // A copy of b, changed, leaves b alone; and a fresh plain instance still has the defaults.
        var c = b
        c.orderOnly.insert(5)
        c.resources.cpus = 1
        XCTAssertEqual(b.orderOnly, [3])
        XCTAssertEqual(b.resources.cpus, 4)
        XCTAssertEqual(c.orderOnly, [3, 5])
        XCTAssertEqual(plain("d").orderOnly, [])
        XCTAssertEqual(plain("d").resources, Resources())
    }

    func testInitialiserKeepsNonDefaultRareFields() {
        let t = TaskSpec(key: ProductKey(family: "f"), outputs: ["o"], manifest: "m", params: [("p", "v")],
                         ruleKind: "shell", ruleVersion: "3", command: .shell("true"),
                         resources: Resources(cpus: 2, memoryMB: 10, timeSeconds: 60, retries: 1, queue: ["qos": "low"]))
        XCTAssertEqual(t.manifest, "m")
        XCTAssertEqual(t.params.map(\.1), ["v"])
        XCTAssertEqual(t.ruleVersion, "3")
        XCTAssertEqual(t.resources.queue, ["qos": "low"])
        XCTAssertEqual(t.resources.retries, 1)
    }

    func testDependentsTableListsEveryDependentInOrder() {
        var table = DependentsTable()
        table.grow(by: 4)
        table.add(2, of: 0)
        table.add(3, of: 0)
        table.add(1, of: 0)
        table.add(3, of: 1)
        XCTAssertEqual(Array(table[0]), [2, 3, 1])
        XCTAssertEqual(Array(table[1]), [3])
        XCTAssertEqual(Array(table[2]), [])
        table.grow(by: 1)
        table.add(4, of: 3)
        XCTAssertEqual(Array(table[3]), [4])
        XCTAssertEqual(table.count, 5)
    }

    func testGraphRecordsDependentsOfFanIns() throws {
        let graph = BuildGraph()
        try graph.add(family: "f", variables: ["v"], tasks: ["a", "b"].map(plain))
        var sum = TaskSpec(key: ProductKey(family: "sum"), productInputs: [0, 1], outputs: ["s"], ruleKind: "shell",
                           command: .shell("cat out/a out/b > s"))
        sum.params = []
        try graph.add(family: "sum", variables: [], tasks: [sum])
        var other = TaskSpec(key: ProductKey(family: "other"), productInputs: [0], outputs: ["o2"], ruleKind: "shell",
                             command: .shell("true"))
        other.orderOnly = [0]
        try graph.add(family: "other", variables: [], tasks: [other])
        XCTAssertEqual(Array(graph.dependents[0]), [2, 3])
        XCTAssertEqual(Array(graph.dependents[1]), [2])
        XCTAssertEqual(Array(graph.dependents[2]), [])
    }

    /// `RecordIndex` keeps 24 bits of each key and confirms a match in the record itself.
    func testRecordIndexFindsTheLatestRecordOfEachKey() throws {
        let box = try Sandbox()
        _ = box
        let keys = (0..<2000).map { Digest("key \($0)") }
        do {
            let log = try RecordLog(path: "log", format: .digests)
            for (i, k) in keys.enumerated() {
                var w = ByteWriter(capacity: 24)
                w.digest(k)
                w.u64(UInt64(i))
                log.append(w.bytes)
            }
            // Second records for the first 10 keys supersede their first.
            for k in keys.prefix(10) {
                var w = ByteWriter(capacity: 24)
                w.digest(k)
                w.u64(999_999)
                log.append(w.bytes)
            }
            try log.sync()
        }
        let log = try RecordLog(path: "log", format: .digests)
        XCTAssertEqual(log.recordCount, 2010)
        var offsets: [Int] = []
        log.forEachRecord { at, length in
            XCTAssertEqual(length, 24)
            offsets.append(at)
        }
        XCTAssertEqual(offsets.count, 2010)
        var index = RecordIndex(log: log, capacity: log.recordCount)
        var replaced = 0
        for at in offsets {
            if let old = index.update(at, forKey: index.key(at: at)) {
                XCTAssertEqual(index.key(at: old), index.key(at: at))
                replaced += 1
            }
        }
        XCTAssertEqual(replaced, 10)
        XCTAssertEqual(index.count, 2000)
        XCTAssertEqual(index[keys[0]], offsets[2000], "the later record wins")
        XCTAssertEqual(index[keys[9]], offsets[2009])
        XCTAssertEqual(index[keys[10]], offsets[10])
        XCTAssertEqual(index[keys[1999]], offsets[1999])
        // The payload read at an offset is the record written.
        XCTAssertEqual(log.payload(at: offsets[1999]).loadUnaligned(fromByteOffset: 16, as: UInt64.self), 1999)
        XCTAssertNil(index[Digest("absent")])
        // A key sharing the 24 bits kept of a stored key, but not the key: not found.
        let k = keys[500]
        XCTAssertNil(index[Digest(high: k.high, low: k.low ^ 1)])
        XCTAssertNil(index[Digest(high: k.high ^ 1, low: k.low)])
        var seen = 0
        index.forEach { key, at in
            XCTAssertEqual(index.key(at: at), key)
            seen += 1
        }
        XCTAssertEqual(seen, 2000)
    }
}

/// An instance's state stays small: a million of them are held at once.
final class InstanceStateSizeTests: XCTestCase {
    func testStateOfAnInstanceTakesAtMostTwentyFourBytes() {
        XCTAssertLessThanOrEqual(MemoryLayout<InstanceState>.stride, 24)
        XCTAssertEqual(DirtyReason.parameterChanged("n", from: "1", to: "2").description, "parameter n changed (1 -> 2)")
        XCTAssertEqual(InstanceState.ready(.parameterChanged("n", from: "1", to: "2")),
                       InstanceState.ready(.parameterChanged("n", from: "1", to: "2")))
    }
}
