import Foundation
@testable import Graph
import XCTest

/// A big expansion-cache part is decoded in pieces on every core, and many parts side by
/// side: the pieces must meet exactly, and a damaged one must undo the whole entry.
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

    private func decode(_ n: Int, _ bytes: [UInt8]) -> [TaskSpec]? {
        bytes.withUnsafeBytes { raw in
            var ok = false
            let out = [TaskSpec](unsafeUninitializedCapacity: n) { buffer, initialized in
                ok = ExpansionPart.decodeSpecs(n, from: ByteReader(raw), into: buffer.baseAddress!, split: true)
                initialized = ok ? n : 0
            }
            return ok ? out : nil
        }
    }

    func testPiecesDecodedSideBySideGiveBackEverySpecInOrder() throws {
        let list = specs(50_001)
        let back = try XCTUnwrap(decode(list.count, encode(list)))
        XCTAssertEqual(back.count, list.count)
        for i in [0, 1, 12_499, 12_500, 12_501, 25_000, 37_500, 50_000] {
            XCTAssertEqual(text(back[i]), text(list[i]), "spec \(i)")
        }
        XCTAssertEqual(back.map(text), list.map(text))
    }

    func testADamagedPieceFailsTheWholePart() throws {
        let list = specs(40_000)
        var bytes = encode(list)
        // Cut the encoding short: the last piece cannot finish.
        bytes.removeLast(bytes.count / 10)
        XCTAssertNil(decode(list.count, bytes))
        // A string length past the end, early on: the skipping pass finds it.
        var early = encode(list)
        early[1] = 0xff
        XCTAssertNil(decode(list.count, early))
    }

    /// Many parts (more than twice the cores) are decoded side by side, each into its place.
    func testManyPartsComeBackInOrder() throws {
        let box = try Sandbox()
        _ = box
        let list = specs(20_000)
        let cache = try ExpansionCache(directory: "expansions", clock: ManualClock(.max))
        let parts = (0..<20).map { p in (directory: "missing/\(p)", range: p * 1000..<(p + 1) * 1000) }
        cache.store(family: "copy", definition: Digest("v1"), directories: [], specs: list, parts: parts, stamp: .max)
        let back = try XCTUnwrap(cache.specs(family: "copy", definition: Digest("v1")))
        XCTAssertEqual(back.map(text), list.map(text))
        // One part damaged: nothing comes back.
        let part = "expansions/\(Digest("copy").description)/p-\(Digest("missing/13").description)"
        var bytes = try Data(contentsOf: URL(fileURLWithPath: part))
        bytes[bytes.count - 3] ^= 1
        try bytes.write(to: URL(fileURLWithPath: part))
        XCTAssertNil(cache.specs(family: "copy", definition: Digest("v1")))
    }
}
