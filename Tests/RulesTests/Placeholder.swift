import XCTest
final class RulesPlaceholderTests: XCTestCase { func testPlaceholder() {} }
