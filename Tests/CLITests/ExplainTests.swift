import Foundation
import XCTest

/// `--explain` and `why` show what changed as `old -> new` values, for products inside or
/// outside `default`; an environment variable set to its default's value rebuilds nothing.
final class ExplainTests: XCTestCase {
    func testEnvironmentVariableAtItsDefaultsValueRebuildsNothing() throws {
        let dir = try copyOfExample("shell-demo", self)
        XCTAssertEqual(try arrakis(["build", "--progress", "quiet"], in: dir).status, 0)
        XCTAssertEqual(try dryRunPlan(in: dir, environment: ["MIN_WORDS": "1"]).count, 0, "MIN_WORDS=1 is the default 1")
        let changed = try dryRunPlan(in: dir, environment: ["MIN_WORDS": "3"])
        XCTAssertEqual(changed.products, Set(["long[alpha]", "long[beta]", "long[delta]", "long[epsilon]", "long[gamma]"]))
        XCTAssertEqual(Set(changed.tasks.map(\.reason)), ["parameter threshold changed (1 -> 3)"])
        let bad = try arrakis(["build", "--dry-run"], in: dir, environment: ["MIN_WORDS": "three"])
        XCTAssertEqual(bad.status, 2)
        XCTAssertTrue(bad.stderr.contains("Arrakisfile:7:15: error: environment variable MIN_WORDS is 'three', expected an integer"), bad.stderr)
    }

    func testExplainShowsOldAndNewValuesAndOnlyWhatChanged() throws {
        let dir = try copyOfExample("shell-demo", self)
        // A product outside `default` (summary and long are the default), with two params.
        let text = try read(dir + "/Arrakisfile") + """

            product report {
                input wc
                param title = "words"
                param width = env("WIDTH", 40)
                output "report.txt"
                shell "echo {title} {width} > {output}; cat {inputs} >> {output}"
            }
            """
        try write(text, to: dir + "/Arrakisfile")
        XCTAssertEqual(try arrakis(["build", "--progress", "quiet", "report"], in: dir).status, 0)
        try write(text.replacingOccurrences(of: "param title = \"words\"", with: "param title = \"counts\""), to: dir + "/Arrakisfile")

        let explained = try arrakis(["build", "--explain", "report"], in: dir, environment: ["WIDTH": "40"])
        XCTAssertEqual(explained.status, 0, explained.stderr)
        XCTAssertTrue(explained.stdout.hasPrefix("report: out of date: parameter title changed (\"words\" -> \"counts\")"), explained.stdout)
        XCTAssertTrue(explained.stdout.contains("    title: \"words\" -> \"counts\"\n"), explained.stdout)
        XCTAssertFalse(explained.stdout.contains("width"), "unchanged params are not listed: \(explained.stdout)")
        XCTAssertTrue(explained.stdout.contains("    (1 unchanged; --all lists them)"), explained.stdout)
        XCTAssertFalse(explained.stdout.contains("s:words") || explained.stdout.contains("s:counts"), explained.stdout)

        let all = try arrakis(["build", "--explain", "report", "--all"], in: dir)
        XCTAssertTrue(all.stdout.contains("    width = 40\n"), all.stdout)
        XCTAssertTrue(all.stdout.contains("    wc[alpha]  (product: up to date)"), all.stdout)

        XCTAssertEqual(try arrakis(["build", "--progress", "quiet", "report"], in: dir).status, 0)
        let why = try arrakis(["why", "report"], in: dir)
        XCTAssertEqual(why.status, 0, why.stderr)
        XCTAssertTrue(why.stdout.contains("  reason       parameter title changed (\"words\" -> \"counts\")"), why.stdout)
        XCTAssertTrue(why.stdout.contains("    title = \"counts\"\n"), why.stdout)
        XCTAssertTrue(why.stdout.contains("    width = 40\n"), why.stdout)

        // The graph shows a product outside `default`, named or not.
        for args in [["graph", "--expand", "report"], ["graph", "--expand"], ["graph"]] {
            let graph = try arrakis(args, in: dir)
            XCTAssertEqual(graph.status, 0, graph.stderr)
            XCTAssertTrue(graph.stdout.contains("report"), "\(args): \(graph.stdout)")
            XCTAssertTrue(graph.stdout.contains(args.count == 1 ? "wc (5 instances)" : "wc[alpha]"), "\(args): \(graph.stdout)")
        }
    }
}
