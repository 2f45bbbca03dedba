import XCTest
@testable import Rules

final class SmokeTests: XCTestCase {
    func testSmoke() throws {
        let src = """
        # demo
        let root = "inputs"
        product wc {
            for file in glob("{root}/*.txt")
            input file
            output "counts/{file.stem}.txt"
            shell "wc -w < {input} > {output}"
        }
        product summary {
            input wc
            output "summary.txt"
            shell "cat {inputs} > {output}"
        }
        default summary
        """
        let ast = try parse(src)
        print(ast.statements.count)
        do { _ = try parse("product a {\n  inptu \"x\"\n}\n") } catch { print(error) }
        do { _ = try parse("let x = \"abc\nlet y = 2\n") } catch { print(error) }
    }
}
