import Foundation
import Graph
import XCTest

/// Issue 23, acceptance 1: the engine's state stays bounded however often a graph is rebuilt.
/// `item[i]` copies `in/i.txt`; `all` depends on every item. Each of 1,000 rebuilds changes
/// one input, so it appends two traces (one with 200 inputs) and a few digest entries.
final class StateGrowthTests: XCTestCase {
    let products = 200
    let rebuilds = 1_000

    func families() -> [any FamilySource] {
        let n = products
        let item = CodeFamily(name: "item", variables: ["i"]) { _ in
            (0..<n).map { i in
                TaskSpec(key: ProductKey(family: "item", values: ["\(i)"]), fileInputs: ["in/\(i).txt"],
                         outputs: ["out/\(i).txt"], ruleKind: "test", command: .shell("copy \(i)"))
            }
        }
        let all = CodeFamily(name: "all", inputFamilies: ["item"]) { g in
            [TaskSpec(key: ProductKey(family: "all"), productInputs: Array(g.instances(of: "item")),
                      outputs: ["out/all.txt"], ruleKind: "test", command: .shell("all"))]
        }
        return [all, item]
    }

    /// Bytes of the engine's own state (traces, digests, expansions; not the run history).
    func stateBytes() throws -> Int {
        let fm = FileManager.default
        var total = 0
        for f in [".arrakis/traces.log", ".arrakis/digests.log"] {
            total += (try fm.attributesOfItem(atPath: f)[.size] as? Int) ?? 0
        }
        if let names = try? fm.contentsOfDirectory(atPath: ".arrakis/expansions") {
            for n in names { total += (try fm.attributesOfItem(atPath: ".arrakis/expansions/" + n)[.size] as? Int) ?? 0 }
        }
        return total
    }

    /// Opening the state as a build does, best of `trials` (seconds).
    func openSeconds(trials: Int = 30) throws -> Double {
        var best = Double.infinity
        for _ in 0..<trials {
            let start = DispatchTime.now().uptimeNanoseconds
            let (d, t) = try Sandbox.openStores()
            withExtendedLifetime((d, t)) {}
            best = min(best, Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
        }
        return best
    }

    func testStateStaysBoundedOverAThousandRebuilds() throws {
        let box = try Sandbox()
        for i in 0..<products { try box.write("in/\(i).txt", "0\n") }
        func build() throws -> [String] {
            let (d, t) = try box.stores()
            let engine = try BuildEngine(families: families(), targets: [], digests: d, traces: t)
            return try drive(engine) { job in
                let tmp = job.spec.outputs.map(TemporaryOutput.path(for:))
                let text = job.spec.fileInputs.first.flatMap(box.read) ?? "\(job.spec.productInputs.count) items, \(UUID())\n"
                try text.write(toFile: tmp[0], atomically: false, encoding: .utf8)
            }
        }
        XCTAssertEqual(try build().count, products + 1)
        let firstSize = try stateBytes()
        let firstOpen = try openSeconds()
        var largest = firstSize
        for round in 1...rebuilds {
            let i = round % products
            try box.write("in/\(i).txt", "\(round)\n")
            let ran = try build()
            XCTAssertEqual(ran.count, 2, "round \(round)")
            largest = max(largest, try stateBytes())
        }
        let lastOpen = try openSeconds()
        let summary = "state after the first build \(firstSize) B, largest \(largest) B, last \(try stateBytes()) B;"
            + " open \(Int(firstOpen * 1e6)) us first, \(Int(lastOpen * 1e6)) us last"
        print(summary)
        XCTAssertLessThan(largest, 3 * firstSize, summary)
        XCTAssertLessThan(lastOpen, 2 * firstOpen, summary)
    }
}
