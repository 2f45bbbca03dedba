/// Splits the text of a string literal into literal text and `{name[.attr][:format]}` fields.
///
/// `{{` and `}}` stand for literal braces, as do the escapes `\{` and `\}` in source.
/// Errors (an unterminated `{`, an empty `{}`, a stray `}`, a bad name or a bad format
/// spec) are `Diagnostic`s located at the offending character.
public enum TemplateParser {
    /// One decoded byte of a string literal and where it came from in the source.
    struct Unit: Sendable {
        var byte: UInt8
        /// Byte offset in the source (of the backslash, for an escape).
        var offset: Int
        /// True for `\{`, `\}`, `\n`, ...: never a template delimiter.
        var escaped: Bool
    }

    /// Parses template text that is already free of backslash escapes (e.g. a string read
    /// from a manifest or a command line); `start` is the location of its first character.
    public static func parse(_ text: String, at start: SourceLocation) throws -> Template {
        let source = SourceText(file: start.file, text: text)
        var units: [Unit] = []
        units.reserveCapacity(source.bytes.count)
        for (offset, byte) in source.bytes.enumerated() {
            units.append(Unit(byte: byte, offset: offset, escaped: false))
        }
        return try parse(units: units) { offset in
            // Text may span lines only when it does not come from an Arrakisfile literal.
            let line = source.line(ofOffset: offset)
            let column = source.column(from: source.lineStarts[line - 1], to: offset)
            return SourceLocation(file: start.file, line: start.line + line - 1,
                                  column: line == 1 ? start.column + column - 1 : column)
        }
    }

    private static let brace = UInt8(ascii: "{")
    private static let closeBrace = UInt8(ascii: "}")
    private static let hint = "write {{ and }} for literal braces"

    /// Parses decoded string units; `location` maps a source byte offset to a location.
    static func parse(units: [Unit], location: (Int) -> SourceLocation) throws -> Template {
        var parts: [Template.Part] = []
        var text: [UInt8] = []
        var i = 0
        let n = units.count
        func isDelimiter(_ index: Int, _ byte: UInt8) -> Bool {
            index < n && units[index].byte == byte && !units[index].escaped
        }
        while i < n {
            let unit = units[i]
            if unit.escaped {
                text.append(unit.byte)
                i += 1
            } else if unit.byte == brace {
                if isDelimiter(i + 1, brace) {
                    text.append(brace)
                    i += 2
                    continue
                }
                var close = i + 1
                while close < n, !isDelimiter(close, closeBrace) { close += 1 }
                guard close < n else {
                    throw Diagnostic("unterminated template field: '{' has no matching '}' (expected {name}; \(hint))",
                                     at: location(unit.offset))
                }
                guard close > i + 1 else {
                    throw Diagnostic("empty template field '{}' (expected a name inside, e.g. {file}; \(hint))",
                                     at: location(unit.offset))
                }
                let field = try parseField(units[(i + 1)..<close], location: location)
                if !text.isEmpty {
                    parts.append(.text(String(decoding: text, as: UTF8.self)))
                    text.removeAll(keepingCapacity: true)
                }
                parts.append(.field(field))
                i = close + 1
            } else if unit.byte == closeBrace {
                guard isDelimiter(i + 1, closeBrace) else {
                    throw Diagnostic("unmatched '}' in string (expected it to close a '{' field; \(hint))",
                                     at: location(unit.offset))
                }
                text.append(closeBrace)
                i += 2
            } else {
                text.append(unit.byte)
                i += 1
            }
        }
        if !text.isEmpty { parts.append(.text(String(decoding: text, as: UTF8.self))) }
        return Template(parts: parts)
    }

    /// Parses `name[.attr][:format]` (the units between the braces).
    private static func parseField(_ content: ArraySlice<Unit>, location: (Int) -> SourceLocation) throws -> TemplateField {
        let colon = content.firstIndex { $0.byte == UInt8(ascii: ":") && !$0.escaped }
        let nameUnits = content[content.startIndex..<(colon ?? content.endIndex)]
        let whole = String(decoding: content.map(\.byte), as: UTF8.self)
        let start = location(content.first!.offset)
        guard let (name, attribute) = splitName(nameUnits) else {
            throw Diagnostic("invalid template field '{\(whole)}' (expected a name like {file}, {file.stem} or {n:02}; \(hint))",
                             at: start)
        }
        var format: String?
        if let colon {
            let specUnits = content[(colon + 1)...]
            let spec = String(decoding: specUnits.map(\.byte), as: UTF8.self)
            guard !specUnits.contains(where: \.escaped), FormatSpec(spec) != nil else {
                let what = spec.isEmpty ? "empty format spec" : "invalid format spec '\(spec)'"
                throw Diagnostic("\(what) in template field '{\(whole)}' (expected [<|>][0][width][.precision], e.g. {n:02}, {name:>8}, {x:.3})",
                                 at: location(specUnits.first?.offset ?? content[colon].offset))
            }
            format = spec
        }
        return TemplateField(name: name, attribute: attribute, format: format, location: start)
    }

    /// `name` or `name.attr`, each an identifier; nil if malformed.
    private static func splitName(_ units: ArraySlice<Unit>) -> (String, String?)? {
        guard !units.contains(where: \.escaped) else { return nil }
        let bytes = units.map(\.byte)
        let dot = bytes.firstIndex(of: UInt8(ascii: "."))
        let nameBytes = bytes[..<(dot ?? bytes.endIndex)]
        guard isIdentifier(nameBytes) else { return nil }
        let name = String(decoding: nameBytes, as: UTF8.self)
        guard let dot else { return (name, nil) }
        let attrBytes = bytes[(dot + 1)...]
        guard isIdentifier(attrBytes) else { return nil }
        return (name, String(decoding: attrBytes, as: UTF8.self))
    }

    static func isIdentifier<C: Collection>(_ bytes: C) -> Bool where C.Element == UInt8 {
        guard let first = bytes.first, Lexer.isIdentifierStart(first) else { return false }
        return bytes.dropFirst().allSatisfy(Lexer.isIdentifierContinue)
    }
}
