/// One lexical token of an Arrakisfile.
struct Token: Sendable {
    enum Kind: Sendable, Equatable {
        case identifier(String)
        case integer(Int)
        case float(Double)
        /// A string literal, already split into its template parts.
        case string(Template)
        case leftBrace, rightBrace, leftBracket, rightBracket, leftParen, rightParen
        case comma, equals, dot, semicolon
        /// A line break outside a string; ends a statement like `;`.
        case newline
        case endOfFile
    }

    var kind: Kind
    var location: SourceLocation

    /// How an error message names this token: `'x'`, `"newline"`, `"end of file"`, ...
    var description: String {
        switch kind {
        case .identifier(let name): return "'\(name)'"
        case .integer(let value): return "number \(value)"
        case .float(let value): return "number \(value)"
        case .string: return "a string"
        case .leftBrace: return "'{'"
        case .rightBrace: return "'}'"
        case .leftBracket: return "'['"
        case .rightBracket: return "']'"
        case .leftParen: return "'('"
        case .rightParen: return "')'"
        case .comma: return "','"
        case .equals: return "'='"
        case .dot: return "'.'"
        case .semicolon: return "';'"
        case .newline: return "end of line"
        case .endOfFile: return "end of file"
        }
    }

    var identifier: String? {
        if case .identifier(let name) = kind { return name }
        return nil
    }

    /// True for a newline or `;`, the statement separators.
    var isSeparator: Bool { kind == .newline || kind == .semicolon }
}
