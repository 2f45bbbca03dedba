import XCTest
final class GraphPlaceholderTests: XCTestCase { func testPlaceholder() {} }
