import Foundation
import XCTest

/// `after PRODUCT`: ordered after it, judged by its own inputs (a side file the upstream
/// writes), not by the upstream's outputs.
final class OrderOnlyInputTests: XCTestCase {
    func arrakisfile(side: String, n: Int) -> String {
        """
        product writer {
            param n = \(n)
            output "w.txt"
            shell "echo {n} > {output}; echo \(side) > side.txt"
        }
        product reader {
            after writer
            input "side.txt"
            output "r.txt"
            shell "cat side.txt > {output}"
        }
        default reader
        """
    }

    func testJudgedByItsOwnInputsOnceTheUpstreamRan() throws {
        let dir = try scratchDirectory(self)
        try write(arrakisfile(side: "same", n: 1), to: dir + "/Arrakisfile")

        // Before anything exists: the reader's file is not there yet, and its upstream runs first.
        let fresh = try dryRunPlan(in: dir)
        XCTAssertEqual(fresh.products, ["writer", "reader"])
        XCTAssertEqual(fresh.tasks.first { $0.product == "reader" }?.reason, "upstream writer will be rebuilt")
        let first = try arrakis(["build", "--progress", "plain"], in: dir)
        XCTAssertEqual(first.status, 0, first.stderr)
        XCTAssertEqual(try read(dir + "/r.txt"), "same\n")

        // The upstream's output changes, the side file does not: only the upstream runs.
        try write(arrakisfile(side: "same", n: 2), to: dir + "/Arrakisfile")
        let plan = try dryRunPlan(in: dir)
        XCTAssertEqual(plan.products, ["writer"], "\(plan.tasks)")
        let second = try arrakis(["build", "--progress", "plain"], in: dir)
        XCTAssertEqual(second.status, 0, second.stderr)
        XCTAssertTrue(second.stderr.contains("1 built, 1 up to date"), second.stderr)

        // The upstream now writes a different side file: the reader is judged after it ran,
        // in the same build, and is remade.
        try write(arrakisfile(side: "other", n: 2), to: dir + "/Arrakisfile")
        let third = try arrakis(["build", "--progress", "plain"], in: dir)
        XCTAssertEqual(third.status, 0, third.stderr)
        XCTAssertTrue(third.stderr.contains("2 built"), third.stderr)
        XCTAssertEqual(try read(dir + "/r.txt"), "other\n")
        XCTAssertEqual(try dryRunPlan(in: dir).count, 0)
    }

    func testAfterTakesAProduct() throws {
        let dir = try scratchDirectory(self)
        try write("product a {\n    after \"x.txt\"\n    output \"a.txt\"\n    shell \"true\"\n}\n", to: dir + "/Arrakisfile")
        let r = try arrakis(["build", "--dry-run"], in: dir)
        XCTAssertNotEqual(r.status, 0)
        XCTAssertTrue(r.stderr.contains("Arrakisfile:2:11: error: 'after' takes a product or a selection of one"), r.stderr)
    }
}
