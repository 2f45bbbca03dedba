import XCTest
final class ExecPlaceholderTests: XCTestCase { func testPlaceholder() {} }
