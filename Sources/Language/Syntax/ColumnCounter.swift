/// Turns byte offsets on one line into 1-based character columns, remembering its last
/// answer so that asking left to right costs O(line length) in all, not per question.
///
/// The lexer asks once per token; without the memory a long one-line list was quadratic.
/// Counts are additive because every offset asked about starts an ASCII token (or is the
/// first bad character, after which lexing stops).
struct ColumnCounter {
    private let source: SourceText
    private(set) var lineStart: Int
    private var lastOffset: Int
    private var lastColumn = 1

    init(source: SourceText, lineStart: Int = 0) {
        self.source = source
        self.lineStart = lineStart
        self.lastOffset = lineStart
    }

    /// Starts counting a new line whose first byte is at `offset`.
    mutating func startLine(at offset: Int) {
        lineStart = offset
        lastOffset = offset
        lastColumn = 1
    }

    /// The column of `offset`, which must lie on the current line.
    mutating func column(at offset: Int) -> Int {
        if offset < lastOffset {
            lastOffset = lineStart
            lastColumn = 1
        }
        lastColumn += source.column(from: lastOffset, to: offset) - 1
        lastOffset = offset
        return lastColumn
    }
}
