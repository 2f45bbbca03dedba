import Foundation
@testable import Graph
import XCTest

/// A big expansion-cache entry is decoded in parts on every core: the parts must meet
/// exactly, and a damaged part must undo the whole entry.
final class ExpansionDecodeTests: XCTestCase {
    private func specs(_ n: Int) -> [TaskSpec] {
        (0..<n).map { i in
            var t = TaskSpec(key: ProductKey(family: "copy", values: ["\(i / 1000)", String(format: "%03d", i % 1000)]),
                             fileInputs: i % 7 == 0 ? [] : ["in/\(i).txt", "in/shared.txt"],
                             productInputs: i % 5 == 0 ? [i, i + 1] : [],
                             outputs: ["out/\(i).txt"], manifest: i % 11 == 0 ? "out/\(i).tsv" : nil,
                             params: i % 3 == 0 ? [("p", "\(i)")] : [], ruleKind: "shell",
                             ruleVersion: i % 13 == 0 ? "2" : "1",
                             command: i % 17 == 0 ? .builtin(kind: "k", arguments: ["a": "\(i)"]) : .shell("cp in/\(i).txt out/\(i).txt"),
                             resources: Resources(cpus: 1 + i % 2, queue: i % 19 == 0 ? ["qos": "low"] : [:]))
            if i % 23 == 0 { t.orderOnly = [i] }
            return t
        }
    }

    private func text(_ t: TaskSpec) -> String {
        "\(t.key) \(t.fileInputs) \(t.productInputs) \(t.orderOnly.sorted()) \(t.outputs) \(t.manifest ?? "-") "
            + "\(t.params.map { "\($0.0)=\($0.1)" }) \(t.ruleVersion) \(t.command.canonical) \(t.resources)"
    }

    private func encode(_ list: [TaskSpec]) -> [UInt8] {
        var w = ByteWriter(capacity: list.count * 96)
        for s in list { w.taskSpec(s) }
        return w.bytes
    }

    func testPartsDecodedSideBySideGiveBackEverySpecInOrder() throws {
        let list = specs(50_001)
        let bytes = encode(list)
        let back = try bytes.withUnsafeBytes { raw in
            try ExpansionCache.decode(list.count, from: ByteReader(raw), body: raw)
        }
        XCTAssertEqual(back.count, list.count)
        for i in [0, 1, 12_499, 12_500, 12_501, 25_000, 37_500, 50_000] {
            XCTAssertEqual(text(back[i]), text(list[i]), "spec \(i)")
        }
        XCTAssertEqual(back.map(text), list.map(text))
    }

    func testADamagedPartFailsTheWholeEntry() throws {
        let list = specs(40_000)
        var bytes = encode(list)
        // Cut the encoding short: the last part cannot finish.
        bytes.removeLast(bytes.count / 10)
        XCTAssertThrowsError(try bytes.withUnsafeBytes { raw in
            try ExpansionCache.decode(list.count, from: ByteReader(raw), body: raw)
        })
        // A string length past the end, early on: the skipping pass finds it.
        var early = encode(list)
        early[1] = 0xff
        XCTAssertThrowsError(try early.withUnsafeBytes { raw in
            try ExpansionCache.decode(list.count, from: ByteReader(raw), body: raw)
        })
    }
}
