/// The bytes of one Arrakisfile plus its line table, for locations and diagnostics.
///
/// Lexing works on UTF-8 bytes; columns are converted to characters only when a location
/// is made, and only lines that contain non-ASCII bytes pay for the conversion.
package struct SourceText: Sendable {
    let file: String
    let bytes: [UInt8]
    /// Byte offset of the first byte of each line (line 1 at index 0).
    let lineStarts: [Int]

    package init(file: String, bytes: [UInt8]) {
        self.file = file
        // A UTF-8 byte-order mark is not part of the text.
        if bytes.count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF {
            self.bytes = Array(bytes[3...])
        } else {
            self.bytes = bytes
        }
        var starts = [0]
        starts.reserveCapacity(self.bytes.count / 24 + 1)
        for (i, b) in self.bytes.enumerated() where b == UInt8(ascii: "\n") {
            starts.append(i + 1)
        }
        self.lineStarts = starts
    }

    package init(file: String, text: String) {
        self.init(file: file, bytes: Array(text.utf8))
    }

    /// Number of lines (a final newline does not start a new, counted line).
    var lineCount: Int {
        if let last = lineStarts.last, last == bytes.count, lineStarts.count > 1 {
            return lineStarts.count - 1
        }
        return lineStarts.count
    }

    /// The 1-based line containing `offset` (an offset equal to `bytes.count` is allowed).
    func line(ofOffset offset: Int) -> Int {
        var lo = 0, hi = lineStarts.count - 1
        while lo < hi {
            let mid = (lo + hi + 1) / 2
            if lineStarts[mid] <= offset { lo = mid } else { hi = mid - 1 }
        }
        return lo + 1
    }

    /// The location of a byte offset, given its line (1-based) when the caller knows it.
    func location(ofOffset offset: Int, line knownLine: Int? = nil) -> SourceLocation {
        let line = knownLine ?? self.line(ofOffset: offset)
        let start = lineStarts[line - 1]
        return SourceLocation(file: file, line: line, column: column(from: start, to: offset))
    }

    /// 1-based character column of `offset` in a line starting at `start`.
    func column(from start: Int, to offset: Int) -> Int {
        var ascii = true
        var i = start
        while i < offset {
            if bytes[i] >= 0x80 { ascii = false; break }
            i += 1
        }
        if ascii { return offset - start + 1 }
        return String(decoding: bytes[start..<offset], as: UTF8.self).count + 1
    }

    /// The text of a 1-based line without its line terminator, or nil if out of range.
    func lineText(_ line: Int) -> String? {
        guard line >= 1, line <= lineStarts.count else { return nil }
        let start = lineStarts[line - 1]
        var end = line < lineStarts.count ? lineStarts[line] - 1 : bytes.count
        if end > start, bytes[end - 1] == UInt8(ascii: "\r") { end -= 1 }
        if end < start { return "" }
        return String(decoding: bytes[start..<end], as: UTF8.self)
    }

    /// Fills in `lineText` of a diagnostic located in this file.
    func annotate(_ diagnostic: Diagnostic) -> Diagnostic {
        guard diagnostic.lineText == nil, diagnostic.location.file == file else { return diagnostic }
        var d = diagnostic
        d.lineText = lineText(diagnostic.location.line)
        return d
    }
}
