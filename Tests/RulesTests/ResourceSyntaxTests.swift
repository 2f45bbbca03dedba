import XCTest
import Graph
@testable import Rules

/// `cpus`, `mem` and `time`: one syntax, every literal read by the checker (and refused at
/// file:line:col), lowering reading only what the checker could not (`env(...)`) the same way.
final class ResourceSyntaxTests: XCTestCase {
    private func product(_ setting: String, prefix: String = "") -> String {
        prefix + "product a {\n    output \"a.txt\"\n    shell \"true\"\n    \(setting)\n}\n"
    }

    /// The resources of product `a` once checked and lowered.
    private func resources(_ setting: String, prefix: String = "", environment: [String: String] = [:]) throws -> Resources {
        let ast = try parse(product(setting, prefix: prefix))
        let project = try Project(path: "Arrakisfile", ast: ast, environment: environment)
        return try XCTUnwrap(project.families.first as? ProductFamily).resources
    }

    func testMemoryFormsAccepted() throws {
        let cases: [(String, Int)] = [
            ("512", 512), ("\"512\"", 512), ("\"512M\"", 512), ("\"8G\"", 8192), ("\"8g\"", 8192), ("\"2000MB\"", 2000),
            ("\"1.5GB\"", 1536), ("\"100K\"", 1), ("\"1T\"", 1_048_576), ("\"4GiB\"", 4096), ("\"512MiB\"", 512),
            ("\"4 G\"", 4096), ("\"4 GiB\"", 4096), ("\" 4G \"", 4096),
        ]
        for (text, megabytes) in cases {
            XCTAssertEqual(try resources("mem \(text)").memoryMB, megabytes, text)
            XCTAssertEqual(ResourceSetting.mem.amount(.string(text.replacingOccurrences(of: "\"", with: ""))), megabytes, text)
        }
    }

    func testMemoryFormsRefusedByTheChecker() {
        for text in ["\"4X\"", "\"0\"", "0", "-1", "1.5", "\"4 GX\"", "\".5G\"", "\"4GiBs\"", "\"\"", "\"4G4\"", "\"G\"", "\"1..5G\"", "true"] {
            assertDiagnostic(product("mem \(text)"), line: 4, column: 9,
                             "'mem' must be megabytes as a positive integer or a size like \"512M\", \"4G\" or \"2000MB\", found \(text)")
        }
    }

    func testTimeFormsAccepted() throws {
        let cases: [(String, Int)] = [
            ("90", 90), ("\"30s\"", 30), ("\"10m\"", 600), ("\"2h\"", 7200), ("\"1d\"", 86400), ("\"2 h\"", 7200),
            ("\"05:30\"", 330), ("\"01:00:00\"", 3600), ("\"100:00:00\"", 360_000), ("\" 1:00:00 \"", 3600),
            ("\"1-00:00:00\"", 86400), ("\"2-12\"", 2 * 86400 + 12 * 3600), ("\"1-2\"", 86400 + 7200),
            ("\"1-02:30\"", 86400 + 2 * 3600 + 30 * 60), ("\"0-00:00:01\"", 1), ("\"3-23:59:59\"", 4 * 86400 - 1),
        ]
        for (text, seconds) in cases {
            XCTAssertEqual(try resources("time \(text)").timeSeconds, seconds, text)
        }
    }

    func testTimeFormsRefusedByTheChecker() {
        for text in ["\"1:2:3\"", "\"1-24:00:00\"", "\"1-00:60\"", "\"1-00:00:60\"", "\"1-\"", "\"-1\"", "\"1-2-3\"", "\"0-00:00:00\"",
                     "\"00:00\"", "\"1.5h\"", "\"10x\"", "\"\"", "0", "-5", "\"1-00:00:00:00\"", "\"1-001\"", "\"90\"", "\"1:00:00:00\"",
                     "\"2H\"", "1.5"] {
            assertDiagnostic(product("time \(text)"), line: 4, column: 10,
                             "'time' must be \"HH:MM:SS\", \"MM:SS\", a duration like \"30s\", \"10m\", \"2h\" or \"1d\", SLURM's \"D-HH:MM:SS\", \"D-HH:MM\" or \"D-HH\", or a positive number of seconds, found \(text)")
        }
    }

    func testCPUs() throws {
        XCTAssertEqual(try resources("cpus 4").cpus, 4)
        XCTAssertEqual(try resources("").cpus, 1)
        for text in ["0", "-2", "\"4\"", "1.5"] {
            assertDiagnostic(product("cpus \(text)"), line: 4, column: 10, "'cpus' must be a positive integer (as in cpus 4), found \(text)")
        }
    }

    /// The checker hands lowering what it read, so a literal is parsed once.
    func testTheCheckerRecordsWhatItRead() throws {
        let ast = try parse(product("mem m\n    time \"1-00:00:00\"\n    cpus int(env(\"CPUS\", \"2\"))", prefix: "let m = \"4GiB\"\n"))
        XCTAssertEqual(ast.checkedResources["a"], [.mem: 4096, .time: 86400])
    }

    /// A let that names a bad literal is refused where the setting uses it.
    func testALetsBadValueIsRefusedWhereItIsUsed() {
        assertDiagnostic(product("mem m", prefix: "let m = \"4X\"\n"), line: 5, column: 9, "'mem' must be megabytes")
    }

    /// Values only known when lowering: the same syntax and the same message, at the value.
    func testEnvironmentValues() throws {
        let setting = "mem env(\"MEM\", \"1G\")\n    time env(\"TIME\", \"1h\")"
        XCTAssertEqual(try resources(setting, environment: ["MEM": "4 GiB", "TIME": "2-00"]).memoryMB, 4096)
        XCTAssertEqual(try resources(setting, environment: ["TIME": "2-00"]).timeSeconds, 2 * 86400)
        XCTAssertEqual(try resources(setting).memoryMB, 1024)
        let bad = diagnostic { try self.resources(setting, environment: ["MEM": "4X"]) }
        XCTAssertEqual(bad?.location.line, 4)
        XCTAssertEqual(bad?.location.column, 9)
        XCTAssertEqual(bad?.message, "'mem' must be megabytes as a positive integer or a size like \"512M\", \"4G\" or \"2000MB\", found \"4X\"")
        let badTime = diagnostic { try self.resources(setting, environment: ["TIME": "1-24"]) }
        XCTAssertEqual(badTime?.location.line, 5)
        XCTAssertTrue(badTime?.message.hasPrefix("'time' must be") == true, badTime?.message ?? "")
        let cpus = diagnostic { try self.resources("cpus int(env(\"CPUS\", \"2\"))", environment: ["CPUS": "0"]) }
        XCTAssertEqual(cpus?.message, "'cpus' must be a positive integer (as in cpus 4), found 0")
    }

    /// A setting is one value per product: a loop variable is refused by the checker, not
    /// later as an unknown name.
    func testALoopVariableIsRefusedByTheChecker() {
        let source = "product a {\n    for x in [1, 2]\n    output \"a{x}.txt\"\n    shell \"true\"\n    cpus x\n}\n"
        assertDiagnostic(source, line: 5, column: 10,
                         "'cpus' is one value for every instance of product 'a', so it cannot be the loop variable 'x' (expected a value, a let or env(...))")
    }
}
