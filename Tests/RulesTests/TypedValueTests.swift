import XCTest
import Graph
@testable import Rules

/// `env()` gives a value of its default's type; `int()`, `float()` and `str()` convert;
/// values are shown to people without the fingerprint's type prefixes.
final class TypedValueTests: XCTestCase {
    func values(_ text: String, _ environment: [String: String]) throws -> [String: Value] {
        let dir = try temporaryDirectory(self)
        try write(text + "\nproduct p { output \"p\"; shell \"true > {output}\" }\n", to: dir + "/Arrakisfile")
        return try Project.load(path: dir + "/Arrakisfile", environment: environment).globals.values
    }

    func testEnvHasItsDefaultsType() throws {
        let text = """
            let n = env("N", 3)
            let x = env("X", 0.5)
            let b = env("B", false)
            let s = env("S", "3")
            let t = env("T")
            let beams = range(0, env("N", 3))
            """
        let unset = try values(text, ["T": "text"])
        XCTAssertEqual(unset["n"], .integer(3))
        XCTAssertEqual(unset["x"], .float(0.5))
        XCTAssertEqual(unset["b"], .bool(false))
        XCTAssertEqual(unset["s"], .string("3"))
        XCTAssertEqual(unset["beams"], .list([.integer(0), .integer(1), .integer(2)]))
        let set = try values(text, ["N": "3", "X": " 2.5 ", "B": "yes", "S": "4", "T": "7"])
        XCTAssertEqual(set["n"], .integer(3), "N set to its default's value is the same value")
        XCTAssertEqual(set["n"]?.canonical, unset["n"]?.canonical)
        XCTAssertEqual(set["x"], .float(2.5))
        XCTAssertEqual(set["b"], .bool(true))
        XCTAssertEqual(set["s"], .string("4"))
        XCTAssertEqual(set["t"], .string("7"))
        XCTAssertEqual(try values(text, ["N": "5", "T": ""])["beams"]?.elements.count, 5)
    }

    func testEnvValueThatDoesNotReadAsTheTypeNamesTheVariable() throws {
        let dir = try temporaryDirectory(self)
        try write("let n = env(\"NBEAMS\", 36)\nproduct p { output \"p\"; shell \"true > {output}\" }\n", to: dir + "/Arrakisfile")
        guard let d = diagnostic({ try Project.load(path: dir + "/Arrakisfile", environment: ["NBEAMS": "thirty"]) }) else { return }
        assertDiagnostic(d, line: 1, column: 9, "environment variable NBEAMS is 'thirty', expected an integer (the default 36 is one)",
                         file: dir + "/Arrakisfile", sourceLine: "let n = env(\"NBEAMS\", 36)")
    }

    func testConversions() throws {
        let v = try values("""
            let a = int("12")
            let b = int(3.0)
            let c = float(3)
            let d = float(" 2.5")
            let e = str(7)
            let f = int(env("FIRST", "4"))
            let g = range(int(env("FIRST", "4")), 6)
            """, [:])
        XCTAssertEqual(v["a"], .integer(12))
        XCTAssertEqual(v["b"], .integer(3))
        XCTAssertEqual(v["c"], .float(3))
        XCTAssertEqual(v["d"], .float(2.5))
        XCTAssertEqual(v["e"], .string("7"))
        XCTAssertEqual(v["f"], .integer(4))
        XCTAssertEqual(v["g"], .list([.integer(4), .integer(5)]))
        XCTAssertThrowsError(try values("let a = int(\"12a\")", [:])) { e in
            XCTAssertTrue("\(e)".contains("int() of '12a' (expected an integer)"), "\(e)")
        }
        XCTAssertThrowsError(try values("let a = int(2.5)", [:]))
        XCTAssertThrowsError(try values("let a = float(\"x\")", [:]))
        assertDiagnostic("let a = int(1, 2)\n", line: 1, column: 9, "wrong number of arguments to int()")
        assertDiagnostic("let a = str([1])\n", line: 1, column: 13, "str() converts one value, not a list")
        assertDiagnostic("let a = intt(\"1\")\n", line: 1, column: 9, "unknown function 'intt' (did you mean 'int'?)")
        assertDiagnostic("product p { input int(\"1\"); output \"p\"; shell \"true\" }\n", line: 1, column: 19, "int() cannot be used in an input")
    }

    func testRangeOfTextSaysHowToMakeANumber() throws {
        XCTAssertThrowsError(try values("let beams = range(0, env(\"NBEAMS\", \"3\"))", [:])) { e in
            XCTAssertTrue("\(e)".contains("range(a, b) expects two integers, found the string \"3\""), "\(e)")
        }
    }

    func testDisplayTextDropsTheTypePrefixes() {
        for (value, shown) in [(Value.string("5"), "\"5\""), (.integer(5), "5"), (.float(5), "5.0"), (.float(0.25), "0.25"),
                               (.bool(true), "true"), (.list([.integer(1), .string("a"), .list([.bool(false)])]), "[1, \"a\", [false]]")] {
            XCTAssertEqual(Value.displayText(canonical: value.canonical), shown)
        }
    }
}
