/// Turns the bytes of an Arrakisfile into tokens.
///
/// Lexing stops at the first malformed token; the tokens before it are kept so the parser
/// can report an earlier syntax error first (errors are reported in source order).
package struct Lexer {
    /// The tokens of a file, always ending with `.endOfFile`, and the lexical error (if
    /// any) that stopped lexing where that final token stands.
    struct Output {
        var tokens: [Token]
        var error: Diagnostic?
    }

    private let source: SourceText
    private let bytes: [UInt8]
    private var pos = 0
    private var line = 1
    private var columns: ColumnCounter
    private var tokens: [Token] = []

    init(source: SourceText) {
        self.source = source
        self.bytes = source.bytes
        self.columns = ColumnCounter(source: source)
    }

    static func tokenize(_ source: SourceText) -> Output {
        var lexer = Lexer(source: source)
        return lexer.run()
    }

    private mutating func run() -> Output {
        tokens.reserveCapacity(bytes.count / 4)
        do {
            try lexAll()
            tokens.append(Token(kind: .endOfFile, location: location(at: pos)))
            return Output(tokens: tokens, error: nil)
        } catch let diagnostic as Diagnostic {
            tokens.append(Token(kind: .endOfFile, location: diagnostic.location))
            return Output(tokens: tokens, error: diagnostic)
        } catch {
            preconditionFailure("the lexer throws only Diagnostic")
        }
    }

    private mutating func location(at offset: Int) -> SourceLocation {
        SourceLocation(file: source.file, line: line, column: columns.column(at: offset))
    }

    private mutating func emit(_ kind: Token.Kind, at start: Int) {
        tokens.append(Token(kind: kind, location: location(at: start)))
    }

    private mutating func lexAll() throws {
        while pos < bytes.count {
            let b = bytes[pos]
            switch b {
            case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\r"), 0x0B, 0x0C:
                pos += 1
            case UInt8(ascii: "\n"):
                if let last = tokens.last, last.kind != .newline {
                    emit(.newline, at: pos)
                }
                pos += 1
                line += 1
                columns.startLine(at: pos)
            case UInt8(ascii: "#"):
                while pos < bytes.count, bytes[pos] != UInt8(ascii: "\n") { pos += 1 }
            case UInt8(ascii: "\""):
                try lexString()
            case UInt8(ascii: "{"): emit(.leftBrace, at: pos); pos += 1
            case UInt8(ascii: "}"): emit(.rightBrace, at: pos); pos += 1
            case UInt8(ascii: "["): emit(.leftBracket, at: pos); pos += 1
            case UInt8(ascii: "]"): emit(.rightBracket, at: pos); pos += 1
            case UInt8(ascii: "("): emit(.leftParen, at: pos); pos += 1
            case UInt8(ascii: ")"): emit(.rightParen, at: pos); pos += 1
            case UInt8(ascii: ","): emit(.comma, at: pos); pos += 1
            case UInt8(ascii: "="): emit(.equals, at: pos); pos += 1
            case UInt8(ascii: "."): emit(.dot, at: pos); pos += 1
            case UInt8(ascii: ";"): emit(.semicolon, at: pos); pos += 1
            default:
                if Lexer.isIdentifierStart(b) {
                    lexIdentifier()
                } else if Lexer.isDigit(b) || (b == UInt8(ascii: "-") && pos + 1 < bytes.count && Lexer.isDigit(bytes[pos + 1])) {
                    try lexNumber()
                } else {
                    throw Diagnostic("unexpected character \(describeCharacter(at: pos)) (expected a name, a number, a string, a comment '#', or one of { } [ ] ( ) , = . ;)",
                                     at: location(at: pos))
                }
            }
        }
    }

    // MARK: Identifiers and numbers

    static func isIdentifierStart(_ b: UInt8) -> Bool {
        (b >= UInt8(ascii: "a") && b <= UInt8(ascii: "z")) || (b >= UInt8(ascii: "A") && b <= UInt8(ascii: "Z")) || b == UInt8(ascii: "_")
    }

    static func isDigit(_ b: UInt8) -> Bool { b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9") }

    package static func isIdentifierContinue(_ b: UInt8) -> Bool {
        isIdentifierStart(b) || isDigit(b) || b == UInt8(ascii: "-")
    }

    private mutating func lexIdentifier() {
        let start = pos
        pos += 1
        while pos < bytes.count, Lexer.isIdentifierContinue(bytes[pos]) { pos += 1 }
        emit(.identifier(String(decoding: bytes[start..<pos], as: UTF8.self)), at: start)
    }

    private mutating func lexNumber() throws {
        let start = pos
        var isFloat = false
        if bytes[pos] == UInt8(ascii: "-") { pos += 1 }
        skipDigits()
        if pos + 1 < bytes.count, bytes[pos] == UInt8(ascii: "."), Lexer.isDigit(bytes[pos + 1]) {
            isFloat = true
            pos += 1
            skipDigits()
        }
        if pos < bytes.count, bytes[pos] == UInt8(ascii: "e") || bytes[pos] == UInt8(ascii: "E") {
            var p = pos + 1
            if p < bytes.count, bytes[p] == UInt8(ascii: "+") || bytes[p] == UInt8(ascii: "-") { p += 1 }
            if p < bytes.count, Lexer.isDigit(bytes[p]) {
                isFloat = true
                pos = p
                skipDigits()
            }
        }
        // A number must not run straight into a name or another number part: `4x`, `1.2.3`.
        if pos < bytes.count, Lexer.isIdentifierContinue(bytes[pos])
            || (bytes[pos] == UInt8(ascii: ".") && pos + 1 < bytes.count && Lexer.isIdentifierContinue(bytes[pos + 1])) {
            while pos < bytes.count, Lexer.isIdentifierContinue(bytes[pos]) || bytes[pos] == UInt8(ascii: ".") { pos += 1 }
            let text = String(decoding: bytes[start..<pos], as: UTF8.self)
            throw Diagnostic("invalid number '\(text)' (expected digits like 3, -2, 2.5 or 1e6; put text in quotes)",
                             at: location(at: start))
        }
        let text = String(decoding: bytes[start..<pos], as: UTF8.self)
        if isFloat {
            guard let value = Double(text), value.isFinite else {
                throw Diagnostic("number '\(text)' is out of range (expected a finite number)", at: location(at: start))
            }
            emit(.float(value), at: start)
        } else {
            guard let value = Int(text) else {
                throw Diagnostic("integer '\(text)' is too large (expected at most \(Int.max))", at: location(at: start))
            }
            emit(.integer(value), at: start)
        }
    }

    private mutating func skipDigits() {
        while pos < bytes.count, Lexer.isDigit(bytes[pos]) { pos += 1 }
    }

    // MARK: Strings

    private mutating func lexString() throws {
        let start = pos
        pos += 1
        var units: [TemplateParser.Unit] = []
        while true {
            guard pos < bytes.count, bytes[pos] != UInt8(ascii: "\n") else {
                throw unterminatedString(at: start)
            }
            let b = bytes[pos]
            if b == UInt8(ascii: "\"") {
                pos += 1
                break
            }
            if b == UInt8(ascii: "\r"), pos + 1 < bytes.count, bytes[pos + 1] == UInt8(ascii: "\n") {
                throw unterminatedString(at: start)
            }
            if b == UInt8(ascii: "\\") {
                guard pos + 1 < bytes.count, bytes[pos + 1] != UInt8(ascii: "\n") else {
                    throw unterminatedString(at: start)
                }
                let decoded: UInt8
                switch bytes[pos + 1] {
                case UInt8(ascii: "\""): decoded = UInt8(ascii: "\"")
                case UInt8(ascii: "\\"): decoded = UInt8(ascii: "\\")
                case UInt8(ascii: "n"): decoded = UInt8(ascii: "\n")
                case UInt8(ascii: "t"): decoded = UInt8(ascii: "\t")
                case UInt8(ascii: "{"): decoded = UInt8(ascii: "{")
                case UInt8(ascii: "}"): decoded = UInt8(ascii: "}")
                default:
                    throw Diagnostic("invalid escape '\\\(describeRaw(at: pos + 1))' in string (expected one of \\\" \\\\ \\n \\t \\{ \\})",
                                     at: location(at: pos))
                }
                units.append(TemplateParser.Unit(byte: decoded, offset: pos, escaped: true))
                pos += 2
                continue
            }
            units.append(TemplateParser.Unit(byte: b, offset: pos, escaped: false))
            pos += 1
        }
        // Fields lie left to right after the opening quote, so a copy of the counter
        // positioned there answers them cheaply too.
        let stringLocation = location(at: start)
        var fieldColumns = columns
        let file = source.file
        let line = self.line
        let template = try TemplateParser.parse(units: units) { offset in
            SourceLocation(file: file, line: line, column: fieldColumns.column(at: offset))
        }
        tokens.append(Token(kind: .string(template), location: stringLocation))
    }

    private mutating func unterminatedString(at start: Int) -> Diagnostic {
        Diagnostic("unterminated string (expected a closing '\"' on the same line; write \\n for a line break)",
                   at: location(at: start))
    }

    // MARK: Describing characters

    /// The character at `offset` as a message shows it, e.g. `'@'` or `U+00A0`.
    private func describeCharacter(at offset: Int) -> String {
        let raw = describeRaw(at: offset)
        if let scalar = raw.unicodeScalars.first, raw.unicodeScalars.count == 1,
           scalar.value < 0x20 || scalar.value == 0x7F || scalar.properties.isWhitespace || scalar.value >= 0x80 && scalar.properties.generalCategory == .format {
            return "U+" + String(scalar.value, radix: 16, uppercase: true).leftPadded(to: 4)
        }
        return "'\(raw)'"
    }

    /// The UTF-8 character starting at `offset`, decoded.
    private func describeRaw(at offset: Int) -> String {
        let b = bytes[offset]
        let length = b < 0x80 ? 1 : b < 0xE0 ? 2 : b < 0xF0 ? 3 : 4
        return String(decoding: bytes[offset..<min(bytes.count, offset + length)], as: UTF8.self)
    }
}

extension String {
    func leftPadded(to width: Int, with pad: Character = "0") -> String {
        count >= width ? self : String(repeating: pad, count: width - count) + self
    }
}
