import Foundation
import Testing
@testable import Store

/// The streaming CSV reader parses short decimals without making a String; every value
/// must still be what the general rule (`CSVTable.value`: integer, else double, else text)
/// gives, bit for bit.
@Suite struct CSVNumberTests {
    private func same(_ text: String) -> Bool {
        let fast = CSVRowReader.value(ArraySlice(Array(text.utf8)))
        let general = CSVTable.value(text)
        switch (fast, general) {
        case (.double(let a), .double(let b)): return a.bitPattern == b.bitPattern || (a.isNaN && b.isNaN)
        default: return fast == general
        }
    }

    @Test func decimalsParseAsTheGeneralRuleDoes() {
        var rng = SystemRandomNumberGenerator()
        var texts: [String] = []
        for _ in 0..<20_000 {
            let d = Double(bitPattern: rng.next() & 0x7FEF_FFFF_FFFF_FFFF) * (Bool.random() ? 1 : -1)
            let x = Double.random(in: -400...400)
            texts += [d.description, x.description, String(format: "%.6f", x), String(format: "%.17g", x),
                      String(format: "%e", x), String(format: "%.3E", d)]
        }
        texts += ["0.5", ".5", "5.", "-.5", "+1.25", "1e5", "1E-5", "-0.0", "0.1000000000000000055511151231257827",
                  "123456789012345678", "1234567890123456789", "1.2.3", "1e", "-", "+", ".", "e5", "--1", "1-2",
                  "1e+", " 2.5 ", "\t-3.75", "nan", "inf", "-infinity", "NaN", "0x1p3", "12abc", "1,5"]
        let failures = texts.filter { !same($0) }
        #expect(failures.isEmpty, "differ: \(failures.prefix(10))")
    }
}
