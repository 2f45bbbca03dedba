import XCTest
@testable import Graph

final class PathListTests: XCTestCase {
    func testHoldsNoneOneAndManyPathsAsAnArrayWould() {
        for paths in [[], ["a"], ["a", "b"], ["a", "b", "c", "d"]] {
            let list = PathList(paths)
            XCTAssertEqual(Array(list), paths)
            XCTAssertEqual(list.array, paths)
            XCTAssertEqual(list.count, paths.count)
            XCTAssertEqual(list.isEmpty, paths.isEmpty)
            var appended = PathList()
            for p in paths { appended.append(p) }
            XCTAssertEqual(appended, list, "built by appending or at once: the same list")
            XCTAssertEqual(appended.hashValue, list.hashValue)
        }
        let one: PathList = ["only"]
        XCTAssertEqual(one[0], "only")
        XCTAssertEqual(one.first, "only")
        XCTAssertNotEqual(PathList(["a", "b"]), PathList(["b", "a"]))
    }

    func testEncodesAndDecodesLikeTheStringListItReplaced() throws {
        for paths in [[], ["in/1.txt"], ["in/1.txt", "in/2.txt", "a path longer than fifteen bytes"]] {
            var w = ByteWriter(capacity: 64)
            w.strings(PathList(paths))
            try w.bytes.withUnsafeBytes { raw in
                var r = ByteReader(raw)
                XCTAssertEqual(try r.pathList(), PathList(paths))
                var r2 = ByteReader(raw)
                XCTAssertEqual(try r2.strings(), paths)
            }
        }
    }
}
