/// Recursive-descent parser from tokens to top-level statements.
///
/// Newlines and `;` end statements; inside `[ ]` and `( )` newlines are ignored. `include`
/// statements are handed to `include`, which returns the included file's statements to
/// splice in place. The first error is thrown as a `Diagnostic`.
package struct Parser {
    /// Resolves `include "path"` (written at `location`) to the included statements.
    package typealias IncludeHandler = (_ path: String, _ location: SourceLocation) throws -> [TopLevel]

    /// How deeply lists, calls and selections may nest.
    package static let maxDepth = 200

    private let tokens: [Token]
    private let lexError: Diagnostic?
    private var index = 0
    private var depth = 0
    private let include: IncludeHandler

    package init(source: SourceText, include: @escaping IncludeHandler) {
        let lexed = Lexer.tokenize(source)
        self.tokens = lexed.tokens
        self.lexError = lexed.error
        self.include = include
    }

    /// Parses a whole file.
    package mutating func parseFile() throws -> [TopLevel] {
        var statements: [TopLevel] = []
        while true {
            try skipSeparators()
            let token = try peek()
            if token.kind == .endOfFile { break }
            guard let word = token.identifier else {
                throw Diagnostic("expected a statement (\(DidYouMean.list(Keywords.topLevel))), found \(token.description)",
                                 at: token.location)
            }
            switch word {
            case "let":
                statements.append(.variable(try parseLet()))
                try expectEndOfStatement(after: "the let statement")
            case "include":
                let (path, location) = try parseIncludePath()
                try expectEndOfStatement(after: "the include statement")
                statements += try include(path, location)
            case "product":
                statements.append(.product(try parseProduct()))
                try expectEndOfStatement(after: "the product block")
            case "default":
                statements.append(try parseDefault())
            case _ where Keywords.blockKinds.contains(word):
                statements.append(.block(try parseBlock()))
                try expectEndOfStatement(after: "the '\(word)' block")
            default:
                if try peek(1).kind == .equals {
                    throw Diagnostic("unknown statement '\(word)' (to define a variable, write 'let \(word) = ...')",
                                     at: token.location)
                }
                throw Diagnostic("unknown statement '\(word)'\(DidYouMean.hint(for: word, among: Keywords.topLevel)); expected one of: \(DidYouMean.list(Keywords.topLevel))",
                                 at: token.location)
            }
        }
        return statements
    }

    // MARK: Tokens

    /// The token `offset` ahead; reaching the place where lexing failed throws its error.
    private func peek(_ offset: Int = 0) throws -> Token {
        let i = min(index + offset, tokens.count - 1)
        if i == tokens.count - 1, let lexError { throw lexError }
        return tokens[i]
    }

    /// The kind of the token `offset` ahead, without throwing: where lexing failed it is
    /// `.endOfFile`, so a guess about what follows never reports a later error first.
    private func lookahead(_ offset: Int) -> Token.Kind {
        tokens[min(index + offset, tokens.count - 1)].kind
    }

    private mutating func advance() {
        if index < tokens.count - 1 { index += 1 }
    }

    private mutating func skipSeparators() throws {
        while try peek().isSeparator { advance() }
    }

    private mutating func skipNewlines() throws {
        while try peek().kind == .newline { advance() }
    }

    private mutating func expect(_ kind: Token.Kind, _ message: @autoclosure () -> String) throws -> Token {
        let token = try peek()
        guard token.kind == kind else {
            throw Diagnostic("\(message()), found \(token.description)", at: token.location)
        }
        advance()
        return token
    }

    private mutating func expectIdentifier(_ what: @autoclosure () -> String) throws -> Identifier {
        let token = try peek()
        guard let name = token.identifier else {
            throw Diagnostic("expected \(what()), found \(token.description)", at: token.location)
        }
        advance()
        return Identifier(name, at: token.location)
    }

    private mutating func expectEndOfStatement(after what: String) throws {
        let token = try peek()
        switch token.kind {
        case .newline, .semicolon: advance()
        case .endOfFile: break
        default:
            throw Diagnostic("expected end of line or ';' after \(what), found \(token.description)", at: token.location)
        }
    }

    // MARK: Top-level statements

    private mutating func parseLet() throws -> VariableDecl {
        advance()
        let name = try expectIdentifier("a variable name after 'let'")
        if Keywords.reservedValues.contains(name.name) {
            throw Diagnostic("'\(name.name)' is a reserved word (expected a variable name after 'let')", at: name.location)
        }
        _ = try expect(.equals, "expected '=' after 'let \(name.name)' (as in let \(name.name) = \"value\")")
        return VariableDecl(name: name, value: try parseExpression(after: "'let \(name.name) ='"))
    }

    /// The path of `include "path"` and the path's location (where include errors point).
    private mutating func parseIncludePath() throws -> (String, SourceLocation) {
        advance()
        let token = try peek()
        guard case .string(let template) = token.kind else {
            throw Diagnostic("expected a file path in quotes after 'include' (as in include \"common.arrakis\"), found \(token.description)",
                             at: token.location)
        }
        guard let path = template.literal else {
            throw Diagnostic("an include path must be a plain string (expected no {fields} in it)", at: token.location)
        }
        guard !path.isEmpty else {
            throw Diagnostic("empty include path (expected a file path in quotes)", at: token.location)
        }
        advance()
        return (path, token.location)
    }

    private mutating func parseDefault() throws -> TopLevel {
        let keyword = try peek()
        advance()
        var names: [Identifier] = []
        while true {
            let token = try peek()
            if token.isSeparator || token.kind == .endOfFile { break }
            guard let name = token.identifier else {
                throw Diagnostic("expected a product name after 'default', found \(token.description)", at: token.location)
            }
            names.append(Identifier(name, at: token.location))
            advance()
            if try peek().kind == .comma { advance() }
        }
        guard !names.isEmpty else {
            let token = try peek()
            throw Diagnostic("expected at least one product name after 'default', found \(token.description)",
                             at: token.location)
        }
        try expectEndOfStatement(after: "the default statement")
        return .defaults(names, keyword.location)
    }

    private mutating func parseBlock() throws -> SettingsBlock {
        let kindToken = try peek()
        let kind = Identifier(kindToken.identifier!, at: kindToken.location)
        advance()
        var name: Identifier?
        if let word = try peek().identifier {
            name = Identifier(word, at: try peek().location)
            advance()
        }
        let title = "'\(kind.name)\(name.map { " " + $0.name } ?? "")'"
        let open = try expect(.leftBrace, "expected '{' to open the \(title) block")
        var settings: [Setting] = []
        while true {
            try skipSeparators()
            let token = try peek()
            if token.kind == .rightBrace { advance(); break }
            if token.kind == .endOfFile {
                throw Diagnostic("unterminated block: \(title) has no closing '}' (expected '}' before the end of the file)",
                                 at: open.location)
            }
            guard let word = token.identifier else {
                throw Diagnostic("expected a setting name or '}' in the \(title) block, found \(token.description)",
                                 at: token.location)
            }
            if startsTopLevelStatement(word, insideProduct: false) {
                throw Diagnostic("unterminated block: \(title) has no closing '}' (expected '}' before the '\(word)' statement at line \(token.location.line))",
                                 at: open.location)
            }
            advance()
            let key = Identifier(word, at: token.location)
            settings.append(Setting(key: key, value: try parseExpression(after: "'\(word)'")))
            try expectEndOfBlockStatement(after: "the '\(word)' setting")
        }
        return SettingsBlock(kind: kind, name: name, settings: settings, location: kind.location)
    }

    // MARK: Products

    private mutating func parseProduct() throws -> ProductDecl {
        let keyword = try peek()
        advance()
        let name = try expectIdentifier("a product name after 'product'")
        let open = try expect(.leftBrace, "expected '{' after 'product \(name.name)'")
        var product = ProductDecl(name: name, location: keyword.location)
        func unterminated(_ why: String) -> Diagnostic {
            Diagnostic("unterminated block: product '\(name.name)' has no closing '}' (expected '}' \(why))", at: open.location)
        }
        while true {
            try skipSeparators()
            let token = try peek()
            if token.kind == .rightBrace { advance(); break }
            if token.kind == .endOfFile { throw unterminated("before the end of the file") }
            guard let word = token.identifier else {
                throw Diagnostic("expected a keyword (\(DidYouMean.list(Keywords.product))) or '}' in product '\(name.name)', found \(token.description)",
                                 at: token.location)
            }
            let keyword = Identifier(word, at: token.location)
            switch word {
            case "for":
                product.fanOuts.append(try parseFor())
            case "input":
                product.inputs.append(try parseNamedExpression(keyword))
            case "after":
                advance()
                product.inputs.append(NamedExpr(name: nil, value: try parseExpression(after: "'after'"), orderOnly: true))
            case "output":
                product.outputs.append(try parseNamedExpression(keyword))
            case "manifest":
                advance()
                let value = try parseExpression(after: "'manifest'")
                if let first = product.manifest {
                    throw Diagnostic("duplicate 'manifest' in product '\(name.name)' (expected at most one; the first is at line \(first.location.line))",
                                     at: keyword.location)
                }
                product.manifest = value
            case "param":
                advance()
                let param = try expectIdentifier("a parameter name after 'param'")
                _ = try expect(.equals, "expected '=' after 'param \(param.name)' (as in param \(param.name) = 5)")
                product.params.append(NamedExpr(name: param, value: try parseExpression(after: "'param \(param.name) ='")))
            case _ where Keywords.productSettings.contains(word):
                advance()
                product.settings.append(Setting(key: keyword, value: try parseExpression(after: "'\(word)'")))
            case _ where startsTopLevelStatement(word, insideProduct: true):
                throw unterminated(word == "product"
                    ? "before the next product at line \(token.location.line)"
                    : "before the '\(word)' statement at line \(token.location.line)")
            default:
                throw Diagnostic("unknown keyword '\(word)'\(DidYouMean.hint(for: word, among: Keywords.product)) in product '\(name.name)'; expected one of: \(DidYouMean.list(Keywords.product))",
                                 at: token.location)
            }
            try expectEndOfBlockStatement(after: "the '\(word)' statement")
        }
        return product
    }

    /// True when `word` (the current token) and what follows read as the start of a
    /// top-level statement, a sign that the enclosing block is missing its `}`. Settings
    /// blocks take any word as a key, so there only unmistakable shapes count.
    private func startsTopLevelStatement(_ word: String, insideProduct: Bool) -> Bool {
        let next = lookahead(1)
        let afterNext = lookahead(2)
        var nextIsName = false
        if case .identifier = next { nextIsName = true }
        switch word {
        case "product":
            return nextIsName && (insideProduct || afterNext == .leftBrace)
        case "let":
            return nextIsName && afterNext == .equals
        case "include":
            if case .string = next { return insideProduct }
            return false
        case "default":
            return insideProduct && nextIsName
        case _ where Keywords.blockKinds.contains(word):
            return next == .leftBrace || (nextIsName && afterNext == .leftBrace)
        default:
            return false
        }
    }

    /// After a statement inside `{ }`: a newline, `;`, or the closing `}` (not consumed).
    private mutating func expectEndOfBlockStatement(after what: String) throws {
        let token = try peek()
        switch token.kind {
        case .newline, .semicolon: advance()
        case .rightBrace, .endOfFile: break
        default:
            throw Diagnostic("expected end of line, ';' or '}' after \(what), found \(token.description)", at: token.location)
        }
    }

    private mutating func parseFor() throws -> FanOut {
        let keyword = try peek()
        advance()
        var variables: [Identifier] = []
        if try peek().kind == .leftParen {
            advance()
            try skipNewlines()
            variables.append(try expectIdentifier("a loop variable after 'for ('"))
            while true {
                try skipNewlines()
                let token = try peek()
                if token.kind == .rightParen { advance(); break }
                guard token.kind == .comma else {
                    throw Diagnostic("expected ',' or ')' in the loop variables, found \(token.description)", at: token.location)
                }
                advance()
                try skipNewlines()
                variables.append(try expectIdentifier("a loop variable after ','"))
            }
        } else {
            variables.append(try expectIdentifier("a loop variable or '(' after 'for' (as in for file in glob(\"*.txt\"))"))
        }
        let names = variables.count == 1 ? variables[0].name : "(" + variables.map(\.name).joined(separator: ", ") + ")"
        let inToken = try peek()
        guard inToken.identifier == "in" else {
            throw Diagnostic("expected 'in' after 'for \(names)', found \(inToken.description)", at: inToken.location)
        }
        advance()
        let source = try parseExpression(after: "'in'")
        return FanOut(variables: variables, source: source, location: keyword.location)
    }

    /// `input [NAME =] EXPR` or `output [NAME =] EXPR`; named only when NAME is followed by `=`.
    private mutating func parseNamedExpression(_ keyword: Identifier) throws -> NamedExpr {
        advance()
        var name: Identifier?
        let token = try peek()
        if let word = token.identifier, try peek(1).kind == .equals {
            name = Identifier(word, at: token.location)
            advance()
            advance()
        }
        let after = name.map { "'\(keyword.name) \($0.name) ='" } ?? "'\(keyword.name)'"
        return NamedExpr(name: name, value: try parseExpression(after: after))
    }

    // MARK: Expressions

    /// One value. `after` names what precedes it, for "expected a value after ..." errors.
    private mutating func parseExpression(after: String) throws -> Expr {
        let token = try peek()
        switch token.kind {
        case .string(let template):
            advance()
            return .string(template, token.location)
        case .integer(let value):
            advance()
            return .integer(value, token.location)
        case .float(let value):
            advance()
            return .float(value, token.location)
        case .leftBracket:
            return try nested(at: token) { try $0.parseList() }
        case .identifier(let word):
            if word == "true" || word == "false" {
                advance()
                return .bool(word == "true", token.location)
            }
            advance()
            let name = Identifier(word, at: token.location)
            switch try peek().kind {
            case .leftParen:
                return try nested(at: token) { try $0.parseCall(name) }
            case .leftBracket:
                return try nested(at: token) { try $0.parseSelection(name) }
            case .dot:
                advance()
                let attribute = try expectIdentifier("an attribute name after '\(word).'")
                return .name(name, attribute: attribute)
            default:
                return .name(name, attribute: nil)
            }
        default:
            throw Diagnostic("expected a value (a string, number, list, or name) after \(after), found \(token.description)",
                             at: token.location)
        }
    }

    private mutating func nested(at token: Token, _ body: (inout Parser) throws -> Expr) throws -> Expr {
        guard depth < Parser.maxDepth else {
            throw Diagnostic("expression nested too deeply (expected at most \(Parser.maxDepth) levels of [ ] and ( ))",
                             at: token.location)
        }
        depth += 1
        defer { depth -= 1 }
        return try body(&self)
    }

    /// The error for a `[` or `(` still open at the end of the file, located at the opener.
    private func unclosed(_ open: Token, _ what: String, _ closer: String) -> Diagnostic {
        Diagnostic("unterminated \(what): \(open.description) has no matching '\(closer)' (expected '\(closer)' before the end of the file)",
                   at: open.location)
    }

    private mutating func parseList() throws -> Expr {
        let open = try peek()
        let elements = try parseDelimited(open: open, closer: .rightBracket, closerText: "]",
                                          what: "list", firstAfter: "'['")
        return .list(elements, open.location)
    }

    private mutating func parseCall(_ name: Identifier) throws -> Expr {
        let open = try peek()
        let arguments = try parseDelimited(open: open, closer: .rightParen, closerText: ")",
                                           what: "call to '\(name.name)'", firstAfter: "'\(name.name)('")
        return .call(name, arguments, name.location)
    }

    /// Comma-separated expressions from the opener `open` (the current token) to `closer`,
    /// newlines allowed anywhere between them.
    private mutating func parseDelimited(open: Token, closer: Token.Kind, closerText: String,
                                         what: String, firstAfter: String) throws -> [Expr] {
        advance()
        var items: [Expr] = []
        try skipNewlines()
        while try peek().kind != closer {
            if try peek().kind == .endOfFile { throw unclosed(open, what, closerText) }
            items.append(try parseExpression(after: items.isEmpty ? firstAfter : "','"))
            try skipNewlines()
            let token = try peek()
            if token.kind == .comma {
                advance()
                try skipNewlines()
            } else if token.kind == .endOfFile {
                throw unclosed(open, what, closerText)
            } else if token.kind != closer {
                throw Diagnostic("expected ',' or '\(closerText)' in the \(what) opened at line \(open.location.line), column \(open.location.column), found \(token.description)",
                                 at: token.location)
            }
        }
        advance()
        return items
    }

    private mutating func parseSelection(_ name: Identifier) throws -> Expr {
        let open = try peek()
        advance()
        var selectors: [Selector] = []
        try skipNewlines()
        while true {
            if try peek().kind == .endOfFile { throw unclosed(open, "selection '\(name.name)[...]'", "]") }
            let variable = try expectIdentifier(selectors.isEmpty
                ? "a loop variable to select on after '\(name.name)[' (as in \(name.name)[field])"
                : "a loop variable after ','")
            var value: Expr?
            try skipNewlines()
            if try peek().kind == .equals {
                advance()
                try skipNewlines()
                value = try parseExpression(after: "'\(variable.name) ='")
                try skipNewlines()
            }
            selectors.append(Selector(variable: variable, value: value))
            let token = try peek()
            if token.kind == .rightBracket { advance(); break }
            if token.kind == .endOfFile { throw unclosed(open, "selection '\(name.name)[...]'", "]") }
            guard token.kind == .comma else {
                throw Diagnostic("expected ',' or ']' in the selection '\(name.name)[...]' opened at line \(open.location.line), column \(open.location.column), found \(token.description)",
                                 at: token.location)
            }
            advance()
            try skipNewlines()
            if try peek().kind == .rightBracket { advance(); break }
        }
        var output: Identifier?
        if try peek().kind == .dot {
            advance()
            output = try expectIdentifier("an output name after '\(name.name)[...].' (as in \(name.name)[field].votable)")
        }
        return .select(name, selectors, output: output, name.location)
    }
}
