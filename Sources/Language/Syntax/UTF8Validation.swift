/// Finds the first byte that makes a buffer invalid UTF-8 (overlong forms, surrogates and
/// values above U+10FFFF are invalid), or nil if the buffer is valid.
enum UTF8Validation {
    static func firstInvalidOffset(_ bytes: [UInt8]) -> Int? {
        var i = 0
        let n = bytes.count
        while i < n {
            let b = bytes[i]
            if b < 0x80 { i += 1; continue }
            let length: Int
            var low: UInt8 = 0x80, high: UInt8 = 0xBF
            switch b {
            case 0xC2...0xDF: length = 2
            case 0xE0: length = 3; low = 0xA0
            case 0xE1...0xEC, 0xEE...0xEF: length = 3
            case 0xED: length = 3; high = 0x9F
            case 0xF0: length = 4; low = 0x90
            case 0xF1...0xF3: length = 4
            case 0xF4: length = 4; high = 0x8F
            default: return i
            }
            guard i + length <= n else { return i }
            if bytes[i + 1] < low || bytes[i + 1] > high { return i }
            for k in 2..<length where bytes[i + k] & 0xC0 != 0x80 { return i }
            i += length
        }
        return nil
    }

    /// The error for the first invalid byte of `source`, located at its line and column
    /// with the line shown (bad bytes as U+FFFD), or nil if the text is valid UTF-8.
    static func diagnostic(for source: SourceText) -> Diagnostic? {
        guard let bad = firstInvalidOffset(source.bytes) else { return nil }
        let line = source.line(ofOffset: bad)
        let start = source.lineStarts[line - 1]
        // The bytes before `bad` are valid, so counting them as characters is exact.
        let column = String(decoding: source.bytes[start..<bad], as: UTF8.self).count + 1
        let hex = String(source.bytes[bad], radix: 16, uppercase: true).leftPadded(to: 2)
        return Diagnostic("file is not UTF-8 text: invalid byte 0x\(hex) (expected UTF-8; re-save the file as UTF-8)",
                          at: SourceLocation(file: source.file, line: line, column: column),
                          lineText: source.lineText(line))
    }
}
